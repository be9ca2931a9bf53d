//! docs/matrix.md and docs/matrix.json are generated from the option table and the model, and
//! checked here against the committed files: a change to an option, a rule or a preset that
//! changes an answer makes them stale. Regenerate with
//! `UPDATE_DOCS=1 cargo test -p wsoracle-explore --test matrix_doc`.

use std::path::PathBuf;

use wsoracle_explore::matrix;

fn docs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

#[test]
fn the_committed_matrix_is_the_generated_one() {
    let sections = matrix::build();
    let md = matrix::markdown(&sections);
    let json = matrix::to_json(&sections);
    let (md_path, json_path) = (docs().join("matrix.md"), docs().join("matrix.json"));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&md_path, &md).expect("write docs/matrix.md");
        std::fs::write(&json_path, &json).expect("write docs/matrix.json");
        return;
    }
    let stale = |path: &PathBuf, want: &str| {
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "{} is stale: regenerate it with `UPDATE_DOCS=1 cargo test -p wsoracle-explore --test matrix_doc` and review the diff",
            path.display()
        );
    };
    stale(&md_path, &md);
    stale(&json_path, &json);
}

#[test]
fn every_option_of_the_table_has_a_section_with_rows() {
    let sections = matrix::build();
    for def in wsoracle_model::sockopt::table::OPTIONS {
        let s = sections
            .iter()
            .find(|s| s.option == def.name)
            .unwrap_or_else(|| panic!("{} has no section", def.name));
        assert!(
            s.rows.iter().any(|r| r.call == "setsockopt")
                && s.rows.iter().any(|r| r.call == "getsockopt"),
            "{}",
            def.name
        );
    }
}

#[test]
fn so_keepalive_changes_to_one_byte_at_vista() {
    // wine:K11: from Vista on getsockopt(SO_KEEPALIVE) writes one BOOLEAN byte.
    let sections = matrix::build();
    let s = sections
        .iter()
        .find(|s| s.option == "SO_KEEPALIVE")
        .unwrap();
    let row = s
        .rows
        .iter()
        .find(|r| {
            r.call == "getsockopt"
                && r.argument == "4-byte buffer, *optlen 4"
                && r.sockets.iter().any(|x| x == "tcp4 created")
        })
        .expect("the natural get");
    let runs = matrix::runs(&row.cells);
    let changes: Vec<&str> = runs
        .iter()
        .skip(1)
        .map(|(a, _, _)| wsoracle_model::PRESETS[*a].name)
        .collect();
    assert_eq!(changes, ["vista"], "{runs:?}");
}
