/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

/* f015f096-7189-4c6d-81da-71d5459239f0 */
#define TA_UUID { 0xf015f096, 0x7189, 0x4c6d, { 0x81, 0xda, 0x71, 0xd5, 0x45, 0x92, 0x39, 0xf0 } }
/* The same properties as the Rust example's `ta!` block. */
#define TA_FLAGS 0
#define TA_STACK_SIZE (16 * 1024)
#define TA_DATA_SIZE (256 * 1024)
#define TA_VERSION "0.1.0"
#define TA_DESCRIPTION "oxtee TA SDK example, C twin"

#endif
