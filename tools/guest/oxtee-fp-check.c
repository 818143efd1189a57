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
 *   change is a corruption. Every answer is checked too. Every second
 *   call is also an AES-128-ECB of 4 KiB by the FP probe TA through the GP
 *   cipher API, so the secure OS's own vector crypto (Crypto Extensions,
 *   SVE) runs during the calls; each output block must be FIPS-197's.
 * - SPINNERS threads (default: one per CPU) load v0..v31 and FPCR with known
 *   values and check them over and over without any system call. Linux
 *   switches their FP state lazily: if the secure world left other values in
 *   a CPU's registers, a spinner scheduled back onto it sees them.
 *
 * - SVE_SPINNERS threads (default: one per CPU where the CPU has SVE) do the
 *   same with the whole SVE state: Z0..Z31 at the task's vector length,
 *   P0..P15 and FFR. Linux keeps the state of such a task live in the
 *   registers like any other, and the secure OS never sees SMCCC 1.3's
 *   "no live SVE state" hint here (TF-A masks it off, oxtee's firmware
 *   announces SMCCC 1.2), so it must keep all of it. Asking
 *   for SVE spinners on a CPU without SVE is a failure, not a skip.
 *
 * - Then each caller drives the FP probe TA (tools/guest/fp-probe-ta): a TA
 *   that faults with its own values live in v0..v31 (the call must fail
 *   with TEEC_ERROR_TARGET_DEAD and leave d8..d15 alone), a fresh instance
 *   that reports what it finds in its registers (never the dead TA's values,
 *   nor the caller's, nor the spinners'), and a TA that keeps values in
 *   d8..d15 across a wait (an RPC) while the caller is moved to the other
 *   CPU, so the thread resumes there.
 *
 * Usage: oxtee-fp-check [CALLS [FP_CALLS [SPINNERS [SVE_SPINNERS]]]]
 *        oxtee-fp-check bench CALLS   (time of a probe call without and
 *                                      with FP use, per call)
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
#include <sys/auxv.h>
#include <time.h>
#include <unistd.h>

#include <tee_client_api.h>

#include "fp-probe-ta/fp_probe_ta.h"

static const TEEC_UUID probe_uuid = FP_PROBE_TA_UUID;
#define PROBE_ROUNDS 6
#define PROBE_WAIT_MS 30

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
static atomic_ulong sve_corruptions, sve_rounds;
static atomic_ulong probe_faults, probe_reads, probe_leaks, probe_waits;
static atomic_ulong probe_moved, probe_failures;
static atomic_ulong aes_calls_done;

#ifndef HWCAP_SVE
#define HWCAP_SVE (1 << 22)
#endif

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

/* The task's SVE vector length in bytes. */
static uint64_t sve_vl(void)
{
	uint64_t vl;

	__asm__ volatile(".arch_extension sve\n"
			 "rdvl	%0, #1\n" : "=r"(vl));
	return vl;
}

/*
 * Loads Z0..Z31 (32 vector lengths from pat), P0..P15 and FFR (17
 * predicate lengths after them), then `rounds` times stores them all to
 * scratch and compares `bytes` bytes; returns the number of rounds in which
 * anything changed. One asm block, as spin_check.
 */
