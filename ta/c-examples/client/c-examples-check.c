// SPDX-License-Identifier: BSD-2-Clause
/*
 * c-examples-check <label>: the normal-world side of the C example TAs
 * (ta/c-examples), over libteec. Runs every command of hello, storage and
 * ta2ta with good and bad parameters and checks each answer.
 *
 * Output: "CEX <label> ok|FAIL <case> ..." per check, then
 * "CEX <label> passed <n> failed <m>"; exit status 0 only if none failed.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tee_client_api.h>

#include "../include/c_examples.h"

static const char *label;
static int passed, failed;
static TEEC_Context ctx;

static void check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("CEX %s %s %s ", label, ok ? "ok" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

static TEEC_Result open_session(const TEEC_UUID *uuid, TEEC_Session *s)
{
	uint32_t origin = 0;

	return TEEC_OpenSession(&ctx, s, uuid, TEEC_LOGIN_PUBLIC, NULL, NULL,
				&origin);
}

static TEEC_Result invoke(TEEC_Session *s, uint32_t cmd, TEEC_Operation *op,
			  uint32_t *origin)
{
	uint32_t o = 0;
	TEEC_Result r = TEEC_InvokeCommand(s, cmd, op, &o);

	if (origin)
		*origin = o;
	return r;
}

static void hello(void)
{
	const TEEC_UUID uuid = HELLO_TA_UUID;
	TEEC_Session s;
	TEEC_Operation op;
	TEEC_Result r;
	uint8_t buf[1000], rnd[64];
	char text[96], want[96];
	uint32_t origin;
	size_t i;
	int nonzero = 0;

	r = open_session(&uuid, &s);
	check(r == TEEC_SUCCESS, "hello.open", "res %#x", r);
	if (r)
		return;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].value.a = 41;
	op.params[0].value.b = 1;
	r = invoke(&s, HELLO_CMD_INC, &op, NULL);
	check(r == TEEC_SUCCESS && op.params[0].value.a == 43, "hello.inc",
	      "res %#x a %u", r, op.params[0].value.a);

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = sizeof(buf);
	r = invoke(&s, HELLO_CMD_REVERSE, &op, NULL);
	check(r == TEEC_SUCCESS && buf[0] == (uint8_t)(999 * 7) &&
		      buf[999] == 0,
	      "hello.reverse", "res %#x first %u", r, buf[0]);

	/* The TA's snprintf against this C library's. */
	snprintf(want, sizeof(want), "a=%u b=%#x s=%-4s|%5d|%s", 1234567u,
		 0xbeefu, "ok", -42, "end");
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].value.a = 1234567;
	op.params[0].value.b = 0xbeef;
	op.params[1].tmpref.buffer = text;
	op.params[1].tmpref.size = 8;
	r = invoke(&s, HELLO_CMD_FORMAT, &op, NULL);
	check(r == TEEC_ERROR_SHORT_BUFFER &&
		      op.params[1].tmpref.size == strlen(want) + 1,
	      "hello.format-short", "res %#x size %zu", r,
	      op.params[1].tmpref.size);
	op.params[1].tmpref.size = sizeof(text);
	r = invoke(&s, HELLO_CMD_FORMAT, &op, NULL);
	check(r == TEEC_SUCCESS && !strcmp(text, want), "hello.format",
	      "res %#x \"%s\"", r, r ? "" : text);

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	r = invoke(&s, HELLO_CMD_HEAP, &op, NULL);
	check(r == TEEC_SUCCESS && op.params[0].value.a == 3, "hello.heap",
	      "res %#x checks %u", r, op.params[0].value.a);

	r = invoke(&s, HELLO_CMD_PROPS, &op, NULL);
	check(r == TEEC_SUCCESS && op.params[0].value.a == 64 * 1024 &&
		      op.params[0].value.b == TEEC_LOGIN_PUBLIC,
	      "hello.props", "res %#x dataSize %u login %#x", r,
	      op.params[0].value.a, op.params[0].value.b);

	memset(rnd, 0, sizeof(rnd));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = rnd;
	op.params[0].tmpref.size = sizeof(rnd);
	r = invoke(&s, HELLO_CMD_TIME_RANDOM, &op, NULL);
	for (i = 0; i < sizeof(rnd); i++)
		nonzero += rnd[i] != 0;
	check(r == TEEC_SUCCESS && nonzero > 32 &&
		      op.params[1].value.a >= 20 && op.params[1].value.a < 5000,
	      "hello.time-random", "res %#x nonzero %d waited %u ms", r,
	      nonzero, op.params[1].value.a);

	/* Wrong parameter types, unknown command. */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE,
					 TEEC_NONE);
	r = invoke(&s, HELLO_CMD_INC, &op, &origin);
	check(r == TEEC_ERROR_BAD_PARAMETERS && origin == TEEC_ORIGIN_TRUSTED_APP,
	      "hello.bad-types", "res %#x origin %u", r, origin);
	r = invoke(&s, 77, &op, &origin);
	check(r == TEEC_ERROR_NOT_SUPPORTED, "hello.bad-command", "res %#x", r);

	/* A panic kills the instance; a new session gets a new one. */
	op.params[0].value.a = 0xdead;
	r = invoke(&s, HELLO_CMD_PANIC, &op, &origin);
	check(r == TEEC_ERROR_TARGET_DEAD && origin == TEEC_ORIGIN_TEE,
	      "hello.panic", "res %#x origin %u", r, origin);
	TEEC_CloseSession(&s);
	r = open_session(&uuid, &s);
	check(r == TEEC_SUCCESS, "hello.reopen", "res %#x", r);
	if (!r)
		TEEC_CloseSession(&s);
}

