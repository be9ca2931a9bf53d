//! # wsoracle-scenario
//!
//! The scenario format of `docs/scenarios.md` (version 1): YAML files that
//! read like the Winsock calls they stand for, the loader that checks them (every error with its
//! file:line:column and what would be right), the runner that plays them against the model on
//! each Windows version, and the traces it prints.
//!
//! ```
//! use wsoracle_scenario::{run, RunOptions, Scenario};
//!
//! let yaml = r#"
//! name: SO_KEEPALIVE reads back as one byte from Vista on
//! profiles: [win2003, vista]
//! steps:
//!   - WSAStartup: {}
//!   - socket: {af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}
//!     as: s
//!   - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {dword: 1}}
//!     expect: {ret: 0, error: 0}
//!   - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: 4}
//!     expect: {ret: 0, optval: "01 cc cc cc", optlen: 1}
//!     expect_on:
//!       ..6.0: {ret: 0, optval: "01 00 00 00", optlen: 4}
//! "#;
//! let scenario = Scenario::from_yaml_str("example.yaml", yaml)?;
//! let report = run(&scenario, &RunOptions::default());
//! report.assert_passed();
//! # Ok::<(), wsoracle_scenario::ScenarioError>(())
//! ```
#![forbid(unsafe_code)]

mod error;
pub mod json;
pub mod json_schema;
mod positions;
mod run;
mod scenario;
pub mod schema;
mod trace;
pub mod values;

use std::path::{Path, PathBuf};

pub use error::ScenarioError;
pub use json::profile_run_json;
pub use positions::Pos;
pub use run::{
    check, check_step, profile_label, provenance, run, run_profile, run_profile_each, CallAnswer,
    CompletionRecord, Failure, ProfileEnd, ProfileRun, RunOptions, ScenarioReport, StepAnswer,
    StepRecord,
};
pub use scenario::{
    optname_label, parse_profile, Call, Expect, ProfileKey, Scenario, Step, DEFAULT_BYTES_RETURNED,
    FORMAT_VERSION,
};
pub use trace::{profile_trace, render_answer, side_by_side};

/// The JSON Schema of the scenario format (draft 07), for editors: generated from the file types
/// and tightened to catch what the loader catches where JSON Schema can say it
/// ([`json_schema::strict_schema`]).
pub fn json_schema() -> serde_json::Value {
    json_schema::strict_schema()
}

/// The scenario files under `path`: the file itself, or every `*.yaml` below a folder, in
/// sorted path order.
pub fn discover(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.is_dir() {
                pending.push(p);
            } else if p.extension().is_some_and(|e| e == "yaml") {
                found.push(p);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A `covers:` id the oracle knows: a seed clause (`so_keepalive#42a54-172`), an evidence fact
/// (`wine:K08`, `wine:K08.2003`), a primary fact (`primary:P17`), or one of the model's own
/// assumptions, conventions or other documentation pages (`assumption:A02`,
/// `convention:timeline`, `doc:D-TCP`), which the model's spec tables do not list.
pub fn is_known_cover(id: &str) -> bool {
    wsoracle_model::spec::is_known_citation(id)
        || ["convention:", "assumption:", "doc:"]
            .iter()
            .any(|p| id.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_ids() {
        assert!(is_known_cover("so_keepalive#42a54-172"));
        assert!(is_known_cover("wine:K08.2003"));
        assert!(is_known_cover("assumption:A02"));
        assert!(is_known_cover("convention:timeline"));
        assert!(!is_known_cover("assumption:"));
        assert!(!is_known_cover("so_keepalive#42a54-999"));
    }
}
