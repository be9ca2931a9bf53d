//! The CLI under hostile use (issue 12): a closed stdout, runs that would check nothing,
//! loader limits from the command line, and `diff --replay` on traces that are empty, cut
//! short, spliced, or that name files outside the corpus.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn wsoracle() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wsoracle"));
    c.current_dir(root());
    c
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wsoracle-robust-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs a command whose stdout is a pipe closed before it writes: no panic, its usual status.
#[track_caller]
fn closed_stdout(args: &[&str], status: i32) {
    let mut child = wsoracle()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert_eq!(out.status.code(), Some(status), "{args:?}: {stderr}");
}

#[test]
fn a_closed_stdout_ends_quietly_with_the_usual_status() {
    closed_stdout(&["run", "scenarios/handles"], 0);
    closed_stdout(&["run", "scenarios/handles", "--format", "json"], 0);
    closed_stdout(&["explain", "--profile", "winxp", "--so-keepalive"], 0);
    closed_stdout(
        &[
            "explain",
            "--profile",
            "winxp",
            "--so-keepalive",
            "--format",
            "json",
        ],
        0,
    );
    closed_stdout(&["explain", "--option", "SO_KEEPALIVE"], 0);
    closed_stdout(&["profiles"], 0);
    closed_stdout(&["schema"], 0);
    closed_stdout(&["diff", "--replay", "tests/fixtures/traces"], 0);
}

/// A small scenario file in `dir`.
fn scenario(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

const THREE: &str = "name: three steps\nprofiles: [win11]\nsteps:\n  - WSAStartup: {}\n  - WSACleanup: {}\n  - WSACleanup: {}\n";

#[test]
fn a_run_that_ran_no_step_does_not_pass() {
    let dir = temp_dir("nothing");
    let empty = scenario(&dir, "empty.yaml", "name: nothing\nsteps: []\n");
    let out = wsoracle().arg("run").arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no step ran"), "{}", text(&out));
    // Every scenario skipped by --fidelity.
    let three = scenario(&dir, "three.yaml", THREE);
    let out = wsoracle()
        .arg("run")
        .arg(&three)
        .args(["--fidelity", "documented", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["exit_status"], 2, "{v}");
    // profiles: [] with an expectation that cannot hold.
    let none = scenario(
        &dir,
        "none.yaml",
        "name: none\nprofiles: []\nsteps:\n  - WSAStartup: {}\n    expect: {ret: 12345}\n",
    );
    let out = wsoracle().arg("run").arg(&none).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn limits_are_raised_from_the_command_line() {
    let dir = temp_dir("limits");
    let three = scenario(&dir, "three.yaml", THREE);
    let out = wsoracle()
        .arg("run")
        .arg(&three)
        .args(["--limit", "steps=2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("three.yaml:6:5:") && text(&out).contains("--limit steps=N"),
        "{}",
        text(&out)
    );
    let out = wsoracle()
        .arg("run")
        .arg(&three)
        .args(["--limit", "steps=3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = wsoracle()
        .arg("run")
        .arg(&three)
        .args(["--limit", "stepz=3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("file-bytes, nodes, depth, steps, names, value-nodes"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_folder_with_a_loop_and_a_fifo_runs_and_says_what_it_skipped() {
    let dir = temp_dir("fifo");
    scenario(&dir, "three.yaml", THREE);
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    let fifo = dir.join("fifo.yaml");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let out = wsoracle().arg("run").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("1 scenarios"), "{}", text(&out));
    assert!(text(&out).contains("skipped"), "{}", text(&out));
    if made {
        assert!(text(&out).contains("fifo.yaml"), "{}", text(&out));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- diff --replay ------------------------------------------------------------------------------

/// The lines of the first committed fixture with at least 4 step records.
fn fixture_lines() -> Vec<String> {
    let mut pending = vec![root().join("tests/fixtures/traces")];
    let mut files = Vec::new();
    while let Some(d) = pending.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                pending.push(p);
            } else if p.to_string_lossy().ends_with(".trace.jsonl") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .find(|l| l.len() > 4)
        .expect("a fixture with steps")
}

/// Replays one trace written from `lines` against the repository's corpus.
fn replay_lines(name: &str, lines: &[String]) -> Output {
    let dir = temp_dir(name);
    std::fs::write(dir.join("x.trace.jsonl"), lines.join("\n") + "\n").unwrap();
    let out = wsoracle()
        .args(["diff", "--divergences", "divergences.toml", "--replay"])
        .arg(&dir)
        .arg("scenarios")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn replay_as_usage_shows_it_passes_on_the_fixtures_from_any_folder() {
    let lines = fixture_lines();
    let out = replay_lines("whole", &lines);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // From another working directory, with no PATH: the corpus is found above the traces.
    let elsewhere = temp_dir("elsewhere");
    let out = Command::new(env!("CARGO_BIN_EXE_wsoracle"))
        .current_dir(&elsewhere)
        .args(["diff", "--format", "json", "--replay"])
        .arg(root().join("tests/fixtures/traces"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["summary"]["compared"].as_u64().unwrap() > 0, "{v}");
    let _ = std::fs::remove_dir_all(&elsewhere);
}

#[track_caller]
fn fails(out: &Output, needle: &str) {
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "status {:?}: {}",
        out.status,
        text(out)
    );
    assert!(text(out).contains(needle), "{needle}: {}", text(out));
    assert!(!text(out).contains("panicked"), "{}", text(out));
}

#[test]
fn replay_fails_on_traces_that_check_nothing_or_were_tampered_with() {
    let lines = fixture_lines();
    fails(&replay_lines("header", &lines[..1]), "records no step");
    fails(&replay_lines("cut", &lines[..3]), "cut short");
    let mut dup = lines.clone();
    dup.insert(2, lines[1].clone());
    fails(&replay_lines("dup", &dup), "repeats an earlier step");
    let mut gap = lines.clone();
    gap.remove(2);
    fails(&replay_lines("gap", &gap), "skips a step");
    let mut huge = lines.clone();
    let mut v: Value = serde_json::from_str(&huge[2]).unwrap();
    v["index"] = Value::from(u64::MAX);
    huge[2] = v.to_string();
    fails(&replay_lines("huge", &huge), "index");
}

#[test]
fn replay_reads_no_file_outside_the_corpus() {
    let lines = fixture_lines();
    let with_scenario = |s: &str| {
        let mut l = lines.clone();
        let mut h: Value = serde_json::from_str(&l[0]).unwrap();
        h["scenario"] = Value::from(s);
        l[0] = h.to_string();
        l
    };
    fails(
        &replay_lines("missing", &with_scenario("scenarios/nope.yaml")),
        "not in the corpus",
    );
    for outside in [
        "/etc/passwd",
        "../../../../etc/passwd",
        "/dev/zero",
        "Cargo.toml",
    ] {
        let out = replay_lines("outside", &with_scenario(outside));
        fails(&out, outside);
        assert!(!text(&out).contains("root:"), "{}", text(&out));
        assert!(!text(&out).contains("[package]"), "{}", text(&out));
    }
}

#[cfg(unix)]
#[test]
fn diff_timeout_bounds_the_wait_for_the_greeting() {
    // A backend that never greets: `--timeout 1` is the wait, not the 120 s default.
    let out = wsoracle()
        .args([
            "diff",
            "--backend",
            "sh -c 'exec sleep 30'",
            "--timeout",
            "1",
            "--profile",
            "win11",
            "scenarios/handles",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("no greeting within 1 s"),
        "{}",
        text(&out)
    );
}
