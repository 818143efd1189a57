// SPDX-License-Identifier: BSD-2-Clause
/*
 * oxtee-bench: times the GlobalPlatform TEE Client API round trips of the
 * running Trusted OS from the normal world.
 *
 * Usage: oxtee-bench [ITERATIONS [INVOKES]]
 *
 * Operations (each timed on its own with CLOCK_MONOTONIC, after a short
 * warm-up that is not counted):
 *   ctx_init      TEEC_InitializeContext (CTX_PER_ITERATION x ITERATIONS
 *                 samples, at most MAX_SAMPLES, in four batches: before,
 *                 between and after the other loops)
 *   ctx_final     TEEC_FinalizeContext (the same)
 *   open          TEEC_OpenSession to the invoke-tests pseudo-TA
 *   invoke        TEEC_InvokeCommand(PTA_INVOKE_TESTS_CMD_PARAMS) on that session
 *   close         TEEC_CloseSession
 *   cycle         open + invoke + close
 *   invoke_loop   INVOKES back-to-back invokes on one session
 *   ta_open       TEEC_OpenSession to the user TA os_test: a new instance,
 *                 loaded from tee-supplicant with its shared library
 *   ta_invoke     TEEC_InvokeCommand(TA_OS_TEST_CMD_GET_GLOBAL_VAR), first
 *                 on that session
 *   ta_close      TEEC_CloseSession, which also destroys the instance
 *   ta_invoke_loop INVOKES back-to-back invokes on one os_test session
 *   rs_*, c_*     the same four for the TA SDK's example TA (Rust) and its C
 *                 twin built with the TA dev kit (CMD_INC_VALUE)
 *   rs_shm64k, rs_tmp64k, rs_shm4k, rs_tmp4k (and c_*)
 *                 INVOKES invokes of CMD_TOUCH_FIRST_BYTE on one session of
 *                 each: a 64 KiB (4 KiB) MEMREF_INOUT of which the TA reads and
 *                 writes only the first byte, from shared memory allocated
 *                 once (TEEC_AllocateSharedMemory, whole-buffer
 *                 TEEC_MEMREF_PARTIAL_INOUT) or from a temporary memref
 *                 (TEEC_MEMREF_TEMP_INOUT: libteec sets up shared memory per
 *                 call)
 *   nw_ref        a fixed CPU loop in the client with no TEE call, timed
 *                 after each context sample: how fast QEMU ran the normal
 *                 world then (the host's load moves it, by up to 2x, for
 *                 seconds at a time)
 *
 * The pseudo-TA command takes one VALUE_INOUT parameter (a, b) and answers
 * a + b in a; os_test's command answers 21 in a VALUE_OUTPUT (its and its
 * library's ELF constructors); every answer is checked.
 *
 * Output: "BENCH key value" lines, one per number, for example
 *   BENCH open.median_us 123.4
 *   BENCH invoke_loop.status unsupported 0xffff000a origin 3
 * The last line is "BENCH done OK" or "BENCH done PARTIAL"; the exit status is
 * 0 only when every operation succeeded.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tee_client_api.h>

/* d96a5b40-c3e5-21e3-8794-1002a5d5c61b (OP-TEE's pta_invoke_tests.h) */
static const TEEC_UUID invoke_tests_uuid = {
	0xd96a5b40, 0xc3e5, 0x21e3,
	{ 0x87, 0x94, 0x10, 0x02, 0xa5, 0xd5, 0xc6, 0x1b }
};
/* PTA_INVOKE_TESTS_CMD_PARAMS */
#define CMD_PARAMS 1
/*
 * 5b9e0e40-2636-11e1-ad9e-0002a5d5c51b, optee_test's os_test TA
 * (ta/os_test/include/ta_os_test.h), in /usr/lib/optee_armtz of Debian's
 * optee-test-qemu. Its flags are USER_MODE | EXEC_DDR | MULTI_SESSION, without
 * SINGLE_INSTANCE: every session is a new instance, loaded from the normal
 * world, with the shared library os_test_lib (ffd2bded-...) it needs.
 */
