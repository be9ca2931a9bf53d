//! SOL_SOCKET options only Microsoft's option page speaks of (doc:D-SOL): BOOLs, gettable and
//! settable, from the version the page's table gives. No conformance test runs them, so the
//! answers are the page's, marked unverified under observed fidelity, and a short length is the
//! documented WSAEFAULT.

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D};
use crate::sockopt::def::{
    base, Availability, DefaultValue, Modelling, OptionDef, Since, ValueKind,
};
use crate::sockopt::rules::UNAVAILABLE;
use crate::sockopt::store::Slot;
use crate::version::threshold;

rules! {
    SET = "setsockopt.documented-bool", Documented, "the option stores a BOOL (the SOL_SOCKET option page)", [D("D-SOL")];
    GET = "getsockopt.documented-bool", Documented, "the option reads back its BOOL in 4 bytes (the SOL_SOCKET option page)", [D("D-SOL")];
}

const fn documented(
    optname: OptName,
    name: &'static str,
    summary: &'static str,
    since: Since,
    default: DefaultValue,
    slot: Slot,
) -> OptionDef {
    OptionDef {
        summary,
        value: ValueKind::Flag,
        modelling: Modelling::Documented,
        availability: Availability {
            observed: since,
            documented: since,
            missing: &UNAVAILABLE,
        },
        default,
        slot,
        ..base(Level::SOL_SOCKET, optname, name, &SET, &GET)
    }
}

pub static CONDITIONAL_ACCEPT: OptionDef = documented(
    OptName::SO_CONDITIONAL_ACCEPT,
    "SO_CONDITIONAL_ACCEPT",
    "let WSAAccept's condition function accept or reject connections",
    Since::Always,
    DefaultValue::Const(0),
    Slot::Flag(11),
);
pub static RANDOMIZE_PORT: OptionDef = documented(
    OptName::SO_RANDOMIZE_PORT,
    "SO_RANDOMIZE_PORT",
    "randomise the ephemeral port of an implicit bind",
    Since::From(threshold::VISTA),
    DefaultValue::Unknown,
    Slot::Flag(12),
);
pub static PORT_SCALABILITY: OptionDef = documented(
    OptName::SO_PORT_SCALABILITY,
    "SO_PORT_SCALABILITY",
    "scale local ports across addresses",
    Since::From(threshold::WIN7),
    DefaultValue::Unknown,
    Slot::Flag(13),
);
pub static REUSE_UNICASTPORT: OptionDef = documented(
    OptName::SO_REUSE_UNICASTPORT,
    "SO_REUSE_UNICASTPORT",
    "share an ephemeral port among connecting sockets",
    Since::From(threshold::WIN10),
    DefaultValue::Unknown,
    Slot::Flag(14),
);
pub static REUSE_MULTICASTPORT: OptionDef = documented(
    OptName::SO_REUSE_MULTICASTPORT,
    "SO_REUSE_MULTICASTPORT",
    "share a port among multicast receivers",
    Since::From(threshold::WIN10),
    DefaultValue::Const(0),
    Slot::Flag(15),
);
