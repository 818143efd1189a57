// SPDX-License-Identifier: BSD-2-Clause
/*
 * oxtee-storage-check: drives the storage TA that Debian's optee-test ships
 * (b689f2a7-8adf-477a-9f99-32e90c0ad0a2) to put deterministic objects into
 * TEE_STORAGE_PRIVATE and to check them later, possibly after a reboot, on
 * another TEE, or after QEMU was killed in the middle of a write.
 *
 * Usage:
 *   oxtee-storage-check write  <id> <seed> <len>   create or replace <id>
 *   oxtee-storage-check check  <id> <seed|any> <len>
 *                                                  open read-only, read, compare
 *   oxtee-storage-check remove <id>                open and delete <id>
 *   oxtee-storage-check absent <id>                <id> must not exist
 *   oxtee-storage-check loop   <id> <n> <len>      generations 1..n (0: forever)
 *
 * Object contents for seed s and length len: the first 4 bytes are s
 * (little-endian; fewer when len < 4), the rest a xorshift32 stream seeded
 * by s. "check <id> any <len>" accepts any seed whose stream matches and
 * names it, which tells which generation a loop left behind.
 * "loop" creates (or replaces) <id> with generation 1, then rewrites it in
 * place (seek to 0, one TEE_WriteObjectData of len bytes, at most 16 KiB,
 * which the TA copies through its heap) with generations
 * 2, 3, ...; after each write the TA acknowledged it prints
 * "STORAGE loop <id> acked <g>".
 *
 * Output: one line "STORAGE <cmd> <id> OK|MISMATCH|FAIL ..." per command
 * (FAIL lines give the failing step, the TEE result code and its origin).
 * Exit status: 0 success, 1 the data differ (check) or the object exists
 * (absent), 2 the TEE returned an error, 3 usage or local error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tee_client_api.h>

/* b689f2a7-8adf-477a-9f99-32e90c0ad0a2 (optee_test's ta_storage.h) */
static const TEEC_UUID storage_uuid = {
	0xb689f2a7, 0x8adf, 0x477a,
	{ 0x9f, 0x99, 0x32, 0xe9, 0x0c, 0x0a, 0xd0, 0xa2 }
};

/* Command ids of the storage TA (optee_test 4.5 ta_storage.h). */
#define CMD_OPEN 0	/* p0 id (in), p1 value a=flags, b=handle (out), p2 a=storage */
#define CMD_CLOSE 1	/* p0 a=handle */
#define CMD_READ 2	/* p0 buffer (out), p1 a=handle, b=bytes read (out) */
#define CMD_WRITE 3	/* p0 data (in), p1 a=handle */
#define CMD_CREATE 4	/* p0 id, p1 a=flags b=handle (out), p2 a=attrs b=storage, p3 data */
#define CMD_SEEK 5	/* p0 a=handle b=offset, p1 a=whence b=position (out) */
#define CMD_UNLINK 6	/* p0 a=handle */

/* GlobalPlatform TEE Internal Core API constants. */
#define STORAGE_PRIVATE 0x00000001u
#define FLAG_ACCESS_READ 0x00000001u
#define FLAG_ACCESS_WRITE 0x00000002u
#define FLAG_ACCESS_WRITE_META 0x00000004u
#define FLAG_OVERWRITE 0x00000400u
#define SEEK_FROM_SET 0u
#define ERR_ITEM_NOT_FOUND 0xFFFF0008u
#define OBJECT_ID_MAX 64
/* Bytes per read or write command (the storage TA mallocs a copy). */
#define READ_CHUNK 8192
#define LOOP_LEN_MAX 16384

enum { EXIT_OK = 0, EXIT_DIFF = 1, EXIT_TEE = 2, EXIT_LOCAL = 3 };

static TEEC_Context ctx;
static TEEC_Session sess;
static const char *cmd_name = "?";
static const char *obj_id = "?";

