#!/usr/bin/env bash
# The release artefacts are well formed (issue 14, item 3). Builds what is missing (python/dist.sh,
# kotlin/cross.sh, `mvn -Pdist package`; all cached), then checks:
#   wheels  one manylinux2014 wheel each for x86_64 and aarch64: WHEEL tags, the native library's
#           ELF machine, and no glibc symbol version above 2.17 (readelf -V, any architecture);
#   sdist   holds pyproject.toml, the Rust workspace and the core's sources (tests/install.sh
#           pip-installs it into a fresh venv);
#   jar     carries linux-x86-64, linux-aarch64 (ELF machine checked) and win32-x86-64 (PE machine)
#           natives at JNA's resource paths; a sources jar with the KDoc-carrying Kotlin (hand-written
#           and generated); a javadoc jar (Dokka HTML).
# Prints the tags, the highest glibc version found per library and the jar listing.
# MCA_ARTEFACTS_NO_BUILD=1 checks what is there without building.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
fail() { echo "artefacts: $*" >&2; exit 1; }
t0=$SECONDS

if [[ "${MCA_ARTEFACTS_NO_BUILD:-0}" != 1 ]]; then
  bash python/dist.sh
  bash kotlin/cross.sh
  [[ -f kotlin/target/native-resources/linux-x86-64/libmca_uniffi.so ]] || fail "run kotlin/test.sh first (linux-x86-64 library, generated Kotlin)"
  (cd kotlin && mvn -q -B -Pdist package -Dmaven.test.skip=true)
