/* SPDX-License-Identifier: BSD-2-Clause */
/* Trace levels: a message is printed if its level is at most TRACE_LEVEL
 * (compile time, CFG_TEE_TA_LOG_LEVEL) and the TA's trace_level (run time). */
#ifndef TRACE_LEVELS_H
#define TRACE_LEVELS_H

#define TRACE_MIN 1
#define TRACE_ERROR TRACE_MIN
#define TRACE_INFO 2
#define TRACE_DEBUG 3
#define TRACE_FLOW 4
#define TRACE_MAX TRACE_FLOW

#ifndef TRACE_LEVEL
#define TRACE_LEVEL TRACE_MIN
#endif

#endif /* TRACE_LEVELS_H */