static const TEEC_UUID os_test_uuid = {
	0x5b9e0e40, 0x2636, 0x11e1,
	{ 0xad, 0x9e, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b }
};
/*
 * TA_OS_TEST_CMD_GET_GLOBAL_VAR: checks the parameter types and copies a
 * global variable to a VALUE_OUTPUT; no system call, no cryptography, no
 * storage. The variable is 21 after the constructors of os_test_lib (x10 + 2)
 * and os_test (x10 + 1), as xtest 1023 expects.
 */
#define OS_TEST_CMD_GET_GLOBAL_VAR 18
#define OS_TEST_GLOBAL_VAR 21
/*
 * The TA SDK's example (ta/examples/hello, Rust) and its C twin
 * (bench/hello-c-ta, built with the TA dev kit): the same commands, each
 * session a new instance. HELLO_CMD_INC_VALUE answers a + 1 in a VALUE_INOUT.
 */
static const TEEC_UUID hello_rs_uuid = {
	0xa7b321a8, 0x0a28, 0x4992,
	{ 0x83, 0xbd, 0xb7, 0x57, 0xbb, 0xc3, 0xd4, 0xcd }
};
static const TEEC_UUID hello_c_uuid = {
	0xf015f096, 0x7189, 0x4c6d,
	{ 0x81, 0xda, 0x71, 0xd5, 0x45, 0x92, 0x39, 0xf0 }
};
#define HELLO_CMD_INC_VALUE 0
/*
 * HELLO_CMD_TOUCH_FIRST_BYTE: one MEMREF_INOUT; the TA reads its first byte and
 * writes it back plus one, nothing else; the size stays.
 */
#define HELLO_CMD_TOUCH_FIRST_BYTE 21
#define WARMUP 5
#define MAX_SAMPLES 100000
/*
 * Context samples per ITERATION: a context costs tens of microseconds and no
 * secure call, so its rows are only as steady as their sample count makes
 * them.
 */
#define CTX_PER_ITERATION 10

static int all_ok = 1;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Prints min/median/mean/max of n samples (sorts them). */
static void report(const char *name, double *s, size_t n)
{
	double sum = 0;
	double median;
	size_t i;

	if (n == 0)
		return;
	qsort(s, n, sizeof(*s), cmp_double);
	for (i = 0; i < n; i++)
		sum += s[i];
	median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	printf("BENCH %s.n %zu\n", name, n);
	printf("BENCH %s.min_us %.1f\n", name, s[0]);
	printf("BENCH %s.median_us %.1f\n", name, median);
	printf("BENCH %s.mean_us %.1f\n", name, sum / (double)n);
	printf("BENCH %s.max_us %.1f\n", name, s[n - 1]);
	printf("BENCH %s.status ok\n", name);
}

static void unsupported(const char *name, TEEC_Result res, uint32_t origin)
{
	printf("BENCH %s.status unsupported 0x%08" PRIx32 " origin %" PRIu32 "\n",
	       name, (uint32_t)res, origin);
	all_ok = 0;
}

/* One CMD_PARAMS invoke; checks the answer. */
static TEEC_Result invoke_once(TEEC_Session *sess, uint32_t *origin, uint32_t k)
{
	TEEC_Operation op;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = k;
	op.params[0].value.b = 0x1000;
	*origin = 0;
	res = TEEC_InvokeCommand(sess, CMD_PARAMS, &op, origin);
	if (res == TEEC_SUCCESS && op.params[0].value.a != k + 0x1000) {
		fprintf(stderr, "oxtee-bench: wrong answer %" PRIu32 " for %" PRIu32 "\n",
			op.params[0].value.a, k);
		*origin = 0;
		return TEEC_ERROR_GENERIC;
	}
	return res;
}

static TEEC_Result open_sess(TEEC_Context *ctx, TEEC_Session *sess, uint32_t *origin)
{
	*origin = 0;
	return TEEC_OpenSession(ctx, sess, &invoke_tests_uuid, TEEC_LOGIN_PUBLIC,
				NULL, NULL, origin);
}

/* One GET_GLOBAL_VAR invoke on os_test; checks the answer. */
static TEEC_Result ta_invoke_once(TEEC_Session *sess, uint32_t *origin)
{
	TEEC_Operation op;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 0;
	*origin = 0;
	res = TEEC_InvokeCommand(sess, OS_TEST_CMD_GET_GLOBAL_VAR, &op, origin);
	if (res == TEEC_SUCCESS && op.params[0].value.a != OS_TEST_GLOBAL_VAR) {
		fprintf(stderr, "oxtee-bench: os_test answered %" PRIu32 ", not %d\n",
			op.params[0].value.a, OS_TEST_GLOBAL_VAR);
		*origin = 0;
		return TEEC_ERROR_GENERIC;
	}
	return res;
}

