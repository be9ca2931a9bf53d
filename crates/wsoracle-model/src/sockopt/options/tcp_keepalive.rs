//! The `IPPROTO_TCP` keep-alive options: `TCP_KEEPALIVE`/`TCP_KEEPIDLE` (3), `TCP_KEEPCNT` (16)
//! and `TCP_KEEPINTVL` (17). DWORD values: seconds for the two times, a count for 16.
//!
//! Availability (observed fidelity):
//! - 3: Windows 7 and later (wine:T01; Vista by inference, assumption A01); WSAENOPROTOOPT up to
//!   Server 2003 (the ROS-T skip, primary:P08; 2000/XP by its `<= WS03` condition).
//! - 16: Windows 10 1703 and later; WSAENOPROTOOPT from Vista to 1607 (wine:T07); up to 2003 a
//!   set succeeds with another meaning (wine:T09) and a get is not modelled (assumption A25).
//! - 17: Windows 10 1709 and later; WSAENOPROTOOPT before (wine:T07).
//!
//! Under documented fidelity the IPPROTO_TCP page's table applies (doc:D-TCP): 3 and 17 from
//! 1709, 16 from 1703, WSAENOPROTOOPT before (doc:D-GET).
//!
//! Order of checks (after the common checks of sockopt/mod.rs; assumption A39): availability → datagram
//! socket (A20) → optlen → value range → dropped connection (A33).

use crate::abi::InBuf;
use crate::codes::{Level, OptName, SocketType};
use crate::keepalive;
use crate::outcome::{Reason, Written};
use crate::provenance::{Fidelity, Rule};
use crate::registry::Registry;
use crate::rules;
use crate::socket::{Origin, Socket, SocketState};
use crate::sockopt::def::{base, Ctx, LenClass, Modelling, OptionDef, ValueKind};
use crate::sockopt::{GetAction, SetAction};
use crate::stack::Decision;
use crate::version::{threshold, WindowsVersion};

/// Which of the three options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // the names of the old classification, kept for the moved code
pub(crate) enum OptionKind {
    TcpKeepIdle,
    TcpKeepCnt,
    TcpKeepIntvl,
}

fn kind_of(def: &OptionDef) -> OptionKind {
    match def.optname {
        OptName::TCP_KEEPCNT => OptionKind::TcpKeepCnt,
        OptName::TCP_KEEPINTVL => OptionKind::TcpKeepIntvl,
        _ => OptionKind::TcpKeepIdle,
    }
}

/// The rules the three options' decisions name, beside their set/get rules.
static RULES: &[&Rule] = &[
    &rules::TCPKA_IDLE_UNAVAILABLE_DOC,
    &rules::TCPKA_INTVL_UNAVAILABLE,
    &rules::TCPKA_CNT_UNAVAILABLE,
    &rules::TCPKA_IDLE_UNAVAILABLE_LEGACY,
    &rules::TCPKA_16_LEGACY_SET,
    &rules::TCPKA_16_LEGACY_GET,
    &rules::TCPKA_DATAGRAM,
    &rules::TCPKA_SET_OPTLEN_SHORT_DOC,
    &rules::TCPKA_SET_OPTLEN_NEGATIVE_ENOBUFS,
    &rules::TCPKA_SET_OPTLEN_NEGATIVE_EFAULT,
    &rules::TCPKA_SET_OPTLEN_SHORT,
    &rules::TCPKA_CNT_TOO_LARGE,
    &rules::TCPKA_SET_DOC,
    &rules::TCPKA_SET_CNT,
    &rules::TCPKA_ZERO_REJECTED,
    &rules::TCPKA_SET_IDLE,
    &rules::TCPKA_SET_INTVL,
    &rules::TCPKA_GET_SHORT,
    &rules::TCPKA_GET_SHORT_DOC,
    &rules::TCPKA_GET_SOCKET_VALUE,
    &rules::TCPKA_GET_COUNT_DEFAULT,
    &rules::TCPKA_GET_DEFAULT_1709,
    &rules::TCPKA_GET_SYSTEM_VALUE,
];

