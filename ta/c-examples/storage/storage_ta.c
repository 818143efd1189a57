// SPDX-License-Identifier: BSD-2-Clause
/*
 * storage: persistent objects in TEE_STORAGE_PRIVATE through the GP API:
 * create/overwrite, read, delete on the client's request, one command that
 * walks an object through seek, truncate, rename and enumeration, and one
 * that runs digest, MAC, cipher and AE operations against known answers,
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

/*
 * The storage system calls take object ids and data only in the TA's own
 * memory (not the client's shared buffers), so they are copied first.
 */
static void *private_copy(const TEE_Param *p)
{
	void *b = TEE_Malloc(p->memref.size ? p->memref.size : 1, TEE_MALLOC_FILL_ZERO);

	if (b)
		TEE_MemMove(b, p->memref.buffer, p->memref.size);
	return b;
}

static TEE_Result write_object(TEE_Param p[4])
{
	TEE_ObjectHandle o;
	TEE_Result res = TEE_ERROR_OUT_OF_MEMORY;
	void *id = private_copy(&p[0]);
	void *data = private_copy(&p[1]);

	if (id && data)
		res = TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE, id,
						 p[0].memref.size,
						 rw | TEE_DATA_FLAG_OVERWRITE,
						 TEE_HANDLE_NULL, data,
						 p[1].memref.size, &o);
	if (!res)
		TEE_CloseObject(o);
	TEE_Free(id);
	TEE_Free(data);
	return res;
}

static TEE_Result read_object(TEE_Param p[4])
{
	TEE_ObjectHandle o;
	TEE_ObjectInfo info;
	TEE_Result res;
	size_t n = 0;
	void *id = private_copy(&p[0]);
	void *data = NULL;

	if (!id)
		return TEE_ERROR_OUT_OF_MEMORY;
	res = TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id, p[0].memref.size,
				       TEE_DATA_FLAG_ACCESS_READ, &o);
	TEE_Free(id);
	if (res)
		return res;
	res = TEE_GetObjectInfo1(o, &info);
	if (!res && info.dataSize > p[1].memref.size) {
		p[1].memref.size = info.dataSize;
		res = TEE_ERROR_SHORT_BUFFER;
	}
	if (!res) {
		data = TEE_Malloc(info.dataSize ? info.dataSize : 1, TEE_MALLOC_FILL_ZERO);
		res = data ? TEE_ReadObjectData(o, data, info.dataSize, &n) :
			     TEE_ERROR_OUT_OF_MEMORY;
	}
	if (!res) {
		TEE_MemMove(p[1].memref.buffer, data, n);
		p[1].memref.size = n;
	}
	TEE_Free(data);
	TEE_CloseObject(o);
	return res;
}

static TEE_Result delete_object(TEE_Param p[4])
{
	TEE_ObjectHandle o;
	TEE_Result res;
	void *id = private_copy(&p[0]);

	if (!id)
		return TEE_ERROR_OUT_OF_MEMORY;
	res = TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id, p[0].memref.size,
				       TEE_DATA_FLAG_ACCESS_WRITE_META, &o);
	TEE_Free(id);
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

static const uint8_t sha256_abc[32] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
	0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
	0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
};
/* HMAC-SHA256, key 0x00 0x01 ... 0x1f (GP wants 192 to 1024 key bits), message fox */
static const uint8_t hmac_fox[32] = {
	0xf8, 0x7a, 0xd2, 0x56, 0x15, 0x1f, 0xc7, 0xb4, 0xc5, 0xdf, 0xfa,
	0x4a, 0xdb, 0x3e, 0xbe, 0x91, 0x1a, 0x8e, 0xeb, 0x8a, 0x8e, 0xbd,
	0xee, 0x3c, 0x2a, 0x4a, 0x8e, 0x5f, 0x5e, 0xc0, 0x2c, 0x32
};
/* NIST SP 800-38A F.2.1, first block */
static const uint8_t aes_key[16] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c
};
static const uint8_t aes_iv[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
};
static const uint8_t aes_pt[16] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
	0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a
};
static const uint8_t aes_ct[16] = {
	0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46,
	0xce, 0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19, 0x7d
};

