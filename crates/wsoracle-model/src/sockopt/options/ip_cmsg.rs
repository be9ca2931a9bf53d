//! The options that ask for ancillary data on received datagrams (read with WSARecvMsg):
//! `IP_PKTINFO` (19), `IP_RECVTTL` (21), `IP_RECVTOS` (40), `IPV6_PKTINFO` (19), `IPV6_HOPLIMIT`
//! (21), `IPV6_RECVTCLASS` (40). BOOLs of class E: a set shorter than 4 bytes and a get shorter
//! than 4 bytes fail with WSAEFAULT, the get setting `*optlen` to 0 (options:O096–O110,
//! O127–O129, O142–O150); 0x100 reads back 1; off on a fresh socket. UDP and raw sockets only:
//! TCP answers WSAEINVAL (options:O411, O412, O421, O442, O443, O474, O503, O504, O545, O565,
//! O566, O576). Set on a bound UDP socket they read back 1 (options:O352–O357); the control
//! messages themselves (WSARecvMsg) are not modelled.

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O};
use crate::sockopt::def::{DefaultValue, KindFit, LenClass, OptionDef, ValueKind};
use crate::sockopt::store::Slot;
use crate::version::threshold;

use super::ip_common::{ip, observed_from_vista, since};

rules! {
    SET = "setsockopt.ip-cmsg", Observed, "an ancillary-data option takes exactly a 4-byte BOOL (0x100 sets 1); 1 or 2 bytes fail with WSAEFAULT",
        [O("O098"), O("O099"), O("O100"), O("O105"), O("O108"), O("O110"), O("O127"), O("O128"), O("O129"), O("O142"), O("O143"), O("O144"), O("O147"), O("O150"), O("O352"), O("O354"), O("O355"), O("O356"), O("O357"), D("D-IP"), D("D-IP6")];
    GET = "getsockopt.ip-cmsg", Observed, "an ancillary-data option reads 0 on a fresh socket, 1 once set, in 4 bytes",
        [O("O096"), O("O101"), O("O146"), O("O352"), O("O354"), O("O355"), O("O356"), O("O357"), O("O442"), O("O443"), O("O474"), O("O545"), O("O565"), O("O566"), O("O576")];
}

const fn cmsg(
    level: Level,
    optname: OptName,
    name: &'static str,
    summary: &'static str,
    slot: u8,
) -> OptionDef {
    OptionDef {
        summary,
        value: ValueKind::Flag,
        class: LenClass::E,
        availability: since(threshold::WINXP),
        default: DefaultValue::Const(0),
        slot: Slot::Flag(slot),
        ..ip(level, optname, name, KindFit::NOT_STREAM, &SET, &GET)
    }
}

pub static IP_PKTINFO: OptionDef = cmsg(
    Level::IPPROTO_IP,
    OptName::IP_PKTINFO,
    "IP_PKTINFO",
    "receive the destination address and interface (IP_PKTINFO control message)",
    20,
);

/// IP_RECVTTL: the page lists it for Windows 10 only; the tests pass on Windows 7.
pub static IP_RECVTTL: OptionDef = OptionDef {
    availability: observed_from_vista(Some(threshold::WIN10)),
    ..cmsg(
        Level::IPPROTO_IP,
        OptName::IP_RECVTTL,
        "IP_RECVTTL",
        "receive the TTL (IP_TTL control message; IP_HOPLIMIT up to Windows 10 1607)",
        21,
    )
};

/// IP_RECVTOS: not in the page's table; the tests pass on Windows 7.
pub static IP_RECVTOS: OptionDef = OptionDef {
    availability: observed_from_vista(None),
    ..cmsg(
        Level::IPPROTO_IP,
        OptName::IP_RECVTOS,
        "IP_RECVTOS",
        "receive the TOS byte (IP_TOS control message; IP_TCLASS up to Windows 10 1607)",
        22,
    )
};

pub static IPV6_PKTINFO: OptionDef = cmsg(
    Level::IPPROTO_IPV6,
    OptName::IPV6_PKTINFO,
    "IPV6_PKTINFO",
    "receive the destination address and interface (IPV6_PKTINFO control message)",
    23,
);

pub static IPV6_HOPLIMIT: OptionDef = cmsg(
    Level::IPPROTO_IPV6,
    OptName::IPV6_HOPLIMIT,
    "IPV6_HOPLIMIT",
    "receive the hop limit (IPV6_HOPLIMIT control message)",
    24,
);

/// IPV6_RECVTCLASS: not in the page's table; the tests pass on Windows 7.
pub static IPV6_RECVTCLASS: OptionDef = OptionDef {
    availability: observed_from_vista(None),
    ..cmsg(
        Level::IPPROTO_IPV6,
        OptName::IPV6_RECVTCLASS,
        "IPV6_RECVTCLASS",
        "receive the traffic class (IPV6_TCLASS control message)",
        25,
    )
};
