//! IP-level options the model knows only by the socket kinds they fit: Wine's
//! `test_sockopt_validity` shows which kinds accept them (a get, then a set of what the get
//! returned) and which answer WSAEINVAL (options:O400–O585), but no test asserts their values, so
//! on a kind that fits, a get or a set answers "not modelled"; on a kind that does not fit,
//! WSAEINVAL. Most rows are marked `todo_wine` (Wine lacks them). `IP_GET_IFLIST` /
//! `IPV6_GET_IFLIST` fail with WSAEINVAL on every kind while the interface list is off, which it
//! is on a fresh socket (doc:D-IP: "returns error if IP_IFLIST is not enabled"; options:O481,
//! O543, O574); the model never enables it (IP_IFLIST is not modelled).

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Convention as C, Source::Doc as D, Source::Options as O,
};
use crate::sockopt::def::{Availability, Ctx, DefaultValue, KindFit, Modelling, OptionDef};
use crate::sockopt::generic;
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;
use crate::version::threshold;

use super::ip_common::{ip, since, UNPINNED_SINCE};

rules! {
    FITS = "sockopt.ip-validity.fits", Observed, "the option fits this socket kind (Wine's validity table), but no source gives its value: not modelled",
        [O("O401"), O("O417"), O("O432"), O("O444"), O("O446"), O("O451"), O("O453"), O("O455"), O("O456"), O("O457"), O("O463"), O("O475"), O("O476"), O("O478"), O("O480"), O("O484"), O("O487"), O("O488"), O("O494"), O("O511"), O("O537"), O("O538"), O("O540"), O("O542"), O("O544"), O("O547"), O("O548"), O("O549"), O("O550"), O("O556"), O("O569"), O("O573"), O("O575"), O("O577"), O("O579"), O("O581"), C("scope")];
    REFUSED = "sockopt.ip-validity.refused", Observed, "the option does not fit this socket kind: WSAEINVAL",
        [O("O413"), O("O414"), O("O415"), O("O420"), O("O425"), O("O491"), O("O506"), O("O507"), O("O516"), O("O517"), O("O518"), O("O519")];
    IFLIST_OFF = "getsockopt.get-iflist.off", Observed, "IP_GET_IFLIST / IPV6_GET_IFLIST fail with WSAEINVAL while the interface list is not enabled (a fresh socket)",
        [O("O481"), O("O543"), O("O574"), D("D-IP")];
}

static WITH_IFLIST: &[&crate::provenance::Rule] = &[&IFLIST_OFF];

const fn fit_only(
    level: Level,
    optname: OptName,
    name: &'static str,
    summary: &'static str,
    fit: KindFit,
    availability: Availability,
) -> OptionDef {
    OptionDef {
        summary,
        modelling: Modelling::KindsOnly,
        availability,
        default: DefaultValue::Unknown,
        set_hook: Some(set),
        get_hook: Some(get),
        wrong_socket: (Reason::InvalidArgument, &REFUSED),
        ..ip(level, optname, name, fit, &FITS, &FITS)
    }
}

fn set(def: &OptionDef, ctx: &Ctx<'_>, _: InBuf<'_>, _: i32) -> Decision<SetAction> {
    if let Err(d) = generic::fits(def, ctx) {
        return d;
    }
    Decision::not_modelled(&FITS)
}

fn get(def: &OptionDef, ctx: &Ctx<'_>, _: i32) -> Decision<GetAction> {
    if let Err(d) = generic::fits(def, ctx) {
        return d;
    }
    Decision::not_modelled(&FITS)
}

fn get_iflist(def: &OptionDef, ctx: &Ctx<'_>, _: i32) -> Decision<GetAction> {
    if let Err(d) = generic::fits(def, ctx) {
        return d;
    }
    Decision::fail(Reason::InvalidArgument, &IFLIST_OFF)
}

use KindFit as K;
const IP: Level = Level::IPPROTO_IP;
const IP6: Level = Level::IPPROTO_IPV6;

