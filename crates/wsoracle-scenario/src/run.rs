//! Runs a scenario on one profile, step by step, and records what the model answered; then
//! checks the answers against the expectations.
//!
//! The per-step records are the public surface a second backend (real Windows) compares with:
//! each has the call as C, and everything a caller could observe after it.

use std::collections::HashMap;

use wsoracle_model::outcome::{Completed, Outcome, Ret};
use wsoracle_model::sockopt::{InBuf, IntPtr, OutBuf};
use wsoracle_model::time::Instant;
use wsoracle_model::{
    Config, Fidelity, KeepAliveState, KeepAliveStatus, Peer, Rule, SockAddr, SocketHandle, Stack,
    WindowsVersion, WsaError, WsaIoctlArgs,
};

use crate::error::ScenarioError;
use crate::positions::Pos;
use crate::scenario::{Call, Scenario, Step};
use crate::schema::{KeepAliveStateName, PeerState};
use crate::values::{hex, Buffer, IntPtrArg, Nullable, RetExpect, SockRef};

/// Everything one profile's run observed.
#[derive(Clone, Debug)]
pub struct ProfileRun {
    pub version: WindowsVersion,
    pub fidelity: Fidelity,
    /// One record per step that ran, in order.
    pub steps: Vec<StepRecord>,
    /// A step the model rejected as misuse (e.g. a blocking accept with nothing waiting). The
    /// steps after it did not run.
    pub misuse: Option<ScenarioError>,
}

/// What one step did.
#[derive(Clone, Debug)]
pub struct StepRecord {
    /// 0-based step index.
    pub index: usize,
    pub pos: Pos,
    /// The call written as C, with the buffers as they were before the call.
    pub call: String,
    pub answer: StepAnswer,
    /// `WSAGetLastError()` after the step.
    pub last_error: WsaError,
    /// Pending calls that completed during this step.
    pub completions: Vec<CompletionRecord>,
}

/// What a step answered.
#[derive(Clone, Debug)]
pub enum StepAnswer {
    /// A Winsock call (or `complete_connect`): the model's outcome and the caller's memory after.
    Call(CallAnswer),
    /// A scenario action that answers with the rule it applied (`incoming`, `peer`).
    Action { rule: &'static Rule },
    /// `condition`.
    Condition,
    /// `advance`: the virtual time after it.
    Advanced { now: Instant },
    /// `keepalive_status`.
    Status(KeepAliveStatus),
}

/// A call's outcome and the caller's memory after it.
#[derive(Clone, Debug)]
pub struct CallAnswer {
    pub outcome: Outcome,
    /// The buffer after the call: `optval` (getsockopt, setsockopt) or `lpvOutBuffer`
    /// (WSAIoctl). None for a NULL buffer, a `{pointer: N}` (nothing readable), or a call
    /// without one.
    pub buffer_after: Option<Vec<u8>>,
    /// `*optlen` after a getsockopt (None for a NULL or `{pointer: N}` optlen).
    pub optlen_after: Option<i32>,
    /// `*lpcbBytesReturned` after a WSAIoctl (None for a NULL or `{pointer: N}` pointer).
    pub bytes_returned_after: Option<u32>,
    /// The name `as` bound the returned SOCKET to.
    pub bound: Option<String>,
    /// The address getsockname, getpeername or recvfrom wrote.
    pub name_after: Option<SockAddr>,
}

/// A pending call that completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionRecord {
    pub call: &'static str,
    /// The socket's name in the scenario (or its handle when it has none).
    pub s: String,
    pub ret: Ret,
    pub error: WsaError,
    pub at: Instant,
    pub rule: &'static Rule,
}

/// An expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub step: usize,
    pub pos: Pos,
    pub call: String,
    pub profile: WindowsVersion,
    /// The expectation field (`ret`, `optval`, ...), or `not modelled`.
    pub field: String,
    pub expected: String,
    pub actual: String,
}

/// How to run a scenario.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Replaces the scenario's own profile list when given.
    pub profiles: Option<Vec<WindowsVersion>>,
}

/// A scenario's runs on its profiles and the expectations that failed.
#[derive(Clone, Debug)]
pub struct ScenarioReport {
    pub runs: Vec<ProfileRun>,
    pub failures: Vec<Failure>,
}

