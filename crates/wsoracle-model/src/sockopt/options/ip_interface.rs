//! The interface and address-selection options: `IP_MULTICAST_IF` (9, an IPv4 address or a
//! `0.x.x.x` interface index, in network byte order), `IP_UNICAST_IF` (31, an interface index in
//! network byte order), `IPV6_MULTICAST_IF` (9) and `IPV6_UNICAST_IF` (31, indexes in host byte
//! order), and `IPV6_PROTECTION_LEVEL` (23). DWORDs stored as given (doc:D-IP, doc:D-IP6). The
//! multicast ones refuse TCP with WSAEINVAL, the others fit every socket kind (options:O417,
//! O436, O448, O467, O479, O497, O505, O528, O567). No test measured their short lengths (the
//! documented rule applies). The unicast ones read 0 on a fresh socket (the pages); the others'
//! defaults are not given, so a get before a set is not modelled. Whether an index names an
//! interface of the machine is not modelled: every value is stored.

use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O};
use crate::sockopt::def::{DefaultValue, KindFit, OptionDef};
use crate::sockopt::store::Slot;
use crate::version::threshold;

use super::ip_common::{ip, since};

rules! {
    SET = "setsockopt.ip-interface", Documented, "an interface or protection-level option stores its DWORD (the pages); the validity test sets back what it read on every kind it fits",
        [D("D-IP"), D("D-IP6"), O("O417"), O("O436"), O("O448"), O("O467"), O("O479"), O("O505"), O("O528"), O("O567")];
    GET = "getsockopt.ip-interface", Documented, "an interface or protection-level option reads back its DWORD; IP_UNICAST_IF and IPV6_UNICAST_IF read 0 on a fresh socket (the pages)",
        [D("D-IP"), D("D-IP6"), O("O417"), O("O436"), O("O448"), O("O505")];
}

const fn iface(
    (level, optname, name): (Level, OptName, &'static str),
    summary: &'static str,
    fit: KindFit,
    first: crate::version::WindowsVersion,
    default: DefaultValue,
    slot: u8,
) -> OptionDef {
    OptionDef {
        summary,
        availability: since(first),
        default,
        slot: Slot::Word(slot),
        ..ip(level, optname, name, fit, &SET, &GET)
    }
}

pub static IP_MULTICAST_IF: OptionDef = iface(
    (
        Level::IPPROTO_IP,
        OptName::IP_MULTICAST_IF,
        "IP_MULTICAST_IF",
    ),
    "the interface for outgoing multicast (address or 0.x.x.x index, network order)",
    KindFit::NOT_STREAM,
    threshold::WINXP,
    DefaultValue::Unknown,
    11,
);

pub static IP_UNICAST_IF: OptionDef = iface(
    (Level::IPPROTO_IP, OptName::IP_UNICAST_IF, "IP_UNICAST_IF"),
    "the interface for outgoing unicast (index, network order)",
    KindFit::ALL,
    threshold::VISTA,
    DefaultValue::Const(0),
    12,
);

pub static IPV6_MULTICAST_IF: OptionDef = iface(
    (
        Level::IPPROTO_IPV6,
        OptName::IPV6_MULTICAST_IF,
        "IPV6_MULTICAST_IF",
    ),
    "the interface for outgoing IPv6 multicast (index, host order)",
    KindFit::NOT_STREAM,
    threshold::WINXP,
    DefaultValue::Unknown,
    13,
);

pub static IPV6_UNICAST_IF: OptionDef = iface(
    (
        Level::IPPROTO_IPV6,
        OptName::IPV6_UNICAST_IF,
        "IPV6_UNICAST_IF",
    ),
    "the interface for outgoing IPv6 unicast (index, host order)",
    KindFit::ALL,
    threshold::VISTA,
    DefaultValue::Const(0),
    14,
);

pub static IPV6_PROTECTION_LEVEL: OptionDef = iface(
    (
        Level::IPPROTO_IPV6,
        OptName::IPV6_PROTECTION_LEVEL,
        "IPV6_PROTECTION_LEVEL",
    ),
    "which peers may reach the socket (edge traversal)",
    KindFit::ALL,
    threshold::WINXP,
    DefaultValue::Unknown,
    15,
);
