//! Known divergences as data (`divergences.toml`, in the style of rustls' BoGo and s2n's
//! exception lists): where a backend is known to answer differently from the model, why, and
//! which side the real-Windows evidence supports.

use std::path::Path;

use serde::Deserialize;

use super::compare::{FieldDiff, FIELDS};
use super::glob::{path_matches, text_matches};

/// The divergence file format this binary reads.
pub const FORMAT_VERSION: u32 = 1;

/// What the evidence says about the Windows side of a difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowsSide {
    /// Real Windows was observed doing what the model says.
    Observed,
    /// Only the documentation says it; no real-Windows observation.
    Documented,
    /// Neither: no real-Windows evidence either way.
    None,
}

impl WindowsSide {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowsSide::Observed => "observed",
            WindowsSide::Documented => "documented",
            WindowsSide::None => "none",
        }
    }
}

/// The `step` key: a step number (1-based, as reports count), a glob on the call's C
/// rendering, or a list of them (any may match).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum StepPattern {
    Index(usize),
    Call(String),
    Any(Vec<StepPattern>),
}

impl StepPattern {
    fn matches(&self, step: usize, c: &str) -> bool {
        match self {
            StepPattern::Index(i) => *i == step,
            StepPattern::Call(p) => text_matches(p, c),
            StepPattern::Any(ps) => ps.iter().any(|p| p.matches(step, c)),
        }
    }
}

/// One entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// A short stable name, used in reports.
    pub id: String,
    /// A glob on the backend id: `wine-8.0`, `wine-*`, `windows-10.0.20348`.
    pub backend: String,
    /// A glob on the scenario path (`*` within a component, `**` across).
    #[serde(default = "any")]
    pub scenario: String,
    /// A step index, or a glob on the call's C rendering.
    #[serde(default = "any_step")]
    pub step: StepPattern,
    /// Optional: a glob (or a list of globs, any of which may match) on the id of the model
    /// rule that answered.
    #[serde(default)]
    pub rule: Option<OneOrMany>,
    /// Optional: the fidelity the model answered in (`observed` or `documented`).
    #[serde(default)]
    pub fidelity: Option<String>,
    /// Optional: the fields that may differ (`ret`, `error`, `optval`, `optlen`,
    /// `lpcbBytesReturned`, `lpvOutBuffer`, `completion`). A divergence in any other field is
    /// not covered by this entry.
    #[serde(default)]
    pub fields: Option<Vec<String>>,
    /// Optional: what the backend answers in the fields, as the report shows it
    /// (`error = "WSAENOTSOCK (10038)"`); each must match (a glob) for the entry to apply.
    #[serde(default)]
    pub backend_answer: Option<toml::Table>,
    /// What differs, in words.
    pub difference: String,
    /// Why the backend answers differently.
    pub reason: String,
    pub windows_side: WindowsSide,
    /// Evidence ids: spec clauses, wine:…, primary:….
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// A string or a list of strings.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn any_matches(&self, text: &str) -> bool {
        match self {
            OneOrMany::One(p) => text_matches(p, text),
            OneOrMany::Many(ps) => ps.iter().any(|p| text_matches(p, text)),
        }
    }
}

fn any() -> String {
    "**".to_string()
}

fn any_step() -> StepPattern {
    StepPattern::Call("*".to_string())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// Checked before the schema, in `parse`.
    #[allow(dead_code)]
    format_version: u32,
    #[serde(default)]
    divergence: Vec<Entry>,
}

/// The loaded file.
#[derive(Clone, Debug, Default)]
pub struct Divergences {
    pub entries: Vec<Entry>,
}

/// What a divergence is matched on.
pub struct Site<'a> {
    pub backend: &'a str,
    pub scenario: &'a str,
    pub step: usize,
    /// The call's C rendering.
    pub c: &'a str,
    /// The id of the model rule that answered.
    pub rule: &'a str,
    /// The fidelity the model answered in.
    pub fidelity: &'a str,
    pub diffs: &'a [FieldDiff],
}

impl Divergences {
    pub fn load(path: &Path) -> Result<Divergences, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Divergences::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Divergences, String> {
        // The version first, so that a newer file gets a clear message rather than a schema
        // error.
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
        match table.get("format_version").and_then(|v| v.as_integer()) {
            Some(v) if v == i64::from(FORMAT_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "format_version {v}: this wsoracle reads divergence files of version \
                     {FORMAT_VERSION}"
                ))
            }
            None => return Err("missing `format_version = 1`".to_string()),
        }
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut seen = std::collections::BTreeSet::new();
        for e in &file.divergence {
            if !seen.insert(e.id.clone()) {
                return Err(format!("divergence id `{}` appears twice", e.id));
            }
            for f in e.fields.iter().flatten() {
                if !FIELDS.contains(&f.as_str()) {
                    return Err(format!(
                        "divergence `{}`: unknown field `{f}` (fields: {})",
                        e.id,
                        FIELDS.join(", ")
                    ));
                }
            }
            for (k, v) in e.backend_answer.iter().flatten() {
                if !FIELDS.contains(&k.as_str()) {
                    return Err(format!(
                        "divergence `{}`: backend_answer has unknown field `{k}`",
                        e.id
                    ));
                }
                if !v.is_str() {
                    return Err(format!(
                        "divergence `{}`: backend_answer.{k} must be a string (a glob on the \
                         report's rendering)",
                        e.id
                    ));
                }
            }
            if let Some(f) = &e.fidelity {
                if f != "observed" && f != "documented" {
                    return Err(format!(
                        "divergence `{}`: fidelity `{f}` is not observed or documented",
                        e.id
                    ));
                }
            }
            for (what, v) in [("difference", &e.difference), ("reason", &e.reason)] {
                if v.trim().is_empty() {
                    return Err(format!("divergence `{}`: `{what}` is empty", e.id));
                }
            }
            if e.windows_side != WindowsSide::None && e.evidence.is_empty() {
                return Err(format!(
                    "divergence `{}`: windows_side = \"{}\" needs `evidence` ids",
                    e.id,
                    e.windows_side.as_str()
                ));
            }
        }
        Ok(Divergences {
            entries: file.divergence,
        })
    }

    /// The index of the first entry that explains this divergence.
    pub fn find(&self, site: &Site<'_>) -> Option<usize> {
        self.entries.iter().position(|e| e.covers(site))
    }
}

