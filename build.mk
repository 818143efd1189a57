# Build rules shared by the top-level Makefile. OP-TEE's conventions apply
# where users script against them: O= is the output directory, PLATFORM= the
# board, CROSS_COMPILE= the aarch64 binutils prefix.

O ?= out
PLATFORM ?= vexpress-qemu_armv8a
CROSS_COMPILE ?= aarch64-linux-gnu-
CARGO ?= cargo
# Key that signs the secure-OS package; the firmware trusts its public part.
SIGN_KEY ?= bootloader/keys/dev-ed25519.pem
# Anti-rollback version written into the package.
TEE_VERSION ?= 1

ifneq ($(PLATFORM),vexpress-qemu_armv8a)
$(error PLATFORM=$(PLATFORM) is not supported; only vexpress-qemu_armv8a (QEMU virt))
endif

BL_TARGET := aarch64-unknown-none-softfloat
HOST_BIN := target/release
SIGN := $(HOST_BIN)/oxtee-sign
XTC := $(HOST_BIN)/xtest-compat
TA_SIGN_TOOL := $(HOST_BIN)/oxtee-ta-sign
DEPS_STAMP := $(O)/.deps-installed

.PHONY: deps tools bootloader debian initramfs flash FORCE

deps: $(DEPS_STAMP)
$(DEPS_STAMP): tools/install-deps.sh
	bash tools/install-deps.sh
	@mkdir -p $(O) && touch $@

# Host tools (cargo decides what to rebuild).
tools: $(DEPS_STAMP)
	$(CARGO) build --release -q -p oxtee-sign -p xtest-compat -p oxtee-ta-sign

$(SIGN) $(XTC) $(TA_SIGN_TOOL): tools

# The public half of SIGN_KEY, embedded in the firmware.
$(O)/keys/sign-key.pub: $(SIGN_KEY) tools
	@mkdir -p $(dir $@)
	$(SIGN) pubkey --key $(SIGN_KEY) -o $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm $@.tmp || mv $@.tmp $@

# EL3 firmware.
bootloader: $(O)/bootloader/bl.bin
$(O)/bootloader/bl.bin: $(O)/keys/sign-key.pub FORCE
	@mkdir -p $(dir $@)
	OXTEE_BL_PUBKEY=$(abspath $(O)/keys/sign-key.pub) \
		$(CARGO) build --release -q -p oxtee-bootloader --target $(BL_TARGET)
	$(CROSS_COMPILE)objcopy -O binary target/$(BL_TARGET)/release/oxtee-bootloader $@

# Normal world and OP-TEE's binaries from Debian (cached outside the tree).
debian: $(O)/debian/.stamp
$(O)/debian/.stamp: tools
	$(XTC) fetch --out $(O)
	@touch $@

initramfs: $(O)/initramfs.cpio.gz
$(O)/initramfs.cpio.gz: $(O)/debian/.stamp
	$(XTC) initramfs --out $(O)

# Debian's OP-TEE 4.5, wrapped into a signed package.
$(O)/tee/optee/package.bin: $(O)/debian/.stamp $(SIGN_KEY) tools
	@mkdir -p $(dir $@)
	$(SIGN) wrap --key $(SIGN_KEY) --version $(TEE_VERSION) \
		--header $(O)/debian/optee/tee-header_v2.bin \
		--pager $(O)/debian/optee/tee-pager_v2.bin \
		--pageable $(O)/debian/optee/tee-pageable_v2.bin -o $@

# The oxtee core, with OP-TEE's artifact names so the same files work under
# TF-A's BL31 (SPD=opteed) and under our firmware.
CORE_OUT := $(O)/core
# The load address is the image's first byte, which the linker takes from the
# board crate (oxtee-qemu-virt secure_os::LOAD_ADDR).
CORE_LOAD_ADDR = 0x$$($(CROSS_COMPILE)nm $(CORE_OUT)/tee.elf | sed -n 's/^\([0-9a-f]*\) T __text_start$$/\1/p')
# RSA keys TA signatures must chain to: the public half of the TA dev kit's
# key from Debian's optee-os-dev (what Debian's TAs are signed with) and
# oxtee's own development key (ta/keys/README.md). OXTEE_TA_KEY= (empty)
# trusts TA_SIGN_KEY alone. The file is `ta-pubkey --format raw` output for
# each key in turn; it is rewritten only when it changes.
# A product build that names its own TA_SIGN_KEY trusts that key alone unless
# it also names OXTEE_TA_KEY: development keys are never trusted by accident.
ifeq ($(origin TA_SIGN_KEY),undefined)
OXTEE_TA_KEY ?= ta/keys/oxtee-ta-dev.pem
else
OXTEE_TA_KEY ?=
endif
TA_SIGN_KEY ?= $(O)/debian/optee-os-dev/keys/default.pem
TA_PUBKEY = $(CARGO) run --release -q -p oxtee-ta-verify --features host-tools --bin ta-pubkey --
$(CORE_OUT)/ta-keys.bin: $(O)/debian/.stamp FORCE
	@mkdir -p $(CORE_OUT)
	$(TA_PUBKEY) --pem $(TA_SIGN_KEY) --format raw -o $@.devkit
	$(if $(strip $(OXTEE_TA_KEY)),$(TA_PUBKEY) --pem $(OXTEE_TA_KEY) --format raw -o $@.oxtee,: > $@.oxtee)
	@cat $@.devkit $@.oxtee > $@.tmp && rm -f $@.devkit $@.oxtee
	@cmp -s $@.tmp $@ 2>/dev/null && rm $@.tmp || mv $@.tmp $@

