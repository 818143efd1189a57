// SPDX-License-Identifier: BSD-2-Clause
/*
 * Compiled into every TA by mk/ta_dev_kit.mk: turns the TA's
 * user_ta_header_defines.h (TA_UUID, TA_FLAGS, TA_STACK_SIZE, TA_DATA_SIZE,
 * optional TA_VERSION, TA_DESCRIPTION, TA_CURRENT_TA_EXT_PROPERTIES) into
 * ta_head, the heap arena and the property table that the loader and
 * libutee read.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tee_internal_api.h>
#include <user_ta_header.h>
#include <user_ta_header_defines.h>

#if !defined(TA_UUID) || !defined(TA_FLAGS) || !defined(TA_STACK_SIZE) || \
	!defined(TA_DATA_SIZE)
#error "user_ta_header_defines.h must define TA_UUID, TA_FLAGS, TA_STACK_SIZE and TA_DATA_SIZE"
#endif
#if (TA_FLAGS) & ~TA_FLAGS_MASK
#error "TA_FLAGS has bits no loader accepts"
#endif
#ifndef TA_VERSION
#define TA_VERSION "Undefined version"
#endif
#ifndef TA_DESCRIPTION
#define TA_DESCRIPTION "Undefined description"
#endif

/* The loader reads ta_head at the image's first byte (ta.ld.S). */
const struct ta_head ta_head __attribute__((section(".ta_head"), used)) = {
	.uuid = TA_UUID,
	/* Room for libutee's own frames on top of what the TA asks for. */
	.stack_size = (TA_STACK_SIZE) + TA_FRAMEWORK_STACK_SIZE,
	.flags = (TA_FLAGS),
	.depr_entry = TA_HEAD_NO_DEPR_ENTRY,
};

/* The heap of malloc() and TEE_Malloc() (libutee). */
uint8_t ta_heap[TA_DATA_SIZE] __attribute__((aligned(16)));
const size_t ta_heap_size = sizeof(ta_heap);

int trace_level = TRACE_LEVEL;
const char trace_ext_prefix[] = "TA";

static const bool prop_single_instance = ((TA_FLAGS) & TA_FLAG_SINGLE_INSTANCE) != 0;
static const bool prop_multi_session = ((TA_FLAGS) & TA_FLAG_MULTI_SESSION) != 0;
static const bool prop_keep_alive = ((TA_FLAGS) & TA_FLAG_INSTANCE_KEEP_ALIVE) != 0;
static const bool prop_keep_crashed = ((TA_FLAGS) & TA_FLAG_INSTANCE_KEEP_CRASHED) != 0;
static const bool prop_no_close_on_corrupt =
	((TA_FLAGS) & TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT) != 0;
static const uint32_t prop_data_size = TA_DATA_SIZE;
static const uint32_t prop_stack_size = TA_STACK_SIZE;
static const uint32_t prop_endian = 0; /* little endian */

const struct user_ta_property ta_props[] = {
	{ TA_PROP_STR_SINGLE_INSTANCE, USER_TA_PROP_TYPE_BOOL, &prop_single_instance },
	{ TA_PROP_STR_MULTI_SESSION, USER_TA_PROP_TYPE_BOOL, &prop_multi_session },
	{ TA_PROP_STR_KEEP_ALIVE, USER_TA_PROP_TYPE_BOOL, &prop_keep_alive },
	{ TA_PROP_STR_KEEP_CRASHED, USER_TA_PROP_TYPE_BOOL, &prop_keep_crashed },
	{ TA_PROP_STR_DATA_SIZE, USER_TA_PROP_TYPE_U32, &prop_data_size },
	{ TA_PROP_STR_STACK_SIZE, USER_TA_PROP_TYPE_U32, &prop_stack_size },
	{ TA_PROP_STR_VERSION, USER_TA_PROP_TYPE_STRING, TA_VERSION },
	{ TA_PROP_STR_DESCRIPTION, USER_TA_PROP_TYPE_STRING, TA_DESCRIPTION },
	{ TA_PROP_STR_ENDIAN, USER_TA_PROP_TYPE_U32, &prop_endian },
	{ TA_PROP_STR_DOES_NOT_CLOSE_HANDLE_ON_CORRUPT_OBJECT, USER_TA_PROP_TYPE_BOOL,
	  &prop_no_close_on_corrupt },
#ifdef TA_CURRENT_TA_EXT_PROPERTIES
	TA_CURRENT_TA_EXT_PROPERTIES
#endif
};

const size_t ta_num_props = sizeof(ta_props) / sizeof(ta_props[0]);
