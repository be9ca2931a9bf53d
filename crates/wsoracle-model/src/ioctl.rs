//! `WSAIoctl`, and `SIO_KEEPALIVE_VALS` in particular (`struct tcp_keepalive { onoff,
//! keepalivetime (ms), keepaliveinterval (ms) }`, 12 bytes).
//!
//! Order of checks: process (A03) → `lpcbBytesReturned` NULL (primary:P22 rows 4, 5, 13; before
//! the handle, as Wine does: wine:W06) → not a socket → the control code → the code's own checks.
//!
//! `*lpcbBytesReturned` (primary:P22): from Vista on it is set to 0 unless the call is
//! overlapped without a completion routine, on failure as on success; up to Server 2003 it is
//! never written. An overlapped call that succeeds queues a completion `{0, 0 bytes}`
//! (wine:S07, S09).

use crate::abi::{InBuf, IntPtr, OutBuf};
use crate::codes::{IoctlCode, SocketType, WsaError};
use crate::outcome::{IoCompletion, Outcome, Reason, Written};
use crate::provenance::{Fidelity, Rule};
use crate::rules;
use crate::socket::{Socket, SocketHandle, SocketState};
use crate::stack::{Decision, Stack, Verdict};
use crate::version::threshold;

/// `sizeof(struct tcp_keepalive)`.
pub const TCP_KEEPALIVE_SIZE: u32 = 12;

/// The arguments of `WSAIoctl`, in their C shapes.
#[derive(Debug)]
pub struct WsaIoctlArgs<'a> {
    pub s: SocketHandle,
    pub code: IoctlCode,
    pub in_buf: InBuf<'a>,
    pub cb_in: u32,
    pub out_buf: OutBuf<'a>,
    pub cb_out: u32,
    pub bytes_returned: IntPtr<'a, u32>,
    /// `lpOverlapped` is a valid OVERLAPPED.
    pub overlapped: bool,
    /// `lpCompletionRoutine` is given.
    pub completion_routine: bool,
}

/// `struct tcp_keepalive` as 12 little-endian bytes.
pub fn tcp_keepalive_bytes(onoff: u32, keepalivetime: u32, keepaliveinterval: u32) -> [u8; 12] {
    let mut b = [0u8; 12];
    b[..4].copy_from_slice(&onoff.to_le_bytes());
    b[4..8].copy_from_slice(&keepalivetime.to_le_bytes());
    b[8..].copy_from_slice(&keepaliveinterval.to_le_bytes());
    b
}

/// What a successful WSAIoctl changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IoctlAction {
    KeepAliveVals {
        i: usize,
        onoff: bool,
        time_ms: u32,
        interval_ms: u32,
    },
    Fionbio {
        i: usize,
        on: bool,
    },
    /// SIO_UDP_CONNRESET (bit 0) or SIO_UDP_NETRESET (bit 1) set to `on`.
    UdpReports {
        i: usize,
        bit: u8,
        on: bool,
    },
}

/// A decision plus the completion an overlapped call queues.
struct IoctlDecision {
    d: Decision<IoctlAction>,
    completion: Option<IoCompletion>,
}

/// What a decision may know about the arguments (no buffer contents except the input).
#[derive(Clone, Copy)]
struct View<'a> {
    s: SocketHandle,
    code: IoctlCode,
    in_buf: InBuf<'a>,
    cb_in: u32,
    cb_out: u32,
    bytes_returned_valid: bool,
    /// `lpcbBytesReturned` is an invalid non-NULL pointer (rather than NULL).
    bytes_returned_bad_pointer: bool,
    overlapped: bool,
    /// A completion routine with an OVERLAPPED (without one the routine is ignored).
    routine: bool,
}

impl View<'_> {
    /// Overlapped without a completion routine: the port/event mode.
    fn port_mode(&self) -> bool {
        self.overlapped && !self.routine
    }
}

/// How a control code is handled.
enum CodeClass {
    KeepAliveVals,
    Fionbio,
    /// SIO_UDP_CONNRESET (bit 0) or SIO_UDP_NETRESET (bit 1).
    UdpReports(u8),
    /// Exists, out of scope.
    NotModelled,
    /// The provider does not support it (wine:E15).
    Unsupported,
}

