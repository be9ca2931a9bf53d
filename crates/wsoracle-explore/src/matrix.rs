//! The version matrix (docs/matrix.md, docs/matrix.json): for every option of the table × call
//! × socket kind and state × argument class, the outcome on each preset, with each cell's rule
//! and the presets where the outcome changes. Rows whose outcomes agree on every preset are
//! merged across socket kinds and states. `wsoracle explore --diff A B` prints the rows where
//! two presets differ.

use std::fmt::Write as _;

use serde_json::{json, Value};
use wsoracle_model::outcome::Ret;
use wsoracle_model::sockopt::def::OptionDef;
use wsoracle_model::sockopt::table::OPTIONS;
use wsoracle_model::{Config, IoctlCode, Level, Outcome, Peer, SocketHandle, Stack, PRESETS};

use crate::alphabet::{self, Call, Handle, InArg, Kind, LenArg, OutArg};
use crate::exec;

/// A socket state the matrix starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Created,
    Bound,
    Listening,
    Connecting,
    Connected,
    Dropped,
}

impl State {
    pub const ALL: [State; 6] = [
        State::Created,
        State::Bound,
        State::Listening,
        State::Connecting,
        State::Connected,
        State::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Created => "created",
            State::Bound => "bound",
            State::Listening => "listening",
            State::Connecting => "connecting",
            State::Connected => "connected",
            State::Dropped => "dropped",
        }
    }
}

/// A fresh process with one socket of `kind` in `state`, or `None` where the kind has no such
/// state (a datagram socket does not listen or connect in the model).
pub fn socket_in(config: Config, kind: Kind, state: State) -> Option<(Stack, SocketHandle)> {
    if !kind.is_stream() && !matches!(state, State::Created | State::Bound) {
        return None;
    }
    let mut st = Stack::new(config);
    st.wsa_startup(0x0202);
    let Ret::Socket(s) = st.socket_create(kind.af, kind.ty, kind.protocol).ret else {
        return None;
    };
    st.socket(s)?;
    match state {
        State::Created => {}
        State::Bound => {
            st.bind(s);
        }
        State::Listening => {
            st.bind(s);
            st.listen(s);
        }
        State::Connecting => {
            st.ioctlsocket(s, IoctlCode::FIONBIO, 1);
            st.connect(s, Peer::Accepts);
        }
        State::Connected => {
            st.connect(s, Peer::Accepts);
        }
        State::Dropped => {
            st.connect(s, Peer::Accepts);
            st.set_peer(s, Peer::Resets).ok()?;
            st.send(s, 1);
        }
    }
    Some((st, s))
}

/// One cell: what a preset answers, as text, and its rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub outcome: String,
    pub rule: &'static str,
}

fn answer_text(
    ret: Ret,
    error: Option<wsoracle_model::WsaError>,
    w: &wsoracle_model::Written,
) -> String {
    let mut t = match ret {
        Ret::Int(-1) => "SOCKET_ERROR".to_string(),
        Ret::NotModelled => return "not modelled".to_string(),
        r => r.to_string(),
    };
    if let Some(e) = error.filter(|e| !e.is_ok()) {
        let _ = write!(t, " {e}");
    }
    if w.len > 0 {
        let bytes: Vec<String> = w.data().iter().map(|b| format!("{b:02x}")).collect();
        let _ = write!(t, ", writes {}", bytes.join(" "));
    }
    if let Some(n) = w.optlen {
        let _ = write!(t, ", *optlen {n}");
    }
    t
}

fn cell(o: &Outcome) -> Cell {
    let mut outcome = answer_text(o.ret, o.error, &o.written);
    if let Some(other) = &o.other {
        let _ = write!(
            outcome,
            " (documented: {})",
            answer_text(other.ret, other.error, &other.written)
        );
    }
    Cell {
        outcome,
        rule: o.rule.id,
    }
}

/// One row: a call with an argument class on a set of socket kinds and states.
#[derive(Clone, Debug)]
pub struct Row {
    pub call: &'static str,
    pub argument: String,
    pub sockets: Vec<String>,
    /// One cell per preset, in `PRESETS` order.
    pub cells: Vec<Cell>,
}

/// One option's rows.
#[derive(Clone, Debug)]
pub struct Section {
    pub level: String,
    pub option: String,
    pub rows: Vec<Row>,
}

