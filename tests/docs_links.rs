//! The repository explains itself: every id an answer can cite resolves to a line of `docs/`,
//! every relative link of the README and the docs points to a file that exists, and no doc
//! names a path outside the repository.
//!
//! - The ids: every source of every rule (`wsoracle::model::rules::ALL`) and every `covers:` id
//!   of `scenarios/`. `so_keepalive#…` resolves in docs/seed-clauses.md, `wine:…` in
//!   docs/evidence-keepalive.md, `primary:…` in docs/evidence-primary.md, `doc:…` and
//!   `convention:…` in docs/sources.md, `assumption:…` in docs/assumptions.md (or
//!   docs/keepalive.md), `options:…` in docs/evidence-options.md. An id resolves when a heading
//!   of that file starts with it, or the first cell of a table row is it.
//! - docs/seed-clauses.md is generated from `wsoracle::model::spec::CLAUSES`;
//!   `UPDATE_DOCS=1 cargo test --test docs_links` rewrites it (never in CI).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use wsoracle::model::{rules, spec};
use wsoracle::scenario::{discover, Scenario};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> Option<String> {
    fs::read_to_string(root().join(rel))
        .ok()
        .map(|s| s.replace("\r\n", "\n"))
}

/// README.md and every docs/*.md, with their text.
fn docs() -> Vec<(PathBuf, String)> {
    let mut files = vec![root().join("README.md")];
    let mut in_docs: Vec<PathBuf> = fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    in_docs.sort();
    files.extend(in_docs);
    files
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, text)
        })
        .collect()
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

// ---- the ids ---------------------------------------------------------------------------------

/// Where each namespace's ids are written down.
fn files_for(namespace: &str) -> &'static [&'static str] {
    match namespace {
        "so_keepalive" => &["docs/seed-clauses.md"],
        "wine" => &["docs/evidence-keepalive.md"],
        "primary" => &["docs/evidence-primary.md"],
        "doc" | "convention" => &["docs/sources.md"],
        "assumption" => &["docs/assumptions.md", "docs/keepalive.md"],
        // Facts about socket options and users' reports, when that evidence file exists.
        "options" | "report" => &[OPTIONS_EVIDENCE],
        _ => &[],
    }
}

/// The evidence of the socket options (`options:O203`, `report:tokio-rs/mio#1120`). Until that
/// file is in the repository, its ids are not checked.
const OPTIONS_EVIDENCE: &str = "docs/evidence-options.md";

/// `wine:K08.2003` → (`wine`, `K08`): a suffix names a variant of the fact.
fn split_id(id: &str) -> Option<(&str, &str)> {
    let (ns, rest) = match id.strip_prefix("so_keepalive#") {
        Some(rest) => ("so_keepalive", rest),
        None => id.split_once(':')?,
    };
    let base = match ns {
        "wine" | "primary" | "options" => rest.split('.').next().unwrap_or(rest),
        _ => rest,
    };
    Some((ns, base))
}

/// Strips Markdown decoration from a cell or heading: backticks, `*`, spaces.
fn plain(s: &str) -> &str {
    s.trim().trim_matches(|c| c == '`' || c == '*').trim()
}

/// True when `line` is an anchor for `key` (or `full`, the id with its namespace): a heading
/// that starts with it, or a table row or list item whose first cell is it.
fn names(line: &str, key: &str, full: &str) -> bool {
    let line = line.trim_start();
    if let Some(heading) = line.strip_prefix('#') {
        let text = plain(heading.trim_start_matches('#'));
        return [key, full].iter().any(|k| {
            text.strip_prefix(k)
                .is_some_and(|tail| !tail.starts_with(|c: char| c.is_ascii_alphanumeric()))
        });
    }
    if let Some(row) = line.strip_prefix('|') {
        let cell = plain(row.split('|').next().unwrap_or(""));
        return cell == key || cell == full;
    }
    if let Some(item) = line.strip_prefix("- **") {
        return item
            .strip_prefix(key)
            .is_some_and(|tail| !tail.starts_with(|c: char| c.is_ascii_alphanumeric()));
    }
    false
}

