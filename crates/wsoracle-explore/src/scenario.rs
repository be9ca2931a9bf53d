//! A call sequence written as a ready-to-run scenario file (docs/scenarios.md): the sequence is
//! replayed on a fresh stack so that each socket argument gets the name its `socket` or
//! `accept` step bound, and each time step its duration. The last step expects what the model
//! answers today, so the file passes until the model changes.

use std::collections::HashMap;
use std::fmt::Write as _;

use wsoracle_model::outcome::Ret;
use wsoracle_model::{Config, Level, OptName, Peer, SocketHandle, Stack};

use crate::alphabet::{Call, Handle, InArg, IoctlArg, LenArg, OutArg, Time};
use crate::exec;

fn hex(bytes: &[u8]) -> String {
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{}\"", parts.join(" "))
}

fn level_name(level: Level) -> String {
    level
        .name()
        .map_or_else(|| format!("{:#x}", level.0), str::to_string)
}

fn optname_name(level: Level, optname: OptName) -> String {
    optname
        .name_at(level)
        .map_or_else(|| format!("{:#x}", optname.0), str::to_string)
}

fn peer_name(p: Peer) -> &'static str {
    match p {
        Peer::Accepts => "accepts",
        Peer::Refuses => "refuses",
        Peer::Silent => "silent",
        Peer::Resets => "reset",
    }
}

/// The YAML of one step (without expectations), and the name it binds.
fn step(
    st: &Stack,
    call: &Call,
    names: &HashMap<SocketHandle, String>,
    next_name: usize,
) -> (String, Option<String>) {
    let s = || match call.handle() {
        Some(Handle::NotASocket) | None => "0xdeadbeef".to_string(),
        Some(h) => exec::resolve(st, h)
            .and_then(|h| names.get(&h).cloned())
            .unwrap_or_else(|| "0xdeadbeef".into()),
    };
    let bind = || Some(format!("s{next_name}"));
    match *call {
        Call::Startup(v) => (format!("WSAStartup: {{wVersionRequested: {v:#06x}}}"), None),
        Call::Cleanup => ("WSACleanup: {}".into(), None),
        Call::Socket(k) => (
            format!(
                "socket: {{af: {}, type: {}, protocol: {}}}",
                k.af.name()
                    .map_or_else(|| k.af.0.to_string(), str::to_string),
                k.ty.name()
                    .map_or_else(|| k.ty.0.to_string(), str::to_string),
                k.protocol
                    .name()
                    .map_or_else(|| k.protocol.0.to_string(), str::to_string)
            ),
            bind(),
        ),
        Call::Close(_) => (format!("closesocket: {{s: {}}}", s()), None),
        Call::Bind(_) => (format!("bind: {{s: {}}}", s()), None),
        Call::BindName(_, a, eph) => (
            format!(
                "bind: {{s: {}, name: \"{}\"}}",
                s(),
                crate::alphabet::name(a, eph)
            ),
            None,
        ),
        Call::ConnectName(_, a) => (
            format!(
                "connect: {{s: {}, name: \"{}\"}}",
                s(),
                crate::alphabet::name(a, false)
            ),
            None,
        ),
        Call::Listen(_) => (format!("listen: {{s: {}}}", s()), None),
        Call::Incoming(_) => (format!("incoming: {{s: {}}}", s()), None),
        Call::Accept(_) => (format!("accept: {{s: {}}}", s()), bind()),
        Call::Ioctlsocket(_, code, argp) => (
            format!(
                "ioctlsocket: {{s: {}, cmd: {}, argp: {argp}}}",
                s(),
                code.name()
                    .map_or_else(|| format!("{:#x}", code.0), str::to_string)
            ),
            None,
        ),
        Call::Connect(_, p) => (
            format!("connect: {{s: {}, peer: {}}}", s(), peer_name(p)),
            None,
        ),
        Call::CompleteConnect(_) => (format!("complete_connect: {{s: {}}}", s()), None),
        Call::Condition {
            network_down,
            blocking_call,
        } => {
            let mut parts = Vec::new();
            if let Some(n) = network_down {
                parts.push(format!("network: {}", if n { "down" } else { "up" }));
            }
            if let Some(b) = blocking_call {
                parts.push(format!("blocking_call: {b}"));
            }
            (format!("condition: {{{}}}", parts.join(", ")), None)
        }
        Call::Set {
            level,
            optname,
            optval,
            optlen,
            ..
        } => {
            let v = match optval {
                InArg::Null => "null".to_string(),
                InArg::Bad => "{pointer: 1}".to_string(),
                InArg::Value { value, buf } => hex(&exec::in_bytes(value, buf)),
            };
            (
                format!(
                    "setsockopt: {{s: {}, level: {}, optname: {}, optval: {v}, optlen: {optlen}}}",
                    s(),
                    level_name(level),
                    optname_name(level, optname)
                ),
                None,
            )
        }
        Call::Get {
            level,
            optname,
            optval,
            optlen,
            ..
        } => {
            let v = match optval {
                OutArg::Null => "null".to_string(),
                OutArg::Bad => "{pointer: 1}".to_string(),
                OutArg::Buf(n) => hex(&vec![0xcc; usize::from(n)]),
            };
            let l = match optlen {
                LenArg::Null => "null".to_string(),
                LenArg::Bad => "{pointer: 1}".to_string(),
                LenArg::Value(n) => n.to_string(),
            };
            (
                format!(
                    "getsockopt: {{s: {}, level: {}, optname: {}, optval: {v}, optlen: {l}}}",
                    s(),
                    level_name(level),
                    optname_name(level, optname)
                ),
                None,
            )
        }
        Call::Ioctl { code, arg, .. } => {
            let (input, cb_in) = exec::ioctl_input(code, arg);
            let input = match (arg, input) {
                (IoctlArg::BadInput, _) => "{pointer: 1}".to_string(),
                (_, Some(b)) => hex(&b),
                (_, None) => "null".to_string(),
            };
            let mut extra = String::new();
            match arg {
                IoctlArg::NullReturned => extra.push_str(", lpcbBytesReturned: null"),
                IoctlArg::BadReturned => extra.push_str(", lpcbBytesReturned: {pointer: 1}"),
                IoctlArg::OutBuffer => {
                    extra.push_str(", lpvOutBuffer: \"cc cc cc cc\", cbOutBuffer: 4")
                }
                IoctlArg::Overlapped { routine } => {
                    let _ = write!(
                        extra,
                        ", lpOverlapped: true, lpCompletionRoutine: {routine}"
                    );
                }
                _ => {}
            }
            (
                format!(
                    "WSAIoctl: {{s: {}, dwIoControlCode: {}, lpvInBuffer: {input}, cbInBuffer: {cb_in}{extra}}}",
                    s(),
                    code.name().map_or_else(|| format!("{:#x}", code.0), str::to_string)
                ),
                None,
            )
        }
        Call::Send(_) => (format!("send: {{s: {}, len: 1}}", s()), None),
        Call::Recv(_, len) => (format!("recv: {{s: {}, len: {len}}}", s()), None),
        Call::Advance(t) => {
            let d = match (t, exec::next_event(st)) {
                (Time::Zero, _) | (_, None) => 0,
                (Time::ToNextEvent, Some((at, _))) => at.saturating_sub(st.now().0),
                (Time::JustBeforeNextEvent, Some((at, _))) => {
                    at.saturating_sub(st.now().0).saturating_sub(1)
                }
            };
            (format!("advance: {d}ms"), None)
        }
        Call::SetPeer(_, p) => {
            let state = match p {
                Peer::Accepts => "responsive",
                Peer::Silent => "silent",
                _ => "reset",
            };
            (format!("peer: {{s: {}, state: {state}}}", s()), None)
        }
        Call::PeerSends(_) => (format!("peer_sends: {{s: {}, len: 1}}", s()), None),
        Call::SendTo(_, a) => (
            format!(
                "sendto: {{s: {}, to: \"{}\", len: 1}}",
                s(),
                crate::alphabet::name(a, false)
            ),
            None,
        ),
        Call::RecvFrom(_, len) => (format!("recvfrom: {{s: {}, len: {len}}}", s()), None),
        Call::GetSockName(_) => (format!("getsockname: {{s: {}}}", s()), None),
        Call::GetPeerName(_) => (format!("getpeername: {{s: {}}}", s()), None),
        Call::Icmp(..) => (format!("{}: {{s: {}}}", call.name(), s()), None),
    }
}

