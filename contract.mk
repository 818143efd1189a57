# OP-TEE's make contract: what Buildroot's boot/optee-os package and
# meta-arm's optee-os recipe run (docs/buildroot.md):
#
#   make -C <src> O=<dir> PLATFORM=vexpress-qemu_armv8a CFG_ARM64_core=y \
#        CROSS_COMPILE_core=<prefix> ... all
#
# builds the core with no network and no download into $(O)/core, with
# OP-TEE's file names. Build systems pass their own CC, CFLAGS, LD, OBJCOPY,
# GIT_DIR... on the command line or in the environment; this file therefore
# uses no variable of those names, and cargo runs with them removed.

# --- Variables of OP-TEE's interface -----------------------------------------

# OP-TEE splits PLATFORM=<platform>-<flavor>; vexpress with flavor qemu_armv8a
# is the same board.
ifneq ($(findstring -,$(PLATFORM)),)
OXTEE_FLAVOR := $(word 2,$(subst -, ,$(PLATFORM)))
OXTEE_PLATFORM := $(word 1,$(subst -, ,$(PLATFORM)))
else
OXTEE_FLAVOR := $(PLATFORM_FLAVOR)
OXTEE_PLATFORM := $(PLATFORM)
endif
ifneq ($(OXTEE_PLATFORM)-$(OXTEE_FLAVOR),vexpress-qemu_armv8a)
$(error PLATFORM=$(PLATFORM)$(if $(PLATFORM_FLAVOR), PLATFORM_FLAVOR=$(PLATFORM_FLAVOR)) is not supported: oxtee runs on QEMU virt only, PLATFORM=vexpress-qemu_armv8a)
endif
ifneq ($(filter-out arm,$(ARCH)),)
$(error ARCH=$(ARCH) is not supported: oxtee is an AArch64 core, ARCH=arm CFG_ARM64_core=y)
endif
ifneq ($(filter-out y,$(CFG_ARM64_core)),)
$(error CFG_ARM64_core=$(CFG_ARM64_core): oxtee has only an AArch64 core (CFG_ARM64_core=y))
endif
# Early TAs are linked into OP-TEE's core; oxtee cannot embed them, and
# dropping one silently (meta-arm's fTPM) would ship an image without it.
ifneq ($(strip $(EARLY_TA_PATHS)$(CFG_IN_TREE_EARLY_TAS)),)
$(error EARLY_TA_PATHS/CFG_IN_TREE_EARLY_TAS: oxtee cannot embed early TAs yet; install the TA to /lib/optee_armtz instead (meta-arm: MACHINE_FEATURES:remove = "optee-ftpm"))
endif

# The core's binutils (objcopy, nm). Yocto passes CROSS_COMPILE_core only,
# Buildroot both; OP-TEE's CROSS_COMPILE64 is the fallback for 64-bit parts.
CROSS_COMPILE_core ?= $(or $(CROSS_COMPILE64),$(CROSS_COMPILE))
OXTEE_OBJCOPY := $(CROSS_COMPILE_core)objcopy
OXTEE_NM := $(CROSS_COMPILE_core)nm

# Every variable of the recipes' make lines this build knows: read
# (OXTEE_CONTRACT_READ) or accepted without effect (OXTEE_CONTRACT_IGNORED,
# documented in docs/buildroot.md), besides CFG_* switches of OP-TEE's own
# code, also accepted without effect. tools/recipe-check.sh holds the
# recipes in contrib/ to these names.
OXTEE_CONTRACT_READ := O PLATFORM PLATFORM_FLAVOR ARCH CFG_ARM64_core \
	CROSS_COMPILE CROSS_COMPILE_core CROSS_COMPILE64 TA_SIGN_KEY TA_PUBLIC_KEY \
	OXTEE_TA_KEY EARLY_TA_PATHS CFG_IN_TREE_EARLY_TAS CARGO RUSTC CARGO_HOME \
	OXTEE_BUILD_STD OXTEE_TAS OXTEE_CRYPTO_FAMILIES
