// SPDX-License-Identifier: BSD-2-Clause
/*
 * ta2ta: opens a session to the hello TA from the secure side and checks
 * values, memory references (in this TA's heap and on its stack), the
 * caller identity hello sees (TEE_LOGIN_TRUSTED_APP with this TA's UUID),
 * error origins and a panicking callee.
 */
#include <string.h>
#include <tee_internal_api.h>

#include <c_examples.h>

static const TEE_UUID hello_uuid = HELLO_TA_UUID;
static const TEE_UUID self_uuid = TA2TA_TA_UUID;

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t pt, TEE_Param p[4], void **ctx)
{
	(void)pt;
	(void)p;
	(void)ctx;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	(void)ctx;
}

#define CHECK(cond)                                      \
	do {                                             \
		if (!(cond)) {                           \
			EMSG("check failed: %s", #cond); \
			failure = __LINE__;              \
			goto out;                        \
		}                                        \
		checks++;                                \
	} while (0)

static TEE_Result run(TEE_Param out[4])
{
	TEE_TASessionHandle s = TEE_HANDLE_NULL;
	TEE_Param p[4];
	uint32_t origin = 0;
	uint32_t checks = 0, failure = 0;
	char stack_buf[8] = "abcdefg";
	uint8_t *heap_buf = TEE_Malloc(300, TEE_MALLOC_FILL_ZERO);
	size_t i;

	CHECK(heap_buf != NULL);
	memset(p, 0, sizeof(p));
	CHECK(TEE_OpenTASession(&hello_uuid, TEE_TIMEOUT_INFINITE, 0, p, &s,
				&origin) == TEE_SUCCESS);
	CHECK(s != TEE_HANDLE_NULL && origin == TEE_ORIGIN_TRUSTED_APP);

	p[0].value.a = 41;
	p[0].value.b = 1;
	CHECK(TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE, HELLO_CMD_INC,
				  TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE),
				  p, &origin) == TEE_SUCCESS);
	CHECK(p[0].value.a == 43);

	for (i = 0; i < 300; i++)
		heap_buf[i] = (uint8_t)i;
	p[0].memref.buffer = heap_buf;
	p[0].memref.size = 300;
	CHECK(TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE, HELLO_CMD_REVERSE,
				  TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INOUT,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE),
				  p, &origin) == TEE_SUCCESS);
	CHECK(heap_buf[0] == (uint8_t)299 && heap_buf[299] == 0);

	p[0].memref.buffer = stack_buf;
	p[0].memref.size = 7;
	CHECK(TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE, HELLO_CMD_REVERSE,
				  TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INOUT,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE),
				  p, &origin) == TEE_SUCCESS);
	CHECK(!memcmp(stack_buf, "gfedcba", 8));

	/* hello sees this TA as its client. */
	p[1].memref.buffer = heap_buf;
	p[1].memref.size = 16;
	CHECK(TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE, HELLO_CMD_CALLER,
				  TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
						  TEE_PARAM_TYPE_MEMREF_OUTPUT,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE),
				  p, &origin) == TEE_SUCCESS);
	CHECK(p[0].value.a == TEE_LOGIN_TRUSTED_APP);
	CHECK(p[1].memref.size == 16 &&
	      !memcmp(heap_buf, &self_uuid, sizeof(self_uuid)));

	/* An error of the callee comes back with its origin. */
	CHECK(TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE, 99, 0, p, &origin) ==
	      TEE_ERROR_NOT_SUPPORTED);
	CHECK(origin == TEE_ORIGIN_TRUSTED_APP);

	/* A panicking callee: TARGET_DEAD from the TEE, this TA lives on. */
	p[0].value.a = 0x1234;
	CHECK(TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE, HELLO_CMD_PANIC,
				  TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE),
				  p, &origin) == TEE_ERROR_TARGET_DEAD);
	CHECK(origin == TEE_ORIGIN_TEE);
	TEE_CloseTASession(s);
	s = TEE_HANDLE_NULL;

	/* A UUID nobody has. */
	{
		TEE_UUID none = { 0x01234567, 0x89ab, 0xcdef,
				  { 1, 2, 3, 4, 5, 6, 7, 8 } };

		CHECK(TEE_OpenTASession(&none, TEE_TIMEOUT_INFINITE, 0, NULL,
					&s, &origin) == TEE_ERROR_ITEM_NOT_FOUND);
		CHECK(s == TEE_HANDLE_NULL);
	}
out:
	if (s != TEE_HANDLE_NULL)
		TEE_CloseTASession(s);
	TEE_Free(heap_buf);
	out[0].value.a = checks;
	out[0].value.b = failure;
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t pt,
				      TEE_Param p[4])
{
	(void)ctx;
	if (cmd != TA2TA_CMD_RUN)
		return TEE_ERROR_NOT_SUPPORTED;
	if (pt != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
				  TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
				  TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	return run(p);
}