/// Why `id` does not resolve, or None when it does.
fn unresolved(id: &str) -> Option<String> {
    let Some((ns, key)) = split_id(id) else {
        return Some("not a `namespace:id`".into());
    };
    let files = files_for(ns);
    if files.is_empty() {
        return Some(format!("no docs/ file holds `{ns}` ids"));
    }
    if files == [OPTIONS_EVIDENCE] && read(OPTIONS_EVIDENCE).is_none() {
        return None; // not in the repository yet: nothing to resolve against
    }
    let full = format!("{ns}:{key}");
    if ns == "report" {
        // A report is named where it is quoted: `tokio-rs/mio#1120`.
        let text = read(OPTIONS_EVIDENCE).unwrap_or_default();
        return (!text.contains(key))
            .then(|| format!("{OPTIONS_EVIDENCE} does not name the report `{key}`"));
    }
    for f in files {
        if let Some(text) = read(f) {
            if text.lines().any(|l| names(l, key, &full)) {
                return None;
            }
        }
    }
    Some(format!(
        "no heading or table row names `{key}` in {}",
        files.join(" or ")
    ))
}

/// Every id a rule cites, with the rule, and every `covers:` id, with its file.
fn cited_ids() -> Vec<(String, String)> {
    let mut ids = Vec::new();
    for r in rules::ALL {
        for s in r.sources {
            ids.push((s.to_string(), format!("rule {}", r.id)));
        }
    }
    let files = discover(&root().join("scenarios")).expect("scenarios/ is readable");
    assert!(!files.is_empty(), "no scenario found under scenarios/");
    for f in files {
        let s = Scenario::from_path(&f).unwrap_or_else(|e| panic!("{e}"));
        for id in s.covers {
            ids.push((id, format!("covers: of {}", rel(&f))));
        }
    }
    ids
}