static TEE_Result crypto(TEE_Param p[4])
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";
	TEE_OperationHandle op = TEE_HANDLE_NULL;
	TEE_OperationHandle op2 = TEE_HANDLE_NULL;
	TEE_ObjectHandle key = TEE_HANDLE_NULL;
	TEE_Attribute attr;
	TEE_OperationInfo info;
	uint8_t out[64], back[64], tag[16], nonce[12], hmac_key[32];
	size_t n, tn;
	uint32_t checks = 0;

	for (n = 0; n < sizeof(hmac_key); n++)
		hmac_key[n] = (uint8_t)n;

	/* Digest in two pieces, a short buffer, then the operation again. */
	CHECK(TEE_AllocateOperation(&op, TEE_ALG_SHA256, TEE_MODE_DIGEST, 0) ==
	      TEE_SUCCESS);
	TEE_GetOperationInfo(op, &info);
	CHECK(info.digestLength == 32 && info.operationClass == TEE_OPERATION_DIGEST);
	TEE_DigestUpdate(op, "a", 1);
	n = 16;
	CHECK(TEE_DigestDoFinal(op, "bc", 2, out, &n) == TEE_ERROR_SHORT_BUFFER &&
	      n == 32);
	n = sizeof(out);
	CHECK(TEE_DigestDoFinal(op, "bc", 2, out, &n) == TEE_SUCCESS && n == 32 &&
	      !memcmp(out, sha256_abc, 32));
	n = sizeof(out);
	CHECK(TEE_DigestDoFinal(op, "abc", 3, out, &n) == TEE_SUCCESS &&
	      !memcmp(out, sha256_abc, 32));
	TEE_FreeOperation(op);
	op = TEE_HANDLE_NULL;

	/* HMAC-SHA256 with a key from TEE_PopulateTransientObject. */
	CHECK(TEE_AllocateTransientObject(TEE_TYPE_HMAC_SHA256, 256, &key) ==
	      TEE_SUCCESS);
	TEE_InitRefAttribute(&attr, TEE_ATTR_SECRET_VALUE, hmac_key, sizeof(hmac_key));
	CHECK(TEE_PopulateTransientObject(key, &attr, 1) == TEE_SUCCESS);
	CHECK(TEE_AllocateOperation(&op, TEE_ALG_HMAC_SHA256, TEE_MODE_MAC, 256) ==
	      TEE_SUCCESS);
	CHECK(TEE_SetOperationKey(op, key) == TEE_SUCCESS);
	TEE_FreeTransientObject(key); /* the operation keeps its own copy */
	key = TEE_HANDLE_NULL;
	TEE_MACInit(op, NULL, 0);
	TEE_MACUpdate(op, fox, 10);
	n = sizeof(out);
	CHECK(TEE_MACComputeFinal(op, fox + 10, sizeof(fox) - 11, out, &n) ==
	      TEE_SUCCESS && n == 32 && !memcmp(out, hmac_fox, 32));
	TEE_MACInit(op, NULL, 0);
	CHECK(TEE_MACCompareFinal(op, fox, sizeof(fox) - 1, hmac_fox, 32) ==
	      TEE_SUCCESS);
	TEE_MACInit(op, NULL, 0);
	CHECK(TEE_MACCompareFinal(op, fox, sizeof(fox) - 2, hmac_fox, 32) ==
	      TEE_ERROR_MAC_INVALID);
	TEE_FreeOperation(op);
	op = TEE_HANDLE_NULL;

	/* AES-128-CBC against NIST's vector, both directions. */
	CHECK(TEE_AllocateTransientObject(TEE_TYPE_AES, 128, &key) == TEE_SUCCESS);
	TEE_InitRefAttribute(&attr, TEE_ATTR_SECRET_VALUE, aes_key, 16);
	CHECK(TEE_PopulateTransientObject(key, &attr, 1) == TEE_SUCCESS);
	CHECK(TEE_AllocateOperation(&op, TEE_ALG_AES_CBC_NOPAD, TEE_MODE_ENCRYPT,
				    128) == TEE_SUCCESS);
	CHECK(TEE_AllocateOperation(&op2, TEE_ALG_AES_CBC_NOPAD, TEE_MODE_DECRYPT,
				    128) == TEE_SUCCESS);
	CHECK(TEE_SetOperationKey(op, key) == TEE_SUCCESS &&
	      TEE_SetOperationKey(op2, key) == TEE_SUCCESS);
	TEE_CipherInit(op, aes_iv, 16);
	n = sizeof(out);
	CHECK(TEE_CipherDoFinal(op, aes_pt, 16, out, &n) == TEE_SUCCESS &&
	      n == 16 && !memcmp(out, aes_ct, 16));
	TEE_CipherInit(op2, aes_iv, 16);
	n = sizeof(back);
	CHECK(TEE_CipherDoFinal(op2, out, 16, back, &n) == TEE_SUCCESS &&
	      n == 16 && !memcmp(back, aes_pt, 16));
	TEE_FreeOperation(op);
	TEE_FreeOperation(op2);
	op = op2 = TEE_HANDLE_NULL;
	TEE_FreeTransientObject(key);
	key = TEE_HANDLE_NULL;

	/* AES-GCM with a generated key: round trip, then a forged tag. */
	CHECK(TEE_AllocateTransientObject(TEE_TYPE_AES, 256, &key) == TEE_SUCCESS);
	CHECK(TEE_GenerateKey(key, 256, NULL, 0) == TEE_SUCCESS);
	TEE_GenerateRandom(nonce, sizeof(nonce));
	CHECK(TEE_AllocateOperation(&op, TEE_ALG_AES_GCM, TEE_MODE_ENCRYPT, 256) ==
	      TEE_SUCCESS && TEE_SetOperationKey(op, key) == TEE_SUCCESS);
	CHECK(TEE_AEInit(op, nonce, sizeof(nonce), 128, 0, 0) == TEE_SUCCESS);
	TEE_AEUpdateAAD(op, "header", 6);
	n = sizeof(out);
	tn = sizeof(tag);
	CHECK(TEE_AEEncryptFinal(op, fox, 40, out, &n, tag, &tn) == TEE_SUCCESS &&
	      n == 40 && tn == 16 && memcmp(out, fox, 40));
	CHECK(TEE_AllocateOperation(&op2, TEE_ALG_AES_GCM, TEE_MODE_DECRYPT, 256) ==
	      TEE_SUCCESS && TEE_SetOperationKey(op2, key) == TEE_SUCCESS);
	CHECK(TEE_AEInit(op2, nonce, sizeof(nonce), 128, 0, 0) == TEE_SUCCESS);
	TEE_AEUpdateAAD(op2, "header", 6);
	tn = sizeof(back);
	CHECK(TEE_AEDecryptFinal(op2, out, 40, back, &tn, tag, 16) ==
	      TEE_SUCCESS && tn == 40 && !memcmp(back, fox, 40));
	tag[0] ^= 1;
	CHECK(TEE_AEInit(op2, nonce, sizeof(nonce), 128, 0, 0) == TEE_SUCCESS);
	TEE_AEUpdateAAD(op2, "header", 6);
	tn = sizeof(back);
	CHECK(TEE_AEDecryptFinal(op2, out, 40, back, &tn, tag, 16) ==
	      TEE_ERROR_MAC_INVALID);
	TEE_FreeOperation(op);
	TEE_FreeOperation(op2);
	TEE_FreeTransientObject(key);
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
	case STORAGE_CMD_CRYPTO:
		if (pt != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
					  TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd == STORAGE_CMD_EXERCISE ? exercise(p) : crypto(p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
