//! `IPV6_V6ONLY` (IPPROTO_IPV6, 27): whether an AF_INET6 socket is IPv6-only or dual-stack.
//! Windows switches it on by default (RFC 3493 says off): a fresh socket reads 1, in one byte
//! (class A, a BOOLEAN: options:O350; doc:D-IP6 "nonzero (the default on Windows)"). Windows
//! also takes it on an AF_INET socket until `bind`, and reads it back there (options:O350). Once
//! the socket is bound, a set fails whatever the value (options:O350; the code, WSAEINVAL, is
//! assumption A65). While a connect is in progress the generic protocol-level rule answers
//! WSAEINVAL (assumption A41; report:envoyproxy/envoy#11793). It exists from Vista
//! (doc:D-IP6): before, IPv6 sockets are always IPv6-only. Its effect on `bind` is the address
//! rules' (addr.rs: a dual-stack socket bound to `[::]` holds the port on IPv4 too).

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Assumption as A, Source::Doc as D, Source::Options as O,
};
use crate::socket::SocketState;
use crate::sockopt::def::{
    base, Availability, Ctx, LenClass, Modelling, OptionDef, Since, ValueKind,
};
use crate::sockopt::generic;
use crate::sockopt::store::Slot;
use crate::sockopt::SetAction;
use crate::stack::{Decision, Verdict};
use crate::version::threshold;

rules! {
    SET = "setsockopt.ipv6-v6only", Observed,
        "IPV6_V6ONLY stores a BOOLEAN (first byte) before bind, on AF_INET6 and AF_INET sockets alike", [O("O350"), O("O319"), O("O324"), D("D-IP6")];
    GET = "getsockopt.ipv6-v6only", Observed,
        "IPV6_V6ONLY reads one byte, *optlen 1: 1 on a fresh socket, the value set otherwise", [O("O350"), D("D-IP6")];
    AFTER_BIND = "setsockopt.ipv6-v6only.after-bind", Observed,
        "IPV6_V6ONLY cannot be set once the socket is bound, even to its current value (WSAEINVAL)", [O("O350"), A("A65")];
    UNAVAILABLE = "sockopt.ipv6-v6only.unavailable", Documented,
        "IPV6_V6ONLY first appears in Windows Vista: earlier versions answer WSAENOPROTOOPT", [D("D-IP6")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "an AF_INET6 socket takes IPv6 only (on by default on Windows) or IPv4 too",
    value: ValueKind::Flag,
    class: LenClass::A,
    modelling: Modelling::Simulated,
    default: crate::sockopt::def::DefaultValue::Const(1),
    availability: Availability {
        observed: Since::From(threshold::VISTA),
        documented: Since::From(threshold::VISTA),
        missing: &UNAVAILABLE,
    },
    slot: Slot::Flag(31),
    extra_rules: &[&AFTER_BIND],
    set_hook: Some(set),
    ..base(
        Level::IPPROTO_IPV6,
        OptName::IPV6_V6ONLY,
        "IPV6_V6ONLY",
        &SET,
        &GET,
    )
};

/// The generic set, then WSAEINVAL on a socket that is no longer only created.
fn set(def: &OptionDef, ctx: &Ctx<'_>, optval: InBuf<'_>, optlen: i32) -> Decision<SetAction> {
    let d = generic::decide_set_plain(def, ctx, optval, optlen);
    match d.verdict {
        Verdict::Ok(_) if ctx.sock.state() != SocketState::Created => {
            Decision::fail(Reason::InvalidArgument, &AFTER_BIND)
        }
        _ => d,
    }
}
