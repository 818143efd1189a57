# oxtee: a Rust Trusted OS for Arm TrustZone, with its own EL3 firmware.
#
#   make run                 boot QEMU to an interactive normal-world shell
#   make run CMD='...'       boot, run CMD after tee-supplicant is up, power off
#   make run TAS=x.ta GUEST_FILES=c:/usr/bin/c CMD=c   the same with your TA and client
#   make xtest               the whole default xtest, results in out/xtest/<tee>/
#   make test                fmt, clippy, host tests, secure-boot tests, QEMU smoke run
#   make sdk-test            the TA SDK's example TA and client on oxtee and OP-TEE
#   make devkit-test         C TAs built with our TA dev kit and Debian's, on oxtee and OP-TEE
#   make teaclave-test       a TA on Teaclave's optee-utee linked against our libutee
#   make all                 the core, the C TA dev kit and the shipped TAs, as OP-TEE's `all` (docs/buildroot.md)
#   make replay-test         Buildroot's and meta-arm's OP-TEE make lines replayed offline
#   make dist                source release with vendored crates, in $(O)/dist (docs/buildroot.md)
#   make msrv-test           make all from that release with the oldest supported Rust
#
# TEE=oxtee (default) boots the oxtee core; TEE=optee boots Debian's OP-TEE 4.5
# binary through the same firmware.
# FIRMWARE=oxtee (default) boots through oxtee's own EL3 firmware;
# FIRMWARE=tf-a through TF-A (BL1, BL2, BL31 with SPD=opteed, built from
# Debian's source package) and U-Boot, as a Yocto or Buildroot image does.
# QEMU_CPU= sets QEMU's -cpu (default max,pauth-impdef=on; e.g. cortex-a57
# has no RNDR, SVE or PAuth).

TEE ?= oxtee
FIRMWARE ?= oxtee
CMD ?=
XTEST_ARGS ?=
RUN_TIMEOUT ?= 900
QEMU_CPU ?= max,pauth-impdef=on
export QEMU_CPU
# STORAGE=<host dir>: tee-supplicant's storage root (the REE FS) kept in
# that directory across boots (virtio-9p); empty: a tmpfs per boot.
STORAGE ?=
# The secure-flash state that belongs to the REE FS (OFFSET:SIZE; empty:
# the core's rollback anchor, ROLLBACK_ANCHOR_FLASH of platform/qemu-virt).
# With STORAGE= it is kept in <dir>.secure-nv across boots and rebuilt flash
# images; without, it is erased before every boot, like the REE FS itself.
STORAGE_NV_REGION ?=

include build.mk

.PHONY: all run xtest test fmt-check clippy host-test debian-file-test driver-smoke secure-boot-test smoke ratchet ta-verify-test fp-test fp-bench entropy-test probe-test tf-a-test storage-test smp1-test mem-test clean

# OP-TEE's `all` (contract.mk): the core in $(O)/core, the C TA dev kit in
# $(O)/export-ta_arm64 and the shipped TAs in $(O)/ta, nothing downloaded.
all: core ta_dev_kit tas

# TAS='a.ta b.ta': TAs installed in the guest's /lib/optee_armtz (by file
# name); GUEST_FILES='host/path:/guest/path ...': other files (e.g. a client).
TAS ?=
GUEST_FILES ?=
RUN_FILES = $(foreach t,$(TAS),--extra-file $(abspath $(t)):/lib/optee_armtz/$(notdir $(t))) \
	$(foreach f,$(GUEST_FILES),--extra-file $(abspath $(firstword $(subst :, ,$(f)))):$(lastword $(subst :, ,$(f))))

run: $(FLASH) initramfs
ifeq ($(strip $(CMD)),)
	$(XTC) run --interactive $(FW_ARGS) $(RUN_FILES) --out $(O) --log-dir $(O)/run/$(RUN_NAME)
else
	$(XTC) run $(FW_ARGS) $(RUN_FILES) --out $(O) --log-dir $(O)/run/$(RUN_NAME) \
		--timeout $(RUN_TIMEOUT) --cmd '$(subst ','"'"',$(value CMD))'
endif

xtest: $(FLASH) initramfs
	$(XTC) xtest $(FW_ARGS) --tee $(RUN_NAME) --out $(O) \
		$(if $(strip $(XTEST_ARGS)),--xtest-args '$(XTEST_ARGS)')

test: fmt-check clippy host-test hot-text-check recipe-check replay-test debian-file-test driver-smoke secure-boot-test smoke ratchet ta-verify-test fp-test entropy-test probe-test storage-test smp1-test mem-test tf-a-test sdk-test ta-nocc-test devkit-test

fmt-check: deps
	$(CARGO) fmt --all -- --check

clippy: deps
	$(CARGO) clippy -q --workspace --all-targets -- -D warnings
	OXTEE_BL_PUBKEY=$(abspath bootloader/keys/dev-ed25519.pub.bin) \
		$(CARGO) clippy -q -p oxtee-bootloader --target $(BL_TARGET) -- -D warnings
	$(CARGO) clippy -q -p oxtee-arch -p oxtee-core-boot -p oxtee-core --target $(BL_TARGET) -- -D warnings
	$(CARGO) clippy -q -p oxtee-core --features core-debug --target $(BL_TARGET) -- -D warnings
	$(CARGO) clippy -q -p oxtee-crypto --no-default-features --lib --tests -- -D warnings
	$(CARGO) clippy -q -p oxtee-qemu-smoke --target $(BL_TARGET) -- -D warnings
	$(CARGO) clippy -q -p oxtee-hello-ta -p oxtee-store-ta -p oxtee-keys-ta -p oxtee-libutee --target aarch64-unknown-none -- -D warnings
	$(CARGO) clippy -q -p oxtee-teec -p hello-client-rs --target aarch64-unknown-linux-gnu -- -D warnings

