# Thin recipes over cargo; nothing requires `just` (each recipe is one plain command).
set positional-arguments

# List the recipes.
help:
    @just --list

# Run the bundled scenario corpus on every profile each scenario lists.
run *args:
    cargo run --release -- run "$@"

# The test suite, as CI runs it.
test:
    cargo test --workspace

# Format, lint and test exactly as CI does.
ci:
    bash .ci/run

# Explain the keep-alive timeline of one configuration, e.g. `just explain --profile winxp --so-keepalive`.
explain *args:
    cargo run --release -- explain "$@"

# Rewrite the scenario snapshots, then review them with `git diff tests/snapshots` before committing.
snapshots:
    INSTA_UPDATE=always cargo test --test scenarios

# Regenerate docs/spec.md from the rules, the model tests and the corpus.
spec-doc:
    UPDATE_DOCS=1 cargo test --test spec_doc

# The README's performance table: hot calls beside the kernel's, socket creation, advance, queries, the CLI.
bench:
    cargo bench -p wsoracle-model

# The whole exhaustive search (every group, preset and fidelity), three times; the summary line
# gives the wall time of each run.
bench-explore:
    cargo build --release -p wsoracle-cli && for i in 1 2 3; do ./target/release/wsoracle explore | tail -n 1; done

# Regenerate docs/matrix.md and docs/matrix.json (the version matrix).
matrix:
    UPDATE_DOCS=1 cargo test -p wsoracle-explore --test matrix_doc

# The probe's smoke requests under Wine, compared with the recorded Wine 8.0 answers.
wine-smoke:
    bash scripts/probe-smoke.sh

# The scenario corpus on the model (win11) and through the probe under Wine 8.0, against the
# known divergences (divergences.toml). `just wine-diff --record tests/fixtures/traces scenarios`
# also re-records the replay fixtures.
wine-diff *args:
    bash scripts/wine-diff.sh "$@"
