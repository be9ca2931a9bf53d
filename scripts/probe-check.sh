#!/usr/bin/env bash
# Checks the probe crate on Linux, including its Windows-only body:
#   - unit tests, clippy -D warnings and rustfmt --check with the rustup toolchain;
#   - clippy -D warnings over the #[cfg(windows)] code (win.rs), type-checked against the host
#     std with `--cfg windows` in a separate target dir (nothing is linked);
#   - when Debian's rustc 1.63 and the mingw linker are installed (scripts/wine-probe.sh install),
#     the real x86_64-pc-windows-gnu build at the Rust 1.63 level with -D warnings.
# It never puts /usr/bin ahead of the rustup toolchain in PATH.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

cargo test -q -p wsoracle-probe
cargo clippy -q -p wsoracle-probe --all-targets -- -D warnings
cargo fmt -p wsoracle-probe --check
RUSTFLAGS="--cfg windows -A explicit_builtin_cfgs_in_flags" \
    CARGO_TARGET_DIR="$REPO/target/probe-cfg-windows" \
    cargo clippy -q -p wsoracle-probe --all-targets -- -D warnings
if [ -x /usr/bin/rustc ] && command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 &&
    [ -d /usr/lib/rustlib/x86_64-pc-windows-gnu ]; then
    mkdir -p target/wine
    /usr/bin/rustc --edition 2021 --target x86_64-pc-windows-gnu \
        -C linker=x86_64-w64-mingw32-gcc -D warnings \
        -o target/wine/wsoracle-probe-check.exe crates/wsoracle-probe/src/main.rs
    echo "probe-check: Rust 1.63 windows-gnu build clean"
else
    echo "probe-check: Debian rustc 1.63 / mingw not installed; Rust 1.63 build not checked"
fi
echo "probe-check: ok"