impl ScenarioReport {
    /// Every expectation held and no step was misused.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.misuses().next().is_none()
    }

    /// The steps the model rejected as misuse, one per profile at most.
    pub fn misuses(&self) -> impl Iterator<Item = &ScenarioError> {
        self.runs.iter().filter_map(|r| r.misuse.as_ref())
    }

    /// Panics with every failure and misuse listed, for use in a test.
    #[track_caller]
    pub fn assert_passed(&self) {
        if self.passed() {
            return;
        }
        let mut msg = String::from("the scenario failed:\n");
        for m in self.misuses() {
            msg.push_str(&format!("  {m}\n"));
        }
        for f in &self.failures {
            msg.push_str(&format!("  {}\n", f.describe()));
        }
        panic!("{msg}");
    }
}

impl Failure {
    /// `step 3 (line 12) getsockopt(...) on vista: optlen: expected 4, got 1`.
    pub fn describe(&self) -> String {
        format!(
            "step {} (line {}) {} on {}: {}: expected {}, got {}",
            self.step + 1,
            self.pos.line,
            self.call,
            profile_label(self.profile),
            self.field,
            self.expected,
            self.actual
        )
    }
}

/// `vista` for a preset, `10.0.19045` otherwise.
pub fn profile_label(v: WindowsVersion) -> String {
    v.label()
}

impl RunOptions {
    /// The profiles `scenario` runs on: the options' list when given, else the scenario's own.
    pub fn profiles_for(&self, scenario: &Scenario) -> Vec<WindowsVersion> {
        self.profiles
            .clone()
            .unwrap_or_else(|| scenario.default_profiles())
    }
}

/// Runs `scenario` on every selected profile and checks its expectations.
pub fn run(scenario: &Scenario, options: &RunOptions) -> ScenarioReport {
    let profiles = options.profiles_for(scenario);
    let runs: Vec<ProfileRun> = profiles
        .into_iter()
        .map(|v| run_profile(scenario, v))
        .collect();
    let failures = runs.iter().flat_map(|r| check(scenario, r)).collect();
    ScenarioReport { runs, failures }
}

/// Runs `scenario` on one Windows version, under the scenario's fidelity.
pub fn run_profile(scenario: &Scenario, version: WindowsVersion) -> ProfileRun {
    let mut steps = Vec::with_capacity(scenario.steps.len());
    let end = run_profile_each(scenario, version, |_, record| steps.push(record));
    ProfileRun {
        version,
        fidelity: end.fidelity,
        steps,
        misuse: end.misuse,
    }
}

/// How a run of [`run_profile_each`] ended: what a [`ProfileRun`] holds besides its steps.
#[derive(Clone, Debug)]
pub struct ProfileEnd {
    pub version: WindowsVersion,
    pub fidelity: Fidelity,
    /// How many steps ran (and were handed out).
    pub steps_run: usize,
    /// A step the model rejected as misuse; the steps after it did not run.
    pub misuse: Option<ScenarioError>,
}

/// Runs `scenario` on one Windows version like [`run_profile`], but hands each step's record
/// to `on_step` as soon as it is produced instead of keeping it, so that a long scenario runs
/// in memory that does not grow with its steps (`wsoracle run` streams its output this way).
/// Check a record with [`check_step`].
pub fn run_profile_each(
    scenario: &Scenario,
    version: WindowsVersion,
    mut on_step: impl FnMut(&Step, StepRecord),
) -> ProfileEnd {
    let config = Config::new(version)
        .with_registry(scenario.registry)
        .with_elevated(scenario.elevated)
        .with_host(scenario.host)
        .with_fidelity(scenario.fidelity);
    let mut runner = Runner {
        stack: Stack::new(config),
        bindings: Bindings::default(),
    };
    let mut steps_run = 0;
    let mut misuse = None;
    for step in &scenario.steps {
        match runner.step(step) {
            Ok(record) => {
                steps_run += 1;
                on_step(step, record);
            }
            Err(message) => {
                misuse = Some(ScenarioError::new(
                    &scenario.file,
                    step.pos,
                    format!(
                        "{message} (step {} `{}` on {})",
                        step.index + 1,
                        step.call.to_c(),
                        profile_label(version)
                    ),
                ));
                break;
            }
        }
    }
    ProfileEnd {
        version,
        fidelity: scenario.fidelity,
        steps_run,
        misuse,
    }
}

struct Runner {
    stack: Stack,
    /// `as` names and their handles (a name may be bound again; the latest binding counts).
    bindings: Bindings,
}

/// The `as` names of a run, looked up in O(1) both ways: a scenario may bind tens of thousands
/// of names, and a search of every binding per use would be quadratic.
#[derive(Default)]
struct Bindings {
    /// Each name's latest handle.
    by_name: HashMap<String, SocketHandle>,
    /// The name most recently bound to each handle.
    by_handle: HashMap<SocketHandle, String>,
}

impl Bindings {
    fn get(&self, name: &str) -> Option<SocketHandle> {
        self.by_name.get(name).copied()
    }

    fn name_of(&self, h: SocketHandle) -> Option<&String> {
        self.by_handle.get(&h)
    }

    fn bind(&mut self, name: &str, h: SocketHandle) {
        self.by_name.insert(name.to_string(), h);
        self.by_handle.insert(h, name.to_string());
    }
}

impl Runner {
    fn handle(&self, s: &SockRef) -> Result<SocketHandle, String> {
        match s {
            SockRef::Invalid => Ok(SocketHandle::INVALID_SOCKET),
            SockRef::Raw(n) => Ok(SocketHandle::from_raw(*n)),
            SockRef::Name(name) => self.bindings.get(name).ok_or_else(|| {
                format!("no socket is named `{name}`: bind one earlier with `as: {name}`")
            }),
        }
    }

    fn name_of(&self, h: SocketHandle) -> String {
        self.bindings
            .name_of(h)
            .map_or_else(|| h.to_string(), String::clone)
    }

    fn completions(&self, done: Vec<Completed>) -> Vec<CompletionRecord> {
        done.into_iter()
            .map(|c| CompletionRecord {
                call: c.call,
                s: self.name_of(c.s),
                ret: c.ret,
                error: c.error,
                at: c.at,
                rule: c.rule,
            })
            .collect()
    }