static uint64_t sve_spin_check(const uint8_t *pat, uint8_t *scratch,
			       uint64_t rounds, uint64_t bytes)
{
	register uint64_t x0 __asm__("x0") = (uint64_t)pat;
	register uint64_t x1 __asm__("x1") = (uint64_t)scratch;
	register uint64_t x2 __asm__("x2") = rounds;
	register uint64_t x7 __asm__("x7") = bytes;
	uint64_t bad;

	__asm__ volatile(
		".arch_extension sve\n"
		"addvl	x4, x0, #31\n"
		"addvl	x4, x4, #1\n"
		"ldr	p0, [x4, #16, mul vl]\n"
		"wrffr	p0.b\n"
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
		"ldr	p\\n, [x4, #\\n, mul vl]\n"
		".endr\n"
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
		"ldr	z\\n, [x0, #\\n, mul vl]\n"
		".endr\n"
		"mov	%[bad], #0\n"
		"1:\n"
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
		"str	z\\n, [x1, #\\n, mul vl]\n"
		".endr\n"
		"addvl	x5, x1, #31\n"
		"addvl	x5, x5, #1\n"
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
		"str	p\\n, [x5, #\\n, mul vl]\n"
		".endr\n"
		"rdffr	p0.b\n"
		"str	p0, [x5, #16, mul vl]\n"
		"ldr	p0, [x5, #0, mul vl]\n"
		"mov	x3, #0\n"
		"mov	x6, #0\n"
		"2:\n"
		"ldr	x4, [x0, x3]\n"
		"ldr	x5, [x1, x3]\n"
		"cmp	x4, x5\n"
		"cinc	x6, x6, ne\n"
		"add	x3, x3, #8\n"
		"cmp	x3, x7\n"
		"b.lo	2b\n"
		"cmp	x6, #0\n"
		"cinc	%[bad], %[bad], ne\n"
		"subs	x2, x2, #1\n"
		"b.ne	1b\n"
		: [bad] "=&r"(bad), "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x7)
		:
		: "x3", "x4", "x5", "x6", "v0", "v1", "v2", "v3", "v4", "v5",
		  "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14",
		  "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
		  "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30",
		  "v31", "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8",
		  "p9", "p10", "p11", "p12", "p13", "p14", "p15", "ffr", "cc",
		  "memory");
	return bad;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* The caller's d8..d15 around probe calls: recognisable by the top bits. */
#define CALLER_TAG 0x7e57ULL
/* The spinners' v0..v31 patterns all have these top bits. */
#define SPINNER_TAG 0xfedcULL

struct mover {
	pthread_t caller;
	int to;
	atomic_int go;
};

static void *mover_main(void *p)
{
	struct mover *m = p;
	cpu_set_t set;

	while (atomic_load(&m->go) == 0)
		usleep(500);
	if (atomic_load(&m->go) < 0)
		return NULL;
	usleep(PROBE_WAIT_MS * 1000 / 3);
	CPU_ZERO(&set);
	CPU_SET(m->to, &set);
	pthread_setaffinity_np(m->caller, sizeof(set), &set);
	return NULL;
}

static int probe_open(TEEC_Context *ctx, TEEC_Session *sess, int cpu)
{
	uint32_t origin = 0;
	TEEC_Result res = TEEC_OpenSession(ctx, sess, &probe_uuid,
					   TEEC_LOGIN_PUBLIC, NULL, NULL,
					   &origin);

	if (res != TEEC_SUCCESS) {
		printf("FPCHECK open_probe.cpu%d 0x%08x origin %u\n", cpu, res,
		       origin);
		atomic_fetch_add(&probe_failures, 1);
		return -1;
	}
	return 0;
}

/* Words of the registers a fresh probe instance found that it must never see. */
static unsigned int foreign_words(const uint64_t *regs)
{
	unsigned int i, n = 0;

	for (i = 0; i < 64; i++) {
		uint64_t w = regs[i];

		if ((w >> 32) == (FP_PROBE_WORD(0, 0) >> 32) ||
		    (w >> 48) == CALLER_TAG || (w >> 48) == SPINNER_TAG)
			n++;
	}
	return n;
}

static void probe_round(struct caller *c, int ncpu, unsigned int round)
{
	TEEC_Session sess;
	TEEC_Operation op;
	struct invoke_arg a = { &sess, 0, &op, 0 };
	uint64_t pat[8], regs[65];
	uint32_t seed = (uint32_t)(c->cpu * 1000 + round + 1);
	uint64_t mask;
	int r;

	for (r = 0; r < 8; r++)
		pat[r] = (CALLER_TAG << 48) | ((uint64_t)seed << 8) | (uint64_t)r;

	/* A TA that faults with its values live. */
	if (probe_open(&c->ctx, &sess, c->cpu))
		return;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = seed;
	a.cmd = FP_PROBE_CMD_FILL_AND_FAULT;
	mask = call_keeping_d8_d15(do_invoke, &a, pat);
	if (a.res != TEEC_ERROR_TARGET_DEAD) {
		printf("FPCHECK probe_fault.cpu%d 0x%08x\n", c->cpu, a.res);
		atomic_fetch_add(&probe_failures, 1);
	}
	if (mask && atomic_fetch_add(&call_corruptions, 1) < 5)
		printf("FPCHECK corrupted.cpu%d faulting TA d8-d15 mask 0x%" PRIx64 "\n",
		       c->cpu, mask >> 8);
	atomic_fetch_add(&probe_faults, 1);
	TEEC_CloseSession(&sess);

	/* A fresh instance reports what it finds in its registers. */
	if (probe_open(&c->ctx, &sess, c->cpu))
		return;
	memset(&op, 0, sizeof(op));
	memset(regs, 0, sizeof(regs));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = regs;
	op.params[0].tmpref.size = sizeof(regs);
	a.cmd = FP_PROBE_CMD_READ;
	mask = call_keeping_d8_d15(do_invoke, &a, pat);
	if (a.res != TEEC_SUCCESS) {
		printf("FPCHECK probe_read.cpu%d 0x%08x\n", c->cpu, a.res);
		atomic_fetch_add(&probe_failures, 1);
	} else {
		unsigned int n = foreign_words(regs);

		if (n && atomic_fetch_add(&probe_leaks, n) < 5)
			printf("FPCHECK leak.cpu%d %u foreign words in a fresh TA's registers\n",
			       c->cpu, n);
		atomic_fetch_add(&probe_reads, 1);
	}
	if (mask && atomic_fetch_add(&call_corruptions, 1) < 5)
		printf("FPCHECK corrupted.cpu%d probe read d8-d15 mask 0x%" PRIx64 "\n",
		       c->cpu, mask >> 8);

	/* Values kept across a wait while the thread moves to another CPU. */
	if (ncpu > 1) {
		struct mover m = { pthread_self(), (c->cpu + 1) % ncpu, 0 };
		pthread_t mt;
		int before, after;

		pin(c->cpu);
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT,
						 TEEC_VALUE_OUTPUT, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].value.a = seed;
		op.params[0].value.b = PROBE_WAIT_MS;
		op.params[1].value.a = 0xffffffff;
		a.cmd = FP_PROBE_CMD_KEEP_ACROSS_WAIT;
		pthread_create(&mt, NULL, mover_main, &m);
		before = sched_getcpu();
		atomic_store(&m.go, 1);
		mask = call_keeping_d8_d15(do_invoke, &a, pat);
		after = sched_getcpu();
		pthread_join(mt, NULL);
		if (a.res != TEEC_SUCCESS || op.params[1].value.a != 0) {
			printf("FPCHECK probe_wait.cpu%d 0x%08x TA d8-d15 mask 0x%x\n",
			       c->cpu, a.res, op.params[1].value.a);
			atomic_fetch_add(&probe_failures, 1);
		}
		if (mask && atomic_fetch_add(&call_corruptions, 1) < 5)
			printf("FPCHECK corrupted.cpu%d probe wait d8-d15 mask 0x%" PRIx64 "\n",
			       c->cpu, mask >> 8);
		if (before != after)
			atomic_fetch_add(&probe_moved, 1);
		atomic_fetch_add(&probe_waits, 1);
		pin(c->cpu);
	}
	TEEC_CloseSession(&sess);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Per-call time of the probe's NO_FP and ONE_FP commands, interleaved in
 * blocks so drift hits both alike; pinned to CPU 0. */
static int bench(unsigned long calls)
{
	TEEC_Context ctx;
	TEEC_Session sess;
	TEEC_Operation op;
	uint32_t origin = 0;
	uint64_t t[2] = { 0, 0 };
	unsigned long done[2] = { 0, 0 }, i;
	int k;

	pin(0);
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS ||
	    TEEC_OpenSession(&ctx, &sess, &probe_uuid, TEEC_LOGIN_PUBLIC, NULL,
			     NULL, &origin) != TEEC_SUCCESS) {
		printf("FPCHECK bench open failed\n");
		return 1;
	}
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_NONE, TEEC_NONE, TEEC_NONE,
					 TEEC_NONE);
	for (i = 0; i < calls; i += 100) {
		for (k = 0; k < 2; k++) {
			uint32_t cmd = k ? FP_PROBE_CMD_ONE_FP :
					   FP_PROBE_CMD_NO_FP;
			uint64_t t0 = now_ns();
			int j;

			for (j = 0; j < 100; j++) {
				if (TEEC_InvokeCommand(&sess, cmd, &op,
						       &origin) != TEEC_SUCCESS) {
					printf("FPCHECK bench call failed\n");
					return 1;
				}
			}
			t[k] += now_ns() - t0;
			done[k] += 100;
		}
	}
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	printf("FPCHECK bench calls %lu each\n", done[0]);
	printf("FPCHECK bench no_fp_ns %" PRIu64 "\n", t[0] / done[0]);
	printf("FPCHECK bench one_fp_ns %" PRIu64 "\n", t[1] / done[1]);
	return 0;
}