pub static IP_OPTIONS: OptionDef = fit_only(
    IP,
    OptName::IP_OPTIONS,
    "IP_OPTIONS",
    "IP header options (a byte array)",
    K::ALL,
    since(threshold::WINXP),
);
pub static IP_RECEIVE_BROADCAST: OptionDef = fit_only(
    IP,
    OptName::IP_RECEIVE_BROADCAST,
    "IP_RECEIVE_BROADCAST",
    "receive broadcast datagrams",
    K::NOT_STREAM,
    since(threshold::WINXP),
);
pub static IP_RECVIF: OptionDef = fit_only(
    IP,
    OptName::IP_RECVIF,
    "IP_RECVIF",
    "receive the arrival interface (control message)",
    K::NOT_STREAM,
    since(threshold::VISTA),
);
pub static IP_RECVDSTADDR: OptionDef = fit_only(
    IP,
    OptName::IP_RECVDSTADDR,
    "IP_RECVDSTADDR",
    "receive the destination address (control message)",
    K::NOT_STREAM,
    UNPINNED_SINCE,
);
pub static IP_IFLIST: OptionDef = fit_only(
    IP,
    OptName::IP_IFLIST,
    "IP_IFLIST",
    "restrict the socket to an interface list",
    K::ALL,
    since(threshold::WIN10_1803),
);
pub static IP_RTHDR: OptionDef = fit_only(
    IP,
    OptName::IP_RTHDR,
    "IP_RTHDR",
    "a routing header",
    K::ALL,
    UNPINNED_SINCE,
);
pub static IP_GET_IFLIST: OptionDef = OptionDef {
    get_hook: Some(get_iflist),
    extra_rules: WITH_IFLIST,
    ..fit_only(
        IP,
        OptName::IP_GET_IFLIST,
        "IP_GET_IFLIST",
        "read the interface list (fails while IP_IFLIST is off)",
        K::ALL,
        since(threshold::WIN10_1803),
    )
};
pub static IP_RECVRTHDR: OptionDef = fit_only(
    IP,
    OptName::IP_RECVRTHDR,
    "IP_RECVRTHDR",
    "receive routing headers (control message)",
    K::NOT_STREAM,
    UNPINNED_SINCE,
);
pub static IP_ORIGINAL_ARRIVAL_IF: OptionDef = fit_only(
    IP,
    OptName::IP_ORIGINAL_ARRIVAL_IF,
    "IP_ORIGINAL_ARRIVAL_IF",
    "receive the original arrival interface (control message)",
    K::NOT_STREAM,
    since(threshold::WIN7),
);
pub static IP_ECN: OptionDef = fit_only(
    IP,
    OptName::IP_ECN,
    "IP_ECN",
    "receive the ECN bits (control message)",
    K::NOT_STREAM,
    UNPINNED_SINCE,
);
pub static IP_PKTINFO_EX: OptionDef = fit_only(
    IP,
    OptName::IP_PKTINFO_EX,
    "IP_PKTINFO_EX",
    "extended packet information (control message)",
    K::NOT_STREAM,
    UNPINNED_SINCE,
);
pub static IP_WFP_REDIRECT_RECORDS: OptionDef = fit_only(
    IP,
    OptName::IP_WFP_REDIRECT_RECORDS,
    "IP_WFP_REDIRECT_RECORDS",
    "WFP redirect records (control message)",
    K::NOT_STREAM,
    since(threshold::WIN8),
);
pub static IP_WFP_REDIRECT_CONTEXT: OptionDef = fit_only(
    IP,
    OptName::IP_WFP_REDIRECT_CONTEXT,
    "IP_WFP_REDIRECT_CONTEXT",
    "WFP redirect context (control message)",
    K::NOT_STREAM,
    since(threshold::WIN8),
);
pub static IP_RECVERR: OptionDef = fit_only(
    IP,
    OptName::IP_RECVERR,
    "IP_RECVERR",
    "receive ICMP errors (UDP only)",
    K::DGRAM_ONLY,
    UNPINNED_SINCE,
);

