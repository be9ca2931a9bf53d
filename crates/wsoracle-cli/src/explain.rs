//! `wsoracle explain`: the effective keep-alive settings of one connection on a given Windows
//! version and registry, with the provenance of every number, the probe schedule and the
//! detection time of a dead peer.
//!
//! It drives the model: a connected TCP socket is set up with the calls the flags stand for
//! (in a fixed order: SO_KEEPALIVE, SIO_KEEPALIVE_VALS, TCP_KEEPIDLE, TCP_KEEPINTVL,
//! TCP_KEEPCNT, the order libraries use), the peer goes silent (or resets), and the schedule is
//! read by stepping `Stack::advance` from one `Stack::next_keepalive_event` to the next.

use std::fmt::Write as _;

use serde::Serialize;
use wsoracle_model::codes::WINSOCK_2_2;
use wsoracle_model::ioctl::tcp_keepalive_bytes;
use wsoracle_model::keepalive::Sourced;
use wsoracle_model::outcome::Outcome;
use wsoracle_model::timeline::{KeepAliveEventKind, KeepAliveStatus};
use wsoracle_model::{
    AddressFamily, Config, Duration, Fidelity, InBuf, IntPtr, IoctlCode, Level, OptName, OutBuf,
    Peer, Protocol, Registry, RegistryValue, Ret, Rule, SocketHandle, SocketType, Stack,
    WindowsVersion, WsaIoctlArgs,
};
use wsoracle_scenario::json::{ErrorJson, RetJson, RuleJson, JSON_FORMAT_VERSION};

/// Arguments of `wsoracle explain`.
#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Windows version: a preset (winxp, vista, win7, win10-1607, win10-1703, win10-1709, win11,
    /// ...) or MAJOR.MINOR.BUILD[.UBR] (e.g. 10.0.17763).
    #[arg(long, default_value = "win11")]
    pub profile: String,
    /// A registry value, NAME=VALUE (decimal or 0x hex), repeatable: KeepAliveTime,
    /// KeepAliveInterval, TcpMaxDataRetransmissions, PPTPTcpMaxDataRetransmissions.
    #[arg(long = "registry", value_name = "NAME=VALUE")]
    pub registry: Vec<String>,
    /// setsockopt(SOL_SOCKET, SO_KEEPALIVE, TRUE).
    #[arg(long)]
    pub so_keepalive: bool,
    /// WSAIoctl(SIO_KEEPALIVE_VALS) with struct tcp_keepalive {onoff, keepalivetime ms,
    /// keepaliveinterval ms}, e.g. 1,30000,5000.
    #[arg(long, value_name = "ONOFF,TIME_MS,INTERVAL_MS")]
    pub keepalive_vals: Option<String>,
    /// setsockopt(IPPROTO_TCP, TCP_KEEPIDLE (= TCP_KEEPALIVE, 3), seconds).
    #[arg(long, value_name = "SECONDS")]
    pub tcp_keepidle: Option<u32>,
    /// setsockopt(IPPROTO_TCP, TCP_KEEPINTVL (17), seconds).
    #[arg(long, value_name = "SECONDS")]
    pub tcp_keepintvl: Option<u32>,
    /// setsockopt(IPPROTO_TCP, TCP_KEEPCNT (16), count).
    #[arg(long, value_name = "COUNT")]
    pub tcp_keepcnt: Option<u32>,
    /// How the peer behaves once the connection is idle: silent (a dead host) or reset.
    #[arg(long, default_value = "silent", value_parser = ["silent", "reset"])]
    pub peer: String,
    /// observed (default) or documented.
    #[arg(long, default_value = "observed", value_parser = ["observed", "documented"])]
    pub fidelity: String,
    /// text (default) or json.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Also draw the timeline (idle period, probes, drop) as SVG into FILE.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<std::path::PathBuf>,
    /// Explain one socket option instead of a keep-alive timeline: its value kind, length class,
    /// default and availability per preset, what each short length does, and the rules.
    #[arg(long, value_name = "NAME")]
    pub option: Option<String>,
    /// With --option: the level, for a name two levels define (e.g. IPPROTO_IPV6).
    #[arg(long, value_name = "LEVEL", requires = "option")]
    pub level: Option<String>,
}

