// SPDX-License-Identifier: BSD-2-Clause
/*
 * oxtee-fp-check: the secure world must give the normal world its FP/SIMD
 * registers back untouched (SMCCC), whatever the trusted applications it
 * runs do with their own.
 *
 * Usage: oxtee-fp-check [CALLS [FP_CALLS [SPINNERS]]]
 *
 * - One caller thread per CPU, pinned, makes CALLS invocations of xtest's
 *   crypt TA (SHA-256 of a buffer, a call whose TA code need not touch
 *   FP/SIMD) and, spread among them, FP_CALLS (default 4) of os_test's
 *   BASIC command, whose float tests compute with FP/SIMD registers in the
 *   TA and check the results. Around each TEEC_InvokeCommand, d8..d15
 *   (callee-saved in the procedure-call standard) hold known values; any
 *   change is a corruption. Every answer is checked too.
 * - SPINNERS threads (default: one per CPU) load v0..v31 and FPCR with known
 *   values and check them over and over without any system call. Linux
 *   switches their FP state lazily: if the secure world left other values in
 *   a CPU's registers, a spinner scheduled back onto it sees them.
 *
 * Output: one "FPCHECK key value" line per figure, then "FPCHECK done OK"
 * or "FPCHECK done FAIL"; the exit status is 0 only for OK.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tee_client_api.h>

/* cb3e5ba0-adf1-11e0-998b-0002a5d5c51b (optee_test's ta_crypt.h) */
static const TEEC_UUID crypt_uuid = {
	0xcb3e5ba0, 0xadf1, 0x11e0,
	{ 0x99, 0x8b, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b }
};
/* TA_CRYPT_CMD_SHA256: params[0] memref input, params[1] memref output */
#define CMD_SHA256 2
/* 5b9e0e40-2636-11e1-ad9e-0002a5d5c51b (optee_test's ta_os_test.h) */
static const TEEC_UUID os_test_uuid = {
	0x5b9e0e40, 0x2636, 0x11e1,
	{ 0xad, 0x9e, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b }
};
/* TA_OS_TEST_CMD_BASIC: a memref input (as xtest 1006); float tests included */
#define CMD_BASIC 5

static atomic_int callers_running;
static atomic_ulong call_corruptions, call_failures, calls_done, fp_calls_done;
static atomic_ulong spin_corruptions, spin_rounds;

struct caller {
	int cpu;
	unsigned long calls;
	unsigned long fp_calls;
	TEEC_Context ctx;
};

struct invoke_arg {
	TEEC_Session *sess;
	uint32_t cmd;
	TEEC_Operation *op;
	TEEC_Result res;
};

static uint64_t do_invoke(void *p)
{
	struct invoke_arg *a = p;
	uint32_t origin = 0;

	a->res = TEEC_InvokeCommand(a->sess, a->cmd, a->op, &origin);
	return 0;
}

/*
 * Loads d8..d15 from pat[0..7], calls fn(arg), then returns a bit mask of
 * the registers among d8..d15 that no longer hold their pattern. Everything
 * happens in one asm block so the compiler cannot use those registers in
 * between.
 */
static uint64_t call_keeping_d8_d15(uint64_t (*fn)(void *), void *arg,
				    const uint64_t pat[8])
{
	register uint64_t x0 __asm__("x0") = (uint64_t)arg;
	register uint64_t x1 __asm__("x1") = (uint64_t)fn;
	register uint64_t x2 __asm__("x2") = (uint64_t)pat;

	__asm__ volatile(
		"stp	x2, xzr, [sp, #-16]!\n"
		"ldp	d8, d9, [x2, #0]\n"
		"ldp	d10, d11, [x2, #16]\n"
		"ldp	d12, d13, [x2, #32]\n"
		"ldp	d14, d15, [x2, #48]\n"
		"blr	x1\n"
		"ldp	x2, xzr, [sp], #16\n"
		"mov	x0, #0\n"
		".irp	n, 8, 9, 10, 11, 12, 13, 14, 15\n"
		"ldr	x3, [x2, #((\\n - 8) * 8)]\n"
		"fmov	x4, d\\n\n"
		"cmp	x3, x4\n"
		"cset	x5, ne\n"
		"orr	x0, x0, x5, lsl #\\n\n"
		".endr\n"
		: "+r"(x0), "+r"(x1), "+r"(x2)
		:
		: "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
		  "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x30",
		  "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9",
		  "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17",
		  "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25",
		  "v26", "v27", "v28", "v29", "v30", "v31", "cc", "memory");
	return x0;
}

/*
 * Loads v0..v31 from pat[0..63] and FPCR from pat[64], then `rounds` times
 * stores them to scratch and compares; returns the number of rounds in
 * which any of them changed. One asm block: no compiled code runs between
 * the load and the checks.
 */
