// SPDX-License-Identifier: BSD-2-Clause
/*
 * oxtee-store: command-line client of the secure store TA (ta/store/ta,
 * UUID 588650c2-5723-471c-8032-d69fb51ffbf5), over libteec.
 *
 *   oxtee-store put NAME [VALUE]   store VALUE (or standard input) as NAME
 *   oxtee-store get NAME           write NAME's value to standard output
 *   oxtee-store list               print the names, one per line
 *   oxtee-store delete NAME        delete NAME
 *   oxtee-store seal [--bind-os-version]   seal standard input (up to 1 MiB)
 *                                  into a blob on standard output
 *   oxtee-store unseal             unseal the blob on standard input
 *
 * A sealed blob opens only on this device, for this user, through this TA
 * (and, with --bind-os-version, under this secure-OS version).
 *
 * Sessions open with TEEC_LOGIN_USER: the Linux kernel derives the client
 * identity from the caller's uid, and the TA keeps each identity's secrets
 * apart. Nothing here names the user; the TA never trusts what a client says.
 *
 * Exit status: 0 done, 1 TEE error, 2 usage or local error, 3 no such name,
 * 4 access denied, 5 blob refused (changed, cut, or sealed elsewhere).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tee_client_api.h>

static const TEEC_UUID store_uuid = {
	0x588650c2, 0x5723, 0x471c,
	{ 0x80, 0x32, 0xd6, 0x9f, 0xb5, 0x1f, 0xfb, 0xf5 }
};

/* Command ids (ta/store/ta/src/commands.rs). */
#define CMD_PUT 0
#define CMD_GET 1
#define CMD_LIST 2
#define CMD_DELETE 3
#define CMD_SEAL 4
#define CMD_UNSEAL 5

/* Seal flag: bind the blob to the secure OS's version. */
#define SEAL_BIND_OS_VERSION 1
/* What a blob adds to its data: header (20) and tag (16). */
#define SEAL_OVERHEAD 36

#ifndef TEEC_ERROR_MAC_INVALID
#define TEEC_ERROR_MAC_INVALID 0xFFFF3071
#endif
#ifndef TEEC_ERROR_BAD_FORMAT
#define TEEC_ERROR_BAD_FORMAT 0xFFFF0005
#endif

/* Standard input larger than this is not read (the TA takes 1 MiB). */
#define STDIN_LIMIT (4u << 20)

static TEEC_Context ctx;
static TEEC_Session sess;

static int fail(const char *what, TEEC_Result r, uint32_t origin)
{
	const char *why = "";

	switch (r) {
	case TEEC_ERROR_ITEM_NOT_FOUND:
		why = " (no such name)";
		break;
	case TEEC_ERROR_ACCESS_DENIED:
		why = " (access denied)";
		break;
	case TEEC_ERROR_BAD_PARAMETERS:
		why = " (refused: bad name or value too large)";
		break;
	case TEEC_ERROR_MAC_INVALID:
		why = " (blob does not authenticate: changed, or sealed elsewhere)";
		break;
	case TEEC_ERROR_BAD_FORMAT:
		why = " (not a sealed blob)";
		break;
	default:
		break;
	}
	fprintf(stderr, "oxtee-store: %s: TEE error %#" PRIx32 " origin %" PRIu32 "%s\n",
		what, r, origin, why);
	if (r == TEEC_ERROR_ITEM_NOT_FOUND)
		return 3;
	if (r == TEEC_ERROR_ACCESS_DENIED)
		return 4;
	if (r == TEEC_ERROR_MAC_INVALID || r == TEEC_ERROR_BAD_FORMAT)
		return 5;
	return 1;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: oxtee-store put NAME [VALUE]   (VALUE from stdin if absent)\n"
		"       oxtee-store get NAME\n"
		"       oxtee-store list\n"
		"       oxtee-store delete NAME\n"
		"       oxtee-store seal [--bind-os-version] <data >blob\n"
		"       oxtee-store unseal <blob >data\n");
	return 2;
}

static TEEC_Result invoke(uint32_t cmd, TEEC_Operation *op, uint32_t *origin)
{
	op->started = 0;
	return TEEC_InvokeCommand(&sess, cmd, op, origin);
}

/* Reads all of standard input (at most STDIN_LIMIT + 1 bytes). */
static uint8_t *read_stdin(size_t *len)
{
	size_t cap = 65536, n = 0;
	uint8_t *buf = malloc(cap);

	while (buf) {
		size_t got;

		if (n == cap) {
			uint8_t *more;

			if (cap > STDIN_LIMIT)
				break;
			cap *= 2;
			more = realloc(buf, cap);
			if (!more) {
				free(buf);
				return NULL;
			}
			buf = more;
		}
		got = fread(buf + n, 1, cap - n, stdin);
		n += got;
		if (got == 0)
			break;
	}
	if (buf && ferror(stdin)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/*
 * Runs an output command (GET or LIST) with the output in param `out`: asks
 * for the size first, then reads; retries if the value grew in between.
 */
static TEEC_Result fetch(uint32_t cmd, const char *name, uint8_t **data, size_t *len,
			 uint32_t *origin)
{
	size_t cap = 0;
	uint8_t *buf = NULL;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		TEEC_Operation op = { 0 };
		TEEC_Result r;
		int out = name ? 1 : 0;

		if (name) {
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
							 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
							 TEEC_NONE);
			op.params[0].tmpref.buffer = (void *)name;
			op.params[0].tmpref.size = strlen(name);
		} else {
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
							 TEEC_NONE, TEEC_NONE);
		}
		op.params[out].tmpref.buffer = buf;
		op.params[out].tmpref.size = cap;
		r = invoke(cmd, &op, origin);
		if (r == TEEC_SUCCESS) {
			*data = buf;
			*len = op.params[out].tmpref.size;
			return r;
		}
		free(buf);
		buf = NULL;
		if (r != TEEC_ERROR_SHORT_BUFFER)
			return r;
		cap = op.params[out].tmpref.size;
		buf = malloc(cap ? cap : 1);
		if (!buf)
			return TEEC_ERROR_OUT_OF_MEMORY;
	}
	free(buf);
	return TEEC_ERROR_SHORT_BUFFER;
}

