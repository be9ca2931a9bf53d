//! The IPPROTO_UDP options, as only Microsoft's page describes them (doc:D-UDP; no conformance
//! test reads them): `UDP_NOCHECKSUM` (1) and `UDP_CHECKSUM_COVERAGE` (20), BOOLs (the page: not
//! on Windows 2000 for UDP_CHECKSUM_COVERAGE); `UDP_SEND_MSG_SIZE` (2) and
//! `UDP_RECV_MAX_COALESCED_SIZE` (3), DWORDs, 0 on a fresh socket (no segmentation, no
//! coalescing), which QUIC stacks set for send and receive offload. The page gives no first
//! version for the last two: present on the newest preset (assumption A51). Datagram sockets
//! only: a TCP or raw socket answers WSAENOPROTOOPT (doc:D-GET, "unknown or unsupported by the
//! indicated protocol family"). The page's "not supported for IPv6" of UDP_NOCHECKSUM names no
//! error: on an AF_INET6 socket it is not modelled.

use crate::abi::InBuf;
use crate::codes::{AddressFamily, Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Convention as C, Source::Doc as D};
use crate::sockopt::def::{
    base, Availability, Ctx, DefaultValue, Modelling, OptionDef, Since, Sockets, ValueKind,
};
use crate::sockopt::generic;
use crate::sockopt::store::Slot;
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;
use crate::version::threshold;

use super::ip_common::UNPINNED_SINCE;

rules! {
    SET = "setsockopt.udp-documented", Documented, "the IPPROTO_UDP option stores its value (the IPPROTO_UDP option page)", [D("D-UDP")];
    GET = "getsockopt.udp-documented", Documented, "the IPPROTO_UDP option reads back its value in 4 bytes; UDP_SEND_MSG_SIZE and UDP_RECV_MAX_COALESCED_SIZE read 0 on a fresh socket (the page)", [D("D-UDP")];
    WRONG_SOCKET = "sockopt.udp.wrong-socket-kind", Documented, "an IPPROTO_UDP option on a TCP or raw socket fails with WSAENOPROTOOPT", [D("D-GET"), D("D-UDP")];
    NOCHECKSUM_V6 = "sockopt.udp-nochecksum.ipv6", Convention, "the page says UDP_NOCHECKSUM is not supported for IPv6 without naming the error: not modelled", [C("scope"), D("D-UDP")];
    UNAVAILABLE = "sockopt.udp.unavailable", Documented, "UDP_CHECKSUM_COVERAGE is not available on Windows 2000: WSAENOPROTOOPT", [D("D-UDP")];
}

const fn udp(
    optname: OptName,
    name: &'static str,
    summary: &'static str,
    value: ValueKind,
    availability: Availability,
    default: DefaultValue,
    slot: Slot,
) -> OptionDef {
    OptionDef {
        summary,
        value,
        sockets: Sockets::Datagram,
        wrong_socket: (Reason::UnknownOption, &WRONG_SOCKET),
        modelling: Modelling::Documented,
        availability,
        default,
        slot,
        ..base(Level::IPPROTO_UDP, optname, name, &SET, &GET)
    }
}

const ALWAYS: Availability = Availability {
    observed: Since::Always,
    documented: Since::Always,
    missing: &UNAVAILABLE,
};

pub static NOCHECKSUM: OptionDef = OptionDef {
    extra_rules: &[&NOCHECKSUM_V6],
    set_hook: Some(set_v4_only),
    get_hook: Some(get_v4_only),
    ..udp(
        OptName::UDP_NOCHECKSUM,
        "UDP_NOCHECKSUM",
        "send datagrams with a zero checksum (IPv4)",
        ValueKind::Flag,
        ALWAYS,
        DefaultValue::Unknown,
        Slot::Flag(28),
    )
};

pub static CHECKSUM_COVERAGE: OptionDef = udp(
    OptName::UDP_CHECKSUM_COVERAGE,
    "UDP_CHECKSUM_COVERAGE",
    "send datagrams with a checksum",
    ValueKind::Flag,
    Availability {
        observed: Since::From(threshold::WINXP),
        documented: Since::From(threshold::WINXP),
        missing: &UNAVAILABLE,
    },
    DefaultValue::Unknown,
    Slot::Flag(29),
);

pub static SEND_MSG_SIZE: OptionDef = udp(
    OptName::UDP_SEND_MSG_SIZE,
    "UDP_SEND_MSG_SIZE",
    "split sends into datagrams of this size (send offload)",
    ValueKind::Dword,
    UNPINNED_SINCE,
    DefaultValue::Const(0),
    Slot::Word(20),
);

pub static RECV_MAX_COALESCED_SIZE: OptionDef = udp(
    OptName::UDP_RECV_MAX_COALESCED_SIZE,
    "UDP_RECV_MAX_COALESCED_SIZE",
    "coalesce received datagrams up to this size (receive offload)",
    ValueKind::Dword,
    UNPINNED_SINCE,
    DefaultValue::Const(0),
    Slot::Word(21),
);

fn set_v4_only(
    def: &OptionDef,
    ctx: &Ctx<'_>,
    optval: InBuf<'_>,
    optlen: i32,
) -> Decision<SetAction> {
    if ctx.sock.is_stream() || ctx.sock.address_family() != AddressFamily::AF_INET6 {
        return generic::decide_set_plain(def, ctx, optval, optlen);
    }
    Decision::not_modelled(&NOCHECKSUM_V6)
}

fn get_v4_only(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    if ctx.sock.is_stream() || ctx.sock.address_family() != AddressFamily::AF_INET6 {
        return generic::decide_get_plain(def, ctx, len);
    }
    Decision::not_modelled(&NOCHECKSUM_V6)
}