/// Assumption A29: codes the model names but does not model, and codes shaped like the Windows
/// SIO families (IOC_WS2 functions 1..=0x22, IOC_VENDOR functions 1..=0x30) are real ioctls
/// outside the model's scope; every other code is unsupported. SIO_FLUSH and FIOASYNC are
/// observed unsupported on a TCP socket (wine:E15).
fn classify(code: IoctlCode) -> CodeClass {
    match code {
        IoctlCode::SIO_KEEPALIVE_VALS => CodeClass::KeepAliveVals,
        IoctlCode::FIONBIO => CodeClass::Fionbio,
        IoctlCode::SIO_UDP_CONNRESET => CodeClass::UdpReports(1),
        IoctlCode::SIO_UDP_NETRESET => CodeClass::UdpReports(2),
        // doc:D-IOCTL: real codes whose answers the model cannot give. The extension-function
        // pointer and the base handle are values of the process's address space and handle
        // table, unknowable to the model: answering success would have to make the output bytes
        // up, so the call is not modelled. FIONREAD, the loopback fast path and the ideal send
        // backlog are not simulated (assumption A29 for the family shape).
        IoctlCode::SIO_BASE_HANDLE
        | IoctlCode::SIO_LOOPBACK_FAST_PATH
        | IoctlCode::SIO_IDEAL_SEND_BACKLOG_QUERY => CodeClass::NotModelled,
        IoctlCode::SIO_FLUSH | IoctlCode::FIOASYNC => CodeClass::Unsupported,
        IoctlCode::FIONREAD
        | IoctlCode::SIOCATMARK
        | IoctlCode::SIO_GET_EXTENSION_FUNCTION_POINTER => CodeClass::NotModelled,
        IoctlCode(c) => {
            let family = c & 0x1800_0000;
            let function = c & 0xffff;
            let direction = c & 0xe000_0000;
            let shaped = direction != 0 && c & 0x07ff_0000 == 0;
            match family {
                0x0800_0000 if shaped && (1..=0x22).contains(&function) => CodeClass::NotModelled,
                0x1800_0000 if shaped && (1..=0x30).contains(&function) => CodeClass::NotModelled,
                _ => CodeClass::Unsupported,
            }
        }
    }
}

impl Stack {
    /// `WSAIoctl(s, dwIoControlCode, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer,
    /// lpcbBytesReturned, lpOverlapped, lpCompletionRoutine)`.
    pub fn wsa_ioctl(&mut self, args: WsaIoctlArgs<'_>) -> Outcome {
        let view = View {
            s: args.s,
            code: args.code,
            in_buf: args.in_buf,
            cb_in: args.cb_in,
            cb_out: args.cb_out,
            bytes_returned_valid: matches!(args.bytes_returned, IntPtr::Value(_)),
            bytes_returned_bad_pointer: matches!(args.bytes_returned, IntPtr::BadPointer),
            overlapped: args.overlapped,
            routine: args.overlapped && args.completion_routine,
        };
        let fidelity = self.fidelity();
        let chosen = self.decide_ioctl(fidelity, &view);
        let other = self.decide_ioctl(fidelity.other(), &view);
        let mut outcome = self.conclude(&chosen.d, &other.d);
        outcome.completion = chosen.completion;
        // The only place WSAIoctl writes into the caller's memory. The output buffer is never
        // written: no keep-alive value can be read back (SIO_KA_NO_READ_BACK).
        if let (IntPtr::Value(v), Some(n)) = (args.bytes_returned, chosen.d.written.bytes_returned)
        {
            *v = n;
        }
        if let Verdict::Ok(action) = chosen.d.verdict {
            self.apply_ioctl(action);
        }
        outcome
    }

    fn apply_ioctl(&mut self, action: IoctlAction) {
        let now = self.now().0;
        match action {
            IoctlAction::KeepAliveVals {
                i,
                onoff,
                time_ms,
                interval_ms,
            } => {
                if let Some(sock) = self.socket_mut(i) {
                    apply_keepalive_vals(sock, onoff, time_ms, interval_ms, now);
                }
                self.reschedule(i);
            }
            IoctlAction::Fionbio { i, on } => {
                if let Some(sock) = self.socket_mut(i) {
                    sock.non_blocking = on;
                }
            }
            IoctlAction::UdpReports { i, bit, on } => {
                if let Some(sock) = self.socket_mut(i) {
                    if on {
                        sock.udp_reports_off &= !bit;
                    } else {
                        sock.udp_reports_off |= bit;
                    }
                }
            }
        }
    }