typedef TEEC_Result (*invoke_fn)(TEEC_Session *sess, uint32_t *origin, uint32_t k);

static TEEC_Result os_test_invoke(TEEC_Session *sess, uint32_t *origin, uint32_t k)
{
	(void)k;
	return ta_invoke_once(sess, origin);
}

/* One CMD_INC_VALUE invoke on the SDK example or its C twin; checks a + 1. */
static TEEC_Result hello_invoke(TEEC_Session *sess, uint32_t *origin, uint32_t k)
{
	TEEC_Operation op;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = k;
	*origin = 0;
	res = TEEC_InvokeCommand(sess, HELLO_CMD_INC_VALUE, &op, origin);
	if (res == TEEC_SUCCESS && op.params[0].value.a != k + 1) {
		fprintf(stderr, "oxtee-bench: hello answered %" PRIu32 " for %" PRIu32 "\n",
			op.params[0].value.a, k);
		*origin = 0;
		return TEEC_ERROR_GENERIC;
	}
	return res;
}

static void name_of(char *buf, size_t len, const char *prefix, const char *op)
{
	snprintf(buf, len, "%s_%s", prefix, op);
}

/*
 * A user TA whose every session is a new instance: load + open, first
 * invoke, close (+ instance destruction), each timed, then INVOKES invokes
 * on one session. Rows are <prefix>_open, _invoke, _close, _invoke_loop.
 */
static void bench_user_ta(TEEC_Context *ctx, const char *prefix,
			  const TEEC_UUID *uuid, invoke_fn invoke, size_t iters,
			  size_t invokes, double *open_s, double *inv_s,
			  double *close_s, double *loop_s)
{
	char r_open[32], r_inv[32], r_close[32], r_loop[32];
	TEEC_Session sess;
	TEEC_Result res = TEEC_SUCCESS;
	uint32_t origin = 0;
	double t0, t1, t2, t3;
	size_t i, n;

	name_of(r_open, sizeof(r_open), prefix, "open");
	name_of(r_inv, sizeof(r_inv), prefix, "invoke");
	name_of(r_close, sizeof(r_close), prefix, "close");
	name_of(r_loop, sizeof(r_loop), prefix, "invoke_loop");
	for (i = 0, n = 0; i < iters + WARMUP; i++) {
		t0 = now_us();
		origin = 0;
		res = TEEC_OpenSession(ctx, &sess, uuid, TEEC_LOGIN_PUBLIC, NULL,
				       NULL, &origin);
		t1 = now_us();
		if (res != TEEC_SUCCESS) {
			unsupported(r_open, res, origin);
			unsupported(r_inv, TEEC_ERROR_NOT_SUPPORTED, 0);
			unsupported(r_close, TEEC_ERROR_NOT_SUPPORTED, 0);
			break;
		}
		res = invoke(&sess, &origin, (uint32_t)i);
		t2 = now_us();
		TEEC_CloseSession(&sess);
		t3 = now_us();
		if (res != TEEC_SUCCESS) {
			/* This open and close did happen: count them, warm-up or not. */
			open_s[n] = t1 - t0;
			close_s[n] = t3 - t2;
			n++;
			report(r_open, open_s, n);
			unsupported(r_inv, res, origin);
			report(r_close, close_s, n);
			break;
		}
		if (i >= WARMUP) {
			open_s[n] = t1 - t0;
			inv_s[n] = t2 - t1;
			close_s[n] = t3 - t2;
			n++;
		}
	}
	if (i == iters + WARMUP) {
		report(r_open, open_s, n);
		report(r_inv, inv_s, n);
		report(r_close, close_s, n);
	}

	/* Smallest round trip: many invokes on one session. */
	origin = 0;
	res = TEEC_OpenSession(ctx, &sess, uuid, TEEC_LOGIN_PUBLIC, NULL, NULL,
			       &origin);
	if (res != TEEC_SUCCESS) {
		unsupported(r_loop, res, origin);
		return;
	}
	for (i = 0, n = 0; i < invokes + WARMUP; i++) {
		t0 = now_us();
		res = invoke(&sess, &origin, (uint32_t)i);
		t1 = now_us();
		if (res != TEEC_SUCCESS)
			break;
		if (i >= WARMUP)
			loop_s[n++] = t1 - t0;
	}
	TEEC_CloseSession(&sess);
	if (res != TEEC_SUCCESS)
		unsupported(r_loop, res, origin);
	else
		report(r_loop, loop_s, n);
}

