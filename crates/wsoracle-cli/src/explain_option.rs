//! `wsoracle explain --option NAME`: one socket option as the model knows it: its descriptor
//! (level, number, value kind, length class, sockets, access, inheritance), its default and
//! availability on every preset, and what each length does: setsockopt with optlen −1, 0, 1, 2,
//! 3, 4, 8 and getsockopt with `*optlen` 1, 2, 3, 4, 8, run on the model under every preset, the
//! presets that answer alike grouped on one line, each answer with its rule.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{json, Value};
use wsoracle_model::codes::{Level, OptName, OPTION_NAMES, WINSOCK_2_2};
use wsoracle_model::outcome::Outcome;
use wsoracle_model::sockopt::def::{Access, OptionDef, Since, Sockets};
use wsoracle_model::sockopt::table::{lookup, Lookup};
use wsoracle_model::{
    AddressFamily, Config, Fidelity, InBuf, IntPtr, OutBuf, Protocol, Ret, SocketHandle,
    SocketType, Stack, PRESETS,
};
use wsoracle_scenario::json::{ErrorJson, RetJson, RuleJson};

/// The option a name (and an optional level) stands for.
pub fn resolve(name: &str, level: Option<&str>) -> Result<(Level, OptName), String> {
    let level = match level {
        None => None,
        Some(l) => Some(Level::from_name(l).ok_or_else(|| {
            let names: Vec<&str> = Level::NAMED.iter().map(|(_, n, _)| *n).collect();
            format!("unknown level `{l}`; write one of {}", names.join(", "))
        })?),
    };
    let matches: Vec<_> = OPTION_NAMES
        .iter()
        .filter(|n| n.name == name && level.is_none_or(|l| n.level == l))
        .collect();
    match matches.as_slice() {
        [one] => Ok((one.level, one.optname)),
        [] => {
            let names: Vec<&str> = OPTION_NAMES.iter().map(|n| n.name).collect();
            let hint = wsoracle_scenario::values::closest(name, names)
                .map(|c| format!("; did you mean {c}?"))
                .unwrap_or_default();
            match level {
                Some(l) if OPTION_NAMES.iter().any(|n| n.name == name) => {
                    Err(format!("`{name}` is not an option of {l}"))
                }
                _ => Err(format!("unknown option `{name}`{hint}")),
            }
        }
        many => {
            let levels: Vec<String> = many.iter().map(|n| n.level.to_string()).collect();
            Err(format!(
                "`{name}` is an option of {}: say which with --level",
                levels.join(" and ")
            ))
        }
    }
}

fn since(s: Since) -> String {
    match s {
        Since::Always => "every modelled version".into(),
        Since::Never => "no version".into(),
        Since::From(v) => match PRESETS.iter().find(|p| p.version.at_least(v)) {
            Some(p) => format!("{v} on (preset {} on)", p.name),
            None => format!("{v} on"),
        },
    }
}