impl Entry {
    pub fn covers(&self, site: &Site<'_>) -> bool {
        if !text_matches(&self.backend, site.backend)
            || !path_matches(&self.scenario, site.scenario)
        {
            return false;
        }
        if !self.step.matches(site.step, site.c) {
            return false;
        }
        if let Some(rule) = &self.rule {
            if !rule.any_matches(site.rule) {
                return false;
            }
        }
        if let Some(f) = &self.fidelity {
            if f != site.fidelity {
                return false;
            }
        }
        if let Some(fields) = &self.fields {
            if !site
                .diffs
                .iter()
                .all(|d| fields.iter().any(|f| f == d.field))
            {
                return false;
            }
        }
        for (k, v) in self.backend_answer.iter().flatten() {
            let pattern = v.as_str().unwrap_or("");
            match site.diffs.iter().find(|d| d.field == k) {
                Some(d) if text_matches(pattern, &d.backend) => {}
                _ => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
format_version = 1

[[divergence]]
id = "udp"
backend = "wine-*"
scenario = "scenarios/**"
step = "setsockopt(u, SOL_SOCKET, SO_KEEPALIVE, *"
rule = ["x", "so_keepalive.datagram"]
fields = ["ret", "error"]
backend_answer = { error = "NO_ERROR*" }
difference = "Wine accepts it"
reason = "Wine does not check the protocol"
windows_side = "documented"
evidence = ["so_keepalive#42a54-145"]

[[divergence]]
id = "by-index"
backend = "wine-8.0"
scenario = "scenarios/process/*.yaml"
step = 3
fidelity = "observed"
difference = "x"
reason = "y"
windows_side = "none"
"#;

    fn diff(field: &'static str, backend: &str) -> FieldDiff {
        FieldDiff {
            field,
            model: "m".into(),
            backend: backend.into(),
        }
    }

    #[test]
    fn matches_entries() {
        let d = Divergences::parse(FILE).unwrap();
        let diffs = [diff("ret", "0"), diff("error", "NO_ERROR (0)")];
        let site = Site {
            backend: "wine-8.0",
            scenario: "scenarios/setsockopt/udp.yaml",
            step: 5,
            c: "setsockopt(u, SOL_SOCKET, SO_KEEPALIVE, &(DWORD){1}, 4)",
            rule: "so_keepalive.datagram",
            fidelity: "observed",
            diffs: &diffs,
        };
        assert_eq!(d.entries[d.find(&site).unwrap()].id, "udp");
        // Another field differing is not covered.
        let more = [
            diff("ret", "0"),
            diff("error", "NO_ERROR (0)"),
            diff("optlen", "1"),
        ];
        assert!(d
            .find(&Site {
                diffs: &more,
                ..site
            })
            .is_none());
        // Another backend answer is not covered.
        let other = [diff("error", "WSAEINVAL (10022)")];
        assert!(d
            .find(&Site {
                diffs: &other,
                ..site
            })
            .is_none());
        assert!(d
            .find(&Site {
                backend: "windows-10.0.20348",
                ..site
            })
            .is_none());
        assert!(d.find(&Site { rule: "y", ..site }).is_none());
        let s = Site {
            scenario: "scenarios/process/wsastartup.yaml",
            step: 3,
            rule: "z",
            ..site
        };
        assert_eq!(d.entries[d.find(&s).unwrap()].id, "by-index");
        assert!(d.find(&Site { step: 4, ..s }).is_none());
        assert!(d
            .find(&Site {
                fidelity: "documented",
                ..s
            })
            .is_none());
    }

    #[test]
    fn rejects_bad_files() {
        assert!(Divergences::parse("format_version = 2")
            .unwrap_err()
            .contains("version 2"));
        assert!(Divergences::parse("")
            .unwrap_err()
            .contains("format_version"));
        let bad = FILE.replace("fields = [\"ret\", \"error\"]", "fields = [\"rett\"]");
        assert!(Divergences::parse(&bad).unwrap_err().contains("rett"));
        let bad = FILE.replace("difference = \"x\"", "diference = \"x\"");
        assert!(Divergences::parse(&bad).is_err());
        let bad = FILE.replace("windows_side = \"none\"", "windows_side = \"maybe\"");
        assert!(Divergences::parse(&bad).is_err());
        let bad = FILE.replace("id = \"by-index\"", "id = \"udp\"");
        assert!(Divergences::parse(&bad).unwrap_err().contains("twice"));
        let bad = FILE.replace("evidence = [\"so_keepalive#42a54-145\"]", "");
        assert!(Divergences::parse(&bad).unwrap_err().contains("evidence"));
    }
}
