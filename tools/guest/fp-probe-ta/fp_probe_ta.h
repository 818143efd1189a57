/* SPDX-License-Identifier: BSD-2-Clause */
/* The FP probe TA's interface, shared with tools/guest/oxtee-fp-check.c. */
#ifndef FP_PROBE_TA_H
#define FP_PROBE_TA_H

#define FP_PROBE_TA_UUID { 0xb5c09ff4, 0x56a2, 0x4037, \
	{ 0x9e, 0x1c, 0x28, 0x3e, 0x24, 0x18, 0x45, 0x5b } }

/* value a: seed. Fills v0..v31 and FPCR from the seed and, with them
 * live, reads address 0: the TA faults in the middle of its FP use. */
#define FP_PROBE_CMD_FILL_AND_FAULT	0
/* memref out, 32 * 16 + 8 bytes: v0..v31 and FPCR as the TA finds them on
 * entry to the command, before it touches them. */
#define FP_PROBE_CMD_READ		1
/* value a: seed, value b: milliseconds. Puts seed-derived values in d8..d15,
 * waits (an RPC to the normal world, after which the thread may resume on
 * another CPU), then returns in value a of param 1 the mask of d8..d15
 * that changed. */
#define FP_PROBE_CMD_KEEP_ACROSS_WAIT	2
/* Returns at once, touching no FP/SIMD register in the command itself. */
#define FP_PROBE_CMD_NO_FP		3
/* One FP/SIMD instruction, then returns. */
#define FP_PROBE_CMD_ONE_FP		4
/* memref in, memref out (same size, a multiple of 16 bytes): AES-128-ECB
 * of the input under FP_PROBE_AES_KEY through the GP cipher API, i.e. by
 * the secure OS's crypto (its Crypto Extensions or SVE routines), while
 * the normal world's vector registers must survive. */
#define FP_PROBE_CMD_AES_ECB		5

/* FIPS-197 appendix C.1: key 000102..0f, plaintext 00112233..ff. */
#define FP_PROBE_AES_KEY { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, \
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f }

/* The value the probe puts in 64-bit half h (0..63) of v0..v31 for `seed`. */
#define FP_PROBE_WORD(seed, h) \
	(0x5ec7e7a000000000ULL ^ ((unsigned long long)(seed) << 8) ^ (h))

#endif
