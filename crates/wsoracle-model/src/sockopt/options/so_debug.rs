//! `SO_DEBUG` (SOL_SOCKET, 1): stored; Microsoft's providers print nothing (doc:D-SOL). A fresh
//! socket reads 0 in 4 bytes; 2 reads back as 1 (primary:P37). No test measures short lengths.

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::sockopt::def::{base, OptionDef, ValueKind};
use crate::sockopt::store::Slot;

rules! {
    SET = "setsockopt.so-debug", Observed, "SO_DEBUG stores its value as a BOOL", [P("P37"), D("D-SOL")];
    GET = "getsockopt.so-debug", Observed, "SO_DEBUG reads 0 on a fresh socket, else 1 after a non-zero set, in 4 bytes", [P("P37")];
}
use crate::provenance::{Basis::*, Source::Doc as D, Source::Primary as P};

pub static DEF: OptionDef = OptionDef {
    summary: "record debugging information (Microsoft providers output none)",
    value: ValueKind::Flag,
    slot: Slot::Flag(0),
    ..base(Level::SOL_SOCKET, OptName::SO_DEBUG, "SO_DEBUG", &SET, &GET)
};
