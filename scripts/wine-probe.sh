#!/usr/bin/env bash
# Runs the wsoracle probe under Wine, headless, in a Wine prefix of its own.
#
#   scripts/wine-probe.sh run [PROBE-ARGS...] < requests   # the probe's answers on stdout
#   scripts/wine-probe.sh backend                          # prints the backend command line
#   scripts/wine-probe.sh exec CMD [ARG...]                # runs CMD; an ARG equal to @BACKEND@
#                                                          # becomes the backend command line,
#                                                          # and $WSORACLE_PROBE_BACKEND holds it
#   scripts/wine-probe.sh build | install | prefix | stop | cold-start
#
# Every mode first installs what is missing (Debian 12: wine64, gcc-mingw-w64-x86-64, rustc,
# libstd-rust-dev-windows), builds target/wine/wsoracle-probe.exe with Debian's rustc 1.63 when a
# source is newer, and creates the prefix (target/wine/prefix) once. `run` and `exec` stop the
# prefix's own wineserver when they end, and only that one.
#
# Debian's compiler is called as /usr/bin/rustc. /usr/bin is never put ahead of the rustup
# toolchain in PATH: cargo would pick up rustc 1.63 and every other build would fail.
#
# The probe is never given a non-loopback address here: pending connects are held over loopback
# against a listener whose backlog is full (the probe's default under Wine).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WINE_DIR="$REPO/target/wine"
EXE="$WINE_DIR/wsoracle-probe.exe"
SRC_DIR="$REPO/crates/wsoracle-probe/src"
PACKAGES=(wine64 gcc-mingw-w64-x86-64 rustc libstd-rust-dev-windows)
DEBIAN_RUSTC=/usr/bin/rustc
LINKER=x86_64-w64-mingw32-gcc

export WINEPREFIX="$WINE_DIR/prefix"
export WINEDEBUG=-all
export WINEARCH=win64
# No Mono or Gecko installer prompts; no display.
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY

log() { printf 'wine-probe: %s\n' "$*" >&2; }

find_tool() { # NAME FALLBACK...: the first that exists
    local name="$1"
    shift
    if command -v "$name" >/dev/null 2>&1; then
        command -v "$name"
        return
    fi
    local f
    for f in "$@"; do
        if [ -x "$f" ]; then
            echo "$f"
            return
        fi
    done
    echo ""
}

wine_bin() { find_tool wine64 /usr/lib/wine/wine64 /usr/lib/x86_64-linux-gnu/wine/wine64; }
wineserver_bin() { find_tool wineserver /usr/lib/wine/wineserver /usr/lib/wine/wineserver64; }

install_missing() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    log "installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >&2
}

build() {
    if [ -f "$EXE" ] && [ -z "$(find "$SRC_DIR" -newer "$EXE" -print -quit)" ]; then
        return
    fi
    mkdir -p "$WINE_DIR"
    log "building $EXE with $("$DEBIAN_RUSTC" --version)"
    (cd "$REPO" && "$DEBIAN_RUSTC" --edition 2021 --target x86_64-pc-windows-gnu \
        -C linker="$LINKER" -O -o target/wine/wsoracle-probe.exe \
        crates/wsoracle-probe/src/main.rs)
}

stop_server() {
    local ws
    ws="$(wineserver_bin)"
    if [ -n "$ws" ] && [ -d "$WINEPREFIX" ]; then
        "$ws" -k >/dev/null 2>&1 || true
    fi
}

make_prefix() {
    if [ -f "$WINEPREFIX/system.reg" ]; then
        return
    fi
    mkdir -p "$WINEPREFIX"
    log "creating the Wine prefix $WINEPREFIX (once)"
    "$(wine_bin)" wineboot --init >/dev/null 2>&1
    "$(wineserver_bin)" -w >/dev/null 2>&1 || true
}

prepare() {
    install_missing
    if [ -z "$(wine_bin)" ]; then
        log "wine64 not found after installation"
        exit 1
    fi
    build
    make_prefix
}

backend_command() {
    printf 'env WINEPREFIX=%q WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES=%q DISPLAY= %q %q' \
        "$WINEPREFIX" "$WINEDLLOVERRIDES" "$(wine_bin)" "$EXE"
}

mode="${1:-run}"
if [ $# -gt 0 ]; then
    shift
fi

case "$mode" in
install)
    install_missing
    ;;
build)
    install_missing
    build
    echo "$EXE"
    ;;
prefix)
    prepare
    stop_server
    ;;
backend)
    prepare
    stop_server
    backend_command
    echo
    ;;
run)
    prepare
    trap stop_server EXIT
    "$(wine_bin)" "$EXE" "$@"
    ;;
exec)
    if [ $# -eq 0 ]; then
        log "exec needs a command"
        exit 2
    fi
    prepare
    trap stop_server EXIT
    WSORACLE_PROBE_BACKEND="$(backend_command)"
    export WSORACLE_PROBE_BACKEND
    args=()
    for a in "$@"; do
        if [ "$a" = "@BACKEND@" ]; then
            args+=("$WSORACLE_PROBE_BACKEND")
        else
            args+=("$a")
        fi
    done
    "${args[@]}"
    ;;
stop)
    stop_server
    ;;
cold-start)
    # The time from a stopped wineserver to the probe's answer, three times, then once warm.
    prepare
    trap stop_server EXIT
    ms_now() { echo $(($(date +%s%N) / 1000000)); }
    for i in 1 2 3 warm; do
        if [ "$i" != warm ]; then
            stop_server
        fi
        start=$(ms_now)
        printf '1 WSAStartup\n' | "$(wine_bin)" "$EXE" >/dev/null
        end=$(ms_now)
        echo "start $i: $((end - start)) ms"
    done
    ;;
-h | --help | help)
    sed -n '2,20p' "${BASH_SOURCE[0]}"
    ;;
*)
    log "unknown mode '$mode' (run, backend, exec, build, install, prefix, stop, cold-start)"
    exit 2
    ;;
esac
