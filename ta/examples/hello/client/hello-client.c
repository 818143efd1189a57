// SPDX-License-Identifier: BSD-2-Clause
/*
 * hello-client: the normal-world side of the SDK example TA
 * (ta/examples/hello/ta, UUID a7b321a8-0a28-4992-83bd-b757bbc3d4cd), over
 * libteec. It runs every command with good and with bad parameters and checks
 * each answer; a TA panic must reach the client as TEE_ERROR_TARGET_DEAD and a
 * new session must work afterwards.
 *
 * Output: one "HELLO ok|FAIL <case> ..." line per check, then
 * "HELLO passed <n> failed <m>". Exit status 0 only if nothing failed.
 *
 * HELLO_TEE=oxtee or HELLO_TEE=optee says which TEE runs, for the one case
 * where they differ on purpose: a TA storing into an input buffer.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tee_client_api.h>

static const TEEC_UUID hello_uuid = {
	0xa7b321a8, 0x0a28, 0x4992,
	{ 0x83, 0xbd, 0xb7, 0x57, 0xbb, 0xc3, 0xd4, 0xcd }
};

/* Command ids (ta/examples/hello/ta/src/commands.rs). */
#define CMD_INC_VALUE 0
#define CMD_REVERSE 1
#define CMD_ECHO 2
#define CMD_RANDOM 3
#define CMD_TIME 4
#define CMD_PANIC 5
#define CMD_ALLOC 6
#define CMD_STORE 7
#define CMD_LOAD 8
#define CMD_DELETE 9
#define CMD_WRITE_INPUT 20
#define CMD_TOUCH_FIRST_BYTE 21

static TEEC_Context ctx;
static int passed, failed;

static void check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("HELLO %s %s ", ok ? "ok" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

static TEEC_Result open_session(TEEC_Session *s, TEEC_Operation *op, uint32_t *origin)
{
	return TEEC_OpenSession(&ctx, s, &hello_uuid, TEEC_LOGIN_PUBLIC, NULL, op, origin);
}

static TEEC_Result invoke(TEEC_Session *s, uint32_t cmd, TEEC_Operation *op, uint32_t *origin)
{
	op->started = 0;
	return TEEC_InvokeCommand(s, cmd, op, origin);
}

static void test_inc(TEEC_Session *s)
{
	TEEC_Operation op = { 0 };
	uint32_t origin = 0;
	TEEC_Result r;

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 41;
	r = invoke(s, CMD_INC_VALUE, &op, &origin);
	check(r == TEEC_SUCCESS && op.params[0].value.a == 42 && op.params[0].value.b == 1,
	      "inc", "r=%#x a=%u b=%u", r, op.params[0].value.a, op.params[0].value.b);
	r = invoke(s, CMD_INC_VALUE, &op, &origin);
	check(r == TEEC_SUCCESS && op.params[0].value.a == 43 && op.params[0].value.b == 2,
	      "inc-again", "r=%#x a=%u b=%u", r, op.params[0].value.a, op.params[0].value.b);

	op.params[0].value.a = UINT32_MAX;
	r = invoke(s, CMD_INC_VALUE, &op, &origin);
	check(r == 0xFFFF300F && origin == TEEC_ORIGIN_TRUSTED_APP, "inc-overflow",
	      "r=%#x origin=%u", r, origin);

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	r = invoke(s, CMD_INC_VALUE, &op, &origin);
	check(r == TEEC_ERROR_BAD_PARAMETERS, "inc-wrong-type", "r=%#x", r);
}

static void test_buffers(TEEC_Session *s)
{
	TEEC_Operation op = { 0 };
	uint32_t origin = 0;
	TEEC_Result r;
	char text[] = "hello, oxtee";
	uint8_t in[100], out[100], small[10];
	size_t i;

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = text;
	op.params[0].tmpref.size = strlen(text);
	r = invoke(s, CMD_REVERSE, &op, &origin);
	check(r == TEEC_SUCCESS && !strcmp(text, "eetxo ,olleh") &&
	      op.params[0].tmpref.size == 12, "reverse", "r=%#x text=\"%s\"", r, text);

	op.params[0].tmpref.buffer = NULL;
	op.params[0].tmpref.size = 0;
	r = invoke(s, CMD_REVERSE, &op, &origin);
	check(r == TEEC_SUCCESS && op.params[0].tmpref.size == 0, "reverse-empty", "r=%#x", r);

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);
	memset(out, 0, sizeof(out));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = in;
	op.params[0].tmpref.size = sizeof(in);
	op.params[1].tmpref.buffer = out;
	op.params[1].tmpref.size = sizeof(out);
	r = invoke(s, CMD_ECHO, &op, &origin);
	check(r == TEEC_SUCCESS && op.params[1].tmpref.size == sizeof(in) &&
	      !memcmp(in, out, sizeof(in)), "echo", "r=%#x size=%zu", r, op.params[1].tmpref.size);

	memset(small, 0xAA, sizeof(small));
	op.params[1].tmpref.buffer = small;
	op.params[1].tmpref.size = sizeof(small);
	r = invoke(s, CMD_ECHO, &op, &origin);
	check(r == TEEC_ERROR_SHORT_BUFFER && op.params[1].tmpref.size == sizeof(in) &&
	      small[0] == 0xAA, "echo-short-buffer", "r=%#x size=%zu", r,
	      op.params[1].tmpref.size);

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = out;
	op.params[0].tmpref.size = sizeof(out);
	op.params[1].tmpref.buffer = in;
	op.params[1].tmpref.size = sizeof(in);
	r = invoke(s, CMD_ECHO, &op, &origin);
	check(r == TEEC_ERROR_BAD_PARAMETERS, "echo-swapped-types", "r=%#x", r);

	r = invoke(s, 99, &op, &origin);
	check(r == TEEC_ERROR_NOT_SUPPORTED, "unknown-command", "r=%#x", r);
}

