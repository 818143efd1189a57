global-incdirs-y += . ../include
srcs-y += storage_ta.c
