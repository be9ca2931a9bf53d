//! One JSON shape across commands (docs/json.md): `format_version` 1, `exit_status` as the one
//! exit key, `ret` and `error` written alike, every scenario entry with the same keys, and the
//! same "did you mean" for a misspelt profile everywhere.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn wsoracle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wsoracle"))
        .args(args)
        .output()
        .expect("run wsoracle")
}

fn json_of(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not one JSON document ({e}): {text}"))
}

fn repo(rel: &str) -> String {
    format!("{}/../../{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// A scratch folder outside the source tree, with the given files.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("wsoracle-json-shape-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write scratch file");
    }
    dir
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

const PASSES: &str =
    "name: passes\nprofiles: [win11]\nsteps:\n  - WSAStartup: {}\n    expect: {ret: 0}\n";
const FAILS: &str =
    "name: fails\nprofiles: [win11]\nsteps:\n  - WSAStartup: {}\n    expect: {ret: 1}\n";
const BROKEN: &str = "name: broken\nsteps:\n  - WSAStartup: {}\n    expct: {ret: 0}\n";
const DOCUMENTED: &str =
    "name: documented\nfidelity: documented\nprofiles: [win11]\nsteps:\n  - WSAStartup: {}\n";

#[test]
fn every_scenario_entry_has_the_same_keys_a_load_error_included() {
    let dir = scratch(
        "entries",
        &[
            ("a-passes.yaml", PASSES),
            ("b-fails.yaml", FAILS),
            ("c-broken.yaml", BROKEN),
            ("d-documented.yaml", DOCUMENTED),
        ],
    );
    let out = wsoracle(&[
        "run",
        dir.to_str().unwrap(),
        "--fidelity",
        "observed",
        "--format",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["exit_status"], 2, "the exit key is exit_status: {v:#}");
    assert_eq!(
        v["summary"],
        json!({"passed": 1, "failed": 1, "errors": 1, "skipped": 1})
    );
    let entries = v["scenarios"].as_array().expect("scenarios");
    let statuses: Vec<&str> = entries
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["passed", "failed", "error", "skipped"]);
    let first = keys(&entries[0]);
    for e in entries {
        assert_eq!(keys(e), first, "entries differ in shape: {e:#}");
    }
    let broken = &entries[2];
    assert_eq!(broken["failures"], json!([]));
    assert_eq!(broken["runs"], json!([]));
    assert_eq!(broken["name"], Value::Null);
    assert_eq!(broken["errors"][0]["line"], 4);
    assert!(broken["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("expect"));
    let failed = &entries[1];
    assert_eq!(failed["failures"][0]["field"], "ret");
    assert!(failed["failures"][0]["repro"]
        .as_str()
        .unwrap()
        .ends_with("--profile win11"));
    // The step is there, with ret as a number and error as {name, code} or null.
    let step = &failed["runs"][0]["steps"][0];
    assert_eq!(step["ret"], 0);
    assert_eq!(step["error"], Value::Null);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_streams_a_long_scenario_as_one_document() {
    let mut yaml =
        String::from("name: long\nprofiles: [win11, winxp]\nsteps:\n  - WSAStartup: {}\n");
    for _ in 0..2000 {
        yaml.push_str("  - socket: {af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}\n    as: s\n  - closesocket: {s: s}\n    expect: {ret: 0}\n");
    }
    let dir = scratch("long", &[("long.yaml", &yaml)]);
    let file = dir.join("long.yaml");
    let out = wsoracle(&["run", file.to_str().unwrap(), "--format", "json"]);
    let v = json_of(&out);
    assert_eq!(
        v["exit_status"],
        0,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let runs = v["scenarios"][0]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for r in runs {
        assert_eq!(r["steps"].as_array().unwrap().len(), 4001);
        assert_eq!(r["misuse"], Value::Null);
    }
    let text = wsoracle(&["run", file.to_str().unwrap()]);
    assert_eq!(text.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&text.stdout).contains("1 passed"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_writes_ret_and_error_as_run_does() {
    let out = wsoracle(&[
        "explain",
        "--profile",
        "win7",
        "--tcp-keepcnt",
        "3",
        "--so-keepalive",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(v["format_version"], 1);
    let calls = v["calls"].as_array().unwrap();
    // SO_KEEPALIVE succeeds; TCP_KEEPCNT does not exist before Windows 10 (wine:T07).
    assert_eq!(calls[0]["ret"], 0);
    assert_eq!(calls[1]["ret"], -1);
    assert_eq!(
        calls[1]["error"],
        json!({"name": "WSAENOPROTOOPT", "code": 10042})
    );
    assert!(calls[1]["rule"]["id"].is_string());
    assert!(calls[1]["rule"]["sources"].is_array());
    assert!(v["effective"]["idle_ms"]["rule"]["id"].is_string());
}

#[test]
fn explain_option_writes_ret_error_and_rule_as_run_does() {
    let out = wsoracle(&["explain", "--option", "SO_KEEPALIVE", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(v["format_version"], 1);
    let answers: Vec<&Value> = v["calls"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["answers"].as_array().unwrap())
        .collect();
    assert!(!answers.is_empty());
    for a in &answers {
        assert!(a["ret"].is_i64(), "{a}");
        assert!(a["error"].is_null() || a["error"]["code"].is_i64(), "{a}");
        assert!(
            a["rule"]["id"].is_string() && a["rule"]["sources"].is_array(),
            "{a}"
        );
        assert!(a["profiles"].is_string() && a["answer"].is_string(), "{a}");
    }
    // setsockopt with optlen 0 fails with WSAEFAULT everywhere (wine:K06).
    let zero = &v["calls"][1]["answers"][0];
    assert_eq!(zero["ret"], -1);
    assert_eq!(zero["error"]["name"], "WSAEFAULT");
}

#[test]
fn a_misspelt_profile_gets_the_same_suggestion_everywhere() {
    let out = wsoracle(&["explain", "--registry", "KeepAliveTim=1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean KeepAliveTime?"), "{err}");
    for args in [
        vec!["run", "--profile", "winx"],
        vec!["explain", "--profile", "winx"],
    ] {
        let out = wsoracle(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("did you mean winxp?"), "{args:?}: {err}");
    }
}

#[test]
fn profiles_prints_json() {
    let out = wsoracle(&["profiles", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(v["format_version"], 1);
    let presets = v["presets"].as_array().unwrap();
    assert_eq!(presets[0]["name"], "win2000");
    assert!(presets.iter().any(|p| p["name"] == "win11"));
    let vista = v["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["to"] == "vista")
        .expect("win2003 -> vista");
    assert_eq!(vista["crosses"], json!(["VISTA"]));
    assert!(!vista["calls"].as_array().unwrap().is_empty());
}

#[test]
fn run_without_a_path_outside_a_corpus_says_what_to_do() {
    let dir = scratch("empty", &[]);
    let out = Command::new(env!("CARGO_BIN_EXE_wsoracle"))
        .arg("run")
        .current_dir(&dir)
        .output()
        .expect("run wsoracle");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no scenarios/ folder here"), "{err}");
    assert!(err.contains("wsoracle run "), "{err}");
    // With a scenarios/ folder, that folder is the default.
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    std::fs::write(dir.join("scenarios/p.yaml"), PASSES).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wsoracle"))
        .arg("run")
        .current_dir(&dir)
        .output()
        .expect("run wsoracle");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 scenarios: 1 passed"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_bundled_corpus_passes_in_json() {
    let out = wsoracle(&["run", &repo("scenarios"), "--format", "json"]);
    let v = json_of(&out);
    assert_eq!(v["exit_status"], 0);
    assert_eq!(v["summary"]["failed"], 0);
}