/* Only the first byte of a 64 KiB buffer changes, through both kinds of memref. */
static void test_touch_first_byte(TEEC_Session *s)
{
	enum { SIZE = 64 * 1024 };
	TEEC_Operation op = { 0 };
	TEEC_SharedMemory shm = { .size = SIZE, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };
	uint32_t origin = 0;
	TEEC_Result r;
	uint8_t *buf = malloc(SIZE);
	size_t i, rest;

	if (!buf) {
		check(0, "touch-first-temp", "out of memory");
		return;
	}
	memset(buf, 0x5A, SIZE);
	buf[0] = 0xFF;
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = SIZE;
	r = invoke(s, CMD_TOUCH_FIRST_BYTE, &op, &origin);
	for (i = 1, rest = 0; i < SIZE; i++)
		rest += buf[i] != 0x5A;
	check(r == TEEC_SUCCESS && buf[0] == 0 && !rest && op.params[0].tmpref.size == SIZE,
	      "touch-first-temp", "r=%#x first=%u changed=%zu size=%zu", r, buf[0], rest,
	      op.params[0].tmpref.size);

	r = TEEC_AllocateSharedMemory(&ctx, &shm);
	if (r == TEEC_SUCCESS) {
		memset(shm.buffer, 0x5A, SIZE);
		((uint8_t *)shm.buffer)[0] = 41;
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].memref.parent = &shm;
		op.params[0].memref.offset = 0;
		op.params[0].memref.size = SIZE;
		r = invoke(s, CMD_TOUCH_FIRST_BYTE, &op, &origin);
		for (i = 1, rest = 0; i < SIZE; i++)
			rest += ((uint8_t *)shm.buffer)[i] != 0x5A;
		check(r == TEEC_SUCCESS && ((uint8_t *)shm.buffer)[0] == 42 && !rest &&
		      op.params[0].memref.size == SIZE, "touch-first-shm",
		      "r=%#x first=%u changed=%zu size=%zu", r, ((uint8_t *)shm.buffer)[0], rest,
		      op.params[0].memref.size);
		TEEC_ReleaseSharedMemory(&shm);
	} else {
		check(0, "touch-first-shm", "allocate r=%#x", r);
	}

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = NULL;
	op.params[0].tmpref.size = 0;
	r = invoke(s, CMD_TOUCH_FIRST_BYTE, &op, &origin);
	check(r == TEEC_ERROR_BAD_PARAMETERS, "touch-first-empty", "r=%#x", r);

	buf[0] = 1;
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = SIZE;
	r = invoke(s, CMD_TOUCH_FIRST_BYTE, &op, &origin);
	check(r == TEEC_ERROR_BAD_PARAMETERS && buf[0] == 1, "touch-first-input", "r=%#x", r);
	free(buf);
}