fn arg_text(call: &Call) -> String {
    match *call {
        Call::Set { optval, optlen, .. } => match optval {
            InArg::Null => format!("optval NULL, optlen {optlen}"),
            InArg::Bad => format!("optval (char *)1, optlen {optlen}"),
            InArg::Value { value, buf } => {
                format!("value {value:#x} in {buf} bytes, optlen {optlen}")
            }
        },
        Call::Get { optval, optlen, .. } => {
            let v = match optval {
                OutArg::Null => "optval NULL".to_string(),
                OutArg::Bad => "optval (char *)1".to_string(),
                OutArg::Buf(n) => format!("{n}-byte buffer"),
            };
            let l = match optlen {
                LenArg::Null => "optlen NULL".to_string(),
                LenArg::Bad => "optlen (int *)1".to_string(),
                LenArg::Value(n) => format!("*optlen {n}"),
            };
            format!("{v}, {l}")
        }
        _ => String::new(),
    }
}

fn rows_for(calls: &[Call]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for call in calls {
        for kind in Kind::MODELLED {
            for state in State::ALL {
                let mut cells = Vec::with_capacity(PRESETS.len());
                let mut exists = true;
                for p in PRESETS {
                    let Some((mut st, _)) = socket_in(Config::new(p.version), kind, state) else {
                        exists = false;
                        break;
                    };
                    let obs = exec::run(&mut st, call);
                    match &obs.outcome {
                        Some(o) => cells.push(cell(o)),
                        None => {
                            exists = false;
                            break;
                        }
                    }
                }
                if !exists {
                    continue;
                }
                let label = format!("{} {}", kind.label(), state.as_str());
                let argument = arg_text(call);
                match rows
                    .iter_mut()
                    .find(|r| r.call == call.name() && r.argument == argument && r.cells == cells)
                {
                    Some(r) => r.sockets.push(label),
                    None => rows.push(Row {
                        call: call.name(),
                        argument,
                        sockets: vec![label],
                        cells,
                    }),
                }
            }
        }
    }
    rows
}

/// The matrix: one section per option of the table, in table order, and one for the pairs
/// outside it.
pub fn build() -> Vec<Section> {
    let mut out: Vec<Section> = OPTIONS
        .iter()
        .map(|def: &&OptionDef| Section {
            level: level_name(def.level),
            option: def.name.to_string(),
            rows: rows_for(&alphabet::option_calls(def, Handle::Open(0))),
        })
        .collect();
    let mut outside = Vec::new();
    for (level, optname) in alphabet::outside_table() {
        let calls = alphabet::outside_calls(level, optname, Handle::Open(0));
        for mut r in rows_for(&calls) {
            r.argument = format!(
                "{} {}: {}",
                level_name(level),
                optname
                    .name_at(level)
                    .map_or_else(|| format!("{:#x}", optname.0), str::to_string),
                r.argument
            );
            outside.push(r);
        }
    }
    out.push(Section {
        level: "other".into(),
        option: "levels and numbers outside the table".into(),
        rows: outside,
    });
    out
}

fn level_name(level: Level) -> String {
    level
        .name()
        .map_or_else(|| format!("{:#x}", level.0), str::to_string)
}

/// The cells as runs of neighbouring presets with one outcome: (first, last, cell).
pub fn runs(cells: &[Cell]) -> Vec<(usize, usize, &Cell)> {
    let mut out: Vec<(usize, usize, &Cell)> = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        match out.last_mut() {
            Some((_, last, prev)) if *prev == c => *last = i,
            _ => out.push((i, i, c)),
        }
    }
    out
}

fn span(a: usize, b: usize) -> String {
    if a == b {
        PRESETS[a].name.to_string()
    } else {
        format!("{} to {}", PRESETS[a].name, PRESETS[b].name)
    }
}