/// A fresh socket of a kind the option fits (TCP unless it is datagram-only).
fn socket_for(stack: &mut Stack, def: Option<&OptionDef>) -> Option<SocketHandle> {
    stack.wsa_startup(WINSOCK_2_2);
    let datagram = def.is_some_and(|d| d.sockets == Sockets::Datagram);
    let (ty, proto) = if datagram {
        (SocketType::SOCK_DGRAM, Protocol::IPPROTO_UDP)
    } else {
        (SocketType::SOCK_STREAM, Protocol::IPPROTO_TCP)
    };
    match stack.socket_create(AddressFamily::AF_INET, ty, proto).ret {
        Ret::Socket(s) => Some(s),
        _ => None,
    }
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One call's answer on one preset: as the text prints it, and as data in the JSON shape every
/// command shares (docs/json.md).
#[derive(Clone, Debug, Serialize)]
struct Answer {
    /// The answer as the text output prints it.
    answer: String,
    ret: RetJson,
    /// The last error the call set, or null.
    error: Option<ErrorJson>,
    /// getsockopt: the buffer (hex) and `*optlen` after the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    optval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    optlen: Option<i32>,
    rule: Option<RuleJson>,
    fidelities_differ: bool,
}

/// Presets answer alike when the text and the rule are the same (as the text output groups them).
impl PartialEq for Answer {
    fn eq(&self, other: &Self) -> bool {
        self.answer == other.answer && self.rule_id() == other.rule_id()
    }
}

impl Answer {
    fn no_socket() -> Self {
        Answer {
            answer: "no socket".into(),
            ret: RetJson::Word("no socket"),
            error: None,
            optval: None,
            optlen: None,
            rule: None,
            fidelities_differ: false,
        }
    }

    fn rule_id(&self) -> &str {
        self.rule.as_ref().map_or("", |r| r.id)
    }
}

/// One call's answer, as text and data, with its rule.
fn answer(o: &Outcome, written: Option<(&[u8], i32)>) -> Answer {
    let text = answer_text(o, written);
    Answer {
        answer: text,
        ret: o.ret.into(),
        error: o.error.map(ErrorJson::from),
        optval: written.map(|(buf, _)| buf.iter().map(|b| format!("{b:02x}")).collect()),
        optlen: written.map(|(_, len)| len),
        rule: Some(RuleJson::new(o.rule, o.fidelity)),
        fidelities_differ: o.other.is_some(),
    }
}

/// One call's answer as the text output prints it.
fn answer_text(o: &Outcome, written: Option<(&[u8], i32)>) -> String {
    let mut a = o.ret.to_string();
    if let Some(e) = o.error {
        if !(o.ret == Ret::OK && e.is_ok()) {
            let _ = write!(a, " {e}");
        }
    }
    if let Some((buf, len)) = written {
        let _ = write!(a, "; optval {}; optlen {len}", hex(buf));
    }
    if let Some(other) = &o.other {
        let mut alt = other.ret.to_string();
        if let Some(e) = other.error {
            if !(other.ret == Ret::OK && e.is_ok()) {
                let _ = write!(alt, " {e}");
            }
        }
        if other.written.len > 0 {
            let _ = write!(alt, "; writes {}", hex(other.written.data()));
        }
        if let Some(l) = other.written.optlen {
            let _ = write!(alt, "; optlen {l}");
        }
        let _ = write!(a, " (the {} fidelity: {alt})", o.fidelity.other());
    }
    a
}

/// The probes: (label, per preset answer, rule).
fn probes(
    level: Level,
    optname: OptName,
    def: Option<&OptionDef>,
    fidelity: Fidelity,
) -> Vec<(String, Vec<Answer>)> {
    let mut rows: Vec<(String, Vec<Answer>)> = Vec::new();
    let value: [u8; 8] = [1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
    for optlen in [-1, 0, 1, 2, 3, 4, 8] {
        let label = format!("setsockopt(optval 01 00 00 00 ff ff ff ff, optlen {optlen})");
        let per: Vec<_> = PRESETS
            .iter()
            .map(|p| {
                let mut st = Stack::new(Config::new(p.version).with_fidelity(fidelity));
                match socket_for(&mut st, def) {
                    Some(s) => answer(
                        &st.setsockopt(s, level, optname, InBuf::Bytes(&value), optlen),
                        None,
                    ),
                    None => Answer::no_socket(),
                }
            })
            .collect();
        rows.push((label, per));
    }
    for optlen in [1, 2, 3, 4, 8] {
        let label = format!(
            "getsockopt(*optlen {optlen}, a buffer of {optlen} bytes ef be ad de …) on a fresh socket"
        );
        let per: Vec<_> = PRESETS
            .iter()
            .map(|p| {
                let mut st = Stack::new(Config::new(p.version).with_fidelity(fidelity));
                match socket_for(&mut st, def) {
                    Some(s) => {
                        let mut buf = [0xef, 0xbe, 0xad, 0xde, 0xef, 0xbe, 0xad, 0xde];
                        let mut len = optlen;
                        let o = st.getsockopt(
                            s,
                            level,
                            optname,
                            OutBuf::Bytes(&mut buf[..optlen as usize]),
                            IntPtr::Value(&mut len),
                        );
                        answer(&o, Some((&buf[..optlen as usize], len)))
                    }
                    None => Answer::no_socket(),
                }
            })
            .collect();
        rows.push((label, per));
    }
    rows
}

/// Presets that answer alike, as runs: `win2000 to win2003`.
fn grouped(per: &[Answer]) -> Vec<(String, &Answer)> {
    let mut out: Vec<(String, &Answer)> = Vec::new();
    let mut i = 0;
    while i < per.len() {
        let mut j = i;
        while j + 1 < per.len() && per[j + 1] == per[i] {
            j += 1;
        }
        let who = if i == 0 && j == per.len() - 1 {
            "all".to_string()
        } else if i == j {
            PRESETS[i].name.to_string()
        } else {
            format!("{} to {}", PRESETS[i].name, PRESETS[j].name)
        };
        out.push((who, &per[i]));
        i = j + 1;
    }
    out
}

/// `wsoracle explain --option NAME [--level LEVEL]`: prints and returns the exit status.
pub fn run(name: &str, level: Option<&str>, fidelity: Fidelity, json_out: bool) -> i32 {
    let (level, optname) = match resolve(name, level) {
        Ok(found) => found,
        Err(msg) => {
            eprintln!("wsoracle explain: {msg}");
            return 2;
        }
    };
    let def = match lookup(level, optname) {
        Lookup::Found(def) => Some(def),
        _ => None,
    };
    let rows = probes(level, optname, def, fidelity);
    if json_out {
        let out = to_json(level, optname, def, fidelity, &rows);
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&out).unwrap_or_default()
        ));
    } else {
        emit(&to_text(level, optname, def, fidelity, &rows));
    }
    0
}