static const char *err_name(uint32_t r)
{
	switch (r) {
	case 0x00000000: return "TEE_SUCCESS";
	case 0xFFFF0000: return "TEE_ERROR_GENERIC";
	case 0xFFFF0001: return "TEE_ERROR_ACCESS_DENIED";
	case 0xFFFF0003: return "TEE_ERROR_ACCESS_CONFLICT";
	case 0xFFFF0006: return "TEE_ERROR_BAD_PARAMETERS";
	case 0xFFFF0007: return "TEE_ERROR_BAD_STATE";
	case 0xFFFF0008: return "TEE_ERROR_ITEM_NOT_FOUND";
	case 0xFFFF0009: return "TEE_ERROR_NOT_IMPLEMENTED";
	case 0xFFFF000A: return "TEE_ERROR_NOT_SUPPORTED";
	case 0xFFFF000C: return "TEE_ERROR_OUT_OF_MEMORY";
	case 0xFFFF000D: return "TEE_ERROR_BUSY";
	case 0xFFFF000E: return "TEE_ERROR_COMMUNICATION";
	case 0xFFFF000F: return "TEE_ERROR_SECURITY";
	case 0xFFFF0010: return "TEE_ERROR_SHORT_BUFFER";
	case 0xFFFF300F: return "TEE_ERROR_OVERFLOW";
	case 0xFFFF3024: return "TEE_ERROR_TARGET_DEAD";
	case 0xFFFF3041: return "TEE_ERROR_STORAGE_NO_SPACE";
	case 0xFFFF3071: return "TEE_ERROR_MAC_INVALID";
	case 0xF0100001: return "TEE_ERROR_CORRUPT_OBJECT";
	case 0xF0100002: return "TEE_ERROR_CORRUPT_OBJECT_2";
	case 0xF0100003: return "TEE_ERROR_STORAGE_NOT_AVAILABLE";
	case 0xF0100004: return "TEE_ERROR_STORAGE_NOT_AVAILABLE_2";
	default: return "unknown";
	}
}

static const char *origin_name(uint32_t o)
{
	switch (o) {
	case TEEC_ORIGIN_API: return "API";
	case TEEC_ORIGIN_COMMS: return "COMMS";
	case TEEC_ORIGIN_TEE: return "TEE";
	case TEEC_ORIGIN_TRUSTED_APP: return "TA";
	default: return "?";
	}
}

static int fail(const char *step, TEEC_Result r, uint32_t origin)
{
	printf("STORAGE %s %s FAIL %s 0x%08" PRIx32 " %s origin %s\n", cmd_name,
	       obj_id, step, (uint32_t)r, err_name(r), origin_name(origin));
	fflush(stdout);
	return EXIT_TEE;
}

/* Deterministic contents: seed (LE) then xorshift32(seed). */
static void fill(uint8_t *buf, size_t len, uint32_t seed)
{
	uint32_t x = seed ? seed : 0x9e3779b9u;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i < 4) {
			buf[i] = (uint8_t)(seed >> (8 * i));
			continue;
		}
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end = NULL;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: oxtee-storage-check write <id> <seed> <len>\n"
		"       oxtee-storage-check check <id> <seed|any> <len>\n"
		"       oxtee-storage-check remove <id>\n"
		"       oxtee-storage-check absent <id>\n"
		"       oxtee-storage-check loop <id> <n> <len>   (n = 0: forever)\n");
	return EXIT_LOCAL;
}

static TEEC_Result invoke(uint32_t cmd, TEEC_Operation *op, uint32_t *origin)
{
	*origin = 0;
	return TEEC_InvokeCommand(&sess, cmd, op, origin);
}

static TEEC_Result obj_open(uint32_t flags, uint32_t *handle, uint32_t *origin)
{
	TEEC_Operation op;
	TEEC_Result r;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_VALUE_INOUT, TEEC_VALUE_INPUT,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)obj_id;
	op.params[0].tmpref.size = strlen(obj_id);
	op.params[1].value.a = flags;
	op.params[2].value.a = STORAGE_PRIVATE;
	r = invoke(CMD_OPEN, &op, origin);
	*handle = op.params[1].value.b;
	return r;
}

static TEEC_Result obj_create(uint32_t flags, const uint8_t *data, size_t len,
			      uint32_t *handle, uint32_t *origin)
{
	TEEC_Operation op;
	TEEC_Result r;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_VALUE_INOUT, TEEC_VALUE_INPUT,
					 TEEC_MEMREF_TEMP_INPUT);
	op.params[0].tmpref.buffer = (void *)obj_id;
	op.params[0].tmpref.size = strlen(obj_id);
	op.params[1].value.a = flags;
	op.params[2].value.a = 0; /* no attributes */
	op.params[2].value.b = STORAGE_PRIVATE;
	op.params[3].tmpref.buffer = len ? (void *)data : NULL;
	op.params[3].tmpref.size = len;
	r = invoke(CMD_CREATE, &op, origin);
	*handle = op.params[1].value.b;
	return r;
}

static TEEC_Result obj_handle_cmd(uint32_t cmd, uint32_t handle,
				  uint32_t *origin)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = handle;
	return invoke(cmd, &op, origin);
}

static TEEC_Result obj_read(uint32_t handle, uint8_t *buf, size_t len,
			    size_t *got, uint32_t *origin)
{
	TEEC_Operation op;
	TEEC_Result r;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_VALUE_INOUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = len;
	op.params[1].value.a = handle;
	r = invoke(CMD_READ, &op, origin);
	*got = op.params[1].value.b;
	return r;
}