static uint64_t spin_check(const uint64_t *pat, uint64_t *scratch,
			   uint64_t rounds)
{
	register uint64_t x0 __asm__("x0") = (uint64_t)pat;
	register uint64_t x1 __asm__("x1") = (uint64_t)scratch;
	register uint64_t x2 __asm__("x2") = rounds;
	uint64_t bad;

	__asm__ volatile(
		"ldp	q0, q1, [x0, #0]\n"
		"ldp	q2, q3, [x0, #32]\n"
		"ldp	q4, q5, [x0, #64]\n"
		"ldp	q6, q7, [x0, #96]\n"
		"ldp	q8, q9, [x0, #128]\n"
		"ldp	q10, q11, [x0, #160]\n"
		"ldp	q12, q13, [x0, #192]\n"
		"ldp	q14, q15, [x0, #224]\n"
		"ldp	q16, q17, [x0, #256]\n"
		"ldp	q18, q19, [x0, #288]\n"
		"ldp	q20, q21, [x0, #320]\n"
		"ldp	q22, q23, [x0, #352]\n"
		"ldp	q24, q25, [x0, #384]\n"
		"ldp	q26, q27, [x0, #416]\n"
		"ldp	q28, q29, [x0, #448]\n"
		"ldp	q30, q31, [x0, #480]\n"
		"ldr	x3, [x0, #512]\n"
		"msr	fpcr, x3\n"
		"mov	%[bad], #0\n"
		"1:\n"
		"stp	q0, q1, [x1, #0]\n"
		"stp	q2, q3, [x1, #32]\n"
		"stp	q4, q5, [x1, #64]\n"
		"stp	q6, q7, [x1, #96]\n"
		"stp	q8, q9, [x1, #128]\n"
		"stp	q10, q11, [x1, #160]\n"
		"stp	q12, q13, [x1, #192]\n"
		"stp	q14, q15, [x1, #224]\n"
		"stp	q16, q17, [x1, #256]\n"
		"stp	q18, q19, [x1, #288]\n"
		"stp	q20, q21, [x1, #320]\n"
		"stp	q22, q23, [x1, #352]\n"
		"stp	q24, q25, [x1, #384]\n"
		"stp	q26, q27, [x1, #416]\n"
		"stp	q28, q29, [x1, #448]\n"
		"stp	q30, q31, [x1, #480]\n"
		"mrs	x3, fpcr\n"
		"str	x3, [x1, #512]\n"
		"mov	x3, #0\n"
		"mov	x6, #0\n"
		"2:\n"
		"ldr	x4, [x0, x3]\n"
		"ldr	x5, [x1, x3]\n"
		"cmp	x4, x5\n"
		"cinc	x6, x6, ne\n"
		"add	x3, x3, #8\n"
		"cmp	x3, #520\n"
		"b.lo	2b\n"
		"cmp	x6, #0\n"
		"cinc	%[bad], %[bad], ne\n"
		"subs	x2, x2, #1\n"
		"b.ne	1b\n"
		"msr	fpcr, xzr\n"
		: [bad] "=&r"(bad), "+r"(x0), "+r"(x1), "+r"(x2)
		:
		: "x3", "x4", "x5", "x6", "v0", "v1", "v2", "v3", "v4", "v5",
		  "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14",
		  "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
		  "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30",
		  "v31", "cc", "memory");
	return bad;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *caller_main(void *p)
{
	struct caller *c = p;
	TEEC_Session sess, fp_sess;
	TEEC_Operation op, fp_op;
	uint32_t origin = 0;
	uint8_t in[256], out[32], expect[32], basic_buf[32] = { 0 };
	uint64_t pat[8];
	struct invoke_arg a = { &sess, CMD_SHA256, &op, 0 };
	struct invoke_arg fp = { &fp_sess, CMD_BASIC, &fp_op, 0 };
	unsigned long i, every, fp_done = 0;
	TEEC_Result res;

	pin(c->cpu);
	res = TEEC_OpenSession(&c->ctx, &sess, &crypt_uuid, TEEC_LOGIN_PUBLIC,
			       NULL, NULL, &origin);
	if (res != TEEC_SUCCESS) {
		printf("FPCHECK open.cpu%d 0x%08x origin %u\n", c->cpu, res,
		       origin);
		atomic_fetch_add(&call_failures, 1);
		goto out;
	}
	res = TEEC_OpenSession(&c->ctx, &fp_sess, &os_test_uuid,
			       TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	if (res != TEEC_SUCCESS) {
		printf("FPCHECK open_os_test.cpu%d 0x%08x origin %u\n", c->cpu,
		       res, origin);
		atomic_fetch_add(&call_failures, 1);
		TEEC_CloseSession(&sess);
		goto out;
	}
	memset(&fp_op, 0, sizeof(fp_op));
	fp_op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
					    TEEC_NONE, TEEC_NONE);
	fp_op.params[0].tmpref.buffer = basic_buf;
	fp_op.params[0].tmpref.size = sizeof(basic_buf);
	every = c->fp_calls ? c->calls / c->fp_calls : 0;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + c->cpu);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = in;
	op.params[0].tmpref.size = sizeof(in);
	op.params[1].tmpref.buffer = expect;
	op.params[1].tmpref.size = sizeof(expect);
	do_invoke(&a);
	if (a.res != TEEC_SUCCESS) {
		printf("FPCHECK sha256.cpu%d 0x%08x\n", c->cpu, a.res);
		atomic_fetch_add(&call_failures, 1);
		goto close;
	}
	op.params[1].tmpref.buffer = out;
	for (i = 0; i < c->calls; i++) {
		uint64_t mask;
		int r;

		for (r = 0; r < 8; r++)
			pat[r] = 0x0123456789abcdefULL * (i + 1) + r * 0x1111 +
				 c->cpu;
		op.params[1].tmpref.size = sizeof(out);
		memset(out, 0, sizeof(out));
		mask = call_keeping_d8_d15(do_invoke, &a, pat);
		if (a.res != TEEC_SUCCESS || memcmp(out, expect, sizeof(out))) {
			atomic_fetch_add(&call_failures, 1);
		}
		if (mask) {
			if (atomic_fetch_add(&call_corruptions, 1) < 5)
				printf("FPCHECK corrupted.cpu%d call %lu d8-d15 mask 0x%" PRIx64 "\n",
				       c->cpu, i, mask >> 8);
		}
		atomic_fetch_add(&calls_done, 1);
		if (fp_done < c->fp_calls && (every == 0 || i % every == 0)) {
			mask = call_keeping_d8_d15(do_invoke, &fp, pat);
			if (fp.res != TEEC_SUCCESS) {
				printf("FPCHECK basic.cpu%d 0x%08x\n", c->cpu,
				       fp.res);
				atomic_fetch_add(&call_failures, 1);
			}
			if (mask && atomic_fetch_add(&call_corruptions, 1) < 5)
				printf("FPCHECK corrupted.cpu%d fp call %lu d8-d15 mask 0x%" PRIx64 "\n",
				       c->cpu, fp_done, mask >> 8);
			fp_done++;
			atomic_fetch_add(&fp_calls_done, 1);
		}
	}
	TEEC_CloseSession(&fp_sess);
close:
	TEEC_CloseSession(&sess);
out:
	atomic_fetch_sub(&callers_running, 1);
	return NULL;
}

