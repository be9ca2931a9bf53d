//! Each scenario file of `scenarios/` is its own test (`scenario::<path>`): it loads, every
//! expectation holds on every profile it runs on, two runs give the same trace byte for byte,
//! and the trace (profiles side by side) matches its snapshot in `tests/snapshots/`, named
//! after the scenario's path (`getsockopt/so_keepalive/boolean.yaml` →
//! `getsockopt__so_keepalive__boolean.snap`).
//!
//! Snapshots are never written in CI (CI=true, INSTA_UPDATE=no): a new or changed trace fails
//! there. Locally, `INSTA_UPDATE=always cargo test --test scenarios` writes them; review the
//! diff before committing.

use std::path::Path;

use wsoracle::scenario::{run, side_by_side, RunOptions, Scenario};

/// `scenarios/a/b.yaml` → `a__b`.
fn snapshot_name(path: &Path) -> String {
    let rel = path.strip_prefix("scenarios").unwrap_or(path);
    let text = rel.with_extension("").to_string_lossy().replace('\\', "/");
    text.trim_start_matches('/').replace('/', "__")
}

fn scenario(path: &Path) -> datatest_stable::Result<()> {
    let loaded = Scenario::from_path(path)?;
    let report = run(&loaded, &RunOptions::default());
    let trace = side_by_side(&loaded, &report.runs);

    // Determinism: the model reads no clock and iterates no hash map; check it.
    let again = side_by_side(&loaded, &run(&loaded, &RunOptions::default()).runs);
    if trace != again {
        return Err(format!("{}: two runs gave different traces", path.display()).into());
    }

    if !report.passed() {
        let mut msg = String::new();
        for m in report.misuses() {
            msg.push_str(&format!("{m}\n"));
        }
        for f in &report.failures {
            msg.push_str(&format!(
                "{}:{}:{}: {}\n  repro: cargo run -- run {} --profile {}\n",
                path.display(),
                f.pos.line,
                f.pos.column,
                f.describe(),
                path.display(),
                f.profile.label()
            ));
        }
        return Err(msg.into());
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(path);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(snapshot_name(path), trace));

    Ok(())
}

datatest_stable::harness! {
    { test = scenario, root = "scenarios", pattern = r"\.yaml$" },
}
