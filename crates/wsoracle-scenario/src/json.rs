//! The per-step answers of a run as JSON: the same facts as the text trace ([`crate::trace`]),
//! as data. `wsoracle run --format json` puts one [`profile_run_json`] per profile under each
//! scenario's `runs`; the keys are listed in `docs/scenarios.md` ("JSON output").

use serde_json::{json, Map, Value};
use wsoracle_model::outcome::{Answer, Ret};
use wsoracle_model::{Fidelity, Rule, WsaError};

use crate::run::{state_label, CallAnswer, CompletionRecord, ProfileRun, StepAnswer, StepRecord};
use crate::scenario::{Call, Scenario, Step};
use crate::trace::render_answer;
use crate::values::{Buffer, IntPtrArg};

/// Contiguous lowercase hex, `""` for zero bytes.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `{"pointer": N}`: an integer the scenario passed as a pointer.
fn pointer(p: u64) -> Value {
    json!({ "pointer": p })
}

/// A return value: a number, `"pending"`, `"not modelled"`, or for a SOCKET `"a socket"` /
/// `"INVALID_SOCKET"` (handles are opaque).
pub fn ret_json(r: Ret) -> Value {
    match r {
        Ret::Int(n) => json!(n),
        Ret::Socket(h) if h.is_invalid() => json!("INVALID_SOCKET"),
        Ret::Socket(_) => json!("a socket"),
        Ret::Pending => json!("pending"),
        Ret::NotModelled => json!("not modelled"),
    }
}

/// A WSA error as `{"name", "code"}` (`name` is null for a number without a name).
pub fn error_json(e: WsaError) -> Value {
    json!({ "name": e.name(), "code": e.0 })
}

/// The last error a call set, or null when it does not set it.
fn set_error_json(e: Option<WsaError>) -> Value {
    e.map_or(Value::Null, error_json)
}

/// A rule with its basis as the answer's fidelity reads it, and its sources.
pub fn rule_json(rule: &Rule, fidelity: Fidelity) -> Value {
    json!({
        "id": rule.id,
        "basis": rule.basis.as_str(),
        "label": rule.basis_label(fidelity),
        "summary": rule.summary,
        "sources": rule.sources.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    })
}

/// A buffer after the call: hex, null for NULL, `{"pointer": N}` for an integer passed as the
/// pointer (nothing the caller can read).
fn buffer_after(arg: &Buffer, after: Option<&[u8]>) -> Value {
    match (arg, after) {
        (Buffer::Pointer(p), _) => pointer(*p),
        (_, Some(b)) => json!(hex(b)),
        (_, None) => Value::Null,
    }
}

/// `*p` after the call: a number, null for NULL, `{"pointer": N}`.
fn int_after<T: Copy + Into<i64>>(arg: &IntPtrArg<T>, after: Option<T>) -> Value {
    match (arg, after) {
        (IntPtrArg::Pointer(p), _) => pointer(*p),
        (_, Some(v)) => json!(v.into()),
        (_, None) => Value::Null,
    }
}

fn completion_record_json(c: &CompletionRecord, fidelity: Fidelity) -> Value {
    json!({
        "call": c.call,
        "s": c.s,
        "ret": ret_json(c.ret),
        "error": error_json(c.error),
        "at_ms": c.at.0,
        "rule": rule_json(c.rule, fidelity),
    })
}

/// The other fidelity's answer: what it returns and what it writes.
fn other_json(call: &Call, other: &Answer, fidelity: Fidelity) -> Value {
    let mut m = Map::new();
    m.insert("fidelity".into(), json!(fidelity.as_str()));
    m.insert("ret".into(), ret_json(other.ret));
    m.insert("error".into(), set_error_json(other.error));
    let w = &other.written;
    if matches!(call, Call::Getsockopt { .. } | Call::WsaIoctl { .. }) {
        m.insert("writes".into(), json!(hex(w.data())));
        m.insert("optlen".into(), json!(w.optlen));
        m.insert("lpcbBytesReturned".into(), json!(w.bytes_returned));
    }
    m.insert("rule".into(), rule_json(other.rule, fidelity));
    Value::Object(m)
}

