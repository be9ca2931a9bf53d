//! The IP-level BOOLs: `IP_MULTICAST_LOOP` (11) and `IPV6_MULTICAST_LOOP` (11), class B, UDP and
//! raw only (TCP: WSAEINVAL; options:O086–O090, O136–O140, O407, O438, O469, O499, O530); and
//! the don't-fragment flag `IP_DONTFRAGMENT` / `IPV6_DONTFRAG` (14), on every socket kind, on by
//! default on TCP from Vista on (off before) and off on UDP and raw (options:O228–O232,
//! O121–O125, O441, O472, O502, O564). IP_MULTICAST_LOOP is on by default (doc:D-IP, untested);
//! the page also says it acts on the receiving socket, unlike POSIX, which the model does not
//! simulate.

use crate::codes::{Level, OptName, SocketType};
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Assumption as A, Source::Doc as D, Source::Options as O,
};
use crate::sockopt::def::{Ctx, DefaultValue, KindFit, LenClass, OptionDef, ValueKind};
use crate::sockopt::generic;
use crate::sockopt::store::Slot;
use crate::sockopt::GetAction;
use crate::stack::Decision;
use crate::version::threshold;

use super::ip_common::{ip, observed_from_vista, since};

rules! {
    LOOP_SET = "setsockopt.multicast-loop", Observed, "IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP store a BOOL (0x100 reads 1) from 1, 2 or 4 bytes",
        [O("O087"), O("O089"), O("O090"), O("O137"), O("O138"), O("O139"), O("O140"), O("O438"), O("O469"), O("O530")];
    LOOP_GET = "getsockopt.multicast-loop", Observed, "the loop flag reads back in 4 bytes, one byte with *optlen 1 for optlen 1 or 2; IP_MULTICAST_LOOP is on by default (the page)",
        [O("O086"), O("O090"), O("O136"), O("O140"), D("D-IP")];
    DONTFRAG_SET = "setsockopt.dontfrag", Observed, "IP_DONTFRAGMENT / IPV6_DONTFRAG store a BOOL on TCP, UDP and raw sockets",
        [O("O228"), O("O229"), O("O230"), O("O231"), O("O232"), O("O122"), O("O123"), O("O124"), O("O125"), O("O441"), O("O472"), O("O502"), O("O564")];
    DONTFRAG_GET = "getsockopt.dontfrag", Observed, "the don't-fragment flag reads 1 on a fresh TCP socket from Vista on (0 before), 0 on UDP and raw sockets",
        [O("O228"), O("O229"), O("O230"), O("O231"), O("O232"), O("O121"), A("A53")];
}

pub static IP_MULTICAST_LOOP: OptionDef = OptionDef {
    summary: "deliver own multicast packets back (checked on the receiving socket)",
    value: ValueKind::Flag,
    class: LenClass::B,
    availability: since(threshold::WINXP),
    default: DefaultValue::Const(1),
    slot: Slot::Flag(16),
    ..ip(
        Level::IPPROTO_IP,
        OptName::IP_MULTICAST_LOOP,
        "IP_MULTICAST_LOOP",
        KindFit::NOT_STREAM,
        &LOOP_SET,
        &LOOP_GET,
    )
};

pub static IPV6_MULTICAST_LOOP: OptionDef = OptionDef {
    summary: "deliver own IPv6 multicast packets back",
    value: ValueKind::Flag,
    class: LenClass::B,
    availability: since(threshold::WINXP),
    default: DefaultValue::Unknown,
    slot: Slot::Flag(17),
    ..ip(
        Level::IPPROTO_IPV6,
        OptName::IPV6_MULTICAST_LOOP,
        "IPV6_MULTICAST_LOOP",
        KindFit::NOT_STREAM,
        &LOOP_SET,
        &LOOP_GET,
    )
};

pub static IP_DONTFRAGMENT: OptionDef = OptionDef {
    summary: "set the don't-fragment bit (TCP: on from Vista; UDP, raw: off)",
    value: ValueKind::Flag,
    availability: since(threshold::WINXP),
    default: DefaultValue::Computed,
    slot: Slot::Flag(18),
    get_hook: Some(get_dontfrag),
    ..ip(
        Level::IPPROTO_IP,
        OptName::IP_DONTFRAGMENT,
        "IP_DONTFRAGMENT",
        KindFit::ALL,
        &DONTFRAG_SET,
        &DONTFRAG_GET,
    )
};

/// IPV6_DONTFRAG: not in the page's table; the tests show it on every Windows 7+ build.
pub static IPV6_DONTFRAG: OptionDef = OptionDef {
    summary: "set no fragmentation (TCP: on; UDP, raw: off)",
    value: ValueKind::Flag,
    class: LenClass::B,
    availability: observed_from_vista(None),
    default: DefaultValue::Computed,
    slot: Slot::Flag(19),
    get_hook: Some(get_dontfrag),
    ..ip(
        Level::IPPROTO_IPV6,
        OptName::IPV6_DONTFRAG,
        "IPV6_DONTFRAG",
        KindFit::ALL,
        &DONTFRAG_SET,
        &DONTFRAG_GET,
    )
};

/// The flag of a fresh socket: TCP sockets have it on from Vista on (`broken(value == 0) /* <
/// vista */`, options:O228, O231); raw and UDP sockets off (options:O229, O230, O232; IPv4 UDP
/// by assumption A53).
fn default_dontfrag(ctx: &Ctx<'_>) -> u32 {
    u32::from(
        ctx.sock.socket_type() == SocketType::SOCK_STREAM && ctx.version.at_least(threshold::VISTA),
    )
}

fn get_dontfrag(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    if let Err(d) = generic::fits(def, ctx) {
        return d;
    }
    let value = ctx.stored.unwrap_or_else(|| default_dontfrag(ctx));
    generic::write_value(def, ctx, len, value, def.get_ok)
}
