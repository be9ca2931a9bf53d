//! `TCP_EXPEDITED_1122` (2) and `TCP_BSDURGENT` (0x7000): how urgent data is pointed at, RFC 1122
//! or BSD style; BSD by default (doc:D-TCP). Documented only; the model keeps each BOOL apart.

use crate::codes::OptName;
use crate::sockopt::def::{DefaultValue, OptionDef, Since, ValueKind};
use crate::sockopt::store::Slot;

use super::tcp_documented::documented;

pub static EXPEDITED_1122: OptionDef = documented(
    OptName::TCP_EXPEDITED_1122,
    "TCP_EXPEDITED_1122",
    "urgent data as RFC 1122 specifies (FALSE by default)",
    ValueKind::Flag,
    Since::Always,
    DefaultValue::Const(0),
    Slot::Flag(9),
);

pub static BSDURGENT: OptionDef = documented(
    OptName::TCP_BSDURGENT,
    "TCP_BSDURGENT",
    "urgent data as BSD implements it (TRUE by default)",
    ValueKind::Flag,
    Since::Always,
    DefaultValue::Const(1),
    Slot::Flag(10),
);
