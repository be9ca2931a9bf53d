//! `SO_SNDTIMEO` (0x1005) and `SO_RCVTIMEO` (0x1006): DWORD milliseconds, not a `timeval`
//! (doc:D-SOL; report:redis/hiredis#695), 0 = no time-out, class D (options:O036–O039,
//! O056–O059), read back exactly (options:O200–O202), copied by accept (options:O369). The
//! getsockopt page lists both as not supported by getsockopt (doc:D-GET); Windows answers them
//! (options:O200), so the two fidelities differ. SO_RCVTIMEO is simulated: a blocking recv with
//! nothing to read completes with WSAETIMEDOUT when it runs out (options:O368; timeline.rs).
//! SO_SNDTIMEO is stored only: a send never blocks in the model.

use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::Fidelity;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O, Source::Report as R};
use crate::sockopt::def::{base, Ctx, LenClass, Modelling, OptionDef};
use crate::sockopt::generic;
use crate::sockopt::store::Slot;
use crate::sockopt::GetAction;
use crate::stack::Decision;

rules! {
    SET = "setsockopt.so-timeouts", Observed, "SO_SNDTIMEO and SO_RCVTIMEO store a DWORD of milliseconds (a timeval's first field is read as milliseconds)", [O("O200"), O("O201"), O("O202"), D("D-SOL"), R("redis/hiredis#695")];
    GET = "getsockopt.so-timeouts", Observed, "SO_SNDTIMEO and SO_RCVTIMEO read back the milliseconds set, 0 on a fresh socket, in 4 bytes", [O("O036"), O("O200"), O("O201"), O("O202"), O("O368")];
    GET_DOC = "getsockopt.so-timeouts.documented", Documented, "the getsockopt page lists SO_RCVTIMEO and SO_SNDTIMEO as not supported: WSAENOPROTOOPT", [D("D-GET")];
}

pub static SNDTIMEO: OptionDef = OptionDef {
    summary: "the time-out of blocking sends, in milliseconds (0: none)",
    class: LenClass::D,
    inherited: true,
    slot: Slot::Word(3),
    get_hook: Some(get),
    extra_rules: &[&GET_DOC],
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_SNDTIMEO,
        "SO_SNDTIMEO",
        &SET,
        &GET,
    )
};

pub static RCVTIMEO: OptionDef = OptionDef {
    summary: "the time-out of blocking receives, in milliseconds (0: none); a blocking recv fails with WSAETIMEDOUT when it runs out",
    class: LenClass::D,
    inherited: true,
    modelling: Modelling::Simulated,
    slot: Slot::Word(4),
    get_hook: Some(get),
    extra_rules: &[&GET_DOC],
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_RCVTIMEO,
        "SO_RCVTIMEO",
        &SET,
        &GET,
    )
};

fn get(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    if ctx.fidelity == Fidelity::Documented {
        return Decision::fail(Reason::UnknownOption, &GET_DOC);
    }
    generic::decide_get_plain(def, ctx, len)
}
