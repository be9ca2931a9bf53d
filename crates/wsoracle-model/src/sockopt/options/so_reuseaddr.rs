//! `SO_REUSEADDR` (SOL_SOCKET, 4): a class-B BOOL, 0 on a fresh socket (options:O042–O044).
//! It cannot be switched on while `SO_EXCLUSIVEADDRUSE` is on: "the later setsockopt call always
//! fails" with WSAEINVAL (report:arvidn/libtorrent#1981). Its effect on `bind` is the address
//! rules' (simulated there).

use crate::codes::{Level, OptName};
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O, Source::Report as R};
use crate::rules::rules;
use crate::sockopt::def::{base, LenClass, Modelling, OptionDef, ValueKind};
use crate::sockopt::store::Slot;

rules! {
    SET = "setsockopt.so-reuseaddr", Observed, "SO_REUSEADDR stores a BOOL; short input is accepted", [O("O042"), O("O044"), D("D-SOL")];
    GET = "getsockopt.so-reuseaddr", Observed, "SO_REUSEADDR reads 0 on a fresh socket, 1 once set, in 4 bytes", [O("O043"), O("O044"), O("O369")];
    EXCLUSIVE_CONFLICT = "setsockopt.reuse-exclusive-conflict", Observed,
        "SO_REUSEADDR and SO_EXCLUSIVEADDRUSE cannot both be on: the later set fails with WSAEINVAL",
        [R("arvidn/libtorrent#1981"), R("cesanta/mongoose#1550"), R("markqvist/Reticulum#278"), D("D-REUSE")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "allow the socket to bind an address in use (Windows lets it take over the port)",
    value: ValueKind::Flag,
    class: LenClass::B,
    inherited: true,
    modelling: Modelling::Simulated,
    slot: Slot::Flag(3),
    extra_rules: &[&EXCLUSIVE_CONFLICT],
    set_hook: Some(super::so_exclusiveaddruse::set_exclusive_pair),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_REUSEADDR,
        "SO_REUSEADDR",
        &SET,
        &GET,
    )
};
