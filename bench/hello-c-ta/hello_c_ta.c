// SPDX-License-Identifier: BSD-2-Clause
/*
 * The SDK example's commands (ta/examples/hello/ta/src/commands.rs) in C,
 * for the size and latency comparison of `make bench`. Command numbers,
 * parameter types and error codes are the same; each command checks its
 * parameter types first.
 */
#include <string.h>
#include <tee_internal_api.h>

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
#define CMD_TOUCH_FIRST_BYTE 21

#define PT(a, b, c, d) TEE_PARAM_TYPES(TEE_PARAM_TYPE_##a, TEE_PARAM_TYPE_##b, \
				       TEE_PARAM_TYPE_##c, TEE_PARAM_TYPE_##d)

static uint32_t sessions_opened;

struct session {
	uint32_t invocations;
};

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[4],
				    void **ctx)
{
	struct session *s;

	(void)params;
	if (types != PT(NONE, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);
	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	sessions_opened++;
	*ctx = s;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	TEE_Free(ctx);
}

/* Copies `len` bytes to an output memref, or reports the size it needs. */
static TEE_Result put_out(TEE_Param *p, const void *data, size_t len)
{
	if (p->memref.size < len) {
		p->memref.size = len;
		return TEE_ERROR_SHORT_BUFFER;
	}
	memcpy(p->memref.buffer, data, len);
	p->memref.size = len;
	return TEE_SUCCESS;
}

static TEE_Result reverse(TEE_Param *p)
{
	uint8_t *b = p->memref.buffer;
	size_t i, n = p->memref.size;
	uint8_t t;

	for (i = 0; i < n / 2; i++) {
		t = b[i];
		b[i] = b[n - 1 - i];
		b[n - 1 - i] = t;
	}
	return TEE_SUCCESS;
}

static TEE_Result alloc_sum(TEE_Param params[4])
{
	uint32_t n = params[0].value.a, sum = 0, i;
	uint8_t *b = TEE_Malloc(n, TEE_MALLOC_FILL_ZERO);

	if (!b && n)
		return TEE_ERROR_OUT_OF_MEMORY;
	for (i = 0; i < n; i++) {
		b[i] = (uint8_t)i;
		sum += b[i];
	}
	TEE_Free(b);
	params[1].value.a = sum;
	params[1].value.b = 0;
	return TEE_SUCCESS;
}

static TEE_Result store(TEE_Param params[4])
{
	TEE_ObjectHandle o = TEE_HANDLE_NULL;
	TEE_Result r;

	r = TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE, params[0].memref.buffer,
				       params[0].memref.size,
				       TEE_DATA_FLAG_ACCESS_READ |
				       TEE_DATA_FLAG_OVERWRITE,
				       TEE_HANDLE_NULL, params[1].memref.buffer,
				       params[1].memref.size, &o);
	if (r == TEE_SUCCESS)
		TEE_CloseObject(o);
	return r;
}

static TEE_Result load(TEE_Param params[4])
{
	TEE_ObjectHandle o = TEE_HANDLE_NULL;
	TEE_ObjectInfo info;
	TEE_Result r;
	size_t got = 0;

	r = TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, params[0].memref.buffer,
				     params[0].memref.size,
				     TEE_DATA_FLAG_ACCESS_READ, &o);
	if (r != TEE_SUCCESS)
		return r;
	r = TEE_GetObjectInfo1(o, &info);
	if (r == TEE_SUCCESS && params[1].memref.size < info.dataSize) {
		params[1].memref.size = info.dataSize;
		r = TEE_ERROR_SHORT_BUFFER;
	}
	if (r == TEE_SUCCESS)
		r = TEE_ReadObjectData(o, params[1].memref.buffer, info.dataSize,
				       &got);
	if (r == TEE_SUCCESS)
		params[1].memref.size = got;
	TEE_CloseObject(o);
	return r;
}

static TEE_Result delete_obj(TEE_Param params[4])
{
	TEE_ObjectHandle o = TEE_HANDLE_NULL;
	TEE_Result r;

	r = TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, params[0].memref.buffer,
				     params[0].memref.size,
				     TEE_DATA_FLAG_ACCESS_WRITE_META, &o);
	if (r != TEE_SUCCESS)
		return r;
	return TEE_CloseAndDeletePersistentObject1(o);
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param params[4])
{
	struct session *s = ctx;
	TEE_Time t;

	s->invocations++;
	switch (cmd) {
	case CMD_INC_VALUE:
		if (types != PT(VALUE_INOUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		if (params[0].value.a == UINT32_MAX)
			return TEE_ERROR_OVERFLOW;
		params[0].value.a++;
		params[0].value.b = s->invocations;
		return TEE_SUCCESS;
	case CMD_REVERSE:
		if (types != PT(MEMREF_INOUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return reverse(&params[0]);
	case CMD_ECHO:
		if (types != PT(MEMREF_INPUT, MEMREF_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return put_out(&params[1], params[0].memref.buffer,
			       params[0].memref.size);
	case CMD_RANDOM:
		if (types != PT(MEMREF_OUTPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_GenerateRandom(params[0].memref.buffer, params[0].memref.size);
		return TEE_SUCCESS;
	case CMD_TIME:
		if (types != PT(VALUE_OUTPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_GetSystemTime(&t);
		params[0].value.a = t.seconds;
		params[0].value.b = t.millis;
		return TEE_SUCCESS;
	case CMD_PANIC:
		TEE_Panic(0);
		return TEE_ERROR_GENERIC;
	case CMD_ALLOC:
		if (types != PT(VALUE_INPUT, VALUE_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return alloc_sum(params);
	case CMD_STORE:
		if (types != PT(MEMREF_INPUT, MEMREF_INPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return store(params);
	case CMD_LOAD:
		if (types != PT(MEMREF_INPUT, MEMREF_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return load(params);
	case CMD_DELETE:
		if (types != PT(MEMREF_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return delete_obj(params);
	case CMD_TOUCH_FIRST_BYTE:
		if (types != PT(MEMREF_INOUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		if (!params[0].memref.size)
			return TEE_ERROR_BAD_PARAMETERS;
		((uint8_t *)params[0].memref.buffer)[0]++;
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
