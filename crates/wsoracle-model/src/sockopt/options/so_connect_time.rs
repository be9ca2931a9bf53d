//! `SO_CONNECT_TIME` (0x700C): read-only, the seconds a stream socket has been connected, in
//! virtual time; 0 right after the connection (options:O363). A socket that is not connected
//! reads 0xFFFFFFFF (a bound or connected UDP socket: options:O364, O365; a TCP socket by
//! inference), where the getsockopt page says the call fails (doc:D-GET; the documented
//! fidelity answers WSAENOTCONN, assumption A49).

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Fidelity, Source::Assumption as A, Source::Convention as C, Source::Doc as D,
    Source::Options as O,
};
use crate::socket::SocketState;
use crate::sockopt::def::{base, Access, Ctx, DefaultValue, Modelling, OptionDef, ValueKind};
use crate::sockopt::generic;
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;

rules! {
    GET = "getsockopt.so-connect-time", Observed, "SO_CONNECT_TIME reads the whole seconds since the connection was made (virtual time)", [O("O363"), D("D-SOL")];
    NOT_CONNECTED = "getsockopt.so-connect-time.not-connected", Observed, "SO_CONNECT_TIME on a socket that is not connected reads 0xFFFFFFFF", [O("O364"), O("O365")];
    NOT_CONNECTED_DOC = "getsockopt.so-connect-time.not-connected.documented", Documented, "SO_CONNECT_TIME on a socket that is not connected fails", [D("D-GET"), A("A49")];
    SET = "setsockopt.so-connect-time", Convention, "setting SO_CONNECT_TIME is not modelled", [C("scope")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "seconds since the connection was made (read-only)",
    value: ValueKind::Computed,
    default: DefaultValue::Computed,
    access: Access::ReadOnly {
        reason: Reason::UnknownOption,
        rule: &SET,
    },
    modelling: Modelling::Simulated,
    extra_rules: &[&NOT_CONNECTED, &NOT_CONNECTED_DOC],
    set_hook: Some(set),
    get_hook: Some(get),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_CONNECT_TIME,
        "SO_CONNECT_TIME",
        &SET,
        &GET,
    )
};

fn set(_: &OptionDef, _: &Ctx<'_>, _: InBuf<'_>, _: i32) -> Decision<SetAction> {
    Decision::not_modelled(&SET)
}

fn get(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    let connected = ctx.sock.is_stream() && ctx.sock.state() == SocketState::Connected;
    match (connected, ctx.values.connected_at) {
        (true, Some(at)) => {
            let secs = u32::try_from(ctx.now.saturating_sub(at) / 1000).unwrap_or(u32::MAX);
            generic::write_value(def, ctx, len, secs, &GET)
        }
        _ if ctx.fidelity == Fidelity::Documented => {
            Decision::fail(Reason::NotConnected, &NOT_CONNECTED_DOC)
        }
        _ => generic::write_value(def, ctx, len, u32::MAX, &NOT_CONNECTED),
    }
}
