//! The per-step answers of a run as JSON: the same facts as the text trace ([`crate::trace`]),
//! as typed data. `wsoracle run --format json` writes one [`ProfileRunJson`] per profile under
//! each scenario's `runs` (streamed step by step, see [`StepJson`]); the keys are documented in
//! `docs/json.md`, whose `format_version` is [`JSON_FORMAT_VERSION`].
//!
//! Every type here serialises to the shape the docs list; none is read back by wsoracle.

use std::collections::HashMap;
use std::rc::Rc;

use serde::Serialize;
use serde_json::value::RawValue;
use wsoracle_model::outcome::{Answer, Ret};
use wsoracle_model::{Fidelity, Rule, Source, WsaError};

use crate::run::{
    state_label, write_provenance, CallAnswer, CompletionRecord, ProfileRun, StepAnswer, StepRecord,
};
use crate::scenario::{Call, Scenario, Step};
use crate::trace::render_answer_citing;
use crate::values::{push_hex_byte, Buffer, IntPtrArg};

/// The `format_version` of every JSON document wsoracle prints (`run`, `explain`, `profiles`,
/// `diff`). Keys may be added within a version; none is renamed or removed.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Contiguous lowercase hex, `""` for zero bytes.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        push_hex_byte(&mut out, *b);
    }
    out
}

/// A return value: a number, or `"pending"`, `"not modelled"`, and for a SOCKET `"a socket"` /
/// `"INVALID_SOCKET"` (handles are opaque).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RetJson {
    Int(i32),
    Word(&'static str),
}

impl From<Ret> for RetJson {
    fn from(r: Ret) -> Self {
        match r {
            Ret::Int(n) => RetJson::Int(n),
            Ret::Socket(h) if h.is_invalid() => RetJson::Word("INVALID_SOCKET"),
            Ret::Socket(_) => RetJson::Word("a socket"),
            Ret::Pending => RetJson::Word("pending"),
            Ret::NotModelled => RetJson::Word("not modelled"),
        }
    }
}

/// A WSA error: `{"name": "WSAEFAULT", "code": 10014}` (`name` is null for a number without a
/// name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorJson {
    pub name: Option<&'static str>,
    pub code: i32,
}

impl From<WsaError> for ErrorJson {
    fn from(e: WsaError) -> Self {
        ErrorJson {
            name: e.name(),
            code: e.0,
        }
    }
}

/// A rule with its basis as the answer's fidelity reads it, and its sources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleJson {
    pub id: &'static str,
    pub basis: &'static str,
    /// The basis as this fidelity reads it (`documented, unverified on real Windows`).
    pub label: &'static str,
    pub summary: &'static str,
    /// Each source as a trace prints it: `wine:K08`, `so_keepalive#42a54-172`, `doc:D-SET`.
    pub sources: SourcesJson,
}

/// How a step's JSON cites the rules behind its answers: each rule's object (`rule`) and its
/// provenance in `text` (`id (basis label: sources)`). [`Fresh`] builds both on every call;
/// [`RuleCache`] renders them once per rule and fidelity. Both give the same bytes.
pub trait Cite {
    /// What a `rule` key holds.
    type Rule: Serialize;
    fn rule(&mut self, rule: &'static Rule, fidelity: Fidelity) -> Self::Rule;
    /// Appends the provenance of `rule` to `out`, as [`crate::provenance`] writes it.
    fn provenance(&mut self, out: &mut String, rule: &'static Rule, fidelity: Fidelity);
}

/// Builds each citation when it is asked for: a [`RuleJson`] for each `rule` key.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fresh;

impl Cite for Fresh {
    type Rule = RuleJson;

    fn rule(&mut self, rule: &'static Rule, fidelity: Fidelity) -> RuleJson {
        RuleJson::new(rule, fidelity)
    }

    fn provenance(&mut self, out: &mut String, rule: &'static Rule, fidelity: Fidelity) {
        write_provenance(out, rule, fidelity);
    }
}

/// Each rule's JSON object and provenance, rendered the first time a run cites the rule under a
/// fidelity and copied after that: a run of the corpus cites a few hundred rules tens of
/// thousands of times. The bytes are [`Fresh`]'s.
#[derive(Debug, Default)]
pub struct RuleCache {
    /// By the rule's address: a rule is a static, and hashing an address is cheaper than
    /// hashing its id. (Were one rule ever at two addresses, it would be rendered twice, alike.)
    rendered: HashMap<(usize, Fidelity), Rendered>,
}

#[derive(Debug)]
struct Rendered {
    json: CitedRule,
    provenance: String,
}

impl RuleCache {
    fn rendered(&mut self, rule: &'static Rule, fidelity: Fidelity) -> &Rendered {
        let address = std::ptr::from_ref(rule) as usize;
        self.rendered.entry((address, fidelity)).or_insert_with(|| {
            // RuleJson holds strings and a list of strings: serde_json writes it without error,
            // and what it writes is JSON.
            let text = serde_json::to_string(&RuleJson::new(rule, fidelity))
                .expect("a RuleJson serialises");
            let json = RawValue::from_string(text).expect("serde_json writes JSON");
            let mut provenance = String::new();
            write_provenance(&mut provenance, rule, fidelity);
            Rendered {
                json: CitedRule(json.into()),
                provenance,
            }
        })
    }
}

impl Cite for RuleCache {
    type Rule = CitedRule;

    fn rule(&mut self, rule: &'static Rule, fidelity: Fidelity) -> CitedRule {
        self.rendered(rule, fidelity).json.clone()
    }

    fn provenance(&mut self, out: &mut String, rule: &'static Rule, fidelity: Fidelity) {
        out.push_str(&self.rendered(rule, fidelity).provenance);
    }
}

/// A rule's JSON object from a [`RuleCache`], written as it was rendered.
#[derive(Clone, Debug)]
pub struct CitedRule(Rc<RawValue>);

impl Serialize for CitedRule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// A rule's sources, a list of strings in JSON, each written as it is serialised (no string
/// is built for it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourcesJson(pub &'static [Source]);

impl Serialize for SourcesJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Displayed))
    }
}

