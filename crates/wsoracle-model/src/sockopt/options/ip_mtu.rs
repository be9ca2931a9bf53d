//! Path-MTU options, present on the newest Windows builds (no source gives their first version:
//! assumption A51). `IP_MTU` (73) / `IPV6_MTU` (72): get-only, the path MTU of a connected
//! socket; on a fresh socket every kind answers WSAENOTCONN (options:O428, O459, O490, O521,
//! O552, O583); the value itself depends on the path, not modelled. `IP_MTU_DISCOVER` (71) /
//! `IPV6_MTU_DISCOVER` (71): a PMTUD_STATE, IP_PMTUDISC_NOT_SET (0) on a fresh socket
//! (doc:D-IP); setting back the value a fresh socket reads fails with WSAEINVAL on every kind
//! (options:O427, O458, O489); the other states (1 to 3, doc:D-IP) are stored; a larger value
//! is not modelled. `IP_USER_MTU` (76) / `IPV6_USER_MTU` (76): a DWORD, MAXULONG on a fresh
//! socket (doc:D-IP), stored (options:O461, O492, O554, O585).

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Assumption as A, Source::Convention as C, Source::Doc as D,
    Source::Options as O,
};
use crate::socket::SocketState;
use crate::sockopt::def::{Access, Ctx, DefaultValue, KindFit, OptionDef};
use crate::sockopt::generic;
use crate::sockopt::store::Slot;
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;

use super::ip_common::{ip, UNPINNED_SINCE};

rules! {
    MTU_NOT_CONNECTED = "getsockopt.ip-mtu.not-connected", Observed, "IP_MTU / IPV6_MTU on a socket that is not connected fail with WSAENOTCONN",
        [O("O428"), O("O459"), O("O490"), O("O521"), O("O552"), O("O583")];
    MTU_NOT_MODELLED = "sockopt.ip-mtu.not-modelled", Convention, "the path MTU of a connected socket depends on the path, which is not modelled; no source shows a set",
        [C("scope"), D("D-IP")];
    DISCOVER_SET = "setsockopt.mtu-discover", Inferred, "IP_MTU_DISCOVER / IPV6_MTU_DISCOVER store states 1 to 3; 0 (IP_PMTUDISC_NOT_SET, what a fresh socket reads) fails with WSAEINVAL",
        [O("O427"), O("O458"), O("O489"), D("D-IP"), A("A51")];
    DISCOVER_GET = "getsockopt.mtu-discover", Documented, "IP_MTU_DISCOVER / IPV6_MTU_DISCOVER read IP_PMTUDISC_NOT_SET (0) on a fresh socket",
        [D("D-IP"), O("O427"), O("O458"), O("O489")];
    DISCOVER_LARGE = "setsockopt.mtu-discover.large", Convention, "a PMTUD state above IP_PMTUDISC_PROBE (3) is not modelled",
        [C("scope"), D("D-IP")];
    USER_SET = "setsockopt.user-mtu", Observed, "IP_USER_MTU / IPV6_USER_MTU store the DWORD set on every socket kind",
        [O("O461"), O("O492"), O("O554"), O("O585"), D("D-IP")];
    USER_GET = "getsockopt.user-mtu", Documented, "IP_USER_MTU / IPV6_USER_MTU read MAXULONG on a fresh socket (the page)",
        [D("D-IP"), O("O461")];
}

const fn mtu(level: Level, optname: OptName, name: &'static str) -> OptionDef {
    OptionDef {
        summary: "the path MTU of a connected socket (read-only)",
        availability: UNPINNED_SINCE,
        default: DefaultValue::Computed,
        access: Access::ReadOnly {
            reason: Reason::UnknownOption,
            rule: &MTU_NOT_MODELLED,
        },
        set_hook: Some(set_mtu),
        get_hook: Some(get_mtu),
        ..ip(
            level,
            optname,
            name,
            KindFit::ALL,
            &MTU_NOT_MODELLED,
            &MTU_NOT_CONNECTED,
        )
    }
}

pub static IP_MTU: OptionDef = mtu(Level::IPPROTO_IP, OptName::IP_MTU, "IP_MTU");
pub static IPV6_MTU: OptionDef = mtu(Level::IPPROTO_IPV6, OptName::IPV6_MTU, "IPV6_MTU");

fn set_mtu(def: &OptionDef, ctx: &Ctx<'_>, _: InBuf<'_>, _: i32) -> Decision<SetAction> {
    if let Err(d) = generic::fits(def, ctx) {
        return d;
    }
    Decision::not_modelled(&MTU_NOT_MODELLED)
}

fn get_mtu(def: &OptionDef, ctx: &Ctx<'_>, _: i32) -> Decision<GetAction> {
    if let Err(d) = generic::fits(def, ctx) {
        return d;
    }
    match ctx.sock.state() {
        SocketState::Connected => Decision::not_modelled(&MTU_NOT_MODELLED),
        _ => Decision::fail(Reason::NotConnected, &MTU_NOT_CONNECTED),
    }
}

static DISCOVER_EXTRA: &[&crate::provenance::Rule] = &[&DISCOVER_LARGE];

const fn discover(level: Level, optname: OptName, name: &'static str, slot: u8) -> OptionDef {
    OptionDef {
        summary: "path-MTU discovery (PMTUD_STATE)",
        availability: UNPINNED_SINCE,
        default: DefaultValue::Const(0),
        slot: Slot::Word(slot),
        extra_rules: DISCOVER_EXTRA,
        set_hook: Some(set_discover),
        ..ip(
            level,
            optname,
            name,
            KindFit::ALL,
            &DISCOVER_SET,
            &DISCOVER_GET,
        )
    }
}

pub static IP_MTU_DISCOVER: OptionDef = discover(
    Level::IPPROTO_IP,
    OptName::IP_MTU_DISCOVER,
    "IP_MTU_DISCOVER",
    16,
);
pub static IPV6_MTU_DISCOVER: OptionDef = discover(
    Level::IPPROTO_IPV6,
    OptName::IPV6_MTU_DISCOVER,
    "IPV6_MTU_DISCOVER",
    17,
);

fn set_discover(
    def: &OptionDef,
    ctx: &Ctx<'_>,
    optval: InBuf<'_>,
    optlen: i32,
) -> Decision<SetAction> {
    let d = generic::decide_set_plain(def, ctx, optval, optlen);
    match d.verdict {
        crate::stack::Verdict::Ok(SetAction::Store(_, 0)) => {
            Decision::fail(Reason::InvalidArgument, &DISCOVER_SET)
        }
        crate::stack::Verdict::Ok(SetAction::Store(_, v)) if v > 3 => {
            Decision::not_modelled(&DISCOVER_LARGE)
        }
        _ => d,
    }
}

const fn user_mtu(level: Level, optname: OptName, name: &'static str, slot: u8) -> OptionDef {
    OptionDef {
        summary: "an upper bound on the path MTU the application sets",
        availability: UNPINNED_SINCE,
        default: DefaultValue::Const(u32::MAX),
        slot: Slot::Word(slot),
        ..ip(level, optname, name, KindFit::ALL, &USER_SET, &USER_GET)
    }
}

pub static IP_USER_MTU: OptionDef =
    user_mtu(Level::IPPROTO_IP, OptName::IP_USER_MTU, "IP_USER_MTU", 18);
pub static IPV6_USER_MTU: OptionDef = user_mtu(
    Level::IPPROTO_IPV6,
    OptName::IPV6_USER_MTU,
    "IPV6_USER_MTU",
    19,
);
