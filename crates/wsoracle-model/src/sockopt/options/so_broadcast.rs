//! `SO_BROADCAST` (SOL_SOCKET, 32): a class-B BOOL, 0 on a fresh socket (options:O001–O005). It
//! gates datagrams to a broadcast address (sendto, not modelled yet).

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O};
use crate::sockopt::def::{base, LenClass, OptionDef, ValueKind};
use crate::sockopt::store::Slot;

rules! {
    SET = "setsockopt.so-broadcast", Observed, "SO_BROADCAST stores a BOOL (0x100 reads back 1); optlen 0, 1, 2, -1 and 8 are accepted", [O("O002"), O("O003"), O("O004"), O("O005"), D("D-SOL")];
    GET = "getsockopt.so-broadcast", Observed, "SO_BROADCAST reads 0 on a fresh socket, 1 once set, in 4 bytes", [O("O001"), O("O004"), O("O005")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "allow datagrams to broadcast addresses",
    value: ValueKind::Flag,
    class: LenClass::B,
    slot: Slot::Flag(2),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_BROADCAST,
        "SO_BROADCAST",
        &SET,
        &GET,
    )
};
