//! Property test of the address rules: random sequences of socket / setsockopt (SO_REUSEADDR,
//! SO_EXCLUSIVEADDRUSE, IPV6_V6ONLY) / bind / listen / closesocket over a few addresses and ports,
//! on XP, Server 2003 and Windows 10. After every step:
//!
//! - no two open sockets hold overlapping addresses on one port unless Microsoft's tables allow
//!   it, checked against the tables written below as data (the page's, doc:D-REUSE, and the
//!   observed dual-stack rows of Wine's tests_exclusive, options:O319, O324, primary:P70, P71),
//!   not against the model's own rules;
//! - a failed bind changes nothing: the socket stays unbound (getsockname WSAEINVAL) and every
//!   other socket keeps its address.

use proptest::prelude::*;
use wsoracle_model::outcome::Ret;
use wsoracle_model::{
    AddressFamily, Config, InBuf, Ip, Level, OptName, Protocol, SockAddr, SocketHandle, SocketType,
    Stack, WindowsVersion, WsaError,
};

// ---- the documented tables, as data ------------------------------------------------------------

/// Index: 0 default, 1 SO_REUSEADDR, 2 SO_EXCLUSIVEADDRUSE; then wildcard (0) or specific (1).
/// `true` = the second bind succeeds. doc:D-REUSE, "Windows Server 2003 and later", same user.
const SERVER_2003: [[bool; 6]; 6] = [
    // second: DW     DS     RW     RS     EW     ES
    [false, true, false, true, false, true], // first: default wildcard
    [true, false, true, false, false, false], // default specific
    [false, true, true, true, false, true],  // SO_REUSEADDR wildcard
    [true, false, true, true, false, false], // SO_REUSEADDR specific
    [false, false, false, false, false, false], // SO_EXCLUSIVEADDRUSE wildcard
    [true, false, true, false, false, false], // SO_EXCLUSIVEADDRUSE specific
];

/// doc:D-REUSE, "Windows XP and earlier": only SO_REUSEADDR shares, and not with an exclusive
/// first socket.
const XP: [[bool; 6]; 6] = [
    [false, false, true, true, false, false],
    [false, false, true, true, false, false],
    [false, false, true, true, false, false],
    [false, false, true, true, false, false],
    [false, false, false, false, false, false],
    [false, false, false, false, false, false],
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Share {
    Default,
    Reuse,
    Excl,
}

fn idx(share: Share, wildcard: bool) -> usize {
    (match share {
        Share::Default => 0,
        Share::Reuse => 2,
        Share::Excl => 4,
    }) + usize::from(!wildcard)
}

/// What a bound socket holds on one stack, as the test sees it.
#[derive(Clone, Copy, Debug)]
struct Held {
    v6_stack: bool,
    ip: Ip,
    port: u16,
    stream: bool,
    share: Share,
    /// The IPv4 side of a dual-stack `[::]`.
    shadow: bool,
}

fn held(af6: bool, stream: bool, name: SockAddr, share: Share, v6only: bool) -> Vec<Held> {
    let base = Held {
        v6_stack: false,
        ip: name.ip,
        port: name.port,
        stream,
        share,
        shadow: false,
    };
    match name.ip.as_v4() {
        Some(v4) => vec![Held {
            ip: Ip::V4(v4),
            ..base
        }],
        None => {
            let mut v = vec![Held {
                v6_stack: true,
                ..base
            }];
            if af6 && name.ip == Ip::V6_ANY && !v6only {
                v.push(Held {
                    ip: Ip::V4_ANY,
                    shadow: true,
                    ..base
                });
            }
            v
        }
    }
}

fn overlap(a: &Held, b: &Held) -> bool {
    a.v6_stack == b.v6_stack
        && a.stream == b.stream
        && a.port == b.port
        && (a.ip == b.ip || a.ip.is_unspecified() || b.ip.is_unspecified())
}

/// May `second` (bound later) hold its place beside `first`?
fn allowed(xp: bool, first: &Held, second: &Held) -> bool {
    let wild = |h: &Held| h.ip.is_unspecified();
    let cell = |f: &Held, s: &Held, s_wild: bool| {
        let t = if xp { &XP } else { &SERVER_2003 };
        t[idx(f.share, wild(f))][idx(s.share, s_wild)]
    };
    match (first.shadow, second.shadow) {
        (false, false) => cell(first, second, wild(second)),
        // Observed (options:O324; primary:P70 rows 10 and 14, P71): a dual-stack [::] keeps
        // IPv4 binds off only when it is exclusive.
        (true, false) => first.share != Share::Excl,
        // Observed (options:O319): an exclusive dual-stack bind fails beside an IPv4 socket;
        // otherwise the table's wildcard column decides only for an exclusive first socket.
        (false, true) => {
            second.share != Share::Excl && (first.share != Share::Excl || cell(first, second, true))
        }
        (true, true) => true,
    }
}

// ---- the generated steps -----------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Op {
    Socket { v6: bool, stream: bool },
    Reuse(usize, bool),
    Excl(usize, bool),
    V6Only(usize, bool),
    Bind(usize, usize, usize),
    Listen(usize),
    Close(usize),
}

