//! `TCP_TIMESTAMPS` (10): RFC 1323 timestamps, from Vista; the default is the system's setting
//! (doc:D-TCP), which the model does not know, so a get before a set is not modelled.

use crate::codes::OptName;
use crate::sockopt::def::{DefaultValue, OptionDef, Since, ValueKind};
use crate::sockopt::store::Slot;
use crate::version::threshold;

use super::tcp_documented::documented;

pub static DEF: OptionDef = documented(
    OptName::TCP_TIMESTAMPS,
    "TCP_TIMESTAMPS",
    "RFC 1323 timestamps (default: the system setting)",
    ValueKind::Flag,
    Since::From(threshold::VISTA),
    DefaultValue::Unknown,
    Slot::Flag(7),
);