.PHONY: core
core: $(CORE_OUT)/tee-header_v2.bin
$(CORE_OUT)/tee-header_v2.bin: $(CORE_OUT)/ta-keys.bin tools FORCE
	@mkdir -p $(CORE_OUT)
	OXTEE_TA_KEYS=$(abspath $(CORE_OUT)/ta-keys.bin) \
		$(CARGO) build --release -q -p oxtee-core --target $(BL_TARGET)
	cp target/$(BL_TARGET)/release/oxtee-core $(CORE_OUT)/tee.elf
	$(CROSS_COMPILE)objcopy -O binary $(CORE_OUT)/tee.elf $(CORE_OUT)/tee-pager_v2.bin
	cp $(CORE_OUT)/tee-pager_v2.bin $(CORE_OUT)/tee-raw.bin
	: > $(CORE_OUT)/tee-pageable_v2.bin
	$(SIGN) tee-header --pager $(CORE_OUT)/tee-pager_v2.bin --load-addr $(CORE_LOAD_ADDR) -o $@

$(O)/tee/oxtee/package.bin: $(CORE_OUT)/tee-header_v2.bin $(SIGN_KEY) tools
	@mkdir -p $(dir $@)
	$(SIGN) wrap --key $(SIGN_KEY) --version $(TEE_VERSION) \
		--header $(CORE_OUT)/tee-header_v2.bin \
		--pager $(CORE_OUT)/tee-pager_v2.bin \
		--pageable $(CORE_OUT)/tee-pageable_v2.bin -o $@

# Secure flash (pflash0): firmware + slot A package + counter sector.
$(O)/flash-%.img: $(O)/bootloader/bl.bin $(O)/tee/%/package.bin
	$(SIGN) flash --firmware $(O)/bootloader/bl.bin --package $(O)/tee/$*/package.bin -o $@

# Behind TF-A + U-Boot (FIRMWARE=tf-a): pflash0 = TF-A's bl1.bin, then the
# FIP (BL2, BL31, the TEE's three images as BL32, Debian's U-Boot as BL33)
# at 0x40000; pflash1 = U-Boot's environment. TF-A is built once from
# Debian's source package in the harness cache; a TEE change only rebuilds
# the FIP.
TFA_BL32_oxtee := $(CORE_OUT)
TFA_BL32_optee := $(O)/debian/optee
$(O)/tf-a/oxtee/flash.img: $(CORE_OUT)/tee-header_v2.bin
$(O)/tf-a/optee/flash.img: $(O)/debian/.stamp
$(O)/.deps-tf-a-installed: tools/install-deps.sh
	bash tools/install-deps.sh tf-a
	@mkdir -p $(O) && touch $@
$(O)/tf-a/%/flash.img: $(O)/.deps-tf-a-installed $(O)/debian/.stamp tools FORCE
	CROSS_COMPILE=$(CROSS_COMPILE) $(XTC) tf-a --out $(O) --tee $* --bl32-dir $(TFA_BL32_$*)

FIRMWARE ?= oxtee
ifeq ($(FIRMWARE),oxtee)
flash_of = $(O)/flash-$(1).img
fw_args_of = --flash $(call flash_of,$(1))
RUN_NAME = $(TEE)
else ifeq ($(FIRMWARE),tf-a)
flash_of = $(O)/tf-a/$(1)/flash.img
fw_args_of = --firmware tf-a --flash $(call flash_of,$(1)) --flash1 $(O)/tf-a/uboot-env.img
RUN_NAME = tf-a-$(TEE)
else
$(error FIRMWARE=$(FIRMWARE): use oxtee or tf-a)
endif
FLASH = $(call flash_of,$(TEE))
FW_ARGS = --cpu '$(QEMU_CPU)' $(call fw_args_of,$(TEE)) \
	$(if $(strip $(STORAGE)),--storage '$(abspath $(STORAGE))') \
	$(if $(strip $(STORAGE_NV_REGION)),--nv-region $(STORAGE_NV_REGION))

FORCE:
