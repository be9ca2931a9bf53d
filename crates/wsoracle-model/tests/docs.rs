//! The docs and the code cite each other; these tests keep the citations honest.
//!
//! - Every `Source::Assumption("Axx")` a rule cites, and every `assumption:Axx` / `assumption Axx`
//!   the model's sources mention, has an entry `## Axx.` in `docs/assumptions.md`. A20–A39 belong to
//!   the keep-alive timeline work and may instead have their entry in `docs/keepalive.md`.
//! - Every `Source::Doc("KEY")` and `Source::Convention("KEY")` has a row in `docs/sources.md`.
//! - Every SO_KEEPALIVE fact of the evidence that issue 2 asks for is cited by a test.

use std::fs;
use std::path::{Path, PathBuf};

use wsoracle_model::Source;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    let p = root().join(rel);
    fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `read`, or the empty string when the file does not exist yet.
fn read_optional(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_default()
}

/// True when `doc` has a heading `## <id>` followed by a non-digit (`## A04.`, `## A04 `).
fn has_heading(doc: &str, id: &str) -> bool {
    doc.lines().any(|l| {
        l.strip_prefix("## ")
            .and_then(|rest| rest.strip_prefix(id))
            .is_some_and(|tail| !tail.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// True when `doc` has an entry for assumption `id` of the timeline range (A20–A39): a heading or
/// a table row naming it.
fn has_timeline_entry(doc: &str, id: &str) -> bool {
    has_heading(doc, id)
        || doc.lines().any(|l| {
            let l = l.trim_start();
            [
                format!("### {id}"),
                format!("| {id} "),
                format!("| {id}|"),
                format!("| **{id}"),
                format!("- **{id}"),
            ]
            .iter()
            .any(|p| l.starts_with(p.as_str()))
        })
}

/// The assumption ids mentioned in `text` as `assumption:A12`, `assumption A12`,
/// `Assumption A12` or `assumptions A03 and A04`.
fn cited_in(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let lower = text.to_ascii_lowercase();
    for (at, _) in lower.match_indices("assumption") {
        let rest = &text[at + "assumption".len()..];
        let rest = rest.strip_prefix('s').unwrap_or(rest);
        let rest = rest.trim_start_matches([':', ' ']);
        // `A03 and A04`, `A03, A04`: keep reading ids while they follow.
        let mut tail = rest;
        while let Some(id) = tail.get(..3).filter(|s| {
            let b = s.as_bytes();
            b[0] == b'A' && b[1].is_ascii_digit() && b[2].is_ascii_digit()
        }) {
            ids.push(id.to_string());
            tail = tail[3..].trim_start_matches([',', ' ']);
            tail = tail.strip_prefix("and ").unwrap_or(tail);
        }
    }
    ids
}

fn timeline_range(id: &str) -> bool {
    matches!(id.as_bytes()[1], b'2' | b'3')
}

fn check_assumption(id: &str, assumptions: &str, keepalive: &str, cited_by: &str) {
    let found =
        has_heading(assumptions, id) || (timeline_range(id) && has_timeline_entry(keepalive, id));
    assert!(
        found,
        "{cited_by} cites assumption {id}, which has no `## {id}.` entry in docs/assumptions.md{}",
        if timeline_range(id) {
            " (or docs/keepalive.md)"
        } else {
            ""
        }
    );
}

#[test]
fn every_assumption_a_rule_cites_is_written_down() {
    let assumptions = read("docs/assumptions.md");
    let keepalive = read_optional("docs/keepalive.md");
    for r in wsoracle_model::catalog::all_rules() {
        for s in r.sources {
            if let Source::Assumption(id) = s {
                check_assumption(id, &assumptions, &keepalive, r.id);
            }
        }
    }
}

#[test]
fn every_assumption_the_code_mentions_is_written_down() {
    let assumptions = read("docs/assumptions.md");
    let keepalive = read_optional("docs/keepalive.md");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<_> = fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for id in cited_in(&text) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            check_assumption(&id, &assumptions, &keepalive, &name);
        }
    }
}

#[test]
fn the_first_nineteen_assumptions_are_all_written_down() {
    // A01–A19 belong to the foundation; each has its entry whether or not code cites it yet.
    let assumptions = read("docs/assumptions.md");
    for n in 1..=19 {
        let id = format!("A{n:02}");
        assert!(
            has_heading(&assumptions, &id),
            "docs/assumptions.md lacks `## {id}.`"
        );
    }
}

#[test]
fn every_doc_key_and_convention_has_a_row_in_sources() {
    let sources = read("docs/sources.md");
    let has_row = |key: &str| {
        let cell = format!("| `{key}` |");
        sources.lines().any(|l| l.trim_start().starts_with(&cell))
    };
    for r in wsoracle_model::catalog::all_rules() {
        for s in r.sources {
            match s {
                Source::Doc(key) => assert!(
                    has_row(key),
                    "rule {} cites doc:{key}, which has no row \"| `{key}` |\" in docs/sources.md",
                    r.id
                ),
                Source::Convention(key) => assert!(
                    has_row(&format!("convention:{key}")),
                    "rule {} cites convention:{key}, which has no row in docs/sources.md",
                    r.id
                ),
                _ => {}
            }
        }
    }
}

#[test]
fn the_citation_scanner_reads_every_form() {
    assert_eq!(
        cited_in("x (assumption A03) y assumption:A04 z; docs/assumptions.md, A05"),
        ["A03", "A04"]
    );
    assert_eq!(cited_in("(assumptions A03 and A04, with"), ["A03", "A04"]);
    assert_eq!(cited_in("/// Assumption A29: codes"), ["A29"]);
    assert!(has_heading("## A04. x", "A04"));
    assert!(!has_heading("## A041. x", "A04"));
}

#[test]
fn every_keepalive_fact_is_cited_by_a_test() {
    // Issue 2: every SO_KEEPALIVE fact of the evidence is reproduced in observed fidelity by a
    // test that cites it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let tests: String = ["so_keepalive.rs", "process.rs"]
        .iter()
        .map(|f| fs::read_to_string(dir.join(f)).unwrap())
        .collect();
    let wine = [
        "K01", "K02", "K03", "K06", "K07", "K08", "K09", "K11", "K14", "G10", "G11", "G12", "E01",
        "E05", "E06", "E11", "E13",
    ];
    let primary = [
        "P02", "P03", "P10", "P11", "P17", "P18", "P20", "P21", "P25",
    ];
    for id in wine {
        assert!(
            tests.contains(&format!("wine:{id}")),
            "no test cites wine:{id}"
        );
    }
    for id in primary {
        assert!(
            tests.contains(&format!("primary:{id}")),
            "no test cites primary:{id}"
        );
    }
}