static void test_services(TEEC_Session *s)
{
	TEEC_Operation op = { 0 };
	uint32_t origin = 0;
	TEEC_Result r, r2;
	uint8_t a[64], b[64], zero[64] = { 0 };
	uint32_t s1, ms1, sum = 0;
	uint32_t i, n = 100000;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = a;
	op.params[0].tmpref.size = sizeof(a);
	r = invoke(s, CMD_RANDOM, &op, &origin);
	op.params[0].tmpref.buffer = b;
	op.params[0].tmpref.size = sizeof(b);
	r2 = invoke(s, CMD_RANDOM, &op, &origin);
	check(r == TEEC_SUCCESS && r2 == TEEC_SUCCESS && memcmp(a, zero, sizeof(a)) &&
	      memcmp(a, b, sizeof(a)), "random", "r=%#x r2=%#x", r, r2);

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	r = invoke(s, CMD_TIME, &op, &origin);
	s1 = op.params[0].value.a;
	ms1 = op.params[0].value.b;
	r2 = invoke(s, CMD_TIME, &op, &origin);
	check(r == TEEC_SUCCESS && r2 == TEEC_SUCCESS && ms1 < 1000 &&
	      (op.params[0].value.a > s1 ||
	       (op.params[0].value.a == s1 && op.params[0].value.b >= ms1)),
	      "time", "r=%#x t1=%u.%03u t2=%u.%03u", r, s1, ms1, op.params[0].value.a,
	      op.params[0].value.b);

	for (i = 0; i < n; i++)
		sum += (uint8_t)i;
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = n;
	r = invoke(s, CMD_ALLOC, &op, &origin);
	check(r == TEEC_SUCCESS && op.params[1].value.a == sum, "alloc", "r=%#x sum=%u want %u",
	      r, op.params[1].value.a, sum);
	op.params[0].value.a = 64u << 20;
	r = invoke(s, CMD_ALLOC, &op, &origin);
	check(r == TEEC_ERROR_OUT_OF_MEMORY, "alloc-too-much", "r=%#x", r);
	/* The heap is intact after the refusal. */
	op.params[0].value.a = n;
	r = invoke(s, CMD_ALLOC, &op, &origin);
	check(r == TEEC_SUCCESS && op.params[1].value.a == sum, "alloc-after-refusal", "r=%#x", r);
}

static TEEC_Result id_data(TEEC_Session *s, uint32_t cmd, const char *id, size_t id_len,
			   void *data, size_t *len, uint32_t data_type)
{
	TEEC_Operation op = { 0 };
	uint32_t origin = 0;
	TEEC_Result r;

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, data_type, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)id;
	op.params[0].tmpref.size = id_len;
	op.params[1].tmpref.buffer = data;
	op.params[1].tmpref.size = len ? *len : 0;
	r = invoke(s, cmd, &op, &origin);
	if (len)
		*len = op.params[1].tmpref.size;
	return r;
}

static void test_storage(TEEC_Session *s)
{
	static const char id[] = "sdk-hello-object";
	char value[] = "persistent hello from the SDK";
	char back[64], tiny[4];
	char long_id[65];
	size_t len;
	TEEC_Result r;

	len = strlen(value);
	r = id_data(s, CMD_STORE, id, strlen(id), value, &len, TEEC_MEMREF_TEMP_INPUT);
	check(r == TEEC_SUCCESS, "store", "r=%#x", r);

	memset(back, 0, sizeof(back));
	len = sizeof(back);
	r = id_data(s, CMD_LOAD, id, strlen(id), back, &len, TEEC_MEMREF_TEMP_OUTPUT);
	check(r == TEEC_SUCCESS && len == strlen(value) && !memcmp(back, value, len), "load",
	      "r=%#x len=%zu", r, len);

	len = sizeof(tiny);
	r = id_data(s, CMD_LOAD, id, strlen(id), tiny, &len, TEEC_MEMREF_TEMP_OUTPUT);
	check(r == TEEC_ERROR_SHORT_BUFFER && len == strlen(value), "load-short-buffer",
	      "r=%#x len=%zu", r, len);

	r = id_data(s, CMD_DELETE, id, strlen(id), NULL, NULL, TEEC_NONE);
	check(r == TEEC_SUCCESS, "delete", "r=%#x", r);
	len = sizeof(back);
	r = id_data(s, CMD_LOAD, id, strlen(id), back, &len, TEEC_MEMREF_TEMP_OUTPUT);
	check(r == TEEC_ERROR_ITEM_NOT_FOUND, "load-deleted", "r=%#x", r);
	r = id_data(s, CMD_DELETE, id, strlen(id), NULL, NULL, TEEC_NONE);
	check(r == TEEC_ERROR_ITEM_NOT_FOUND, "delete-again", "r=%#x", r);

	memset(long_id, 'x', sizeof(long_id));
	len = strlen(value);
	r = id_data(s, CMD_STORE, long_id, sizeof(long_id), value, &len, TEEC_MEMREF_TEMP_INPUT);
	check(r == TEEC_ERROR_BAD_PARAMETERS, "store-id-too-long", "r=%#x", r);
}

/*
 * The TA stores 0x5a into its input buffer. oxtee maps inputs read-only: the
 * TA dies (TARGET_DEAD, origin TEE) and the buffer is unchanged. OP-TEE maps
 * them writable: success, and the byte is in the client's shared memory.
 * Without HELLO_TEE either is accepted, but never a mix of the two.
 */
