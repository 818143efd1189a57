// SPDX-License-Identifier: BSD-2-Clause
/*
 * storage: persistent objects in TEE_STORAGE_PRIVATE through the GP API:
 * create/overwrite, read, delete on the client's request, and one command
 * that walks an object through seek, truncate, rename and enumeration,
 * checking each step.
 */
#include <string.h>
#include <tee_internal_api.h>

#include <c_examples.h>

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

static const uint32_t rw = TEE_DATA_FLAG_ACCESS_READ |
			   TEE_DATA_FLAG_ACCESS_WRITE |
			   TEE_DATA_FLAG_ACCESS_WRITE_META;

static TEE_Result write_object(TEE_Param p[4])
{
	TEE_ObjectHandle o;
	TEE_Result res;

	res = TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE, p[0].memref.buffer,
					 p[0].memref.size,
					 rw | TEE_DATA_FLAG_OVERWRITE,
					 TEE_HANDLE_NULL, p[1].memref.buffer,
					 p[1].memref.size, &o);
	if (res)
		return res;
	TEE_CloseObject(o);
	return TEE_SUCCESS;
}

static TEE_Result read_object(TEE_Param p[4])
{
	TEE_ObjectHandle o;
	TEE_ObjectInfo info;
	TEE_Result res;
	size_t n = 0;

	res = TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, p[0].memref.buffer,
				       p[0].memref.size,
				       TEE_DATA_FLAG_ACCESS_READ, &o);
	if (res)
		return res;
	res = TEE_GetObjectInfo1(o, &info);
	if (!res && info.dataSize > p[1].memref.size) {
		p[1].memref.size = info.dataSize;
		res = TEE_ERROR_SHORT_BUFFER;
	}
	if (!res)
		res = TEE_ReadObjectData(o, p[1].memref.buffer,
					 p[1].memref.size, &n);
	if (!res)
		p[1].memref.size = n;
	TEE_CloseObject(o);
	return res;
}

static TEE_Result delete_object(TEE_Param p[4])
{
	TEE_ObjectHandle o;
	TEE_Result res;

	res = TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, p[0].memref.buffer,
				       p[0].memref.size,
				       TEE_DATA_FLAG_ACCESS_WRITE_META, &o);
	if (res)
		return res;
	return TEE_CloseAndDeletePersistentObject1(o);
}

#define CHECK(cond)                                            \
	do {                                                   \
		if (!(cond)) {                                 \
			EMSG("check failed: %s", #cond);       \
			p[0].value.a = checks;                 \
			p[0].value.b = __LINE__;               \
			return TEE_SUCCESS;                    \
		}                                              \
		checks++;                                      \
	} while (0)

static TEE_Result exercise(TEE_Param p[4])
{
	static const char id1[] = "c-examples.exercise.1";
	static const char id2[] = "c-examples.exercise.2";
	uint8_t buf[64];
	char found[TEE_OBJECT_ID_MAX_LEN];
	size_t n = 0, found_len;
	uint32_t checks = 0;
	TEE_ObjectHandle o = TEE_HANDLE_NULL;
	TEE_ObjectHandle o2 = TEE_HANDLE_NULL;
	TEE_ObjectEnumHandle e = TEE_HANDLE_NULL;
	TEE_ObjectInfo info;
	bool seen = false;

	/* Leftovers of an interrupted run would fail the exclusive create. */
	if (!TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id1, sizeof(id1),
				      TEE_DATA_FLAG_ACCESS_WRITE_META, &o))
		TEE_CloseAndDeletePersistentObject1(o);
	if (!TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id2, sizeof(id2),
				      TEE_DATA_FLAG_ACCESS_WRITE_META, &o))
		TEE_CloseAndDeletePersistentObject1(o);

	CHECK(TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE, id1, sizeof(id1),
					 rw, TEE_HANDLE_NULL, "0123456789", 10,
					 &o) == TEE_SUCCESS);
	CHECK(TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE, id1, sizeof(id1),
					 rw, TEE_HANDLE_NULL, NULL, 0, &o2) ==
	      TEE_ERROR_ACCESS_CONFLICT);
	CHECK(o2 == TEE_HANDLE_NULL);
	CHECK(TEE_SeekObjectData(o, 4, TEE_DATA_SEEK_SET) == TEE_SUCCESS);
	CHECK(TEE_ReadObjectData(o, buf, 3, &n) == TEE_SUCCESS && n == 3 &&
	      !memcmp(buf, "456", 3));
	CHECK(TEE_SeekObjectData(o, -2, TEE_DATA_SEEK_END) == TEE_SUCCESS);
	CHECK(TEE_WriteObjectData(o, "XYZ", 3) == TEE_SUCCESS);
	CHECK(TEE_GetObjectInfo1(o, &info) == TEE_SUCCESS &&
	      info.dataSize == 11 && info.dataPosition == 11);
	CHECK(TEE_TruncateObjectData(o, 5) == TEE_SUCCESS);
	CHECK(TEE_SeekObjectData(o, 0, TEE_DATA_SEEK_SET) == TEE_SUCCESS);
	CHECK(TEE_ReadObjectData(o, buf, sizeof(buf), &n) == TEE_SUCCESS &&
	      n == 5 && !memcmp(buf, "01234", 5));
	CHECK(TEE_RenamePersistentObject(o, id2, sizeof(id2)) == TEE_SUCCESS);
	TEE_CloseObject(o);
	o = TEE_HANDLE_NULL;
	CHECK(TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id1, sizeof(id1),
				       TEE_DATA_FLAG_ACCESS_READ, &o) ==
	      TEE_ERROR_ITEM_NOT_FOUND);
	CHECK(TEE_AllocatePersistentObjectEnumerator(&e) == TEE_SUCCESS);
	CHECK(TEE_StartPersistentObjectEnumerator(e, TEE_STORAGE_PRIVATE) ==
	      TEE_SUCCESS);
	for (;;) {
		found_len = sizeof(found);
		if (TEE_GetNextPersistentObject(e, &info, found, &found_len))
			break;
		if (found_len == sizeof(id2) && !memcmp(found, id2, found_len))
			seen = info.dataSize == 5;
	}
	TEE_FreePersistentObjectEnumerator(e);
	CHECK(seen);
	CHECK(TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id2, sizeof(id2),
				       TEE_DATA_FLAG_ACCESS_WRITE_META, &o) ==
	      TEE_SUCCESS);
	CHECK(TEE_CloseAndDeletePersistentObject1(o) == TEE_SUCCESS);
	CHECK(TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id2, sizeof(id2),
				       TEE_DATA_FLAG_ACCESS_READ, &o) ==
	      TEE_ERROR_ITEM_NOT_FOUND);
	p[0].value.a = checks;
	p[0].value.b = 0;
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t pt,
				      TEE_Param p[4])
{
	const uint32_t two_memrefs =
		TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
				cmd == STORAGE_CMD_WRITE ?
					TEE_PARAM_TYPE_MEMREF_INPUT :
					TEE_PARAM_TYPE_MEMREF_OUTPUT,
				TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);

	(void)ctx;
	switch (cmd) {
	case STORAGE_CMD_WRITE:
	case STORAGE_CMD_READ:
		if (pt != two_memrefs)
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd == STORAGE_CMD_WRITE ? write_object(p) :
						  read_object(p);
	case STORAGE_CMD_DELETE:
		if (pt != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
					  TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return delete_object(p);
	case STORAGE_CMD_EXERCISE:
		if (pt != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
					  TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return exercise(p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
