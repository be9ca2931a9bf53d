//! `SO_ACCEPTCONN` (SOL_SOCKET, 2): read-only, 1 once the socket listens (options:O370).

use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O};
use crate::socket::SocketState;
use crate::sockopt::def::{base, Access, Ctx, DefaultValue, Modelling, OptionDef, ValueKind};
use crate::sockopt::generic;
use crate::sockopt::GetAction;
use crate::stack::Decision;

rules! {
    GET = "getsockopt.so-acceptconn", Observed, "SO_ACCEPTCONN reads 1 on a listening socket, 0 otherwise, in 4 bytes", [O("O370"), D("D-SOL")];
    SET = "setsockopt.so-acceptconn", Observed, "SO_ACCEPTCONN cannot be set, before or after listen: WSAENOPROTOOPT", [O("O370")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "whether the socket is listening (read-only)",
    value: ValueKind::Computed,
    default: DefaultValue::Computed,
    modelling: Modelling::Simulated,
    access: Access::ReadOnly {
        reason: Reason::UnknownOption,
        rule: &SET,
    },
    get_hook: Some(get),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_ACCEPTCONN,
        "SO_ACCEPTCONN",
        &SET,
        &GET,
    )
};

fn get(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    let value = u32::from(ctx.sock.state() == SocketState::Listening);
    generic::write_value(def, ctx, len, value, &GET)
}
