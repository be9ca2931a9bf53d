//! Hostile inputs (issue 12): each ends in a clear load error (or, for a byte-order mark, a
//! normal load) in bounded time and memory. Limits are tested with small limits, not with huge
//! files; the two blow-ups of the issue (an alias bomb, deep nesting) are small files and run
//! under the default limits.

use wsoracle_scenario::{discover_all, run, Limits, RunOptions, Scenario, ScenarioError};

const HEAD: &str = "name: t\nsteps:\n  - WSAStartup: {}\n  - socket: {af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}\n    as: s\n";

#[track_caller]
fn error_with(src: &str, limits: &Limits) -> ScenarioError {
    match Scenario::from_yaml_str_with("t.yaml", src, limits) {
        Ok(_) => panic!("loaded:\n{src}"),
        Err(e) => e,
    }
}

#[track_caller]
fn error(src: &str) -> ScenarioError {
    error_with(src, &Limits::default())
}

#[track_caller]
fn assert_limit(e: &ScenarioError, name: &str, limit: u64) {
    assert!(
        e.message.contains(&format!("limit of {limit}"))
            && e.message.contains(&format!("--limit {name}=")),
        "{e}"
    );
}

#[test]
fn an_alias_bomb_stops_at_the_node_limit() {
    // The file: a list of 20,000 zeros referenced 20,000 times (about 140 KB).
    let zeros = vec!["0"; 20_000].join(", ");
    let refs = vec!["*a"; 20_000].join(", ");
    let src = format!("{HEAD}x: &a [{zeros}]\ny: [{refs}]\n");
    let e = error(&src);
    assert_eq!(e.pos.line, 7, "{e}");
    assert!(e.message.contains("alias expands to 20001 nodes"), "{e}");
    assert_limit(&e, "nodes", Limits::default().nodes);
    // And a small limit is enough to stop a small bomb.
    let limits = Limits {
        nodes: 1000,
        ..Limits::default()
    };
    let src = format!("{HEAD}x: &a [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nz: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n");
    assert_limit(&error_with(&src, &limits), "nodes", 1000);
}

