// SPDX-License-Identifier: BSD-2-Clause
/*
 * teaclave-hello-check: client of the Teaclave-style TA
 * (ta/compat/teaclave-hello, built on optee-utee 0.10 against oxtee's
 * libutee.a). Checks value arithmetic, a SHA-256 known answer through
 * optee-utee's crypto API, and an unknown command.
 * Output: "TCH ok|FAIL <case> ..." lines, then "TCH passed <n> failed <m>".
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <tee_client_api.h>

static const TEEC_UUID uuid = {
	0x9e3a8c2f, 0x3b7d, 0x4e51,
	{ 0xa1, 0xc6, 0x0d, 0x2f, 0x7b, 0x5e, 0x9a, 0x14 }
};

static const uint8_t sha256_abc[32] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
	0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
	0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
};

static int passed, failed;

static void check(int ok, const char *name, TEEC_Result r)
{
	printf("TCH %s %s res %#x\n", ok ? "ok" : "FAIL", name, r);
	if (ok)
		passed++;
	else
		failed++;
}

int main(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	TEEC_Result r;
	uint32_t origin;
	uint8_t hash[64];

	r = TEEC_InitializeContext(NULL, &ctx);
	check(r == TEEC_SUCCESS, "context", r);
	if (r)
		return 1;
	r = TEEC_OpenSession(&ctx, &s, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL,
			     &origin);
	check(r == TEEC_SUCCESS, "open", r);
	if (r)
		return 1;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].value.a = 29;
	r = TEEC_InvokeCommand(&s, 0, &op, &origin);
	check(r == TEEC_SUCCESS && op.params[0].value.a == 129, "inc", r);
	r = TEEC_InvokeCommand(&s, 1, &op, &origin);
	check(r == TEEC_SUCCESS && op.params[0].value.a == 29, "dec", r);

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)"abc";
	op.params[0].tmpref.size = 3;
	op.params[1].tmpref.buffer = hash;
	op.params[1].tmpref.size = sizeof(hash);
	r = TEEC_InvokeCommand(&s, 2, &op, &origin);
	check(r == TEEC_SUCCESS && op.params[1].tmpref.size == 32 &&
		      !memcmp(hash, sha256_abc, 32),
	      "sha256", r);

	memset(&op, 0, sizeof(op));
	r = TEEC_InvokeCommand(&s, 9, &op, &origin);
	check(r == TEEC_ERROR_BAD_PARAMETERS && origin == TEEC_ORIGIN_TRUSTED_APP,
	      "bad-command", r);
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
	printf("TCH passed %d failed %d\n", passed, failed);
	return failed != 0;
}