host-test: deps
	$(CARGO) test -q --workspace
	# oxtee-crypto without any optional algorithm family (src/families.rs).
	$(CARGO) test -q -p oxtee-crypto --no-default-features --lib --test families

# The host tests on real files (#[ignore]d in plain `cargo test`, where the
# files are absent): Debian's signed TAs with the TA dev kit's key, and the
# DT straight from QEMU's machine model. A missing file fails them.
DEBIAN_TA_DIR = $(call bench_pkg,optee-test-qemu)/usr/lib/optee_armtz
QEMU_RAW_DTB := $(abspath $(O)/qemu-virt-raw.dtb)
debian-file-test: $(O)/debian/.stamp
	OXTEE_DEBIAN_TA_DIR=$(DEBIAN_TA_DIR) \
		$(CARGO) test -q -p oxtee-elf --test debian -- --ignored
	OXTEE_DEBIAN_TA_DIR=$(DEBIAN_TA_DIR) OXTEE_TA_KEY_PEM=$(abspath $(O)/debian/optee-os-dev/keys/default.pem) \
		$(CARGO) test -q -p oxtee-ta-verify --test debian -- --ignored
	rm -f $(QEMU_RAW_DTB)
	qemu-system-aarch64 -machine virt,secure=on,virtualization=off,gic-version=3,dumpdtb=$(QEMU_RAW_DTB) \
		-cpu max,pauth-impdef=on -smp 2 -m 1024 -nographic -nic none -monitor none
	OXTEE_FDT_RAW_DTB=$(QEMU_RAW_DTB) $(CARGO) test -q -p oxtee-fdt --test qemu_virt -- --ignored

# On-QEMU test of the drivers (platform/qemu-smoke): both CPUs' GIC set-up,
# fw_cfg DMA (and its refusal for secure RAM), flash, power-off.
driver-smoke: deps
	CARGO=$(CARGO) CROSS_COMPILE=$(CROSS_COMPILE) sh platform/qemu-smoke/run.sh

secure-boot-test: $(O)/bootloader/bl.bin $(O)/debian/.stamp tools
	bash tools/secure-boot-tests.sh $(O)

# The firmware with a complete TEE (Debian's OP-TEE): both CPUs, the TEE devices, TAs.
smoke: $(O)/flash-optee.img initramfs
	$(XTC) run --flash $(O)/flash-optee.img --out $(O) --log-dir $(O)/smoke/optee --timeout 600 \
		--cmd 'set -e; grep -c processor /proc/cpuinfo | grep -qx 2; ls /dev/tee0 /dev/teepriv0; xtest -l 0 regression_1001 regression_1004 regression_4001'

# The ratchet: every case in xtest-compat/expected/oxtee.txt must pass on oxtee.
RATCHET_CASES = $(shell grep -v '^\#' xtest-compat/expected/oxtee.txt | tr '\n' ' ')
ratchet: $(O)/flash-oxtee.img initramfs
	$(XTC) xtest --flash $(O)/flash-oxtee.img --tee oxtee-ratchet --out $(O) \
		--xtest-args '$(strip $(RATCHET_CASES))'