/// The fields of a Winsock call's answer.
fn call_fields(m: &mut Map<String, Value>, call: &Call, a: &CallAnswer, fidelity: Fidelity) {
    let o = &a.outcome;
    m.insert("kind".into(), json!("call"));
    m.insert("ret".into(), ret_json(o.ret));
    m.insert("error".into(), set_error_json(o.error));
    if let Some(name) = &a.bound {
        m.insert("bound".into(), json!(name));
    }
    if let Some(n) = a.name_after {
        let key = if matches!(call, Call::Recvfrom { .. }) {
            "from"
        } else {
            "name"
        };
        m.insert(key.into(), json!(n.to_string()));
    }
    match call {
        Call::Setsockopt { optval, optlen, .. } => {
            m.insert(
                "optval".into(),
                buffer_after(optval, a.buffer_after.as_deref()),
            );
            m.insert("optlen".into(), json!(optlen));
        }
        Call::Getsockopt { optval, optlen, .. } => {
            m.insert(
                "optval".into(),
                buffer_after(optval, a.buffer_after.as_deref()),
            );
            m.insert("optlen".into(), int_after(optlen, a.optlen_after));
        }
        Call::WsaIoctl {
            out_buffer,
            bytes_returned,
            ..
        } => {
            m.insert(
                "lpvOutBuffer".into(),
                buffer_after(out_buffer, a.buffer_after.as_deref()),
            );
            m.insert(
                "lpcbBytesReturned".into(),
                int_after(bytes_returned, a.bytes_returned_after),
            );
            m.insert(
                "completion".into(),
                o.completion.map_or(
                    Value::Null,
                    |c| json!({ "error": error_json(c.error), "bytes": c.bytes }),
                ),
            );
        }
        _ => {}
    }
    m.insert("rule".into(), rule_json(o.rule, fidelity));
    m.insert("fidelities_differ".into(), json!(o.fidelities_differ()));
    m.insert(
        "other".into(),
        o.other.as_ref().map_or(Value::Null, |other| {
            other_json(call, other, fidelity.other())
        }),
    );
}

/// One step's answer as JSON.
pub fn step_json(step: &Step, record: &StepRecord, fidelity: Fidelity) -> Value {
    let mut m = Map::new();
    m.insert("index".into(), json!(step.index));
    m.insert("step".into(), json!(step.index + 1));
    m.insert("line".into(), json!(step.pos.line));
    m.insert("column".into(), json!(step.pos.column));
    m.insert("call".into(), json!(step.call.name()));
    m.insert("c".into(), json!(record.call));
    match &record.answer {
        StepAnswer::Call(a) => call_fields(&mut m, &step.call, a, fidelity),
        StepAnswer::Action { rule } => {
            m.insert("kind".into(), json!("action"));
            m.insert("rule".into(), rule_json(rule, fidelity));
        }
        StepAnswer::Condition => {
            m.insert("kind".into(), json!("action"));
        }
        StepAnswer::Advanced { now } => {
            m.insert("kind".into(), json!("advance"));
            m.insert("now_ms".into(), json!(now.0));
        }
        StepAnswer::Status(st) => {
            let e = &st.effective;
            m.insert("kind".into(), json!("status"));
            m.insert(
                "status".into(),
                json!({
                    "enabled": st.enabled,
                    "idle_ms": {"value": e.idle_ms.value, "rule": rule_json(e.idle_ms.rule, fidelity)},
                    "interval_ms": {"value": e.interval_ms.value, "rule": rule_json(e.interval_ms.rule, fidelity)},
                    "probe_count": {"value": e.count.value, "rule": rule_json(e.count.rule, fidelity)},
                    "probes_sent": st.probes_sent,
                    "state": state_label(st.state),
                    "dropped_at_ms": st.dropped_at.map(|t| t.0),
                }),
            );
        }
    }
    m.insert(
        "completions".into(),
        Value::Array(
            record
                .completions
                .iter()
                .map(|c| completion_record_json(c, fidelity))
                .collect(),
        ),
    );
    m.insert(
        "text".into(),
        json!(render_answer(&step.call, record, fidelity)),
    );
    Value::Object(m)
}

/// One profile's run: the profile, the fidelity, every step that ran, and the misuse that ended
/// the run early, if any.
pub fn profile_run_json(scenario: &Scenario, run: &ProfileRun) -> Value {
    let steps: Vec<Value> = scenario
        .steps
        .iter()
        .zip(&run.steps)
        .map(|(step, record)| step_json(step, record, run.fidelity))
        .collect();
    json!({
        "profile": run.version.label(),
        "version": run.version.to_string(),
        "fidelity": run.fidelity.as_str(),
        "steps": steps,
        "misuse": run.misuse.as_ref().map(|m| json!({
            "line": m.pos.line,
            "column": m.pos.column,
            "message": m.message,
        })),
    })
}
