//! `SO_ERROR` (SOL_SOCKET, 0x1007): the socket's pending error. Simulated: a refused or timed-out
//! non-blocking connect sets it, a successful connect clears it (primary:P20). A set is accepted
//! and read back (wine:E09, options:O373); under observed fidelity a read does not clear it
//! (primary:P20), while the getsockopt page says it "returns and resets" (doc:D-GET).

use crate::abi::{le_prefix, InBuf};
use crate::codes::{Level, OptName, WsaError};
use crate::outcome::{Reason, Written};
use crate::provenance::{Basis, Fidelity, Rule, Source};
use crate::rules;
use crate::sockopt::def::{base, Ctx, LenClass, Modelling, OptionDef, ValueKind};
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;

/// The documented reading: a get returns the error and resets it.
pub static GET_RESETS_DOC: Rule = Rule {
    id: "getsockopt.so-error.resets.documented",
    basis: Basis::Documented,
    summary: "getsockopt(SO_ERROR) returns the pending error and resets it to 0",
    sources: &[Source::Doc("D-GET")],
};

pub static DEF: OptionDef = OptionDef {
    summary: "the socket's pending error (a non-blocking connect's outcome)",
    value: ValueKind::Dword,
    class: LenClass::D,
    modelling: Modelling::Simulated,
    extra_rules: &[&rules::SO_ERROR_SHORT, &GET_RESETS_DOC],
    set_hook: Some(set),
    get_hook: Some(get),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_ERROR,
        "SO_ERROR",
        &rules::SO_ERROR_SET,
        &rules::SO_ERROR_GET,
    )
};

/// setsockopt(SOL_SOCKET, SO_ERROR): Windows stores the value (wine:E09).
fn set(_: &OptionDef, _: &Ctx<'_>, optval: InBuf<'_>, optlen: i32) -> Decision<SetAction> {
    match optval {
        InBuf::Bytes(b) if optlen >= 4 && b.len() >= 4 => Decision::ok(
            SetAction::SoError(WsaError(le_prefix(b, 4) as i32)),
            &rules::SO_ERROR_SET,
        ),
        _ => Decision::fail(Reason::BadAddress, &rules::SO_ERROR_SHORT),
    }
}

/// getsockopt(SOL_SOCKET, SO_ERROR): the pending error as a DWORD.
fn get(_: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    if len < 4 {
        return Decision::fail(Reason::BadAddress, &rules::SO_ERROR_SHORT); // wine:E09
    }
    let value = (ctx.sock.so_error().0 as u32).to_le_bytes();
    let written = Written::NOTHING.with_bytes(&value).with_optlen(4);
    match ctx.fidelity {
        Fidelity::Observed => {
            Decision::ok(GetAction::Nothing, &rules::SO_ERROR_GET).writing(written)
        }
        Fidelity::Documented => {
            Decision::ok(GetAction::ClearSoError, &GET_RESETS_DOC).writing(written)
        }
    }
}