# Signed-TA verification in the oxtee core: tampered TAs are refused; xtest's
# crypt TA re-signed with oxtee's key (OXTEE_TA_KEY) is accepted, re-signed
# with a key generated here (never trusted, never committed) is refused; a
# TA version floor survives a reboot on a kept REE FS (ta_ver.db).
CRYPT_TA_UUID := cb3e5ba0-adf1-11e0-998b-0002a5d5c51b
TA_RESIGN := $(O)/ta-resign
ta-verify-test: $(O)/flash-oxtee.img initramfs tools
	@test -n "$(strip $(OXTEE_TA_KEY))" || { echo "ta-verify-test needs OXTEE_TA_KEY"; exit 1; }
	@mkdir -p $(TA_RESIGN)
	$(TA_SIGN_TOOL) extract-elf -o $(TA_RESIGN)/crypt.elf \
		--in $(call bench_pkg,optee-test-qemu)/usr/lib/optee_armtz/$(CRYPT_TA_UUID).ta
	test -f $(TA_RESIGN)/untrusted-key.pem || $(TA_SIGN_TOOL) keygen -o $(TA_RESIGN)/untrusted-key.pem
	$(TA_SIGN_TOOL) sign --key $(OXTEE_TA_KEY) --uuid $(CRYPT_TA_UUID) \
		--in $(TA_RESIGN)/crypt.elf -o $(TA_RESIGN)/crypt-oxtee-key.ta
	$(TA_SIGN_TOOL) sign --key $(TA_RESIGN)/untrusted-key.pem --uuid $(CRYPT_TA_UUID) \
		--in $(TA_RESIGN)/crypt.elf -o $(TA_RESIGN)/crypt-untrusted-key.ta
	$(TA_SIGN_TOOL) sign --key $(OXTEE_TA_KEY) --uuid $(CRYPT_TA_UUID) --ta-version 2 \
		--in $(TA_RESIGN)/crypt.elf -o $(TA_RESIGN)/crypt-v2.ta
	$(TA_SIGN_TOOL) sign --key $(OXTEE_TA_KEY) --uuid $(CRYPT_TA_UUID) --ta-version 1 \
		--in $(TA_RESIGN)/crypt.elf -o $(TA_RESIGN)/crypt-v1.ta
	$(XTC) run --flash $(O)/flash-oxtee.img --out $(O) --log-dir $(O)/ta-verify --timeout 600 \
		--extra-file tools/ta-tamper-check.sh:/etc/oxtee/ta-tamper-check \
		--extra-file $(TA_RESIGN)/crypt-oxtee-key.ta:/etc/oxtee/crypt-oxtee-key.ta \
		--extra-file $(TA_RESIGN)/crypt-untrusted-key.ta:/etc/oxtee/crypt-untrusted-key.ta \
		--extra-file $(TA_RESIGN)/crypt-v2.ta:/etc/oxtee/crypt-v2.ta \
		--extra-file $(TA_RESIGN)/crypt-v1.ta:/etc/oxtee/crypt-v1.ta \
		--cmd 'sh /etc/oxtee/ta-tamper-check'
	rm -rf $(O)/ta-floor/store $(O)/ta-floor/store.secure-nv
	for step in raise check; do \
		$(XTC) run --flash $(O)/flash-oxtee.img --storage $(O)/ta-floor/store \
			--out $(O) --log-dir $(O)/ta-floor/$$step --timeout 600 \
			--extra-file tools/ta-floor-check.sh:/etc/oxtee/ta-floor-check \
			--extra-file $(TA_RESIGN)/crypt-v2.ta:/etc/oxtee/crypt-v2.ta \
			--extra-file $(TA_RESIGN)/crypt-v1.ta:/etc/oxtee/crypt-v1.ta \
			--cmd "sh /etc/oxtee/ta-floor-check $$step" || exit 1; \
	done

# What Linux sees of the TEE besides calls: asynchronous notifications on
# (and their interrupt delivered once: the first bottom half), the core's
# memory reserved in the DT.
probe-test: $(O)/flash-oxtee.img initramfs
	$(XTC) run --cpu '$(QEMU_CPU)' --flash $(O)/flash-oxtee.img --out $(O) --log-dir $(O)/probe-test --timeout 600 \
		--cmd 'set -e; dmesg | grep "optee: Asynchronous notifications enabled"; \
			grep optee_notification /proc/interrupts | awk "{ n = 0; for (i = 2; i <= 3; i++) n += \$$i } END { exit !(n > 0) }"; \
			ls /proc/device-tree/reserved-memory/optee_core@e100000'

# One CPU (`-smp 1`, a later word than the default `-smp 2`): user TAs open
# and the secure storage commits (the core's flash anchor waits only for the
# CPUs the DT lists). xtest's storage cases and its crypto_perf TA; about
# fifteen seconds. xtest passes the 6xxx cases without running a subtest
# when it cannot open the storage TA ("init_storage_info() failed"), so
# that line fails the run. TEE=optee runs the same on OP-TEE.
SMP1_CASES ?= regression_1001 regression_6001 regression_6002 regression_6010
smp1-test: $(FLASH) initramfs
	OXTEE_QEMU_EXTRA_ARGS='$(OXTEE_QEMU_EXTRA_ARGS) -smp 1' \
	$(XTC) run $(FW_ARGS) --out $(O) --log-dir $(O)/smp1-test/$(RUN_NAME) --timeout 600 \
		--cmd 'set -e; test "$$(grep -c ^processor /proc/cpuinfo)" = 1; \
			xtest -l 0 $(SMP1_CASES) >/tmp/smp1.out 2>&1 || { cat /tmp/smp1.out; exit 1; }; \
			tail -4 /tmp/smp1.out; ! grep "init_storage_info() failed" /tmp/smp1.out; \
			xtest --aes-perf -s 4096 -n 10'

# FP/SIMD registers of the normal world survive TA calls on every CPU
# (tools/guest/oxtee-fp-check.c): d8-d15 across each call, v0-v31 and FPCR
# of threads that never call, and (QEMU's max CPU has SVE) the whole SVE
# state of such threads. TEE=optee runs the same check on OP-TEE.
FP_CHECK := $(O)/guest/oxtee-fp-check
FP_PROBE_UUID := b5c09ff4-56a2-4037-9e1c-283e2418455b
FP_PROBE_TA := $(O)/guest/fp-probe-ta/$(FP_PROBE_UUID).ta
FP_CHECK_CALLS ?= 1500
FP_CHECK_FP_CALLS ?= 4
FP_CHECK_SPINNERS ?= 2
FP_CHECK_SVE_SPINNERS ?= 2
fp-test: $(FLASH) initramfs $(FP_CHECK) $(FP_PROBE_TA)
	$(XTC) run $(FW_ARGS) --out $(O) --log-dir $(O)/fp-test/$(RUN_NAME) --timeout 900 \
		--extra-file $(FP_CHECK):/usr/bin/oxtee-fp-check \
		--extra-file $(FP_PROBE_TA):/lib/optee_armtz/$(notdir $(FP_PROBE_TA)) \
		--cmd 'oxtee-fp-check $(FP_CHECK_CALLS) $(FP_CHECK_FP_CALLS) $(FP_CHECK_SPINNERS) $(FP_CHECK_SVE_SPINNERS)'