    fn step(&mut self, step: &Step) -> Result<StepRecord, String> {
        let mut completions = Vec::new();
        let plain = |outcome: Outcome| {
            StepAnswer::Call(CallAnswer {
                outcome,
                buffer_after: None,
                optlen_after: None,
                bytes_returned_after: None,
                bound: None,
                name_after: None,
            })
        };
        let named = |outcome: Outcome, name: Option<SockAddr>| {
            StepAnswer::Call(CallAnswer {
                outcome,
                buffer_after: None,
                optlen_after: None,
                bytes_returned_after: None,
                bound: None,
                name_after: name,
            })
        };
        let answer = match &step.call {
            Call::WsaStartup { version_requested } => {
                plain(self.stack.wsa_startup(*version_requested))
            }
            Call::WsaCleanup => plain(self.stack.wsa_cleanup()),
            Call::Socket {
                af,
                socket_type,
                protocol,
            } => {
                let outcome = self.stack.socket_create(*af, *socket_type, *protocol);
                self.bound(step, outcome)
            }
            Call::Closesocket { s } => {
                let h = self.handle(s)?;
                plain(self.stack.closesocket(h))
            }
            Call::Bind { s } => {
                let h = self.handle(s)?;
                plain(self.stack.bind(h))
            }
            Call::Listen { s, .. } => {
                let h = self.handle(s)?;
                plain(self.stack.listen(h))
            }
            Call::Incoming { s } => {
                let h = self.handle(s)?;
                let rule = self.stack.incoming(h).map_err(|m| m.to_string())?;
                StepAnswer::Action { rule }
            }
            Call::IcmpUnreachable { s } => {
                let h = self.handle(s)?;
                let rule = self.stack.icmp_unreachable(h).map_err(|m| m.to_string())?;
                StepAnswer::Action { rule }
            }
            Call::IcmpTtlExpired { s } => {
                let h = self.handle(s)?;
                let rule = self.stack.icmp_ttl_expired(h).map_err(|m| m.to_string())?;
                StepAnswer::Action { rule }
            }
            Call::Accept { s } => {
                let h = self.handle(s)?;
                let outcome = self.stack.accept(h).map_err(|m| m.to_string())?;
                self.bound(step, outcome)
            }
            Call::Ioctlsocket { s, cmd, argp } => {
                let h = self.handle(s)?;
                plain(self.stack.ioctlsocket(h, *cmd, *argp))
            }
            Call::Connect { s, peer } => {
                let h = self.handle(s)?;
                plain(self.stack.connect(h, *peer))
            }
            Call::BindName { s, name } => {
                let h = self.handle(s)?;
                plain(self.stack.bind_name(h, Some(*name)))
            }
            Call::ConnectName { s, name } => {
                let h = self.handle(s)?;
                plain(self.stack.connect_name(h, *name))
            }
            Call::Getsockname { s } | Call::Getpeername { s } => {
                let h = self.handle(s)?;
                let (outcome, name) = if matches!(step.call, Call::Getsockname { .. }) {
                    self.stack.getsockname(h)
                } else {
                    self.stack.getpeername(h)
                };
                named(outcome, name)
            }
            Call::Sendto { s, to, len } => {
                let h = self.handle(s)?;
                plain(self.stack.sendto(h, *to, *len))
            }
            Call::Recvfrom { s, len } => {
                let h = self.handle(s)?;
                let (outcome, from) = self.stack.recvfrom(h, *len).map_err(|m| m.to_string())?;
                named(outcome, from)
            }
            Call::CompleteConnect { s } => {
                let h = self.handle(s)?;
                plain(self.stack.complete_connect(h).map_err(|m| m.to_string())?)
            }
            Call::Setsockopt {
                s,
                level,
                optname,
                optval,
                optlen,
            } => {
                let h = self.handle(s)?;
                let outcome = self
                    .stack
                    .setsockopt(h, *level, *optname, in_buf(optval), *optlen);
                StepAnswer::Call(CallAnswer {
                    outcome,
                    // setsockopt reads its buffer; the caller's bytes are as they were.
                    buffer_after: memory(optval),
                    optlen_after: Some(*optlen),
                    bytes_returned_after: None,
                    bound: None,
                    name_after: None,
                })
            }
            Call::Getsockopt {
                s,
                level,
                optname,
                optval,
                optlen,
            } => {
                let h = self.handle(s)?;
                let mut buffer = memory(optval);
                let mut len = optlen.value();
                let out = out_buf(optval, buffer.as_mut());
                let len_ptr = int_ptr(optlen, len.as_mut());
                let outcome = self.stack.getsockopt(h, *level, *optname, out, len_ptr);
                StepAnswer::Call(CallAnswer {
                    outcome,
                    buffer_after: buffer,
                    optlen_after: len,
                    bytes_returned_after: None,
                    bound: None,
                    name_after: None,
                })
            }
            Call::Condition {
                network_down,
                blocking_call,
            } => {
                self.stack.set_condition(*network_down, *blocking_call);
                StepAnswer::Condition
            }
            Call::WsaIoctl {
                s,
                code,
                in_buffer,
                cb_in,
                out_buffer,
                cb_out,
                bytes_returned,
                overlapped,
                completion_routine,
            } => {
                let h = self.handle(s)?;
                let mut out = memory(out_buffer);
                let mut returned = bytes_returned.value();
                let outcome = self.stack.wsa_ioctl(WsaIoctlArgs {
                    s: h,
                    code: *code,
                    in_buf: in_buf(in_buffer),
                    cb_in: *cb_in,
                    out_buf: out_buf(out_buffer, out.as_mut()),
                    cb_out: *cb_out,
                    bytes_returned: int_ptr(bytes_returned, returned.as_mut()),
                    overlapped: *overlapped,
                    completion_routine: *completion_routine,
                });
                StepAnswer::Call(CallAnswer {
                    outcome,
                    buffer_after: out,
                    optlen_after: None,
                    bytes_returned_after: returned,
                    bound: None,
                    name_after: None,
                })
            }
            Call::Send { s, len } => {
                let h = self.handle(s)?;
                plain(self.stack.send(h, *len))
            }
            Call::Recv { s, len } => {
                let h = self.handle(s)?;
                plain(self.stack.recv(h, *len))
            }
            Call::Advance { by } => {
                let done = self.stack.advance(*by);
                completions = self.completions(done);
                StepAnswer::Advanced {
                    now: self.stack.now(),
                }
            }
            Call::SetPeer { s, state } => {
                let h = self.handle(s)?;
                let peer = match state {
                    PeerState::Responsive => Peer::Accepts,
                    PeerState::Silent => Peer::Silent,
                    PeerState::Reset => Peer::Resets,
                };
                let rule = self.stack.set_peer(h, peer).map_err(|m| m.to_string())?;
                StepAnswer::Action { rule }
            }
            Call::PeerSends { s, len } => {
                let h = self.handle(s)?;
                let done = self.stack.peer_sends(h, *len).map_err(|m| m.to_string())?;
                completions = self.completions(done);
                StepAnswer::Condition
            }
            Call::KeepaliveStatus { s } => {
                let h = self.handle(s)?;
                StepAnswer::Status(self.stack.keepalive_status(h).map_err(|m| m.to_string())?)
            }
        };
        // Calls on one end of a connection made inside the host complete calls pending at the
        // other end (a send, a closesocket).
        let crossed = self.stack.take_completed();
        if !crossed.is_empty() {
            completions.extend(self.completions(crossed));
        }
        // `peer_sends` answers nothing but its completions; record it as an action without a
        // rule of its own.
        Ok(StepRecord {
            index: step.index,
            pos: step.pos,
            call: step.call.to_c(),
            answer,
            last_error: self.stack.last_error(),
            completions,
        })
    }

