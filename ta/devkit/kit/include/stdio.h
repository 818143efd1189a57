/* SPDX-License-Identifier: BSD-2-Clause */
/* Formatted output: into buffers, or to the secure console (printf, puts). */
#ifndef STDIO_H
#define STDIO_H

#include <stdarg.h>
#include <stddef.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int puts(const char *s);
int putchar(int c);

#endif /* STDIO_H */
