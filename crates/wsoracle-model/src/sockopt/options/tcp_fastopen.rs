//! `TCP_FASTOPEN` (15): TCP Fast Open, off by default, from Windows 10 1607; the data goes with
//! ConnectEx (doc:D-TCP). Documented only.

use crate::codes::OptName;
use crate::sockopt::def::{DefaultValue, OptionDef, Since, ValueKind};
use crate::sockopt::store::Slot;
use crate::version::threshold;

use super::tcp_documented::documented;

pub static DEF: OptionDef = documented(
    OptName::TCP_FASTOPEN,
    "TCP_FASTOPEN",
    "TCP Fast Open (off by default)",
    ValueKind::Flag,
    Since::From(threshold::WIN10_1607),
    DefaultValue::Const(0),
    Slot::Flag(8),
);
