// SPDX-License-Identifier: BSD-2-Clause
/*
 * The backend of EMSG/IMSG/DMSG/FMSG (trace.h): one line per message,
 * "<level letter>/<prefix>: <function>:<line> <text>", written to the
 * secure console through libutee's trace_ext_puts. Also assert() and abort().
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <tee_internal_api.h>
#include <trace.h>

#define TRACE_LINE_MAX 256

int trace_get_level(void)
{
	return trace_level;
}

void trace_set_level(int level)
{
	if (level >= TRACE_MIN && level <= TRACE_MAX)
		trace_level = level;
}

static char level_letter(int level)
{
	switch (level) {
	case TRACE_ERROR:
		return 'E';
	case TRACE_INFO:
		return 'I';
	case TRACE_DEBUG:
		return 'D';
	case TRACE_FLOW:
		return 'F';
	default:
		return '?';
	}
}

void trace_vprintf(const char *func, int line, int level, bool level_ok,
		   const char *fmt, va_list ap)
{
	char buf[TRACE_LINE_MAX];
	int n;

	if (!level_ok || level > trace_level)
		return;
	if (func)
		n = snprintf(buf, sizeof(buf), "%c/%s: %s:%d ",
			     level_letter(level), trace_ext_prefix, func, line);
	else
		n = snprintf(buf, sizeof(buf), "%c/%s: ", level_letter(level),
			     trace_ext_prefix);
	if (n < 0 || (size_t)n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	n += vsnprintf(buf + n, sizeof(buf) - 1 - (size_t)n, fmt, ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n] = '\n';
	buf[n + 1] = '\0';
	trace_ext_puts(buf);
}

void trace_printf(const char *func, int line, int level, bool level_ok,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_vprintf(func, line, level, level_ok, fmt, ap);
	va_end(ap);
}

void __oxtee_assert_fail(const char *expr, const char *file, int line,
			 const char *func)
{
	trace_printf(func, line, TRACE_ERROR, true, "assertion '%s' failed (%s)",
		     expr, file);
	TEE_Panic(TEE_ERROR_GENERIC);
}

void abort(void)
{
	trace_printf(NULL, 0, TRACE_ERROR, true, "abort()");
	TEE_Panic(TEE_ERROR_GENERIC);
}