/// One setup call and what the model answered.
struct CallRecord {
    call: String,
    outcome: Outcome,
}

/// Everything `explain` found out.
struct Explanation {
    version: WindowsVersion,
    fidelity: Fidelity,
    registry: Registry,
    calls: Vec<CallRecord>,
    status: KeepAliveStatus,
    peer: &'static str,
    /// Probe instants (ms since the connection went idle).
    probes: Vec<u64>,
    drop_at: Option<u64>,
    drop_rule: Option<&'static Rule>,
}

/// Runs `wsoracle explain`; returns the exit status.
pub fn run(args: &ExplainArgs) -> i32 {
    if let Some(name) = &args.option {
        let fidelity = Fidelity::from_name(&args.fidelity).unwrap_or_default();
        return crate::explain_option::run(
            name,
            args.level.as_deref(),
            fidelity,
            args.format == "json",
        );
    }
    match explain(args) {
        Ok(x) => {
            if let Some(path) = &args.svg {
                if let Err(e) = std::fs::write(path, svg(&x)) {
                    eprintln!("wsoracle explain: cannot write {}: {e}", path.display());
                    return 2;
                }
            }
            if args.format == "json" {
                match serde_json::to_string_pretty(&ExplainJson::new(&x)) {
                    Ok(text) => outln!("{text}"),
                    Err(e) => {
                        eprintln!("wsoracle explain: cannot print JSON: {e}");
                        return 2;
                    }
                }
            } else {
                out!("{}", text(&x));
            }
            0
        }
        Err(msg) => {
            eprintln!("wsoracle explain: {msg}");
            2
        }
    }
}

fn parse_number(s: &str) -> Option<u32> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

