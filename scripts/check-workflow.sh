#!/usr/bin/env bash
# Syntax-checks .github/workflows/windows.yml, which cannot run here: it loads as YAML, and its
# runners, profiles and commands are the ones docs/differential.md describes.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORKFLOW="${1:-$REPO/.github/workflows/windows.yml}"

if ! python3 -c 'import yaml' 2>/dev/null; then
    python3 -m pip install -q pyyaml >&2
fi

python3 - "$WORKFLOW" <<'PY'
import sys
import yaml

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    wf = yaml.safe_load(f)

errors = []

def need(cond, what):
    if not cond:
        errors.append(what)

need(isinstance(wf, dict), "the workflow is not a mapping")
# YAML 1.1 reads the key `on` as the boolean true.
triggers = wf.get("on", wf.get(True))
need(triggers is not None, "no `on:` triggers")
jobs = wf.get("jobs") or {}
need("diff" in jobs, "no `diff` job")
job = jobs.get("diff", {})
need(job.get("runs-on") == "${{ matrix.runner }}", "runs-on is not the matrix runner")
include = ((job.get("strategy") or {}).get("matrix") or {}).get("include") or []
pairs = {(i.get("runner"), str(i.get("profile"))) for i in include}
need(
    pairs == {("windows-2022", "10.0.20348"), ("windows-2025", "10.0.26100")},
    f"matrix is {sorted(pairs)}; want windows-2022/10.0.20348 and windows-2025/10.0.26100",
)
steps = job.get("steps") or []
need(all(isinstance(s, dict) and ("uses" in s or "run" in s) for s in steps),
     "a step has neither `uses` nor `run`")
uses = [s.get("uses", "") for s in steps]
runs = "\n".join(s.get("run", "") for s in steps)
need(any(u.startswith("actions/checkout@") for u in uses), "no actions/checkout step")
need(any(u.startswith("dtolnay/rust-toolchain@") for u in uses), "no Rust toolchain step")
need(any(u.startswith("actions/upload-artifact@") for u in uses), "no upload-artifact step")
need("cargo build --release --locked -p wsoracle-probe -p wsoracle-cli" in runs,
     "the build command differs from the documented one")
need("target/release/wsoracle diff" in runs, "no `wsoracle diff` run")
for flag in ("--backend", "--profile ${{ matrix.profile }}", "--record", "--pending-addr",
             "--divergences divergences.toml"):
    need(flag in runs, f"the diff run lacks `{flag}`")
need(" scenarios" in runs, "the diff run does not cover scenarios/")

# The diff run's options must be ones the built CLI accepts (when it is built: .ci/run builds it
# before this check), so the workflow cannot drift from `wsoracle diff`.
import os, re, subprocess
repo = os.path.dirname(os.path.dirname(os.path.abspath(path)))
exe = os.environ.get("WSORACLE_BIN") or os.path.join(repo, "..", "target", "release", "wsoracle")
exe = os.path.normpath(exe)
diff_step = next((s.get("run", "") for s in steps if "wsoracle diff" in s.get("run", "")), "")
if os.path.exists(exe):
    help_text = subprocess.run([exe, "diff", "--help"], capture_output=True, text=True).stdout
    cmd = diff_step.split("wsoracle diff", 1)[1]
    # Only the driver's own options: the quoted backend command is the probe's.
    cmd = re.sub(r'"[^"]*"', '""', cmd)
    for opt in sorted(set(re.findall(r"(--[a-z][a-z-]*)", cmd))):
        need(re.search(r"\s" + re.escape(opt) + r"[\s=]", help_text) is not None,
             f"`wsoracle diff` does not accept `{opt}` (see `wsoracle diff --help`)")
    probe_opts = re.findall(r"wsoracle-probe\.exe ([^\"]*)", diff_step)
    need(probe_opts and "--pending-addr $PENDING_ADDR" in probe_opts[0],
         "the backend command does not pass --pending-addr to the probe")
else:
    print(f"check-workflow: {exe} not built; the CLI options were not checked", file=sys.stderr)
need(wf.get("env", {}).get("PENDING_ADDR", "").startswith("192.0.2."),
     "PENDING_ADDR is not a TEST-NET-1 address")
upload = next((s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")), {})
need((upload.get("with") or {}).get("path") == "traces/", "the artifact is not traces/")
need(upload.get("if") == "always()", "traces are not uploaded when the diff fails")

if errors:
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    sys.exit(1)
print(f"check-workflow: {path} ok ({len(steps)} steps, {len(include)} runners)")
PY