    fn decide_ioctl(&self, fidelity: Fidelity, v: &View<'_>) -> IoctlDecision {
        let plain = |d: Decision<IoctlAction>| IoctlDecision {
            d,
            completion: None,
        };
        if let Err(d) = self.process_checks() {
            return plain(d);
        }
        // primary:P22 rows 4, 5, 13; primary:P23; wine:E15: in every mode, before the handle.
        if !v.bytes_returned_valid {
            // Observed for NULL; an invalid non-NULL pointer is inferred to fail the same way
            // (so_keepalive#42a54-136's "not in a valid part of the user address space").
            let rule = if v.bytes_returned_bad_pointer {
                &rules::IOCTL_BYTES_RETURNED_BAD_POINTER
            } else {
                &rules::IOCTL_BYTES_RETURNED_NULL
            };
            return plain(Decision::fail(Reason::BadAddress, rule));
        }
        let (i, sock) = match self.checks_and_lookup(v.s) {
            Ok(found) => found,
            Err(d) => return plain(d),
        };
        let legacy = !self.version().at_least(threshold::VISTA);
        match classify(v.code) {
            CodeClass::NotModelled => plain(Decision::not_modelled(&rules::IOCTL_NOT_MODELLED)),
            CodeClass::Unsupported => unsupported(fidelity, legacy, v),
            CodeClass::Fionbio => fionbio(i, v),
            CodeClass::UdpReports(bit) => udp_reports(self.version(), bit, i, sock, v),
            CodeClass::KeepAliveVals => keepalive_vals(fidelity, legacy, i, sock, v),
        }
    }
}

/// `*lpcbBytesReturned` after a SIO_KEEPALIVE_VALS call (primary:P22).
fn sio_bytes_returned(fidelity: Fidelity, legacy: bool, v: &View<'_>, ok: bool) -> Written {
    match fidelity {
        Fidelity::Documented if ok => Written::NOTHING.with_bytes_returned(0), // doc:D-SIO
        Fidelity::Documented => Written::NOTHING,
        Fidelity::Observed if legacy || v.port_mode() => Written::NOTHING,
        Fidelity::Observed => Written::NOTHING.with_bytes_returned(0),
    }
}

/// A SIO_KEEPALIVE_VALS failure whose rule holds under both fidelities (the error rests on the
/// documentation or an assumption, not on a fidelity's evidence): a datagram socket, a dropped
/// connection, an input past its buffer. The two answers differ only in `*lpcbBytesReturned`
/// ([`sio_bytes_returned`]): where observed fidelity writes 0 there (from Vista on, unless
/// overlapped without a completion routine: primary:P22, wine:E15) and the documented rule
/// writes nothing, the observed answer names SIO_KA_FAIL_WRITES_ZERO, so that each fidelity's
/// answer has its own rule; elsewhere the two answers are one and keep `d`'s rule.
fn fail_under_one_rule(
    fidelity: Fidelity,
    legacy: bool,
    v: &View<'_>,
    d: Decision<IoctlAction>,
) -> IoctlDecision {
    let written = sio_bytes_returned(fidelity, legacy, v, false);
    let rule = if written.bytes_returned.is_some() {
        &rules::SIO_KA_FAIL_WRITES_ZERO
    } else {
        d.rule
    };
    IoctlDecision {
        d: Decision { rule, ..d }.writing(written),
        completion: None,
    }
}

/// The completion a successful overlapped call queues (wine:S07, S09).
fn ok_completion(v: &View<'_>) -> Option<IoCompletion> {
    v.overlapped.then_some(IoCompletion {
        error: WsaError::NO_ERROR,
        bytes: 0,
    })
}

