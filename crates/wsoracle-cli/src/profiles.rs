//! `wsoracle profiles`: the presets, the version thresholds the model's rules are keyed on, and
//! what actually differs between neighbouring presets. The differences are derived by running
//! a fixed set of probe calls on every preset and comparing the answers, so they follow the
//! model rather than a table that could drift from it.

use serde::Serialize;
use wsoracle_model::version::threshold;
use wsoracle_model::{WindowsVersion, PRESETS};
use wsoracle_scenario::json::JSON_FORMAT_VERSION;
use wsoracle_scenario::{render_answer, run_profile, ProfileRun, Scenario};

/// Arguments of `wsoracle profiles`.
#[derive(clap::Args, Debug)]
pub struct ProfilesArgs {
    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

/// `wsoracle profiles --format json` (documented in docs/json.md).
#[derive(Serialize)]
struct ProfilesJson {
    format_version: u32,
    presets: Vec<PresetJson>,
    thresholds: Vec<ThresholdJson>,
    /// What differs between each preset and the next, in the probe calls.
    differences: Vec<StepPairJson>,
}

#[derive(Serialize)]
struct PresetJson {
    name: &'static str,
    version: String,
    description: &'static str,
}

#[derive(Serialize)]
struct ThresholdJson {
    name: &'static str,
    version: String,
    switches_on: &'static str,
}

#[derive(Serialize)]
struct StepPairJson {
    from: String,
    to: String,
    /// The thresholds crossed between the two.
    crosses: Vec<&'static str>,
    calls: Vec<CallDifferenceJson>,
}

/// One probe call answered differently: each side as the text trace prints it (null when the
/// call did not run).
#[derive(Serialize)]
struct CallDifferenceJson {
    call: String,
    from: Option<String>,
    to: Option<String>,
}

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

pub fn run(args: &ProfilesArgs) -> i32 {
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
    let mut pairs = Vec::new();
    for pair in runs.windows(2) {
        let [old, new] = pair else { continue };
        let mut calls = Vec::new();
        for step in &probe.steps {
            let answer = |r: &ProfileRun| {
                r.steps
                    .get(step.index)
                    .map(|rec| render_answer(&step.call, rec, r.fidelity))
            };
            let (before, after) = (answer(old), answer(new));
            if before != after {
                calls.push(CallDifferenceJson {
                    call: step.call.to_c(),
                    from: before,
                    to: after,
                });
            }
        }
        pairs.push(StepPairJson {
            from: old.version.label(),
            to: new.version.label(),
            crosses: THRESHOLDS
                .iter()
                .filter(|(_, v, _)| old.version < *v && *v <= new.version)
                .map(|(name, _, _)| *name)
                .collect(),
            calls,
        });
    }
    let doc = ProfilesJson {
        format_version: JSON_FORMAT_VERSION,
        presets: PRESETS
            .iter()
            .map(|p| PresetJson {
                name: p.name,
                version: p.version.to_string(),
                description: p.description,
            })
            .collect(),
        thresholds: THRESHOLDS
            .iter()
            .map(|(name, v, what)| ThresholdJson {
                name,
                version: v.to_string(),
                switches_on: what,
            })
            .collect(),
        differences: pairs,
    };
    if args.format == "json" {
        match serde_json::to_string_pretty(&doc) {
            Ok(text) => outln!("{text}"),
            Err(e) => {
                eprintln!("wsoracle profiles: cannot print JSON: {e}");
                return 2;
            }
        }
        return 0;
    }
    print_text(&doc);
    0
}

fn print_text(doc: &ProfilesJson) {
    outln!("Presets (`--profile NAME`, or any MAJOR.MINOR.BUILD[.UBR]):");
    for p in &doc.presets {
        outln!("  {:<12} {:<12} {}", p.name, p.version, p.description);
    }
    outln!();
    outln!("Version thresholds the rules are keyed on (wsoracle_model::version::threshold):");
    for t in &doc.thresholds {
        outln!("  {:<12} {}: {}", t.version, t.name, t.switches_on);
    }
    outln!();
    outln!("What differs between neighbouring presets (probe calls run on each):");
    for pair in &doc.differences {
        let (a, b) = (&pair.from, &pair.to);
        let crossing = if pair.crosses.is_empty() {
            String::new()
        } else {
            format!(" (crosses {})", pair.crosses.join(", "))
        };
        if pair.calls.is_empty() {
            outln!("  {a} -> {b}{crossing}: no difference in the probe calls");
            continue;
        }
        outln!("  {a} -> {b}{crossing}:");
        for c in &pair.calls {
            let show = |x: &Option<String>| x.clone().unwrap_or_else(|| "(not run)".into());
            outln!("    {}", c.call);
            outln!("      {a:<11} {}", show(&c.from));
            outln!("      {b:<11} {}", show(&c.to));
        }
    }
}