    /// A call that returns a SOCKET: binds it when the step says `as`.
    fn bound(&mut self, step: &Step, outcome: Outcome) -> StepAnswer {
        let mut bound = None;
        if let Some(name) = &step.bind_as {
            let h = match outcome.ret {
                Ret::Socket(h) => h,
                // Not modelled: the name stands for a handle the process does not own.
                _ => SocketHandle::INVALID_SOCKET,
            };
            self.bindings.bind(name, h);
            bound = Some(name.clone());
        }
        StepAnswer::Call(CallAnswer {
            outcome,
            buffer_after: None,
            optlen_after: None,
            bytes_returned_after: None,
            bound,
            name_after: None,
        })
    }
}

/// A scenario buffer as the input pointer the model reads.
fn in_buf(b: &Buffer) -> InBuf<'_> {
    match b {
        Buffer::Null => InBuf::Null,
        Buffer::Pointer(_) => InBuf::BadPointer,
        Buffer::Bytes(bytes) => InBuf::Bytes(bytes),
    }
}

/// The caller's own copy of a buffer: None for NULL and for `{pointer: N}` (no memory).
fn memory(b: &Buffer) -> Option<Vec<u8>> {
    match b {
        Buffer::Null | Buffer::Pointer(_) => None,
        Buffer::Bytes(bytes) => Some(bytes.clone()),
    }
}

/// A scenario buffer as the output pointer the model writes; `mem` is [`memory`]'s copy.
fn out_buf<'a>(arg: &Buffer, mem: Option<&'a mut Vec<u8>>) -> OutBuf<'a> {
    match (arg, mem) {
        (Buffer::Pointer(_), _) => OutBuf::BadPointer,
        (_, Some(bytes)) => OutBuf::Bytes(bytes),
        (_, None) => OutBuf::Null,
    }
}

/// A pointer-valued int argument as the model takes it; `value` is the caller's int.
fn int_ptr<'a, T: Copy>(arg: &IntPtrArg<T>, value: Option<&'a mut T>) -> IntPtr<'a, T> {
    match (arg, value) {
        (IntPtrArg::Pointer(_), _) => IntPtr::BadPointer,
        (_, Some(v)) => IntPtr::Value(v),
        (_, None) => IntPtr::Null,
    }
}

fn render_ret(ret: Ret) -> String {
    match ret {
        Ret::Socket(h) if !h.is_invalid() => "a socket".into(),
        other => other.to_string(),
    }
}

fn ret_matches(want: RetExpect, got: Ret) -> bool {
    match (want, got) {
        (RetExpect::Int(n), Ret::Int(m)) => n == m,
        (RetExpect::InvalidSocket, Ret::Socket(h)) => h.is_invalid(),
        (RetExpect::Pending, Ret::Pending) => true,
        _ => false,
    }
}

fn opt_hex(b: Option<&Vec<u8>>) -> String {
    b.map_or_else(|| "NULL".to_string(), |b| hex(b))
}

fn state_name(s: KeepAliveState) -> &'static str {
    match s {
        KeepAliveState::Idle => "idle",
        KeepAliveState::Probing => "probing",
        KeepAliveState::Dropped => "dropped",
    }
}

