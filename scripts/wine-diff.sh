#!/usr/bin/env bash
# The differential run here: the whole scenario corpus on the model (profile win11) and through
# the probe under Wine 8.0, compared step by step against the committed known divergences.
#
#   scripts/wine-diff.sh                                   # diff scenarios/
#   scripts/wine-diff.sh --record tests/fixtures/traces scenarios   # and re-record the fixtures
#   scripts/wine-diff.sh [DIFF-OPTION...] PATH...          # other `wsoracle diff` arguments
#
# It installs the Debian packages if missing, builds the probe with Debian's rustc 1.63 and
# wsoracle with cargo, starts Wine headless in its own prefix (target/wine/prefix,
# WINEDEBUG=-all, no display), runs one probe process for the whole corpus, and stops only that
# prefix's wineserver (all through scripts/wine-probe.sh). Exit status: wsoracle diff's (0 when
# every divergence is a known one).
#
# Why win11: docs/differential.md, "Why the Wine diff runs against win11".
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

ms_now() { echo $(($(date +%s%N) / 1000000)); }
start=$(ms_now)

bash scripts/wine-probe.sh install
bash scripts/wine-probe.sh build >/dev/null
# WSORACLE_BIN: a wsoracle binary already built (.ci/run passes the one its tests built);
# otherwise build one.
if [ -z "${WSORACLE_BIN:-}" ]; then
    cargo build --release --quiet -p wsoracle-cli
    WSORACLE_BIN=target/release/wsoracle
fi

if [ $# -eq 0 ]; then
    set -- scenarios
fi
status=0
bash scripts/wine-probe.sh exec "$WSORACLE_BIN" diff --backend @BACKEND@ \
    --profile win11 --divergences divergences.toml "$@" || status=$?
echo "wine-diff: $(($(ms_now) - start)) ms, exit $status" >&2
exit "$status"