static void test_write_input(void)
{
	const char *tee = getenv("HELLO_TEE");
	TEEC_SharedMemory shm = { .size = 64, .flags = TEEC_MEM_INPUT };
	TEEC_Operation op = { 0 };
	TEEC_Session s;
	uint32_t origin = 0;
	TEEC_Result r;
	int died, wrote, ok;

	r = TEEC_AllocateSharedMemory(&ctx, &shm);
	if (r != TEEC_SUCCESS) {
		check(0, "write-input", "shm r=%#x", r);
		return;
	}
	memset(shm.buffer, 0x11, shm.size);
	r = open_session(&s, &op, &origin);
	if (r != TEEC_SUCCESS) {
		check(0, "write-input", "open r=%#x", r);
		TEEC_ReleaseSharedMemory(&shm);
		return;
	}
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = &shm;
	r = invoke(&s, CMD_WRITE_INPUT, &op, &origin);
	died = r == TEEC_ERROR_TARGET_DEAD && origin == TEEC_ORIGIN_TEE &&
	       ((uint8_t *)shm.buffer)[0] == 0x11;
	wrote = r == TEEC_SUCCESS && ((uint8_t *)shm.buffer)[0] == 0x5a;
	if (tee && !strcmp(tee, "oxtee"))
		ok = died;
	else if (tee && !strcmp(tee, "optee"))
		ok = wrote;
	else
		ok = died || wrote;
	check(ok, "write-input", "tee=%s r=%#x origin=%u byte=%#x", tee ? tee : "?", r, origin,
	      ((uint8_t *)shm.buffer)[0]);
	TEEC_CloseSession(&s);
	TEEC_ReleaseSharedMemory(&shm);
}

int main(void)
{
	TEEC_Session s1, s2, s3;
	TEEC_Operation op = { 0 };
	uint32_t origin = 0;
	TEEC_Result r;

	r = TEEC_InitializeContext(NULL, &ctx);
	if (r != TEEC_SUCCESS) {
		printf("HELLO FAIL context r=%#x\n", r);
		return 1;
	}

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	r = open_session(&s1, &op, &origin);
	check(r == TEEC_ERROR_BAD_PARAMETERS, "open-with-params", "r=%#x origin=%u", r, origin);
	if (r == TEEC_SUCCESS)
		TEEC_CloseSession(&s1);

	memset(&op, 0, sizeof(op));
	r = open_session(&s1, &op, &origin);
	check(r == TEEC_SUCCESS, "open", "r=%#x origin=%u", r, origin);
	if (r != TEEC_SUCCESS)
		goto out;

	test_inc(&s1);
	test_buffers(&s1);
	test_touch_first_byte(&s1);
	test_services(&s1);
	test_storage(&s1);
	test_write_input();

	/* A second session of the same (multi-instance) TA counts on its own. */
	memset(&op, 0, sizeof(op));
	r = open_session(&s2, &op, &origin);
	if (r == TEEC_SUCCESS) {
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		op.params[0].value.a = 7;
		r = invoke(&s2, CMD_INC_VALUE, &op, &origin);
		check(r == TEEC_SUCCESS && op.params[0].value.a == 8 && op.params[0].value.b == 1,
		      "second-session", "r=%#x a=%u b=%u", r, op.params[0].value.a,
		      op.params[0].value.b);
		TEEC_CloseSession(&s2);
	} else {
		check(0, "second-session", "open r=%#x", r);
	}

	/* A panic kills the instance: TARGET_DEAD from the TEE, for later calls too. */
	memset(&op, 0, sizeof(op));
	r = invoke(&s1, CMD_PANIC, &op, &origin);
	check(r == TEEC_ERROR_TARGET_DEAD && origin == TEEC_ORIGIN_TEE, "panic",
	      "r=%#x origin=%u", r, origin);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	r = invoke(&s1, CMD_INC_VALUE, &op, &origin);
	check(r == TEEC_ERROR_TARGET_DEAD, "after-panic", "r=%#x origin=%u", r, origin);
	TEEC_CloseSession(&s1);

	memset(&op, 0, sizeof(op));
	r = open_session(&s3, &op, &origin);
	if (r == TEEC_SUCCESS) {
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		op.params[0].value.a = 1;
		r = invoke(&s3, CMD_INC_VALUE, &op, &origin);
		check(r == TEEC_SUCCESS && op.params[0].value.a == 2, "reopen-after-panic",
		      "r=%#x a=%u", r, op.params[0].value.a);
		TEEC_CloseSession(&s3);
	} else {
		check(0, "reopen-after-panic", "open r=%#x origin=%u", r, origin);
	}
out:
	TEEC_FinalizeContext(&ctx);
	printf("HELLO passed %d failed %d\n", passed, failed);
	return failed || !passed;
}