/// Checks one profile's run against the scenario's expectations.
pub fn check(scenario: &Scenario, run: &ProfileRun) -> Vec<Failure> {
    let mut failures = Vec::new();
    for (step, record) in scenario.steps.iter().zip(&run.steps) {
        check_step(step, record, run.version, &mut failures);
    }
    failures
}

/// Checks one step's record (from [`run_profile_each`]) against the step's expectation on
/// `version`, and appends what did not hold to `failures`.
pub fn check_step(
    step: &Step,
    record: &StepRecord,
    version: WindowsVersion,
    failures: &mut Vec<Failure>,
) {
    let Some(expect) = step.expectation_for(version) else {
        return;
    };
    let mut fail = |field: &str, expected: String, actual: String| {
        failures.push(Failure {
            step: step.index,
            pos: step.pos,
            call: record.call.clone(),
            profile: version,
            field: field.to_string(),
            expected,
            actual,
        })
    };
    if let StepAnswer::Call(a) = &record.answer {
        if a.outcome.ret.is_not_modelled() {
            fail(
                "not modelled",
                format!("an answer for {}", expect.fields().join(", ")),
                format!("not modelled ({})", a.outcome.rule.id),
            );
            return;
        }
    }
    if let Some(want) = expect.ret {
        match &record.answer {
            StepAnswer::Call(a) if ret_matches(want, a.outcome.ret) => {}
            StepAnswer::Call(a) => fail("ret", want.to_string(), render_ret(a.outcome.ret)),
            _ => fail("ret", want.to_string(), "no return value".into()),
        }
    }
    if let Some(want) = &expect.error {
        // The contract checks `error` "after every call that sets the last error": a call
        // that leaves it alone (a success the model does not reset it on) is not checked.
        let set = match &record.answer {
            StepAnswer::Call(a) => a.outcome.error,
            _ => Some(record.last_error),
        };
        if let Some(got) = set {
            if !want.contains(got) {
                fail("error", want.to_string(), got.to_string());
            }
        }
    }
    if let StepAnswer::Call(a) = &record.answer {
        for (field, want) in [("name", &expect.name), ("from", &expect.from)] {
            if let Some(text) = want {
                // Checked at load time; compared by value.
                let want: Option<SockAddr> = text.parse().ok();
                if want != a.name_after {
                    let got = a
                        .name_after
                        .map_or("nothing written".into(), |n| n.to_string());
                    fail(field, text.clone(), got);
                }
            }
        }
        if let Some(want) = &expect.optval {
            let ok = a.buffer_after.as_ref().is_some_and(|b| want.matches(b));
            if !ok {
                fail("optval", want.to_string(), opt_hex(a.buffer_after.as_ref()));
            }
        }
        if let Some(want) = expect.optlen {
            if a.optlen_after != Some(want.0) {
                let got = a.optlen_after.map_or("NULL".into(), |v| v.to_string());
                fail("optlen", want.0.to_string(), got);
            }
        }
        if let Some(want) = expect.lpcbBytesReturned {
            if a.bytes_returned_after != Some(want.0) {
                let got = a
                    .bytes_returned_after
                    .map_or("NULL".into(), |v| format!("{v} ({v:#x})"));
                fail("lpcbBytesReturned", want.0.to_string(), got);
            }
        }
        if let Some(want) = &expect.lpvOutBuffer {
            let ok = a.buffer_after.as_ref().is_some_and(|b| want.matches(b));
            if !ok {
                fail(
                    "lpvOutBuffer",
                    want.to_string(),
                    opt_hex(a.buffer_after.as_ref()),
                );
            }
        }
        if let Some(want) = &expect.completion {
            let got = a.outcome.completion;
            let render_got = got.map_or("no completion".into(), |c| {
                format!("{{error: {}, bytes: {}}}", c.error, c.bytes)
            });
            match (want, got) {
                (Nullable::Null, None) => {}
                (Nullable::Null, Some(_)) => fail("completion", "none".into(), render_got),
                (Nullable::Value(_), None) => fail("completion", "a completion".into(), render_got),
                (Nullable::Value(w), Some(c)) => {
                    let error_ok = w.error.as_ref().is_none_or(|e| e.contains(c.error));
                    let bytes_ok = w.bytes.is_none_or(|b| b.0 == c.bytes);
                    if !(error_ok && bytes_ok) {
                        let want_text = format!(
                            "{{error: {}, bytes: {}}}",
                            w.error.as_ref().map_or("any".into(), |e| e.to_string()),
                            w.bytes.map_or("any".into(), |b| b.0.to_string())
                        );
                        fail("completion", want_text, render_got);
                    }
                }
            }
        }
    }
    if let Some(want) = &expect.completions {
        let render = |c: &CompletionRecord| {
            format!("{}({}) = {} {}", c.call, c.s, render_ret(c.ret), c.error)
        };
        let got: Vec<String> = record.completions.iter().map(render).collect();
        let matches = want.len() == record.completions.len()
            && want.iter().zip(&record.completions).all(|(w, c)| {
                w.call == c.call
                    && w.s.to_string() == c.s
                    && w.ret.is_none_or(|r| ret_matches(r, c.ret))
                    && w.error.as_ref().is_none_or(|e| e.contains(c.error))
            });
        if !matches {
            let want_text: Vec<String> = want
                .iter()
                .map(|w| {
                    format!(
                        "{}({}) = {} {}",
                        w.call,
                        w.s,
                        w.ret.map_or("any".into(), |r| r.to_string()),
                        w.error.as_ref().map_or("any".into(), |e| e.to_string())
                    )
                })
                .collect();
            fail(
                "completions",
                format!("[{}]", want_text.join("; ")),
                format!("[{}]", got.join("; ")),
            );
        }
    }
    if let StepAnswer::Status(st) = &record.answer {
        check_status(expect, st, &mut fail);
    }
}

