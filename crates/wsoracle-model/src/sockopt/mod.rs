//! `setsockopt` and `getsockopt` in their C shapes, over the option table.
//!
//! Every option is one descriptor ([`def::OptionDef`]) in one table (`table.rs`); this module
//! makes the checks common to every option, in their documented order, then hands the call to the
//! descriptor: availability → its hook, if it has one → read-only/set-only → socket kind → a
//! connect in progress → the length class → the value → apply.
//!
//! Order of the common checks (docs/assumptions.md, "The order of checks"):
//!
//! setsockopt: process (not initialised, network down, blocking call; assumption A03) → a
//! non-NULL optval that points outside the address space, or a NULL optval with a positive
//! optlen (before the socket lookup: Wine and ReactOS both check the pointer first; assumption
//! A04) → a per-thread option (SO_OPENTYPE needs no socket) → not a socket → optlen past the
//! buffer (A05) → unknown level → unknown option → not modelled → the option's own checks.
//!
//! getsockopt: process → a per-thread option → not a socket (primary:P11: INVALID_SOCKET beats
//! NULL pointers) → optlen pointer → `*optlen` ≤ 0 → optval pointer → `*optlen` past the buffer
//! (A05) → unknown level (the length checks before the level: assumption A11) → unknown option →
//! not modelled → the option's own checks.

pub mod def;
mod generic;
pub mod options;
pub mod rules;
pub mod store;
pub mod table;

pub use crate::abi::{InBuf, IntPtr, OutBuf};

use crate::abi::{past_buffer, Mem};
use crate::codes::{Level, OptName, WsaError};
use crate::outcome::{Outcome, Reason};
use crate::provenance::Fidelity;
use crate::rules as base_rules;
use crate::socket::SocketHandle;
use crate::stack::{Decision, Stack, Verdict};
use crate::version::{threshold, WindowsVersion};

use def::{Ctx, OptionDef};
use store::Slot;
use table::Lookup;

/// The state change a successful setsockopt makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetAction {
    /// Store the value in the option's slot.
    Store(Slot, u32),
    /// SO_KEEPALIVE.
    KeepAlive(bool),
    /// SO_ERROR.
    SoError(WsaError),
    /// The IPPROTO_TCP keep-alive options.
    Tcp(options::tcp_keepalive::TcpSet),
    /// SO_DONTLINGER: l_onoff becomes the opposite of the value; l_linger stays.
    DontLinger(bool),
    /// The per-thread SO_OPENTYPE.
    OpenType(u32),
    /// Accepted, with no effect the model keeps.
    Nothing,
}

/// The state change a successful getsockopt makes (documented fidelity only: SO_ERROR "returns
/// and resets").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GetAction {
    Nothing,
    ClearSoError,
}

/// What an unknown option number answers at a known level: WSAENOPROTOOPT (wine:E06), except at
/// SOL_SOCKET from Vista on under observed fidelity: WSAEINVAL (assumption A42).
fn unknown_option<A>(level: Level, fidelity: Fidelity, version: WindowsVersion) -> Decision<A> {
    if level == Level::SOL_SOCKET
        && fidelity == Fidelity::Observed
        && version.at_least(threshold::VISTA)
    {
        return Decision::fail(Reason::InvalidArgument, &rules::UNKNOWN_SOL_SOCKET);
    }
    Decision::fail(Reason::UnknownOption, &base_rules::SOCKOPT_OPTNAME_UNKNOWN)
}

fn level_and_option<A>(
    lookup: Lookup,
    level: Level,
    fidelity: Fidelity,
    version: WindowsVersion,
) -> Result<&'static OptionDef, Decision<A>> {
    match lookup {
        Lookup::Found(def) => Ok(def),
        Lookup::UnknownLevel => Err(Decision::fail(
            Reason::UnknownLevel,
            &base_rules::SOCKOPT_LEVEL_UNKNOWN,
        )),
        Lookup::UnknownOption => Err(unknown_option(level, fidelity, version)),
        Lookup::NotModelled => Err(Decision::not_modelled(&base_rules::SOCKOPT_NOT_MODELLED)),
    }
}

impl Stack {
    /// `setsockopt(s, level, optname, optval, optlen)`.
    pub fn setsockopt(
        &mut self,
        s: SocketHandle,
        level: Level,
        optname: OptName,
        optval: InBuf<'_>,
        optlen: i32,
    ) -> Outcome {
        let fidelity = self.fidelity();
        let chosen = self.decide_setsockopt(fidelity, s, level, optname, optval, optlen);
        let other = self
            .config()
            .decide_other_fidelity
            .then(|| self.decide_setsockopt(fidelity.other(), s, level, optname, optval, optlen));
        let outcome = self.conclude_maybe(&chosen, other.as_ref());
        // assumption:A15: only a successful set changes the option (decide-then-apply).
        if let Verdict::Ok((i, action)) = chosen.verdict {
            self.apply_set(i, action);
        }
        outcome
    }

