global-incdirs-y += . ../include
srcs-y += hello_ta.c
