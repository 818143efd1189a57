// SPDX-License-Identifier: BSD-2-Clause
/*
 * oxtee-keys: command-line client of the keystore TA (ta/keys/ta, UUID
 * 503e942a-9abe-4f33-8426-cd4281f7d584), over libteec.
 *
 *   oxtee-keys generate NAME KIND [USAGE]   new key; KIND below, USAGE a
 *                                           comma list (default: all the
 *                                           kind can do)
 *   oxtee-keys import NAME KIND [USAGE]     key from standard input: DER
 *                                           (PKCS#8, SEC1, PKCS#1) or PEM of
 *                                           it for EC and RSA, raw bytes for
 *                                           aes-* and hmac-sha256, 32-byte
 *                                           seed + 32-byte public key for
 *                                           ed25519
 *   oxtee-keys pubkey NAME [--der]          public key, SPKI as PEM (or DER)
 *   oxtee-keys sign NAME [--pss]            signature of standard input
 *   oxtee-keys verify NAME SIGFILE [--pss]  checks SIGFILE over standard input
 *   oxtee-keys encrypt NAME                 AES-GCM (nonce|ct|tag) or RSA-OAEP
 *   oxtee-keys decrypt NAME                   (SHA-256) of standard input
 *   oxtee-keys mac NAME                     HMAC-SHA256 of standard input
 *   oxtee-keys mac-verify NAME MACFILE      checks MACFILE over standard input
 *   oxtee-keys ecdh NAME PEERFILE           shared secret with the peer's
 *                                           public key (SPKI PEM or DER)
 *   oxtee-keys list | info NAME | delete NAME
 *
 * KIND: ecdsa-p256 ecdsa-p384 ecdh-p256 ecdh-p384 ed25519 rsa-2048 rsa-3072
 * rsa-4096 aes-128 aes-256 hmac-sha256. USAGE: sign verify encrypt decrypt
 * mac derive. Signatures are what OpenSSL verifies: DER for ECDSA, PKCS#1
 * v1.5 or PSS (SHA-256, 32-byte salt) for RSA, plain for Ed25519.
 *
 * Sessions open with TEEC_LOGIN_USER: the Linux kernel derives the client
 * identity from the caller's uid, and the TA keeps each identity's keys
 * apart. No command can read a private or secret key out of the TA.
 *
 * Exit status: 0 done, 1 TEE error, 2 usage or local error, 3 no such key,
 * 4 access denied (policy or ownership), 5 signature or MAC invalid.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tee_client_api.h>

static const TEEC_UUID keys_uuid = {
	0x503e942a, 0x9abe, 0x4f33,
	{ 0x84, 0x26, 0xcd, 0x42, 0x81, 0xf7, 0xd5, 0x84 }
};

/* Command ids (ta/keys/ta/src/commands.rs). */
enum {
	CMD_GENERATE, CMD_IMPORT, CMD_PUBLIC_KEY, CMD_SIGN, CMD_VERIFY, CMD_ENCRYPT,
	CMD_DECRYPT, CMD_MAC, CMD_MAC_VERIFY, CMD_ECDH, CMD_LIST, CMD_INFO, CMD_DELETE,
};

static const char *const kinds[] = {
	NULL, "ecdsa-p256", "ecdsa-p384", "ecdh-p256", "ecdh-p384", "ed25519",
	"rsa-2048", "rsa-3072", "rsa-4096", "aes-128", "aes-256", "hmac-sha256",
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const char *const usages[] = { "sign", "verify", "encrypt", "decrypt", "mac", "derive" };
#define NUSAGES (sizeof(usages) / sizeof(usages[0]))

/* Standard input larger than this is not read (the TA takes 64 KiB). */
#define STDIN_LIMIT (1u << 20)

static TEEC_Context ctx;
static TEEC_Session sess;

static int fail(const char *what, TEEC_Result r, uint32_t origin)
{
	const char *why = "";
	int status = 1;

	switch (r) {
	case TEEC_ERROR_ITEM_NOT_FOUND:
		why = " (no such key)";
		status = 3;
		break;
	case TEEC_ERROR_ACCESS_DENIED:
		why = " (access denied: the key's usage policy does not allow it)";
		status = 4;
		break;
	case TEEC_ERROR_ACCESS_CONFLICT:
		why = " (the name is taken)";
		break;
	case TEEC_ERROR_BAD_PARAMETERS:
		why = " (refused: bad name, kind, usage, key or size)";
		break;
	case 0xFFFF3072: /* TEE_ERROR_SIGNATURE_INVALID */
		why = " (signature invalid)";
		status = 5;
		break;
	case 0xFFFF3071: /* TEE_ERROR_MAC_INVALID */
		why = " (MAC invalid or data altered)";
		status = 5;
		break;
	default:
		break;
	}
	fprintf(stderr, "oxtee-keys: %s: TEE error %#" PRIx32 " origin %" PRIu32 "%s\n",
		what, r, origin, why);
	return status;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: oxtee-keys generate NAME KIND [USAGE]\n"
		"       oxtee-keys import NAME KIND [USAGE] <key\n"
		"       oxtee-keys pubkey NAME [--der]\n"
		"       oxtee-keys sign NAME [--pss] <data >sig\n"
		"       oxtee-keys verify NAME SIGFILE [--pss] <data\n"
		"       oxtee-keys encrypt|decrypt|mac NAME <in >out\n"
		"       oxtee-keys mac-verify NAME MACFILE <data\n"
		"       oxtee-keys ecdh NAME PEERFILE >secret\n"
		"       oxtee-keys list | info NAME | delete NAME\n"
		"KIND: ecdsa-p256 ecdsa-p384 ecdh-p256 ecdh-p384 ed25519 rsa-2048 rsa-3072\n"
		"      rsa-4096 aes-128 aes-256 hmac-sha256\n"
		"USAGE: comma list of sign verify encrypt decrypt mac derive\n");
	return 2;
}

/* Reads all of `f` (at most STDIN_LIMIT + 1 bytes). */
static uint8_t *read_all(FILE *f, size_t *len)
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
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;

	if (!f) {
		fprintf(stderr, "oxtee-keys: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	b = read_all(f, len);
	fclose(f);
	return b;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void pem_write(const char *label, const uint8_t *d, size_t n)
{
	size_t i, col = 0;

	printf("-----BEGIN %s-----\n", label);
	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16;
		size_t k = n - i;

		if (k > 1)
			v |= (uint32_t)d[i + 1] << 8;
		if (k > 2)
			v |= d[i + 2];
		putchar(b64[(v >> 18) & 63]);
		putchar(b64[(v >> 12) & 63]);
		putchar(k > 1 ? b64[(v >> 6) & 63] : '=');
		putchar(k > 2 ? b64[v & 63] : '=');
		col += 4;
		if (col == 64) {
			putchar('\n');
			col = 0;
		}
	}
	if (col)
		putchar('\n');
	printf("-----END %s-----\n", label);
}

/*
 * If `d` is PEM, replaces its contents in place by the DER of the first
 * block and updates `*n`; anything else is left as it is (taken as DER).
 * Returns -1 for broken PEM.
 */
static int pem_to_der(uint8_t *d, size_t *n)
{
	const char *begin = "-----BEGIN ";
	size_t i = 0, out = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (*n < strlen(begin) || memcmp(d, begin, strlen(begin)))
		return 0;
	while (i < *n && d[i] != '\n')
		i++;
	for (i++; i < *n && d[i] != '-'; i++) {
		const char *p;

		if (d[i] == '\n' || d[i] == '\r' || d[i] == ' ' || d[i] == '=')
			continue;
		p = memchr(b64, d[i], 64);
		if (!p)
			return -1;
		acc = (acc << 6) | (uint32_t)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d[out++] = (uint8_t)(acc >> bits);
		}
	}
	if (i >= *n)
		return -1;
	*n = out;
	return 0;
}

static int write_out(const uint8_t *d, size_t n)
{
	if (n && fwrite(d, 1, n, stdout) != n)
		return 2;
	return fflush(stdout) ? 2 : 0;
}

static void set_in(TEEC_Operation *op, int i, const void *b, size_t n)
{
	op->params[i].tmpref.buffer = (void *)b;
	op->params[i].tmpref.size = n;
}

/*
 * Invokes `cmd` whose output is memref `out`: asks with a guess first and
 * again with the size the TA reports if it was short.
 */
static TEEC_Result call_out(uint32_t cmd, TEEC_Operation *op, int out, uint8_t **data,
			    size_t *len, uint32_t *origin)
{
	size_t cap = 4096;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		uint8_t *buf = malloc(cap);
		TEEC_Result r;

		if (!buf)
			return TEEC_ERROR_OUT_OF_MEMORY;
		op->params[out].tmpref.buffer = buf;
		op->params[out].tmpref.size = cap;
		op->started = 0;
		r = TEEC_InvokeCommand(&sess, cmd, op, origin);
		if (r == TEEC_SUCCESS) {
			*data = buf;
			*len = op->params[out].tmpref.size;
			return r;
		}
		free(buf);
		if (r != TEEC_ERROR_SHORT_BUFFER)
			return r;
		cap = op->params[out].tmpref.size;
	}
	return TEEC_ERROR_SHORT_BUFFER;
}