/// The three descriptors share their hooks; availability is the hooks' (option 16 up to Server
/// 2003 is accepted with another meaning, wine:T09), so the table's span is "always".
const fn keepalive_def(
    optname: OptName,
    name: &'static str,
    summary: &'static str,
    set_ok: &'static Rule,
) -> OptionDef {
    OptionDef {
        summary,
        value: ValueKind::Dword,
        class: LenClass::E,
        inherited: true,
        modelling: Modelling::Simulated,
        extra_rules: RULES,
        set_hook: Some(set),
        get_hook: Some(get),
        ..base(
            Level::IPPROTO_TCP,
            optname,
            name,
            set_ok,
            &rules::TCPKA_GET_SOCKET_VALUE,
        )
    }
}

pub static IDLE: OptionDef = keepalive_def(
    OptName::TCP_KEEPALIVE,
    "TCP_KEEPALIVE",
    "idle seconds before the first keep-alive probe (TCP_KEEPIDLE)",
    &rules::TCPKA_SET_IDLE,
);
pub static CNT: OptionDef = keepalive_def(
    OptName::TCP_KEEPCNT,
    "TCP_KEEPCNT",
    "unanswered probes before the connection drops",
    &rules::TCPKA_SET_CNT,
);
pub static INTVL: OptionDef = keepalive_def(
    OptName::TCP_KEEPINTVL,
    "TCP_KEEPINTVL",
    "seconds between unanswered keep-alive probes",
    &rules::TCPKA_SET_INTVL,
);

fn set(def: &OptionDef, ctx: &Ctx<'_>, optval: InBuf<'_>, optlen: i32) -> Decision<SetAction> {
    decide_set(
        ctx.fidelity,
        ctx.version,
        ctx.sock,
        kind_of(def),
        optval,
        optlen,
    )
    .map_ok(SetAction::Tcp)
}

fn get(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    decide_get(
        ctx.fidelity,
        ctx.version,
        ctx.registry,
        ctx.sock,
        kind_of(def),
        len,
    )
    .map_ok(|()| GetAction::Nothing)
}

/// Windows 10 1809 / Server 2019: zero idle times and intervals are rejected from here on
/// (field reports nodejs/node#42020, libuv/libuv#3487; the error code is assumed: A26).
pub const ZERO_REJECTED: WindowsVersion = WindowsVersion::new(10, 0, 17763);

/// The state change a successful `IPPROTO_TCP` keep-alive setsockopt makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TcpSet {
    /// `TCP_KEEPALIVE`: idle time in seconds.
    Idle(u32),
    /// `TCP_KEEPINTVL`: interval in seconds.
    Interval(u32),
    /// `TCP_KEEPCNT`: probe count.
    Count(u8),
    /// Option 16 up to Server 2003: accepted, another meaning, no keep-alive effect (wine:T09).
    Legacy16,
}