    /// `getsockopt(s, level, optname, optval, optlen)`. Writes into `optval` and `*optlen` as
    /// Windows does, on success and on failure.
    pub fn getsockopt(
        &mut self,
        s: SocketHandle,
        level: Level,
        optname: OptName,
        optval: OutBuf<'_>,
        optlen: IntPtr<'_, i32>,
    ) -> Outcome {
        let fidelity = self.fidelity();
        let len_in = match &optlen {
            IntPtr::Null => Err(false),
            IntPtr::BadPointer => Err(true),
            IntPtr::Value(v) => Ok(**v),
        };
        let mem = optval.view();
        let chosen = self.decide_getsockopt(fidelity, s, level, optname, mem, len_in);
        let other = self
            .config()
            .decide_other_fidelity
            .then(|| self.decide_getsockopt(fidelity.other(), s, level, optname, mem, len_in));
        let outcome = self.conclude_maybe(&chosen, other.as_ref());
        // Apply the writes: the only place getsockopt touches the caller's memory.
        if let OutBuf::Bytes(buf) = optval {
            let data = chosen.written.data();
            let n = data.len().min(buf.len());
            buf[..n].copy_from_slice(&data[..n]);
        }
        if let (IntPtr::Value(v), Some(new)) = (optlen, chosen.written.optlen) {
            *v = new;
        }
        if let Verdict::Ok((Some(i), GetAction::ClearSoError)) = chosen.verdict {
            self.apply_set(i, SetAction::SoError(WsaError::NO_ERROR));
        }
        outcome
    }

    /// The one place a setsockopt (or a get that resets SO_ERROR) changes the socket.
    fn apply_set(&mut self, i: usize, action: SetAction) {
        let now = self.now().0;
        match action {
            SetAction::OpenType(v) => self.set_open_type(v),
            SetAction::Store(slot, value) => {
                if let Some(values) = self.option_values_mut(i) {
                    values.set(slot, value);
                }
            }
            SetAction::DontLinger(on) => {
                let slot = options::so_linger::DEF.slot;
                if let Some(values) = self.option_values_mut(i) {
                    let linger = values.get(slot).unwrap_or(0);
                    let l_linger = linger & 0xffff_0000;
                    values.set(slot, l_linger | u32::from(!on));
                }
            }
            SetAction::Nothing => {}
            SetAction::KeepAlive(_) | SetAction::SoError(_) | SetAction::Tcp(_) => {
                let Some(sock) = self.socket_mut(i) else {
                    return;
                };
                match action {
                    SetAction::KeepAlive(on) => {
                        if on && !sock.keepalive && sock.state == crate::SocketState::Connected {
                            // convention:timeline: switching keep-alive on starts the idle period.
                            sock.idle_since = now;
                            sock.probes_sent = 0;
                        }
                        sock.keepalive = on;
                    }
                    SetAction::SoError(e) => sock.so_error = e,
                    SetAction::Tcp(set) => options::tcp_keepalive::apply(sock, set, now),
                    _ => {}
                }
            }
        }
        // What the socket's keep-alive does next may have changed (timers.rs).
        self.reschedule(i);
    }

    /// The socket's SO_RCVTIMEO in milliseconds, when it is set and not 0 (no time-out).
    pub(crate) fn recv_timeout_ms(&self, i: usize) -> Option<u32> {
        self.option_values(i)
            .and_then(|v| v.get(options::so_timeouts::RCVTIMEO.slot))
            .filter(|ms| *ms != 0)
    }