OXTEE_CONTRACT_IGNORED := DEBUG CFG_TEE_CORE_LOG_LEVEL CFG_TEE_TA_LOG_LEVEL \
	CFG_USER_TA_TARGETS ta-targets CROSS_COMPILE_ta_arm64 CROSS_COMPILE_ta_arm32 \
	CROSS_COMPILE_ta_rv64 HOST_PREFIX COMPILER V AFLAGS PYTHON3 \
	OPTEE_CLIENT_EXPORT TEEC_EXPORT LIBGCC_LOCATE_CFLAGS NOWERROR

# --- Goals --------------------------------------------------------------------

# Goals of the contract need nothing downloaded. Any other goal is the QEMU
# harness, whose core also trusts the TA key of Debian's OP-TEE dev kit.
# The TAs `all` builds (see below).
OXTEE_TAS ?= $(sort $(filter-out sdk,$(patsubst ta/%/ta/Cargo.toml,%,$(wildcard ta/*/ta/Cargo.toml))))
OXTEE_CONTRACT_GOALS := all ta_dev_kit core tas $(addprefix ta-,$(OXTEE_TAS)) clean
OXTEE_HARNESS := $(if $(filter-out $(OXTEE_CONTRACT_GOALS),$(MAKECMDGOALS)),y)

# Cargo without what a build system meant for C compilers: cc-rs and build
# scripts read CC, CFLAGS, AR, CROSS_COMPILE, their _<target> forms, and
# GIT_DIR=. (Buildroot) redirects any git a build script runs; RUSTFLAGS and
# CARGO_BUILD_TARGET (Yocto's cargo classes) would retarget the host tools.
OXTEE_FOREIGN_VARS := CC CXX CPP AR AS LD NM OBJCOPY OBJDUMP RANLIB READELF STRIP \
	CFLAGS CXXFLAGS CPPFLAGS LDFLAGS ASFLAGS AFLAGS ARFLAGS CROSS_COMPILE \
	TARGET_CC TARGET_CXX TARGET_AR TARGET_CFLAGS TARGET_CXXFLAGS \
	HOST_CC HOST_CXX HOST_AR HOST_CFLAGS HOST_CXXFLAGS GIT_DIR GIT_WORK_TREE \
	RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_BUILD_TARGET \
	$(filter CC_% CXX_% AR_% CFLAGS_% CXXFLAGS_% ARFLAGS_% CARGO_TARGET_%,$(.VARIABLES))
OXTEE_ENV := env $(addprefix -u ,$(sort $(filter-out CARGO_TARGET_DIR,$(OXTEE_FOREIGN_VARS))))
OXTEE_CARGO := $(OXTEE_ENV) $(CARGO)

# A source release (`make dist`, tools/dist.sh) carries its crates in
# vendor/ and names its version in .oxtee-dist: there cargo never reaches
# the network and never rewrites Cargo.lock, as Buildroot and Yocto require.
-include .oxtee-dist
OXTEE_CARGO_FLAGS := $(if $(wildcard .oxtee-dist),--offline --locked)

# OXTEE_BUILD_STD=y: core/alloc for the bare-metal targets built from the
# toolchain's rust-src (-Zbuild-std, allowed on a stable toolchain by
# RUSTC_BOOTSTRAP=1), for toolchains without their prebuilt rust-std; the
# crates of the standard library's workspace must then be reachable too
# (vendored, docs/yocto.md).
comma := ,
OXTEE_BUILD_STD ?=
OXTEE_TARGET_FLAGS := $(if $(filter y 1,$(OXTEE_BUILD_STD)),-Zbuild-std=core$(comma)alloc)
OXTEE_TARGET_ENV := $(if $(OXTEE_TARGET_FLAGS),RUSTC_BOOTSTRAP=1)

# --- The core -----------------------------------------------------------------

# The oxtee core, with OP-TEE's artifact names so the same files work under
# TF-A's BL31 (SPD=opteed), under our firmware and in the recipes' copies.
CORE_OUT := $(O)/core
# The load address is the image's first byte, which the linker takes from the
# board crate (oxtee-qemu-virt secure_os::LOAD_ADDR); the core uses memory
# from there to the end of its heap.
core_sym = 0x$$($(OXTEE_NM) $(CORE_OUT)/tee.elf | awk '$$3 == "$(1)" { print $$1 }')
CORE_LOAD_ADDR = $(call core_sym,__text_start)
CORE_MEM_END = $(call core_sym,__heap_end)

# RSA keys TA signatures must chain to, as OP-TEE's TA_PUBLIC_KEY (default:
# TA_SIGN_KEY). Contract goals: the key the build names, else oxtee's own
# development key (ta/keys/README.md); nothing is downloaded. Harness goals:
# also the TA dev kit key of Debian's optee-os-dev (what Debian's TAs are
# signed with). OXTEE_TA_KEY adds oxtee's development key; a build that names
# its own key trusts it alone unless it also names OXTEE_TA_KEY, so
# development keys are never trusted by accident. The file is `ta-pubkey
# --format raw` output per key, rewritten only when it changes; it stays out
# of $(O)/core, whose *.bin the recipes copy.
OXTEE_TA_SIGN_KEY_GIVEN := $(filter-out undefined,$(origin TA_SIGN_KEY))
OXTEE_TA_PUBLIC_KEY_GIVEN := $(filter-out undefined,$(origin TA_PUBLIC_KEY))
ifeq ($(origin TA_SIGN_KEY)$(origin TA_PUBLIC_KEY),undefinedundefined)
ifeq ($(OXTEE_HARNESS),y)
OXTEE_TA_KEY ?= ta/keys/oxtee-ta-dev.pem
TA_SIGN_KEY ?= $(O)/debian/optee-os-dev/keys/default.pem
OXTEE_TA_KEYS_NEED := $(O)/debian/.stamp
else
OXTEE_TA_KEY ?=
TA_SIGN_KEY ?= ta/keys/oxtee-ta-dev.pem
endif
else
OXTEE_TA_KEY ?=
endif
TA_PUBLIC_KEY ?= $(TA_SIGN_KEY)

.PHONY: core-tools
core-tools:
	$(OXTEE_CARGO) build $(OXTEE_CARGO_FLAGS) --release -q -p oxtee-sign -p xtask \
		-p oxtee-ta-verify --features oxtee-ta-verify/host-tools

$(O)/keys/ta-keys.bin: $(OXTEE_TA_KEYS_NEED) core-tools FORCE
	@mkdir -p $(dir $@)
	$(TA_PUBKEY) --pem $(TA_PUBLIC_KEY) --format raw -o $@.public
	$(if $(strip $(OXTEE_TA_KEY)),$(TA_PUBKEY) --pem $(OXTEE_TA_KEY) --format raw -o $@.oxtee,: > $@.oxtee)
	@cat $@.public $@.oxtee > $@.tmp && rm -f $@.public $@.oxtee
	@cmp -s $@.tmp $@ 2>/dev/null && rm $@.tmp || mv $@.tmp $@

# OXTEE_CRYPTO_FAMILIES="dh curve25519 ..." (or "none"): the core carries only
# those of oxtee-crypto's optional algorithm families (des md5 sha3 sm dsa dh
# curve25519); unset, all of them, OP-TEE's default CFG_CRYPTO_* set.
OXTEE_CORE_FEATURES := $(if $(filter-out undefined,$(origin OXTEE_CRYPTO_FAMILIES)),--no-default-features --features '$(filter-out none,$(OXTEE_CRYPTO_FAMILIES))')
# CFG_TEE_CORE_DEBUG=y (OP-TEE's name): panic reports carry their message, file and
# line (oxtee-core's core-debug feature, about 57 KB more image); =n, the default, a
# panic prints its call stack's return addresses for addr2line -e tee.elf.
CFG_TEE_CORE_DEBUG ?= n
OXTEE_CORE_FEATURES += $(if $(filter y,$(CFG_TEE_CORE_DEBUG)),--features core-debug)

# tee-pager_v2.bin is the loaded image, tee-pageable_v2.bin is empty (no
# pager), tee-raw.bin the same bytes as the pager image, tee.bin the image
# behind OP-TEE's header v1 (single-file loaders).
.PHONY: core
core: $(CORE_OUT)/tee-header_v2.bin
$(CORE_OUT)/tee-header_v2.bin: $(O)/keys/ta-keys.bin core-tools FORCE
	@mkdir -p $(CORE_OUT)
	OXTEE_TA_KEYS=$(abspath $(O)/keys/ta-keys.bin) $(OXTEE_TARGET_ENV) \
		$(OXTEE_CARGO) build $(OXTEE_CARGO_FLAGS) $(OXTEE_TARGET_FLAGS) --release -q \
		-p oxtee-core --target $(BL_TARGET) $(OXTEE_CORE_FEATURES)
	cp $(TARGET_DIR)/$(BL_TARGET)/release/oxtee-core $(CORE_OUT)/tee.elf
	$(OXTEE_OBJCOPY) -O binary $(CORE_OUT)/tee.elf $(CORE_OUT)/tee-pager_v2.bin
	cp $(CORE_OUT)/tee-pager_v2.bin $(CORE_OUT)/tee-raw.bin
	: > $(CORE_OUT)/tee-pageable_v2.bin
	addr=$(CORE_LOAD_ADDR); end=$(CORE_MEM_END); \
	$(SIGN) tee-bin --pager $(CORE_OUT)/tee-pager_v2.bin --load-addr $$addr \
		--mem-usage $$(( end - addr )) -o $(CORE_OUT)/tee.bin && \
	$(SIGN) tee-header --pager $(CORE_OUT)/tee-pager_v2.bin --load-addr $$addr -o $@

# The C TA dev kit, $(O)/export-ta_arm64 (docs/ta-dev-kit.md): OP-TEE's
# layout, oxtee's content. Headers from ta/devkit/kit with their constants
# from supplicant-proto (oxtee-devkit-gen); libutee.a is the Rust oxtee-utee
# built as position-independent code; libutils.a the C part (printf family,
# trace backend) compiled with the TA cross compiler; bin/oxtee-ta-sign
# signs; keys/ hold oxtee's public development key.
DEVKIT := $(O)/export-ta_arm64
DEVKIT_CROSS := $(or $(CROSS_COMPILE_ta_arm64),$(CROSS_COMPILE64),$(CROSS_COMPILE))
# Its own cargo directory: other flags than the SDK's TA builds, so neither
# rebuilds the other's dependencies. No LTO: oxtee-utee is `no_builtins`
# (it defines memcpy), and LTO would drop what it needs from other crates.
# libutee.a's panic handler is made weak: a Rust TA linking the library
# (Teaclave's optee-utee) brings its own.
DEVKIT_TARGET_DIR = $(TARGET_DIR)/devkit
DEVKIT_LIBUTILS_SRCS := $(wildcard ta/devkit/libutils/*.c)

.PHONY: ta_dev_kit devkit-tools
devkit-tools:
	$(OXTEE_CARGO) build --release -q $(OXTEE_CARGO_FLAGS) -p oxtee-ta-sign -p oxtee-devkit-gen

ta_dev_kit: devkit-tools FORCE
	rm -rf $(DEVKIT).tmp
	$(HOST_BIN)/oxtee-devkit-gen ta/devkit/kit $(DEVKIT).tmp
	$(OXTEE_TARGET_ENV) $(OXTEE_ENV) CARGO_TARGET_AARCH64_UNKNOWN_NONE_RUSTFLAGS="-C relocation-model=pie" \
		CARGO_PROFILE_RELEASE_LTO=false \
		$(CARGO) build --release -q $(OXTEE_CARGO_FLAGS) $(OXTEE_TARGET_FLAGS) -p oxtee-libutee --target aarch64-unknown-none \
		--target-dir $(DEVKIT_TARGET_DIR)
	mkdir -p $(DEVKIT).tmp/lib $(DEVKIT).tmp/bin $(DEVKIT).tmp/keys $(DEVKIT).tmp/libutils-obj
	$(DEVKIT_CROSS)objcopy --strip-debug --wildcard --weaken-symbol='*rust_begin_unwind' \
		$(DEVKIT_TARGET_DIR)/aarch64-unknown-none/release/libutee.a $(DEVKIT).tmp/lib/libutee.a
	for src in $(DEVKIT_LIBUTILS_SRCS); do \
		$(DEVKIT_CROSS)gcc -std=gnu11 -Os -fpic -mstrict-align -mno-outline-atomics \
			-fno-common -ffunction-sections -fdata-sections -Wall -Wextra -Werror \
			-nostdinc -isystem "$$($(DEVKIT_CROSS)gcc -print-file-name=include)" \
			-I$(DEVKIT).tmp/include -c $$src \
			-o $(DEVKIT).tmp/libutils-obj/$$(basename $$src .c).o || exit 1; \
	done
	$(DEVKIT_CROSS)ar rcs $(DEVKIT).tmp/lib/libutils.a $(DEVKIT).tmp/libutils-obj/*.o
	rm -rf $(DEVKIT).tmp/libutils-obj
	cp $(HOST_BIN)/oxtee-ta-sign $(DEVKIT).tmp/bin/
	cp ta/keys/oxtee-ta-dev.pem $(DEVKIT).tmp/keys/default_ta.pem
	cp ta/keys/oxtee-ta-dev.pem $(DEVKIT).tmp/keys/default.pem
	rm -rf $(DEVKIT) && mv $(DEVKIT).tmp $(DEVKIT)

# --- TAs shipped with the core ------------------------------------------------

# As OP-TEE's in-tree TAs: every TA crate ta/<name>/ta (the SDK's own crates
# in ta/sdk excepted), built by the SDK's build step (ta/sdk/xtask) into
# $(O)/ta/<name>/<uuid>.{ta,elf}, where Buildroot and meta-arm install TAs
# from. Signed with TA_SIGN_KEY when the build names one, else with oxtee's
# public development key, which the build step announces loudly.
OXTEE_TA_GOALS := $(addprefix ta-,$(OXTEE_TAS))
XTASK = $(TARGET_DIR)/release/xtask

.PHONY: tas $(OXTEE_TA_GOALS)
tas: $(OXTEE_TA_GOALS)
$(OXTEE_TA_GOALS): ta-%: core-tools
ifeq ($(OXTEE_TA_SIGN_KEY_GIVEN),)
	@echo "WARNING: TA_SIGN_KEY is not set: ta/$* is signed with oxtee's public development key (ta/keys/README.md)" >&2
ifneq ($(OXTEE_TA_PUBLIC_KEY_GIVEN),)
	@echo "WARNING: TA_PUBLIC_KEY without TA_SIGN_KEY: the core does not trust the key ta/$* is signed with" >&2
endif
endif
	$(OXTEE_TARGET_ENV) $(OXTEE_ENV) CARGO=$(CARGO) $(XTASK) build-ta ta/$*/ta \
		$(addprefix --cargo-arg=,$(if $(OXTEE_CARGO_FLAGS),--frozen) $(OXTEE_TARGET_FLAGS)) \
		--out-dir $(O)/ta/$* $(if $(OXTEE_TA_SIGN_KEY_GIVEN),--key $(TA_SIGN_KEY))
