//! `wsoracle run --format json`: the per-profile, per-step answers, parsed back.

use std::process::Command;

use serde_json::{json, Value};

fn run_json(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_wsoracle"))
        .arg("run")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("run wsoracle");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (out.status.code().unwrap_or(-1), v)
}

fn fixture(rel: &str) -> String {
    format!("{}/../../{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// The steps of profile `profile` in the first scenario.
fn steps<'a>(v: &'a Value, profile: &str) -> &'a Vec<Value> {
    let runs = v["scenarios"][0]["runs"].as_array().expect("runs");
    let run = runs
        .iter()
        .find(|r| r["profile"] == profile)
        .unwrap_or_else(|| panic!("no run for {profile}: {runs:?}"));
    run["steps"].as_array().expect("steps")
}

#[test]
fn steps_per_profile_with_bytes_rule_and_the_other_fidelity() {
    let (code, v) = run_json(&[&fixture(
        "crates/wsoracle-scenario/tests/fixtures/keepalive-on.yaml",
    )]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["scenarios"][0]["status"], "passed");

    // Server 2003 writes the whole DWORD and *optlen 4.
    let get = &steps(&v, "win2003")[3];
    assert_eq!(get["index"], 3);
    assert_eq!(get["step"], 4);
    assert_eq!(get["line"], 11);
    assert_eq!(get["call"], "getsockopt");
    assert_eq!(
        get["c"],
        "getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, cc cc cc cc, &4)"
    );
    assert_eq!(get["ret"], 0);
    assert_eq!(get["error"], json!({"name": "NO_ERROR", "code": 0}));
    assert_eq!(get["optval"], "01000000");
    assert_eq!(get["optlen"], 4);
    assert_eq!(get["rule"]["id"], "getsockopt.so_keepalive.dword-2003");
    assert_eq!(get["fidelities_differ"], false);
    assert_eq!(get["other"], Value::Null);

    // Windows 11 writes one BOOLEAN byte and *optlen 1; the documentation promises a DWORD.
    let steps11 = steps(&v, "win11");
    let get = &steps11[3];
    assert_eq!(get["optval"], "01cccccc");
    assert_eq!(get["optlen"], 1);
    assert_eq!(get["rule"]["id"], "getsockopt.so_keepalive.boolean");
    assert_eq!(get["rule"]["label"], "observed");
    assert!(get["rule"]["sources"]
        .as_array()
        .is_some_and(|s| s.contains(&json!("wine:K11"))));
    assert_eq!(get["fidelities_differ"], true);
    assert_eq!(get["other"]["fidelity"], "documented");
    assert_eq!(get["other"]["writes"], "01000000");
    assert_eq!(get["other"]["optlen"], 4);
    // WSAStartup does not set the last error; the socket is opaque and bound to `s`.
    assert_eq!(steps11[0]["error"], Value::Null);
    assert_eq!(steps11[1]["ret"], "a socket");
    assert_eq!(steps11[1]["bound"], "s");
}

#[test]
fn integers_passed_as_pointers_are_reported_as_pointers() {
    let (code, v) = run_json(&[
        &fixture("scenarios/sockopt/bad-pointers.yaml"),
        "--profile",
        "win7",
    ]);
    assert_eq!(code, 0, "{v:#}");
    let steps = steps(&v, "win7");
    let set = &steps[4];
    assert_eq!(
        set["c"],
        "setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, (char *)0x1, 1)"
    );
    assert_eq!(set["ret"], -1);
    assert_eq!(set["error"], json!({"name": "WSAEFAULT", "code": 10014}));
    assert_eq!(set["optval"], json!({"pointer": 1}));
    let get = &steps[10];
    assert_eq!(get["optval"], "cccccccc");
    assert_eq!(get["optlen"], json!({"pointer": 1}));
    let ioctl = &steps[9];
    assert_eq!(ioctl["lpcbBytesReturned"], 0);
    assert_eq!(ioctl["completion"], Value::Null);
    // A bad non-NULL pointer rests on the NULL observations by inference.
    assert_eq!(ioctl["rule"]["id"], "sio_keepalive_vals.bad-input-pointer");
}
