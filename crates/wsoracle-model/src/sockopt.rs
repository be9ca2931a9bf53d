//! `setsockopt` and `getsockopt` in their C shapes, and the option table.
//!
//! Order of checks (docs/assumptions.md, "The order of checks", with the evidence for each pair):
//!
//! setsockopt: process (not initialised, network down, blocking call; assumption A03) → a
//! non-NULL optval that points outside the address space, or a NULL optval with a positive
//! optlen (before the socket lookup: Wine and ReactOS both check the pointer first; assumption
//! A04) → not a socket → optlen past the buffer (A05) → unknown level → unknown option → not
//! modelled → the option's own checks. For SO_KEEPALIVE these are: the socket type (assumption
//! A09) → a NULL or bad optval with optlen ≤ 0 → the length → the transitional state
//! (assumption A10).
//!
//! getsockopt: process → not a socket (primary:P11: INVALID_SOCKET beats NULL pointers) →
//! optlen pointer → `*optlen` ≤ 0 → optval pointer → `*optlen` past the buffer (A05) → unknown
//! level (the length checks before the level: assumption A11) → unknown option → not modelled →
//! the option's own checks.

use crate::codes::{Level, OptName, SocketType, WsaError};
use crate::outcome::{Outcome, Reason, Written};
use crate::provenance::{Fidelity, Rule};
use crate::rules;
use crate::socket::{Socket, SocketHandle, SocketState};
use crate::stack::{Decision, Stack, Verdict};
use crate::version::{threshold, WindowsVersion};

/// An input pointer as the caller passes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InBuf<'a> {
    /// A NULL pointer.
    Null,
    /// A pointer outside the caller's address space (e.g. an integer passed as a pointer).
    BadPointer,
    /// Valid memory: exactly these bytes are readable.
    Bytes(&'a [u8]),
}

/// An output buffer as the caller passes it.
#[derive(Debug, PartialEq, Eq)]
pub enum OutBuf<'a> {
    Null,
    BadPointer,
    /// Valid memory: exactly these bytes are writable.
    Bytes(&'a mut [u8]),
}

/// An `int *` (optlen) or `DWORD *` argument as the caller passes it.
#[derive(Debug, PartialEq, Eq)]
pub enum IntPtr<'a, T> {
    Null,
    BadPointer,
    Value(&'a mut T),
}

impl OutBuf<'_> {
    fn view(&self) -> Mem {
        match self {
            OutBuf::Null => Mem::Null,
            OutBuf::BadPointer => Mem::Bad,
            OutBuf::Bytes(b) => Mem::Valid(b.len()),
        }
    }
}

/// What a decision may know about a caller's buffer: its kind and size, never its contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mem {
    Null,
    Bad,
    Valid(usize),
}

/// What the model knows about a (level, optname) pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    /// `SO_KEEPALIVE`.
    KeepAlive,
    /// `SO_ERROR`.
    SoError,
    /// `TCP_KEEPALIVE`/`TCP_KEEPIDLE` (3).
    TcpKeepIdle,
    /// `TCP_KEEPCNT` (16).
    TcpKeepCnt,
    /// `TCP_KEEPINTVL` (17).
    TcpKeepIntvl,
    /// A real option outside the model's scope.
    NotModelled,
    /// An option number the level does not know: WSAENOPROTOOPT (wine:E06).
    UnknownOption,
    /// A level Windows does not know: WSAEINVAL (wine:E05).
    UnknownLevel,
}

/// Classifies a (level, optname) pair.
pub fn classify(level: Level, optname: OptName) -> OptionKind {
    match level {
        Level::SOL_SOCKET => match optname {
            OptName::SO_KEEPALIVE => OptionKind::KeepAlive,
            OptName::SO_ERROR => OptionKind::SoError,
            o if is_named_socket_option(o) => OptionKind::NotModelled,
            _ => OptionKind::UnknownOption,
        },
        Level::IPPROTO_TCP => match optname {
            OptName::TCP_KEEPALIVE => OptionKind::TcpKeepIdle,
            OptName::TCP_KEEPCNT => OptionKind::TcpKeepCnt,
            OptName::TCP_KEEPINTVL => OptionKind::TcpKeepIntvl,
            OptName(1..=19) => OptionKind::NotModelled,
            _ => OptionKind::UnknownOption,
        },
        // The IP-level option tables are outside the model; a negative number is unknown to
        // every level (wine:E06).
        Level::IPPROTO_IP | Level::IPPROTO_IPV6 | Level::IPPROTO_UDP => {
            if optname.0 < 0 {
                OptionKind::UnknownOption
            } else {
                OptionKind::NotModelled
            }
        }
        _ => OptionKind::UnknownLevel,
    }
}

