# Compiles kit-srcs (and, for a TA, the kit's user_ta_header.c) into
# $(out-dir): C with the kit's headers and no host C library, assembler
# through the C preprocessor.

kit-gcc-include := $(shell $(kit-cc) -print-file-name=include 2>/dev/null)

kit-cppflags := -nostdinc -isystem $(kit-gcc-include) \
	$(addprefix -I,$(kit-global-incdirs)) -I. -I$(ta-dev-kit-dir)/include $(kit-global-cppflags) \
	$($(sm)-platform-cppflags) -DTRACE_LEVEL=$(CFG_TEE_TA_LOG_LEVEL) \
	$(foreach v,$(filter CFG_%,$(.VARIABLES)),$(if $(filter y,$($(v))),-D$(v)=1)) \
	$(CPPFLAGS_$(sm))
kit-cflags := -std=gnu11 -fno-common -ffunction-sections -fdata-sections \
	-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	$($(sm)-platform-cflags) $(CFLAGS_$(sm)) $(or $(CFLAGS64),$(CFLAGS))
kit-aflags := $($(sm)-platform-aflags)

kit-obj-of = $(out-dir)/$(patsubst %.S,%.o,$(patsubst %.c,%.o,$(1)))

kit-all-srcs := $(kit-srcs)
ifneq ($(BINARY),)
kit-all-srcs += kit:user_ta_header.c
endif
kit-source-path = $(if $(filter kit:%,$(1)),$(ta-dev-kit-dir)/src/$(patsubst kit:%,%,$(1)),$(1))
kit-objs := $(foreach s,$(kit-all-srcs),$(call kit-obj-of,$(subst kit:,kit/,$(s))))

# $(1): source as listed, $(2): object
define kit-compile-rule
$(2): $(call kit-source-path,$(1)) $(MAKEFILE_LIST)
	@$(kit-echo) '  CC      $$@'
	$(q)mkdir -p $$(dir $$@)
	$(q)$(kit-cc) $(kit-cppflags) $(addprefix -I,$(kit-incdirs-$(1))) $(kit-cppflags-$(1)) \
		$(if $(filter %.S,$(1)),$(kit-aflags) $(kit-aflags-$(1)),$(kit-cflags) $(kit-cflags-$(1))) \
		-MD -MP -MF $$(@:.o=.d) -c $$< -o $$@
-include $(2:.o=.d)
endef

$(foreach s,$(kit-all-srcs),$(if $(filter %.c %.S,$(s)),\
	$(eval $(call kit-compile-rule,$(s),$(call kit-obj-of,$(subst kit:,kit/,$(s))))),\
	$(error $(s): oxtee's dev kit compiles .c and .S sources only)))
