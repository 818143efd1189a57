/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * UUIDs and command ids of the C example TAs (ta/c-examples), shared by the
 * TAs and their client (client/c-examples-check.c). The TAs are plain
 * OP-TEE-style TAs: they build with any OP-TEE TA dev kit, and with oxtee's.
 */
#ifndef C_EXAMPLES_H
#define C_EXAMPLES_H

/* hello: parameters, heap, properties, formatting, time, random */
#define HELLO_TA_UUID \
	{ 0xa35b8888, 0x8aa4, 0x49c5, \
	  { 0xae, 0xb2, 0xcf, 0xfa, 0xbb, 0xa9, 0x89, 0xf3 } }
#define HELLO_CMD_INC 0		/* value[0].a += 1 + value[0].b (inout) */
#define HELLO_CMD_REVERSE 1	/* memref[0] reversed in place (inout) */
#define HELLO_CMD_FORMAT 2	/* snprintf of value[0].a, .b into memref[1] */
#define HELLO_CMD_HEAP 3	/* malloc/realloc/TEE_Malloc patterns, value[0].a = checks */
#define HELLO_CMD_PROPS 4	/* value[0].a = gpd.ta.dataSize, .b = client login */
#define HELLO_CMD_TIME_RANDOM 5 /* memref[0] random, value[1].a = time advanced */
#define HELLO_CMD_PANIC 6	/* TEE_Panic(value[0].a) */
#define HELLO_CMD_CALLER 7	/* value[0].a = caller's login, memref[1] = its UUID */

/* storage: a persistent object's life, an enumeration, and crypto operations */
#define STORAGE_TA_UUID \
	{ 0x648d8694, 0x95ea, 0x4201, \
	  { 0xb5, 0xc2, 0x7b, 0xf9, 0x55, 0x76, 0xd3, 0xfa } }
#define STORAGE_CMD_WRITE 0	/* object memref[0] := memref[1] */
#define STORAGE_CMD_READ 1	/* memref[1] := object memref[0] (size back) */
#define STORAGE_CMD_DELETE 2	/* delete object memref[0] */
#define STORAGE_CMD_EXERCISE 3	/* seek, truncate, rename, enumerate; value[0].a = checks */
#define STORAGE_CMD_CRYPTO 4	/* SHA-256, HMAC, AES-CBC known answers, AES-GCM; value[0].a = checks */

/* ta2ta: calls hello from the secure side */
#define TA2TA_TA_UUID \
	{ 0x415f46c9, 0x4f93, 0x4f75, \
	  { 0x9e, 0xe7, 0x3c, 0x2f, 0xbc, 0x8f, 0x7d, 0xd0 } }
#define TA2TA_CMD_RUN 0		/* value[0].a = checks passed, .b = first failure */

#endif /* C_EXAMPLES_H */