const V4_NAMES: [&str; 3] = ["0.0.0.0", "127.0.0.1", "127.0.0.2"];
const V6_NAMES: [&str; 4] = ["::", "::1", "::ffff:127.0.0.1", "::ffff:0.0.0.0"];
const PORTS: [u16; 3] = [5000, 5001, 0];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<bool>(), any::<bool>()).prop_map(|(v6, stream)| Op::Socket { v6, stream }),
        (0..6usize, any::<bool>()).prop_map(|(k, on)| Op::Reuse(k, on)),
        (0..6usize, any::<bool>()).prop_map(|(k, on)| Op::Excl(k, on)),
        (0..6usize, any::<bool>()).prop_map(|(k, on)| Op::V6Only(k, on)),
        (0..6usize, 0..4usize, 0..3usize).prop_map(|(k, a, p)| Op::Bind(k, a, p)),
        (0..6usize).prop_map(Op::Listen),
        (0..6usize).prop_map(Op::Close),
    ]
}

/// One socket as the test tracks it.
#[derive(Clone, Debug)]
struct Tracked {
    h: SocketHandle,
    v6: bool,
    stream: bool,
    open: bool,
    /// Its places, once bound, in bind order (`seq`).
    bound: Option<(u64, Vec<Held>)>,
}

fn flag(st: &mut Stack, h: SocketHandle, level: Level, name: OptName, on: bool) {
    st.setsockopt(h, level, name, InBuf::Bytes(&[u8::from(on), 0, 0, 0]), 4);
}

fn get_flag(st: &mut Stack, h: SocketHandle, level: Level, name: OptName) -> Option<bool> {
    let mut buf = [0u8; 4];
    let mut len = 4;
    let o = st.getsockopt(
        h,
        level,
        name,
        wsoracle_model::OutBuf::Bytes(&mut buf),
        wsoracle_model::IntPtr::Value(&mut len),
    );
    (o.ret == Ret::OK).then_some(buf[0] != 0)
}

