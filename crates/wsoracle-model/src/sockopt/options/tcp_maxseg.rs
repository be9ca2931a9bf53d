//! `TCP_MAXSEG` (4): the maximum segment size, readable from Windows 10 (doc:D-GET: "Supported in
//! Windows 10 and newer versions"; WSAENOPROTOOPT before). Its value depends on the path, which
//! the model does not simulate: a get answers "not modelled", and so does a set (no page
//! documents one).

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Convention as C, Source::Doc as D};
use crate::sockopt::def::{base, Availability, Ctx, OptionDef, Since, Sockets};
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;
use crate::version::threshold;

rules! {
    UNAVAILABLE = "sockopt.tcp-maxseg.unavailable", Documented, "TCP_MAXSEG is not supported before Windows 10: WSAENOPROTOOPT", [D("D-GET")];
    NOT_MODELLED = "sockopt.tcp-maxseg.not-modelled", Convention, "TCP_MAXSEG's value depends on the path, which is not modelled", [C("scope"), D("D-GET")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "the maximum segment size (read from Windows 10)",
    sockets: Sockets::Stream,
    availability: Availability {
        observed: Since::From(threshold::WIN10),
        documented: Since::From(threshold::WIN10),
        missing: &UNAVAILABLE,
    },
    set_hook: Some(set),
    get_hook: Some(get),
    ..base(
        Level::IPPROTO_TCP,
        OptName::TCP_MAXSEG,
        "TCP_MAXSEG",
        &NOT_MODELLED,
        &NOT_MODELLED,
    )
};

fn set(_: &OptionDef, _: &Ctx<'_>, _: InBuf<'_>, _: i32) -> Decision<SetAction> {
    Decision::not_modelled(&NOT_MODELLED)
}

fn get(_: &OptionDef, _: &Ctx<'_>, _: i32) -> Decision<GetAction> {
    Decision::not_modelled(&NOT_MODELLED)
}
