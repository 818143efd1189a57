/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a TA image carries for its loader: ta_head (at the image's first
 * byte, section .ta_head), the property table, TA_FLAG_* bits. Values come
 * from oxtee's Rust ABI crate (supplicant-proto).
 */
#ifndef USER_TA_HEADER_H
#define USER_TA_HEADER_H

#include <stddef.h>
#include <stdint.h>
#include <tee_api_types.h>

/* Flags of ta_head.flags (TA_FLAGS in user_ta_header_defines.h) */
@constants pta TA_FLAG_@
@constants ta_head TA_FLAG_ TA_FLAGS_MASK TA_FRAMEWORK_STACK_SIZE@
/* No longer meaningful; kept so older TAs still build. */
#define TA_FLAG_USER_MODE 0
#define TA_FLAG_EXEC_DDR 0
#define TA_FLAG_REMAP_SUPPORT 0

/* ta_head.depr_entry of a TA whose entry is the ELF entry point */
@constants ta_head TA_HEAD_NO_DEPR_ENTRY@

struct ta_head {
	TEE_UUID uuid;
	uint32_t stack_size;
	uint32_t flags;
	uint64_t depr_entry;
};

/* Property types (user_ta_property.type) */
@constants tee_syscall USER_TA_PROP_TYPE_@

/* Standard property names */
@constants ta_head TA_PROP_STR_@

struct user_ta_property {
	const char *name;
	uint32_t type;
	const void *value;
};

extern const struct ta_head ta_head;
extern const struct user_ta_property ta_props[];
extern const size_t ta_num_props;
extern uint8_t ta_heap[];
extern const size_t ta_heap_size;

#endif /* USER_TA_HEADER_H */