static void *spinner_main(void *p)
{
	uint64_t pat[65], scratch[65];
	uintptr_t id = (uintptr_t)p;
	int i;

	for (i = 0; i < 64; i++)
		pat[i] = 0xfedcba9876543210ULL ^ ((uint64_t)(i + 1) << 40) ^ id;
	/* Round toward zero, flush-to-zero: not Linux's default FPCR. */
	pat[64] = (3u << 22) | (1u << 24);
	while (atomic_load(&callers_running) > 0) {
		uint64_t bad = spin_check(pat, scratch, 20000);

		if (bad && atomic_fetch_add(&spin_corruptions, bad) < 5)
			printf("FPCHECK corrupted.spinner%u rounds %" PRIu64 "\n",
			       (unsigned)id, bad);
		atomic_fetch_add(&spin_rounds, 20000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long calls = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long fp_calls = argc > 2 ? strtoul(argv[2], NULL, 0) : 4;
	long spinners = argc > 3 ? strtol(argv[3], NULL, 0) : ncpu;
	struct caller *callers;
	pthread_t *th;
	long i, n;
	int ok;

	if (ncpu < 1 || spinners < 0)
		return 2;
	callers = calloc(ncpu, sizeof(*callers));
	th = calloc(ncpu + spinners, sizeof(*th));
	if (!callers || !th)
		return 2;
	atomic_store(&callers_running, (int)ncpu);
	for (i = 0; i < ncpu; i++) {
		callers[i].cpu = (int)i;
		callers[i].calls = calls;
		callers[i].fp_calls = fp_calls < calls ? fp_calls : calls;
		if (TEEC_InitializeContext(NULL, &callers[i].ctx) != TEEC_SUCCESS) {
			printf("FPCHECK context failed\n");
			return 1;
		}
	}
	n = 0;
	for (i = 0; i < spinners; i++)
		pthread_create(&th[n++], NULL, spinner_main, (void *)(uintptr_t)i);
	for (i = 0; i < ncpu; i++)
		pthread_create(&th[n++], NULL, caller_main, &callers[i]);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < ncpu; i++)
		TEEC_FinalizeContext(&callers[i].ctx);

	printf("FPCHECK calls %lu\n", atomic_load(&calls_done));
	printf("FPCHECK fp_calls %lu\n", atomic_load(&fp_calls_done));
	printf("FPCHECK call_failures %lu\n", atomic_load(&call_failures));
	printf("FPCHECK call_corruptions %lu\n", atomic_load(&call_corruptions));
	printf("FPCHECK spin_rounds %lu\n", atomic_load(&spin_rounds));
	printf("FPCHECK spin_corruptions %lu\n", atomic_load(&spin_corruptions));
	ok = atomic_load(&calls_done) == calls * ncpu &&
	     atomic_load(&fp_calls_done) ==
		     (fp_calls < calls ? fp_calls : calls) * ncpu &&
	     !atomic_load(&call_failures) && !atomic_load(&call_corruptions) &&
	     !atomic_load(&spin_corruptions) && atomic_load(&spin_rounds) > 0;
	printf("FPCHECK done %s\n", ok ? "OK" : "FAIL");
	return ok ? 0 : 1;
}