# The core's memcpy and memset (core/arch/src/asm/mem.S) against byte loops,
# as a Linux program in the guest (tools/guest/mem-check.c; the assembly is
# built into it with its symbols renamed).
MEM_CHECK := $(O)/guest/mem-check
mem-test: $(FLASH) initramfs $(MEM_CHECK)
	$(XTC) run $(FW_ARGS) --out $(O) --log-dir $(O)/mem-test/$(RUN_NAME) --timeout 600 \
		--extra-file $(MEM_CHECK):/usr/bin/mem-check --cmd 'mem-check'

$(MEM_CHECK): tools/guest/mem-check.c core/arch/src/asm/mem.S $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc -c -Dmemcpy=oxtee_memcpy -Dmemset=oxtee_memset core/arch/src/asm/mem.S -o $@.o
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -std=c11 $< $@.o -o $@

# What lazy FP costs a call: the probe TA's command that touches no FP/SIMD
# register against the one that runs one FP instruction.
FP_BENCH_CALLS ?= 3000
fp-bench: $(FLASH) initramfs $(FP_CHECK) $(FP_PROBE_TA)
	$(XTC) run $(FW_ARGS) --out $(O) --log-dir $(O)/fp-bench/$(RUN_NAME) --timeout 900 \
		--extra-file $(FP_CHECK):/usr/bin/oxtee-fp-check \
		--extra-file $(FP_PROBE_TA):/lib/optee_armtz/$(notdir $(FP_PROBE_TA)) \
		--cmd 'oxtee-fp-check bench $(FP_BENCH_CALLS)'

