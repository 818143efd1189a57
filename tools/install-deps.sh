#!/usr/bin/env bash
# Installs what building and running oxtee needs on a fresh Debian machine
# that has only the Rust toolchain. Idempotent: does nothing when all is there.
#
#   install-deps.sh          what every build and run needs
#   install-deps.sh tf-a     also what building TF-A from Debian's source
#                            package needs (FIRMWARE=tf-a)
set -euo pipefail

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
have qemu-system-aarch64 || need_pkgs+=(qemu-system-arm)
have aarch64-linux-gnu-objcopy || need_pkgs+=(binutils-aarch64-linux-gnu)
have aarch64-linux-gnu-gcc || need_pkgs+=(gcc-aarch64-linux-gnu)
# C headers and libc for the guest programs (bench client, FP check).
[ -f /usr/aarch64-linux-gnu/include/stdio.h ] || need_pkgs+=(libc6-dev-arm64-cross)
have dpkg-deb || need_pkgs+=(dpkg)
have apt-get || { echo "install-deps: apt-get is required (Debian host)" >&2; exit 1; }
have dtc || need_pkgs+=(device-tree-compiler)
have cpio || need_pkgs+=(cpio)
# The TA dev kit's signing script (the FP probe TA of `make fp-test`).
have make || need_pkgs+=(make)
python3 -c 'import cryptography' 2>/dev/null || need_pkgs+=(python3-cryptography)
have xz || need_pkgs+=(xz-utils)
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || need_pkgs+=(debian-archive-keyring)
if [ "${1:-}" = tf-a ]; then
    # apt-get source unpacks with dpkg-source; TF-A's host tool (fiptool)
    # needs a host compiler and OpenSSL's headers.
    have dpkg-source || need_pkgs+=(dpkg-dev)
    have make || need_pkgs+=(make)
    have gcc || need_pkgs+=(gcc)
    [ -f /usr/include/openssl/sha.h ] || need_pkgs+=(libssl-dev)
fi

if [ ${#need_pkgs[@]} -gt 0 ]; then
    echo "install-deps: installing ${need_pkgs[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need_pkgs[@]}"
fi

# aarch64-unknown-linux-gnu: Rust programs for the guest (linked by
# aarch64-linux-gnu-gcc, see .cargo/config.toml).
for t in aarch64-unknown-none aarch64-unknown-none-softfloat aarch64-unknown-linux-gnu; do
    if ! rustup target list --installed | grep -qx "$t"; then
        rustup target add "$t"
    fi
done
for c in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$c"; then
        rustup component add "$c"
    fi
done