fn explain(args: &ExplainArgs) -> Result<Explanation, String> {
    // The same words, and the same "did you mean", as `wsoracle run --profile`.
    let version: WindowsVersion = wsoracle_scenario::parse_profile(&args.profile)
        .map_err(|e| format!("--profile {}: {e}", args.profile))?;
    let mut registry = Registry::default();
    for item in &args.registry {
        let (name, value) = item.split_once('=').ok_or_else(|| {
            format!("--registry `{item}`: write NAME=VALUE, e.g. KeepAliveTime=30000")
        })?;
        let name = name.trim();
        let which = RegistryValue::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = RegistryValue::ALL.iter().map(|v| v.name()).collect();
            let hint = wsoracle_scenario::values::closest(name, known.iter().copied())
                .map(|c| format!("did you mean {c}? "))
                .unwrap_or_default();
            format!(
                "--registry: unknown value `{name}`: {hint}write one of {}",
                known.join(", ")
            )
        })?;
        let data = parse_number(value)
            .ok_or_else(|| format!("--registry {name}: `{value}` is not a REG_DWORD"))?;
        registry.set(which, Some(data));
    }
    let fidelity = Fidelity::from_name(&args.fidelity).unwrap_or_default();
    let vals = match &args.keepalive_vals {
        None => None,
        Some(v) => {
            let parts: Vec<Option<u32>> = v.split(',').map(parse_number).collect();
            match parts.as_slice() {
                [Some(a), Some(b), Some(c)] => Some((*a, *b, *c)),
                _ => {
                    return Err(format!(
                        "--keepalive-vals `{v}`: write ONOFF,TIME_MS,INTERVAL_MS, e.g. 1,30000,5000"
                    ))
                }
            }
        }
    };

    let mut st = Stack::new(
        Config::new(version)
            .with_registry(registry)
            .with_fidelity(fidelity),
    );
    st.wsa_startup(WINSOCK_2_2);
    let created = st.socket_create(
        AddressFamily::AF_INET,
        SocketType::SOCK_STREAM,
        Protocol::IPPROTO_TCP,
    );
    let s: SocketHandle = match created.ret {
        Ret::Socket(h) if !h.is_invalid() => h,
        other => {
            return Err(format!(
                "the model cannot create a TCP socket on {version}: {other}"
            ))
        }
    };
    let connected = st.connect(s, Peer::Accepts);
    if connected.ret != Ret::OK {
        return Err(format!("connect on {version}: {}", connected.ret));
    }

    let mut calls = Vec::new();
    if args.so_keepalive {
        let outcome = st.setsockopt(
            s,
            Level::SOL_SOCKET,
            OptName::SO_KEEPALIVE,
            InBuf::Bytes(&1u32.to_le_bytes()),
            4,
        );
        calls.push(CallRecord {
            call: "setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, TRUE)".into(),
            outcome,
        });
    }
    if let Some((on, t, i)) = vals {
        let k = tcp_keepalive_bytes(on, t, i);
        let mut returned = 0u32;
        let outcome = st.wsa_ioctl(WsaIoctlArgs {
            s,
            code: IoctlCode::SIO_KEEPALIVE_VALS,
            in_buf: InBuf::Bytes(&k),
            cb_in: 12,
            out_buf: OutBuf::Null,
            cb_out: 0,
            bytes_returned: IntPtr::Value(&mut returned),
            overlapped: false,
            completion_routine: false,
        });
        calls.push(CallRecord {
            call: format!("WSAIoctl(s, SIO_KEEPALIVE_VALS, {{{on}, {t} ms, {i} ms}})"),
            outcome,
        });
    }
    for (flag, name, opt) in [
        (args.tcp_keepidle, "TCP_KEEPIDLE", OptName::TCP_KEEPIDLE),
        (args.tcp_keepintvl, "TCP_KEEPINTVL", OptName::TCP_KEEPINTVL),
        (args.tcp_keepcnt, "TCP_KEEPCNT", OptName::TCP_KEEPCNT),
    ] {
        if let Some(v) = flag {
            let outcome = st.setsockopt(
                s,
                Level::IPPROTO_TCP,
                opt,
                InBuf::Bytes(&v.to_le_bytes()),
                4,
            );
            calls.push(CallRecord {
                call: format!("setsockopt(s, IPPROTO_TCP, {name}, {v})"),
                outcome,
            });
        }
    }

    let status = st
        .keepalive_status(s)
        .map_err(|m| format!("keepalive_status: {m}"))?;
    let (peer, peer_name) = if args.peer == "reset" {
        (Peer::Resets, "reset")
    } else {
        (Peer::Silent, "silent")
    };
    st.set_peer(s, peer).map_err(|m| m.to_string())?;

    // Step through the schedule: at most 255 probes and one drop.
    let mut probes = Vec::new();
    let (mut drop_at, mut drop_rule) = (None, None);
    for _ in 0..=256 {
        let Some(ev) = st.next_keepalive_event(s) else {
            break;
        };
        let now = st.now().0;
        st.advance(Duration(ev.at.0.saturating_sub(now)));
        match ev.kind {
            KeepAliveEventKind::Probe { .. } => probes.push(ev.at.0),
            KeepAliveEventKind::Drop => {
                drop_at = Some(ev.at.0);
                drop_rule = Some(ev.rule);
                break;
            }
        }
    }
    Ok(Explanation {
        version,
        fidelity,
        registry,
        calls,
        status,
        peer: peer_name,
        probes,
        drop_at,
        drop_rule,
    })
}

// ---- formatting ---------------------------------------------------------------------------------

/// 7200000 → "7,200 s"; 1500 → "1.5 s"; 250 → "250 ms".
fn fmt_ms(ms: u64) -> String {
    if ms != 0 && ms < 1000 {
        return format!("{ms} ms");
    }
    let secs = group(ms / 1000);
    match ms % 1000 {
        0 => format!("{secs} s"),
        frac => {
            let f = format!("{frac:03}");
            format!("{secs}.{} s", f.trim_end_matches('0'))
        }
    }
}

fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn sources(rule: &Rule) -> String {
    rule.sources
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn provenance(rule: &Rule, fidelity: Fidelity) -> String {
    format!(
        "{} [{}: {}]",
        rule.id,
        rule.basis_label(fidelity),
        sources(rule)
    )
}

fn version_label(v: WindowsVersion) -> String {
    match v.preset() {
        Some(p) => format!("{} ({}, {})", p.name, p.description, v),
        None => v.to_string(),
    }
}

fn outcome_text(o: &Outcome) -> String {
    match (o.ret, o.error) {
        (Ret::Int(0), _) => "0".into(),
        (ret, Some(e)) => format!("{ret} ({e})"),
        (ret, None) => ret.to_string(),
    }
}

fn text(x: &Explanation) -> String {
    let f = x.fidelity;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Keep-alive on {}, {} fidelity",
        version_label(x.version),
        f
    );
    let set: Vec<String> = RegistryValue::ALL
        .iter()
        .filter_map(|v| x.registry.get(*v).map(|d| format!("{}={d}", v.name())))
        .collect();
    let _ = writeln!(
        out,
        "Registry: {}",
        if set.is_empty() {
            "nothing set (defaults)".to_string()
        } else {
            set.join(", ")
        }
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "Calls on a connected TCP socket, at t=0:");
    if x.calls.is_empty() {
        let _ = writeln!(
            out,
            "  (none: keep-alive stays off, so_keepalive#42a54-152)"
        );
    }
    for c in &x.calls {
        let _ = writeln!(
            out,
            "  {} -> {}\n      {}",
            c.call,
            outcome_text(&c.outcome),
            provenance(c.outcome.rule, f)
        );
        if let Some(other) = &c.outcome.other {
            let _ = writeln!(
                out,
                "      the {} fidelity answers {} instead ({})",
                f.other(),
                outcome_text(&Outcome {
                    ret: other.ret,
                    error: other.error,
                    ..c.outcome
                }),
                other.rule.id
            );
        }
    }
    let e = &x.status.effective;
    let _ = writeln!(out);
    let _ = writeln!(out, "Effective settings:");
    let _ = writeln!(
        out,
        "  keep-alive   {}",
        if x.status.enabled { "on" } else { "off" }
    );
    let row = |out: &mut String, name: &str, value: String, s: &Sourced<u64>| {
        let _ = writeln!(out, "  {name:<12} {value:<12} {}", provenance(s.rule, f));
    };
    row(&mut out, "idle time", fmt_ms(e.idle_ms.value), &e.idle_ms);
    row(
        &mut out,
        "interval",
        fmt_ms(e.interval_ms.value),
        &e.interval_ms,
    );
    let n = e.count.value;
    let _ = writeln!(
        out,
        "  {:<12} {:<12} {}",
        "probe count",
        format!("{n} probe{}", if n == 1 { "" } else { "s" }),
        provenance(e.count.rule, f)
    );
    let _ = writeln!(out);
    if !x.status.enabled {
        let _ = writeln!(
            out,
            "Schedule: keep-alive is off, no probes are sent; a dead peer is never detected by keep-alive."
        );
        return out;
    }
    let _ = writeln!(
        out,
        "Probe schedule (the peer is {} from t=0; times since the connection went idle):",
        x.peer
    );
    let shown = |k: usize| x.probes.len() <= 8 || k < 3 || k + 2 >= x.probes.len();
    let mut ellipsis = false;
    for (k, at) in x.probes.iter().enumerate() {
        if shown(k) {
            let _ = writeln!(out, "  probe {:<4} t={}", k + 1, fmt_ms(*at));
        } else if !ellipsis {
            let _ = writeln!(out, "  ...");
            ellipsis = true;
        }
    }
    match (x.drop_at, x.drop_rule) {
        (Some(at), Some(rule)) => {
            let _ = writeln!(out, "  drop       t={}", fmt_ms(at));
            let _ = writeln!(out, "      {}", provenance(rule, f));
            let formula = if x.peer == "silent" {
                format!(
                    " = {} + {n} × {}",
                    fmt_ms(e.idle_ms.value),
                    fmt_ms(e.interval_ms.value)
                )
            } else {
                String::new()
            };
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "Detection: the dead peer is detected at {}{formula} ({}) after the connection goes idle.",
                fmt_ms(at),
                Duration(at)
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "  (no probes: the probe count is 0, so_keepalive#42a54-167)"
            );
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "Detection: never; keep-alive does not drop the connection."
            );
        }
    }
    out
}