/* `op` with a temporary input memref `in` and output memref `out`. */
static void set_in_out(TEEC_Operation *op, void *in, size_t in_len, void *out,
		       size_t out_len)
{
	memset(op, 0, sizeof(*op));
	op->paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					  TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					  TEEC_NONE);
	op->params[0].tmpref.buffer = in;
	op->params[0].tmpref.size = in_len;
	op->params[1].tmpref.buffer = out;
	op->params[1].tmpref.size = out_len;
}

static void *caller_main(void *p)
{
	struct caller *c = p;
	TEEC_Session sess, fp_sess, aes_sess;
	TEEC_Operation op, fp_op, aes_op;
	uint32_t origin = 0;
	uint8_t in[256], out[32], expect[32], basic_buf[32] = { 0 };
	uint64_t pat[8];
	struct invoke_arg a = { &sess, CMD_SHA256, &op, 0 };
	struct invoke_arg fp = { &fp_sess, CMD_BASIC, &fp_op, 0 };
	struct invoke_arg aes = { &aes_sess, FP_PROBE_CMD_AES_ECB, &aes_op, 0 };
	static const uint8_t aes_pt[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
		0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const uint8_t aes_ct[16] = { 0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b,
		0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a };
	static __thread uint8_t aes_in[4096], aes_out[4096];
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
	if (probe_open(&c->ctx, &aes_sess, c->cpu)) {
		atomic_fetch_add(&call_failures, 1);
		TEEC_CloseSession(&fp_sess);
		TEEC_CloseSession(&sess);
		goto out;
	}
	for (i = 0; i < sizeof(aes_in); i += 16)
		memcpy(aes_in + i, aes_pt, 16);
	set_in_out(&aes_op, aes_in, sizeof(aes_in), aes_out, sizeof(aes_out));
	memset(&fp_op, 0, sizeof(fp_op));
	fp_op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
					    TEEC_NONE, TEEC_NONE);
	fp_op.params[0].tmpref.buffer = basic_buf;
	fp_op.params[0].tmpref.size = sizeof(basic_buf);
	every = c->fp_calls ? c->calls / c->fp_calls : 0;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + c->cpu);
	set_in_out(&op, in, sizeof(in), expect, sizeof(expect));
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
		if (i % 2 == 0) {
			size_t b;
			int bad = 0;

			aes_op.params[1].tmpref.size = sizeof(aes_out);
			memset(aes_out, 0, sizeof(aes_out));
			mask = call_keeping_d8_d15(do_invoke, &aes, pat);
			for (b = 0; b < sizeof(aes_out); b += 16)
				bad |= memcmp(aes_out + b, aes_ct, 16) != 0;
			if (aes.res != TEEC_SUCCESS || bad) {
				if (atomic_fetch_add(&call_failures, 1) < 5)
					printf("FPCHECK aes.cpu%d call %lu 0x%08x%s\n",
					       c->cpu, i, aes.res,
					       bad ? " wrong output" : "");
			}
			if (mask && atomic_fetch_add(&call_corruptions, 1) < 5)
				printf("FPCHECK corrupted.cpu%d aes call %lu d8-d15 mask 0x%" PRIx64 "\n",
				       c->cpu, i, mask >> 8);
			atomic_fetch_add(&aes_calls_done, 1);
		}
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
	TEEC_CloseSession(&aes_sess);
	for (i = 0; i < PROBE_ROUNDS; i++)
		probe_round(c, (int)sysconf(_SC_NPROCESSORS_ONLN), (unsigned int)i);
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

