//! `TCP_NODELAY` (IPPROTO_TCP, 1): Nagle's algorithm off. A BOOLEAN (class A): any positive
//! optlen is accepted and only the first byte counts, so 0x100 reads FALSE; a get writes one byte
//! (options:O066, O067; report:rust-lang/socket2#31, report:rust-lang/rust#94094). Server 2003's
//! row needed no ReactOS patch, so the class holds there too (assumption A45). Stream sockets
//! only (assumption A40); copied by accept (options:O369).

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Assumption as A, Source::Doc as D, Source::Options as O, Source::Report as R,
};
use crate::sockopt::def::{base, LenClass, OptionDef, Sockets, ValueKind};
use crate::sockopt::store::Slot;

rules! {
    SET = "setsockopt.tcp-nodelay", Observed, "TCP_NODELAY takes any positive optlen and only the first byte (0x100 sets FALSE)", [O("O066"), O("O067"), R("rust-lang/rust#94094"), D("D-TCP")];
    GET = "getsockopt.tcp-nodelay", Observed, "TCP_NODELAY reads one byte and *optlen 1, FALSE on a fresh socket", [O("O066"), O("O369"), R("rust-lang/socket2#31"), A("A45")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "send segments at once (Nagle's algorithm off)",
    value: ValueKind::Flag,
    class: LenClass::A,
    sockets: Sockets::Stream,
    inherited: true,
    slot: Slot::Flag(6),
    ..base(
        Level::IPPROTO_TCP,
        OptName::TCP_NODELAY,
        "TCP_NODELAY",
        &SET,
        &GET,
    )
};
