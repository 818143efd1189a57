// SPDX-License-Identifier: BSD-2-Clause
/*
 * hello: a C TA exercising what most TAs use from libutee and libutils:
 * value and memref parameters, the heap (malloc and TEE_Malloc), snprintf,
 * properties, time, random numbers, panics and the caller's identity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>

#include <c_examples.h>
#include <user_ta_header_defines.h>

static int sessions;

TEE_Result TA_CreateEntryPoint(void)
{
	DMSG("created");
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t pt, TEE_Param p[4], void **ctx)
{
	(void)pt;
	(void)p;
	sessions++;
	*ctx = &sessions;
	IMSG("session opened (%d open)", sessions);
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	if (ctx != &sessions)
		TEE_Panic(TEE_ERROR_BAD_STATE);
	sessions--;
}

#define EXPECT(pt, want) \
	do { if ((pt) != (want)) return TEE_ERROR_BAD_PARAMETERS; } while (0)

static TEE_Result reverse(uint32_t pt, TEE_Param p[4])
{
	uint8_t *b = p[0].memref.buffer;
	size_t n = p[0].memref.size;
	size_t i;

	EXPECT(pt, TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_NONE,
				   TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE));
	for (i = 0; i < n / 2; i++) {
		uint8_t t = b[i];

		b[i] = b[n - 1 - i];
		b[n - 1 - i] = t;
	}
	return TEE_SUCCESS;
}

static TEE_Result format(uint32_t pt, TEE_Param p[4])
{
	char text[96];
	int n;

	EXPECT(pt, TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
				   TEE_PARAM_TYPE_MEMREF_OUTPUT,
				   TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE));
	n = snprintf(text, sizeof(text), "a=%u b=%#x s=%-4s|%5d|%s",
		     p[0].value.a, p[0].value.b, "ok", -42, "end");
	if (n < 0 || (size_t)n >= sizeof(text))
		return TEE_ERROR_GENERIC;
	if (p[1].memref.size < (size_t)n + 1) {
		p[1].memref.size = n + 1;
		return TEE_ERROR_SHORT_BUFFER;
	}
	memcpy(p[1].memref.buffer, text, n + 1);
	p[1].memref.size = n + 1;
	return TEE_SUCCESS;
}

/* Allocates, fills, grows and frees blocks; every step is checked. */
static TEE_Result heap(uint32_t pt, TEE_Param p[4])
{
	uint32_t checks = 0;
	uint8_t *blocks[16];
	uint8_t *z;
	size_t i, j;

	EXPECT(pt, TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE,
				   TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE));
	for (i = 0; i < 16; i++) {
		blocks[i] = malloc(100 + i * 37);
		if (!blocks[i])
			return TEE_ERROR_OUT_OF_MEMORY;
		memset(blocks[i], (int)i, 100 + i * 37);
	}
	for (i = 0; i < 16; i += 2) {
		blocks[i] = realloc(blocks[i], 2000);
		if (!blocks[i])
			return TEE_ERROR_OUT_OF_MEMORY;
	}
	for (i = 0; i < 16; i++) {
		for (j = 0; j < 100 + i * 37; j++)
			if (blocks[i][j] != i)
				return TEE_ERROR_GENERIC;
		free(blocks[i]);
	}
	checks++;
	z = TEE_Malloc(4096, TEE_MALLOC_FILL_ZERO);
	if (!z)
		return TEE_ERROR_OUT_OF_MEMORY;
	for (i = 0; i < 4096; i++)
		if (z[i])
			return TEE_ERROR_GENERIC;
	memset(z, 0xa5, 4096);
	z = TEE_Realloc(z, 8192);
	if (!z || z[4095] != 0xa5 || z[4096] != 0 || z[8191] != 0)
		return TEE_ERROR_GENERIC;
	TEE_Free(z);
	checks++;
	/* More than the heap holds: refused, not a crash. */
	if (malloc(TA_DATA_SIZE + 1) != NULL)
		return TEE_ERROR_GENERIC;
	checks++;
	p[0].value.a = checks;
	return TEE_SUCCESS;
}

static TEE_Result props(uint32_t pt, TEE_Param p[4])
{
	TEE_Identity id;
	uint32_t data_size = 0;
	char version[16];
	size_t len = sizeof(version);
	TEE_Result res;

	EXPECT(pt, TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE,
				   TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE));
	res = TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "gpd.ta.dataSize",
				   &data_size);
	if (res)
		return res;
	res = TEE_GetPropertyAsString(TEE_PROPSET_CURRENT_TA, "gpd.ta.version",
				      version, &len);
	if (res)
		return res;
	if (strcmp(version, "1.0") || len != 4)
		return TEE_ERROR_GENERIC;
	res = TEE_GetPropertyAsIdentity(TEE_PROPSET_CURRENT_CLIENT,
					"gpd.client.identity", &id);
	if (res)
		return res;
	if (TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "no.such.property",
				 &data_size) != TEE_ERROR_ITEM_NOT_FOUND)
		return TEE_ERROR_GENERIC;
	p[0].value.a = data_size;
	p[0].value.b = id.login;
	return TEE_SUCCESS;
}

static TEE_Result time_random(uint32_t pt, TEE_Param p[4])
{
	TEE_Time t0, t1;

	EXPECT(pt, TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_OUTPUT,
				   TEE_PARAM_TYPE_VALUE_OUTPUT,
				   TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE));
	TEE_GetSystemTime(&t0);
	TEE_GenerateRandom(p[0].memref.buffer, p[0].memref.size);
	if (TEE_Wait(20) != TEE_SUCCESS)
		return TEE_ERROR_GENERIC;
	TEE_GetSystemTime(&t1);
	p[1].value.a = (t1.seconds * 1000 + t1.millis) -
		       (t0.seconds * 1000 + t0.millis);
	return TEE_SUCCESS;
}

static TEE_Result caller(uint32_t pt, TEE_Param p[4])
{
	TEE_Identity id;
	TEE_Result res;

	EXPECT(pt, TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
				   TEE_PARAM_TYPE_MEMREF_OUTPUT,
				   TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE));
	res = TEE_GetPropertyAsIdentity(TEE_PROPSET_CURRENT_CLIENT,
					"gpd.client.identity", &id);
	if (res)
		return res;
	if (p[1].memref.size < sizeof(id.uuid))
		return TEE_ERROR_SHORT_BUFFER;
	p[0].value.a = id.login;
	TEE_MemMove(p[1].memref.buffer, &id.uuid, sizeof(id.uuid));
	p[1].memref.size = sizeof(id.uuid);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t pt,
				      TEE_Param p[4])
{
	if (ctx != &sessions)
		return TEE_ERROR_BAD_STATE;
	switch (cmd) {
	case HELLO_CMD_INC:
		EXPECT(pt, TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT,
					   TEE_PARAM_TYPE_NONE,
					   TEE_PARAM_TYPE_NONE,
					   TEE_PARAM_TYPE_NONE));
		p[0].value.a += 1 + p[0].value.b;
		return TEE_SUCCESS;
	case HELLO_CMD_REVERSE:
		return reverse(pt, p);
	case HELLO_CMD_FORMAT:
		return format(pt, p);
	case HELLO_CMD_HEAP:
		return heap(pt, p);
	case HELLO_CMD_PROPS:
		return props(pt, p);
	case HELLO_CMD_TIME_RANDOM:
		return time_random(pt, p);
	case HELLO_CMD_PANIC:
		TEE_Panic(p[0].value.a);
	case HELLO_CMD_CALLER:
		return caller(pt, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