#[test]
fn every_cited_id_resolves_to_a_line_in_docs() {
    let ids = cited_ids();
    assert!(ids.iter().any(|(id, _)| id.starts_with("wine:")));
    assert!(ids.iter().any(|(id, _)| id.starts_with("so_keepalive#")));
    let mut problems = BTreeSet::new();
    for (id, by) in &ids {
        if let Some(why) = unresolved(id) {
            problems.insert(format!("{id} ({by}): {why}"));
        }
    }
    assert!(
        problems.is_empty(),
        "cited ids that docs/ does not explain:\n{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_resolver_tells_a_known_id_from_an_unknown_one() {
    assert_eq!(unresolved("wine:K08"), None);
    assert_eq!(unresolved("wine:K08.2003"), None);
    assert_eq!(unresolved("so_keepalive#42a54-172"), None);
    assert_eq!(unresolved("primary:P03"), None);
    assert_eq!(unresolved("doc:D-SET"), None);
    assert_eq!(unresolved("convention:timeline"), None);
    assert_eq!(unresolved("assumption:A02"), None);
    assert!(unresolved("wine:K04").is_some(), "K04 is not a fact");
    assert!(unresolved("so_keepalive#42a54-999").is_some());
    assert!(unresolved("doc:NOPE").is_some());
    assert!(unresolved("somewhere:X1").is_some());
    assert!(names("| K08 | a fact |", "K08", "wine:K08"));
    assert!(!names("| K081 | a fact |", "K08", "wine:K08"));
    assert!(names("### P01. The sequence", "P01", "primary:P01"));
    assert!(!names("### P010. The sequence", "P01", "primary:P01"));
    assert!(names("| `options:O123` | a fact |", "O123", "options:O123"));
    assert_eq!(
        split_id("report:tokio-rs/mio#1120"),
        Some(("report", "tokio-rs/mio#1120"))
    );
    assert_eq!(
        split_id("so_keepalive#42a54-172"),
        Some(("so_keepalive", "42a54-172"))
    );
    assert_eq!(split_id("options:O203.win7"), Some(("options", "O203")));
    if read(OPTIONS_EVIDENCE).is_some() {
        assert_eq!(unresolved("options:O203"), None);
        assert!(unresolved("options:O9999").is_some());
        assert!(unresolved("report:nobody/nothing#0").is_some());
    }
}

#[test]
fn every_fact_the_model_knows_has_its_row() {
    // Not only the cited ones: every id `is_known_citation` accepts can appear in a `covers:`.
    for id in spec::EVIDENCE_IDS {
        assert_eq!(unresolved(&format!("wine:{id}")), None, "wine:{id}");
    }
    for n in 1..=spec::PRIMARY_FACTS {
        assert_eq!(
            unresolved(&format!("primary:P{n:02}")),
            None,
            "primary:P{n:02}"
        );
    }
    for c in spec::CLAUSES {
        assert_eq!(unresolved(&format!("so_keepalive#{}", c.id)), None);
    }
}

// ---- the seed clauses page --------------------------------------------------------------------

const SEED_DOC: &str = "docs/seed-clauses.md";

fn seed_clauses_page() -> String {
    let mut out = String::from(
        "# The seed page, clause by clause (`so_keepalive#` ids)\n\
         \n\
         > Generated by `tests/docs_links.rs` from `wsoracle_model::spec::CLAUSES`; do not edit by\n\
         > hand. Regenerate with `UPDATE_DOCS=1 cargo test --test docs_links`.\n\
         \n\
         The seed of the project is Microsoft's reference page for the `SO_KEEPALIVE` socket option\n\
         (`doc:D-SOKA`: repository `MicrosoftDocs/win32`, file `desktop-src/WinSock/so-keepalive.md`,\n\
         commit `24c78382`; https://learn.microsoft.com/en-us/windows/win32/winsock/so-keepalive).\n\
         The project received it as a translated copy split into segments; the ids below are those\n\
         segments' own ids, and a clause is cited as `so_keepalive#<id>`, e.g.\n\
         `so_keepalive#42a54-172`. A later revision of the page shows only `setsockopt` in its\n\
         syntax block and describes `optlen` as the size of the buffer (a value, not a pointer);\n\
         otherwise it says the same.\n\
         \n\
         Each clause is written in the project's own words. **Normative** clauses state behaviour the\n\
         oracle must reproduce: each is implemented by a rule and covered by a scenario\n\
         ([spec.md](spec.md) maps them). The others are headings, labels and references.\n\
         \n\
         | id | normative | what the clause says |\n\
         |---|---|---|\n",
    );
    for c in spec::CLAUSES {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            c.id,
            if c.normative { "yes" } else { "" },
            c.paraphrase.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn the_seed_clauses_page_is_generated_from_the_code() {
    let want = seed_clauses_page();
    let path = root().join(SEED_DOC);
    let have = read(SEED_DOC).unwrap_or_default();
    if have == want {
        return;
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if std::env::var("UPDATE_DOCS").as_deref() == Ok("1") && !in_ci {
        fs::write(&path, &want).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("{SEED_DOC} updated");
        return;
    }
    panic!("{SEED_DOC} is out of date: regenerate it with `UPDATE_DOCS=1 cargo test --test docs_links`");
}

// ---- links and paths --------------------------------------------------------------------------

/// The targets of the Markdown links `[text](target)` of `text`, outside code blocks.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            targets.push(after[..end].trim().to_string());
            rest = &after[end..];
        }
    }
    targets
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn every_relative_link_points_to_a_file_of_the_repository() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for (file, text) in docs() {
        for target in link_targets(&text) {
            let path = target.split('#').next().unwrap_or("");
            if path.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let resolved = normalise(&file.parent().expect("a doc has a folder").join(path));
            if !resolved.starts_with(root()) {
                broken.push(format!("{}: `{target}` leaves the repository", rel(&file)));
            } else if !resolved.exists() {
                broken.push(format!("{}: `{target}` does not exist", rel(&file)));
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} links found: is the parser right?"
    );
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// The places outside the repository that a doc must not name.
fn outside_paths(line: &str) -> Vec<&'static str> {
    const NAMES: &[&str] = &[
        "../shared",
        "`shared/",
        " shared/",
        "(shared/",
        "/work/",
        "/home/",
        "/root/",
        "/tmp/",
        "/Users/",
        "/mnt/",
        "C:\\Users",
    ];
    NAMES.iter().copied().filter(|n| line.contains(n)).collect()
}

#[test]
fn no_doc_names_a_path_outside_the_repository() {
    let mut found = Vec::new();
    for (file, text) in docs() {
        for (n, line) in text.lines().enumerate() {
            for name in outside_paths(line) {
                found.push(format!("{}:{}: names `{name}`: {line}", rel(&file), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "docs that point outside the repository (carry the facts over, with their source):\n{}",
        found.join("\n")
    );
    assert_eq!(outside_paths("see `shared/spec/x.md`"), ["`shared/"]);
    assert_eq!(outside_paths("in ../shared/evidence"), ["../shared"]);
    assert!(outside_paths("crates/wsoracle-model/src/spec.rs").is_empty());
}

// ---- the docs' examples -----------------------------------------------------------------------

/// The ```yaml blocks of a doc, in order.
fn yaml_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```yaml") => current = Some(String::new()),
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

/// A block that is a whole scenario (not a fragment of one).
fn is_whole(block: &str) -> bool {
    block.lines().any(|l| l.starts_with("name:")) && block.lines().any(|l| l.starts_with("steps:"))
}

fn run_yaml(name: &str, yaml: &str) -> wsoracle::scenario::ScenarioReport {
    let s = Scenario::from_yaml_str(name, yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    wsoracle::scenario::run(&s, &Default::default())
}

#[test]
fn every_whole_scenario_in_the_docs_loads_and_passes() {
    let mut checked = 0;
    for (file, text) in docs() {
        if file.ends_with("first-scenario.md") {
            continue; // its first scenario fails on purpose: checked below
        }
        for (i, block) in yaml_blocks(&text).iter().enumerate() {
            if is_whole(block) {
                checked += 1;
                let report = run_yaml(&format!("{} block {}", rel(&file), i + 1), block);
                assert!(
                    report.passed(),
                    "{} block {}: {:?}",
                    rel(&file),
                    i + 1,
                    report.failures
                );
            }
        }
    }
    assert!(
        checked >= 2,
        "README.md and docs/scenarios.md have whole examples"
    );
}

#[test]
fn the_first_scenario_page_works_as_written() {
    let text = read("docs/first-scenario.md").expect("docs/first-scenario.md");
    let blocks = yaml_blocks(&text);
    let [question, fix, timeline] = blocks.as_slice() else {
        panic!("docs/first-scenario.md has three yaml blocks: the question, the fix, the timeline");
    };
    // The question fails exactly where the page says: optval and optlen on win11.
    let report = run_yaml("my-question.yaml", question);
    let failed: Vec<(String, String)> = report
        .failures
        .iter()
        .map(|f| (f.profile.label(), f.field.clone()))
        .collect();
    assert_eq!(
        failed,
        [
            ("win11".to_string(), "optval".to_string()),
            ("win11".to_string(), "optlen".to_string())
        ]
    );
    assert!(report.misuses().next().is_none());
    // The fix replaces the question's getsockopt step, and then it passes.
    let at = question
        .find("  - getsockopt:")
        .expect("the getsockopt step");
    let fixed = format!("{}{fix}", &question[..at]);
    assert!(run_yaml("fixed", &fixed).passed());
    // The timeline scenario passes.
    let report = run_yaml("timeline", timeline);
    assert!(report.passed(), "{:?}", report.failures);
}
