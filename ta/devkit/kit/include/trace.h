/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TA logging to the secure console: EMSG (error), IMSG (info), DMSG
 * (debug), FMSG (flow), each with the calling function and line, and the
 * _RAW forms without them. Levels above TRACE_LEVEL compile to nothing.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdarg.h>
#include <stdbool.h>
#include <trace_levels.h>

/* Run-time level and line prefix of this TA (user_ta_header.c). */
extern int trace_level;
extern const char trace_ext_prefix[];

int trace_get_level(void);
void trace_set_level(int level);

/* Formats one line (printf conventions) and writes it if `level` is at most
 * the run-time level; `func` null omits the location. */
void trace_printf(const char *func, int line, int level, bool level_ok,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void trace_vprintf(const char *func, int line, int level, bool level_ok,
		   const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* Writes a NUL-terminated string as it is (libutee). */
void trace_ext_puts(const char *str);

#define __oxtee_trace(level, loc, ...)                                       \
	do {                                                                  \
		if ((level) <= TRACE_LEVEL)                                   \
			trace_printf((loc) ? __func__ : 0, __LINE__, (level), \
				     true, __VA_ARGS__);                      \
	} while (0)

#define EMSG(...) __oxtee_trace(TRACE_ERROR, 1, __VA_ARGS__)
#define IMSG(...) __oxtee_trace(TRACE_INFO, 1, __VA_ARGS__)
#define DMSG(...) __oxtee_trace(TRACE_DEBUG, 1, __VA_ARGS__)
#define FMSG(...) __oxtee_trace(TRACE_FLOW, 1, __VA_ARGS__)
#define EMSG_RAW(...) __oxtee_trace(TRACE_ERROR, 0, __VA_ARGS__)
#define IMSG_RAW(...) __oxtee_trace(TRACE_INFO, 0, __VA_ARGS__)
#define DMSG_RAW(...) __oxtee_trace(TRACE_DEBUG, 0, __VA_ARGS__)
#define FMSG_RAW(...) __oxtee_trace(TRACE_FLOW, 0, __VA_ARGS__)
#define MSG(...) __oxtee_trace(TRACE_MIN, 0, __VA_ARGS__)

#endif /* TRACE_H */