fn run(version: WindowsVersion, ops: &[Op]) -> Result<(), TestCaseError> {
    let xp = !version.at_least(WindowsVersion::new(5, 2, 0));
    let vista = version.at_least(WindowsVersion::new(6, 0, 0));
    let mut st = Stack::new(Config::new(version).with_elevated(true));
    st.wsa_startup(0x0202);
    let mut socks: Vec<Tracked> = Vec::new();
    let mut seq = 0u64;
    for op in ops {
        let pick = |k: usize, socks: &Vec<Tracked>| (!socks.is_empty()).then(|| k % socks.len());
        match *op {
            Op::Socket { v6, stream } => {
                if socks.len() >= 6 {
                    continue;
                }
                let af = if v6 {
                    AddressFamily::AF_INET6
                } else {
                    AddressFamily::AF_INET
                };
                let ty = if stream {
                    SocketType::SOCK_STREAM
                } else {
                    SocketType::SOCK_DGRAM
                };
                let Ret::Socket(h) = st.socket_create(af, ty, Protocol::IPPROTO_DEFAULT).ret else {
                    return Err(TestCaseError::fail("socket failed"));
                };
                socks.push(Tracked {
                    h,
                    v6,
                    stream,
                    open: true,
                    bound: None,
                });
            }
            Op::Reuse(k, on) | Op::Excl(k, on) | Op::V6Only(k, on) => {
                let Some(i) = pick(k, &socks) else { continue };
                let (level, name) = match op {
                    Op::Reuse(..) => (Level::SOL_SOCKET, OptName::SO_REUSEADDR),
                    Op::Excl(..) => (Level::SOL_SOCKET, OptName::SO_EXCLUSIVEADDRUSE),
                    _ => (Level::IPPROTO_IPV6, OptName::IPV6_V6ONLY),
                };
                flag(&mut st, socks[i].h, level, name, on);
            }
            Op::Listen(k) => {
                let Some(i) = pick(k, &socks) else { continue };
                st.listen(socks[i].h);
            }
            Op::Close(k) => {
                let Some(i) = pick(k, &socks) else { continue };
                st.closesocket(socks[i].h);
                socks[i].open = false;
                socks[i].bound = None;
            }
            Op::Bind(k, a, p) => {
                let Some(i) = pick(k, &socks) else { continue };
                let t = socks[i].clone();
                let text = if t.v6 {
                    format!("[{}]:{}", V6_NAMES[a % 4], PORTS[p])
                } else {
                    format!("{}:{}", V4_NAMES[a % 3], PORTS[p])
                };
                let name: SockAddr = text.parse().map_err(TestCaseError::fail)?;
                let reuse = get_flag(&mut st, t.h, Level::SOL_SOCKET, OptName::SO_REUSEADDR);
                let excl = get_flag(
                    &mut st,
                    t.h,
                    Level::SOL_SOCKET,
                    OptName::SO_EXCLUSIVEADDRUSE,
                );
                let v6only = !vista
                    || get_flag(&mut st, t.h, Level::IPPROTO_IPV6, OptName::IPV6_V6ONLY)
                        .unwrap_or(true);
                let before: Vec<Option<SockAddr>> =
                    socks.iter().map(|s| st.getsockname(s.h).1).collect();
                let o = st.bind_name(t.h, Some(name));
                let after: Vec<Option<SockAddr>> =
                    socks.iter().map(|s| st.getsockname(s.h).1).collect();
                if o.ret == Ret::OK {
                    let got = after[i].ok_or_else(|| TestCaseError::fail("bound, no name"))?;
                    let share = if excl == Some(true) {
                        Share::Excl
                    } else if reuse == Some(true) {
                        Share::Reuse
                    } else {
                        Share::Default
                    };
                    seq += 1;
                    socks[i].bound = Some((seq, held(t.v6, t.stream, got, share, v6only)));
                    for j in (0..socks.len()).filter(|&j| j != i) {
                        prop_assert_eq!(before[j], after[j], "bind moved another socket");
                    }
                } else {
                    // A failed bind (or one not modelled) changes nothing.
                    prop_assert_eq!(&before, &after, "a failed bind changed an address");
                    if o.ret == Ret::ERR && before[i].is_none() && t.open {
                        let (g, _) = st.getsockname(t.h);
                        prop_assert_eq!(g.error, Some(WsaError::WSAEINVAL));
                    }
                }
            }
        }
        // No two open sockets share a place the tables forbid.
        let bound: Vec<&(u64, Vec<Held>)> = socks
            .iter()
            .filter(|s| s.open)
            .filter_map(|s| s.bound.as_ref())
            .collect();
        for x in &bound {
            for y in &bound {
                if x.0 >= y.0 {
                    continue;
                }
                for first in &x.1 {
                    for second in &y.1 {
                        if overlap(first, second) {
                            prop_assert!(
                                allowed(xp, first, second),
                                "{first:?} then {second:?} share a port the tables forbid ({ops:?})"
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn no_two_sockets_share_what_the_tables_forbid_and_failed_binds_change_nothing(
        which in 0..3usize,
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        let version = [
            WindowsVersion::new(5, 1, 2600),
            WindowsVersion::new(5, 2, 3790),
            WindowsVersion::new(10, 0, 19044),
        ][which];
        run(version, &ops)?;
    }
}
