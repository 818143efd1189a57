#!/usr/bin/env python3
"""Static check of the recipes in contrib/ against the tree they build.

No Buildroot or bitbake runs here (docs/yocto.md); this holds the recipe
files to what `make replay-test` replays: every make variable they pass is
one contract.mk reads or accepts, no early TA is asked for, install and
deploy take meta-arm's paths, the license checksum is that of LICENSE, and
the version and source directory match `make dist`'s tarball.

    recipe-check.py [TREE]
"""

import hashlib
import re
import sys
from pathlib import Path

TREE = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
failures = []


def check(ok, what):
    if ok:
        print(f"recipe-check: ok: {what}")
    else:
        print(f"recipe-check: FAIL: {what}", file=sys.stderr)
        failures.append(what)


def make_list(text, name):
    """Words of a `NAME := ...` definition with backslash continuations."""
    m = re.search(rf"^{name} :=((?:.*\\\n)*.*)$", text, re.M)
    return set(m.group(1).replace("\\\n", " ").split()) if m else set()


contract = (TREE / "contract.mk").read_text()
known = make_list(contract, "OXTEE_CONTRACT_READ") | make_list(contract, "OXTEE_CONTRACT_IGNORED")
check(len(known) > 20, f"contract.mk names {len(known)} variables")
EARLY = {"EARLY_TA_PATHS", "CFG_IN_TREE_EARLY_TAS", "CFG_EARLY_TA"}


def check_vars(names, where):
    names = set(names)
    unknown = sorted(n for n in names if n not in known and not n.startswith("CFG_"))
    check(names and not unknown, f"{where}: make variables known to contract.mk: "
          + (" ".join(sorted(names)) if not unknown else f"unknown {unknown}"))
    check(not names & EARLY, f"{where}: asks for no early TA")


ws_version = re.search(r'^\[workspace\.package\][^\[]*?^version = "([^"]+)"', (TREE / "Cargo.toml").read_text(), re.M | re.S).group(1)

# ---- meta-oxtee
layer = TREE / "contrib/meta-oxtee"
conf = (layer / "conf/layer.conf").read_text()
check('BBFILE_COLLECTIONS += "oxtee"' in conf, "layer.conf: collection oxtee")
check(re.search(r'^LAYERDEPENDS_oxtee = ".*\bmeta-arm\b', conf, re.M), "layer.conf: depends on meta-arm")
check(re.search(r'^LAYERSERIES_COMPAT_oxtee = "\w', conf, re.M), "layer.conf: LAYERSERIES_COMPAT set")

recipes = sorted((layer / "recipes-security/oxtee").glob("oxtee_*.bb"))
check(len(recipes) == 1, f"one oxtee recipe: {[r.name for r in recipes]}")
for recipe in recipes:
    bb = recipe.read_text()
    name = recipe.name
    pv = name[len("oxtee_"):-len(".bb")]
    check(pv == ws_version, f"{name}: version {pv} is the workspace's ({ws_version})")
    m = re.search(r'EXTRA_OEMAKE \+= "((?:[^"\\]|\\.)*)"', bb, re.S)
    check(m, f"{name}: EXTRA_OEMAKE")
    if m:
        check_vars(re.findall(r"(?:^|\s)([A-Za-z_][\w-]*)=", m.group(1)), f"{name} EXTRA_OEMAKE")
        check("PLATFORM=vexpress-qemu_armv8a" in m.group(1) and "O=${B}" in m.group(1),
              f"{name}: PLATFORM and O=${{B}} as meta-arm passes them")
    md5 = hashlib.md5((TREE / "LICENSE").read_bytes()).hexdigest()
    check(f'LIC_FILES_CHKSUM = "file://LICENSE;md5={md5}"' in bb, f"{name}: LIC_FILES_CHKSUM is LICENSE's md5 {md5}")
    check(re.search(r'^PROVIDES = ".*\boptee-os\b', bb, re.M), f"{name}: PROVIDES optee-os")
    check(re.search(r'^RPROVIDES:\$\{PN\}-ta \+= "optee-os-ta"', bb, re.M), f"{name}: RPROVIDES optee-os-ta")
    check("oxtee-${PV}.tar.gz" in bb and re.search(r"^S = .*/oxtee-\$\{PV\}\"$", bb, re.M),
          f"{name}: SRC_URI and S are make dist's oxtee-<version>.tar.gz and its top directory")
    # meta-arm optee-os.inc's install and deploy lines (files and places).
    for line in (
        "install -m 644 ${B}/core/*.bin ${B}/core/tee.elf ${D}${nonarch_base_libdir}/firmware/",
        "install -m 444 ${B}/ta/*/*.ta ${D}${nonarch_base_libdir}/optee_armtz/",
        "install -m 644 ${D}${nonarch_base_libdir}/firmware/* ${DEPLOYDIR}/optee/",
        "install -m 644 ${B}/ta/*/*.elf ${DEPLOYDIR}/optee/ta/",
        'SYSROOT_DIRS += "${nonarch_base_libdir}/firmware"',
        "oe_runmake -C ${S} all",
    ):
        check(line in bb, f"{name}: {line}")
    check("optee-ftpm" in bb and "bb.fatal" in bb, f"{name}: refuses the optee-ftpm machine feature")

# ---- Buildroot
frag = (TREE / "contrib/buildroot/oxtee.fragment").read_text()
cfg = dict(re.findall(r'^(BR2_\w+)=(.*)$', frag, re.M))
check(cfg.get("BR2_TARGET_OPTEE_OS_PLATFORM") == '"vexpress-qemu_armv8a"', "fragment: PLATFORM")
check(cfg.get("BR2_TARGET_OPTEE_OS_CUSTOM_TARBALL") == "y", "fragment: custom tarball")
check(re.fullmatch(r'"file://.*/oxtee-[^/]*\.tar\.gz"', cfg.get("BR2_TARGET_OPTEE_OS_CUSTOM_TARBALL_LOCATION", "")),
      "fragment: tarball location names a make dist tarball")
add = cfg.get("BR2_TARGET_OPTEE_OS_ADDITIONAL_VARIABLES", '""').strip('"')
check_vars(re.findall(r"(?:^|\s)([A-Za-z_][\w-]*)=", add), "fragment ADDITIONAL_VARIABLES")
check(cfg.get("BR2_TARGET_OPTEE_OS_CORE_IMAGES") == '"tee.bin tee-raw.bin tee-*_v2.bin"', "fragment: core images")
kit_refused = "does not provide a TA dev kit" in contract
sdk_on = cfg.get("BR2_TARGET_OPTEE_OS_SDK") == "y"
check(sdk_on != kit_refused, "fragment: BR2_TARGET_OPTEE_OS_SDK "
      + ("off while ta_dev_kit refuses" if kit_refused else "=y once ta_dev_kit builds a kit"))
patch = (TREE / "contrib/buildroot/0001-boot-optee-os-add-BR2_TARGET_OPTEE_OS_NEEDS_RUST.patch").read_text()
m = re.search(r"^\+OPTEE_OS_MAKE_OPTS \+= \\\n((?:\+\t.*\n)+)", patch, re.M)
check(m, "patch: OPTEE_OS_MAKE_OPTS")
if m:
    check_vars(re.findall(r"\+\t([A-Za-z_]\w*)=", m.group(1)), "patch OPTEE_OS_MAKE_OPTS")

if failures:
    print(f"recipe-check: {len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1)
print("recipe-check: all checks passed")
