//! The hop-count options: `IP_TTL` (4), `IP_TOS` (3), `IP_MULTICAST_TTL` (10) at IPPROTO_IP and
//! `IPV6_UNICAST_HOPS` (4), `IPV6_MULTICAST_HOPS` (10) at IPPROTO_IPV6. Byte values in a DWORD of
//! class B: a set of 1, 2 or 3 bytes reads only those bytes (`0xffffff0a` with optlen 1 sets 10),
//! a get with optlen 1 or 2 writes one byte and `*optlen` 1 (options:O091–O095, O112–O118,
//! O132–O135, O154, O155, O213). A value above 255 fails with WSAEINVAL (options:O114, O134,
//! O154; doc:D-IP, doc:D-IP6: "values above 255 are illegal"). The unicast ones fit every socket
//! kind, the multicast ones refuse TCP with WSAEINVAL (options:O404, O406, O466, O468, O496,
//! O498, O527, O529, O558, O560). No source gives the value of a fresh socket (the test reads it
//! without asserting it), so a get before a set is not modelled. While a connect is in progress
//! every one fails with WSAEINVAL from Vista on (the generic rule; user reports for IP_TTL:
//! hufrea/byedpi#146, tokio-rs/mio#1120; assumption A41).

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O, Source::Report as R};
use crate::sockopt::def::{DefaultValue, KindFit, LenClass, OptionDef, ValueKind};
use crate::sockopt::store::Slot;
use crate::version::threshold;

use super::ip_common::{ip, observed_from_vista, since};

rules! {
    SET = "setsockopt.ip-hops", Observed, "a hop count (IP_TTL, IP_TOS, IP_MULTICAST_TTL, IPV6_*_HOPS) reads only optlen bytes and stores values up to 255; 256 fails with WSAEINVAL",
        [O("O095"), O("O114"), O("O115"), O("O117"), O("O118"), O("O132"), O("O133"), O("O134"), O("O135"), O("O154"), O("O155"), O("O213"), O("O092"), O("O093"), O("O112"), D("D-IP"), D("D-IP6"), R("hufrea/byedpi#146"), R("tokio-rs/mio#1120")];
    GET = "getsockopt.ip-hops", Observed, "a hop count reads back in 4 bytes, or one byte with *optlen 1 when optlen is 1 to 3",
        [O("O091"), O("O095"), O("O115"), O("O116"), O("O135"), O("O155"), O("O213"), O("O403"), O("O404"), O("O434"), O("O437"), O("O466"), O("O468"), O("O496"), O("O527"), O("O529"), O("O558"), O("O560")];
}

const fn hops(
    level: Level,
    optname: OptName,
    name: &'static str,
    summary: &'static str,
    fit: KindFit,
    slot: u8,
) -> OptionDef {
    OptionDef {
        summary,
        value: ValueKind::Bounded { max: 255 },
        class: LenClass::B,
        availability: since(threshold::WINXP),
        default: DefaultValue::Unknown,
        slot: Slot::Word(slot),
        ..ip(level, optname, name, fit, &SET, &GET)
    }
}

pub static IP_TTL: OptionDef = hops(
    Level::IPPROTO_IP,
    OptName::IP_TTL,
    "IP_TTL",
    "the time-to-live of unicast packets",
    KindFit::ALL,
    6,
);

/// IP_TOS: the page lists it from Windows 8 ("do not use"), the tests pass on Windows 7.
pub static IP_TOS: OptionDef = OptionDef {
    availability: observed_from_vista(Some(threshold::WIN8)),
    ..hops(
        Level::IPPROTO_IP,
        OptName::IP_TOS,
        "IP_TOS",
        "the type-of-service byte (the page says not to use it)",
        KindFit::ALL,
        7,
    )
};

pub static IP_MULTICAST_TTL: OptionDef = hops(
    Level::IPPROTO_IP,
    OptName::IP_MULTICAST_TTL,
    "IP_MULTICAST_TTL",
    "the time-to-live of multicast packets",
    KindFit::NOT_STREAM,
    8,
);

pub static IPV6_UNICAST_HOPS: OptionDef = hops(
    Level::IPPROTO_IPV6,
    OptName::IPV6_UNICAST_HOPS,
    "IPV6_UNICAST_HOPS",
    "the hop limit of unicast packets",
    KindFit::ALL,
    9,
);

pub static IPV6_MULTICAST_HOPS: OptionDef = hops(
    Level::IPPROTO_IPV6,
    OptName::IPV6_MULTICAST_HOPS,
    "IPV6_MULTICAST_HOPS",
    "the hop limit of multicast packets",
    KindFit::NOT_STREAM,
    10,
);
