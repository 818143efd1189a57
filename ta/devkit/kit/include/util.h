/* SPDX-License-Identifier: BSD-2-Clause */
/* Small helpers TA sources commonly use. */
#ifndef UTIL_H
#define UTIL_H

#include <compiler.h>

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define ROUNDUP(v, size) (((v) + ((size) - 1)) & ~((__typeof__(v))(size) - 1))
#define ROUNDDOWN(v, size) ((v) & ~((__typeof__(v))(size) - 1))
#define BIT32(n) (UINT32_C(1) << (n))
#define BIT64(n) (UINT64_C(1) << (n))
#define BIT(n) BIT32(n)
#define SHIFT_U32(v, shift) ((uint32_t)(v) << (shift))
#define SHIFT_U64(v, shift) ((uint64_t)(v) << (shift))

#endif /* UTIL_H */