#[test]
fn deep_nesting_is_rejected_at_once() {
    // 100,000 levels (200 KB), flow and block: rejected as soon as the limit is passed.
    let flow = format!(
        "name: t\nsteps: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = error(&flow);
    assert_eq!(e.pos.line, 2, "{e}");
    assert!(e.message.contains("nested"), "{e}");
    let block = format!("name: t\nsteps:\n{}x\n", "- ".repeat(100_000));
    let e = error(&block);
    assert_limit(&e, "depth", 64);
    let limits = Limits {
        depth: 4,
        ..Limits::default()
    };
    let e = error_with(
        &format!("{HEAD}  - setsockopt: {{s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {{dword: 1}}}}\n"),
        &limits,
    );
    assert_eq!(e.pos.line, 6, "{e}");
    assert!(e.message.contains("nested 5 levels deep"), "{e}");
    assert_limit(&e, "depth", 4);
}

#[test]
fn steps_names_and_size_have_limits() {
    let steps: String = "  - WSACleanup: {}\n".repeat(5);
    let limits = Limits {
        steps: 6,
        ..Limits::default()
    };
    let e = error_with(&format!("{HEAD}{steps}"), &limits);
    assert_eq!(e.pos.line, 10, "{e}");
    assert_limit(&e, "steps", 6);
    // Exactly at the limit loads.
    let limits = Limits {
        steps: 7,
        ..Limits::default()
    };
    Scenario::from_yaml_str_with("t.yaml", &format!("{HEAD}{steps}"), &limits).unwrap();

    let sockets: String = (0..4)
        .map(|i| format!("  - socket: {{af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}}\n    as: s{i}\n"))
        .collect();
    let limits = Limits {
        names: 3,
        ..Limits::default()
    };
    let e = error_with(&format!("{HEAD}{sockets}"), &limits);
    assert!(
        e.message.contains("`s2` would be socket name number 4"),
        "{e}"
    );
    assert_limit(&e, "names", 3);

    // One step, or one top-level value, holds a bounded number of nodes.
    let limits = Limits {
        value_nodes: 12,
        ..Limits::default()
    };
    let e = error_with(
        &format!("{HEAD}  - setsockopt: {{s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {{dword: 1}}}}\n"),
        &limits,
    );
    assert_eq!(e.pos.line, 6, "{e}");
    assert_limit(&e, "value-nodes", 12);
    let e = error_with(
        &format!("covers: [a, b, c, d, e, f, g, h, i, j, k, l]\n{HEAD}"),
        &limits,
    );
    assert_limit(&e, "value-nodes", 12);
    // The value of an unknown key is read past, not kept: the error is the unknown key.
    let e = error_with(
        &format!("{HEAD}junk: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"),
        &limits,
    );
    assert_eq!((e.pos.line, e.pos.column), (6, 1), "{e}");
    assert!(e.message.contains("unknown key `junk`"), "{e}");

    let limits = Limits {
        file_bytes: 10,
        ..Limits::default()
    };
    let e = error_with(HEAD, &limits);
    assert_eq!((e.pos.line, e.pos.column), (1, 1));
    assert_limit(&e, "file-bytes", 10);
    let e = Scenario::from_bytes_with("t.yaml", HEAD.as_bytes(), &limits).unwrap_err();
    assert_limit(&e, "file-bytes", 10);
}

#[test]
fn many_names_load_in_linear_time() {
    // Each use of a name is a hash lookup: 5,000 sockets, each bound then used twice, load
    // quickly (a search of every binding per use was quadratic).
    let mut src = String::from(HEAD);
    for i in 0..5_000 {
        src.push_str(&format!(
            "  - socket: {{af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}}\n    as: n{i}\n  - bind: {{s: n{i}}}\n  - closesocket: {{s: n{i}}}\n"
        ));
    }
    let s = Scenario::from_yaml_str("t.yaml", &src).unwrap();
    assert_eq!(s.steps.len(), 2 + 3 * 5_000);
    // The runner looks names up in O(1) too.
    let report = run(
        &s,
        &RunOptions {
            profiles: Some(vec!["win11".parse().unwrap()]),
        },
    );
    report.assert_passed();
    assert_eq!(report.runs[0].steps.len(), s.steps.len());
    // A step starts at its `-` item's first key.
    assert_eq!((s.steps[1].pos.line, s.steps[1].pos.column), (4, 5));
    assert_eq!((s.steps[2].pos.line, s.steps[2].pos.column), (6, 5));
    // An unknown name among thousands still gets a short hint.
    let e = error(&format!("{src}  - closesocket: {{s: nope}}\n"));
    assert!(e.message.contains("no socket is named `nope`"), "{e}");
    assert!(e.message.len() < 1000, "{e}");
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let src = format!("\u{feff}{HEAD}");
    let s = Scenario::from_yaml_str("t.yaml", &src).unwrap();
    assert_eq!(s.steps.len(), 2);
    let s = Scenario::from_bytes_with("t.yaml", src.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(s.name, "t");
}

#[test]
fn duplicate_keys_and_bad_bytes_are_reported_where_they_are() {
    let e = error(&format!("{HEAD}name: u\n"));
    assert_eq!((e.pos.line, e.pos.column), (6, 1), "{e}");
    assert!(e.message.contains("`name` is given twice"), "{e}");
    let e = error(&format!("{HEAD}  - bind: {{s: s, s: s}}\n"));
    assert_eq!((e.pos.line, e.pos.column), (6, 18), "{e}");
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"  - bind: {s: \xff}\n");
    let e = Scenario::from_bytes_with("t.yaml", &bytes, &Limits::default()).unwrap_err();
    assert_eq!((e.pos.line, e.pos.column), (6, 15), "{e}");
    assert!(
        e.message.contains("not UTF-8") && e.message.contains("0xff"),
        "{e}"
    );
}

#[test]
fn yaml_syntax_errors_are_explained() {
    let e = error("name: t\nsteps:\n\t- WSAStartup: {}\n");
    assert_eq!(e.pos.line, 3, "{e}");
    assert!(e.message.contains("tab"), "{e}");
    // An unclosed bracket is reported where it opens, not where the parser gave up.
    let e = error(&format!(
        "{HEAD}  - setsockopt: {{s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE\n  - WSACleanup: {{}}\n"
    ));
    assert_eq!((e.pos.line, e.pos.column), (6, 17), "{e}");
    assert!(e.message.contains("`{` is never closed"), "{e}");
    let e = error("name: 'abc\nsteps: []\n");
    assert_eq!((e.pos.line, e.pos.column), (1, 7), "{e}");
    assert!(
        e.message.contains("quoted string that is never closed"),
        "{e}"
    );
    let e = error("name: t\nsteps: [*nope]\n");
    assert!(e.message.contains("no anchor"), "{e}");
    let e = error("name: t\nsteps: []\n---\nname: u\n");
    assert!(e.message.contains("second YAML document"), "{e}");
    assert!(error("").message.contains("empty"));
    assert!(error("- a\n").message.contains("map"));
}

#[test]
fn checks_that_must_not_pass_vacuously() {
    // profiles: [] (with an expectation that cannot hold) is a load error.
    let e = error("name: t\nprofiles: []\nsteps:\n  - WSAStartup: {}\n    expect: {ret: 12345}\n");
    assert_eq!(e.pos.line, 2, "{e}");
    assert!(e.message.contains("`profiles: []`"), "{e}");
    // An expect_on key that none of the file's own profiles matches lists them.
    let e = error(&format!(
        "profiles: [win2003, win7]\n{HEAD}  - bind: {{s: s}}\n    expect_on:\n      win11: {{ret: 12345}}\n"
    ));
    assert_eq!((e.pos.line, e.pos.column), (9, 7), "{e}");
    assert!(
        e.message
            .contains("`win11` matches none of the file's profiles: win2003, win7"),
        "{e}"
    );
    // A key that matches one of them loads; with --profile, keys that match no profile run are
    // ignored.
    let s = Scenario::from_yaml_str(
        "t.yaml",
        &format!("profiles: [win2003, win7]\n{HEAD}  - bind: {{s: s}}\n    expect_on:\n      6.0..: {{ret: 0}}\n      win2003: {{ret: 0}}\n"),
    )
    .unwrap();
    let report = run(
        &s,
        &RunOptions {
            profiles: Some(vec!["win11".parse().unwrap()]),
        },
    );
    report.assert_passed();
    // Without `profiles`, the presets are the file's profiles.
    let e = error(&format!(
        "{HEAD}  - bind: {{s: s}}\n    expect_on:\n      11.0..: {{ret: 1}}\n"
    ));
    assert!(e.message.contains("the presets"), "{e}");
}

#[cfg(unix)]
#[test]
fn discovery_follows_no_cycle_and_skips_what_is_not_a_file() {
    let dir = std::env::temp_dir().join(format!("wsoracle-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/a.yaml"), HEAD).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("broken.yaml")).unwrap();
    let fifo = dir.join("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let d = discover_all(&dir).unwrap();
    assert_eq!(d.files, vec![dir.join("sub/a.yaml")]);
    let skipped: Vec<_> = d.skipped.iter().map(|(p, _)| p.clone()).collect();
    assert!(skipped.contains(&dir.join("sub/loop")), "{skipped:?}");
    assert!(skipped.contains(&dir.join("broken.yaml")), "{skipped:?}");
    if made {
        assert!(skipped.contains(&fifo), "{skipped:?}");
        // Loading it by name does not block either.
        let e = Scenario::from_path(&fifo).unwrap_err();
        assert!(e.message.contains("not a regular file"), "{e}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