# The FP probe TA (tools/guest/fp-probe-ta), built with the TA dev kit of
# Debian's optee-os-dev and signed with its key, like xtest's TAs.
$(FP_PROBE_TA): $(wildcard tools/guest/fp-probe-ta/*) $(O)/debian/.stamp
	@mkdir -p $(dir $@)
	$(MAKE) --no-print-directory -s -C tools/guest/fp-probe-ta \
		TA_DEV_KIT_DIR=$(call bench_pkg,optee-os-dev)/usr/lib/optee-os-dev/vexpress-qemu_armv8a \
		CROSS_COMPILE=$(CROSS_COMPILE) O=$(abspath $(dir $@))

$(FP_CHECK): tools/guest/oxtee-fp-check.c tools/guest/fp-probe-ta/fp_probe_ta.h $(O)/debian/.stamp
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -std=c11 \
		-I$(call bench_pkg,optee-client-dev)/usr/include $< -o $@ \
		-L$(call bench_pkg,libteec2)/usr/lib/aarch64-linux-gnu -l:libteec.so.2 \
		-Wl,--allow-shlib-undefined -lpthread

# Guest client of the storage TA (tools/guest/oxtee-storage-check.c):
# deterministic objects written, checked, removed, rewritten in a loop.
STORAGE_CHECK := $(O)/guest/oxtee-storage-check
$(STORAGE_CHECK): tools/guest/oxtee-storage-check.c $(O)/debian/.stamp
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -std=c11 \
		-I$(call bench_pkg,optee-client-dev)/usr/include $< -o $@ \
		-L$(call bench_pkg,libteec2)/usr/lib/aarch64-linux-gnu -l:libteec.so.2 \
		-Wl,--allow-shlib-undefined

# Secure storage on QEMU with the REE FS in host directories
# (tools/storage-test.sh): persistence across boots on each TEE, OP-TEE <->
# oxtee format compatibility both ways, rollback refusal (oxtee's anchor is
# in the secure flash: each leg reuses one copy of the flash image) and a
# power cut mid-rewrite. A failing oxtee build fails only oxtee's steps.
STORAGE_TEST_TEES ?= optee oxtee
STORAGE_TEST_LEGS ?= persist compat rollback powercut
STORAGE_TEST_ROLLBACK_TEES ?= oxtee
storage-test: $(O)/flash-optee.img initramfs $(STORAGE_CHECK) tools
	@if $(MAKE) --no-print-directory $(O)/flash-oxtee.img; then b=ok; \
	else b=failed; echo "storage-test: oxtee image did not build"; fi; \
	O=$(O) XTC=$(XTC) CLIENT=$(STORAGE_CHECK) OXTEE_BUILD=$$b \
		TEES='$(STORAGE_TEST_TEES)' LEGS='$(STORAGE_TEST_LEGS)' \
		ROLLBACK_TEES='$(STORAGE_TEST_ROLLBACK_TEES)' bash tools/storage-test.sh

# Behind TF-A + U-Boot (what a Yocto/Buildroot image boots): a subset of
# the ratchet (FP users, the timer self test, sockets, crypto) and the FP
# check. `make xtest FIRMWARE=tf-a` runs the whole suite.
TFA_CASES ?= regression_1001 regression_1004 regression_1006 regression_1008 regression_1012 \
	regression_1013 regression_2001 regression_4001 regression_4006 regression_4011
tf-a-test:
	$(MAKE) --no-print-directory xtest FIRMWARE=tf-a XTEST_ARGS='$(TFA_CASES)'
	$(MAKE) --no-print-directory fp-test FIRMWARE=tf-a

# Entropy without RNDR: on a CPU without FEAT_RNG the core seeds its DRBG from
# the DT's boot seed. Two boots must read different, non-zero bytes from
# /dev/hwrng, and the cases that generate keys and random numbers must pass.
ENTROPY_CPU ?= cortex-a57
ENTROPY_CASES := regression_4006 regression_4007_symmetric regression_4007_rsa \
	regression_4007_dh regression_4007_dsa regression_4007_ecc regression_4007_x25519 \
	regression_4007_ed25519 regression_4011
entropy-test: $(O)/flash-oxtee.img initramfs tools
	XTC=$(XTC) bash tools/entropy-test.sh $(O) $(O)/flash-oxtee.img $(ENTROPY_CPU)
	$(XTC) xtest --cpu $(ENTROPY_CPU) --flash $(O)/flash-oxtee.img --tee oxtee-$(ENTROPY_CPU) \
		--out $(O) --xtest-args '$(ENTROPY_CASES)'

clean:
	rm -rf $(O)

# Buildroot's and meta-arm's make lines for OP-TEE, replayed on an export of
# this tree with no network (tools/replay-test.sh; docs/buildroot.md).
.PHONY: dist replay-test recipe-check msrv-test
# make all from a make dist tarball with the workspace's rust-version,
# offline (tools/msrv-test.sh; needs that toolchain installed by rustup).
msrv-test:
	bash tools/msrv-test.sh $(O)/msrv

# The Buildroot fragment and the meta-oxtee layer in contrib/ held to
# contract.mk and meta-arm's paths (no Buildroot or bitbake runs here).
recipe-check:
	python3 tools/recipe-check.py .

# Source release: the tree, its crates vendored, .cargo/config.toml (tools/dist.sh).
dist:
	bash tools/dist.sh $(O)/dist

replay-test:
	bash tools/replay-test.sh $(O)/replay

# Where the core image's bytes go, per crate (bench/size.md): this tree's
# image against SIZE_BASE (a git revision) when given; SIZE_FAMILIES=1 adds
# the image without each optional algorithm family (bench/README.md).
SIZE_BASE ?=
SIZE_FAMILIES ?= 0
.PHONY: size-table
size-table: core
	O=$(O) SIZE_BASE=$(SIZE_BASE) SIZE_FAMILIES=$(SIZE_FAMILIES) NM=$(OXTEE_NM) \
		OBJCOPY=$(OXTEE_OBJCOPY) OXTEE_TA_KEYS=$(abspath $(O)/keys/ta-keys.bin) \
		CARGO="$(OXTEE_CARGO)" bash tools/size-report.sh

# Benchmark: OP-TEE and oxtee booted in turn on the same QEMU, the client
# bench/client/oxtee-bench.c run in each; table in bench/results.md
# (bench/README.md). A failing oxtee build or boot leaves the OP-TEE half intact.
BENCH_ITERATIONS ?= 200
BENCH_INVOKES ?= 1000
BENCH_RESULTS ?= $(if $(filter tf-a,$(FIRMWARE)),bench/results-tf-a.md,bench/results.md)
BENCH_CLIENT := $(O)/bench/oxtee-bench
HELLO_C_TA := $(O)/bench/hello-c-ta/f015f096-7189-4c6d-81da-71d5459239f0.ta
# Extract directory of a fetched Debian package (from the manifest).
bench_pkg = $(shell awk -F '\t' '$$1 == "pkg:$(1)" { print $$2 }' $(O)/debian/manifest.tsv)

.PHONY: bench
bench: $(call flash_of,optee) initramfs $(BENCH_CLIENT) sdk-ta $(HELLO_C_TA)
	@if $(MAKE) --no-print-directory $(call flash_of,oxtee); then b=ok; \
	else b=failed; echo "bench: oxtee image did not build, reporting n/a"; fi; \
	O=$(O) XTC=$(XTC) CLIENT=$(BENCH_CLIENT) RESULTS=$(BENCH_RESULTS) \
		ITERATIONS=$(BENCH_ITERATIONS) INVOKES=$(BENCH_INVOKES) OXTEE_BUILD=$$b \
		FIRMWARE=$(FIRMWARE) bash tools/bench.sh

# The core's hot-text list (core/image/hot-text.ld): which functions
# linker.ld puts first, from a trace of the bench client's calls and
# xtest's AES and SHA loops on the current core (tools/hot-text.sh).
.PHONY: hot-text
hot-text: $(call flash_of,oxtee) initramfs $(BENCH_CLIENT) sdk-ta $(HELLO_C_TA)
	O=$(O) CLIENT=$(abspath $(BENCH_CLIENT)) \
		TAS="$(abspath $(O)/sdk/oxtee/$(SDK_HELLO_UUID).ta) $(abspath $(HELLO_C_TA))" \
		bash tools/hot-text.sh

# The hot-text list still names the core's functions (90% at least) and
# linker.ld packs them at the start of its Rust code.
.PHONY: hot-text-check
hot-text-check: deps core
	python3 tools/hot-text.py --check $(CORE_OUT)/tee.elf core/image/hot-text.ld

# The three boot rows of `make bench`, repeated: BOOT_BENCH_BOOTS boots of
# each TEE, alternating, `CMD=true`; minimum and median per TEE
# (bench/README.md). Logs in $(O)/boot-bench/.
BOOT_BENCH_BOOTS ?= 5
.PHONY: boot-bench
boot-bench: $(call flash_of,optee) $(call flash_of,oxtee) initramfs
	O=$(O) XTC=$(XTC) BOOTS=$(BOOT_BENCH_BOOTS) FIRMWARE=$(FIRMWARE) QEMU_CPU='$(QEMU_CPU)' \
		bash tools/boot-bench.sh

# The C twin of the TA SDK's example (bench/hello-c-ta), built with the TA
# dev kit of Debian's optee-os-dev and signed with its key.
$(HELLO_C_TA): $(wildcard bench/hello-c-ta/*) $(O)/debian/.stamp
	@mkdir -p $(dir $@)
	$(MAKE) --no-print-directory -s -C bench/hello-c-ta \
		TA_DEV_KIT_DIR=$(call bench_pkg,optee-os-dev)/usr/lib/optee-os-dev/vexpress-qemu_armv8a \
		CROSS_COMPILE=$(CROSS_COMPILE) O=$(abspath $(dir $@))

$(BENCH_CLIENT): bench/client/oxtee-bench.c $(O)/debian/.stamp
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -std=c11 \
		-I$(call bench_pkg,optee-client-dev)/usr/include $< -o $@ \
		-L$(call bench_pkg,libteec2)/usr/lib/aarch64-linux-gnu -l:libteec.so.2 \
		-Wl,--allow-shlib-undefined

# TA SDK (docs/ta-sdk.md): the example TA, the secure store TA and the
# keystore TA built by
# `cargo xtask build-ta`, signed with oxtee's development key for oxtee and
# with the TA dev kit's key (TA_SIGN_KEY) for OP-TEE 4.5, then driven on each
# TEE in one boot by the example's client
# (ta/examples/hello/client/hello-client.c) and the store's CLI
# (ta/store/cli/oxtee-store.c, checked by ta/store/cli/store-check.sh) and
# the keystore's CLI (ta/keys/cli/oxtee-keys.c, checked against OpenSSL by
# ta/keys/cli/keys-check.sh).
.PHONY: sdk-ta sdk-test
SDK_HELLO_UUID := a7b321a8-0a28-4992-83bd-b757bbc3d4cd
SDK_STORE_UUID := 588650c2-5723-471c-8032-d69fb51ffbf5
SDK_KEYS_UUID := 503e942a-9abe-4f33-8426-cd4281f7d584
SDK_TEES ?= oxtee optee
HELLO_CLIENT := $(O)/guest/hello-client
HELLO_CLIENT_RS := $(O)/guest/hello-client-rs
STORE_CLI := $(O)/guest/oxtee-store
KEYS_CLI := $(O)/guest/oxtee-keys
SDK_KEY_oxtee = $(or $(strip $(OXTEE_TA_KEY)),$(TA_SIGN_KEY))
SDK_KEY_optee = $(TA_SIGN_KEY)
sdk-ta: $(O)/debian/.stamp
	@for tee in $(SDK_TEES); do \
		case $$tee in oxtee) key='$(SDK_KEY_oxtee)';; optee) key='$(SDK_KEY_optee)';; esac; \
		test -n "$$key" || { echo "sdk-ta: no TA key for $$tee"; exit 1; }; \
		for ta in ta/examples/hello/ta ta/store/ta ta/keys/ta; do \
			$(CARGO) xtask build-ta $$ta --key "$$key" --out-dir $(O)/sdk/$$tee || exit 1; \
		done; \
	done
	OXTEE_SDK_TA_ELF=$(abspath $(O)/sdk/$(firstword $(SDK_TEES))/$(SDK_HELLO_UUID).elf) \
		$(CARGO) test -q -p xtask -- --ignored

# The TA build with no C compiler reachable (tools/ta-nocc-check.sh): the
# host helpers are built first, then the SDK's crates and the TAs are
# compiled, linked and signed with only the Rust toolchain on PATH.
.PHONY: ta-nocc-test
ta-nocc-test: deps
	@mkdir -p $(O)/ta-nocc
	bash tools/ta-nocc-check.sh $(O)/ta-nocc ta/examples/hello/ta ta/store/ta ta/keys/ta

sdk-test: $(foreach t,$(SDK_TEES),$(O)/flash-$(t).img) initramfs $(HELLO_CLIENT) $(HELLO_CLIENT_RS) $(STORE_CLI) $(KEYS_CLI) sdk-ta
	@for tee in $(SDK_TEES); do \
		echo "sdk-test: $$tee"; \
		$(XTC) run --flash $(O)/flash-$$tee.img --out $(O) --log-dir $(O)/sdk-test/$$tee --timeout 600 \
			--extra-file $(O)/sdk/$$tee/$(SDK_HELLO_UUID).ta:/lib/optee_armtz/$(SDK_HELLO_UUID).ta \
			--extra-file $(O)/sdk/$$tee/$(SDK_STORE_UUID).ta:/lib/optee_armtz/$(SDK_STORE_UUID).ta \
			--extra-file $(O)/sdk/$$tee/$(SDK_KEYS_UUID).ta:/lib/optee_armtz/$(SDK_KEYS_UUID).ta \
			--extra-file $(HELLO_CLIENT):/usr/bin/hello-client \
			--extra-file $(HELLO_CLIENT_RS):/usr/bin/hello-client-rs \
			--extra-file $(STORE_CLI):/usr/bin/oxtee-store \
			--extra-file ta/store/cli/store-check.sh:/usr/bin/store-check \
			--extra-file $(KEYS_CLI):/usr/bin/oxtee-keys \
			--extra-file ta/keys/cli/keys-check.sh:/usr/bin/keys-check \
			--cmd "HELLO_TEE=$$tee hello-client && hello-client-rs && store-check && keys-check" || exit 1; \
		echo "sdk-test: $$tee: sealed blobs across a reboot"; \
		rm -rf $(O)/sdk-test/$$tee/reboot-storage $(O)/sdk-test/$$tee/reboot-storage.secure-nv; \
		mkdir -p $(O)/sdk-test/$$tee/reboot-storage; \
		for leg in seal unseal; do \
			$(XTC) run --flash $(O)/flash-$$tee.img --storage $(O)/sdk-test/$$tee/reboot-storage \
				--out $(O) --log-dir $(O)/sdk-test/$$tee/reboot-$$leg --timeout 300 \
				--extra-file $(O)/sdk/$$tee/$(SDK_STORE_UUID).ta:/lib/optee_armtz/$(SDK_STORE_UUID).ta \
				--extra-file $(STORE_CLI):/usr/bin/oxtee-store \
				--extra-file ta/store/cli/store-reboot-check.sh:/usr/bin/store-reboot-check \
				--cmd "store-reboot-check $$leg" || exit 1; \
			test -s $(O)/sdk-test/$$tee/reboot-storage/reboot-bound.blob || \
				{ echo "sdk-test: no blob kept across the reboot"; exit 1; }; \
		done; \
	done

$(STORE_CLI): ta/store/cli/oxtee-store.c $(O)/debian/.stamp
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -std=c11 \
		-I$(call bench_pkg,optee-client-dev)/usr/include $< -o $@ \
		-L$(call bench_pkg,libteec2)/usr/lib/aarch64-linux-gnu -l:libteec.so.2 \
		-Wl,--allow-shlib-undefined

$(KEYS_CLI): ta/keys/cli/oxtee-keys.c $(O)/debian/.stamp
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -std=c11 -D_POSIX_C_SOURCE=200809L \
		-I$(call bench_pkg,optee-client-dev)/usr/include $< -o $@ \
		-L$(call bench_pkg,libteec2)/usr/lib/aarch64-linux-gnu -l:libteec.so.2 \
		-Wl,--allow-shlib-undefined

# The Rust client over oxtee-teec: the Linux TEE ioctls, no libteec, no C.
.PHONY: $(HELLO_CLIENT_RS)
$(HELLO_CLIENT_RS): deps
	@mkdir -p $(dir $@)
	$(CARGO) build -q --release -p hello-client-rs --target aarch64-unknown-linux-gnu
	cp target/aarch64-unknown-linux-gnu/release/hello-client-rs $@

$(HELLO_CLIENT): ta/examples/hello/client/hello-client.c $(O)/debian/.stamp
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -std=c11 \
		-I$(call bench_pkg,optee-client-dev)/usr/include $< -o $@ \
		-L$(call bench_pkg,libteec2)/usr/lib/aarch64-linux-gnu -l:libteec.so.2 \
		-Wl,--allow-shlib-undefined

# The C TA dev kit (make ta_dev_kit, docs/ta-dev-kit.md) against Debian's
# OP-TEE 4.5 kit: the C example TAs (ta/c-examples) built with both kits,
# run on both TEEs by c-examples-check. Builds: oxkit-devkey (our kit and
# its default key, which only oxtee trusts), oxkit (our kit, signed with
# the key OP-TEE trusts), debkit (Debian's kit and its key). FIRMWARE=tf-a
# boots behind TF-A.
DEVKIT_TEES ?= oxtee optee
C_EXAMPLES := hello storage ta2ta
DEBIAN_DEVKIT = $(call bench_pkg,optee-os-dev)/usr/lib/optee-os-dev/vexpress-qemu_armv8a
C_EXAMPLES_CHECK := $(O)/guest/c-examples-check
DEVKIT_OUT := $(O)/devkit-test
devkit_builds_oxtee := oxkit-devkey oxkit debkit
devkit_builds_optee := oxkit debkit

# $(1): build name, $(2): kit directory, $(3): extra make variables
define devkit_build
	@rm -rf $(DEVKIT_OUT)/$(1) && mkdir -p $(DEVKIT_OUT)/$(1)/tas
	@for ta in $(C_EXAMPLES); do \
		$(MAKE) --no-print-directory -s -C ta/c-examples/$$ta TA_DEV_KIT_DIR=$(abspath $(2)) \
			CROSS_COMPILE=$(CROSS_COMPILE) O=$(abspath $(DEVKIT_OUT)/$(1)/$$ta) $(3) \
			2> $(DEVKIT_OUT)/$(1)/$$ta.log || { cat $(DEVKIT_OUT)/$(1)/$$ta.log; exit 1; }; \
		cp $(DEVKIT_OUT)/$(1)/$$ta/*.ta $(DEVKIT_OUT)/$(1)/tas/ || exit 1; \
	done
	@echo "devkit-tas: $(1): $$(ls $(DEVKIT_OUT)/$(1)/tas | wc -l) TAs"
endef

.PHONY: devkit-tas devkit-test
devkit-tas: ta_dev_kit $(O)/debian/.stamp
	tools/devkit-constants-check.sh $(DEVKIT) $(DEBIAN_DEVKIT) $(DEVKIT_OUT)/constants
	$(call devkit_build,oxkit-devkey,$(DEVKIT),)
	grep -q "PUBLIC development key" $(DEVKIT_OUT)/oxkit-devkey/hello.log
	$(call devkit_build,oxkit,$(DEVKIT),TA_SIGN_KEY=$(abspath $(TA_SIGN_KEY)))
	$(call devkit_build,debkit,$(DEBIAN_DEVKIT),)

# $(1): TEE. The TA files are listed when the recipe runs (after devkit-tas).
define devkit_run
	$(XTC) run --cpu '$(QEMU_CPU)' $(call fw_args_of,$(1)) --out $(O) \
		--log-dir $(DEVKIT_OUT)/$(if $(filter tf-a,$(FIRMWARE)),tf-a-)$(1) --timeout 600 \
		--extra-file $(C_EXAMPLES_CHECK):/usr/bin/c-examples-check \
		--extra-file ta/c-examples/client/c-examples-run.sh:/usr/bin/c-examples-run \
		$$(for b in $(devkit_builds_$(1)); do for f in $(DEVKIT_OUT)/$$b/tas/*.ta; do \
			echo "--extra-file $$f:/root/c-examples/$$b/$$(basename $$f)"; done; done) \
		--cmd 'c-examples-run $(addprefix /root/c-examples/,$(devkit_builds_$(1)))'

endef

devkit-test: $(foreach t,$(DEVKIT_TEES),$(call flash_of,$(t))) initramfs $(C_EXAMPLES_CHECK) devkit-tas
	$(foreach t,$(DEVKIT_TEES),$(call devkit_run,$(t)))

$(C_EXAMPLES_CHECK): ta/c-examples/client/c-examples-check.c ta/c-examples/include/c_examples.h $(O)/debian/.stamp
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -std=c11 \
		-I$(call bench_pkg,optee-client-dev)/usr/include $< -o $@ \
		-L$(call bench_pkg,libteec2)/usr/lib/aarch64-linux-gnu -l:libteec.so.2 \
		-Wl,--allow-shlib-undefined

# A TA on Teaclave's optee-utee 0.10 (crates.io) linked against our kit's
# libutee.a (ta/compat/teaclave-hello, decision 0004), signed by the kit's
# signer, run on both TEEs. Not in `make test`: its first build fetches
# crates from the registry.
TEACLAVE_UUID := 9e3a8c2f-3b7d-4e51-a1c6-0d2f7b5e9a14
TEACLAVE_OUT := $(O)/teaclave
TEACLAVE_CHECK := $(O)/guest/teaclave-hello-check
.PHONY: teaclave-ta teaclave-test
teaclave-ta: ta_dev_kit
	cd ta/compat/teaclave-hello && $(OXTEE_ENV) TA_DEV_KIT_DIR=$(abspath $(DEVKIT)) \
		CC=$(CROSS_COMPILE)gcc CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=$(CROSS_COMPILE)gcc \
		$(CARGO) build -q --release --locked --target aarch64-unknown-linux-gnu \
		--target-dir $(abspath $(TEACLAVE_OUT)/target)
	@mkdir -p $(TEACLAVE_OUT)
	$(CROSS_COMPILE)objcopy --strip-unneeded \
		$(TEACLAVE_OUT)/target/aarch64-unknown-linux-gnu/release/teaclave-hello-ta \
		$(TEACLAVE_OUT)/$(TEACLAVE_UUID).stripped.elf
	$(DEVKIT)/bin/oxtee-ta-sign sign --key $(TA_SIGN_KEY) --uuid $(TEACLAVE_UUID) \
		--in $(TEACLAVE_OUT)/$(TEACLAVE_UUID).stripped.elf --out $(TEACLAVE_OUT)/$(TEACLAVE_UUID).ta

define teaclave_run
	$(XTC) run --cpu '$(QEMU_CPU)' $(call fw_args_of,$(1)) --out $(O) \
		--log-dir $(TEACLAVE_OUT)/$(if $(filter tf-a,$(FIRMWARE)),tf-a-)$(1) --timeout 600 \
		--extra-file $(TEACLAVE_CHECK):/usr/bin/teaclave-hello-check \
		--extra-file $(TEACLAVE_OUT)/$(TEACLAVE_UUID).ta:/lib/optee_armtz/$(TEACLAVE_UUID).ta \
		--cmd 'teaclave-hello-check'

endef

teaclave-test: $(foreach t,$(DEVKIT_TEES),$(call flash_of,$(t))) initramfs $(TEACLAVE_CHECK) teaclave-ta
	$(foreach t,$(DEVKIT_TEES),$(call teaclave_run,$(t)))

$(TEACLAVE_CHECK): ta/compat/teaclave-hello/client/teaclave-hello-check.c $(O)/debian/.stamp
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -std=c11 \
		-I$(call bench_pkg,optee-client-dev)/usr/include $< -o $@ \
		-L$(call bench_pkg,libteec2)/usr/lib/aarch64-linux-gnu -l:libteec.so.2 \
		-Wl,--allow-shlib-undefined
