# oxtee C TA dev kit: build a TA written for OP-TEE's conventions.
#
# A TA's Makefile sets BINARY=<uuid> (or LIBNAME=<name> for a static
# library) and includes this file; its sub.mk lists sources (srcs-y),
# include directories (global-incdirs-y, incdirs-y), flags (cflags-y,
# cflags-<file>-y, cppflags-y, cppflags-<file>-y, global-cppflags-y,
# aflags-y, cflags-remove-y, cppflags-remove-y) and subdirectories
# (subdirs-y); user_ta_header_defines.h declares the TA.
#
# Variables: O (output directory, default .), CROSS_COMPILE /
# CROSS_COMPILE64 / CROSS_COMPILE_ta_arm64, CFLAGS / CFLAGS64 (added last),
# CFG_TEE_TA_LOG_LEVEL, CFG_TA_VERSION, TA_SIGN_KEY, LDADD, libnames /
# libdirs / libdeps, V=1 (show commands).
#
# Output in $(O): <uuid>.elf, <uuid>.stripped.elf, <uuid>.map and the
# signed <uuid>.ta (or lib<name>.a).

ta-dev-kit-dir := $(patsubst %/,%,$(abspath $(dir $(lastword $(MAKEFILE_LIST)))..))

.PHONY: all clean
all:

include $(ta-dev-kit-dir)/mk/conf.mk

ifneq ($(SHLIBNAME),)
$(error SHLIBNAME: oxtee's dev kit builds no shared TA libraries (CFG_ULIBS_SHARED=n); use LIBNAME)
endif
ifneq (1,$(words $(BINARY) $(LIBNAME)))
$(error set exactly one of BINARY (a TA's UUID) or LIBNAME (a static library))
endif
ifneq ($(COMPILER_$(sm)),gcc)
$(error COMPILER=$(COMPILER_$(sm)): oxtee's dev kit builds TAs with gcc only)
endif

out-dir := $(if $(O),$(patsubst %/,%,$(O)),.)

ifeq ($(V),1)
q :=
else
q := @
endif
# Progress lines, silenced by make -s.
kit-echo := $(if $(findstring s,$(firstword -$(MAKEFLAGS))),:,echo)

# Tools: the AArch64 cross toolchain named by CROSS_COMPILE*.
kit-cc := $(CROSS_COMPILE_$(sm))gcc
kit-ld := $(CROSS_COMPILE_$(sm))ld
kit-ar := $(CROSS_COMPILE_$(sm))ar
kit-objcopy := $(CROSS_COMPILE_$(sm))objcopy
kit-cpp := $(CROSS_COMPILE_$(sm))cpp

include $(ta-dev-kit-dir)/mk/subdir.mk
include $(ta-dev-kit-dir)/mk/compile.mk

ifneq ($(BINARY),)
include $(ta-dev-kit-dir)/mk/link.mk
endif

ifneq ($(LIBNAME),)
all: $(out-dir)/lib$(LIBNAME).a
$(out-dir)/lib$(LIBNAME).a: $(kit-objs)
	@$(kit-echo) '  AR      $@'
	$(q)mkdir -p $(dir $@) && rm -f $@ && $(kit-ar) rcs $@ $^
kit-cleanfiles += $(out-dir)/lib$(LIBNAME).a
endif

clean:
	@$(kit-echo) '  CLEAN   $(out-dir)'
	$(q)rm -f $(kit-cleanfiles) $(kit-objs) $(kit-objs:.o=.d)