/// A value serialised as its `Display` text.
struct Displayed<T>(T);

impl<T: std::fmt::Display> Serialize for Displayed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl RuleJson {
    pub fn new(rule: &'static Rule, fidelity: Fidelity) -> Self {
        RuleJson {
            id: rule.id,
            basis: rule.basis.as_str(),
            label: rule.basis_label(fidelity),
            summary: rule.summary,
            sources: SourcesJson(rule.sources),
        }
    }
}

/// Caller's memory after a call: hex bytes, a number, or `{"pointer": N}` for an integer the
/// scenario passed as the pointer (nothing the caller can read). A NULL pointer is `null`
/// (`Option::None` around it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum MemoryJson {
    Hex(String),
    Int(i64),
    Pointer { pointer: u64 },
}

fn buffer_after(arg: &Buffer, after: Option<&[u8]>) -> Option<MemoryJson> {
    match (arg, after) {
        (Buffer::Pointer(p), _) => Some(MemoryJson::Pointer { pointer: *p }),
        (_, Some(b)) => Some(MemoryJson::Hex(hex(b))),
        (_, None) => None,
    }
}

fn int_after<T: Copy + Into<i64>>(arg: &IntPtrArg<T>, after: Option<T>) -> Option<MemoryJson> {
    match (arg, after) {
        (IntPtrArg::Pointer(p), _) => Some(MemoryJson::Pointer { pointer: *p }),
        (_, Some(v)) => Some(MemoryJson::Int(v.into())),
        (_, None) => None,
    }
}

/// A pending call that a step completed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CompletionJson<R = RuleJson> {
    pub call: &'static str,
    pub s: String,
    pub ret: RetJson,
    pub error: ErrorJson,
    pub at_ms: u64,
    pub rule: R,
}

impl<R> CompletionJson<R> {
    fn new(c: &CompletionRecord, fidelity: Fidelity, cite: &mut impl Cite<Rule = R>) -> Self {
        CompletionJson {
            call: c.call,
            s: c.s.clone(),
            ret: c.ret.into(),
            error: c.error.into(),
            at_ms: c.at.0,
            rule: cite.rule(c.rule, fidelity),
        }
    }
}

/// An overlapped WSAIoctl's queued completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct QueuedJson {
    pub error: ErrorJson,
    pub bytes: u32,
}

/// The other fidelity's answer, where it differs observably.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OtherJson<R = RuleJson> {
    pub fidelity: &'static str,
    pub ret: RetJson,
    pub error: Option<ErrorJson>,
    /// getsockopt and WSAIoctl: what it writes (hex), `*optlen` and `*lpcbBytesReturned` (null
    /// when it writes none).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub writes: Option<OtherWritesJson>,
    pub rule: R,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OtherWritesJson {
    pub writes: String,
    pub optlen: Option<i32>,
    #[serde(rename = "lpcbBytesReturned")]
    pub lpcb_bytes_returned: Option<u32>,
}