    /// The rule of a closesocket, by the socket's SO_LINGER (doc:D-CLOSE): a graceful close by
    /// default, a graceful close that lingers, or an abortive one with a zero time-out. The model
    /// keeps no unsent data (a send completes at once), so none of them has to wait and each
    /// succeeds at once (assumption A50).
    pub(crate) fn close_rule(&self, i: usize) -> &'static crate::provenance::Rule {
        let linger = self
            .option_values(i)
            .and_then(|v| v.get(options::so_linger::DEF.slot))
            .unwrap_or(0);
        match (linger & 0xffff, linger >> 16) {
            (0, _) => &base_rules::CLOSESOCKET,
            (_, 0) => &options::so_linger::CLOSE_ABORTIVE,
            _ => &options::so_linger::CLOSE_LINGER,
        }
    }

    /// options:O369: an accepted socket (slot `to`) starts with the option values of its listener
    /// (slot `from`) that the table marks inherited.
    pub(crate) fn inherit_options(&mut self, from: usize, to: usize) {
        let copied = self
            .option_values(from)
            .map(table::inherited_values)
            .unwrap_or(store::OptionValues::EMPTY);
        if let Some(values) = self.option_values_mut(to) {
            *values = copied;
        }
    }

    /// The context the generic decisions and the hooks see.
    fn option_ctx<'s>(
        &'s self,
        fidelity: Fidelity,
        i: usize,
        sock: &'s crate::socket::Socket,
        def: &OptionDef,
    ) -> Ctx<'s> {
        let values = self.option_values(i).unwrap_or(&store::OptionValues::EMPTY);
        Ctx {
            fidelity,
            version: self.version(),
            registry: &self.config().registry,
            sock,
            slot: i,
            stored: values.get(def.slot),
            values,
            now: self.now().0,
            elevated: self.config().elevated,
        }
    }

    pub(crate) fn decide_setsockopt(
        &self,
        fidelity: Fidelity,
        s: SocketHandle,
        level: Level,
        optname: OptName,
        optval: InBuf<'_>,
        optlen: i32,
    ) -> Decision<(usize, SetAction)> {
        if let Err(d) = self.process_checks() {
            return d;
        }
        // assumption A04: the pointer is probed before the socket is looked up.
        if optlen > 0 {
            match optval {
                InBuf::BadPointer => {
                    return Decision::fail(
                        Reason::BadAddress,
                        &base_rules::SETSOCKOPT_OPTVAL_BAD_POINTER,
                    )
                }
                InBuf::Null => {
                    return Decision::fail(Reason::BadAddress, &base_rules::SETSOCKOPT_OPTVAL_NULL)
                }
                InBuf::Bytes(_) => {}
            }
        }
        let lookup = table::lookup(level, optname);
        if let Lookup::Found(def) = lookup {
            if def.per_thread {
                // primary:P12: a per-thread option needs no socket.
                return options::so_opentype::decide_set(def, fidelity, optval, optlen)
                    .map_ok(|a| (usize::MAX, a));
            }
        }
        // The process checks were made above: only the handle remains.
        let Some((i, sock)) = self.lookup(s) else {
            return Decision::fail(Reason::NotASocket, &base_rules::NOT_A_SOCKET);
        };
        if past_buffer(optval, optlen) {
            return Decision::fail(Reason::BadAddress, &base_rules::OPTLEN_PAST_BUFFER);
        }
        let version = self.version();
        let def = match level_and_option(lookup, level, fidelity, version) {
            Ok(def) => def,
            Err(d) => return d,
        };
        let ctx = self.option_ctx(fidelity, i, sock, def);
        generic::decide_set(def, &ctx, optval, optlen).map_ok(|a| (i, a))
    }

    fn decide_getsockopt(
        &self,
        fidelity: Fidelity,
        s: SocketHandle,
        level: Level,
        optname: OptName,
        optval: Mem,
        optlen: Result<i32, bool>,
    ) -> Decision<(Option<usize>, GetAction)> {
        if let Err(d) = self.process_checks() {
            return d;
        }
        let lookup = table::lookup(level, optname);
        if let Lookup::Found(def) = lookup {
            if def.per_thread {
                return options::so_opentype::decide_get(
                    def,
                    fidelity,
                    self.open_type(),
                    optval,
                    optlen,
                )
                .map_ok(|a| (None, a));
            }
        }
        // The process checks were made above: only the handle remains.
        let Some((i, sock)) = self.lookup(s) else {
            return Decision::fail(Reason::NotASocket, &base_rules::NOT_A_SOCKET);
        };
        let Ok(len) = optlen else {
            return Decision::fail(
                Reason::BadAddress,
                &base_rules::GETSOCKOPT_OPTLEN_BAD_POINTER,
            );
        };
        // assumption:A11: the optlen and optval checks come before the level and option checks
        // (Wine's order, wine:W01; no Windows test combines them).
        if len <= 0 {
            // wine:K07, G04, G05: *optlen is left as it was.
            return Decision::fail(
                Reason::BadAddress,
                &base_rules::GETSOCKOPT_OPTLEN_NOT_POSITIVE,
            );
        }
        let buf_len = match optval {
            Mem::Null | Mem::Bad => {
                return Decision::fail(
                    Reason::BadAddress,
                    &base_rules::GETSOCKOPT_OPTVAL_BAD_POINTER,
                )
            }
            Mem::Valid(n) => n,
        };
        if len as usize > buf_len {
            return Decision::fail(Reason::BadAddress, &base_rules::OPTLEN_PAST_BUFFER);
        }
        let def = match level_and_option(lookup, level, fidelity, self.version()) {
            Ok(def) => def,
            Err(d) => return d,
        };
        let ctx = self.option_ctx(fidelity, i, sock, def);
        generic::decide_get(def, &ctx, len).map_ok(|a| (Some(i), a))
    }
}

impl<A: Copy> Decision<A> {
    /// Maps the action of a successful decision.
    pub(crate) fn map_ok<B>(self, f: impl FnOnce(A) -> B) -> Decision<B> {
        let verdict = match self.verdict {
            Verdict::Ok(a) => Verdict::Ok(f(a)),
            Verdict::Fail(r) => Verdict::Fail(r),
            Verdict::NotModelled => Verdict::NotModelled,
        };
        Decision {
            verdict,
            written: self.written,
            rule: self.rule,
        }
    }
}
