/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OP-TEE's extensions to the GP constants (REE FS and RPMB storage ids,
 * extra algorithms and attributes). oxtee keeps them in tee_api_defines.h,
 * generated from one source; this header exists for sources that include it.
 */
#ifndef TEE_API_DEFINES_EXTENSIONS_H
#define TEE_API_DEFINES_EXTENSIONS_H

#include <tee_api_defines.h>

#endif /* TEE_API_DEFINES_EXTENSIONS_H */