fi
echo "artefacts: built in $((SECONDS - t0)) s"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ELF/PE machine of a file, from its header bytes.
machine() {
  python3 - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read(4096)
if b[:4] == b"\x7fELF":
    m = struct.unpack_from("<H", b, 18)[0]
    print({0x3E: "elf-x86_64", 0xB7: "elf-aarch64"}.get(m, f"elf-{m:#x}"))
elif b[:2] == b"MZ":
    pe = struct.unpack_from("<I", b, 0x3C)[0]
    assert b[pe:pe + 4] == b"PE\0\0", "no PE signature"
    m = struct.unpack_from("<H", b, pe + 4)[0]
    print({0x8664: "pe-x86_64", 0xAA64: "pe-arm64", 0x14C: "pe-i386"}.get(m, f"pe-{m:#x}"))
else:
    print("unknown")
PY
}
max_glibc() { readelf -V -W "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1; }
# An ELF library shipped to users: glibc 2.17 symbols at most (manylinux2014), no DWARF sections
# (zig-linker.sh strips them; 6 MB rather than 1.9 MB otherwise), and the uniffi symbol table kept.
check_elf() { # file, label
  local glibc
  glibc=$(max_glibc "$1")
  [[ "$(printf '%s\n2.17\n' "$glibc" | sort -V | tail -1)" == 2.17 ]] \
    || fail "$2: needs GLIBC_$glibc, above manylinux2014's 2.17"
  local sections symbols # (read whole: `readelf | grep -q` fails under pipefail when grep quits early)
  sections=$(readelf -S -W "$1") symbols=$(readelf -s -W "$1")
  ! grep -q ' \.debug_' <<<"$sections" || fail "$2: carries debug info (not stripped)"
  grep -q 'UNIFFI_META' <<<"$symbols" || fail "$2: has no uniffi metadata symbols"
}

# --- Python
dist="$CARGO_TARGET_DIR/dist-python"
for arch in x86_64 aarch64; do
  wheels=("$dist"/mca_attestation-*-manylinux*_"$arch".whl)
  [[ ${#wheels[@]} == 1 && -f "${wheels[0]}" ]] || fail "expected one $arch wheel in $dist"
  whl=${wheels[0]}
  tags=$(unzip -p "$whl" '*.dist-info/WHEEL' | sed -n 's/^Tag: //p' | sort | tr '\n' ' ')
  [[ "$tags" == "py3-none-manylinux2014_$arch py3-none-manylinux_2_17_$arch " ]] \
    || fail "$(basename "$whl"): tags are '$tags', not manylinux2014/manylinux_2_17 $arch"
  mkdir -p "$tmp/$arch"
  unzip -q -o "$whl" '*.so' -d "$tmp/$arch"
  so=$(find "$tmp/$arch" -name '*.so')
  [[ $(wc -l <<<"$so") == 1 && -n "$so" ]] || fail "$(basename "$whl"): expected one native library"
  [[ "$(machine "$so")" == "elf-$arch" ]] || fail "$(basename "$whl"): library is $(machine "$so"), not $arch"
  check_elf "$so" "$(basename "$whl")"
  glibc=$(max_glibc "$so")
  echo "wheel $(basename "$whl") $(stat -c %s "$whl") bytes; tags: $tags; $(machine "$so"); max GLIBC_$glibc"
done
sdists=("$dist"/mca_attestation-*.tar.gz)
[[ ${#sdists[@]} == 1 && -f "${sdists[0]}" ]] || fail "expected one sdist in $dist"
listing=$(tar -tzf "${sdists[0]}")
for f in pyproject.toml Cargo.toml Cargo.lock core/src/lib.rs bindings-uniffi/src/lib.rs src/mca_attestation/__init__.py; do
  grep -q "^mca_attestation-[^/]*/\(python/\)\?$f$" <<<"$listing" || fail "sdist lacks $f"
done
echo "sdist $(basename "${sdists[0]}") $(stat -c %s "${sdists[0]}") bytes, $(wc -l <<<"$listing") entries"

# --- Kotlin
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' kotlin/pom.xml | head -1)
jar="kotlin/target/mca-attestation-$version.jar"
[[ -f "$jar" ]] || fail "$jar is missing"
mkdir -p "$tmp/jar"
(cd "$tmp/jar" && unzip -q "$root/$jar")
for entry in linux-x86-64/libmca_uniffi.so:elf-x86_64 linux-aarch64/libmca_uniffi.so:elf-aarch64 \
             win32-x86-64/mca_uniffi.dll:pe-x86_64; do
  path=${entry%%:*} want=${entry##*:}
  [[ -f "$tmp/jar/$path" ]] || fail "$jar lacks $path"
  got=$(machine "$tmp/jar/$path")
  [[ "$got" == "$want" ]] || fail "$jar: $path is $got, not $want"
  extra=""
  if [[ "$want" == elf-* ]]; then
    check_elf "$tmp/jar/$path" "$jar: $path"
    extra="; max GLIBC_$(max_glibc "$tmp/jar/$path")"
  fi
  echo "jar $path $(stat -c %s "$tmp/jar/$path") bytes: $(file -b "$tmp/jar/$path" | cut -d, -f1-2)$extra"
done
sources="kotlin/target/mca-attestation-$version-sources.jar"
[[ -f "$sources" ]] || fail "$sources is missing"
slist=$(unzip -Z1 "$sources")
for f in com/cloudmore/mca/McaClient.kt com/cloudmore/mca/ffi/mca_uniffi.kt com/cloudmore/mca/model/mca_attestation.kt; do
  grep -qx "$f" <<<"$slist" || fail "$sources lacks $f"
done
kdoc=$(unzip -p "$sources" com/cloudmore/mca/McaClient.kt | grep -c '/\*\*' || true)
(( kdoc > 0 )) || fail "$sources: McaClient.kt carries no KDoc"
grep -q '\.so$\|\.dll$' <<<"$slist" && fail "$sources carries native libraries"
javadoc="kotlin/target/mca-attestation-$version-javadoc.jar"
[[ -f "$javadoc" ]] || fail "$javadoc is missing"
jlist=$(unzip -Z1 "$javadoc")
for f in index.html com/cloudmore/mca/McaClient.html; do
  grep -qx "$f" <<<"$jlist" || fail "$javadoc has no $f"
done
echo "jar $(stat -c %s "$jar") bytes; sources jar $(stat -c %s "$sources") bytes ($(grep -c '\.kt$' <<<"$slist") .kt); javadoc jar $(stat -c %s "$javadoc") bytes ($(grep -c '\.html$' <<<"$jlist") pages)"
echo "artefacts: ok ($((SECONDS - t0)) s)"
