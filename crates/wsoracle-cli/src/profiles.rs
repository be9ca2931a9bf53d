//! `wsoracle profiles`: the presets, the version thresholds the model's rules are keyed on, and
//! what actually differs between neighbouring presets. The differences are derived by running
//! a fixed set of probe calls on every preset and comparing the answers, so they follow the
//! model rather than a table that could drift from it.

use wsoracle_model::version::threshold;
use wsoracle_model::{WindowsVersion, PRESETS};
use wsoracle_scenario::{render_answer, run_profile, ProfileRun, Scenario};

/// The thresholds of `wsoracle_model::version::threshold`, with what each switches on.
const THRESHOLDS: &[(&str, WindowsVersion, &str)] = &[
    ("WIN2000", threshold::WIN2000, "the SO_KEEPALIVE page applies; earlier versions are not modelled"),
    ("VISTA", threshold::VISTA, "\"Windows Vista and later\": one-byte BOOLEAN from getsockopt, no SO_KEEPALIVE during a pending connect, a fixed probe count of 10"),
    ("WIN10_1703", threshold::WIN10_1703, "TCP_KEEPCNT"),
    ("WIN10_1709", threshold::WIN10_1709, "TCP_KEEPINTVL and the documented TCP_KEEPIDLE"),
    ("OPTLEN_NEGATIVE_ENOBUFS", threshold::OPTLEN_NEGATIVE_ENOBUFS, "setsockopt with optlen -1 answers WSAENOBUFS instead of WSAEFAULT; the build is chosen inside 19041-19045, which share binaries (assumption:A02)"),
];

/// The probe calls: every version-dependent behaviour the model knows of. keepalive_status
/// comes last, since a model without a timeline rejects it as misuse and stops the run there.
const PROBE: &str = r#"
name: profile probe
steps:
  - WSAStartup: {}
  - socket: {af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}
    as: s
  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: 4}
  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {dword: 1}, optlen: -1}
  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: "01", optlen: 1}
  - setsockopt: {s: s, level: IPPROTO_TCP, optname: TCP_KEEPIDLE, optval: {dword: 60}}
  - setsockopt: {s: s, level: IPPROTO_TCP, optname: TCP_KEEPCNT, optval: {dword: 3}}
  - setsockopt: {s: s, level: IPPROTO_TCP, optname: TCP_KEEPINTVL, optval: {dword: 5}}
  - WSAIoctl: {s: s, dwIoControlCode: SIO_KEEPALIVE_VALS, lpvInBuffer: {tcp_keepalive: {onoff: 1, keepalivetime: 60000, keepaliveinterval: 1000}}}
  - socket: {af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}
    as: c
  - ioctlsocket: {s: c, cmd: FIONBIO, argp: 1}
  - connect: {s: c, peer: silent}
  - setsockopt: {s: c, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {dword: 1}}
  - connect: {s: s, peer: accepts}
  - keepalive_status: {s: s}
"#;

pub fn run() -> i32 {
    outln!("Presets (`--profile NAME`, or any MAJOR.MINOR.BUILD[.UBR]):");
    for p in PRESETS {
        outln!(
            "  {:<12} {:<12} {}",
            p.name,
            p.version.to_string(),
            p.description
        );
    }
    outln!();
    outln!("Version thresholds the rules are keyed on (wsoracle_model::version::threshold):");
    for (name, v, what) in THRESHOLDS {
        outln!("  {:<12} {name}: {what}", v.to_string());
    }
    outln!();

    let probe = match Scenario::from_yaml_str("<profile probe>", PROBE) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wsoracle profiles: the built-in probe does not load: {e}");
            return 2;
        }
    };
    let runs: Vec<ProfileRun> = PRESETS
        .iter()
        .map(|p| run_profile(&probe, p.version))
        .collect();
    outln!("What differs between neighbouring presets (probe calls run on each):");
    for pair in runs.windows(2) {
        let [old, new] = pair else { continue };
        let (a, b) = (old.version.label(), new.version.label());
        let mut differences = Vec::new();
        for step in &probe.steps {
            let answer = |r: &ProfileRun| {
                r.steps
                    .get(step.index)
                    .map(|rec| render_answer(&step.call, rec, r.fidelity))
            };
            let (before, after) = (answer(old), answer(new));
            if before != after {
                differences.push((step.call.to_c(), before, after));
            }
        }
        let crossed: Vec<&str> = THRESHOLDS
            .iter()
            .filter(|(_, v, _)| old.version < *v && *v <= new.version)
            .map(|(name, _, _)| *name)
            .collect();
        let crossing = if crossed.is_empty() {
            String::new()
        } else {
            format!(" (crosses {})", crossed.join(", "))
        };
        if differences.is_empty() {
            outln!("  {a} -> {b}{crossing}: no difference in the probe calls");
            continue;
        }
        outln!("  {a} -> {b}{crossing}:");
        for (call, before, after) in differences {
            let show = |x: Option<String>| x.unwrap_or_else(|| "(not run)".into());
            outln!("    {call}");
            outln!("      {a:<11} {}", show(before));
            outln!("      {b:<11} {}", show(after));
        }
    }
    0
}
