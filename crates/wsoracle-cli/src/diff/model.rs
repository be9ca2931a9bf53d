//! The scenario side: a scenario step as a protocol request, and the model's answer to it as
//! comparable results.

use wsoracle_model::outcome::Ret;
use wsoracle_model::IoCompletion;
use wsoracle_scenario::schema::PeerState;
use wsoracle_scenario::values::{Buffer, IntPtrArg, SockRef};
use wsoracle_scenario::{Call, StepAnswer, StepRecord};

use super::proto::{Arg, Completion, LastError, Ptr, Request, Results, RetVal, SockArg};

fn sock(s: &SockRef) -> Arg {
    Arg::Sock(match s {
        SockRef::Name(n) => SockArg::Name(n.clone()),
        SockRef::Invalid => SockArg::Invalid,
        // An integer handle as written; the probe reads it back as the same bits.
        SockRef::Raw(n) => SockArg::Raw(*n as i64),
    })
}

fn buf(b: &Buffer) -> Arg {
    match b {
        Buffer::Null => Arg::Buf(None),
        Buffer::Bytes(v) => Arg::Buf(Some(v.clone())),
        Buffer::Pointer(p) => Arg::Ptr(*p),
    }
}

/// A pointer-valued int argument: its value, `null`, or `ptr:N`.
fn int_ptr<T: Copy + Into<i64>>(a: &IntPtrArg<T>) -> Arg {
    match a {
        IntPtrArg::Null => Arg::NullableInt(None),
        IntPtrArg::Pointer(p) => Arg::Ptr(*p),
        IntPtrArg::Value(v) => Arg::NullableInt(Some((*v).into())),
    }
}

/// What the caller's buffer holds after the call: its bytes, NULL, or the pointer echoed.
fn buf_after(arg: &Buffer, after: &Option<Vec<u8>>) -> Ptr<Vec<u8>> {
    match arg {
        Buffer::Pointer(p) => Ptr::Bad(*p),
        _ => ptr_buf(after),
    }
}

/// `*p` after the call: its value, NULL, or the pointer echoed.
fn int_after<T: Copy>(arg: &IntPtrArg<T>, after: Option<T>) -> Ptr<T> {
    match (arg, after) {
        (IntPtrArg::Pointer(p), _) => Ptr::Bad(*p),
        (_, Some(v)) => Ptr::Value(v),
        (_, None) => Ptr::Null,
    }
}

/// The protocol request for a step: constants as numbers, buffers as hex, every default the
/// loader filled in sent explicitly.
pub fn request(call: &Call, bind_as: Option<&str>) -> Request {
    let r = Request::new(call.name());
    let r = match call {
        Call::WsaStartup { version_requested } => {
            r.arg("wVersionRequested", Arg::Int(i64::from(*version_requested)))
        }
        Call::WsaCleanup => r,
        Call::Socket {
            af,
            socket_type,
            protocol,
        } => r
            .arg("af", Arg::Int(i64::from(af.0)))
            .arg("type", Arg::Int(i64::from(socket_type.0)))
            .arg("protocol", Arg::Int(i64::from(protocol.0))),
        Call::Closesocket { s }
        | Call::Bind { s }
        | Call::Incoming { s }
        | Call::Accept { s }
        | Call::CompleteConnect { s }
        | Call::KeepaliveStatus { s } => r.arg("s", sock(s)),
        Call::Listen { s, backlog } => {
            let r = r.arg("s", sock(s));
            match backlog {
                Some(b) => r.arg("backlog", Arg::Int(i64::from(*b))),
                None => r,
            }
        }
        Call::Ioctlsocket { s, cmd, argp } => r
            .arg("s", sock(s))
            .arg("cmd", Arg::Int(i64::from(cmd.0)))
            .arg("argp", Arg::Int(i64::from(*argp))),
        Call::Connect { s, peer } => r
            .arg("s", sock(s))
            .arg("peer", Arg::Word(peer.as_str().to_string())),
        Call::Setsockopt {
            s,
            level,
            optname,
            optval,
            optlen,
        } => r
            .arg("s", sock(s))
            .arg("level", Arg::Int(i64::from(level.0)))
            .arg("optname", Arg::Int(i64::from(optname.0)))
            .arg("optval", buf(optval))
            .arg("optlen", Arg::Int(i64::from(*optlen))),
        Call::Getsockopt {
            s,
            level,
            optname,
            optval,
            optlen,
        } => r
            .arg("s", sock(s))
            .arg("level", Arg::Int(i64::from(level.0)))
            .arg("optname", Arg::Int(i64::from(optname.0)))
            .arg("optval", buf(optval))
            .arg("optlen", int_ptr(optlen)),
        Call::Condition {
            network_down,
            blocking_call,
        } => {
            let mut r = r;
            if let Some(d) = network_down {
                r = r.arg("network", Arg::Word(if *d { "down" } else { "up" }.into()));
            }
            if let Some(b) = blocking_call {
                r = r.arg("blocking_call", Arg::Bool(*b));
            }
            r
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
        } => r
            .arg("s", sock(s))
            .arg("dwIoControlCode", Arg::Int(i64::from(code.0)))
            .arg("lpvInBuffer", buf(in_buffer))
            .arg("cbInBuffer", Arg::Int(i64::from(*cb_in)))
            .arg("lpvOutBuffer", buf(out_buffer))
            .arg("cbOutBuffer", Arg::Int(i64::from(*cb_out)))
            .arg("lpcbBytesReturned", int_ptr(bytes_returned))
            .arg("lpOverlapped", Arg::Bool(*overlapped))
            .arg("lpCompletionRoutine", Arg::Bool(*completion_routine)),
        Call::Send { s, len }
        | Call::Recv { s, len }
        | Call::PeerSends { s, len }
        | Call::Recvfrom { s, len } => r.arg("s", sock(s)).arg("len", Arg::Int(i64::from(*len))),
        Call::BindName { s, name } | Call::ConnectName { s, name } => {
            r.arg("s", sock(s)).arg("name", Arg::Word(name.to_string()))
        }
        Call::Getsockname { s } | Call::Getpeername { s } => r.arg("s", sock(s)),
        Call::Sendto { s, to, len } => r
            .arg("s", sock(s))
            .arg("to", Arg::Word(to.to_string()))
            .arg("len", Arg::Int(i64::from(*len))),
        Call::Advance { by } => r.arg("duration", Arg::Word(by.to_string())),
        Call::SetPeer { s, state } => r.arg("s", sock(s)).arg(
            "state",
            Arg::Word(
                match state {
                    PeerState::Responsive => "responsive",
                    PeerState::Silent => "silent",
                    PeerState::Reset => "reset",
                }
                .into(),
            ),
        ),
    };
    match (call, bind_as) {
        (Call::Socket { .. } | Call::Accept { .. }, Some(name)) => {
            r.arg("as", Arg::Word(name.to_string()))
        }
        _ => r,
    }
}

