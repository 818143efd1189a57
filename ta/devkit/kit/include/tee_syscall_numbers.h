/* SPDX-License-Identifier: BSD-2-Clause */
/* TA system call numbers (svc #0, number in x8), OP-TEE 4.5's ABI. */
#ifndef TEE_SYSCALL_NUMBERS_H
#define TEE_SYSCALL_NUMBERS_H

@constants tee_syscall TEE_SCN_@

#endif /* TEE_SYSCALL_NUMBERS_H */
