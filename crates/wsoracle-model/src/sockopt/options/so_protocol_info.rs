//! `SO_PROTOCOL_INFOA` (0x2004) and `SO_PROTOCOL_INFOW` (0x2005): read-only `WSAPROTOCOL_INFOA`
//! (372 bytes) and `WSAPROTOCOL_INFOW` (628 bytes). A buffer too small fails with WSAEFAULT and
//! `*optlen` set to the size; a larger one succeeds with `*optlen` left as it was
//! (options:O214–O216). The structure's bytes are not modelled, so a successful get answers
//! "not modelled". A set fails with WSAENOPROTOOPT, WSAEINVAL for the wide form on a datagram
//! socket (doc:SNARE).

use crate::abi::InBuf;
use crate::codes::{Level, OptName, SocketType};
use crate::outcome::{Reason, Written};
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Convention as C, Source::Doc as D, Source::Options as O,
};
use crate::sockopt::def::{base, Access, Ctx, DefaultValue, Modelling, OptionDef, ValueKind};
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;

rules! {
    SHORT = "getsockopt.so-protocol-info.short", Observed, "SO_PROTOCOL_INFO with a buffer smaller than the structure fails with WSAEFAULT and sets *optlen to its size (372 A, 628 W)", [O("O214"), O("O215"), O("O216")];
    CONTENT = "getsockopt.so-protocol-info.content", Convention, "the WSAPROTOCOL_INFO bytes are not modelled (the call succeeds on Windows, *optlen unchanged)", [C("scope"), O("O214")];
    SET_REFUSED = "setsockopt.so-protocol-info", Observed, "SO_PROTOCOL_INFO cannot be set: WSAENOPROTOOPT (WSAEINVAL for the W form on a datagram socket)", [D("SNARE")];
}

static EXTRA: &[&crate::provenance::Rule] = &[&CONTENT];

/// The two forms differ only in their number, name and size.
const fn protocol_info(
    optname: OptName,
    name: &'static str,
    summary: &'static str,
    size: u32,
) -> OptionDef {
    OptionDef {
        summary,
        value: ValueKind::Opaque { size },
        default: DefaultValue::Computed,
        modelling: Modelling::Simulated,
        access: Access::ReadOnly {
            reason: Reason::UnknownOption,
            rule: &SET_REFUSED,
        },
        extra_rules: EXTRA,
        set_hook: Some(set),
        get_hook: Some(get),
        ..base(Level::SOL_SOCKET, optname, name, &SET_REFUSED, &SHORT)
    }
}

pub static INFOA: OptionDef = protocol_info(
    OptName::SO_PROTOCOL_INFOA,
    "SO_PROTOCOL_INFOA",
    "the socket's WSAPROTOCOL_INFOA (read-only)",
    372,
);

pub static INFOW: OptionDef = protocol_info(
    OptName::SO_PROTOCOL_INFOW,
    "SO_PROTOCOL_INFOW",
    "the socket's WSAPROTOCOL_INFOW (read-only)",
    628,
);

fn set(def: &OptionDef, ctx: &Ctx<'_>, _: InBuf<'_>, _: i32) -> Decision<SetAction> {
    if def.optname == OptName::SO_PROTOCOL_INFOW && ctx.sock.socket_type() == SocketType::SOCK_DGRAM
    {
        Decision::fail(Reason::InvalidArgument, &SET_REFUSED)
    } else {
        Decision::fail(Reason::UnknownOption, &SET_REFUSED)
    }
}

fn get(def: &OptionDef, _: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    let size = def.size() as i32;
    if len < size {
        return Decision::fail(Reason::BadAddress, &SHORT)
            .writing(Written::NOTHING.with_optlen(size));
    }
    Decision::not_modelled(&CONTENT)
}
