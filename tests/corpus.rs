//! The bundled corpus as a whole: every normative clause of the seed is covered by some
//! scenario, every `covers:` id exists, and every snapshot belongs to a scenario.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use wsoracle::model::spec;
use wsoracle::scenario::{discover, is_known_cover, Scenario};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> Vec<(PathBuf, Scenario)> {
    let files = discover(&root().join("scenarios")).expect("scenarios/ is readable");
    files
        .into_iter()
        .filter_map(|f| Scenario::from_path(&f).ok().map(|s| (f, s)))
        .collect()
}

#[test]
fn every_normative_clause_is_covered_by_a_scenario() {
    let covered: BTreeSet<String> = corpus().into_iter().flat_map(|(_, s)| s.covers).collect();
    let missing: Vec<String> = spec::normative()
        .map(|c| format!("so_keepalive#{}", c.id))
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "normative clauses covered by no scenario's `covers:`: {}",
        missing.join(", ")
    );
}

#[test]
fn every_covers_id_exists() {
    let mut unknown = Vec::new();
    for (file, s) in corpus() {
        for id in s.covers.iter().filter(|id| !is_known_cover(id)) {
            unknown.push(format!("{}: {id}", file.display()));
        }
    }
    assert!(
        unknown.is_empty(),
        "`covers:` ids that name no clause, evidence fact, assumption, convention or doc key:\n{}",
        unknown.join("\n")
    );
}

/// `a__b.snap` belongs to `scenarios/a/b.yaml`.
fn scenario_for_snapshot(snap: &Path) -> Option<PathBuf> {
    let stem = snap.file_name()?.to_str()?.strip_suffix(".snap")?;
    Some(
        root()
            .join("scenarios")
            .join(format!("{}.yaml", stem.replace("__", "/"))),
    )
}

#[test]
fn every_snapshot_belongs_to_a_scenario() {
    let dir = root().join("tests/snapshots");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // no snapshot yet
    };
    let mut orphans = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "snap") {
            match scenario_for_snapshot(&path) {
                Some(s) if s.is_file() => {}
                _ => orphans.push(path.display().to_string()),
            }
        }
    }
    orphans.sort();
    assert!(
        orphans.is_empty(),
        "snapshots whose scenario no longer exists (delete them, or rename them with the scenario):\n{}",
        orphans.join("\n")
    );
}

/// Every observed option fact of the two levels the option layer models (`options:O123` with
/// level SOL_SOCKET or IPPROTO_TCP in `wsoracle_model::facts::OPTION_FACTS`) is checked by some
/// bundled scenario's `covers:`.
#[test]
fn every_sol_socket_and_ipproto_tcp_option_fact_is_covered() {
    let covered: BTreeSet<String> = corpus().into_iter().flat_map(|(_, s)| s.covers).collect();
    let missing: Vec<String> = wsoracle::model::facts::OPTION_FACTS
        .iter()
        .filter(|f| f.level == "SOL_SOCKET" || f.level == "IPPROTO_TCP")
        .map(|f| format!("options:{}", f.id))
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "SOL_SOCKET / IPPROTO_TCP option facts covered by no scenario's `covers:`: {}",
        missing.join(", ")
    );
}
