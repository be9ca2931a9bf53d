//! Multicast membership: `IP_ADD_MEMBERSHIP` (12) / `IP_DROP_MEMBERSHIP` (13) with a `struct
//! ip_mreq` (8 bytes: group, interface) and `IPV6_ADD_MEMBERSHIP` (12) / `IPV6_DROP_MEMBERSHIP`
//! (13) with a `struct ipv6_mreq` (20 bytes: group, interface index). Set-only: a getsockopt
//! fails with WSAENOPROTOOPT on every socket kind, TCP, UDP and raw (options:O408, O439, O440,
//! O470, O471, O500, O501, O531, O532, O562, O563). A set on TCP fails with WSAEINVAL, as every
//! IP option that does not fit the kind (inferred: the evidence's rule for IP options; no test
//! sets a membership on TCP).
//!
//! Microsoft's "Multicast Socket Option Behavior" page (doc:D-MCAST): joining a group already
//! joined on the same interface fails with WSAEADDRNOTAVAIL; a call on a group that is not (or no
//! longer) joined fails with WSAEINVAL, so leaving a group never joined does. What a group
//! address that is not multicast answers is in no source: not modelled. Whether the interface
//! exists is not modelled either (every interface is taken as valid). A socket's record keeps
//! four memberships; a fifth join is not modelled.

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Convention as C, Source::Doc as D, Source::Options as O,
};
use crate::sockopt::def::{Access, Ctx, DefaultValue, KindFit, LenClass, OptionDef, ValueKind};
use crate::sockopt::generic;
use crate::sockopt::rules as common;
use crate::sockopt::store::Group;
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;
use crate::version::threshold;

use super::ip_common::{ip, since};

rules! {
    JOIN = "setsockopt.membership.join", Documented, "IP_ADD_MEMBERSHIP / IPV6_ADD_MEMBERSHIP join the group on the interface",
        [D("D-IP"), D("D-IP6"), D("D-MCAST")];
    LEAVE = "setsockopt.membership.leave", Documented, "IP_DROP_MEMBERSHIP / IPV6_DROP_MEMBERSHIP leave a group the socket joined",
        [D("D-IP"), D("D-IP6"), D("D-MCAST")];
    GET = "getsockopt.membership", Observed, "the membership options cannot be read: getsockopt fails with WSAENOPROTOOPT on TCP, UDP and raw sockets",
        [O("O408"), O("O439"), O("O440"), O("O470"), O("O471"), O("O500"), O("O501"), O("O531"), O("O532"), O("O562"), O("O563")];
    TWICE = "setsockopt.membership.twice", Documented, "joining a group already joined on the same interface fails with WSAEADDRNOTAVAIL",
        [D("D-MCAST")];
    NOT_JOINED = "setsockopt.membership.not-joined", Documented, "leaving a group the socket has not joined fails with WSAEINVAL",
        [D("D-MCAST")];
    NOT_MULTICAST = "setsockopt.membership.not-multicast", Convention, "a group address outside 224.0.0.0/4 (ff00::/8) is in no source: not modelled",
        [C("scope")];
    FULL = "setsockopt.membership.full", Convention, "the model keeps four memberships per socket; a fifth join is not modelled",
        [C("scope")];
}

static EXTRA: &[&crate::provenance::Rule] = &[&TWICE, &NOT_JOINED, &NOT_MULTICAST, &FULL];

const fn membership(
    level: Level,
    optname: OptName,
    name: &'static str,
    summary: &'static str,
    size: u32,
    join: bool,
) -> OptionDef {
    OptionDef {
        summary,
        value: ValueKind::Opaque { size },
        class: LenClass::Documented,
        access: Access::WriteOnly,
        default: DefaultValue::Unknown,
        availability: since(threshold::WINXP),
        extra_rules: EXTRA,
        set_hook: Some(set),
        get_hook: Some(get),
        ..ip(
            level,
            optname,
            name,
            KindFit::NOT_STREAM,
            if join { &JOIN } else { &LEAVE },
            &GET,
        )
    }
}

pub static IP_ADD_MEMBERSHIP: OptionDef = membership(
    Level::IPPROTO_IP,
    OptName::IP_ADD_MEMBERSHIP,
    "IP_ADD_MEMBERSHIP",
    "join a multicast group (struct ip_mreq)",
    8,
    true,
);
pub static IP_DROP_MEMBERSHIP: OptionDef = membership(
    Level::IPPROTO_IP,
    OptName::IP_DROP_MEMBERSHIP,
    "IP_DROP_MEMBERSHIP",
    "leave a multicast group (struct ip_mreq)",
    8,
    false,
);
pub static IPV6_ADD_MEMBERSHIP: OptionDef = membership(
    Level::IPPROTO_IPV6,
    OptName::IPV6_ADD_MEMBERSHIP,
    "IPV6_ADD_MEMBERSHIP",
    "join an IPv6 multicast group (struct ipv6_mreq)",
    20,
    true,
);
pub static IPV6_DROP_MEMBERSHIP: OptionDef = membership(
    Level::IPPROTO_IPV6,
    OptName::IPV6_DROP_MEMBERSHIP,
    "IPV6_DROP_MEMBERSHIP",
    "leave an IPv6 multicast group (struct ipv6_mreq)",
    20,
    false,
);

fn get(_: &OptionDef, _: &Ctx<'_>, _: i32) -> Decision<GetAction> {
    Decision::fail(Reason::UnknownOption, &GET)
}

fn set(def: &OptionDef, ctx: &Ctx<'_>, optval: InBuf<'_>, optlen: i32) -> Decision<SetAction> {
    if let Err(d) = generic::fits(def, ctx) {
        return d;
    }
    let size = def.size() as usize;
    let bytes = match optval {
        InBuf::Bytes(b) if optlen >= 0 && optlen as usize >= size && b.len() >= size => b,
        InBuf::Bytes(_) if optlen < 0 => return generic::negative_length(ctx),
        // doc:D-SET: an optlen below the structure's size is a bad address.
        _ => return Decision::fail(Reason::BadAddress, &common::SET_SHORT_DOC),
    };
    let v6 = def.level == Level::IPPROTO_IPV6;
    let mut group = Group {
        v6,
        ..Group::default()
    };
    let (addr, iface) = if v6 {
        (&bytes[..16], &bytes[16..20])
    } else {
        (&bytes[..4], &bytes[4..8])
    };
    group.addr[..addr.len()].copy_from_slice(addr);
    group.iface = u32::from_le_bytes([iface[0], iface[1], iface[2], iface[3]]);
    let multicast = if v6 {
        group.addr[0] == 0xff
    } else {
        group.addr[0] & 0xf0 == 0xe0
    };
    if !multicast {
        return Decision::not_modelled(&NOT_MULTICAST);
    }
    let join = def.optname == OptName::IP_ADD_MEMBERSHIP; // 12 at both levels
    let member = ctx.values.is_member(&group);
    match (join, member) {
        (true, true) => Decision::fail(Reason::AddressNotAvailable, &TWICE),
        (true, false) if !ctx.values.has_room() => Decision::not_modelled(&FULL),
        (true, false) => Decision::ok(SetAction::Membership(true, group), def.set_ok),
        (false, false) => Decision::fail(Reason::InvalidArgument, &NOT_JOINED),
        (false, true) => Decision::ok(SetAction::Membership(false, group), def.set_ok),
    }
}
