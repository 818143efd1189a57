# Links the TA (position-independent, the kit's ta.ld.S layout, libutils and
# libutee from the kit, libgcc last), strips it and signs it with
# oxtee-ta-sign (bin/), the Rust signer that writes OP-TEE's signed-TA format.

uuid := $(BINARY)
kit-lds := $(out-dir)/ta.lds
kit-dynlist := $(out-dir)/dyn_list
kit-libgcc := $(shell $(kit-cc) $(CFLAGS64) -print-libgcc-file-name 2>/dev/null)

TA_SIGN_KEY ?= $(ta-dev-kit-dir)/keys/default_ta.pem
kit-default-key := $(abspath $(ta-dev-kit-dir)/keys/default_ta.pem) $(abspath $(ta-dev-kit-dir)/keys/default.pem)
kit-sign := $(ta-dev-kit-dir)/bin/oxtee-ta-sign

all: $(out-dir)/$(uuid).ta
kit-cleanfiles += $(out-dir)/$(uuid).elf $(out-dir)/$(uuid).stripped.elf \
	$(out-dir)/$(uuid).ta $(out-dir)/$(uuid).map $(kit-lds) $(kit-dynlist)

$(kit-lds): $(ta-dev-kit-dir)/src/ta.ld.S
	@$(kit-echo) '  CPP     $@'
	$(q)mkdir -p $(dir $@)
	$(q)$(kit-cpp) -P -nostdinc -undef $< -o $@

# Symbols a loader or debugger looks up in the dynamic symbol table.
$(kit-dynlist):
	$(q)mkdir -p $(dir $@)
	$(q)printf '{\n\tta_head;\n\tta_props;\n\tta_num_props;\n\ttrace_level;\n\ttrace_ext_prefix;\n};\n' > $@

$(out-dir)/$(uuid).elf: $(kit-objs) $(kit-lds) $(kit-dynlist) $(libdeps) \
		$(ta-dev-kit-dir)/lib/libutee.a $(ta-dev-kit-dir)/lib/libutils.a
	@$(kit-echo) '  LD      $@'
	$(q)$(kit-ld) -pie --no-dynamic-linker -e __ta_entry -T $(kit-lds) \
		--dynamic-list $(kit-dynlist) -z max-page-size=4096 -z text \
		--sort-section=alignment --gc-sections -Map=$(out-dir)/$(uuid).map \
		$(kit-objs) $(LDADD) $(addprefix -L,$(libdirs) $(ta-dev-kit-dir)/lib) \
		--start-group $(addprefix -l,$(libnames) utils utee) --end-group \
		$(kit-libgcc) -o $@

$(out-dir)/$(uuid).stripped.elf: $(out-dir)/$(uuid).elf
	@$(kit-echo) '  OBJCOPY $@'
	$(q)$(kit-objcopy) --strip-unneeded $< $@

$(out-dir)/$(uuid).ta: $(out-dir)/$(uuid).stripped.elf $(TA_SIGN_KEY) $(kit-sign)
	@$(kit-echo) '  SIGN    $@'
	$(if $(filter $(kit-default-key),$(abspath $(TA_SIGN_KEY))),\
		@echo 'WARNING: $@ is signed with the dev kit'"'"'s PUBLIC development key;' >&2; \
		echo 'WARNING: anyone can sign TAs with it. Set TA_SIGN_KEY for a product.' >&2)
	$(q)$(kit-sign) sign --key $(TA_SIGN_KEY) --uuid $(uuid) \
		--ta-version $(or $(CFG_TA_VERSION),0) --in $< --out $@
