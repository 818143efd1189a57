# Build rules shared by the top-level Makefile. OP-TEE's conventions apply
# where users script against them: O= is the output directory, PLATFORM= the
# board, CROSS_COMPILE= the aarch64 binutils prefix. The part Buildroot and
# Yocto call (`all`, the core in $(O)/core) is in contract.mk.

O ?= out
PLATFORM ?= vexpress-qemu_armv8a
CROSS_COMPILE ?= aarch64-linux-gnu-
CARGO ?= cargo
# Key that signs the secure-OS package; the firmware trusts its public part.
SIGN_KEY ?= bootloader/keys/dev-ed25519.pem
# Anti-rollback version written into the package.
TEE_VERSION ?= 1

include contract.mk

BL_TARGET := aarch64-unknown-none-softfloat
# Cargo's output directory (CARGO_TARGET_DIR when the environment sets one).
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
HOST_BIN := $(TARGET_DIR)/release
SIGN := $(HOST_BIN)/oxtee-sign
XTC := $(HOST_BIN)/xtest-compat
TA_SIGN_TOOL := $(HOST_BIN)/oxtee-ta-sign
TA_PUBKEY := $(HOST_BIN)/ta-pubkey
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
	$(CROSS_COMPILE)objcopy -O binary $(TARGET_DIR)/$(BL_TARGET)/release/oxtee-bootloader $@

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
