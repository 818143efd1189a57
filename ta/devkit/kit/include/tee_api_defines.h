/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GlobalPlatform TEE Internal Core API constants, with OP-TEE 4.5's
 * extensions. oxtee's dev kit generates the values from its Rust ABI crate
 * (supplicant-proto), the same numbers the TEE and libutee use.
 */
#ifndef TEE_API_DEFINES_H
#define TEE_API_DEFINES_H

/* Results, error origins, parameter types, login methods */
@constants tee_result TEE_@

/* TEE_Malloc hints, API version */
@constants tee_api TEE_@

/* Persistent objects */
@constants tee_storage TEE_@

/* Algorithms, object types, attributes, operation classes and modes, usage,
 * handle flags, curves */
@constants tee_crypto TEE_ __OPTEE_@

/* Memory access rights, timeouts, cache operations */
@constants tee_syscall TEE_MEMORY_ACCESS_ TEE_TIMEOUT_INFINITE TEE_CACHE@

/* Property set pseudo-handles */
@constants tee_syscall TEE_PROPSET_ cast=(TEE_PropSetHandle)@

#define TEE_HANDLE_NULL 0

/* Four 4-bit parameter types in one word */
#define TEE_PARAM_TYPES(t0, t1, t2, t3) \
	((t0) | ((t1) << 4) | ((t2) << 8) | ((t3) << 12))
#define TEE_PARAM_TYPE_GET(t, i) (((t) >> ((i) * 4)) & 0xF)

#endif /* TEE_API_DEFINES_H */
