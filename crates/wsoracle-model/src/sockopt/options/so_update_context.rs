//! `SO_UPDATE_ACCEPT_CONTEXT` (0x700B) and `SO_UPDATE_CONNECT_CONTEXT` (0x7010): set-only,
//! after AcceptEx or ConnectEx, so that the socket takes the listener's (or the connection's)
//! properties. `setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, &listener,
//! sizeof(SOCKET))` succeeds (options:O378). The model cannot check the handle inside the bytes
//! (a scenario's integers never name a model socket), so a set of at least a `SOCKET`'s 4 bytes
//! succeeds and changes nothing the model keeps (assumption A48). The connect context is set with
//! NULL and 0 (doc:D-SOL), from Windows XP.

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Assumption as A, Source::Doc as D, Source::Options as O,
};
use crate::sockopt::def::{base, Access, Availability, Ctx, OptionDef, Since, ValueKind};
use crate::sockopt::rules::{SET_SHORT_DOC, UNAVAILABLE, WRITE_ONLY_GET};
use crate::sockopt::SetAction;
use crate::stack::Decision;
use crate::version::threshold;

rules! {
    ACCEPT_SET = "setsockopt.so-update-accept-context", Observed, "SO_UPDATE_ACCEPT_CONTEXT with the listening socket's handle succeeds", [O("O378"), D("D-SOL"), A("A48")];
    CONNECT_SET = "setsockopt.so-update-connect-context", Documented, "SO_UPDATE_CONNECT_CONTEXT (NULL, 0) after ConnectEx succeeds", [D("D-SOL")];
}

pub static ACCEPT: OptionDef = OptionDef {
    summary: "give a socket accepted by AcceptEx the listener's properties (set-only)",
    value: ValueKind::Handle,
    access: Access::WriteOnly,
    set_hook: Some(set_accept),
    extra_rules: &[&SET_SHORT_DOC],
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_UPDATE_ACCEPT_CONTEXT,
        "SO_UPDATE_ACCEPT_CONTEXT",
        &ACCEPT_SET,
        &WRITE_ONLY_GET,
    )
};

pub static CONNECT: OptionDef = OptionDef {
    summary: "update a socket connected by ConnectEx (set-only)",
    value: ValueKind::Handle,
    access: Access::WriteOnly,
    availability: Availability {
        observed: Since::From(threshold::WINXP),
        documented: Since::From(threshold::WINXP),
        missing: &UNAVAILABLE,
    },
    set_hook: Some(set_connect),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_UPDATE_CONNECT_CONTEXT,
        "SO_UPDATE_CONNECT_CONTEXT",
        &CONNECT_SET,
        &WRITE_ONLY_GET,
    )
};

fn set_accept(_: &OptionDef, _: &Ctx<'_>, optval: InBuf<'_>, optlen: i32) -> Decision<SetAction> {
    match optval {
        InBuf::Bytes(_) if optlen >= 4 => Decision::ok(SetAction::Nothing, &ACCEPT_SET),
        _ => Decision::fail(Reason::BadAddress, &SET_SHORT_DOC),
    }
}

fn set_connect(_: &OptionDef, _: &Ctx<'_>, _: InBuf<'_>, _: i32) -> Decision<SetAction> {
    Decision::ok(SetAction::Nothing, &CONNECT_SET)
}