static TEEC_Result obj_write(uint32_t handle, const uint8_t *buf, size_t len,
			     uint32_t *origin)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_VALUE_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)buf;
	op.params[0].tmpref.size = len;
	op.params[1].value.a = handle;
	return invoke(CMD_WRITE, &op, origin);
}

static TEEC_Result obj_seek_start(uint32_t handle, uint32_t *origin)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_INOUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = handle;
	op.params[0].value.b = 0;
	op.params[1].value.a = SEEK_FROM_SET;
	return invoke(CMD_SEEK, &op, origin);
}

static int do_write(uint32_t seed, size_t len)
{
	uint8_t *data = malloc(len ? len : 1);
	uint32_t h = 0, o = 0;
	TEEC_Result r;

	if (!data)
		return EXIT_LOCAL;
	fill(data, len, seed);
	r = obj_create(FLAG_ACCESS_READ | FLAG_ACCESS_WRITE |
			       FLAG_ACCESS_WRITE_META | FLAG_OVERWRITE,
		       data, len, &h, &o);
	free(data);
	if (r != TEEC_SUCCESS)
		return fail("create", r, o);
	r = obj_handle_cmd(CMD_CLOSE, h, &o);
	if (r != TEEC_SUCCESS)
		return fail("close", r, o);
	printf("STORAGE write %s OK seed=%" PRIu32 " len=%zu\n", obj_id, seed,
	       len);
	return EXIT_OK;
}

/* The seed whose contents equal buf[0..len), or -1. */
static int64_t seed_of(const uint8_t *buf, size_t len, const uint32_t *want)
{
	uint8_t *exp = malloc(len ? len : 1);
	uint32_t seed = 0;
	size_t i;
	int64_t res = -1;

	if (!exp)
		return -1;
	if (want) {
		seed = *want;
	} else {
		/* The seed is stored in the first bytes (all of it when len >= 4). */
		for (i = 0; i < len && i < 4; i++)
			seed |= (uint32_t)buf[i] << (8 * i);
	}
	fill(exp, len, seed);
	if (!memcmp(exp, buf, len))
		res = seed;
	free(exp);
	return res;
}

static int do_check(const uint32_t *want, size_t len)
{
	/* One byte more than expected, to see an object that grew. */
	uint8_t *buf = malloc(len + 1);
	uint32_t h = 0, o = 0;
	size_t got = 0;
	TEEC_Result r;
	int64_t seed;

	if (!buf)
		return EXIT_LOCAL;
	r = obj_open(FLAG_ACCESS_READ, &h, &o);
	if (r != TEEC_SUCCESS) {
		free(buf);
		return fail("open", r, o);
	}
	/* In chunks: the TA copies each one through its own small heap. */
	for (;;) {
		size_t want_now = len + 1 - got, n = 0;

		if (want_now > READ_CHUNK)
			want_now = READ_CHUNK;
		r = obj_read(h, buf + got, want_now, &n, &o);
		if (r != TEEC_SUCCESS) {
			free(buf);
			return fail("read", r, o);
		}
		got += n;
		if (n < want_now || got == len + 1)
			break;
	}
	r = obj_handle_cmd(CMD_CLOSE, h, &o);
	if (r != TEEC_SUCCESS) {
		free(buf);
		return fail("close", r, o);
	}
	if (got != len) {
		printf("STORAGE check %s MISMATCH length %zu, expected %zu\n",
		       obj_id, got, len);
		free(buf);
		return EXIT_DIFF;
	}
	seed = seed_of(buf, len, want);
	free(buf);
	if (seed < 0) {
		if (want)
			printf("STORAGE check %s MISMATCH contents differ from seed=%" PRIu32 " len=%zu\n",
			       obj_id, *want, len);
		else
			printf("STORAGE check %s MISMATCH contents match no seed (len=%zu)\n",
			       obj_id, len);
		return EXIT_DIFF;
	}
	printf("STORAGE check %s OK seed=%" PRId64 " len=%zu\n", obj_id, seed,
	       len);
	return EXIT_OK;
}

static int do_remove(void)
{
	uint32_t h = 0, o = 0;
	TEEC_Result r;

	r = obj_open(FLAG_ACCESS_READ | FLAG_ACCESS_WRITE_META, &h, &o);
	if (r != TEEC_SUCCESS)
		return fail("open", r, o);
	r = obj_handle_cmd(CMD_UNLINK, h, &o);
	if (r != TEEC_SUCCESS)
		return fail("delete", r, o);
	printf("STORAGE remove %s OK\n", obj_id);
	return EXIT_OK;
}