static int kind_of(const char *s, uint32_t *kind)
{
	uint32_t k;

	for (k = 1; k < NKINDS; k++) {
		if (!strcmp(s, kinds[k])) {
			*kind = k;
			return 0;
		}
	}
	fprintf(stderr, "oxtee-keys: unknown kind '%s'\n", s);
	return -1;
}

static int usage_of(const char *s, uint32_t *bits)
{
	char *copy = strdup(s), *tok, *save = NULL;

	*bits = 0;
	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t u;

		for (u = 0; u < NUSAGES && strcmp(tok, usages[u]); u++)
			;
		if (u == NUSAGES) {
			fprintf(stderr, "oxtee-keys: unknown usage '%s'\n", tok);
			free(copy);
			return -1;
		}
		*bits |= 1u << u;
	}
	free(copy);
	return 0;
}

/* NAME in param 1, standard input in param 2, output in param 3. */
static int data_command(uint32_t cmd, const char *what, const char *name, uint32_t scheme,
			int has_value)
{
	TEEC_Operation op = { 0 };
	uint32_t origin = 0;
	uint8_t *in, *out = NULL;
	size_t in_len, out_len = 0;
	TEEC_Result r;
	int status;

	in = read_all(stdin, &in_len);
	if (!in)
		return 2;
	op.paramTypes = TEEC_PARAM_TYPES(has_value ? TEEC_VALUE_INPUT : TEEC_NONE,
					 TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT);
	op.params[0].value.a = scheme;
	set_in(&op, 1, name, strlen(name));
	set_in(&op, 2, in, in_len);
	r = call_out(cmd, &op, 3, &out, &out_len, &origin);
	free(in);
	if (r != TEEC_SUCCESS)
		return fail(what, r, origin);
	status = write_out(out, out_len);
	free(out);
	return status;
}

/* Checks the contents of `file` (param 3) over standard input (param 2). */
static int check_command(uint32_t cmd, const char *what, const char *name, const char *file,
			 uint32_t scheme, int has_value)
{
	TEEC_Operation op = { 0 };
	uint32_t origin = 0;
	uint8_t *in, *check;
	size_t in_len, check_len;
	TEEC_Result r;

	check = read_file(file, &check_len);
	if (!check)
		return 2;
	in = read_all(stdin, &in_len);
	if (!in) {
		free(check);
		return 2;
	}
	op.paramTypes = TEEC_PARAM_TYPES(has_value ? TEEC_VALUE_INPUT : TEEC_NONE,
					 TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_INPUT);
	op.params[0].value.a = scheme;
	set_in(&op, 1, name, strlen(name));
	set_in(&op, 2, in, in_len);
	set_in(&op, 3, check, check_len);
	r = TEEC_InvokeCommand(&sess, cmd, &op, &origin);
	free(in);
	free(check);
	if (r != TEEC_SUCCESS)
		return fail(what, r, origin);
	printf("OK\n");
	return 0;
}

