#!/usr/bin/env bash
# Runs the smoke requests through the probe under Wine (scripts/wine-probe.sh) and compares the
# answers with the recorded Wine 8.0 answers. Socket handle values (the `ret` of socket/accept)
# are opaque and masked. `--record` rewrites the recorded file instead.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUESTS="$REPO/crates/wsoracle-probe/tests/smoke.requests"
RECORDED="$REPO/crates/wsoracle-probe/tests/smoke.wine-8.0.answers"
OUT="$REPO/target/wine/smoke.answers"
mkdir -p "$(dirname "$OUT")" # a fresh clone has no target/ yet

"$REPO/scripts/wine-probe.sh" run <"$REQUESTS" >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
if [ "${1:-}" = "--record" ]; then
    cp "$OUT" "$RECORDED"
    echo "probe-smoke: recorded $RECORDED"
    exit 0
fi

python3 - "$REQUESTS" "$RECORDED" "$OUT" <<'PY'
import re
import sys

requests, recorded, actual = sys.argv[1:4]
handle_ids = set()
for line in open(requests, encoding="utf-8"):
    words = line.split()
    if len(words) >= 2 and not words[0].startswith("#") and words[1] in ("socket", "accept"):
        handle_ids.add(words[0])

def load(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    out = []
    for line in lines[1:]:  # the greeting may name another build of Wine
        ident = line.split(" ", 1)[0]
        if ident in handle_ids:
            line = re.sub(r" ret=(?!-1\b)\d+", " ret=HANDLE", line)
        out.append(line)
    return lines[0], out

g1, want = load(recorded)
g2, got = load(actual)
if g1.split()[:2] != g2.split()[:2]:
    print(f"probe-smoke: greeting {g2!r}, recorded {g1!r}", file=sys.stderr)
    sys.exit(1)
bad = [(w, g) for w, g in zip(want, got) if w != g]
if len(want) != len(got):
    print(f"probe-smoke: {len(got)} answers, recorded {len(want)}", file=sys.stderr)
for w, g in bad:
    print(f"probe-smoke: recorded {w}\n             actual   {g}", file=sys.stderr)
if bad or len(want) != len(got):
    sys.exit(1)
print(f"probe-smoke: {len(got)} answers match the recorded Wine answers ({g2})")
PY