/// Whether an option is there on this version, and if not, why not.
enum Availability {
    Available,
    /// Option 16 up to 2003.
    Legacy16,
    Missing(&'static Rule),
}

fn availability(fidelity: Fidelity, version: WindowsVersion, kind: OptionKind) -> Availability {
    let legacy = !version.at_least(threshold::VISTA);
    match (fidelity, kind) {
        (Fidelity::Documented, OptionKind::TcpKeepIdle | OptionKind::TcpKeepIntvl)
            if !version.at_least(threshold::WIN10_1709) =>
        {
            // doc:D-TCP: TCP_KEEPIDLE and TCP_KEEPINTVL from 1709.
            let rule = if kind == OptionKind::TcpKeepIdle {
                &rules::TCPKA_IDLE_UNAVAILABLE_DOC
            } else {
                &rules::TCPKA_INTVL_UNAVAILABLE
            };
            Availability::Missing(rule)
        }
        (Fidelity::Documented, OptionKind::TcpKeepCnt)
            if !version.at_least(threshold::WIN10_1703) =>
        {
            Availability::Missing(&rules::TCPKA_CNT_UNAVAILABLE) // doc:D-TCP
        }
        (Fidelity::Documented, _) => Availability::Available,
        (Fidelity::Observed, OptionKind::TcpKeepIdle) if legacy => {
            Availability::Missing(&rules::TCPKA_IDLE_UNAVAILABLE_LEGACY) // primary:P08, wine:T01
        }
        (Fidelity::Observed, OptionKind::TcpKeepCnt) if legacy => Availability::Legacy16, // wine:T09
        (Fidelity::Observed, OptionKind::TcpKeepCnt)
            if !version.at_least(threshold::WIN10_1703) =>
        {
            Availability::Missing(&rules::TCPKA_CNT_UNAVAILABLE) // wine:T07
        }
        (Fidelity::Observed, OptionKind::TcpKeepIntvl)
            if !version.at_least(threshold::WIN10_1709) =>
        {
            Availability::Missing(&rules::TCPKA_INTVL_UNAVAILABLE) // wine:T07
        }
        _ => Availability::Available,
    }
}

/// setsockopt(IPPROTO_TCP, 3 | 16 | 17). sockopt/mod.rs has already checked the process, the
/// pointer for a positive optlen, the handle, and that optlen does not reach past the buffer.
fn decide_set(
    fidelity: Fidelity,
    version: WindowsVersion,
    sock: &Socket,
    kind: OptionKind,
    optval: InBuf<'_>,
    optlen: i32,
) -> Decision<TcpSet> {
    let avail = availability(fidelity, version, kind);
    if let Availability::Missing(rule) = avail {
        return Decision::fail(Reason::UnknownOption, rule);
    }
    if sock.socket_type() != SocketType::SOCK_STREAM {
        return Decision::fail(Reason::OptionNotForProtocol, &rules::TCPKA_DATAGRAM);
        // assumption A20
    }
    // Length. primary:P05 rows 4, 6, 10a, 10b; wine:T02.
    if optlen < 4 {
        if fidelity == Fidelity::Documented {
            return Decision::fail(Reason::BadAddress, &rules::TCPKA_SET_OPTLEN_SHORT_DOC);
            // doc:D-SET
        }
        if optlen < 0 {
            return if version.at_least(threshold::OPTLEN_NEGATIVE_ENOBUFS) {
                Decision::fail(
                    Reason::NegativeLength,
                    &rules::TCPKA_SET_OPTLEN_NEGATIVE_ENOBUFS,
                )
            } else {
                Decision::fail(Reason::BadAddress, &rules::TCPKA_SET_OPTLEN_NEGATIVE_EFAULT)
            };
        }
        return Decision::fail(Reason::BadAddress, &rules::TCPKA_SET_OPTLEN_SHORT);
    }
    let bytes = match optval {
        InBuf::Bytes(b) if b.len() >= 4 => b,
        // A positive optlen with a NULL/bad pointer was refused by sockopt/mod.rs; optlen ≥ 4 with a
        // shorter buffer was refused as reaching past it (assumption A05). Kept total anyway.
        _ => return Decision::fail(Reason::BadAddress, &rules::SETSOCKOPT_OPTVAL_NULL),
    };
    let value = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if let Availability::Legacy16 = avail {
        return dropped_or(
            sock,
            Decision::ok(TcpSet::Legacy16, &rules::TCPKA_16_LEGACY_SET),
        );
    }
    let doc = fidelity == Fidelity::Documented;
    let decision = match kind {
        OptionKind::TcpKeepCnt => match u8::try_from(value) {
            // wine:T06, primary:P06: 256 → WSAEINVAL; doc:D-TCP: "illegal" above 255.
            Err(_) => Decision::fail(Reason::InvalidArgument, &rules::TCPKA_CNT_TOO_LARGE),
            Ok(n) if doc => Decision::ok(TcpSet::Count(n), &rules::TCPKA_SET_DOC),
            Ok(n) => Decision::ok(TcpSet::Count(n), &rules::TCPKA_SET_CNT),
        },
        OptionKind::TcpKeepIdle | OptionKind::TcpKeepIntvl => {
            if value == 0 && !doc && version.at_least(ZERO_REJECTED) {
                // assumption A26 (field: Server 2019 checks the value).
                Decision::fail(Reason::InvalidArgument, &rules::TCPKA_ZERO_REJECTED)
            } else {
                let (set, rule) = if kind == OptionKind::TcpKeepIdle {
                    (TcpSet::Idle(value), &rules::TCPKA_SET_IDLE) // wine:T01, primary:P08
                } else {
                    (TcpSet::Interval(value), &rules::TCPKA_SET_INTVL) // primary:P07, P08
                };
                Decision::ok(set, if doc { &rules::TCPKA_SET_DOC } else { rule })
            }
        }
    };
    dropped_or(sock, decision)
}

/// A successful keep-alive setting on a dropped connection fails as setsockopt(SO_KEEPALIVE)
/// does there (doc:D-SET, assumption A33).
fn dropped_or<A>(sock: &Socket, d: Decision<A>) -> Decision<A> {
    match (sock.state(), &d.verdict) {
        (SocketState::Dropped, crate::stack::Verdict::Ok(_)) => {
            crate::timeline::set_on_dropped(sock)
        }
        _ => d,
    }
}

/// getsockopt(IPPROTO_TCP, 3 | 16 | 17). `len` is `*optlen`, positive and within the buffer
/// (sockopt/mod.rs checked both).
fn decide_get(
    fidelity: Fidelity,
    version: WindowsVersion,
    registry: &Registry,
    sock: &Socket,
    kind: OptionKind,
    len: i32,
) -> Decision<()> {
    match availability(fidelity, version, kind) {
        Availability::Missing(rule) => return Decision::fail(Reason::UnknownOption, rule),
        Availability::Legacy16 => return Decision::not_modelled(&rules::TCPKA_16_LEGACY_GET), // A25
        Availability::Available => {}
    }
    if sock.socket_type() != SocketType::SOCK_STREAM {
        return Decision::fail(Reason::OptionNotForProtocol, &rules::TCPKA_DATAGRAM);
        // A20
    }
    if len < 4 {
        return match fidelity {
            // primary:P05 row 10a': WSAEFAULT, *optlen = 0, buffer untouched.
            Fidelity::Observed => Decision::fail(Reason::BadAddress, &rules::TCPKA_GET_SHORT)
                .writing(Written::NOTHING.with_optlen(0)),
            Fidelity::Documented => Decision::fail(Reason::BadAddress, &rules::TCPKA_GET_SHORT_DOC),
        };
    }
    let e = keepalive::for_socket(version, registry, sock);
    let secs = |ms: u64| u32::try_from(ms / 1000).unwrap_or(u32::MAX);
    let (value, rule): (u32, &'static Rule) = match kind {
        OptionKind::TcpKeepIdle => (
            secs(e.idle_ms.value),
            time_rule(version, registry, sock.idle_origin, true),
        ),
        OptionKind::TcpKeepIntvl => (
            secs(e.interval_ms.value),
            time_rule(version, registry, sock.interval_origin, false),
        ),
        OptionKind::TcpKeepCnt => (
            e.count.value,
            if sock.keepcnt.is_some() {
                &rules::TCPKA_GET_SOCKET_VALUE
            } else {
                &rules::TCPKA_GET_COUNT_DEFAULT
            },
        ),
    };
    // wine:T03: 4 bytes, *optlen 4, whatever the buffer size.
    Decision::ok((), rule).writing(
        Written::NOTHING
            .with_bytes(&value.to_le_bytes())
            .with_optlen(4),
    )
}

/// The rule behind a time read back: the socket's own value (wine:T01), the 1709+ default on a
/// default registry (primary:P30), or the system value otherwise (assumption A21).
fn time_rule(
    version: WindowsVersion,
    registry: &Registry,
    origin: Origin,
    idle: bool,
) -> &'static Rule {
    let registry_set = if idle {
        registry.keep_alive_time.is_some()
    } else {
        registry.keep_alive_interval.is_some()
    };
    match origin {
        Origin::KeepAliveVals | Origin::TcpOption => &rules::TCPKA_GET_SOCKET_VALUE,
        Origin::System if version.at_least(threshold::WIN10_1709) && !registry_set => {
            &rules::TCPKA_GET_DEFAULT_1709
        }
        Origin::System => &rules::TCPKA_GET_SYSTEM_VALUE,
    }
}