static void storage(void)
{
	const TEEC_UUID uuid = STORAGE_TA_UUID;
	static const char id[] = "c-examples.object";
	static uint8_t data[3000], back[3000];
	TEEC_Session s;
	TEEC_Operation op;
	TEEC_Result r;
	size_t i;

	r = open_session(&uuid, &s);
	check(r == TEEC_SUCCESS, "storage.open", "res %#x", r);
	if (r)
		return;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ (i >> 8));

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)id;
	op.params[0].tmpref.size = sizeof(id);
	op.params[1].tmpref.buffer = data;
	op.params[1].tmpref.size = sizeof(data);
	r = invoke(&s, STORAGE_CMD_WRITE, &op, NULL);
	check(r == TEEC_SUCCESS, "storage.write", "res %#x", r);

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[1].tmpref.buffer = back;
	op.params[1].tmpref.size = 100;
	r = invoke(&s, STORAGE_CMD_READ, &op, NULL);
	check(r == TEEC_ERROR_SHORT_BUFFER &&
		      op.params[1].tmpref.size == sizeof(data),
	      "storage.read-short", "res %#x size %zu", r,
	      op.params[1].tmpref.size);
	op.params[1].tmpref.size = sizeof(back);
	r = invoke(&s, STORAGE_CMD_READ, &op, NULL);
	check(r == TEEC_SUCCESS && op.params[1].tmpref.size == sizeof(data) &&
		      !memcmp(back, data, sizeof(data)),
	      "storage.read", "res %#x size %zu", r, op.params[1].tmpref.size);

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	r = invoke(&s, STORAGE_CMD_DELETE, &op, NULL);
	check(r == TEEC_SUCCESS, "storage.delete", "res %#x", r);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	r = invoke(&s, STORAGE_CMD_READ, &op, NULL);
	check(r == TEEC_ERROR_ITEM_NOT_FOUND, "storage.read-deleted",
	      "res %#x", r);

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	r = invoke(&s, STORAGE_CMD_EXERCISE, &op, NULL);
	check(r == TEEC_SUCCESS && op.params[0].value.a == 19 &&
		      op.params[0].value.b == 0,
	      "storage.exercise", "res %#x checks %u failed at line %u", r,
	      op.params[0].value.a, op.params[0].value.b);

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	r = invoke(&s, STORAGE_CMD_CRYPTO, &op, NULL);
	check(r == TEEC_SUCCESS && op.params[0].value.a == 29 &&
		      op.params[0].value.b == 0,
	      "storage.crypto", "res %#x checks %u failed at line %u", r,
	      op.params[0].value.a, op.params[0].value.b);
	TEEC_CloseSession(&s);
}

static void ta2ta(void)
{
	const TEEC_UUID uuid = TA2TA_TA_UUID;
	TEEC_Session s;
	TEEC_Operation op;
	TEEC_Result r;

	r = open_session(&uuid, &s);
	check(r == TEEC_SUCCESS, "ta2ta.open", "res %#x", r);
	if (r)
		return;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	r = invoke(&s, TA2TA_CMD_RUN, &op, NULL);
	check(r == TEEC_SUCCESS && op.params[0].value.a == 18 &&
		      op.params[0].value.b == 0,
	      "ta2ta.run", "res %#x checks %u failed at line %u", r,
	      op.params[0].value.a, op.params[0].value.b);
	TEEC_CloseSession(&s);
}

int main(int argc, char *argv[])
{
	TEEC_Result r;

	label = argc > 1 ? argv[1] : "-";
	r = TEEC_InitializeContext(NULL, &ctx);
	if (r) {
		printf("CEX %s FAIL context res %#x\n", label, r);
		return 1;
	}
	hello();
	storage();
	ta2ta();
	TEEC_FinalizeContext(&ctx);
	printf("CEX %s passed %d failed %d\n", label, passed, failed);
	return failed != 0 || passed == 0;
}
