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
mod yaml;

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
/// sorted path order. What [`discover_all`] skips is left out.
pub fn discover(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    discover_all(path).map(|d| d.files)
}

/// The result of a folder walk: the scenario files, and what was skipped with why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    /// Regular `*.yaml` files, in sorted path order.
    pub files: Vec<PathBuf>,
    /// Paths left out, each with the reason: a `*.yaml` that is not a regular file (a FIFO
    /// would block the read forever), a broken link, or a link back to a folder already searched.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Walks `path` like [`discover`], following symbolic links but never into a folder already
/// searched (so a link back to a parent does not loop), and reports what it skips.
pub fn discover_all(path: &Path) -> std::io::Result<Discovery> {
    walk(path, &|p: &Path| p.extension().is_some_and(|e| e == "yaml"))
}

/// Walks `path` for the files that `wanted` accepts by name, as [`discover_all`] does for
/// `*.yaml`: `path` itself when it is a regular file, no folder twice, and only regular files.
pub fn walk(path: &Path, wanted: &dyn Fn(&Path) -> bool) -> std::io::Result<Discovery> {
    let mut out = Discovery::default();
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        out.files.push(path.to_path_buf());
        return Ok(out);
    }
    if !meta.is_dir() {
        out.skipped.push((
            path.to_path_buf(),
            "not a regular file (a FIFO, socket or device); not read".into(),
        ));
        return Ok(out);
    }
    let mut seen = std::collections::HashSet::new();
    seen.insert(path.canonicalize()?);
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            let is_yaml = wanted(&p);
            match std::fs::metadata(&p) {
                Err(e) => {
                    if is_yaml || p.is_symlink() {
                        out.skipped
                            .push((p, format!("cannot be read ({e}); not read")));
                    }
                }
                Ok(m) if m.is_dir() => match p.canonicalize() {
                    Ok(real) => {
                        if seen.insert(real) {
                            pending.push(p);
                        } else {
                            out.skipped.push((
                                p,
                                "a link to a folder already searched; not searched again".into(),
                            ));
                        }
                    }
                    Err(e) => out.skipped.push((p, format!("cannot be searched ({e})"))),
                },
                Ok(m) if is_yaml && !m.is_file() => out.skipped.push((
                    p,
                    "not a regular file (a FIFO, socket or device); not read".into(),
                )),
                Ok(_) if is_yaml => out.files.push(p),
                Ok(_) => {}
            }
        }
    }
    out.files.sort();
    out.skipped.sort();
    Ok(out)
}

/// What loading one scenario file may cost. Each limit is checked before the work it bounds
/// (the file size before reading, the depth and node count while parsing, steps and socket
/// names while loading), and going past one is a load error that names the limit and how to
/// raise it. The defaults let honest files of a million steps load; they stop blow-ups
/// (aliases that expand to billions of nodes, nesting that would exhaust the stack).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The file's size in bytes (`file-bytes`).
    pub file_bytes: u64,
    /// YAML nodes, each alias counted as the nodes it expands to (`nodes`).
    pub nodes: u64,
    /// Nesting depth of maps and lists, the top-level map being 1 (`depth`); at most
    /// [`Limits::MAX_DEPTH`].
    pub depth: usize,
    /// Steps in one file (`steps`).
    pub steps: usize,
    /// Distinct socket names bound with `as` in one file (`names`).
    pub names: usize,
    /// YAML nodes in one step, or in the value of one top-level key (`value-nodes`): what the
    /// loader holds at once, besides the steps it has checked.
    pub value_nodes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: 256 << 20,
            nodes: 32 << 20,
            depth: 64,
            steps: 4_000_000,
            names: 1_000_000,
            value_nodes: 1 << 16,
        }
    }
}

impl Limits {
    /// The deepest nesting the loader accepts even when asked for more (its work is recursive
    /// in the depth).
    pub const MAX_DEPTH: usize = 1000;

    /// The names of the limits, as `--limit NAME=N` spells them.
    pub const NAMES: [&'static str; 6] = [
        "file-bytes",
        "nodes",
        "depth",
        "steps",
        "names",
        "value-nodes",
    ];

    /// Sets one limit from `NAME=N` (`steps=5000000`).
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let usage = || {
            format!(
                "`{spec}`: write NAME=N, NAME one of {}",
                Limits::NAMES.join(", ")
            )
        };
        let (name, value) = spec.split_once('=').ok_or_else(usage)?;
        let n: u64 = value
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|_| format!("`{spec}`: {value} is not a whole number"))?;
        let size = usize::try_from(n).unwrap_or(usize::MAX);
        match name.trim() {
            "file-bytes" => self.file_bytes = n,
            "nodes" => self.nodes = n,
            "depth" => self.depth = size,
            "steps" => self.steps = size,
            "names" => self.names = size,
            "value-nodes" => self.value_nodes = n,
            _ => return Err(usage()),
        }
        Ok(())
    }

    /// These limits with the depth capped at [`Limits::MAX_DEPTH`].
    pub(crate) fn clamped(self) -> Limits {
        Limits {
            depth: self.depth.min(Limits::MAX_DEPTH),
            ..self
        }
    }

    pub(crate) fn file_too_large(&self, size: u64) -> String {
        format!(
            "this file has {size} bytes, more than the limit of {}; if it is meant to be this large, raise the limit with `wsoracle run --limit file-bytes=N` (or `Limits` in the library)",
            self.file_bytes
        )
    }
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