/// Applies a successful set. Setting a time restarts the idle period of a connected socket
/// (convention:timeline); none of them switches keep-alive on (assumption A23).
pub(crate) fn apply(sock: &mut Socket, set: TcpSet, now: u64) {
    match set {
        TcpSet::Idle(s) => {
            sock.idle_ms = u64::from(s).saturating_mul(1000);
            sock.idle_origin = Origin::TcpOption;
            crate::timeline::restart_idle(sock, now);
        }
        TcpSet::Interval(s) => {
            sock.interval_ms = u64::from(s).saturating_mul(1000);
            sock.interval_origin = Origin::TcpOption;
            crate::timeline::restart_idle(sock, now);
        }
        TcpSet::Count(n) => sock.keepcnt = Some(n),
        TcpSet::Legacy16 => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::abi::{InBuf, IntPtr, OutBuf};
    use crate::codes::{AddressFamily, Level, OptName, Protocol, SocketType, WsaError};
    use crate::outcome::Ret;
    use crate::registry::{Registry, RegistryValue};
    use crate::socket::SocketHandle;
    use crate::stack::{Config, Stack};
    use crate::version::{threshold, WindowsVersion, PRESETS};
    use crate::Fidelity;

    const IDLE: OptName = OptName::TCP_KEEPALIVE;
    const CNT: OptName = OptName::TCP_KEEPCNT;
    const INTVL: OptName = OptName::TCP_KEEPINTVL;

    fn stack(v: WindowsVersion, f: Fidelity) -> (Stack, SocketHandle) {
        crate::testutil::with_tcp_socket(Config::new(v).with_fidelity(f))
    }

    fn set(st: &mut Stack, s: SocketHandle, o: OptName, v: u32) -> (Ret, Option<WsaError>) {
        let b = v.to_le_bytes();
        let out = st.setsockopt(s, Level::IPPROTO_TCP, o, InBuf::Bytes(&b), 4);
        (out.ret, out.error)
    }

    fn get(
        st: &mut Stack,
        s: SocketHandle,
        o: OptName,
        len: i32,
    ) -> (Ret, Option<WsaError>, [u8; 8], i32) {
        let mut buf = [0xcc; 8];
        let mut optlen = len;
        let out = st.getsockopt(
            s,
            Level::IPPROTO_TCP,
            o,
            OutBuf::Bytes(&mut buf),
            IntPtr::Value(&mut optlen),
        );
        (out.ret, out.error, buf, optlen)
    }

    fn has(v: WindowsVersion, o: OptName) -> bool {
        match o {
            IDLE => v.at_least(threshold::VISTA),
            CNT => v.at_least(threshold::WIN10_1703),
            _ => v.at_least(threshold::WIN10_1709),
        }
    }

    #[test]
    fn availability_by_version_t01_t07_t09_p08() {
        for p in PRESETS {
            for o in [IDLE, CNT, INTVL] {
                let (mut st, s) = stack(p.version, Fidelity::Observed);
                let r = set(&mut st, s, o, 5);
                let legacy16 = o == CNT && !p.version.at_least(threshold::VISTA);
                if has(p.version, o) || legacy16 {
                    assert_eq!(r, (Ret::OK, Some(WsaError::NO_ERROR)), "{} {o}", p.name);
                } else {
                    assert_eq!(
                        r,
                        (Ret::ERR, Some(WsaError::WSAENOPROTOOPT)),
                        "{} {o}",
                        p.name
                    );
                }
                let g = get(&mut st, s, o, 4);
                if legacy16 {
                    assert_eq!(g.0, Ret::NotModelled, "{}", p.name); // A25
                } else if has(p.version, o) {
                    assert_eq!(
                        (g.0, g.2[..4].to_vec(), g.3),
                        (Ret::OK, vec![5, 0, 0, 0], 4),
                        "{} {o}",
                        p.name
                    );
                } else {
                    assert_eq!(g.1, Some(WsaError::WSAENOPROTOOPT), "{} {o}", p.name);
                }
            }
        }
    }

    #[test]
    fn documented_fidelity_follows_the_support_table_d_tcp() {
        for p in PRESETS {
            let (mut st, s) = stack(p.version, Fidelity::Documented);
            let r = set(&mut st, s, IDLE, 30);
            let want = p.version.at_least(threshold::WIN10_1709);
            assert_eq!(r.0 == Ret::OK, want, "{}", p.name);
            let (mut st, s) = stack(p.version, Fidelity::Observed);
            let b = 30u32.to_le_bytes();
            let out = st.setsockopt(s, Level::IPPROTO_TCP, IDLE, InBuf::Bytes(&b), 4);
            // Win7..1703 accept it, the page does not list it: the trace shows the disagreement.
            let differs = p.version.at_least(threshold::VISTA) && !want;
            assert_eq!(out.other.is_some(), differs, "{}", p.name);
        }
    }

    #[test]
    fn optlen_rules_p05_p06_p07_t02() {
        for p in PRESETS {
            for o in [IDLE, CNT, INTVL] {
                if !has(p.version, o) {
                    continue;
                }
                let (mut st, s) = stack(p.version, Fidelity::Observed);
                let one = [1u8, 0, 0, 0];
                for len in [0, 1, 2, 3] {
                    let out = st.setsockopt(s, Level::IPPROTO_TCP, o, InBuf::Bytes(&one), len);
                    assert_eq!(out.error, Some(WsaError::WSAEFAULT), "{} {o} {len}", p.name);
                }
                let neg = st.setsockopt(s, Level::IPPROTO_TCP, o, InBuf::Bytes(&one), -1);
                let want = if p.version.at_least(threshold::OPTLEN_NEGATIVE_ENOBUFS) {
                    WsaError::WSAENOBUFS
                } else {
                    WsaError::WSAEFAULT
                };
                assert_eq!(neg.error, Some(want), "{} {o}", p.name);
                // get with 1 or 2: WSAEFAULT, *optlen 0, buffer untouched (P05 10a').
                for len in [1, 2] {
                    let g = get(&mut st, s, o, len);
                    assert_eq!(
                        (g.1, g.2[0], g.3),
                        (Some(WsaError::WSAEFAULT), 0xcc, 0),
                        "{}",
                        p.name
                    );
                }
                // get with -1 or 0: WSAEFAULT, *optlen untouched (P05 rows 5, 7).
                for len in [-1, 0] {
                    let g = get(&mut st, s, o, len);
                    assert_eq!((g.1, g.3), (Some(WsaError::WSAEFAULT), len), "{}", p.name);
                }
                // 8-byte set and get: ok, *optlen 4 (T03).
                let v64 = 0xffff_ffff_0000_0001u64.to_le_bytes();
                let out = st.setsockopt(s, Level::IPPROTO_TCP, o, InBuf::Bytes(&v64), 8);
                assert_eq!(out.ret, Ret::OK);
                let g = get(&mut st, s, o, 8);
                assert_eq!(
                    (g.0, g.2[..4].to_vec(), g.3),
                    (Ret::OK, vec![1, 0, 0, 0], 4)
                );
            }
        }
    }

    #[test]
    fn keepcnt_above_255_is_einval_t06_and_256_is_fine_for_the_times_p05_p07() {
        for p in PRESETS {
            let (mut st, s) = stack(p.version, Fidelity::Observed);
            if has(p.version, CNT) {
                assert_eq!(
                    set(&mut st, s, CNT, 256).1,
                    Some(WsaError::WSAEINVAL),
                    "{}",
                    p.name
                );
                assert_eq!(set(&mut st, s, CNT, 255).0, Ret::OK);
            }
            for o in [IDLE, INTVL] {
                if has(p.version, o) {
                    assert_eq!(set(&mut st, s, o, 256).0, Ret::OK, "{}", p.name);
                    assert_eq!(get(&mut st, s, o, 4).2[..4], [0, 1, 0, 0]);
                }
            }
        }
    }

    #[test]
    fn fresh_values_p30_and_system_values_a21() {
        for p in PRESETS {
            let (mut st, s) = stack(p.version, Fidelity::Observed);
            if has(p.version, IDLE) {
                assert_eq!(
                    get(&mut st, s, IDLE, 4).2[..4],
                    7200u32.to_le_bytes(),
                    "{}",
                    p.name
                );
            }
            if has(p.version, INTVL) {
                assert_eq!(get(&mut st, s, INTVL, 4).2[..4], 1u32.to_le_bytes());
            }
            if has(p.version, CNT) {
                assert_eq!(get(&mut st, s, CNT, 4).2[..4], 10u32.to_le_bytes());
            }
            // Registry values read back in whole seconds (A21).
            let reg = Registry::default()
                .with(RegistryValue::KeepAliveTime, 30_500)
                .with(RegistryValue::KeepAliveInterval, 999);
            let mut st = Stack::new(Config::new(p.version).with_registry(reg));
            st.wsa_startup(0x0202);
            let Ret::Socket(s) = st
                .socket_create(
                    AddressFamily::AF_INET,
                    SocketType::SOCK_STREAM,
                    Protocol::IPPROTO_TCP,
                )
                .ret
            else {
                panic!()
            };
            if has(p.version, IDLE) {
                assert_eq!(get(&mut st, s, IDLE, 4).2[..4], 30u32.to_le_bytes());
            }
            if has(p.version, INTVL) {
                assert_eq!(get(&mut st, s, INTVL, 4).2[..4], 0u32.to_le_bytes());
            }
        }
    }

    #[test]
    fn time_and_interval_are_independent_p30() {
        for p in PRESETS.iter().filter(|p| has(p.version, INTVL)) {
            let (mut st, s) = stack(p.version, Fidelity::Observed);
            set(&mut st, s, IDLE, 5);
            assert_eq!(get(&mut st, s, INTVL, 4).2[..4], 1u32.to_le_bytes());
            set(&mut st, s, INTVL, 2);
            assert_eq!(get(&mut st, s, IDLE, 4).2[..4], 5u32.to_le_bytes());
        }
    }

    #[test]
    fn zero_rejected_from_1809_a26_and_datagram_a20() {
        for p in PRESETS.iter().filter(|p| has(p.version, IDLE)) {
            let (mut st, s) = stack(p.version, Fidelity::Observed);
            let r = set(&mut st, s, IDLE, 0);
            if p.version.at_least(super::ZERO_REJECTED) {
                assert_eq!(r.1, Some(WsaError::WSAEINVAL), "{}", p.name);
            } else {
                assert_eq!(r.0, Ret::OK, "{}", p.name);
            }
            let Ret::Socket(u) = st
                .socket_create(
                    AddressFamily::AF_INET,
                    SocketType::SOCK_DGRAM,
                    Protocol::IPPROTO_UDP,
                )
                .ret
            else {
                panic!()
            };
            assert_eq!(set(&mut st, u, IDLE, 30).1, Some(WsaError::WSAENOPROTOOPT));
        }
    }

    #[test]
    fn tcp_options_do_not_switch_keepalive_on_a23() {
        for p in PRESETS.iter().filter(|p| has(p.version, IDLE)) {
            let (mut st, s) = stack(p.version, Fidelity::Observed);
            set(&mut st, s, IDLE, 30);
            assert!(!st.socket(s).unwrap().keepalive_enabled());
        }
    }
}
