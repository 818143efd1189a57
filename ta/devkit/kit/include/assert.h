/* SPDX-License-Identifier: BSD-2-Clause */
/* assert(): a failed assertion logs its place and panics the TA; NDEBUG
 * compiles it out. */
#undef assert
#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
void __oxtee_assert_fail(const char *expr, const char *file, int line,
			 const char *func) __attribute__((noreturn));
#define assert(expr)                                                        \
	((expr) ? (void)0 :                                                 \
		  __oxtee_assert_fail(#expr, __FILE__, __LINE__, __func__))
#endif
