//! `SO_KEEPALIVE` (SOL_SOCKET, 8): the seed page's option. Simulated: it switches keep-alive
//! probing on (timeline.rs). A BOOLEAN from Vista on (class A: wine:K03, K08, K11), a DWORD up to
//! Server 2003 (primary:P03); stream sockets only (so_keepalive#42a54-145, 156).

use crate::abi::{le_prefix, InBuf};
use crate::codes::{Level, OptName, SocketType};
use crate::outcome::{Reason, Written};
use crate::provenance::{Fidelity, Rule};
use crate::rules;
use crate::socket::{Socket, SocketState};
use crate::sockopt::def::{base, Ctx, LenClass, Modelling, OptionDef, Sockets, ValueKind};
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;
use crate::version::{threshold, WindowsVersion};

pub static DEF: OptionDef = OptionDef {
    summary: "send keep-alive probes on an idle connection",
    value: ValueKind::Flag,
    class: LenClass::A,
    legacy_class: Some(LenClass::B),
    sockets: Sockets::Stream,
    wrong_socket: (Reason::OptionNotForProtocol, &rules::KEEPALIVE_DATAGRAM),
    inherited: true,
    modelling: Modelling::Simulated,
    extra_rules: &[
        &rules::KEEPALIVE_SET_DOC,
        &rules::KEEPALIVE_SET_DWORD_LEGACY,
        &rules::KEEPALIVE_SET_OPTLEN_SHORT_DOC,
        &rules::KEEPALIVE_SET_OPTLEN_ZERO,
        &rules::KEEPALIVE_SET_OPTLEN_NEGATIVE_2003,
        &rules::KEEPALIVE_SET_OPTLEN_NEGATIVE_ENOBUFS,
        &rules::KEEPALIVE_SET_OPTLEN_NEGATIVE_EFAULT,
        &rules::KEEPALIVE_SET_CONNECTING,
        &rules::KEEPALIVE_SET_CONNECTING_LEGACY,
        &rules::KEEPALIVE_GET_DOC,
        &rules::KEEPALIVE_GET_SHORT_DOC,
        &rules::KEEPALIVE_GET_DWORD_LEGACY,
    ],
    set_hook: Some(set),
    get_hook: Some(get),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_KEEPALIVE,
        "SO_KEEPALIVE",
        &rules::KEEPALIVE_SET_LOW_BYTE,
        &rules::KEEPALIVE_GET_BOOLEAN,
    )
};

fn set(_: &OptionDef, ctx: &Ctx<'_>, optval: InBuf<'_>, optlen: i32) -> Decision<SetAction> {
    set_value(ctx.fidelity, ctx.version, ctx.sock, optval, optlen).map_ok(SetAction::KeepAlive)
}

fn get(_: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    get_value(ctx.fidelity, ctx.version, ctx.sock, len).map_ok(|()| GetAction::Nothing)
}

/// setsockopt(SOL_SOCKET, SO_KEEPALIVE).
fn set_value(
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
fn get_value(fidelity: Fidelity, version: WindowsVersion, sock: &Socket, len: i32) -> Decision<()> {
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
