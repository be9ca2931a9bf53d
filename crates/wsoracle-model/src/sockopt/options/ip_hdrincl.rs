//! `IP_HDRINCL` (2) and `IPV6_HDRINCL` (2): the application supplies the IP header. Raw sockets
//! only: from Vista on TCP and UDP answer WSAEINVAL to a set and to a get, leaving the buffer as
//! it was (options:O218, O402, O433, O495, O526); up to Server 2003 a UDP socket accepts
//! IP_HDRINCL and reads it back (options:O221). A BOOL, off on a fresh raw socket (doc:D-IP,
//! doc:D-IP6); no test measured its short lengths. What TCP answered before Vista (the test
//! notes a get that fails yet writes the value) is not modelled.

use crate::abi::InBuf;
use crate::codes::{Level, OptName, SocketType};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Source::Doc as D, Source::Options as O};
use crate::sockopt::def::{Ctx, DefaultValue, Fit, KindFit, OptionDef, Sockets, ValueKind};
use crate::sockopt::generic;
use crate::sockopt::store::Slot;
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;
use crate::version::threshold;

use super::ip_common::{ip, since};

rules! {
    SET = "setsockopt.hdrincl", Observed, "IP_HDRINCL / IPV6_HDRINCL store a BOOL on a raw socket",
        [O("O557"), D("D-IP"), D("D-IP6")];
    GET = "getsockopt.hdrincl", Observed, "IP_HDRINCL / IPV6_HDRINCL read 0 on a fresh raw socket (the page), 1 once set",
        [O("O557"), D("D-IP"), D("D-IP6")];
    LEGACY_UDP = "sockopt.hdrincl.legacy-udp", Observed, "up to Server 2003 a UDP socket silently accepts IP_HDRINCL and reads it back",
        [O("O221")];
    LEGACY_TCP = "sockopt.hdrincl.legacy-tcp", Convention, "IP_HDRINCL on a TCP socket before Vista is not modelled (the test sees a failing get that writes the value)",
        [crate::provenance::Source::Convention("scope"), O("O221")];
}

pub static IP_HDRINCL: OptionDef = OptionDef {
    summary: "the application writes the IP header (raw sockets)",
    value: ValueKind::Flag,
    availability: since(threshold::WINXP),
    default: DefaultValue::Const(0),
    slot: Slot::Flag(26),
    extra_rules: &[&LEGACY_UDP, &LEGACY_TCP],
    set_hook: Some(set_legacy),
    get_hook: Some(get_legacy),
    ..ip(
        Level::IPPROTO_IP,
        OptName::IP_HDRINCL,
        "IP_HDRINCL",
        KindFit::RAW_ONLY,
        &SET,
        &GET,
    )
};

pub static IPV6_HDRINCL: OptionDef = OptionDef {
    summary: "the application writes the IPv6 header (raw sockets)",
    value: ValueKind::Flag,
    availability: since(threshold::WINXP),
    default: DefaultValue::Const(0),
    slot: Slot::Flag(27),
    ..ip(
        Level::IPPROTO_IPV6,
        OptName::IPV6_HDRINCL,
        "IPV6_HDRINCL",
        KindFit::RAW_ONLY,
        &SET,
        &GET,
    )
};

/// Before Vista a UDP socket takes IP_HDRINCL as a raw one does; TCP is not modelled.
fn legacy(def: &OptionDef, ctx: &Ctx<'_>) -> Result<Option<OptionDef>, ()> {
    if ctx.version.at_least(threshold::VISTA) {
        return Ok(None);
    }
    match ctx.sock.socket_type() {
        SocketType::SOCK_DGRAM => Ok(Some(OptionDef {
            sockets: Sockets::Ip(KindFit {
                dgram: Fit::Yes,
                ..KindFit::RAW_ONLY
            }),
            set_ok: &LEGACY_UDP,
            get_ok: &LEGACY_UDP,
            ..*def
        })),
        SocketType::SOCK_STREAM => Err(()),
        _ => Ok(None),
    }
}

fn set_legacy(
    def: &OptionDef,
    ctx: &Ctx<'_>,
    optval: InBuf<'_>,
    optlen: i32,
) -> Decision<SetAction> {
    match legacy(def, ctx) {
        Ok(Some(wide)) => generic::decide_set_plain(&wide, ctx, optval, optlen),
        Ok(None) => generic::decide_set_plain(def, ctx, optval, optlen),
        Err(()) => Decision::not_modelled(&LEGACY_TCP),
    }
}

fn get_legacy(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    match legacy(def, ctx) {
        Ok(Some(wide)) => generic::decide_get_plain(&wide, ctx, len),
        Ok(None) => generic::decide_get_plain(def, ctx, len),
        Err(()) => Decision::not_modelled(&LEGACY_TCP),
    }
}