/// An unsupported code (wine:E15, primary:P23).
fn unsupported(fidelity: Fidelity, legacy: bool, v: &View<'_>) -> IoctlDecision {
    let (d, completion) = match fidelity {
        Fidelity::Documented => (
            Decision::fail(Reason::InvalidArgument, &rules::IOCTL_UNSUPPORTED_DOC),
            None,
        ),
        Fidelity::Observed if legacy => (
            Decision::fail(Reason::InvalidArgument, &rules::IOCTL_UNSUPPORTED_2003),
            None,
        ),
        Fidelity::Observed if v.overlapped => (
            // win7+: pending, *lpcbBytesReturned untouched; the completion fails:
            // ERROR_NOT_SUPPORTED through the port, WSAEOPNOTSUPP to a completion routine.
            Decision::fail(Reason::IoPending, &rules::IOCTL_UNSUPPORTED),
            Some(IoCompletion {
                error: if v.routine {
                    WsaError::WSAEOPNOTSUPP
                } else {
                    WsaError::ERROR_NOT_SUPPORTED
                },
                bytes: 0,
            }),
        ),
        Fidelity::Observed => (
            Decision::fail(Reason::OperationNotSupported, &rules::IOCTL_UNSUPPORTED)
                .writing(Written::NOTHING.with_bytes_returned(0)),
            None,
        ),
    };
    IoctlDecision { d, completion }
}

/// WSAIoctl(FIONBIO) (primary:P23; the same on every version and fidelity: assumption A38).
fn fionbio(i: usize, v: &View<'_>) -> IoctlDecision {
    let value = match v.in_buf {
        InBuf::Bytes(b) if v.cb_in >= 4 && b.len() >= 4 => {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        }
        _ => {
            return IoctlDecision {
                d: Decision::fail(Reason::BadAddress, &rules::IOCTL_FIONBIO_SHORT),
                completion: None,
            }
        }
    };
    IoctlDecision {
        d: Decision::ok(
            IoctlAction::Fionbio { i, on: value != 0 },
            &rules::IOCTL_FIONBIO,
        )
        .writing(Written::NOTHING.with_bytes_returned(0)),
        completion: ok_completion(v),
    }
}

/// WSAIoctl(SIO_UDP_CONNRESET / SIO_UDP_NETRESET): a BOOL that switches the reporting of ICMP
/// port-unreachable (TTL-expired) on a UDP socket on or off (doc:D-IOCTL); both are on for a fresh
/// socket (report:tailscale/tailscale#12927). Disabling them returns 0 (options:O379, O380: a
/// fork's test, not run on Windows upstream). What a TCP socket, a short input buffer or a
/// version before the code existed answer is in no source: not modelled.
fn udp_reports(
    version: crate::version::WindowsVersion,
    bit: u8,
    i: usize,
    sock: &Socket,
    v: &View<'_>,
) -> IoctlDecision {
    let plain = |d| IoctlDecision {
        d,
        completion: None,
    };
    let first = if bit == 1 {
        threshold::WINXP
    } else {
        threshold::VISTA
    };
    if !version.at_least(first) || sock.socket_type() != SocketType::SOCK_DGRAM {
        return plain(Decision::not_modelled(
            &rules::IOCTL_UDP_REPORTS_NOT_MODELLED,
        ));
    }
    let value = match v.in_buf {
        InBuf::Bytes(b) if v.cb_in >= 4 && b.len() >= 4 => {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        }
        _ => {
            return plain(Decision::not_modelled(
                &rules::IOCTL_UDP_REPORTS_NOT_MODELLED,
            ))
        }
    };
    let rule = if bit == 1 {
        &rules::IOCTL_UDP_CONNRESET
    } else {
        &rules::IOCTL_UDP_NETRESET
    };
    IoctlDecision {
        d: Decision::ok(
            IoctlAction::UdpReports {
                i,
                bit,
                on: value != 0,
            },
            rule,
        )
        .writing(Written::NOTHING.with_bytes_returned(0)),
        completion: ok_completion(v),
    }
}

