//! `SO_SNDLOWAT` (0x1003), `SO_RCVLOWAT` (0x1004) and `SO_USELOOPBACK` (64): BSD options Windows
//! does not support. The option page: "fails with WSAEINVAL" from Vista on, WSAENOPROTOOPT before
//! (doc:D-SOL), for a get and a set alike.

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D};
use crate::sockopt::def::{base, Ctx, Modelling, OptionDef};
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;
use crate::version::threshold;

rules! {
    UNSUPPORTED = "sockopt.bsd-unsupported", Documented, "SO_SNDLOWAT, SO_RCVLOWAT and SO_USELOOPBACK fail with WSAEINVAL from Vista on", [D("D-SOL")];
    UNSUPPORTED_LEGACY = "sockopt.bsd-unsupported.legacy", Documented, "SO_SNDLOWAT, SO_RCVLOWAT and SO_USELOOPBACK fail with WSAENOPROTOOPT before Vista", [D("D-SOL")];
}

static EXTRA: &[&crate::provenance::Rule] = &[&UNSUPPORTED_LEGACY];

const fn unsupported(optname: OptName, name: &'static str, summary: &'static str) -> OptionDef {
    OptionDef {
        summary,
        modelling: Modelling::Documented,
        set_hook: Some(set),
        get_hook: Some(get),
        extra_rules: EXTRA,
        ..base(Level::SOL_SOCKET, optname, name, &UNSUPPORTED, &UNSUPPORTED)
    }
}

pub static SNDLOWAT: OptionDef = unsupported(
    OptName::SO_SNDLOWAT,
    "SO_SNDLOWAT",
    "send low-water mark (not supported)",
);
pub static RCVLOWAT: OptionDef = unsupported(
    OptName::SO_RCVLOWAT,
    "SO_RCVLOWAT",
    "receive low-water mark (not supported)",
);
pub static USELOOPBACK: OptionDef = unsupported(
    OptName::SO_USELOOPBACK,
    "SO_USELOOPBACK",
    "bypass the hardware (not supported)",
);

fn refuse<A>(ctx: &Ctx<'_>) -> Decision<A> {
    if ctx.version.at_least(threshold::VISTA) {
        Decision::fail(Reason::InvalidArgument, &UNSUPPORTED)
    } else {
        Decision::fail(Reason::UnknownOption, &UNSUPPORTED_LEGACY)
    }
}

fn set(_: &OptionDef, ctx: &Ctx<'_>, _: InBuf<'_>, _: i32) -> Decision<SetAction> {
    refuse(ctx)
}

fn get(_: &OptionDef, ctx: &Ctx<'_>, _: i32) -> Decision<GetAction> {
    refuse(ctx)
}
