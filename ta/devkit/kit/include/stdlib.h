/* SPDX-License-Identifier: BSD-2-Clause */
/* The TA heap (TA_DATA_SIZE bytes) through the C allocation functions. */
#ifndef STDLIB_H
#define STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
void abort(void) __attribute__((noreturn));

#endif /* STDLIB_H */
