// SPDX-License-Identifier: BSD-2-Clause
/*
 * mem-check: the core's memcpy and memset (core/arch/src/asm/mem.S, built
 * here with their symbols renamed oxtee_memcpy/oxtee_memset) against byte
 * loops, run as a Linux program in the QEMU guest (make mem-test): every
 * length 0..300 at every pair of source and destination offsets 0..15,
 * and copies and fills of 4-16 KiB at a few offsets. The bytes around the
 * destination must stay untouched. Prints "mem-check: N cases OK" and exits
 * 0, or the first wrong case and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

void *oxtee_memcpy(void *dst, const void *src, size_t n);
void *oxtee_memset(void *dst, int c, size_t n);

#define GUARD 32
#define MAX (16384 + 64)

static uint8_t src[MAX + 2 * GUARD];
static uint8_t dst[MAX + 2 * GUARD];
static unsigned long cases;

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 131u + 7u + (i >> 8));
}

/* The bytes a case writes or checks: the destination and a guard each side. */
static size_t span(size_t dof, size_t n)
{
	return GUARD + dof + n + GUARD;
}

static int check_copy(size_t so, size_t dof, size_t n)
{
	size_t i;

	for (i = 0; i < span(dof, n); i++)
		dst[i] = 0xa5;
	if (oxtee_memcpy(dst + GUARD + dof, src + GUARD + so, n) != dst + GUARD + dof) {
		printf("mem-check: memcpy(%zu, %zu, %zu) returned another pointer\n", dof, so, n);
		return 1;
	}
	for (i = 0; i < span(dof, n); i++) {
		size_t at = GUARD + dof;
		uint8_t want = (i >= at && i < at + n) ? src[GUARD + so + (i - at)] : 0xa5;

		if (dst[i] != want) {
			printf("mem-check: memcpy dst+%zu src+%zu len %zu: byte %zu is %#x, not %#x\n",
			       dof, so, n, i, dst[i], want);
			return 1;
		}
	}
	cases++;
	return 0;
}

static int check_set(size_t dof, size_t n, int c)
{
	size_t i;

	for (i = 0; i < span(dof, n); i++)
		dst[i] = 0xa5;
	if (oxtee_memset(dst + GUARD + dof, c, n) != dst + GUARD + dof) {
		printf("mem-check: memset(%zu, %zu) returned another pointer\n", dof, n);
		return 1;
	}
	for (i = 0; i < span(dof, n); i++) {
		size_t at = GUARD + dof;
		uint8_t want = (i >= at && i < at + n) ? (uint8_t)c : 0xa5;

		if (dst[i] != want) {
			printf("mem-check: memset dst+%zu len %zu: byte %zu is %#x, not %#x\n",
			       dof, n, i, dst[i], want);
			return 1;
		}
	}
	cases++;
	return 0;
}

int main(void)
{
	static const size_t big[] = { 4096, 4097, 8191, 16384 };
	size_t so, dof, n, k;

	for (k = 0; k < sizeof(src); k++)
		src[k] = pattern(k);
	for (n = 0; n <= 300; n++)
		for (so = 0; so < 16; so++)
			for (dof = 0; dof < 16; dof++)
				if (check_copy(so, dof, n))
					return 1;
	for (n = 0; n <= 300; n++)
		for (dof = 0; dof < 16; dof++)
			if (check_set(dof, n, (int)(n * 37 + 0x1c0)))
				return 1;
	for (k = 0; k < sizeof(big) / sizeof(big[0]); k++)
		for (so = 0; so < 16; so += 3)
			for (dof = 0; dof < 16; dof += 5)
				if (check_copy(so, dof, big[k]) || check_set(dof, big[k], 0x3c))
					return 1;
	for (k = 0; k < sizeof(src); k++)
		if (src[k] != pattern(k)) {
			printf("mem-check: the source changed at byte %zu\n", k);
			return 1;
		}
	printf("mem-check: %lu cases OK\n", cases);
	return 0;
}
