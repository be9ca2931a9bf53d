//! `SO_REUSEADDR` (SOL_SOCKET, 4) and `SO_EXCLUSIVEADDRUSE` (~4): class-B BOOLs, 0 on a fresh
//! socket (options:O042–O044, O048–O050). They exclude each other: "the later setsockopt call
//! always fails" with WSAEINVAL (report:arvidn/libtorrent#1981). SO_REUSEADDR is copied by accept
//! (options:O369). Their effect on `bind` is the address rules'.

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O, Source::Report as R};
use crate::sockopt::def::{base, Ctx, LenClass, Modelling, OptionDef, ValueKind};
use crate::sockopt::generic;
use crate::sockopt::store::Slot;
use crate::sockopt::SetAction;
use crate::stack::{Decision, Verdict};

rules! {
    REUSEADDR_SET = "setsockopt.so-reuseaddr", Observed, "SO_REUSEADDR stores a BOOL; short input is accepted", [O("O042"), O("O044"), D("D-SOL")];
    REUSEADDR_GET = "getsockopt.so-reuseaddr", Observed, "SO_REUSEADDR reads 0 on a fresh socket, 1 once set, in 4 bytes", [O("O043"), O("O044"), O("O369")];
    EXCLUSIVE_SET = "setsockopt.so-exclusiveaddruse", Observed, "SO_EXCLUSIVEADDRUSE stores a BOOL; short input is accepted", [O("O048"), O("O049"), O("O050"), D("D-EXCL")];
    EXCLUSIVE_GET = "getsockopt.so-exclusiveaddruse", Observed, "SO_EXCLUSIVEADDRUSE reads 0 on a fresh socket, 1 once set, in 4 bytes", [O("O049"), O("O050")];
    CONFLICT = "setsockopt.reuse-exclusive-conflict", Observed,
        "SO_REUSEADDR and SO_EXCLUSIVEADDRUSE cannot both be on: the later set fails with WSAEINVAL",
        [R("arvidn/libtorrent#1981"), R("cesanta/mongoose#1550"), R("markqvist/Reticulum#278"), D("D-REUSE")];
}

pub static REUSEADDR: OptionDef = OptionDef {
    summary: "allow the socket to bind an address in use (Windows lets it take over the port)",
    value: ValueKind::Flag,
    class: LenClass::B,
    inherited: true,
    modelling: Modelling::Simulated,
    slot: Slot::Flag(3),
    extra_rules: &[&CONFLICT],
    set_hook: Some(set),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_REUSEADDR,
        "SO_REUSEADDR",
        &REUSEADDR_SET,
        &REUSEADDR_GET,
    )
};

pub static EXCLUSIVEADDRUSE: OptionDef = OptionDef {
    summary: "keep every other socket off this socket's address and port",
    value: ValueKind::Flag,
    class: LenClass::B,
    modelling: Modelling::Simulated,
    slot: Slot::Flag(4),
    extra_rules: &[&CONFLICT, &crate::net::XP_EXCLUSIVE_ADMIN],
    set_hook: Some(set),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_EXCLUSIVEADDRUSE,
        "SO_EXCLUSIVEADDRUSE",
        &EXCLUSIVE_SET,
        &EXCLUSIVE_GET,
    )
};

/// The set of either option: the generic decision, then WSAEINVAL when switching it on while the
/// other one is on.
fn set(def: &OptionDef, ctx: &Ctx<'_>, optval: InBuf<'_>, optlen: i32) -> Decision<SetAction> {
    let d = generic::decide_set_plain(def, ctx, optval, optlen);
    let other = if def.optname == OptName::SO_REUSEADDR {
        &EXCLUSIVEADDRUSE
    } else {
        &REUSEADDR
    };
    match d.verdict {
        // doc:D-REUSE: up to XP only the Administrators group may use SO_EXCLUSIVEADDRUSE. No
        // source says which call fails for a standard user, or with what error (assumption
        // A64), so switching it on there is not modelled (convention:scope), before the conflict
        // with SO_REUSEADDR, whose order against the restriction no source gives either.
        Verdict::Ok(SetAction::Store(_, v))
            if v != 0
                && def.optname == OptName::SO_EXCLUSIVEADDRUSE
                && !ctx.elevated
                && !ctx.version.at_least(crate::version::threshold::SERVER_2003) =>
        {
            Decision::not_modelled(&crate::net::XP_EXCLUSIVE_ADMIN)
        }
        Verdict::Ok(SetAction::Store(_, v)) if v != 0 && ctx.values.get(other.slot) == Some(1) => {
            Decision::fail(Reason::InvalidArgument, &CONFLICT)
        }
        _ => d,
    }
}
