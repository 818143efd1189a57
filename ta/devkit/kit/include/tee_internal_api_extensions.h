/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OP-TEE's extensions to the Internal Core API. oxtee's libutee provides
 * none of them yet beyond what tee_internal_api.h declares; the header
 * exists because TAs include it by habit.
 */
#ifndef TEE_INTERNAL_API_EXTENSIONS_H
#define TEE_INTERNAL_API_EXTENSIONS_H

#include <tee_internal_api.h>

#endif /* TEE_INTERNAL_API_EXTENSIONS_H */