static int run(int argc, char **argv)
{
	const char *cmd = argv[1];
	TEEC_Operation op = { 0 };
	uint32_t origin = 0;
	TEEC_Result r;

	if (!strcmp(cmd, "put") && (argc == 3 || argc == 4)) {
		uint8_t *value = NULL;
		size_t len;

		if (argc == 4) {
			len = strlen(argv[3]);
		} else {
			value = read_stdin(&len);
			if (!value) {
				fprintf(stderr, "oxtee-store: reading stdin: %s\n",
					strerror(errno ? errno : ENOMEM));
				return 2;
			}
		}
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_INPUT,
						 TEEC_NONE, TEEC_NONE);
		op.params[0].tmpref.buffer = argv[2];
		op.params[0].tmpref.size = strlen(argv[2]);
		op.params[1].tmpref.buffer = value ? value : (uint8_t *)argv[3];
		op.params[1].tmpref.size = len;
		r = invoke(CMD_PUT, &op, &origin);
		free(value);
		return r == TEEC_SUCCESS ? 0 : fail("put", r, origin);
	}
	if (!strcmp(cmd, "get") && argc == 3) {
		uint8_t *data = NULL;
		size_t len = 0;

		r = fetch(CMD_GET, argv[2], &data, &len, &origin);
		if (r != TEEC_SUCCESS)
			return fail("get", r, origin);
		if (len && fwrite(data, 1, len, stdout) != len) {
			free(data);
			return 2;
		}
		free(data);
		return fflush(stdout) ? 2 : 0;
	}
	if (!strcmp(cmd, "list") && argc == 2) {
		uint8_t *data = NULL;
		size_t len = 0, i;

		r = fetch(CMD_LIST, NULL, &data, &len, &origin);
		if (r != TEEC_SUCCESS)
			return fail("list", r, origin);
		/* Names come NUL-terminated; print one per line. */
		for (i = 0; i < len; i++)
			putchar(data[i] ? data[i] : '\n');
		free(data);
		return fflush(stdout) ? 2 : 0;
	}
	if (!strcmp(cmd, "delete") && argc == 3) {
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].tmpref.buffer = argv[2];
		op.params[0].tmpref.size = strlen(argv[2]);
		r = invoke(CMD_DELETE, &op, &origin);
		return r == TEEC_SUCCESS ? 0 : fail("delete", r, origin);
	}
	if ((!strcmp(cmd, "seal") && (argc == 2 || (argc == 3 && !strcmp(argv[2], "--bind-os-version")))) ||
	    (!strcmp(cmd, "unseal") && argc == 2)) {
		int sealing = !strcmp(cmd, "seal");
		uint8_t *in, *out;
		size_t len, cap;
		int status = 0;

		in = read_stdin(&len);
		if (!in) {
			fprintf(stderr, "oxtee-store: reading stdin: %s\n",
				strerror(errno ? errno : ENOMEM));
			return 2;
		}
		/* The exact size the TA answers with; it checks it itself. */
		cap = sealing ? len + SEAL_OVERHEAD : (len > SEAL_OVERHEAD ? len - SEAL_OVERHEAD : 0);
		out = malloc(cap ? cap : 1);
		if (!out) {
			free(in);
			return 2;
		}
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
						 sealing ? TEEC_VALUE_INPUT : TEEC_NONE, TEEC_NONE);
		op.params[0].tmpref.buffer = in;
		op.params[0].tmpref.size = len;
		op.params[1].tmpref.buffer = out;
		op.params[1].tmpref.size = cap;
		op.params[2].value.a = argc == 3 ? SEAL_BIND_OS_VERSION : 0;
		op.params[2].value.b = 0;
		r = invoke(sealing ? CMD_SEAL : CMD_UNSEAL, &op, &origin);
		if (r != TEEC_SUCCESS) {
			status = fail(cmd, r, origin);
		} else {
			size_t n = op.params[1].tmpref.size;

			if ((n && fwrite(out, 1, n, stdout) != n) || fflush(stdout))
				status = 2;
		}
		free(in);
		free(out);
		return status;
	}
	return usage();
}

int main(int argc, char **argv)
{
	uint32_t origin = 0;
	TEEC_Result r;
	int status;

	if (argc < 2)
		return usage();
	r = TEEC_InitializeContext(NULL, &ctx);
	if (r != TEEC_SUCCESS)
		return fail("no TEE", r, 0);
	r = TEEC_OpenSession(&ctx, &sess, &store_uuid, TEEC_LOGIN_USER, NULL, NULL, &origin);
	if (r != TEEC_SUCCESS) {
		TEEC_FinalizeContext(&ctx);
		return fail("open session", r, origin);
	}
	status = run(argc, argv);
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	return status;
}