/// `SO_OPENTYPE` is a per-thread setting that needs no socket: Windows answers it even on a
/// file handle (primary:P12) and with `*optlen` −1 (wine:G04). It is outside the model, and it is
/// answered "not modelled" before the handle is looked up, never WSAENOTSOCK.
fn is_per_thread_option(level: Level, optname: OptName) -> bool {
    level == Level::SOL_SOCKET && optname == OptName::SO_OPENTYPE
}

fn is_named_socket_option(o: OptName) -> bool {
    OptName::NAMED
        .iter()
        .any(|(v, name, _)| *v == o && name.starts_with("SO_"))
}

/// The state change a successful setsockopt makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetAction {
    KeepAlive(bool),
    SoError(WsaError),
    /// Handled by the keep-alive options module.
    Tcp(crate::tcpopt::TcpSet),
}

/// The first `n` bytes of `b` (n ≤ 4) as a little-endian integer.
fn le_prefix(b: &[u8], n: usize) -> u32 {
    b.iter()
        .take(n.min(4))
        .enumerate()
        .fold(0u32, |acc, (i, byte)| acc | (u32::from(*byte) << (8 * i)))
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
        let other = self.decide_setsockopt(fidelity.other(), s, level, optname, optval, optlen);
        let outcome = self.conclude(&chosen, &other);
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
        let other = self.decide_getsockopt(fidelity.other(), s, level, optname, mem, len_in);
        let outcome = self.conclude(&chosen, &other);
        // Apply the writes: the only place getsockopt touches the caller's memory.
        if let OutBuf::Bytes(buf) = optval {
            let data = chosen.written.data();
            let n = data.len().min(buf.len());
            buf[..n].copy_from_slice(&data[..n]);
        }
        if let (IntPtr::Value(v), Some(new)) = (optlen, chosen.written.optlen) {
            *v = new;
        }
        outcome
    }

    fn apply_set(&mut self, i: usize, action: SetAction) {
        let now = self.now().0;
        let Some(sock) = self.socket_mut(i) else {
            return;
        };
        match action {
            SetAction::KeepAlive(on) => {
                if on && !sock.keepalive && sock.state == SocketState::Connected {
                    // convention:timeline: switching keep-alive on starts the idle period.
                    sock.idle_since = now;
                    sock.probes_sent = 0;
                }
                sock.keepalive = on;
            }
            SetAction::SoError(e) => sock.so_error = e,
            SetAction::Tcp(set) => crate::tcpopt::apply(sock, set, now),
        }
        // What the socket's keep-alive does next may have changed (timers.rs).
        self.reschedule(i);
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
                        &rules::SETSOCKOPT_OPTVAL_BAD_POINTER,
                    )
                }
                InBuf::Null => {
                    return Decision::fail(Reason::BadAddress, &rules::SETSOCKOPT_OPTVAL_NULL)
                }
                InBuf::Bytes(_) => {}
            }
        }
        if is_per_thread_option(level, optname) {
            return Decision::not_modelled(&rules::SOCKOPT_OPENTYPE);
        }
        let (i, sock) = match self.checks_and_lookup(s) {
            Ok(found) => found,
            Err(d) => return d,
        };
        if past_buffer(optval, optlen) {
            return Decision::fail(Reason::BadAddress, &rules::OPTLEN_PAST_BUFFER);
        }
        let kind = classify(level, optname);
        let version = self.version();
        let decision = match kind {
            OptionKind::UnknownLevel => {
                Decision::fail(Reason::UnknownLevel, &rules::SOCKOPT_LEVEL_UNKNOWN)
            }
            OptionKind::UnknownOption => {
                Decision::fail(Reason::UnknownOption, &rules::SOCKOPT_OPTNAME_UNKNOWN)
            }
            OptionKind::NotModelled => Decision::not_modelled(&rules::SOCKOPT_NOT_MODELLED),
            OptionKind::KeepAlive => {
                set_keepalive(fidelity, version, sock, optval, optlen).map_ok(SetAction::KeepAlive)
            }
            OptionKind::SoError => set_so_error(optval, optlen).map_ok(SetAction::SoError),
            OptionKind::TcpKeepIdle | OptionKind::TcpKeepCnt | OptionKind::TcpKeepIntvl => {
                crate::tcpopt::decide_set(fidelity, version, sock, kind, optval, optlen)
                    .map_ok(SetAction::Tcp)
            }
        };
        decision.map_ok(|a| (i, a))
    }

    fn decide_getsockopt(
        &self,
        fidelity: Fidelity,
        s: SocketHandle,
        level: Level,
        optname: OptName,
        optval: Mem,
        optlen: Result<i32, bool>,
    ) -> Decision<()> {
        if let Err(d) = self.process_checks() {
            return d;
        }
        if is_per_thread_option(level, optname) {
            return Decision::not_modelled(&rules::SOCKOPT_OPENTYPE);
        }
        let (_, sock) = match self.checks_and_lookup(s) {
            Ok(found) => found,
            Err(d) => return d,
        };
        let Ok(len) = optlen else {
            return Decision::fail(Reason::BadAddress, &rules::GETSOCKOPT_OPTLEN_BAD_POINTER);
        };
        // assumption:A11: the optlen and optval checks come before the level and option checks
        // (Wine's order, wine:W01; no Windows test combines them).
        if len <= 0 {
            // wine:K07, G04, G05: *optlen is left as it was.
            return Decision::fail(Reason::BadAddress, &rules::GETSOCKOPT_OPTLEN_NOT_POSITIVE);
        }
        let buf_len = match optval {
            Mem::Null | Mem::Bad => {
                return Decision::fail(Reason::BadAddress, &rules::GETSOCKOPT_OPTVAL_BAD_POINTER)
            }
            Mem::Valid(n) => n,
        };
        if len as usize > buf_len {
            return Decision::fail(Reason::BadAddress, &rules::OPTLEN_PAST_BUFFER);
        }
        let version = self.version();
        match classify(level, optname) {
            OptionKind::UnknownLevel => {
                Decision::fail(Reason::UnknownLevel, &rules::SOCKOPT_LEVEL_UNKNOWN)
            }
            OptionKind::UnknownOption => {
                Decision::fail(Reason::UnknownOption, &rules::SOCKOPT_OPTNAME_UNKNOWN)
            }
            OptionKind::NotModelled => Decision::not_modelled(&rules::SOCKOPT_NOT_MODELLED),
            OptionKind::KeepAlive => get_keepalive(fidelity, version, sock, len),
            OptionKind::SoError => get_so_error(sock, len),
            kind
            @ (OptionKind::TcpKeepIdle | OptionKind::TcpKeepCnt | OptionKind::TcpKeepIntvl) => {
                crate::tcpopt::decide_get(
                    fidelity,
                    version,
                    &self.config().registry,
                    sock,
                    kind,
                    len,
                )
            }
        }
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

/// An optlen that asks to read past the memory the caller gave: a bad address (assumption A05).
pub(crate) fn past_buffer(optval: InBuf<'_>, optlen: i32) -> bool {
    matches!(optval, InBuf::Bytes(b) if optlen > 0 && optlen as usize > b.len())
}

// ---- SO_KEEPALIVE ------------------------------------------------------------------------------

/// setsockopt(SOL_SOCKET, SO_KEEPALIVE).
fn set_keepalive(
    fidelity: Fidelity,
    version: WindowsVersion,
    sock: &Socket,
    optval: InBuf<'_>,
    optlen: i32,
) -> Decision<bool> {
    let legacy = !version.at_least(threshold::VISTA);
    // so_keepalive#42a54-145, 156: connection-oriented protocols only (documented only: wine:K14).
    // assumption:A09: the socket type is checked before optval and optlen.
    if sock.socket_type() != SocketType::SOCK_STREAM {
        return Decision::fail(Reason::OptionNotForProtocol, &rules::KEEPALIVE_DATAGRAM);
    }
    let bytes = match optval {
        InBuf::Bytes(b) => b,
        // so_keepalive#42a54-136; a NULL optval with optlen ≤ 0 is a bad address too (wine:G10).
        InBuf::Null => return Decision::fail(Reason::BadAddress, &rules::SETSOCKOPT_OPTVAL_NULL),
        InBuf::BadPointer => {
            return Decision::fail(Reason::BadAddress, &rules::SETSOCKOPT_OPTVAL_BAD_POINTER)
        }
    };
    let value = match fidelity {
        Fidelity::Documented => {
            // so_keepalive#42a54-121, 125, 137: at least a DWORD.
            if optlen < 4 {
                return Decision::fail(Reason::BadAddress, &rules::KEEPALIVE_SET_OPTLEN_SHORT_DOC);
            }
            le_prefix(bytes, 4) != 0 // so_keepalive#42a54-122
        }
        Fidelity::Observed => {
            if optlen == 0 {
                return Decision::fail(Reason::BadAddress, &rules::KEEPALIVE_SET_OPTLEN_ZERO);
                // wine:K06
            }
            if optlen < 0 {
                if legacy {
                    // primary:P03 row 4: 2003 accepts −1 and reads the DWORD.
                    if bytes.len() < 4 {
                        return Decision::fail(Reason::BadAddress, &rules::OPTLEN_PAST_BUFFER);
                    }
                    return Decision::ok(
                        le_prefix(bytes, 4) != 0,
                        &rules::KEEPALIVE_SET_OPTLEN_NEGATIVE_2003,
                    );
                }
                // primary:P02 row 4.
                return if version.at_least(threshold::OPTLEN_NEGATIVE_ENOBUFS) {
                    Decision::fail(
                        Reason::NegativeLength,
                        &rules::KEEPALIVE_SET_OPTLEN_NEGATIVE_ENOBUFS,
                    )
                } else {
                    Decision::fail(
                        Reason::BadAddress,
                        &rules::KEEPALIVE_SET_OPTLEN_NEGATIVE_EFAULT,
                    )
                };
            }
            // assumption:A06: every optlen of 1 or more is accepted (1, 2, 4 and 8 are observed).
            if legacy {
                // wine:K08 (2003): the whole DWORD, as far as optlen reaches, is the BOOL.
                le_prefix(bytes, optlen as usize) != 0
            } else {
                // wine:K08: only the first byte counts.
                bytes.first().is_some_and(|b| *b != 0)
            }
        }
    };
    if sock.state() == SocketState::Dropped {
        // doc:D-SET: WSAENETRESET after a keep-alive time-out, WSAENOTCONN after a reset (timeline.rs).
        return crate::timeline::set_on_dropped(sock);
    }
    // assumption:A10: the transitional state is checked after every argument check.
    if sock.state().is_transitional() {
        if legacy {
            // so_keepalive#42a54-173: allowed up to 2003.
            return Decision::ok(value, &rules::KEEPALIVE_SET_CONNECTING_LEGACY);
        }
        // so_keepalive#42a54-142, 169–172 (documented only: primary:P19 makes no such call).
        return Decision::fail(Reason::InvalidArgument, &rules::KEEPALIVE_SET_CONNECTING);
    }
    let rule: &'static Rule = match (fidelity, legacy) {
        (Fidelity::Documented, _) => &rules::KEEPALIVE_SET_DOC,
        (Fidelity::Observed, false) => &rules::KEEPALIVE_SET_LOW_BYTE,
        (Fidelity::Observed, true) => &rules::KEEPALIVE_SET_DWORD_LEGACY,
    };
    Decision::ok(value, rule)
}

