//! Replays the committed backend traces (`tests/fixtures/traces/`, recorded by
//! `wsoracle diff --record`) against the model, with no backend present: every step a real
//! stack answered must agree with the model or be a known divergence of `divergences.toml`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The trace format version this test knows.
const TRACE_FORMAT_VERSION: u64 = 1;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/traces")
}

fn traces(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                pending.push(p);
            } else if p.to_string_lossy().ends_with(".trace.jsonl") {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

fn replay(dir: &Path, json: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsoracle"));
    cmd.current_dir(root())
        .args(["diff", "--replay"])
        .arg(dir)
        .args(["--divergences", "divergences.toml"]);
    if json {
        cmd.args(["--format", "json"]);
    }
    cmd.output().expect("run wsoracle")
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wsoracle-replay-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn fixtures_have_a_known_format_version() {
    let files = traces(&fixtures());
    assert!(
        !files.is_empty(),
        "no fixtures under {}",
        fixtures().display()
    );
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: not JSON: {e}", f.display(), i + 1));
            assert_eq!(
                v["format_version"].as_u64(),
                Some(TRACE_FORMAT_VERSION),
                "{}:{}: trace format version",
                f.display(),
                i + 1
            );
            if i == 0 {
                assert_eq!(v["kind"], "header", "{}", f.display());
                assert_eq!(v["protocol"].as_u64(), Some(1), "{}", f.display());
            } else {
                assert_eq!(v["kind"], "step", "{}:{}", f.display(), i + 1);
            }
        }
    }
}

#[test]
fn fixtures_agree_with_the_model_or_are_known_divergences() {
    let out = replay(&fixtures(), true);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let summary = &report["summary"];
    let mut new = Vec::new();
    for s in report["scenarios"].as_array().unwrap() {
        for st in s["steps"].as_array().unwrap() {
            if st["verdict"] == "new" || st["verdict"] == "backend-error" {
                new.push(format!(
                    "{} step {}: {}\n    model {}\n    backend {}\n    {}",
                    s["file"], st["step"], st["call"], st["model"], st["backend"], st["provenance"]
                ));
            }
        }
        for e in s["errors"].as_array().unwrap() {
            new.push(format!("{}: {e}", s["file"]));
        }
    }
    assert!(
        new.is_empty(),
        "divergences that divergences.toml does not explain (re-record with \
         `just wine-diff` if the corpus changed, or add an entry):\n{}",
        new.join("\n")
    );
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert!(summary["compared"].as_u64().unwrap() > 0, "{summary}");
    assert!(summary["agreed"].as_u64().unwrap() > 0, "{summary}");
}

#[test]
fn a_newer_trace_format_is_refused_by_name() {
    let first = traces(&fixtures()).into_iter().next().unwrap();
    let dir = temp_dir("version");
    let text = std::fs::read_to_string(&first).unwrap();
    let newer = text.replacen("\"format_version\":1", "\"format_version\":2", 1);
    assert_ne!(newer, text);
    std::fs::write(dir.join("x.trace.jsonl"), newer).unwrap();
    let out = replay(&dir, false);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("format_version 2"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_answer_the_model_does_not_give_is_a_new_divergence() {
    // A trace whose getsockopt answer has been altered: the replay must fail on it.
    let dir = temp_dir("altered");
    let mut altered = None;
    for f in traces(&fixtures()) {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate().skip(1) {
            let mut v: Value = serde_json::from_str(line).unwrap();
            if v["call"] == "getsockopt"
                && v["status"] == "ok"
                && v["answer"]["ret"] == 0
                && v["answer"]["optlen"] == 1
            {
                v["answer"]["optlen"] = Value::from(3);
                let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                out[i] = v.to_string();
                altered = Some(out.join("\n") + "\n");
                break;
            }
        }
        if altered.is_some() {
            break;
        }
    }
    let altered = altered.expect("a fixture with a successful one-byte getsockopt");
    std::fs::write(dir.join("x.trace.jsonl"), altered).unwrap();
    let out = replay(&dir, false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("NEW "), "{stdout}");
    assert!(stdout.contains("optlen: model 1, backend 3"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