/// The scenario file for `path` under `config`, with a name, a description and, on the last
/// step, what the model answers today.
pub fn write(config: Config, path: &[Call], name: &str, description: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "format: 1");
    let _ = writeln!(out, "name: {:?}", name);
    let _ = writeln!(out, "description: >");
    for line in description.lines() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "profiles: [{}]", config.version.label());
    if config.fidelity != wsoracle_model::Fidelity::Observed {
        let _ = writeln!(out, "fidelity: {}", config.fidelity);
    }
    let _ = writeln!(out, "steps:");
    let mut st = Stack::new(config);
    let mut names: HashMap<SocketHandle, String> = HashMap::new();
    let mut count = 0usize;
    for (i, call) in path.iter().enumerate() {
        let (text, binds) = step(&st, call, &names, count + 1);
        let obs = exec::run(&mut st, call);
        if obs.misuse && i + 1 < path.len() {
            // A misuse changes nothing, and the runner would stop at it: left out.
            continue;
        }
        let _ = writeln!(out, "  - {text}");
        if let (Some(name), Some(o)) = (binds, &obs.outcome) {
            let _ = writeln!(out, "    as: {name}");
            if let Ret::Socket(h) = o.ret {
                if !h.is_invalid() {
                    names.insert(h, name);
                    count += 1;
                }
            }
        }
        if i + 1 == path.len() {
            if let Some(o) = &obs.outcome {
                let mut fields = Vec::new();
                match o.ret {
                    Ret::Int(-1) => fields.push("ret: SOCKET_ERROR".to_string()),
                    Ret::Int(n) => fields.push(format!("ret: {n}")),
                    Ret::Socket(h) if h.is_invalid() => {
                        fields.push("ret: INVALID_SOCKET".to_string())
                    }
                    Ret::Pending => fields.push("ret: pending".to_string()),
                    _ => {}
                }
                if let Some(e) = o.error.filter(|_| !matches!(call, Call::Startup(_))) {
                    fields.push(format!(
                        "error: {}",
                        e.name().map_or_else(|| e.0.to_string(), str::to_string)
                    ));
                }
                if !fields.is_empty() && o.ret != Ret::NotModelled {
                    let _ = writeln!(out, "    expect: {{{}}}", fields.join(", "));
                }
            }
        }
    }
    out
}
