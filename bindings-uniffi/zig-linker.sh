#!/usr/bin/env bash
# usage: zig-linker.sh ZIG_TARGET VENV OUT_DIR  — writes OUT_DIR/zig-<ZIG_TARGET> and prints its path:
# a linker for cargo (CARGO_TARGET_<TRIPLE>_LINKER) that links with zig for ZIG_TARGET (e.g.
# aarch64-linux-gnu.2.17: glibc 2.17 symbols at most) through maturin's zig wrapper (cargo-zigbuild's
# argument fix-ups; ziglang and maturin from PyPI in VENV). Used by python/dist.sh and kotlin/cross.sh.
#
# Why not `maturin build --zig`: zig reads rustc's `-Wl,--strip-debug` (profile.release
# strip = "debuginfo") as "strip everything", which drops the symbol table where uniffi keeps its
# metadata, and maturin then fails with "No UniFFI metadata found". This wrapper removes that flag
# (the library keeps its symbol table, as a host build does) and strips the debug info itself once
# zig has linked a shared library: with `rust-objcopy --strip-debug` (LLVM's objcopy, shipped in the
# toolchain's rustlib, any target architecture), so the library is as small as a host build (about
# 1.9 MB rather than 6 MB with the standard library's debug info) and keeps its symbol table.
# Rewritten only when it changes, so cargo's cache holds.
set -euo pipefail
zig_target=$1 venv=$2 out=$3
mkdir -p "$out"
sysroot=$(rustc --print sysroot)
objcopy=$(ls "$sysroot"/lib/rustlib/*/bin/rust-objcopy 2>/dev/null | head -1)
[[ -x "$objcopy" ]] || { echo "zig-linker.sh: no rust-objcopy in $sysroot/lib/rustlib (rustc component)" >&2; exit 1; }
wrapper="$out/zig-$zig_target"
cat >"$wrapper.new" <<SH
#!/usr/bin/env bash
set -euo pipefail
args=() out= prev=
for a in "\$@"; do
  [[ "\$prev" == -o ]] && out=\$a
  prev=\$a
  case "\$a" in
    -Wl,--strip-debug) ;;
    -Wl,*--strip-debug*) a=\${a//,--strip-debug/}; args+=("\$a") ;;
    *) args+=("\$a") ;;
  esac
done
export CARGO_ZIGBUILD_ZIG_COMMAND="$venv/bin/python3"
export CARGO_ZIGBUILD_ZIG_COMMAND_ARGS='-m ziglang'
"$venv/bin/maturin" zig cc -- -g -fno-sanitize=all -target $zig_target "\${args[@]}"
case "\$out" in
  *.so) LD_LIBRARY_PATH="$sysroot/lib" "$objcopy" --strip-debug "\$out" ;;
esac
SH
chmod +x "$wrapper.new"
if cmp -s "$wrapper.new" "$wrapper"; then rm "$wrapper.new"; else mv "$wrapper.new" "$wrapper"; fi
echo "$wrapper"
