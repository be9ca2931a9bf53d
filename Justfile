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

# Review new or changed snapshots (needs cargo-insta: `cargo install cargo-insta`).
review:
    cargo insta review

# The probe's smoke requests under Wine, compared with the recorded Wine 8.0 answers.
wine-smoke:
    bash scripts/probe-smoke.sh

# The scenario corpus on the model (win11) and through the probe under Wine 8.0, against the
# known divergences (divergences.toml). `just wine-diff --record tests/fixtures/traces scenarios`
# also re-records the replay fixtures.
wine-diff *args:
    bash scripts/wine-diff.sh "$@"