/// getsockopt(SOL_SOCKET, SO_KEEPALIVE). `len` is `*optlen` (> 0), `buf_len` the memory given.
fn get_keepalive(
    fidelity: Fidelity,
    version: WindowsVersion,
    sock: &Socket,
    len: i32,
) -> Decision<()> {
    // assumption:A09: the socket type before the documented length check. assumption:A19: no
    // state check; only setting the option is refused while a connect is in progress.
    if sock.socket_type() != SocketType::SOCK_STREAM {
        return Decision::fail(Reason::OptionNotForProtocol, &rules::KEEPALIVE_DATAGRAM);
    }
    let want = len as usize; // len > 0
    let on = u32::from(sock.keepalive_enabled());
    let dword = on.to_le_bytes();
    match fidelity {
        Fidelity::Documented => {
            if len < 4 {
                return Decision::fail(Reason::BadAddress, &rules::KEEPALIVE_GET_SHORT_DOC);
            }
            Decision::ok((), &rules::KEEPALIVE_GET_DOC)
                .writing(Written::NOTHING.with_bytes(&dword).with_optlen(4))
        }
        Fidelity::Observed if version.at_least(threshold::VISTA) => {
            // wine:K03, K08, K11, primary:P02: one BOOLEAN byte, *optlen = 1; the rest of the
            // buffer is left untouched (assumption:A16).
            Decision::ok((), &rules::KEEPALIVE_GET_BOOLEAN)
                .writing(Written::NOTHING.with_bytes(&dword[..1]).with_optlen(1))
        }
        Fidelity::Observed => {
            // primary:P03: 4 bytes and 4 from a 4-byte buffer on; below that, *optlen bytes of
            // the DWORD are written and 1 is reported (2 observed, 1 and 3 by assumption:A06).
            let n = want.min(4);
            let reported = if n == 4 { 4 } else { 1 };
            Decision::ok((), &rules::KEEPALIVE_GET_DWORD_LEGACY).writing(
                Written::NOTHING
                    .with_bytes(&dword[..n])
                    .with_optlen(reported),
            )
        }
    }
}

