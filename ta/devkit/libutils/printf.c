// SPDX-License-Identifier: BSD-2-Clause
/*
 * Formatted output for TAs: vsnprintf and the functions built on it. It is
 * C because stable Rust cannot define variadic C functions; everything else
 * of the TA runtime is Rust (libutee). Conversions: d i u x X o p s c %,
 * flags '-' '0' ' ' '+' '#', width and precision (also '*'), length
 * modifiers hh h l ll z j t. No floating point.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <trace.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* bytes the full result needs, without the NUL */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec; /* prec < 0: none */
};

static void put_number(struct out *o, uintmax_t v, bool negative,
		       unsigned int base, bool upper, const struct spec *s,
		       const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	int zeros = 0;
	int plen = (int)strlen(prefix);
	char sign = negative ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
	int total;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (s->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (s->prec > n)
		zeros = s->prec - n;
	total = n + zeros + plen + (sign ? 1 : 0);
	if (s->zero && !s->left && s->prec < 0 && s->width > total) {
		zeros += s->width - total;
		total = s->width;
	}
	if (!s->left)
		pad(o, ' ', s->width - total);
	if (sign)
		put(o, sign);
	while (*prefix)
		put(o, *prefix++);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (s->left)
		pad(o, ' ', s->width - total);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };

	while (*fmt) {
		struct spec s = { .prec = -1 };
		int lng = 0; /* -2 hh, -1 h, 1 l, 2 ll, 3 size_t/intmax/ptrdiff */
		uintmax_t u = 0;
		intmax_t i = 0;
		char c = *fmt++;

		if (c != '%') {
			put(&o, c);
			continue;
		}
		for (;; fmt++) {
			if (*fmt == '-')
				s.left = true;
			else if (*fmt == '0')
				s.zero = true;
			else if (*fmt == '+')
				s.plus = true;
			else if (*fmt == ' ')
				s.space = true;
			else if (*fmt == '#')
				s.alt = true;
			else
				break;
		}
		if (*fmt == '*') {
			s.width = va_arg(ap, int);
			if (s.width < 0) {
				s.left = true;
				s.width = -s.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				s.width = s.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			s.prec = 0;
			if (*fmt == '*') {
				s.prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					s.prec = s.prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'h')
				lng--;
			else if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't')
				lng = 3;
			else
				break;
		}
		c = *fmt;
		if (c)
			fmt++;
		switch (c) {
		case 'd':
		case 'i':
			if (lng >= 1)
				i = lng == 1 ? va_arg(ap, long) :
				    va_arg(ap, long long);
			else
				i = va_arg(ap, int);
			if (lng == -1)
				i = (short)i;
			else if (lng == -2)
				i = (signed char)i;
			put_number(&o, i < 0 ? -(uintmax_t)i : (uintmax_t)i,
				   i < 0, 10, false, &s, "");
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng >= 1)
				u = lng == 1 ? va_arg(ap, unsigned long) :
				    va_arg(ap, unsigned long long);
			else
				u = va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng == -2)
				u = (unsigned char)u;
			s.plus = s.space = false;
			put_number(&o, u, false,
				   c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X',
				   &s,
				   s.alt && u ? (c == 'x' ? "0x" :
						c == 'X' ? "0X" :
						c == 'o' ? "0" : "") : "");
			break;
		case 'p':
			s.plus = s.space = false;
			put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16,
				   false, &s, "0x");
			break;
		case 'c': {
			char ch = (char)va_arg(ap, int);

			if (!s.left)
				pad(&o, ' ', s.width - 1);
			put(&o, ch);
			if (s.left)
				pad(&o, ' ', s.width - 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			int n, len;

			if (!str)
				str = "(null)";
			n = (int)(s.prec >= 0 ? strnlen(str, (size_t)s.prec) :
						strlen(str));
			len = n;
			if (!s.left)
				pad(&o, ' ', s.width - len);
			while (n--)
				put(&o, *str++);
			if (s.left)
				pad(&o, ' ', s.width - len);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown conversion: print it as written. */
			put(&o, '%');
			if (c)
				put(&o, c);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

#define LINE_MAX_LEN 256

int vprintf(const char *fmt, va_list ap)
{
	char line[LINE_MAX_LEN];
	int r = vsnprintf(line, sizeof(line), fmt, ap);

	trace_ext_puts(line);
	return r;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vprintf(fmt, ap);
	va_end(ap);
	return r;
}

int puts(const char *s)
{
	trace_ext_puts(s);
	trace_ext_puts("\n");
	return 1;
}

int putchar(int c)
{
	char s[2] = { (char)c, '\0' };

	trace_ext_puts(s);
	return (unsigned char)c;
}