fn sockets_text(sockets: &[String]) -> String {
    let all = Kind::MODELLED
        .iter()
        .flat_map(|k| {
            State::ALL
                .iter()
                .filter(move |s| k.is_stream() || matches!(s, State::Created | State::Bound))
                .map(move |s| format!("{} {}", k.label(), s.as_str()))
        })
        .count();
    if sockets.len() == all {
        return "every kind and state".into();
    }
    // "tcp4/tcp6 created, bound" for kinds that share their list of states.
    let mut by_kind: Vec<(String, Vec<&str>)> = Vec::new();
    for label in sockets {
        let (kind, state) = label.split_once(' ').unwrap_or((label.as_str(), ""));
        match by_kind.iter_mut().find(|(k, _)| k == kind) {
            Some((_, states)) => states.push(state),
            None => by_kind.push((kind.to_string(), vec![state])),
        }
    }
    let mut groups: Vec<(Vec<String>, Vec<&str>)> = Vec::new();
    for (kind, states) in by_kind {
        match groups.iter_mut().find(|(_, s)| *s == states) {
            Some((kinds, _)) => kinds.push(kind),
            None => groups.push((vec![kind], states)),
        }
    }
    groups
        .iter()
        .map(|(kinds, states)| format!("{} {}", kinds.join("/"), states.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// docs/matrix.md.
pub fn markdown(sections: &[Section]) -> String {
    let mut out = String::new();
    out.push_str("# The version matrix\n\n");
    out.push_str(
        "Generated by `UPDATE_DOCS=1 cargo test -p wsoracle-explore --test matrix_doc` from the option \
         table; do not edit. For every option × call × socket kind and state × argument class \
         (docs/explore.md), the outcome on each preset under observed fidelity (the documented \
         answer in parentheses where it differs) and the rule behind it. Presets with the same \
         outcome are written as a run (`win2000 to win2003`); **a change** between adjacent \
         presets starts a new run in bold. Rows that agree on every preset are merged across \
         socket kinds and states. Datagram sockets have only the created and bound states; \
         the IPv4 and IPv6 kinds are listed apart.\n\n",
    );
    out.push_str("Presets, oldest first: ");
    out.push_str(
        &PRESETS
            .iter()
            .map(|p| format!("`{}`", p.name))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push_str(".\n\n");
    let mut level = String::new();
    for s in sections {
        if s.level != level {
            let _ = writeln!(out, "## {}\n", s.level);
            level = s.level.clone();
        }
        let changes = s.rows.iter().filter(|r| runs(&r.cells).len() > 1).count();
        let _ = writeln!(out, "### {}\n", s.option);
        let _ = writeln!(
            out,
            "{} rows, {} of them change between presets.\n",
            s.rows.len(),
            changes
        );
        out.push_str("| call | argument | sockets | outcome by preset |\n|---|---|---|---|\n");
        for r in &s.rows {
            let text: Vec<String> = runs(&r.cells)
                .iter()
                .enumerate()
                .map(|(i, (a, b, c))| {
                    let who = if i == 0 {
                        span(*a, *b)
                    } else {
                        format!("**{}**", span(*a, *b))
                    };
                    format!("{who}: {} `{}`", c.outcome, c.rule)
                })
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                r.call,
                r.argument,
                sockets_text(&r.sockets),
                text.join("<br>")
            );
        }
        out.push('\n');
    }
    out
}

/// docs/matrix.json.
pub fn to_json(sections: &[Section]) -> String {
    let v = json!({
        "presets": PRESETS.iter().map(|p| json!({"name": p.name, "version": p.version.to_string()})).collect::<Vec<_>>(),
        "fidelity": "observed",
        "options": sections.iter().map(|s| json!({
            "level": s.level,
            "option": s.option,
            "rows": s.rows.iter().map(|r| json!({
                "call": r.call,
                "argument": r.argument,
                "sockets": r.sockets,
                "runs": runs(&r.cells).iter().map(|(a, b, c)| json!({
                    "from": PRESETS[*a].name,
                    "to": PRESETS[*b].name,
                    "outcome": c.outcome,
                    "rule": c.rule,
                })).collect::<Vec<Value>>(),
                "changes_at": runs(&r.cells).iter().skip(1).map(|(a, _, _)| PRESETS[*a].name).collect::<Vec<_>>(),
            })).collect::<Vec<Value>>(),
        })).collect::<Vec<Value>>(),
    });
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}

/// The rows where presets `a` and `b` answer differently, as text.
pub fn diff(sections: &[Section], a: usize, b: usize) -> (String, usize) {
    let mut out = String::new();
    let mut n = 0;
    for s in sections {
        let rows: Vec<&Row> = s.rows.iter().filter(|r| r.cells[a] != r.cells[b]).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} {}", s.level, s.option);
        for r in rows {
            n += 1;
            let _ = writeln!(
                out,
                "  {}({}) on {}\n    {}: {} [{}]\n    {}: {} [{}]",
                r.call,
                r.argument,
                sockets_text(&r.sockets),
                PRESETS[a].name,
                r.cells[a].outcome,
                r.cells[a].rule,
                PRESETS[b].name,
                r.cells[b].outcome,
                r.cells[b].rule
            );
        }
    }
    (out, n)
}