impl<R> OtherJson<R> {
    fn new(
        call: &Call,
        other: &Answer,
        fidelity: Fidelity,
        cite: &mut impl Cite<Rule = R>,
    ) -> Self {
        let w = &other.written;
        OtherJson {
            fidelity: fidelity.as_str(),
            ret: other.ret.into(),
            error: other.error.map(ErrorJson::from),
            writes: matches!(call, Call::Getsockopt { .. } | Call::WsaIoctl { .. }).then(|| {
                OtherWritesJson {
                    writes: hex(w.data()),
                    optlen: w.optlen,
                    lpcb_bytes_returned: w.bytes_returned,
                }
            }),
            rule: cite.rule(other.rule, fidelity),
        }
    }
}

/// The fields of a Winsock call's answer (`kind: call`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallJson<R = RuleJson> {
    pub kind: &'static str,
    pub ret: RetJson,
    /// The last error the call set, or null when it does not set it.
    pub error: Option<ErrorJson>,
    /// The name `as` bound (`socket`, `accept`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound: Option<String>,
    /// getsockname, getpeername: the address written, as the scenario format writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// recvfrom: the source address written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The call's own memory after it (setsockopt/getsockopt: `optval`, `optlen`; WSAIoctl:
    /// `lpvOutBuffer`, `lpcbBytesReturned`, `completion`).
    #[serde(flatten)]
    pub memory: MemoryFields,
    pub rule: R,
    pub fidelities_differ: bool,
    pub other: Option<OtherJson<R>>,
}

/// The memory fields of the calls that have them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum MemoryFields {
    None {},
    Sockopt {
        optval: Option<MemoryJson>,
        optlen: Option<MemoryJson>,
    },
    Ioctl {
        #[serde(rename = "lpvOutBuffer")]
        lpv_out_buffer: Option<MemoryJson>,
        #[serde(rename = "lpcbBytesReturned")]
        lpcb_bytes_returned: Option<MemoryJson>,
        completion: Option<QueuedJson>,
    },
}

impl<R> CallJson<R> {
    fn new(
        call: &Call,
        a: &CallAnswer,
        fidelity: Fidelity,
        cite: &mut impl Cite<Rule = R>,
    ) -> Self {
        let o = &a.outcome;
        let memory = match call {
            Call::Setsockopt { optval, optlen, .. } => MemoryFields::Sockopt {
                optval: buffer_after(optval, a.buffer_after.as_deref()),
                // setsockopt's optlen is the int passed.
                optlen: Some(MemoryJson::Int((*optlen).into())),
            },
            Call::Getsockopt { optval, optlen, .. } => MemoryFields::Sockopt {
                optval: buffer_after(optval, a.buffer_after.as_deref()),
                optlen: int_after(optlen, a.optlen_after),
            },
            Call::WsaIoctl {
                out_buffer,
                bytes_returned,
                ..
            } => MemoryFields::Ioctl {
                lpv_out_buffer: buffer_after(out_buffer, a.buffer_after.as_deref()),
                lpcb_bytes_returned: int_after(bytes_returned, a.bytes_returned_after),
                completion: o.completion.map(|c| QueuedJson {
                    error: c.error.into(),
                    bytes: c.bytes,
                }),
            },
            _ => MemoryFields::None {},
        };
        CallJson {
            kind: "call",
            ret: o.ret.into(),
            error: o.error.map(ErrorJson::from),
            bound: a.bound.clone(),
            name: a
                .name_after
                .filter(|_| !matches!(call, Call::Recvfrom { .. }))
                .map(|n| n.to_string()),
            from: a
                .name_after
                .filter(|_| matches!(call, Call::Recvfrom { .. }))
                .map(|n| n.to_string()),
            memory,
            rule: cite.rule(o.rule, fidelity),
            fidelities_differ: o.fidelities_differ(),
            other: o
                .other
                .as_ref()
                .map(|other| OtherJson::new(call, other, fidelity.other(), cite)),
        }
    }
}

/// A setting of `keepalive_status` with the rule behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourcedJson<R = RuleJson> {
    pub value: u64,
    pub rule: R,
}

/// `keepalive_status`'s answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusJson<R = RuleJson> {
    pub enabled: bool,
    pub idle_ms: SourcedJson<R>,
    pub interval_ms: SourcedJson<R>,
    pub probe_count: SourcedJson<R>,
    pub probes_sent: u32,
    pub state: &'static str,
    pub dropped_at_ms: Option<u64>,
}

/// What a step answered, by kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AnswerJson<R = RuleJson> {
    Call(Box<CallJson<R>>),
    /// `incoming`, `peer` (with the rule applied), `peer_sends`, `condition` (without).
    Action {
        kind: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        rule: Option<R>,
    },
    Advance {
        kind: &'static str,
        now_ms: u64,
    },
    Status {
        kind: &'static str,
        status: Box<StatusJson<R>>,
    },
}