/*
 * A fixed amount of normal-world work (no system call, no TEE): its time
 * shows how fast QEMU emulated the guest while the samples next to it ran.
 */
static void reference_work(void)
{
	volatile uint32_t x = 0;
	uint32_t k;

	for (k = 0; k < 20000; k++)
		x += k;
}

/*
 * INVOKES CMD_TOUCH_FIRST_BYTE round trips with a `size`-byte buffer, from
 * registered shared memory (`temp` 0) or a temporary memref (`temp` 1); the
 * client sets the first byte before each call and checks it came back plus
 * one, and that the size stayed. Row `name`.
 */
static void bench_touch(TEEC_Context *ctx, TEEC_Session *sess, const char *name,
			size_t size, int temp, size_t invokes, double *loop_s)
{
	TEEC_SharedMemory shm;
	TEEC_Operation op;
	TEEC_Result res = TEEC_SUCCESS;
	uint32_t origin = 0;
	uint8_t *buf, *tmp = NULL;
	size_t i, n;
	double t0, t1;

	memset(&shm, 0, sizeof(shm));
	if (temp) {
		tmp = malloc(size);
		if (!tmp) {
			unsupported(name, TEEC_ERROR_OUT_OF_MEMORY, TEEC_ORIGIN_API);
			return;
		}
		memset(tmp, 0x5a, size);
		buf = tmp;
	} else {
		shm.size = size;
		shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
		res = TEEC_AllocateSharedMemory(ctx, &shm);
		if (res != TEEC_SUCCESS) {
			unsupported(name, res, TEEC_ORIGIN_API);
			return;
		}
		memset(shm.buffer, 0x5a, size);
		buf = shm.buffer;
	}
	for (i = 0, n = 0; i < invokes + WARMUP; i++) {
		memset(&op, 0, sizeof(op));
		if (temp) {
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_NONE,
							 TEEC_NONE, TEEC_NONE);
			op.params[0].tmpref.buffer = tmp;
			op.params[0].tmpref.size = size;
		} else {
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE,
							 TEEC_NONE, TEEC_NONE);
			op.params[0].memref.parent = &shm;
			op.params[0].memref.offset = 0;
			op.params[0].memref.size = size;
		}
		buf[0] = (uint8_t)i;
		origin = 0;
		t0 = now_us();
		res = TEEC_InvokeCommand(sess, HELLO_CMD_TOUCH_FIRST_BYTE, &op, &origin);
		t1 = now_us();
		if (res != TEEC_SUCCESS)
			break;
		if (buf[0] != (uint8_t)(i + 1) || buf[size - 1] != 0x5a ||
		    (temp ? op.params[0].tmpref.size : op.params[0].memref.size) != size) {
			fprintf(stderr, "oxtee-bench: %s: first byte %u for %u, last %u\n",
				name, buf[0], (uint8_t)i, buf[size - 1]);
			res = TEEC_ERROR_GENERIC;
			origin = 0;
			break;
		}
		if (i >= WARMUP)
			loop_s[n++] = t1 - t0;
	}
	if (res != TEEC_SUCCESS)
		unsupported(name, res, origin);
	else
		report(name, loop_s, n);
	if (temp)
		free(tmp);
	else
		TEEC_ReleaseSharedMemory(&shm);
}

