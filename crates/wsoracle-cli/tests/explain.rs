//! `wsoracle explain` end to end.

use std::process::Command;

fn explain(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wsoracle"))
        .arg("explain")
        .args(args)
        .output()
        .expect("run wsoracle");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn winxp_so_keepalive_detects_at_7205_s_with_sources() {
    let (code, out) = explain(&["--profile", "winxp", "--so-keepalive"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("7,200 s") && out.contains("so_keepalive#42a54-157"),
        "{out}"
    );
    assert!(out.contains("interval     1 s"), "{out}");
    assert!(
        out.contains("5 probes") && out.contains("so_keepalive#42a54-164"),
        "{out}"
    );
    assert!(out.contains("detected at 7,205 s"), "{out}");
}

#[test]
fn json_and_build_numbers() {
    let (code, out) = explain(&[
        "--profile",
        "10.0.17763",
        "--so-keepalive",
        "--tcp-keepidle",
        "30",
        "--tcp-keepintvl",
        "5",
        "--tcp-keepcnt",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["detection_ms"], 45_000);
    assert_eq!(v["effective"]["probe_count"]["value"], 3);
    assert_eq!(
        v["schedule"]["probes_ms"],
        serde_json::json!([30_000, 35_000, 40_000])
    );
}

#[test]
fn sio_on_vista_and_registry_zero_count_on_xp() {
    let (_, out) = explain(&[
        "--profile",
        "vista",
        "--keepalive-vals",
        "1,30000,5000",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["detection_ms"], 80_000);
    let (_, out) = explain(&[
        "--profile",
        "winxp",
        "--so-keepalive",
        "--registry",
        "TcpMaxDataRetransmissions=0",
    ]);
    assert!(out.contains("Detection: never"), "{out}");
    let (code, _) = explain(&["--profile", "win12"]);
    assert_eq!(code, 2);
}

#[test]
fn svg_is_written() {
    let path = std::env::temp_dir().join(format!("wsoracle-explain-{}.svg", std::process::id()));
    let p = path.to_string_lossy().into_owned();
    let (code, _) = explain(&["--profile", "win7", "--so-keepalive", "--svg", &p]);
    assert_eq!(code, 0);
    let svg = std::fs::read_to_string(&path).expect("svg");
    let _ = std::fs::remove_file(&path);
    assert!(
        svg.starts_with("<svg") && svg.contains("drop 7,210 s"),
        "{svg}"
    );
}

#[test]
fn explain_option_answers_for_any_option() {
    let (code, out) = explain(&["--option", "TCP_NODELAY"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("length class: A (BOOLEAN: one byte)"), "{out}");
    // options:O066: one byte written, *optlen 1, on every preset.
    assert!(
        out.contains("all: = 0; optval 00 be ad de; optlen 1 (the documented fidelity: 0; writes 00 00 00 00; optlen 4)  [getsockopt.tcp-nodelay]"),
        "{out}"
    );
    let (code, out) = explain(&["--option", "SO_RCVTIMEO", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["option"], "SO_RCVTIMEO");
    assert_eq!(v["modelled"], true);
    assert!(
        v["calls"].as_array().is_some_and(|c| c.len() == 12),
        "{out}"
    );
    let (code, out) = explain(&["--option", "SO_BSP_STATE"]);
    assert_eq!(code, 0);
    assert!(out.contains("not modelled"), "{out}");
    let (code, _) = explain(&["--option", "SO_LINGR"]);
    assert_eq!(code, 2);
}