/// `wsoracle explain --format json` (documented in docs/json.md).
#[derive(Serialize)]
struct ExplainJson {
    format_version: u32,
    profile: String,
    version: String,
    fidelity: &'static str,
    /// The registry values given, by name.
    registry: std::collections::BTreeMap<&'static str, u32>,
    calls: Vec<ExplainCallJson>,
    effective: EffectiveJson,
    peer: &'static str,
    schedule: ScheduleJson,
    detection_ms: Option<u64>,
    detection: Option<String>,
}

/// One setup call: `ret` and `error` as `wsoracle run` writes them.
#[derive(Serialize)]
struct ExplainCallJson {
    call: String,
    ret: RetJson,
    /// The last error the call set, or null when it does not set it.
    error: Option<ErrorJson>,
    rule: RuleJson,
    fidelities_differ: bool,
    /// The other fidelity's answer where it differs observably, else null.
    other: Option<ExplainOtherJson>,
}

#[derive(Serialize)]
struct ExplainOtherJson {
    fidelity: &'static str,
    ret: RetJson,
    error: Option<ErrorJson>,
    rule: RuleJson,
}

#[derive(Serialize)]
struct SourcedJson {
    value: u64,
    rule: RuleJson,
}

#[derive(Serialize)]
struct EffectiveJson {
    enabled: bool,
    idle_ms: SourcedJson,
    interval_ms: SourcedJson,
    probe_count: SourcedJson,
}

#[derive(Serialize)]
struct ScheduleJson {
    /// Probe instants, ms after the connection went idle.
    probes_ms: Vec<u64>,
    drop_at_ms: Option<u64>,
    drop_rule: Option<RuleJson>,
}

impl ExplainJson {
    fn new(x: &Explanation) -> Self {
        let f = x.fidelity;
        let e = &x.status.effective;
        let sourced = |value: u64, rule| SourcedJson {
            value,
            rule: RuleJson::new(rule, f),
        };
        ExplainJson {
            format_version: JSON_FORMAT_VERSION,
            profile: x.version.label(),
            version: x.version.to_string(),
            fidelity: f.as_str(),
            registry: RegistryValue::ALL
                .iter()
                .filter_map(|v| x.registry.get(*v).map(|d| (v.name(), d)))
                .collect(),
            calls: x
                .calls
                .iter()
                .map(|c| ExplainCallJson {
                    call: c.call.clone(),
                    ret: c.outcome.ret.into(),
                    error: c.outcome.error.map(ErrorJson::from),
                    rule: RuleJson::new(c.outcome.rule, f),
                    fidelities_differ: c.outcome.fidelities_differ(),
                    other: c.outcome.other.map(|a| ExplainOtherJson {
                        fidelity: f.other().as_str(),
                        ret: a.ret.into(),
                        error: a.error.map(ErrorJson::from),
                        rule: RuleJson::new(a.rule, f.other()),
                    }),
                })
                .collect(),
            effective: EffectiveJson {
                enabled: x.status.enabled,
                idle_ms: sourced(e.idle_ms.value, e.idle_ms.rule),
                interval_ms: sourced(e.interval_ms.value, e.interval_ms.rule),
                probe_count: sourced(u64::from(e.count.value), e.count.rule),
            },
            peer: x.peer,
            schedule: ScheduleJson {
                probes_ms: x.probes.clone(),
                drop_at_ms: x.drop_at,
                drop_rule: x.drop_rule.map(|r| RuleJson::new(r, f)),
            },
            detection_ms: x.drop_at,
            detection: x.drop_at.map(|ms| Duration(ms).to_string()),
        }
    }
}

