//! `SO_MAX_MSG_SIZE` (0x2003): read-only, the largest datagram. A bound UDP socket reads 65507 or
//! 65527 (options:O359); the model answers 65507 (65535 less the IPv4 and UDP headers) on an IPv4
//! socket and 65527 on an IPv6 one (assumption A47). A stream socket and a set are not modelled.

use crate::abi::InBuf;
use crate::codes::{AddressFamily, Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Assumption as A, Source::Convention as C, Source::Options as O,
};
use crate::sockopt::def::{base, Access, Ctx, DefaultValue, Modelling, OptionDef, ValueKind};
use crate::sockopt::generic;
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;

rules! {
    GET = "getsockopt.so-max-msg-size", Inferred, "SO_MAX_MSG_SIZE reads 65507 on an IPv4 datagram socket, 65527 on an IPv6 one", [O("O359"), A("A47")];
    NOT_MODELLED = "sockopt.so-max-msg-size.not-modelled", Convention, "SO_MAX_MSG_SIZE on a stream socket, and any set of it, is not modelled", [C("scope")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "the largest message a datagram socket sends (read-only)",
    value: ValueKind::Computed,
    default: DefaultValue::Computed,
    access: Access::ReadOnly {
        reason: Reason::UnknownOption,
        rule: &NOT_MODELLED,
    },
    modelling: Modelling::Simulated,
    set_hook: Some(set),
    get_hook: Some(get),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_MAX_MSG_SIZE,
        "SO_MAX_MSG_SIZE",
        &NOT_MODELLED,
        &GET,
    )
};

fn set(_: &OptionDef, _: &Ctx<'_>, _: InBuf<'_>, _: i32) -> Decision<SetAction> {
    Decision::not_modelled(&NOT_MODELLED)
}

fn get(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    if ctx.sock.is_stream() {
        return Decision::not_modelled(&NOT_MODELLED);
    }
    let size = if ctx.sock.address_family() == AddressFamily::AF_INET6 {
        65527
    } else {
        65507
    };
    generic::write_value(def, ctx, len, size, &GET)
}