static int do_absent(void)
{
	uint32_t h = 0, o = 0;
	TEEC_Result r;

	r = obj_open(FLAG_ACCESS_READ, &h, &o);
	if (r == ERR_ITEM_NOT_FOUND) {
		printf("STORAGE absent %s OK (0x%08" PRIx32 " %s)\n", obj_id,
		       (uint32_t)r, err_name(r));
		return EXIT_OK;
	}
	if (r != TEEC_SUCCESS)
		return fail("open", r, o);
	obj_handle_cmd(CMD_CLOSE, h, &o);
	printf("STORAGE absent %s MISMATCH the object exists\n", obj_id);
	return EXIT_DIFF;
}

static int do_loop(uint32_t n, size_t len)
{
	uint8_t *data = malloc(len ? len : 1);
	uint32_t h = 0, o = 0, g;
	TEEC_Result r;

	if (!data)
		return EXIT_LOCAL;
	fill(data, len, 1);
	r = obj_create(FLAG_ACCESS_READ | FLAG_ACCESS_WRITE |
			       FLAG_ACCESS_WRITE_META | FLAG_OVERWRITE,
		       data, len, &h, &o);
	if (r != TEEC_SUCCESS) {
		free(data);
		return fail("create", r, o);
	}
	printf("STORAGE loop %s acked 1\n", obj_id);
	fflush(stdout);
	for (g = 2; n == 0 || g <= n; g++) {
		fill(data, len, g);
		r = obj_seek_start(h, &o);
		if (r != TEEC_SUCCESS) {
			free(data);
			return fail("seek", r, o);
		}
		r = obj_write(h, data, len, &o);
		if (r != TEEC_SUCCESS) {
			free(data);
			return fail("write", r, o);
		}
		printf("STORAGE loop %s acked %" PRIu32 "\n", obj_id, g);
		fflush(stdout);
	}
	free(data);
	r = obj_handle_cmd(CMD_CLOSE, h, &o);
	if (r != TEEC_SUCCESS)
		return fail("close", r, o);
	printf("STORAGE loop %s OK %" PRIu32 " generations len=%zu\n", obj_id,
	       n, len);
	return EXIT_OK;
}

int main(int argc, char *argv[])
{
	uint32_t seed = 0, len = 0, n = 0, origin = 0;
	const uint32_t *want = &seed;
	TEEC_Result r;
	int rc;

	if (argc < 3)
		return usage();
	cmd_name = argv[1];
	obj_id = argv[2];
	if (!*obj_id || strlen(obj_id) > OBJECT_ID_MAX) {
		fprintf(stderr, "object id must be 1..%d bytes\n", OBJECT_ID_MAX);
		return EXIT_LOCAL;
	}
	if (!strcmp(cmd_name, "write") || !strcmp(cmd_name, "check")) {
		if (argc != 5 || parse_u32(argv[4], &len))
			return usage();
		if (!strcmp(cmd_name, "check") && !strcmp(argv[3], "any"))
			want = NULL;
		else if (parse_u32(argv[3], &seed))
			return usage();
	} else if (!strcmp(cmd_name, "loop")) {
		if (argc != 5 || parse_u32(argv[3], &n) ||
		    parse_u32(argv[4], &len))
			return usage();
	} else if (!strcmp(cmd_name, "remove") || !strcmp(cmd_name, "absent")) {
		if (argc != 3)
			return usage();
	} else {
		return usage();
	}
	if (len > 1024 * 1024 ||
	    (!strcmp(cmd_name, "loop") && len > LOOP_LEN_MAX)) {
		fprintf(stderr, "len must be at most 1 MiB (loop: %d bytes)\n",
			LOOP_LEN_MAX);
		return EXIT_LOCAL;
	}

	r = TEEC_InitializeContext(NULL, &ctx);
	if (r != TEEC_SUCCESS)
		return fail("context", r, TEEC_ORIGIN_API);
	r = TEEC_OpenSession(&ctx, &sess, &storage_uuid, TEEC_LOGIN_PUBLIC,
			     NULL, NULL, &origin);
	if (r != TEEC_SUCCESS) {
		TEEC_FinalizeContext(&ctx);
		return fail("session", r, origin);
	}

	if (!strcmp(cmd_name, "write"))
		rc = do_write(seed, len);
	else if (!strcmp(cmd_name, "check"))
		rc = do_check(want, len);
	else if (!strcmp(cmd_name, "remove"))
		rc = do_remove();
	else if (!strcmp(cmd_name, "absent"))
		rc = do_absent();
	else
		rc = do_loop(n, len);

	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	fflush(stdout);
	return rc;
}