/* The four memref round trips (64 KiB and 4 KiB, registered and temporary). */
static void bench_memrefs(TEEC_Context *ctx, const char *prefix, const TEEC_UUID *uuid,
			  size_t invokes, double *loop_s)
{
	static const struct {
		const char *suffix;
		size_t size;
		int temp;
	} runs[] = {
		{ "shm64k", 64 * 1024, 0 },
		{ "tmp64k", 64 * 1024, 1 },
		{ "shm4k", 4 * 1024, 0 },
		{ "tmp4k", 4 * 1024, 1 },
	};
	TEEC_Session sess;
	TEEC_Result res;
	uint32_t origin = 0;
	char name[32];
	size_t i;

	res = TEEC_OpenSession(ctx, &sess, uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		name_of(name, sizeof(name), prefix, runs[i].suffix);
		if (res != TEEC_SUCCESS)
			unsupported(name, res, origin);
		else
			bench_touch(ctx, &sess, name, runs[i].size, runs[i].temp, invokes, loop_s);
	}
	if (res == TEEC_SUCCESS)
		TEEC_CloseSession(&sess);
}

/*
 * Context set-up and tear-down samples, each followed by the reference work.
 * They are taken in four batches spread over the run (before, between and
 * after the other loops): the host's load changes QEMU's speed for seconds
 * at a time, and one short batch would land wholly in one such period.
 */
struct ctx_samples {
	double *init, *fin, *ref;
	size_t n;
	TEEC_Result res;
};

/* Batch k (0..3) of `iters` samples. */
static size_t ctx_batch_size(size_t iters, size_t k)
{
	return iters * (k + 1) / 4 - iters * k / 4;
}

/* `count` samples after a warm-up; after a failed set-up only the reference. */
static void ctx_batch(struct ctx_samples *c, size_t count)
{
	TEEC_Context ctx;
	double t0, t1, t2, t3;
	size_t i;

	for (i = 0; i < count + WARMUP; i++) {
		t0 = now_us();
		if (c->res == TEEC_SUCCESS)
			c->res = TEEC_InitializeContext(NULL, &ctx);
		t1 = now_us();
		if (c->res == TEEC_SUCCESS)
			TEEC_FinalizeContext(&ctx);
		t2 = now_us();
		reference_work();
		t3 = now_us();
		if (i >= WARMUP) {
			c->init[c->n] = t1 - t0;
			c->fin[c->n] = t2 - t1;
			c->ref[c->n] = t3 - t2;
			c->n++;
		}
	}
}

static void ctx_report(struct ctx_samples *c)
{
	if (c->res != TEEC_SUCCESS) {
		unsupported("ctx_init", c->res, 0);
		unsupported("ctx_final", c->res, 0);
	} else {
		report("ctx_init", c->init, c->n);
		report("ctx_final", c->fin, c->n);
	}
	report("nw_ref", c->ref, c->n);
}

static size_t arg(int argc, char **argv, int i, size_t def)
{
	long v;

	if (argc <= i)
		return def;
	v = strtol(argv[i], NULL, 10);
	if (v < 1 || v > MAX_SAMPLES) {
		fprintf(stderr, "oxtee-bench: argument %d must be 1..%d\n", i, MAX_SAMPLES);
		exit(2);
	}
	return (size_t)v;
}

