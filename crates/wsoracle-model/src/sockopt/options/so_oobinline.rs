//! `SO_OOBINLINE` (SOL_SOCKET, 256): a class-B BOOL, 0 on a fresh socket (options:O016–O020),
//! copied by accept (options:O369). Its effect on out-of-band data (options:O372) is not modelled.

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O};
use crate::sockopt::def::{base, LenClass, OptionDef, ValueKind};
use crate::sockopt::store::Slot;

rules! {
    SET = "setsockopt.so-oobinline", Observed, "SO_OOBINLINE stores a BOOL; short input is accepted", [O("O017"), O("O019"), O("O020"), D("D-SOL")];
    GET = "getsockopt.so-oobinline", Observed, "SO_OOBINLINE reads 0 on a fresh socket, 1 once set, in 4 bytes", [O("O016"), O("O019"), O("O369")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "receive out-of-band data in the normal stream",
    value: ValueKind::Flag,
    class: LenClass::B,
    inherited: true,
    slot: Slot::Flag(5),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_OOBINLINE,
        "SO_OOBINLINE",
        &SET,
        &GET,
    )
};
