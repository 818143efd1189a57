global-incdirs-y += .
srcs-y += fp_probe_ta.c