/// Writes to stdout; a closed stdout (`| head`) ends the output quietly.
fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn to_text(
    level: Level,
    optname: OptName,
    def: Option<&OptionDef>,
    fidelity: Fidelity,
    rows: &[(String, Vec<Answer>)],
) -> String {
    let mut out = String::new();
    let name = optname.name_at(level).unwrap_or("?");
    let _ = writeln!(
        out,
        "{name} (level {level}, optname {} = {:#x})",
        optname.0, optname.0
    );
    match def {
        None => {
            let _ = writeln!(out, "  not modelled: no source describes what Windows answers; every call answers \"not modelled\"");
        }
        Some(d) => {
            let _ = writeln!(out, "  {}: {}", d.modelling.as_str(), d.summary);
            let _ = writeln!(out, "  value: {}", d.value.as_str());
            let _ = writeln!(out, "  length class: {}", d.class.as_str());
            if let Some(c) = d.legacy_class {
                let _ = writeln!(out, "  before Vista: class {}", c.as_str());
            }
            let _ = writeln!(out, "  sockets: {}", d.sockets.as_str());
            let access = match d.access {
                Access::ReadWrite => "getsockopt and setsockopt",
                Access::ReadOnly { .. } => "getsockopt only",
                Access::WriteOnly => "setsockopt only",
            };
            let _ = writeln!(
                out,
                "  access: {access}; accept copies it: {}",
                if d.inherited { "yes" } else { "no" }
            );
            let _ = writeln!(
                out,
                "  available: observed {}; documented {}",
                since(d.availability.observed),
                since(d.availability.documented)
            );
            let defaults: Vec<String> = PRESETS
                .iter()
                .map(|p| {
                    let here = d.availability.since(fidelity).has(p.version);
                    let v = d
                        .default_at(p.version)
                        .filter(|_| here)
                        .map_or_else(|| "-".into(), |v| v.to_string());
                    format!("{}={v}", p.name)
                })
                .collect();
            let _ = writeln!(out, "  default: {}", defaults.join(" "));
            let _ = writeln!(out, "  rules:");
            for r in d.rules() {
                let _ = writeln!(out, "    {r}");
            }
        }
    }
    let _ = writeln!(
        out,
        "\nwhat each length does ({fidelity} fidelity; a fresh socket per call):"
    );
    for (label, per) in rows {
        let _ = writeln!(out, "  {label}");
        for (who, a) in grouped(per) {
            let _ = writeln!(out, "     {who}: = {}  [{}]", a.answer, a.rule_id());
        }
    }
    out
}

fn to_json(
    level: Level,
    optname: OptName,
    def: Option<&OptionDef>,
    fidelity: Fidelity,
    rows: &[(String, Vec<Answer>)],
) -> Value {
    let calls: Vec<Value> = rows
        .iter()
        .map(|(label, per)| {
            json!({
                "call": label,
                "answers": grouped(per).into_iter().map(|(who, a)| {
                    let mut v = json!(a);
                    v["profiles"] = json!(who);
                    v
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let descriptor = def.map(|d| {
        json!({
            "modelling": d.modelling.as_str(),
            "summary": d.summary,
            "value": d.value.as_str(),
            "length_class": d.class.as_str(),
            "sockets": d.sockets.as_str(),
            "inherited": d.inherited,
            "available_observed": since(d.availability.observed),
            "available_documented": since(d.availability.documented),
            "defaults": PRESETS.iter().map(|p| json!({"profile": p.name, "default": d.default_at(p.version)})).collect::<Vec<_>>(),
            "rules": d.rules().map(|r| r.id).collect::<Vec<_>>(),
        })
    });
    json!({
        "format_version": 1,
        "option": optname.name_at(level),
        "level": level.to_string(),
        "optname": optname.0,
        "fidelity": fidelity.as_str(),
        "modelled": def.is_some(),
        "descriptor": descriptor,
        "calls": calls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_and_ambiguous_ones_ask_for_the_level() {
        assert_eq!(
            resolve("SO_LINGER", None),
            Ok((Level::SOL_SOCKET, OptName::SO_LINGER))
        );
        assert_eq!(
            resolve("TCP_KEEPIDLE", None),
            Ok((Level::IPPROTO_TCP, OptName(3)))
        );
        assert!(resolve("IP_ORIGINAL_ARRIVAL_IF", None)
            .unwrap_err()
            .contains("--level"));
        assert!(resolve("SO_LINGR", None)
            .unwrap_err()
            .contains("did you mean SO_LINGER?"));
        assert!(resolve("SO_LINGER", Some("IPPROTO_TCP"))
            .unwrap_err()
            .contains("not an option of"));
    }

    #[test]
    fn the_text_shows_the_short_lengths_per_version() {
        let (level, optname) = resolve("SO_DONTROUTE", None).unwrap();
        let def = match lookup(level, optname) {
            Lookup::Found(d) => Some(d),
            _ => None,
        };
        let rows = probes(level, optname, def, Fidelity::Observed);
        let text = to_text(level, optname, def, Fidelity::Observed, &rows);
        // One byte from Vista on, the DWORD up to 2003 (options:O035, O161).
        assert!(
            text.contains("vista to win11: = 0; optval 00 be ad de; optlen 1"),
            "{text}"
        );
        assert!(
            text.contains("win2000 to win2003: = 0; optval 00 00 00 00; optlen 4"),
            "{text}"
        );
    }
}
