//! Traces: one line per call, as C, with everything a caller could observe after it and the
//! provenance of the answer.
//!
//! Two renderings: [`profile_trace`] for one profile, and [`side_by_side`], which prints each
//! call once and groups the profiles that answered it identically, so that a difference between
//! Windows versions shows as a split at the step where it happens.

use std::fmt::Write as _;

use wsoracle_model::outcome::Answer;
use wsoracle_model::{Fidelity, RegistryValue, Rule};

use crate::run::{
    ret_label, state_label, write_provenance, CallAnswer, ProfileRun, StepAnswer, StepRecord,
};
use crate::scenario::{Call, Scenario};
use crate::values::{hex, render_pointer, Buffer, IntPtrArg};

/// What a caller observes after one step, without the call itself:
/// `= SOCKET_ERROR WSAEFAULT; optval cc cc cc cc; optlen 4  [rule (basis: sources)]`, and, where
/// the other fidelity answers differently, `  ≠ documented: ...`.
pub fn render_answer(call: &Call, record: &StepRecord, fidelity: Fidelity) -> String {
    render_answer_citing(call, record, fidelity, &mut write_provenance)
}

/// [`render_answer`], with each rule's provenance written by `provenance` (which writes what
/// [`crate::provenance`] gives, perhaps from a copy rendered once).
pub(crate) fn render_answer_citing(
    call: &Call,
    record: &StepRecord,
    fidelity: Fidelity,
    provenance: &mut dyn FnMut(&mut String, &'static Rule, Fidelity),
) -> String {
    let mut out = String::with_capacity(128);
    let mut cite = |out: &mut String, rule: &'static Rule, fidelity: Fidelity| {
        out.push_str("  [");
        provenance(out, rule, fidelity);
        out.push(']');
    };
    match &record.answer {
        StepAnswer::Call(a) => {
            render_call_answer(&mut out, call, a);
            cite(&mut out, a.outcome.rule, fidelity);
            if let Some(other) = &a.outcome.other {
                let _ = write!(out, "  ≠ {}: ", fidelity.other());
                render_other(&mut out, call, other);
                cite(&mut out, other.rule, fidelity.other());
            }
        }
        StepAnswer::Action { rule } => {
            out.push_str("= done");
            cite(&mut out, rule, fidelity);
        }
        StepAnswer::Condition => out.push_str("= done"),
        StepAnswer::Advanced { now } => {
            let _ = write!(out, "= {now}");
        }
        StepAnswer::Status(st) => {
            let e = &st.effective;
            let _ = write!(
                out,
                "= enabled {}, idle_ms {} [{}], interval_ms {} [{}], probe_count {} [{}], probes_sent {}, state {}, dropped_at {}",
                st.enabled,
                e.idle_ms.value,
                e.idle_ms.rule.id,
                e.interval_ms.value,
                e.interval_ms.rule.id,
                e.count.value,
                e.count.rule.id,
                st.probes_sent,
                state_label(st.state),
                st.dropped_at
                    .map_or("null".to_string(), |t| t.since_zero().to_string()),
            );
        }
    }
    for c in &record.completions {
        let _ = write!(
            out,
            "; completes {}({}) = {} {} at {}",
            c.call,
            c.s,
            ret_label(c.ret),
            c.error,
            c.at,
        );
        cite(&mut out, c.rule, fidelity);
    }
    out
}

fn render_call_answer(out: &mut String, call: &Call, a: &CallAnswer) {
    let _ = write!(out, "= {}", ret_label(a.outcome.ret));
    if let Some(name) = &a.bound {
        let _ = write!(out, " (as {name})");
    }
    if let Some(e) = a.outcome.error {
        let _ = write!(out, " {e}");
    }
    match call {
        Call::Getsockopt { optval, optlen, .. } => {
            let _ = write!(
                out,
                "; optval {}; optlen {}",
                buffer_after(optval, "char *", a.buffer_after.as_deref()),
                int_after(optlen, "int *", a.optlen_after, |v| v.to_string())
            );
        }
        Call::WsaIoctl {
            out_buffer,
            bytes_returned,
            ..
        } => {
            let _ = write!(
                out,
                "; lpvOutBuffer {}; *lpcbBytesReturned {}",
                buffer_after(out_buffer, "void *", a.buffer_after.as_deref()),
                int_after(bytes_returned, "DWORD *", a.bytes_returned_after, |v| {
                    format!("{v:#x}")
                })
            );
            if let Some(c) = a.outcome.completion {
                let _ = write!(
                    out,
                    "; completion {{error: {}, bytes: {}}}",
                    c.error, c.bytes
                );
            }
        }
        Call::Getsockname { .. } | Call::Getpeername { .. } => {
            if let Some(n) = a.name_after {
                let _ = write!(out, "; name {n}");
            }
        }
        Call::Recvfrom { .. } => {
            if let Some(n) = a.name_after {
                let _ = write!(out, "; from {n}");
            }
        }
        _ => {}
    }
}

/// A buffer after the call: its hex, `NULL`, or, for an integer passed as the pointer, that
/// pointer as C writes it (`(char *)0x1`): there is nothing the caller can read.
fn buffer_after(arg: &Buffer, ctype: &str, after: Option<&[u8]>) -> String {
    match (arg, after) {
        (Buffer::Pointer(p), _) => render_pointer(ctype, *p),
        (_, Some(b)) => hex(b),
        (_, None) => "NULL".to_string(),
    }
}

