//! `wsoracle explore` end to end: the search's summary line, a random walk's repro line, the
//! diff of two presets, the findings written as scenarios that `wsoracle run` passes.

use std::process::Command;

fn wsoracle(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wsoracle"))
        .args(args)
        .output()
        .expect("run wsoracle");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_search_ends_with_one_summary_line() {
    let (code, out) = wsoracle(&[
        "explore",
        "--group",
        "SO_DEBUG",
        "--profile",
        "win7",
        "--fidelity",
        "observed",
    ]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let last = lines.last().copied().unwrap_or_default();
    assert!(
        last.starts_with("explored: ") && last.ends_with(" s"),
        "{last}"
    );
    assert!(last.contains(" rules reached, in "), "{last}");
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("explored: ")).count(),
        1
    );
    assert!(out.contains("1 searches"), "{out}");
    // A narrowed search counts the rules it did not reach but does not call them dead.
    assert!(
        out.contains("rules not reached by this narrowed search:"),
        "{out}"
    );
    assert!(!out.contains("dead rules"), "{out}");
}

#[test]
fn an_unknown_group_is_an_error_that_lists_the_groups() {
    let out = Command::new(env!("CARGO_BIN_EXE_wsoracle"))
        .args(["explore", "--group", "SO_NOSUCH"])
        .output()
        .expect("run wsoracle");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no group's name contains `SO_NOSUCH`"),
        "{err}"
    );
    assert!(
        err.contains("address reuse") && err.contains("SO_LINGER+SO_DONTLINGER"),
        "{err}"
    );
}

#[test]
fn a_random_walk_prints_its_repro_line_first() {
    let (code, out) = wsoracle(&[
        "explore",
        "--random",
        "--seed",
        "11",
        "--steps",
        "300",
        "--profile",
        "win11",
        "--fidelity",
        "observed",
    ]);
    assert!(code == 0 || code == 1, "{out}");
    assert!(
        out.starts_with(
            "repro: wsoracle explore --random --seed 11 --steps 300 --profile win11 --fidelity observed"
        ),
        "{out}"
    );
    assert!(out.contains("walked: "), "{out}");
}

#[test]
fn diff_prints_only_what_differs_between_two_presets() {
    let (code, out) = wsoracle(&["explore", "--diff", "win2003", "win7"]);
    assert_eq!(code, 0, "{out}");
    // wine:K11: getsockopt(SO_KEEPALIVE) writes one byte from Vista on.
    assert!(out.contains("SOL_SOCKET SO_KEEPALIVE"), "{out}");
    assert!(out
        .lines()
        .last()
        .unwrap_or_default()
        .ends_with("differ between win2003 and win7"));
    let (_, same) = wsoracle(&["explore", "--diff", "win10-21h2", "win10-21h2"]);
    assert!(same.starts_with("0 rows"), "{same}");
}

#[test]
fn findings_are_written_as_scenarios_that_run() {
    let dir = std::env::temp_dir().join(format!("wsoracle-explore-{}", std::process::id()));
    // The group of the last open finding (scenarios/explore-findings/so-exclusiveaddruse-eacces.yaml,
    // now fixed): the search finds nothing, says so, and writes no file.
    let (code, out) = wsoracle(&[
        "explore",
        "--group",
        "SO_EXCLUSIVEADDRUSE",
        "--profile",
        "winxp",
        "--write-findings",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("invariant violations: 0"), "{out}");
    assert!(!out.contains("wrote "), "{out}");
    // With no open finding left, the writer the search uses is run on two paths: that finding's
    // (whose last step is now not modelled, so it carries no expectation) and one whose last
    // step fails (SO_EXCLUSIVEADDRUSE after SO_REUSEADDR: WSAEINVAL). Both files run and pass.
    use wsoracle_explore::alphabet::{Call, Handle, InArg, Kind};
    use wsoracle_model::{Config, Level, OptName, Preset};
    let set = |optname| Call::Set {
        s: Handle::Open(0),
        level: Level::SOL_SOCKET,
        optname,
        optval: InArg::Value { value: 1, buf: 4 },
        optlen: 4,
    };
    let xp = [
        Call::Startup(0x0202),
        Call::Socket(Kind::TCP4),
        set(OptName::SO_EXCLUSIVEADDRUSE),
    ];
    let win7 = [
        Call::Startup(0x0202),
        Call::Socket(Kind::TCP4),
        set(OptName::SO_REUSEADDR),
        set(OptName::SO_EXCLUSIVEADDRUSE),
    ];
    std::fs::create_dir_all(&dir).unwrap();
    for (name, preset, path) in [("xp", "winxp", &xp[..]), ("win7", "win7", &win7[..])] {
        let config = Config::new(Preset::by_name(preset).unwrap().version);
        let text = wsoracle_explore::scenario::write(config, path, "explore finding: test", "test");
        if name == "win7" {
            assert!(text.contains("error: WSAEINVAL"), "{text}");
        } else {
            assert!(!text.contains("expect:"), "{text}");
        }
        std::fs::write(dir.join(format!("{name}.yaml")), text).unwrap();
    }
    let (code, run) = wsoracle(&["run", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{run}");
    assert!(run.contains("2 scenarios: 2 passed"), "{run}");
    let _ = std::fs::remove_dir_all(&dir);
}
