# oxtee: a Rust Trusted OS for Arm TrustZone, with its own EL3 firmware.
#
#   make run                 boot QEMU to an interactive normal-world shell
#   make run CMD='...'       boot, run CMD after tee-supplicant is up, power off
#   make xtest               the whole default xtest, results in out/xtest/<tee>/
#   make test                fmt, clippy, host tests, secure-boot tests, QEMU smoke run
#
# TEE=optee boots Debian's OP-TEE 4.5 binary through our firmware.

TEE ?= optee
CMD ?=
XTEST_ARGS ?=
RUN_TIMEOUT ?= 900

include build.mk

.PHONY: all run xtest test fmt-check clippy host-test secure-boot-test smoke clean

all: $(O)/flash-$(TEE).img initramfs

run: all
ifeq ($(strip $(CMD)),)
	$(XTC) run --interactive --flash $(O)/flash-$(TEE).img --out $(O) --log-dir $(O)/run/$(TEE)
else
	$(XTC) run --flash $(O)/flash-$(TEE).img --out $(O) --log-dir $(O)/run/$(TEE) \
		--timeout $(RUN_TIMEOUT) --cmd '$(subst ','"'"',$(CMD))'
endif

xtest: all
	$(XTC) xtest --flash $(O)/flash-$(TEE).img --tee $(TEE) --out $(O) \
		$(if $(strip $(XTEST_ARGS)),--xtest-args '$(XTEST_ARGS)')

test: fmt-check clippy host-test secure-boot-test smoke

fmt-check: deps
	$(CARGO) fmt --all -- --check

clippy: deps
	$(CARGO) clippy -q --workspace --all-targets -- -D warnings
	OXTEE_BL_PUBKEY=$(abspath bootloader/keys/dev-ed25519.pub.bin) \
		$(CARGO) clippy -q -p oxtee-bootloader --target $(BL_TARGET) -- -D warnings

host-test: deps
	$(CARGO) test -q --workspace

secure-boot-test: $(O)/bootloader/bl.bin $(O)/debian/.stamp tools
	bash tools/secure-boot-tests.sh $(O)

smoke: all
	$(XTC) run --flash $(O)/flash-$(TEE).img --out $(O) --log-dir $(O)/smoke/$(TEE) --timeout 600 \
		--cmd 'set -e; grep -c processor /proc/cpuinfo | grep -qx 2; ls /dev/tee0 /dev/teepriv0; xtest -l 0 regression_1001 regression_1004 regression_4001'

clean:
	rm -rf $(O)
