//! `SO_TYPE` (0x1008): read-only, the socket's type (options:O371). A set fails: WSAENOPROTOOPT
//! on a stream socket, WSAEINVAL on a datagram socket (primary:P43).

use crate::abi::InBuf;
use crate::codes::{Level, OptName, SocketType};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O, Source::Primary as P};
use crate::sockopt::def::{base, Access, Ctx, DefaultValue, Modelling, OptionDef, ValueKind};
use crate::sockopt::generic;
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;

rules! {
    GET = "getsockopt.so-type", Observed, "SO_TYPE reads the socket's type (SOCK_STREAM 1, SOCK_DGRAM 2) in 4 bytes", [O("O371"), D("D-SOL")];
    SET_STREAM = "setsockopt.so-type.stream", Observed, "SO_TYPE cannot be set: WSAENOPROTOOPT on a stream socket", [P("P43")];
    SET_DGRAM = "setsockopt.so-type.datagram", Observed, "SO_TYPE cannot be set: WSAEINVAL on a datagram socket", [P("P43")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "the socket's type (read-only)",
    value: ValueKind::Computed,
    default: DefaultValue::Computed,
    access: Access::ReadOnly {
        reason: Reason::UnknownOption,
        rule: &SET_STREAM,
    },
    modelling: Modelling::Simulated,
    extra_rules: &[&SET_DGRAM],
    set_hook: Some(set),
    get_hook: Some(get),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_TYPE,
        "SO_TYPE",
        &SET_STREAM,
        &GET,
    )
};

fn set(_: &OptionDef, ctx: &Ctx<'_>, _: InBuf<'_>, _: i32) -> Decision<SetAction> {
    if ctx.sock.socket_type() == SocketType::SOCK_DGRAM {
        Decision::fail(Reason::InvalidArgument, &SET_DGRAM)
    } else {
        Decision::fail(Reason::UnknownOption, &SET_STREAM)
    }
}

fn get(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    generic::write_value(def, ctx, len, ctx.sock.socket_type().0 as u32, &GET)
}
