//! `SO_DONTROUTE` (SOL_SOCKET, 16): stored (the page says providers ignore it: doc:D-SOL). A
//! BOOLEAN from Vista on (class A: options:O032–O035), a 4-byte DWORD on Server 2003
//! (options:O161–O164).

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O};
use crate::sockopt::def::{base, LenClass, OptionDef, ValueKind};
use crate::sockopt::store::Slot;

rules! {
    SET = "setsockopt.so-dontroute", Observed, "SO_DONTROUTE stores a BOOL (Vista on: the first byte; 2003: the DWORD)", [O("O032"), O("O034"), O("O162"), O("O164"), D("D-SOL")];
    GET = "getsockopt.so-dontroute", Observed, "SO_DONTROUTE reads one byte from Vista on, 4 bytes on 2003; 0 on a fresh socket", [O("O035"), O("O161"), O("O164"), A("A45")];
}
use crate::provenance::Source::Assumption as A;

pub static DEF: OptionDef = OptionDef {
    summary: "send without routing (Microsoft providers ignore it)",
    value: ValueKind::Flag,
    class: LenClass::A,
    legacy_class: Some(LenClass::B),
    slot: Slot::Flag(1),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_DONTROUTE,
        "SO_DONTROUTE",
        &SET,
        &GET,
    )
};