/// `*p` after the call, `NULL`, or the integer passed as the pointer (`(int *)0x1`).
fn int_after<T: Copy>(
    arg: &IntPtrArg<T>,
    ctype: &str,
    after: Option<T>,
    show: impl Fn(T) -> String,
) -> String {
    match (arg, after) {
        (IntPtrArg::Pointer(p), _) => render_pointer(ctype, *p),
        (_, Some(v)) => show(v),
        (_, None) => "NULL".to_string(),
    }
}

/// The other fidelity's answer: what it returns and what it writes (its rule follows).
fn render_other(out: &mut String, call: &Call, other: &Answer) {
    let _ = write!(out, "= {}", ret_label(other.ret));
    if let Some(e) = other.error {
        let _ = write!(out, " {e}");
    }
    let w = &other.written;
    if matches!(call, Call::Getsockopt { .. } | Call::WsaIoctl { .. }) {
        if w.len > 0 {
            let _ = write!(out, "; writes {}", hex(w.data()));
        }
        if let Some(n) = w.optlen {
            let _ = write!(out, "; optlen {n}");
        }
        if let Some(n) = w.bytes_returned {
            let _ = write!(out, "; *lpcbBytesReturned {n:#x}");
        }
    }
}

/// One profile's trace: one line per step.
pub fn profile_trace(scenario: &Scenario, run: &ProfileRun) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} on {} ({}), fidelity {}",
        scenario.name,
        run.version.label(),
        run.version,
        run.fidelity
    );
    for (step, record) in scenario.steps.iter().zip(&run.steps) {
        let _ = writeln!(
            out,
            "{:>3}  {} {}",
            step.index + 1,
            record.call,
            render_answer(&step.call, record, run.fidelity)
        );
    }
    if let Some(m) = &run.misuse {
        let _ = writeln!(out, "  !  scenario error: {}", m.message);
    }
    out
}

fn registry_line(scenario: &Scenario) -> String {
    let set: Vec<String> = RegistryValue::ALL
        .iter()
        .filter_map(|v| scenario.registry.get(*v).map(|d| format!("{v}={d}")))
        .collect();
    if set.is_empty() {
        "(nothing set: the defaults apply)".into()
    } else {
        set.join(", ")
    }
}

/// Every profile's answers, step by step, with the profiles that agree grouped on one line.
/// Deterministic: the snapshot of a scenario.
pub fn side_by_side(scenario: &Scenario, runs: &[ProfileRun]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "scenario: {}", scenario.name);
    let fidelity = runs.first().map_or(scenario.fidelity, |r| r.fidelity);
    let _ = writeln!(out, "fidelity: {fidelity}");
    let _ = writeln!(out, "registry: {}", registry_line(scenario));
    if scenario.elevated {
        let _ = writeln!(out, "process: elevated (an administrator)");
    }
    let labels: Vec<String> = runs.iter().map(|r| r.version.label()).collect();
    let _ = writeln!(out, "profiles: {}", labels.join(" "));
    for step in &scenario.steps {
        let _ = writeln!(out);
        let _ = writeln!(out, "{:>3}  {}", step.index + 1, step.call.to_c());
        // Each profile's answer for this step, grouped by text in first-seen order.
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for (run, label) in runs.iter().zip(&labels) {
            let text = match run.steps.get(step.index) {
                Some(record) => render_answer(&step.call, record, run.fidelity),
                None => match &run.misuse {
                    Some(m) if m.pos == step.pos => {
                        format!("scenario error: {}", misuse_reason(&m.message))
                    }
                    _ => "(not run: an earlier step was a scenario error)".into(),
                },
            };
            match groups.iter_mut().find(|(t, _)| *t == text) {
                Some((_, members)) => members.push(label.clone()),
                None => groups.push((text, vec![label.clone()])),
            }
        }
        if let [(text, _)] = groups.as_slice() {
            let _ = writeln!(out, "     all: {text}");
            continue;
        }
        for (text, members) in groups {
            let _ = writeln!(out, "     {}:", group_label(&labels, &members));
            let _ = writeln!(out, "       {text}");
        }
    }
    out
}

/// A misuse message without its " (step N `call` on profile)" tail (the snapshot shows those).
fn misuse_reason(message: &str) -> &str {
    message
        .rsplit_once(" (step ")
        .map_or(message, |(reason, _)| reason)
}

/// The profiles of a group, with runs of three or more neighbours (in the run's profile order)
/// shortened to `vista to win11`.
fn group_label(all: &[String], members: &[String]) -> String {
    let positions: Vec<usize> = members
        .iter()
        .filter_map(|m| all.iter().position(|a| a == m))
        .collect();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < positions.len() {
        let mut j = i;
        while j + 1 < positions.len() && positions[j + 1] == positions[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            parts.push(format!("{} to {}", all[positions[i]], all[positions[j]]));
        } else {
            parts.extend(positions[i..=j].iter().map(|p| all[*p].clone()));
        }
        i = j + 1;
    }
    parts.join(", ")
}
