//! IPPROTO_TCP options only Microsoft's option page speaks of (doc:D-TCP): a value gettable and
//! settable from the version the page's table gives, answered from the page and marked
//! unverified under observed fidelity. Stream sockets only (assumption A40).

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D};
use crate::sockopt::def::{
    base, Availability, DefaultValue, Modelling, OptionDef, Since, Sockets, ValueKind,
};
use crate::sockopt::rules::UNAVAILABLE;
use crate::sockopt::store::Slot;

rules! {
    SET = "setsockopt.tcp-documented", Documented, "the option stores its value (the IPPROTO_TCP option page)", [D("D-TCP")];
    GET = "getsockopt.tcp-documented", Documented, "the option reads back its value in 4 bytes (the IPPROTO_TCP option page)", [D("D-TCP")];
}

/// An IPPROTO_TCP option as the page describes it.
pub(crate) const fn documented(
    optname: OptName,
    name: &'static str,
    summary: &'static str,
    value: ValueKind,
    since: Since,
    default: DefaultValue,
    slot: Slot,
) -> OptionDef {
    OptionDef {
        summary,
        value,
        sockets: Sockets::Stream,
        modelling: Modelling::Documented,
        availability: Availability {
            observed: since,
            documented: since,
            missing: &UNAVAILABLE,
        },
        default,
        slot,
        ..base(Level::IPPROTO_TCP, optname, name, &SET, &GET)
    }
}
