// SPDX-License-Identifier: BSD-2-Clause
/*
 * A trusted application for tools/guest/oxtee-fp-check.c: it uses FP/SIMD
 * registers in ways the secure OS must contain (a fault with secrets live,
 * values kept across an RPC) and reports what it finds in them.
 */
#include <stdint.h>
#include <tee_internal_api.h>

#include "fp_probe_ta.h"

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t pt, TEE_Param p[4], void **s)
{
	(void)pt;
	(void)p;
	(void)s;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *s)
{
	(void)s;
}

static uint64_t words[64];

static void fill_and_fault(uint32_t seed)
{
	unsigned int h;

	for (h = 0; h < 64; h++)
		words[h] = FP_PROBE_WORD(seed, h);
	__asm__ volatile(
		"ldp	q0, q1, [%0, #0]\n"
		"ldp	q2, q3, [%0, #32]\n"
		"ldp	q4, q5, [%0, #64]\n"
		"ldp	q6, q7, [%0, #96]\n"
		"ldp	q8, q9, [%0, #128]\n"
		"ldp	q10, q11, [%0, #160]\n"
		"ldp	q12, q13, [%0, #192]\n"
		"ldp	q14, q15, [%0, #224]\n"
		"ldp	q16, q17, [%0, #256]\n"
		"ldp	q18, q19, [%0, #288]\n"
		"ldp	q20, q21, [%0, #320]\n"
		"ldp	q22, q23, [%0, #352]\n"
		"ldp	q24, q25, [%0, #384]\n"
		"ldp	q26, q27, [%0, #416]\n"
		"ldp	q28, q29, [%0, #448]\n"
		"ldp	q30, q31, [%0, #480]\n"
		"mov	x1, #(1 << 24)\n"
		"msr	fpcr, x1\n"
		"mov	x1, #0\n"
		"ldr	x1, [x1]\n"
		:
		: "r"(words)
		: "x1", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8",
		  "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17",
		  "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26",
		  "v27", "v28", "v29", "v30", "v31", "memory");
}

static void read_regs(uint64_t *out)
{
	__asm__ volatile(
		"stp	q0, q1, [%0, #0]\n"
		"stp	q2, q3, [%0, #32]\n"
		"stp	q4, q5, [%0, #64]\n"
		"stp	q6, q7, [%0, #96]\n"
		"stp	q8, q9, [%0, #128]\n"
		"stp	q10, q11, [%0, #160]\n"
		"stp	q12, q13, [%0, #192]\n"
		"stp	q14, q15, [%0, #224]\n"
		"stp	q16, q17, [%0, #256]\n"
		"stp	q18, q19, [%0, #288]\n"
		"stp	q20, q21, [%0, #320]\n"
		"stp	q22, q23, [%0, #352]\n"
		"stp	q24, q25, [%0, #384]\n"
		"stp	q26, q27, [%0, #416]\n"
		"stp	q28, q29, [%0, #448]\n"
		"stp	q30, q31, [%0, #480]\n"
		"mrs	x1, fpcr\n"
		"str	x1, [%0, #512]\n"
		:
		: "r"(out)
		: "x1", "memory");
}

static uint32_t keep_across_wait(uint32_t seed, uint32_t ms)
{
	uint64_t in[8], out[8];
	uint32_t mask = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		in[i] = FP_PROBE_WORD(seed, 16 + 2 * i);
	__asm__ volatile("ldp	d8, d9, [%0, #0]\n"
			 "ldp	d10, d11, [%0, #16]\n"
			 "ldp	d12, d13, [%0, #32]\n"
			 "ldp	d14, d15, [%0, #48]\n"
			 :
			 : "r"(in)
			 : "memory");
	/* d8..d15 are callee-saved: TEE_Wait and the secure OS keep them. */
	TEE_Wait(ms);
	__asm__ volatile("stp	d8, d9, [%0, #0]\n"
			 "stp	d10, d11, [%0, #16]\n"
			 "stp	d12, d13, [%0, #32]\n"
			 "stp	d14, d15, [%0, #48]\n"
			 :
			 : "r"(out)
			 : "memory");
	for (i = 0; i < 8; i++)
		if (in[i] != out[i])
			mask |= 1u << i;
	return mask;
}

/* AES-128-ECB of `in` into `out` (len bytes, whole blocks). */
static TEE_Result aes_ecb(const void *in, void *out, size_t len)
{
	static const uint8_t key[16] = FP_PROBE_AES_KEY;
	TEE_OperationHandle op = TEE_HANDLE_NULL;
	TEE_ObjectHandle k = TEE_HANDLE_NULL;
	TEE_Attribute attr;
	TEE_Result res;
	size_t out_len = len;

	res = TEE_AllocateOperation(&op, TEE_ALG_AES_ECB_NOPAD,
				    TEE_MODE_ENCRYPT, 128);
	if (res != TEE_SUCCESS)
		return res;
	res = TEE_AllocateTransientObject(TEE_TYPE_AES, 128, &k);
	if (res != TEE_SUCCESS)
		goto out;
	TEE_InitRefAttribute(&attr, TEE_ATTR_SECRET_VALUE, key, sizeof(key));
	res = TEE_PopulateTransientObject(k, &attr, 1);
	if (res != TEE_SUCCESS)
		goto out;
	res = TEE_SetOperationKey(op, k);
	if (res != TEE_SUCCESS)
		goto out;
	TEE_CipherInit(op, NULL, 0);
	res = TEE_CipherUpdate(op, in, len, out, &out_len);
	if (res == TEE_SUCCESS && out_len != len)
		res = TEE_ERROR_GENERIC;
out:
	TEE_FreeTransientObject(k);
	TEE_FreeOperation(op);
	return res;
}

TEE_Result TA_InvokeCommandEntryPoint(void *s, uint32_t cmd, uint32_t pt,
				      TEE_Param p[4])
{
	(void)s;
	switch (cmd) {
	case FP_PROBE_CMD_READ: {
		uint64_t regs[65];

		read_regs(regs);
		if (pt != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_OUTPUT,
					  TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE) ||
		    p[0].memref.size < sizeof(regs))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_MemMove(p[0].memref.buffer, regs, sizeof(regs));
		p[0].memref.size = sizeof(regs);
		return TEE_SUCCESS;
	}
	case FP_PROBE_CMD_FILL_AND_FAULT:
		if (TEE_PARAM_TYPE_GET(pt, 0) != TEE_PARAM_TYPE_VALUE_INPUT)
			return TEE_ERROR_BAD_PARAMETERS;
		fill_and_fault(p[0].value.a);
		return TEE_ERROR_GENERIC;
	case FP_PROBE_CMD_KEEP_ACROSS_WAIT:
		if (pt != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
					  TEE_PARAM_TYPE_VALUE_OUTPUT,
					  TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[1].value.a = keep_across_wait(p[0].value.a, p[0].value.b);
		return TEE_SUCCESS;
	case FP_PROBE_CMD_NO_FP:
		return TEE_SUCCESS;
	case FP_PROBE_CMD_ONE_FP:
		__asm__ volatile("fmov	d0, xzr" ::: "v0");
		return TEE_SUCCESS;
	case FP_PROBE_CMD_AES_ECB:
		if (pt != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
					  TEE_PARAM_TYPE_MEMREF_OUTPUT,
					  TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE) ||
		    p[1].memref.size != p[0].memref.size ||
		    p[0].memref.size % 16)
			return TEE_ERROR_BAD_PARAMETERS;
		return aes_ecb(p[0].memref.buffer, p[1].memref.buffer,
			       p[0].memref.size);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