static void *sve_spinner_main(void *p)
{
	uintptr_t id = (uintptr_t)p;
	uint64_t vl = sve_vl(), pl = vl / 8, bytes = 32 * vl + 17 * pl, i;
	uint8_t *pat = calloc(1, bytes + 8), *scratch = calloc(1, bytes + 8);

	if (!pat || !scratch) {
		atomic_fetch_add(&sve_corruptions, 1);
		return NULL;
	}
	/* Z: every byte differs from its neighbours and from other spinners'. */
	for (i = 0; i < 32 * vl; i++)
		pat[i] = (uint8_t)(i * 131 + 7 + id * 29) | 1;
	/* P0..P15: bit patterns; FFR: the first 3 + id element bits set (FFR
	 * is written with a monotonic value, as the architecture expects). */
	for (i = 0; i < 16 * pl; i++)
		pat[32 * vl + i] = (uint8_t)(0xa5 ^ (i * 37) ^ id);
	for (i = 0; i < pl * 8 && i < 3 + id; i++)
		pat[32 * vl + 16 * pl + i / 8] |= (uint8_t)(1u << (i % 8));
	/* The comparison runs in 8-byte steps: round the length up (the pad
	 * bytes are zero in both buffers). */
	bytes = (bytes + 7) & ~(uint64_t)7;
	while (atomic_load(&callers_running) > 0) {
		uint64_t bad = sve_spin_check(pat, scratch, 20000, bytes);

		if (bad && atomic_fetch_add(&sve_corruptions, bad) < 5)
			printf("FPCHECK corrupted.sve_spinner%u rounds %" PRIu64 "\n",
			       (unsigned)id, bad);
		atomic_fetch_add(&sve_rounds, 20000);
	}
	free(pat);
	free(scratch);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long calls = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long fp_calls = argc > 2 ? strtoul(argv[2], NULL, 0) : 4;
	long spinners = argc > 3 ? strtol(argv[3], NULL, 0) : ncpu;
	int has_sve = (getauxval(AT_HWCAP) & HWCAP_SVE) != 0;
	long sve_spinners = argc > 4 ? strtol(argv[4], NULL, 0) :
				       (has_sve ? ncpu : 0);
	struct caller *callers;
	pthread_t *th;
	long i, n;
	int ok;

	if (argc > 2 && !strcmp(argv[1], "bench"))
		return bench(strtoul(argv[2], NULL, 0));

	if (ncpu < 1 || spinners < 0 || sve_spinners < 0)
		return 2;
	if (sve_spinners && !has_sve) {
		printf("FPCHECK sve_spinners asked for, but the CPU has no SVE\n");
		printf("FPCHECK done FAIL\n");
		return 1;
	}
	if (sve_spinners)
		printf("FPCHECK sve_vl %" PRIu64 "\n", sve_vl());
	callers = calloc(ncpu, sizeof(*callers));
	th = calloc(ncpu + spinners + sve_spinners, sizeof(*th));
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
	for (i = 0; i < sve_spinners; i++)
		pthread_create(&th[n++], NULL, sve_spinner_main,
			       (void *)(uintptr_t)i);
	for (i = 0; i < ncpu; i++)
		pthread_create(&th[n++], NULL, caller_main, &callers[i]);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < ncpu; i++)
		TEEC_FinalizeContext(&callers[i].ctx);

	printf("FPCHECK calls %lu\n", atomic_load(&calls_done));
	printf("FPCHECK fp_calls %lu\n", atomic_load(&fp_calls_done));
	printf("FPCHECK aes_calls %lu\n", atomic_load(&aes_calls_done));
	printf("FPCHECK call_failures %lu\n", atomic_load(&call_failures));
	printf("FPCHECK call_corruptions %lu\n", atomic_load(&call_corruptions));
	printf("FPCHECK spin_rounds %lu\n", atomic_load(&spin_rounds));
	printf("FPCHECK spin_corruptions %lu\n", atomic_load(&spin_corruptions));
	printf("FPCHECK probe_faults %lu\n", atomic_load(&probe_faults));
	printf("FPCHECK probe_reads %lu\n", atomic_load(&probe_reads));
	printf("FPCHECK probe_leaks %lu\n", atomic_load(&probe_leaks));
	printf("FPCHECK probe_waits %lu\n", atomic_load(&probe_waits));
	printf("FPCHECK probe_moved %lu\n", atomic_load(&probe_moved));
	printf("FPCHECK probe_failures %lu\n", atomic_load(&probe_failures));
	printf("FPCHECK sve_spinners %ld\n", sve_spinners);
	printf("FPCHECK sve_rounds %lu\n", atomic_load(&sve_rounds));
	printf("FPCHECK sve_corruptions %lu\n", atomic_load(&sve_corruptions));
	ok = atomic_load(&calls_done) == calls * ncpu &&
	     atomic_load(&aes_calls_done) == (calls + 1) / 2 * ncpu &&
	     atomic_load(&fp_calls_done) ==
		     (fp_calls < calls ? fp_calls : calls) * ncpu &&
	     !atomic_load(&call_failures) && !atomic_load(&call_corruptions) &&
	     !atomic_load(&spin_corruptions) && atomic_load(&spin_rounds) > 0 &&
	     !atomic_load(&sve_corruptions) &&
	     atomic_load(&probe_faults) == PROBE_ROUNDS * (unsigned long)ncpu &&
	     atomic_load(&probe_reads) == PROBE_ROUNDS * (unsigned long)ncpu &&
	     !atomic_load(&probe_leaks) && !atomic_load(&probe_failures) &&
	     (ncpu < 2 || (atomic_load(&probe_waits) ==
				   PROBE_ROUNDS * (unsigned long)ncpu &&
			   atomic_load(&probe_moved) > 0)) &&
	     (sve_spinners == 0 || atomic_load(&sve_rounds) > 0);
	printf("FPCHECK done %s\n", ok ? "OK" : "FAIL");
	return ok ? 0 : 1;
}