// ---- SO_ERROR ------------------------------------------------------------------------------------

/// setsockopt(SOL_SOCKET, SO_ERROR): Windows stores the value (wine:E09).
fn set_so_error(optval: InBuf<'_>, optlen: i32) -> Decision<WsaError> {
    match optval {
        InBuf::Bytes(b) if optlen >= 4 && b.len() >= 4 => {
            Decision::ok(WsaError(le_prefix(b, 4) as i32), &rules::SO_ERROR_SET)
        }
        _ => Decision::fail(Reason::BadAddress, &rules::SO_ERROR_SHORT),
    }
}

/// getsockopt(SOL_SOCKET, SO_ERROR): the pending error as a DWORD; reading does not clear it
/// (primary:P20).
fn get_so_error(sock: &Socket, len: i32) -> Decision<()> {
    if len < 4 {
        return Decision::fail(Reason::BadAddress, &rules::SO_ERROR_SHORT); // wine:E09
    }
    let value = (sock.so_error().0 as u32).to_le_bytes();
    Decision::ok((), &rules::SO_ERROR_GET)
        .writing(Written::NOTHING.with_bytes(&value).with_optlen(4))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, PRESETS};

    /// primary:P12, wine:G04: SO_OPENTYPE needs no socket, so the oracle answers "not modelled"
    /// for it even on a handle that is not a socket, never a WSAENOTSOCK it cannot vouch for.
    #[test]
    fn so_opentype_is_not_modelled_whatever_the_handle() {
        for p in PRESETS {
            let mut stack = Stack::new(Config::new(p.version));
            stack.wsa_startup(0x0202);
            let mut buf = [0xcc; 4];
            let mut optlen = -1;
            let get = stack.getsockopt(
                SocketHandle::from_raw(1234),
                Level::SOL_SOCKET,
                OptName::SO_OPENTYPE,
                OutBuf::Bytes(&mut buf),
                IntPtr::Value(&mut optlen),
            );
            assert!(get.ret.is_not_modelled(), "{}", p.name);
            assert_eq!((buf, optlen), ([0xcc; 4], -1), "{}", p.name);
            let set = stack.setsockopt(
                SocketHandle::INVALID_SOCKET,
                Level::SOL_SOCKET,
                OptName::SO_OPENTYPE,
                InBuf::Bytes(&[0, 0, 0, 0]),
                4,
            );
            assert!(set.ret.is_not_modelled(), "{}", p.name);
        }
    }
}