pub static IPV6_HOPOPTS: OptionDef = fit_only(
    IP6,
    OptName::IPV6_HOPOPTS,
    "IPV6_HOPOPTS",
    "a hop-by-hop options header",
    K::ALL,
    UNPINNED_SINCE,
);
pub static IPV6_RECVIF: OptionDef = fit_only(
    IP6,
    OptName::IPV6_RECVIF,
    "IPV6_RECVIF",
    "receive the arrival interface (control message)",
    K::NOT_STREAM,
    since(threshold::VISTA),
);
pub static IPV6_RECVDSTADDR: OptionDef = fit_only(
    IP6,
    OptName::IPV6_RECVDSTADDR,
    "IPV6_RECVDSTADDR",
    "receive the destination address (control message)",
    K::NOT_STREAM,
    since(threshold::VISTA),
);
pub static IPV6_IFLIST: OptionDef = fit_only(
    IP6,
    OptName::IPV6_IFLIST,
    "IPV6_IFLIST",
    "restrict the socket to an interface list",
    K::ALL,
    UNPINNED_SINCE,
);
pub static IPV6_RTHDR: OptionDef = fit_only(
    IP6,
    OptName::IPV6_RTHDR,
    "IPV6_RTHDR",
    "a routing header",
    K::ALL,
    UNPINNED_SINCE,
);
pub static IPV6_GET_IFLIST: OptionDef = OptionDef {
    get_hook: Some(get_iflist),
    extra_rules: WITH_IFLIST,
    ..fit_only(
        IP6,
        OptName::IPV6_GET_IFLIST,
        "IPV6_GET_IFLIST",
        "read the interface list (fails while IPV6_IFLIST is off)",
        K::ALL,
        UNPINNED_SINCE,
    )
};
pub static IPV6_RECVRTHDR: OptionDef = fit_only(
    IP6,
    OptName::IPV6_RECVRTHDR,
    "IPV6_RECVRTHDR",
    "receive routing headers (control message)",
    K::NOT_STREAM,
    UNPINNED_SINCE,
);
pub static IPV6_ORIGINAL_ARRIVAL_IF: OptionDef = fit_only(
    IP6,
    OptName::IP_ORIGINAL_ARRIVAL_IF,
    "IP_ORIGINAL_ARRIVAL_IF",
    "receive the original arrival interface (control message)",
    K::NOT_STREAM,
    since(threshold::WIN7),
);
pub static IPV6_ECN: OptionDef = fit_only(
    IP6,
    OptName::IPV6_ECN,
    "IPV6_ECN",
    "receive the ECN bits (control message)",
    K::NOT_STREAM,
    UNPINNED_SINCE,
);
pub static IPV6_PKTINFO_EX: OptionDef = fit_only(
    IP6,
    OptName::IPV6_PKTINFO_EX,
    "IPV6_PKTINFO_EX",
    "extended packet information (control message)",
    K::NOT_STREAM,
    UNPINNED_SINCE,
);
pub static IPV6_WFP_REDIRECT_RECORDS: OptionDef = fit_only(
    IP6,
    OptName::IPV6_WFP_REDIRECT_RECORDS,
    "IPV6_WFP_REDIRECT_RECORDS",
    "WFP redirect records (control message)",
    K::NOT_STREAM,
    UNPINNED_SINCE,
);
pub static IPV6_WFP_REDIRECT_CONTEXT: OptionDef = fit_only(
    IP6,
    OptName::IPV6_WFP_REDIRECT_CONTEXT,
    "IPV6_WFP_REDIRECT_CONTEXT",
    "WFP redirect context (control message)",
    K::NOT_STREAM,
    UNPINNED_SINCE,
);
pub static IPV6_RECVERR: OptionDef = fit_only(
    IP6,
    OptName::IPV6_RECVERR,
    "IPV6_RECVERR",
    "receive ICMPv6 errors (UDP only)",
    K::DGRAM_ONLY,
    UNPINNED_SINCE,
);