// ---- SVG --------------------------------------------------------------------------------------

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The timeline as SVG: the idle period as a bar, then the probes and the drop on their own
/// scale (the axis is broken when the idle period dwarfs the probing phase).
fn svg(x: &Explanation) -> String {
    const W: f64 = 960.0;
    const H: f64 = 260.0;
    const LEFT: f64 = 40.0;
    const RIGHT: f64 = W - 40.0;
    const AXIS_Y: f64 = 150.0;
    let e = &x.status.effective;
    let idle = e.idle_ms.value;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="Helvetica, Arial, sans-serif">"#
    );
    let _ = writeln!(s, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let title = format!("Keep-alive timeline: {}", version_label(x.version));
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="30" font-size="18" font-weight="bold">{}</text>"#,
        esc(&title)
    );
    let summary = if !x.status.enabled {
        "keep-alive off: no probes, a dead peer is never detected".to_string()
    } else {
        let detect = match x.drop_at {
            Some(at) => format!("detection at {}", fmt_ms(at)),
            None => "never dropped".into(),
        };
        format!(
            "idle {} · interval {} · {} probes · peer {} · {}",
            fmt_ms(idle),
            fmt_ms(e.interval_ms.value),
            e.count.value,
            x.peer,
            detect
        )
    };
    let _ = writeln!(
        s,
        r##"<text x="{LEFT}" y="54" font-size="14" fill="#333">{}</text>"##,
        esc(&summary)
    );

    let end = x.drop_at.or(x.probes.last().copied());
    let probing = end.map_or(0, |t| t.saturating_sub(idle));
    // Idle share of the width: proportional, but between 25% and 60% so both parts stay legible.
    let total = idle.saturating_add(probing).max(1) as f64;
    let share = if !x.status.enabled || end.is_none() {
        0.85
    } else {
        (idle as f64 / total).clamp(0.25, 0.6)
    };
    let broken = x.status.enabled && end.is_some() && (idle as f64 / total) > 0.6;
    let idle_end = LEFT + (RIGHT - LEFT - 20.0) * share;
    let probe_x = |t: u64| -> f64 {
        if probing == 0 {
            return idle_end;
        }
        let frac = t.saturating_sub(idle) as f64 / probing as f64;
        idle_end + (RIGHT - 20.0 - idle_end) * frac
    };

    // Axis.
    let _ = writeln!(
        s,
        r##"<line x1="{LEFT}" y1="{AXIS_Y}" x2="{RIGHT}" y2="{AXIS_Y}" stroke="#555" stroke-width="1.5"/>"##
    );
    // Idle bar.
    let _ = writeln!(
        s,
        r##"<rect x="{LEFT}" y="{}" width="{}" height="28" fill="#cfe3f7" stroke="#4a7fb5"/>"##,
        AXIS_Y - 14.0,
        idle_end - LEFT
    );
    let idle_label = if x.status.enabled {
        format!("idle {} ({})", fmt_ms(idle), Duration(idle))
    } else {
        "keep-alive off: idle forever, no probes".to_string()
    };
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="13" text-anchor="middle">{}</text>"#,
        (LEFT + idle_end) / 2.0,
        AXIS_Y + 5.0,
        esc(&idle_label)
    );
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="{}" font-size="12" text-anchor="middle">0</text>"#,
        AXIS_Y + 34.0
    );
    let _ = writeln!(
        s,
        r##"<text x="{LEFT}" y="{}" font-size="11" fill="#555" text-anchor="start">connection idle</text>"##,
        AXIS_Y + 50.0
    );
    if broken {
        // An axis break: the idle bar is not to scale with the probing phase.
        let bx = idle_end - 6.0;
        let _ = writeln!(
            s,
            r##"<path d="M{} {} l6 -12 M{} {} l6 -12" stroke="#555" stroke-width="1.5"/>"##,
            bx - 3.0,
            AXIS_Y + 6.0,
            bx + 3.0,
            AXIS_Y + 6.0
        );
    }
    if x.status.enabled && end.is_none() {
        let _ = writeln!(
            s,
            r##"<path d="M{} {AXIS_Y} l-10 -6 v12 z" fill="#555"/><text x="{}" y="{}" font-size="12" text-anchor="end">no probes (count 0): never dropped</text>"##,
            RIGHT,
            RIGHT,
            AXIS_Y - 24.0
        );
    }
    // Probes.
    let label_all = x.probes.len() <= 12;
    for (k, at) in x.probes.iter().enumerate() {
        let px = probe_x(*at);
        let _ = writeln!(
            s,
            r##"<path d="M{px} {} l-6 -12 h12 z" fill="#f0a030" stroke="#a06010"><title>probe {} at {}</title></path>"##,
            AXIS_Y - 16.0,
            k + 1,
            fmt_ms(*at)
        );
        if label_all || k == 0 || k + 1 == x.probes.len() {
            let _ = writeln!(
                s,
                r#"<text x="{px}" y="{}" font-size="11" text-anchor="middle">P{}</text>"#,
                AXIS_Y - 32.0,
                k + 1
            );
        }
    }
    // The time of each probe under the axis when there are few; otherwise only the first.
    let timed = if x.probes.len() <= 6 {
        x.probes.len()
    } else {
        1
    };
    for at in x.probes.iter().take(timed) {
        let px = probe_x(*at);
        let _ = writeln!(
            s,
            r#"<text x="{px}" y="{}" font-size="12" text-anchor="middle">{}</text>"#,
            AXIS_Y + 34.0,
            esc(&fmt_ms(*at))
        );
    }
    // Drop.
    if let Some(at) = x.drop_at {
        let dx = probe_x(at);
        let _ = writeln!(
            s,
            r##"<line x1="{dx}" y1="{}" x2="{dx}" y2="{}" stroke="#c0392b" stroke-width="3"/>"##,
            AXIS_Y - 50.0,
            AXIS_Y + 20.0
        );
        let _ = writeln!(
            s,
            r##"<path d="M{} {} l12 12 M{} {} l-12 12" stroke="#c0392b" stroke-width="3"/>"##,
            dx - 6.0,
            AXIS_Y - 72.0,
            dx + 6.0,
            AXIS_Y - 72.0
        );
        let _ = writeln!(
            s,
            // A row below the probe times, so the two never overlap when probes are close.
            r##"<text x="{dx}" y="{}" font-size="13" font-weight="bold" fill="#c0392b" text-anchor="end">drop {}</text>"##,
            AXIS_Y + 52.0,
            esc(&fmt_ms(at))
        );
    }
    // Legend.
    let ly = H - 22.0;
    let _ = writeln!(
        s,
        r##"<rect x="{LEFT}" y="{}" width="16" height="10" fill="#cfe3f7" stroke="#4a7fb5"/><text x="{}" y="{ly}" font-size="12">idle period (no data from the peer)</text>"##,
        ly - 9.0,
        LEFT + 22.0
    );
    let _ = writeln!(
        s,
        r##"<path d="M{} {} l-6 -12 h12 z" fill="#f0a030" stroke="#a06010"/><text x="{}" y="{ly}" font-size="12">unanswered probe</text>"##,
        LEFT + 290.0,
        ly + 1.0,
        LEFT + 302.0
    );
    let _ = writeln!(
        s,
        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c0392b" stroke-width="3"/><text x="{}" y="{ly}" font-size="12">connection dropped (T + N·I)</text>"##,
        LEFT + 450.0,
        ly - 11.0,
        LEFT + 450.0,
        ly + 2.0,
        LEFT + 460.0
    );
    let _ = writeln!(s, "</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_milliseconds() {
        assert_eq!(fmt_ms(7_200_000), "7,200 s");
        assert_eq!(fmt_ms(1_000), "1 s");
        assert_eq!(fmt_ms(1_500), "1.5 s");
        assert_eq!(fmt_ms(250), "250 ms");
        assert_eq!(fmt_ms(0), "0 s");
        assert_eq!(group(1_234_567), "1,234,567");
    }
}
