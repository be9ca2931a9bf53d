//! `SO_EXCLUSIVEADDRUSE` (SOL_SOCKET, ~4): a class-B BOOL, 0 on a fresh socket
//! (options:O048–O050); exclusive with `SO_REUSEADDR` (report:arvidn/libtorrent#1981). Its effect
//! on `bind` is the address rules'.

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O};
use crate::rules::rules;
use crate::sockopt::def::{base, Ctx, LenClass, Modelling, OptionDef, ValueKind};
use crate::sockopt::generic;
use crate::sockopt::store::Slot;
use crate::sockopt::SetAction;
use crate::stack::{Decision, Verdict};

rules! {
    SET = "setsockopt.so-exclusiveaddruse", Observed, "SO_EXCLUSIVEADDRUSE stores a BOOL; short input is accepted", [O("O048"), O("O049"), O("O050"), D("D-EXCL")];
    GET = "getsockopt.so-exclusiveaddruse", Observed, "SO_EXCLUSIVEADDRUSE reads 0 on a fresh socket, 1 once set, in 4 bytes", [O("O049"), O("O050")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "keep every other socket off this socket's address and port",
    value: ValueKind::Flag,
    class: LenClass::B,
    modelling: Modelling::Simulated,
    slot: Slot::Flag(4),
    extra_rules: &[
        &super::so_reuseaddr::EXCLUSIVE_CONFLICT,
        &crate::net::XP_EXCLUSIVE_ADMIN,
    ],
    set_hook: Some(set_exclusive_pair),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_EXCLUSIVEADDRUSE,
        "SO_EXCLUSIVEADDRUSE",
        &SET,
        &GET,
    )
};

/// The set of either option: the generic decision, then WSAEINVAL when switching it on while the
/// other one is on.
pub(crate) fn set_exclusive_pair(
    def: &OptionDef,
    ctx: &Ctx<'_>,
    optval: InBuf<'_>,
    optlen: i32,
) -> Decision<SetAction> {
    let d = generic::decide_set_plain(def, ctx, optval, optlen);
    let other = if def.optname == OptName::SO_REUSEADDR {
        &DEF
    } else {
        &super::so_reuseaddr::DEF
    };
    match d.verdict {
        Verdict::Ok(SetAction::Store(_, v)) if v != 0 && ctx.values.get(other.slot) == Some(1) => {
            Decision::fail(
                Reason::InvalidArgument,
                &super::so_reuseaddr::EXCLUSIVE_CONFLICT,
            )
        }
        // doc:D-REUSE: up to XP only the Administrators group may use SO_EXCLUSIVEADDRUSE
        // (where it fails for a standard user: assumption A64).
        Verdict::Ok(SetAction::Store(_, v))
            if v != 0
                && def.optname == OptName::SO_EXCLUSIVEADDRUSE
                && !ctx.elevated
                && !ctx.version.at_least(crate::version::threshold::SERVER_2003) =>
        {
            Decision::fail(Reason::AccessDenied, &crate::net::XP_EXCLUSIVE_ADMIN)
        }
        _ => d,
    }
}
