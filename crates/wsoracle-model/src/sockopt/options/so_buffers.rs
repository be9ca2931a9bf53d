//! `SO_SNDBUF` (0x1001) and `SO_RCVBUF` (0x1002): class C DWORDs read back exactly as set
//! (options:O203, O204, O207), copied by accept (options:O369). No conformance test asserts the
//! default; users report 8192 on Windows 7 and 65536 on Windows 10 (report:esnet/iperf#658,
//! #659), taken as the default before and from Windows 10 (assumption A46).

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Assumption as A, Source::Doc as D, Source::Options as O, Source::Report as R,
};
use crate::sockopt::def::{base, DefaultValue, LenClass, OptionDef};
use crate::sockopt::store::Slot;
use crate::version::{threshold, WindowsVersion};

rules! {
    SET = "setsockopt.so-buffers", Observed, "SO_SNDBUF and SO_RCVBUF store any DWORD as given", [O("O203"), O("O204"), O("O207"), D("D-SOL")];
    GET = "getsockopt.so-buffers", Inferred, "SO_SNDBUF and SO_RCVBUF read back the value set; on a fresh socket 8192 before Windows 10, 65536 from it", [O("O203"), O("O204"), R("esnet/iperf#658"), A("A46")];
}

fn default_size(v: WindowsVersion) -> u32 {
    if v.at_least(threshold::WIN10) {
        65536
    } else {
        8192
    }
}

pub static SNDBUF: OptionDef = OptionDef {
    summary: "the send buffer size in bytes",
    class: LenClass::C,
    inherited: true,
    default: DefaultValue::PerVersion(default_size),
    slot: Slot::Word(1),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_SNDBUF,
        "SO_SNDBUF",
        &SET,
        &GET,
    )
};

pub static RCVBUF: OptionDef = OptionDef {
    summary: "the receive buffer size in bytes",
    class: LenClass::C,
    inherited: true,
    default: DefaultValue::PerVersion(default_size),
    slot: Slot::Word(2),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_RCVBUF,
        "SO_RCVBUF",
        &SET,
        &GET,
    )
};