/// WSAIoctl(SIO_KEEPALIVE_VALS).
fn keepalive_vals(
    fidelity: Fidelity,
    legacy: bool,
    i: usize,
    sock: &Socket,
    v: &View<'_>,
) -> IoctlDecision {
    let fail = |reason: Reason, rule: &'static Rule| IoctlDecision {
        d: Decision::fail(reason, rule).writing(sio_bytes_returned(fidelity, legacy, v, false)),
        completion: None,
    };
    let fail_alike = |d: Decision<IoctlAction>| fail_under_one_rule(fidelity, legacy, v, d);
    let doc = fidelity == Fidelity::Documented;
    let bytes = match v.in_buf {
        InBuf::Null | InBuf::BadPointer => {
            let rule = match (doc, legacy, v.in_buf) {
                (true, _, _) => &rules::SIO_KA_NULL_DOC,
                // Observed for NULL only; a bad non-NULL pointer is inferred to fail alike.
                (false, _, InBuf::BadPointer) => &rules::SIO_KA_BAD_POINTER,
                (false, true, _) => &rules::SIO_KA_NULL_2003, // primary:P22 row 2 (2003)
                (false, false, _) => &rules::SIO_KA_SHORT,    // primary:P22 row 2
            };
            return fail(Reason::BadAddress, rule);
        }
        InBuf::Bytes(b) => b,
    };
    if v.cb_in < TCP_KEEPALIVE_SIZE {
        return match (doc, legacy) {
            // doc:D-SIO: unacceptable input.
            (true, _) => fail(Reason::InvalidArgument, &rules::SIO_KA_SHORT_DOC),
            // wine:S01, S06 (2003).
            (false, true) => fail(Reason::InvalidArgument, &rules::SIO_KA_SHORT_2003),
            // wine:S01, S06.
            (false, false) => fail(Reason::BadAddress, &rules::SIO_KA_SHORT),
        };
    }
    if (v.cb_in as usize) > bytes.len() || bytes.len() < 12 {
        // assumption A05
        return fail_alike(Decision::fail(
            Reason::BadAddress,
            &rules::IOCTL_IN_PAST_BUFFER,
        ));
    }
    if doc && v.cb_out != 0 {
        return fail(Reason::InvalidArgument, &rules::SIO_KA_OUT_BUFFER_DOC); // doc:D-SIO
    }
    if sock.socket_type() != SocketType::SOCK_STREAM {
        // doc:D-SIO, A28
        return fail_alike(Decision::fail(
            Reason::OptionNotForProtocol,
            &rules::SIO_KA_DATAGRAM,
        ));
    }
    if sock.state() == SocketState::Dropped {
        return fail_alike(crate::timeline::set_on_dropped(sock)); // A33
    }
    let word = |k: usize| u32::from_le_bytes([bytes[k], bytes[k + 1], bytes[k + 2], bytes[k + 3]]);
    let action = IoctlAction::KeepAliveVals {
        i,
        onoff: word(0) != 0,
        time_ms: word(4),
        interval_ms: word(8),
    };
    let rule = match (doc, legacy) {
        (true, _) => &rules::SIO_KA_OK_DOC,
        (false, true) => &rules::SIO_KA_OK_2003,
        (false, false) => &rules::SIO_KA_OK, // wine:S03, S07, S08, S09
    };
    IoctlDecision {
        d: Decision::ok(action, rule).writing(sio_bytes_returned(fidelity, legacy, v, true)),
        completion: ok_completion(v),
    }
}