fn check_status(
    expect: &crate::scenario::Expect,
    st: &KeepAliveStatus,
    fail: &mut impl FnMut(&str, String, String),
) {
    if let Some(want) = expect.enabled {
        if want != st.enabled {
            fail("enabled", want.to_string(), st.enabled.to_string());
        }
    }
    let numbers = [
        (
            "idle_ms",
            expect.idle_ms.map(|v| v.0),
            st.effective.idle_ms.value,
        ),
        (
            "interval_ms",
            expect.interval_ms.map(|v| v.0),
            st.effective.interval_ms.value,
        ),
        (
            "probe_count",
            expect.probe_count.map(|v| u64::from(v.0)),
            u64::from(st.effective.count.value),
        ),
        (
            "probes_sent",
            expect.probes_sent.map(|v| u64::from(v.0)),
            u64::from(st.probes_sent),
        ),
    ];
    for (field, want, got) in numbers {
        if let Some(want) = want {
            if want != got {
                fail(field, want.to_string(), got.to_string());
            }
        }
    }
    if let Some(want) = expect.state {
        let want = match want {
            KeepAliveStateName::Idle => KeepAliveState::Idle,
            KeepAliveStateName::Probing => KeepAliveState::Probing,
            KeepAliveStateName::Dropped => KeepAliveState::Dropped,
        };
        if want != st.state {
            fail(
                "state",
                state_name(want).into(),
                state_name(st.state).into(),
            );
        }
    }
    if let Some(want) = &expect.dropped_at {
        let got = st.dropped_at.map(|t| t.since_zero());
        let want = want.as_value().map(|d| d.0);
        if want != got {
            let show =
                |d: Option<wsoracle_model::Duration>| d.map_or("null".into(), |d| d.to_string());
            fail("dropped_at", show(want), show(got));
        }
    }
}

/// The provenance of an answer: `rule.id (basis label: sources)`.
pub fn provenance(rule: &Rule, fidelity: Fidelity) -> String {
    let mut out = String::new();
    write_provenance(&mut out, rule, fidelity);
    out
}

/// [`provenance`], appended to `out`.
pub(crate) fn write_provenance(out: &mut String, rule: &Rule, fidelity: Fidelity) {
    use std::fmt::Write as _;
    out.push_str(rule.id);
    out.push_str(" (");
    out.push_str(rule.basis_label(fidelity));
    out.push_str(": ");
    for (i, source) in rule.sources.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{source}");
    }
    out.push(')');
}

pub(crate) fn state_label(s: KeepAliveState) -> &'static str {
    state_name(s)
}

pub(crate) fn ret_label(r: Ret) -> String {
    render_ret(r)
}