/// What the model answered to one step, ready to compare.
pub enum ModelAnswer {
    /// A Winsock call the model answered.
    Call {
        results: Results,
        /// `rule.id`.
        rule: &'static str,
        /// `rule.id (basis: sources)`.
        provenance: String,
        summary: &'static str,
        /// The other fidelity's answer, when it differs.
        other: Option<String>,
    },
    /// The call is outside the model's scope.
    NotModelled { provenance: String },
    /// A scenario action (`incoming`, `complete_connect`, `advance`, ...): nothing to compare.
    Action,
}

fn last_error(e: Option<wsoracle_model::WsaError>) -> LastError {
    match e {
        None => LastError::Untouched,
        Some(e) => LastError::Code(e.0),
    }
}

fn completion(c: Option<IoCompletion>) -> Completion {
    match c {
        None => Completion::None,
        Some(c) => Completion::Done {
            error: c.error.0,
            bytes: c.bytes,
        },
    }
}

fn ptr_buf(b: &Option<Vec<u8>>) -> Ptr<Vec<u8>> {
    match b {
        None => Ptr::Null,
        Some(v) => Ptr::Value(v.clone()),
    }
}

fn ret(r: Ret) -> Option<RetVal> {
    match r {
        Ret::Int(n) => Some(RetVal::Int(i64::from(n))),
        Ret::Socket(h) => Some(RetVal::Handle {
            valid: !h.is_invalid(),
            raw: 0,
        }),
        Ret::Pending => Some(RetVal::Pending),
        Ret::NotModelled => None,
    }
}

/// The model's answer to `call` in a run's record.
pub fn answer(call: &Call, record: &StepRecord) -> ModelAnswer {
    let ca = match &record.answer {
        StepAnswer::Call(ca) => ca,
        _ => return ModelAnswer::Action,
    };
    if !call.is_winsock_call() {
        // complete_connect reports through an outcome too, but is the scenario's action.
        return ModelAnswer::Action;
    }
    let o = &ca.outcome;
    let provenance = wsoracle_scenario::provenance(o.rule, o.fidelity);
    if o.ret.is_not_modelled() {
        return ModelAnswer::NotModelled { provenance };
    }
    let mut results = Results {
        ret: ret(o.ret),
        error: Some(last_error(o.error)),
        ..Results::default()
    };
    match call {
        Call::Getsockopt { optval, optlen, .. } => {
            results.optval = Some(buf_after(optval, &ca.buffer_after));
            results.optlen = Some(int_after(optlen, ca.optlen_after));
        }
        Call::WsaIoctl {
            out_buffer,
            bytes_returned,
            ..
        } => {
            results.out_buffer = Some(buf_after(out_buffer, &ca.buffer_after));
            results.bytes_returned = Some(int_after(bytes_returned, ca.bytes_returned_after));
            results.completion = Some(completion(o.completion));
        }
        _ => {}
    }
    let other = o.other.map(|a| {
        let mut r = Results {
            ret: ret(a.ret),
            error: Some(last_error(a.error)),
            ..Results::default()
        };
        if a.written.optlen.is_some() {
            r.optlen = a.written.optlen.map(Ptr::Value);
        }
        format!(
            "{} would answer {} ({})",
            o.fidelity.other(),
            super::compare::summary(&r),
            a.rule.id
        )
    });
    ModelAnswer::Call {
        results,
        rule: o.rule.id,
        provenance,
        summary: o.rule.summary,
        other,
    }
}