/// Applies SIO_KEEPALIVE_VALS: `onoff` switches keep-alive (what getsockopt(SO_KEEPALIVE) then
/// reads: assumption A24); when on, the time and interval become this connection's own values
/// (so_keepalive#42a54-159, 160), and the idle period restarts (convention:timeline). When off,
/// the members are not used (doc:D-SIO) and any earlier values stay.
pub(crate) fn apply_keepalive_vals(
    sock: &mut Socket,
    onoff: bool,
    time_ms: u32,
    interval_ms: u32,
    now: u64,
) {
    use crate::socket::Origin;
    sock.keepalive = onoff;
    if onoff {
        sock.idle_ms = u64::from(time_ms);
        sock.interval_ms = u64::from(interval_ms);
        sock.idle_origin = Origin::KeepAliveVals;
        sock.interval_origin = Origin::KeepAliveVals;
        crate::timeline::restart_idle(sock, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{AddressFamily, Level, OptName, Protocol};
    use crate::outcome::Ret;
    use crate::stack::Config;
    use crate::version::{WindowsVersion, PRESETS};

    fn stack(v: WindowsVersion, f: Fidelity) -> (Stack, SocketHandle) {
        crate::testutil::with_tcp_socket(Config::new(v).with_fidelity(f))
    }

    struct Call<'a> {
        code: IoctlCode,
        input: Option<&'a [u8]>,
        cb_in: u32,
        size: Option<u32>,
        overlapped: bool,
        routine: bool,
    }

    fn call(st: &mut Stack, s: SocketHandle, c: Call<'_>) -> (Outcome, Option<u32>) {
        let mut size = c.size.unwrap_or(0);
        let out = st.wsa_ioctl(WsaIoctlArgs {
            s,
            code: c.code,
            in_buf: c.input.map_or(InBuf::Null, InBuf::Bytes),
            cb_in: c.cb_in,
            out_buf: OutBuf::Null,
            cb_out: 0,
            bytes_returned: if c.size.is_some() {
                IntPtr::Value(&mut size)
            } else {
                IntPtr::Null
            },
            overlapped: c.overlapped,
            completion_routine: c.routine,
        });
        (out, c.size.map(|_| size))
    }

    fn sio<'a>(
        input: Option<&'a [u8]>,
        cb_in: u32,
        size: Option<u32>,
        ov: bool,
        r: bool,
    ) -> Call<'a> {
        Call {
            code: IoctlCode::SIO_KEEPALIVE_VALS,
            input,
            cb_in,
            size,
            overlapped: ov,
            routine: r,
        }
    }

    const DEAD: u32 = 0xdead_beef;

    #[test]
    fn the_p22_table_on_every_preset() {
        let zero = tcp_keepalive_bytes(0, 0, 0);
        for p in PRESETS {
            let legacy = !p.version.at_least(threshold::VISTA);
            let untouched_or_0 = if legacy { DEAD } else { 0 };
            let (mut st, s) = stack(p.version, Fidelity::Observed);
            // Row 1: cbIn 0.
            let (o, n) = call(&mut st, s, sio(Some(&zero), 0, Some(DEAD), false, false));
            let e = if legacy {
                WsaError::WSAEINVAL
            } else {
                WsaError::WSAEFAULT
            };
            assert_eq!(
                (o.ret, o.error, n),
                (Ret::ERR, Some(e), Some(untouched_or_0)),
                "{} row 1",
                p.name
            );
            // Row 2: NULL input.
            let (o, n) = call(&mut st, s, sio(None, 12, Some(DEAD), false, false));
            assert_eq!(
                (o.error, n),
                (Some(WsaError::WSAEFAULT), Some(untouched_or_0)),
                "{} row 2",
                p.name
            );
            // Row 3: {0,0,0} ok, error cleared.
            let (o, n) = call(&mut st, s, sio(Some(&zero), 12, Some(DEAD), false, false));
            assert_eq!(
                (o.ret, o.error, n),
                (Ret::OK, Some(WsaError::NO_ERROR), Some(untouched_or_0)),
                "{} row 3",
                p.name
            );
            // Rows 4, 5, 13: NULL lpcbBytesReturned in every mode.
            for (ov, r) in [(false, false), (true, false), (true, true)] {
                let (o, _) = call(&mut st, s, sio(Some(&zero), 12, None, ov, r));
                assert_eq!(o.error, Some(WsaError::WSAEFAULT), "{} rows 4/5/13", p.name);
                assert_eq!(o.completion, None);
            }
            // Row 6: cbIn 11, overlapped: size untouched.
            let (o, n) = call(&mut st, s, sio(Some(&zero), 11, Some(DEAD), true, false));
            assert_eq!(
                (o.error, n, o.completion),
                (Some(e), Some(DEAD), None),
                "{} row 6",
                p.name
            );
            // Row 7: overlapped ok: size untouched, completion {0, 0}.
            let (o, n) = call(&mut st, s, sio(Some(&zero), 12, Some(DEAD), true, false));
            assert_eq!((o.ret, n), (Ret::OK, Some(DEAD)), "{} row 7", p.name);
            assert_eq!(
                o.completion,
                Some(IoCompletion {
                    error: WsaError::NO_ERROR,
                    bytes: 0
                })
            );
            // Rows 8-12: all values accepted.
            for (a, b, c) in [
                (1, 0, 0),
                (1, 1000, 1000),
                (1, 10000, 10000),
                (1, 100, 100),
                (0, 100, 100),
            ] {
                let k = tcp_keepalive_bytes(a, b, c);
                let (o, _) = call(&mut st, s, sio(Some(&k), 12, Some(DEAD), false, false));
                assert_eq!(o.ret, Ret::OK, "{} S08", p.name);
            }
            // Row 14: routine: size 0 (2003 untouched), completion {0, 0}.
            let (o, n) = call(&mut st, s, sio(Some(&zero), 12, Some(DEAD), true, true));
            assert_eq!(
                (o.ret, n),
                (Ret::OK, Some(untouched_or_0)),
                "{} row 14",
                p.name
            );
            assert!(o.completion.is_some());
        }
    }

    #[test]
    fn unsupported_codes_e15_and_not_modelled_ones_a29() {
        for p in PRESETS {
            let legacy = !p.version.at_least(threshold::VISTA);
            let (mut st, s) = stack(p.version, Fidelity::Observed);
            for code in [
                0xdead_beef,
                IoctlCode::FIOASYNC.0,
                0x667e,
                IoctlCode::SIO_FLUSH.0,
            ] {
                let c = Call {
                    code: IoctlCode(code),
                    input: None,
                    cb_in: 0,
                    size: Some(DEAD),
                    overlapped: false,
                    routine: false,
                };
                let (o, n) = call(&mut st, s, c);
                if legacy {
                    assert_eq!(
                        (o.error, n),
                        (Some(WsaError::WSAEINVAL), Some(DEAD)),
                        "{}",
                        p.name
                    );
                } else {
                    assert_eq!(
                        (o.error, n),
                        (Some(WsaError::WSAEOPNOTSUPP), Some(0)),
                        "{}",
                        p.name
                    );
                }
                let c = Call {
                    code: IoctlCode(code),
                    input: None,
                    cb_in: 0,
                    size: Some(DEAD),
                    overlapped: true,
                    routine: false,
                };
                let (o, n) = call(&mut st, s, c);
                if legacy {
                    assert_eq!((o.error, o.completion), (Some(WsaError::WSAEINVAL), None));
                } else {
                    assert_eq!((o.error, n), (Some(WsaError::WSA_IO_PENDING), Some(DEAD)));
                    assert_eq!(
                        o.completion.map(|c| c.error),
                        Some(WsaError::ERROR_NOT_SUPPORTED)
                    );
                }
            }
            for code in [
                IoctlCode::FIONREAD,
                IoctlCode(0x9800_0001),
                IoctlCode(0x4800_0016),
            ] {
                let c = Call {
                    code,
                    input: None,
                    cb_in: 0,
                    size: Some(DEAD),
                    overlapped: false,
                    routine: false,
                };
                assert_eq!(call(&mut st, s, c).0.ret, Ret::NotModelled);
            }
        }
    }

    #[test]
    fn fionbio_through_wsaioctl_p23() {
        for p in PRESETS {
            let (mut st, s) = stack(p.version, Fidelity::Observed);
            let one = 1u32.to_le_bytes();
            let c = Call {
                code: IoctlCode::FIONBIO,
                input: Some(&one),
                cb_in: 4,
                size: Some(DEAD),
                overlapped: false,
                routine: false,
            };
            let (o, n) = call(&mut st, s, c);
            assert_eq!((o.ret, n), (Ret::OK, Some(0)));
            assert!(st.socket(s).unwrap().non_blocking());
            let c = Call {
                code: IoctlCode::FIONBIO,
                input: Some(&one),
                cb_in: 3,
                size: Some(DEAD),
                overlapped: true,
                routine: false,
            };
            assert_eq!(call(&mut st, s, c).0.error, Some(WsaError::WSAEFAULT));
        }
    }

    #[test]
    fn sio_switches_keepalive_and_sets_the_values_d_sio_a24() {
        for p in PRESETS {
            let (mut st, s) = stack(p.version, Fidelity::Observed);
            let k = tcp_keepalive_bytes(1, 30_000, 5_000);
            call(&mut st, s, sio(Some(&k), 12, Some(0), false, false));
            let sock = st.socket(s).unwrap();
            assert!(sock.keepalive_enabled());
            assert_eq!((sock.idle_ms, sock.interval_ms), (30_000, 5_000));
            let mut b = [0u8; 4];
            let mut len = 4;
            st.getsockopt(
                s,
                Level::SOL_SOCKET,
                OptName::SO_KEEPALIVE,
                OutBuf::Bytes(&mut b),
                IntPtr::Value(&mut len),
            );
            assert_eq!(b[0], 1, "{}", p.name);
            let k = tcp_keepalive_bytes(0, 1, 1);
            call(&mut st, s, sio(Some(&k), 12, Some(0), false, false));
            let sock = st.socket(s).unwrap();
            assert!(!sock.keepalive_enabled());
            assert_eq!((sock.idle_ms, sock.interval_ms), (30_000, 5_000)); // members unused when off
        }
    }

    #[test]
    fn documented_fidelity_short_input_is_einval_and_differs_d10() {
        for p in PRESETS
            .iter()
            .filter(|p| p.version.at_least(threshold::VISTA))
        {
            let (mut st, s) = stack(p.version, Fidelity::Documented);
            let zero = tcp_keepalive_bytes(0, 0, 0);
            let (o, _) = call(&mut st, s, sio(Some(&zero), 11, Some(DEAD), false, false));
            assert_eq!(o.error, Some(WsaError::WSAEINVAL));
            assert_eq!(o.other.and_then(|a| a.error), Some(WsaError::WSAEFAULT));
        }
    }

    #[test]
    fn datagram_socket_is_enoprotoopt() {
        for p in PRESETS {
            let (mut st, _) = stack(p.version, Fidelity::Observed);
            let Ret::Socket(u) = st
                .socket_create(
                    AddressFamily::AF_INET,
                    SocketType::SOCK_DGRAM,
                    Protocol::IPPROTO_UDP,
                )
                .ret
            else {
                panic!()
            };
            let k = tcp_keepalive_bytes(1, 1, 1);
            assert_eq!(
                call(&mut st, u, sio(Some(&k), 12, Some(0), false, false))
                    .0
                    .error,
                Some(WsaError::WSAENOPROTOOPT)
            );
        }
    }

    /// A failure both fidelities answer with one error (a datagram socket, an input past its
    /// buffer) differs only in *lpcbBytesReturned: from Vista on the observed answer writes 0
    /// and names its own rule (primary:P22), the documented one keeps the error's rule; where
    /// the answers are one (up to 2003, or overlapped without a routine) the rule is the error's.
    #[test]
    fn a_failure_alike_names_one_rule_per_fidelity_p22() {
        for p in PRESETS {
            for f in Fidelity::ALL {
                let (mut st, _) = stack(p.version, f);
                let Ret::Socket(u) = st
                    .socket_create(
                        AddressFamily::AF_INET,
                        SocketType::SOCK_DGRAM,
                        Protocol::IPPROTO_UDP,
                    )
                    .ret
                else {
                    panic!()
                };
                let k = tcp_keepalive_bytes(1, 1, 1);
                let vista = p.version.at_least(threshold::VISTA);
                let (o, n) = call(&mut st, u, sio(Some(&k), 12, Some(DEAD), false, false));
                let zeroes = vista && f == Fidelity::Observed;
                assert_eq!(n, Some(if zeroes { 0 } else { DEAD }), "{} {f}", p.name);
                let (observed, documented) = if f == Fidelity::Observed {
                    (Some(o.rule.id), o.other.map(|a| a.rule.id))
                } else {
                    (o.other.map(|a| a.rule.id), Some(o.rule.id))
                };
                if vista {
                    assert_eq!(observed, Some(rules::SIO_KA_FAIL_WRITES_ZERO.id));
                    assert_eq!(documented, Some(rules::SIO_KA_DATAGRAM.id));
                } else {
                    assert_eq!(o.rule.id, rules::SIO_KA_DATAGRAM.id);
                    assert!(o.other.is_none(), "{} {f}", p.name);
                }
                // Overlapped without a routine: nothing written under either fidelity.
                let (o, _) = call(&mut st, u, sio(Some(&k), 12, Some(DEAD), true, false));
                assert_eq!(o.rule.id, rules::SIO_KA_DATAGRAM.id, "{} {f}", p.name);
                assert!(o.other.is_none(), "{} {f}", p.name);
                // An input past its buffer (assumption A05): the same split.
                let (o, _) = call(
                    &mut st,
                    u,
                    sio(Some(&k[..11]), 12, Some(DEAD), false, false),
                );
                assert_eq!(o.error, Some(WsaError::WSAEFAULT));
                assert_eq!(
                    o.rule.id == rules::SIO_KA_FAIL_WRITES_ZERO.id,
                    zeroes,
                    "{} {f}",
                    p.name
                );
            }
        }
    }
}
