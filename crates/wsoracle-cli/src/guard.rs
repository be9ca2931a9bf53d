//! What keeps a command bounded and honest whatever its input: the loader's limits from
//! `--limit NAME=N`, folder walks that skip (and name) what is not a regular file, and the
//! rule that a run which ran no step does not pass.

use std::path::{Path, PathBuf};

use wsoracle_scenario::Limits;

/// The limits, the defaults raised (or lowered) by each `NAME=N` of `--limit`.
pub fn limits(specs: &[String]) -> Result<Limits, String> {
    let mut limits = Limits::default();
    for spec in specs {
        limits.set(spec)?;
    }
    Ok(limits)
}

/// The scenario files under `path` ([`wsoracle_scenario::discover_all`]); what it skips is
/// named on stderr, so that a file left out is never silent.
pub fn discover(command: &str, path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let found = wsoracle_scenario::discover_all(path)?;
    for (p, why) in &found.skipped {
        eprintln!("wsoracle {command}: skipped {}: {why}", p.display());
    }
    Ok(found.files)
}

/// Exit status 2 for a run that ran no step at all (every scenario skipped or failing to load
/// before its first step, or no profile): it checked nothing, so it cannot pass.
pub fn nothing_ran(command: &str) -> i32 {
    eprintln!(
        "wsoracle {command}: no step ran (every scenario was skipped, had no steps, or ran on no profile), so nothing was checked"
    );
    2
}