/// One step's answer: the same facts as its line in the text trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepJson<R = RuleJson> {
    /// 0-based index in `steps`.
    pub index: usize,
    /// 1-based step number, as the reports count.
    pub step: usize,
    pub line: usize,
    pub column: usize,
    /// The step key (`getsockopt`).
    pub call: &'static str,
    /// The call as C, buffers as they were before it.
    pub c: String,
    #[serde(flatten)]
    pub answer: AnswerJson<R>,
    pub completions: Vec<CompletionJson<R>>,
    /// The answer exactly as the text trace prints it.
    pub text: String,
}

impl StepJson {
    /// The step with each rule it cites as a [`RuleJson`].
    pub fn new(step: &Step, record: &StepRecord, fidelity: Fidelity) -> Self {
        Self::citing(step, record, fidelity, &mut Fresh)
    }
}

impl<R> StepJson<R> {
    /// The step with each rule it cites as `cite` gives it: [`Fresh`], or a [`RuleCache`] that
    /// copies each rule rendered once (the same bytes).
    pub fn citing(
        step: &Step,
        record: &StepRecord,
        fidelity: Fidelity,
        cite: &mut impl Cite<Rule = R>,
    ) -> Self {
        let answer = match &record.answer {
            StepAnswer::Call(a) => {
                AnswerJson::Call(Box::new(CallJson::new(&step.call, a, fidelity, cite)))
            }
            StepAnswer::Action { rule } => AnswerJson::Action {
                kind: "action",
                rule: Some(cite.rule(rule, fidelity)),
            },
            StepAnswer::Condition => AnswerJson::Action {
                kind: "action",
                rule: None,
            },
            StepAnswer::Advanced { now } => AnswerJson::Advance {
                kind: "advance",
                now_ms: now.0,
            },
            StepAnswer::Status(st) => {
                let e = &st.effective;
                let mut sourced = |value: u64, rule| SourcedJson {
                    value,
                    rule: cite.rule(rule, fidelity),
                };
                AnswerJson::Status {
                    kind: "status",
                    status: Box::new(StatusJson {
                        enabled: st.enabled,
                        idle_ms: sourced(e.idle_ms.value, e.idle_ms.rule),
                        interval_ms: sourced(e.interval_ms.value, e.interval_ms.rule),
                        probe_count: sourced(u64::from(e.count.value), e.count.rule),
                        probes_sent: st.probes_sent,
                        state: state_label(st.state),
                        dropped_at_ms: st.dropped_at.map(|t| t.0),
                    }),
                }
            }
        };
        StepJson {
            index: step.index,
            step: step.index + 1,
            line: step.pos.line,
            column: step.pos.column,
            call: step.call.name(),
            c: record.call.clone(),
            answer,
            completions: record
                .completions
                .iter()
                .map(|c| CompletionJson::new(c, fidelity, cite))
                .collect(),
            text: render_answer_citing(&step.call, record, fidelity, &mut |out, rule, f| {
                cite.provenance(out, rule, f)
            }),
        }
    }
}

/// Where a step was rejected as misuse, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MisuseJson {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The head of one profile's run: everything but its steps and misuse, so that a writer can
/// stream the steps between [`ProfileRunJson`]'s two halves (see `wsoracle run`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProfileHeadJson {
    /// The preset name, or the version when it is not a preset.
    pub profile: String,
    pub version: String,
    pub fidelity: &'static str,
}

impl ProfileHeadJson {
    pub fn new(version: wsoracle_model::WindowsVersion, fidelity: Fidelity) -> Self {
        ProfileHeadJson {
            profile: version.label(),
            version: version.to_string(),
            fidelity: fidelity.as_str(),
        }
    }
}

/// One profile's run: the profile, the fidelity, every step that ran, and the misuse that ended
/// the run early, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProfileRunJson {
    #[serde(flatten)]
    pub head: ProfileHeadJson,
    pub steps: Vec<StepJson>,
    pub misuse: Option<MisuseJson>,
}

impl ProfileRunJson {
    pub fn new(scenario: &Scenario, run: &ProfileRun) -> Self {
        ProfileRunJson {
            head: ProfileHeadJson::new(run.version, run.fidelity),
            steps: scenario
                .steps
                .iter()
                .zip(&run.steps)
                .map(|(step, record)| StepJson::new(step, record, run.fidelity))
                .collect(),
            misuse: run.misuse.as_ref().map(|m| MisuseJson {
                line: m.pos.line,
                column: m.pos.column,
                message: m.message.clone(),
            }),
        }
    }
}

/// One profile's run as a JSON value (kept for callers of the untyped form).
pub fn profile_run_json(scenario: &Scenario, run: &ProfileRun) -> serde_json::Value {
    serde_json::to_value(ProfileRunJson::new(scenario, run)).unwrap_or(serde_json::Value::Null)
}
