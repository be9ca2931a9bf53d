//! `SO_OPENTYPE` (0x7008): the calling thread's default for new sockets (overlapped or
//! synchronous), not a socket's. Windows answers it whatever the handle, a file handle included
//! (primary:P12), with the class-D rules (options:O061–O065), except that a get with `*optlen`
//! −1 succeeds and writes 4 (options:O063). The model's process has one thread.

use crate::abi::{le_prefix, InBuf, Mem};
use crate::codes::{Level, OptName};
use crate::outcome::{Reason, Written};
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Fidelity, Source::Doc as D, Source::Options as O, Source::Primary as P,
};
use crate::rules as base_rules;
use crate::sockopt::def::{base, LenClass, OptionDef};
use crate::sockopt::{rules as opt_rules, GetAction, SetAction};
use crate::stack::Decision;

rules! {
    SET = "setsockopt.so-opentype", Observed, "SO_OPENTYPE sets the thread's open type, whatever the handle; optlen -1 reads 4 bytes", [O("O061"), O("O062"), P("P12"), D("D-SOL")];
    GET = "getsockopt.so-opentype", Observed, "SO_OPENTYPE reads the thread's open type (0 at first) in 4 bytes, whatever the handle; *optlen -1 succeeds with 4", [O("O061"), O("O063"), O("O065"), P("P12")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "the thread's default open type for new sockets (per thread, not per socket)",
    class: LenClass::D,
    per_thread: true,
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_OPENTYPE,
        "SO_OPENTYPE",
        &SET,
        &GET,
    )
};

/// setsockopt(SO_OPENTYPE): the common pointer checks were made; the handle is not looked at.
pub(crate) fn decide_set(
    _: &OptionDef,
    fidelity: Fidelity,
    optval: InBuf<'_>,
    optlen: i32,
) -> Decision<SetAction> {
    let InBuf::Bytes(bytes) = optval else {
        return Decision::fail(Reason::BadAddress, &opt_rules::SET_NULL);
    };
    let len = if optlen < 0 && fidelity == Fidelity::Observed {
        4
    } else {
        optlen
    };
    if len < 4 {
        return Decision::fail(Reason::BadAddress, &opt_rules::SET_SHORT_STRICT);
    }
    if bytes.len() < 4 {
        return Decision::fail(Reason::BadAddress, &base_rules::OPTLEN_PAST_BUFFER);
    }
    Decision::ok(SetAction::OpenType(le_prefix(bytes, 4)), &SET)
}

/// getsockopt(SO_OPENTYPE).
pub(crate) fn decide_get(
    _: &OptionDef,
    fidelity: Fidelity,
    value: u32,
    optval: Mem,
    optlen: Result<i32, bool>,
) -> Decision<GetAction> {
    let Ok(len) = optlen else {
        return Decision::fail(
            Reason::BadAddress,
            &base_rules::GETSOCKOPT_OPTLEN_BAD_POINTER,
        );
    };
    let buf_len = match optval {
        Mem::Valid(n) => n,
        Mem::Null | Mem::Bad => {
            return Decision::fail(
                Reason::BadAddress,
                &base_rules::GETSOCKOPT_OPTVAL_BAD_POINTER,
            )
        }
    };
    // options:O063: −1 is taken as room for the DWORD; 0 is refused as for any option.
    let minus_one = len == -1 && fidelity == Fidelity::Observed;
    if len <= 0 && !minus_one {
        return Decision::fail(
            Reason::BadAddress,
            &base_rules::GETSOCKOPT_OPTLEN_NOT_POSITIVE,
        );
    }
    if len > 0 && len as usize > buf_len {
        return Decision::fail(Reason::BadAddress, &base_rules::OPTLEN_PAST_BUFFER);
    }
    if (1..4).contains(&len) {
        return Decision::fail(Reason::BadAddress, &opt_rules::GET_SHORT_UNTOUCHED);
    }
    if buf_len < 4 {
        return Decision::fail(Reason::BadAddress, &base_rules::OPTLEN_PAST_BUFFER);
    }
    Decision::ok(GetAction::Nothing, &GET).writing(
        Written::NOTHING
            .with_bytes(&value.to_le_bytes())
            .with_optlen(4),
    )
}
