//! `TCP_MAXRT` (5): seconds before a connection with unacknowledged data times out, −1 for never,
//! from Vista (doc:D-TCP). Documented only; the page gives no default, so a get before a set is
//! not modelled.

use crate::codes::OptName;
use crate::sockopt::def::{DefaultValue, OptionDef, Since, ValueKind};
use crate::sockopt::store::Slot;
use crate::version::threshold;

use super::tcp_documented::documented;

pub static DEF: OptionDef = documented(
    OptName::TCP_MAXRT,
    "TCP_MAXRT",
    "seconds of retransmission before the connection fails (-1: never)",
    ValueKind::Dword,
    Since::From(threshold::VISTA),
    DefaultValue::Unknown,
    Slot::Word(5),
);
