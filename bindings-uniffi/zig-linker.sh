#!/usr/bin/env bash
# usage: zig-linker.sh ZIG_TARGET VENV OUT_DIR  — writes OUT_DIR/zig-<ZIG_TARGET> and prints its path:
# a linker for cargo (CARGO_TARGET_<TRIPLE>_LINKER) that links with zig for ZIG_TARGET (e.g.
# aarch64-linux-gnu.2.17: glibc 2.17 symbols at most) through maturin's zig wrapper (cargo-zigbuild's
# argument fix-ups; ziglang and maturin from PyPI in VENV). Used by python/dist.sh and kotlin/cross.sh.
#
# Why not `maturin build --zig`: zig reads rustc's `-Wl,--strip-debug` (profile.release
# strip = "debuginfo") as "strip everything", which drops the symbol table where uniffi keeps its
# metadata, and maturin then fails with "No UniFFI metadata found". This wrapper removes that flag
# (the library keeps its symbol table, as a host build does). Rewritten only when it changes, so
# cargo's cache holds.
set -euo pipefail
zig_target=$1 venv=$2 out=$3
mkdir -p "$out"
wrapper="$out/zig-$zig_target"
cat >"$wrapper.new" <<SH
#!/usr/bin/env bash
args=()
for a in "\$@"; do
  case "\$a" in
    -Wl,--strip-debug) ;;
    -Wl,*--strip-debug*) a=\${a//,--strip-debug/}; args+=("\$a") ;;
    *) args+=("\$a") ;;
  esac
done
export CARGO_ZIGBUILD_ZIG_COMMAND="$venv/bin/python3"
export CARGO_ZIGBUILD_ZIG_COMMAND_ARGS='-m ziglang'
exec "$venv/bin/maturin" zig cc -- -g -fno-sanitize=all -target $zig_target "\${args[@]}"
SH
chmod +x "$wrapper.new"
if cmp -s "$wrapper.new" "$wrapper"; then rm "$wrapper.new"; else mv "$wrapper.new" "$wrapper"; fi
echo "$wrapper"