static int run(int argc, char **argv)
{
	const char *cmd = argv[1];
	const char *name = argc > 2 ? argv[2] : "";
	TEEC_Operation op = { 0 };
	uint32_t origin = 0;
	TEEC_Result r;

	if ((!strcmp(cmd, "generate") || !strcmp(cmd, "import")) && (argc == 4 || argc == 5)) {
		int import = cmd[0] == 'i';
		uint32_t kind, use = 0;
		uint8_t *key = NULL;
		size_t key_len = 0;

		if (kind_of(argv[3], &kind) || (argc == 5 && usage_of(argv[4], &use)))
			return 2;
		if (import) {
			key = read_all(stdin, &key_len);
			if (!key || pem_to_der(key, &key_len)) {
				fprintf(stderr, "oxtee-keys: cannot read the key\n");
				free(key);
				return 2;
			}
		}
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
						 import ? TEEC_MEMREF_TEMP_INPUT : TEEC_NONE,
						 TEEC_NONE);
		op.params[0].value.a = kind;
		op.params[0].value.b = use;
		set_in(&op, 1, name, strlen(name));
		set_in(&op, 2, key, key_len);
		r = TEEC_InvokeCommand(&sess, import ? CMD_IMPORT : CMD_GENERATE, &op, &origin);
		if (key) {
			memset(key, 0, key_len);
			free(key);
		}
		return r == TEEC_SUCCESS ? 0 : fail(cmd, r, origin);
	}
	if (!strcmp(cmd, "pubkey") && (argc == 3 || (argc == 4 && !strcmp(argv[3], "--der")))) {
		uint8_t *der = NULL;
		size_t len = 0;

		op.paramTypes = TEEC_PARAM_TYPES(TEEC_NONE, TEEC_MEMREF_TEMP_INPUT,
						 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE);
		set_in(&op, 1, name, strlen(name));
		r = call_out(CMD_PUBLIC_KEY, &op, 2, &der, &len, &origin);
		if (r != TEEC_SUCCESS)
			return fail("pubkey", r, origin);
		if (argc == 4) {
			int s = write_out(der, len);

			free(der);
			return s;
		}
		pem_write("PUBLIC KEY", der, len);
		free(der);
		return fflush(stdout) ? 2 : 0;
	}
	if (!strcmp(cmd, "sign") && (argc == 3 || (argc == 4 && !strcmp(argv[3], "--pss"))))
		return data_command(CMD_SIGN, "sign", name, argc == 4, 1);
	if (!strcmp(cmd, "verify") && (argc == 4 || (argc == 5 && !strcmp(argv[4], "--pss"))))
		return check_command(CMD_VERIFY, "verify", name, argv[3], argc == 5, 1);
	if (!strcmp(cmd, "encrypt") && argc == 3)
		return data_command(CMD_ENCRYPT, "encrypt", name, 0, 0);
	if (!strcmp(cmd, "decrypt") && argc == 3)
		return data_command(CMD_DECRYPT, "decrypt", name, 0, 0);
	if (!strcmp(cmd, "mac") && argc == 3)
		return data_command(CMD_MAC, "mac", name, 0, 0);
	if (!strcmp(cmd, "mac-verify") && argc == 4)
		return check_command(CMD_MAC_VERIFY, "mac-verify", name, argv[3], 0, 0);
	if (!strcmp(cmd, "ecdh") && argc == 4) {
		uint8_t *peer, *secret = NULL;
		size_t peer_len, len = 0;
		int s;

		peer = read_file(argv[3], &peer_len);
		if (!peer || pem_to_der(peer, &peer_len)) {
			free(peer);
			return 2;
		}
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_NONE, TEEC_MEMREF_TEMP_INPUT,
						 TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT);
		set_in(&op, 1, name, strlen(name));
		set_in(&op, 2, peer, peer_len);
		r = call_out(CMD_ECDH, &op, 3, &secret, &len, &origin);
		free(peer);
		if (r != TEEC_SUCCESS)
			return fail("ecdh", r, origin);
		s = write_out(secret, len);
		memset(secret, 0, len);
		free(secret);
		return s;
	}
	if (!strcmp(cmd, "list") && argc == 2) {
		uint8_t *data = NULL;
		size_t len = 0, i;

		op.paramTypes = TEEC_PARAM_TYPES(TEEC_NONE, TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
						 TEEC_NONE);
		r = call_out(CMD_LIST, &op, 1, &data, &len, &origin);
		if (r != TEEC_SUCCESS)
			return fail("list", r, origin);
		/* Names come NUL-terminated; print one per line. */
		for (i = 0; i < len; i++)
			putchar(data[i] ? data[i] : '\n');
		free(data);
		return fflush(stdout) ? 2 : 0;
	}
	if (!strcmp(cmd, "info") && argc == 3) {
		size_t u;

		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_MEMREF_TEMP_INPUT,
						 TEEC_NONE, TEEC_NONE);
		set_in(&op, 1, name, strlen(name));
		r = TEEC_InvokeCommand(&sess, CMD_INFO, &op, &origin);
		if (r != TEEC_SUCCESS)
			return fail("info", r, origin);
		printf("%s", op.params[0].value.a < NKINDS && op.params[0].value.a ?
				     kinds[op.params[0].value.a] : "unknown");
		for (u = 0; u < NUSAGES; u++)
			if (op.params[0].value.b & (1u << u))
				printf(" %s", usages[u]);
		printf("\n");
		return fflush(stdout) ? 2 : 0;
	}
	if (!strcmp(cmd, "delete") && argc == 3) {
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_NONE, TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
						 TEEC_NONE);
		set_in(&op, 1, name, strlen(name));
		r = TEEC_InvokeCommand(&sess, CMD_DELETE, &op, &origin);
		return r == TEEC_SUCCESS ? 0 : fail("delete", r, origin);
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
	r = TEEC_OpenSession(&ctx, &sess, &keys_uuid, TEEC_LOGIN_USER, NULL, NULL, &origin);
	if (r != TEEC_SUCCESS) {
		TEEC_FinalizeContext(&ctx);
		return fail("open session", r, origin);
	}
	status = run(argc, argv);
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	return status;
}
