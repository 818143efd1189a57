global-incdirs-y += .
srcs-y += hello_c_ta.c