int main(int argc, char **argv)
{
	size_t iters = arg(argc, argv, 1, 200);
	size_t invokes = arg(argc, argv, 2, 1000);
	size_t ctx_n = iters * CTX_PER_ITERATION < MAX_SAMPLES ? iters * CTX_PER_ITERATION
							       : MAX_SAMPLES;
	size_t cap = iters > invokes ? iters : invokes;
	double *open_s = calloc(cap, sizeof(double));
	double *inv_s = calloc(cap, sizeof(double));
	double *close_s = calloc(cap, sizeof(double));
	double *cycle_s = calloc(cap, sizeof(double));
	struct ctx_samples cs = {
		.init = calloc(ctx_n, sizeof(double)),
		.fin = calloc(ctx_n, sizeof(double)),
		.ref = calloc(ctx_n, sizeof(double)),
		.res = TEEC_SUCCESS,
	};
	TEEC_Context ctx;
	TEEC_Session sess;
	TEEC_Result res;
	uint32_t origin = 0;
	size_t i, n;
	double t0, t1, t2, t3;
	int have_ctx;

	if (!open_s || !inv_s || !close_s || !cycle_s || !cs.init || !cs.fin || !cs.ref) {
		fprintf(stderr, "oxtee-bench: out of memory\n");
		return 2;
	}
	/* Every line out at once: a TEE that hangs later keeps the earlier ones. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("BENCH iterations %zu\n", iters);
	printf("BENCH invokes %zu\n", invokes);

	res = TEEC_InitializeContext(NULL, &ctx);
	have_ctx = res == TEEC_SUCCESS;
	if (!have_ctx) {
		/* Every other operation needs a context. */
		const char *ops[] = { "open", "invoke", "close", "cycle", "invoke_loop",
				      "ta_open", "ta_invoke", "ta_close", "ta_invoke_loop",
				      "rs_open", "rs_invoke", "rs_close", "rs_invoke_loop",
				      "c_open", "c_invoke", "c_close", "c_invoke_loop",
				      "rs_shm64k", "rs_tmp64k", "rs_shm4k", "rs_tmp4k",
				      "c_shm64k", "c_tmp64k", "c_shm4k", "c_tmp4k" };

		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			unsupported(ops[i], res, 0);
		ctx_batch(&cs, ctx_n);
		ctx_report(&cs);
		printf("BENCH done PARTIAL\n");
		return 1;
	}
	ctx_batch(&cs, ctx_batch_size(ctx_n, 0));

	/* Session cycle: open, one invoke, close, each timed. */
	for (i = 0, n = 0; i < iters + WARMUP; i++) {
		t0 = now_us();
		res = open_sess(&ctx, &sess, &origin);
		t1 = now_us();
		if (res != TEEC_SUCCESS) {
			unsupported("open", res, origin);
			unsupported("invoke", TEEC_ERROR_NOT_SUPPORTED, 0);
			unsupported("close", TEEC_ERROR_NOT_SUPPORTED, 0);
			unsupported("cycle", res, origin);
			break;
		}
		res = invoke_once(&sess, &origin, (uint32_t)i);
		t2 = now_us();
		TEEC_CloseSession(&sess);
		t3 = now_us();
		if (res != TEEC_SUCCESS) {
			report("open", open_s, n);
			unsupported("invoke", res, origin);
			unsupported("cycle", res, origin);
			/* TEEC_CloseSession returns nothing: its time is still real. */
			report("close", close_s, n);
			break;
		}
		if (i >= WARMUP) {
			open_s[n] = t1 - t0;
			inv_s[n] = t2 - t1;
			close_s[n] = t3 - t2;
			cycle_s[n] = t3 - t0;
			n++;
		}
	}
	if (i == iters + WARMUP) {
		report("open", open_s, n);
		report("invoke", inv_s, n);
		report("close", close_s, n);
		report("cycle", cycle_s, n);
	}

	/* Smallest round trip: many invokes on one session. */
	res = open_sess(&ctx, &sess, &origin);
	if (res != TEEC_SUCCESS) {
		unsupported("invoke_loop", res, origin);
	} else {
		for (i = 0, n = 0; i < invokes + WARMUP; i++) {
			t0 = now_us();
			res = invoke_once(&sess, &origin, (uint32_t)i);
			t1 = now_us();
			if (res != TEEC_SUCCESS)
				break;
			if (i >= WARMUP) {
				/* cycle_s is reused: the session cycle is reported. */
				cycle_s[n++] = t1 - t0;
			}
		}
		TEEC_CloseSession(&sess);
		if (res != TEEC_SUCCESS)
			unsupported("invoke_loop", res, origin);
		else
			report("invoke_loop", cycle_s, n);
	}

	ctx_batch(&cs, ctx_batch_size(ctx_n, 1));
	bench_user_ta(&ctx, "ta", &os_test_uuid, os_test_invoke, iters, invokes,
		      open_s, inv_s, close_s, cycle_s);
	bench_user_ta(&ctx, "rs", &hello_rs_uuid, hello_invoke, iters, invokes,
		      open_s, inv_s, close_s, cycle_s);
	ctx_batch(&cs, ctx_batch_size(ctx_n, 2));
	bench_user_ta(&ctx, "c", &hello_c_uuid, hello_invoke, iters, invokes,
		      open_s, inv_s, close_s, cycle_s);
	bench_memrefs(&ctx, "rs", &hello_rs_uuid, invokes, cycle_s);
	bench_memrefs(&ctx, "c", &hello_c_uuid, invokes, cycle_s);
	ctx_batch(&cs, ctx_batch_size(ctx_n, 3));
	ctx_report(&cs);
	TEEC_FinalizeContext(&ctx);

	printf("BENCH done %s\n", all_ok ? "OK" : "PARTIAL");
	return all_ok ? 0 : 1;
}
