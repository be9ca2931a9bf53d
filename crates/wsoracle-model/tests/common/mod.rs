//! Shared helpers for the model's integration tests.
//!
//! Every test runs under every preset: [`each_preset`] loops over `wsoracle_model::PRESETS`, so a
//! test cannot quietly cover one profile by accident. The helpers build a socket in each state
//! the documentation names and wrap the C-shaped calls (`set`, `get`) so that a test reads like
//! the Wine table it reproduces: a prefill, a call, the bytes and `*optlen` afterwards.
#![allow(dead_code)] // each test file uses a different subset

use wsoracle_model::codes::WINSOCK_2_2;
use wsoracle_model::outcome::Ret;
use wsoracle_model::version::threshold;
use wsoracle_model::{
    AddressFamily, Config, Fidelity, InBuf, IntPtr, IoctlCode, Level, OptName, Outcome, Peer,
    Preset, Protocol, SocketHandle, SocketState, SocketType, Stack, WindowsVersion, WsaError,
    PRESETS,
};

/// The bytes of `0xdeadbeef` in memory, the Wine tests' prefill.
pub const DEADBEEF: [u8; 4] = [0xef, 0xbe, 0xad, 0xde];

/// Runs `f` once per preset, oldest first, with the preset's name for assertion messages.
#[track_caller]
pub fn each_preset(mut f: impl FnMut(&'static Preset)) {
    assert!(PRESETS.len() >= 11, "the contract names 11 presets");
    for p in PRESETS {
        f(p);
    }
}

/// Windows 2000, XP and Server 2003: the NT 5.x stack (primary:P03, assumption A07).
pub fn legacy(v: WindowsVersion) -> bool {
    !v.at_least(threshold::VISTA)
}

/// Windows 10 21H2 and later: optlen −1 gives WSAENOBUFS (primary:P02 row 4, assumption A02).
pub fn enobufs(v: WindowsVersion) -> bool {
    v.at_least(threshold::OPTLEN_NEGATIVE_ENOBUFS)
}

/// A stack for `p` under `fidelity`, with no WSAStartup yet.
pub fn fresh(p: &Preset, fidelity: Fidelity) -> Stack {
    Stack::new(Config::new(p.version).with_fidelity(fidelity))
}

/// A stack for `p` under `fidelity`, after one successful WSAStartup(2.2).
pub fn started(p: &Preset, fidelity: Fidelity) -> Stack {
    let mut st = fresh(p, fidelity);
    assert_eq!(st.wsa_startup(WINSOCK_2_2).ret, Ret::Int(0), "{}", p.name);
    st
}

/// `socket(af, type, protocol)` that must succeed.
#[track_caller]
pub fn socket(st: &mut Stack, af: AddressFamily, ty: SocketType, proto: Protocol) -> SocketHandle {
    match st.socket_create(af, ty, proto).ret {
        Ret::Socket(h) if !h.is_invalid() => h,
        other => panic!("socket({af}, {ty}, {proto}) gave {other}"),
    }
}

/// `socket(AF_INET, SOCK_STREAM, 0)`, the socket of the Wine table loop (primary:P01).
#[track_caller]
pub fn tcp(st: &mut Stack) -> SocketHandle {
    socket(
        st,
        AddressFamily::AF_INET,
        SocketType::SOCK_STREAM,
        Protocol::IPPROTO_DEFAULT,
    )
}

/// `socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)`.
#[track_caller]
pub fn udp(st: &mut Stack) -> SocketHandle {
    socket(
        st,
        AddressFamily::AF_INET,
        SocketType::SOCK_DGRAM,
        Protocol::IPPROTO_UDP,
    )
}

/// A stream socket in `state`, reached through the calls a program would make:
/// created → `socket`; bound → `bind`; listening → `bind`, `listen`; connecting → FIONBIO 1 and a
/// `connect` to a silent peer (WSAEWOULDBLOCK, wine:E13); connected → a blocking `connect` to a
/// peer that accepts; closed → `closesocket` (the handle is no longer a socket).
#[track_caller]
pub fn tcp_in(st: &mut Stack, state: SocketState) -> SocketHandle {
    let s = tcp(st);
    match state {
        SocketState::Created => {}
        SocketState::Bound => done(st.bind(s)),
        SocketState::Listening => {
            done(st.bind(s));
            done(st.listen(s));
        }
        SocketState::Connecting => {
            done(st.ioctlsocket(s, IoctlCode::FIONBIO, 1));
            let o = st.connect(s, Peer::Silent);
            assert_eq!((o.ret, o.error), (Ret::ERR, Some(WsaError::WSAEWOULDBLOCK)));
        }
        SocketState::Connected => done(st.connect(s, Peer::Accepts)),
        SocketState::Closed => done(st.closesocket(s)),
        SocketState::Dropped => panic!("`dropped` is reached through the timeline"),
    }
    if state != SocketState::Closed {
        assert_eq!(st.socket(s).map(|k| k.state()), Some(state));
    } else {
        assert!(st.socket(s).is_none());
    }
    s
}

/// Asserts a call succeeded: ret 0 and last error 0.
#[track_caller]
pub fn ok(o: Outcome) {
    assert_eq!(
        (o.ret, o.error),
        (Ret::OK, Some(WsaError::NO_ERROR)),
        "{o:?}"
    );
}

/// Asserts a call other than set/getsockopt succeeded: ret 0, and the last error left as it
/// was (assumption A12: only set/getsockopt are shown to clear it, wine:G12).
#[track_caller]
pub fn done(o: Outcome) {
    assert_eq!((o.ret, o.error), (Ret::OK, None), "{o:?}");
}

/// Asserts a call failed with `e`: `SOCKET_ERROR`, or `INVALID_SOCKET` for the calls that
/// return a socket.
#[track_caller]
pub fn fails(o: &Outcome, e: WsaError) {
    let failed = o.ret == Ret::ERR || o.ret == Ret::Socket(SocketHandle::INVALID_SOCKET);
    assert!(failed, "{} returned {} (rule {})", e, o.ret, o.rule.id);
    assert_eq!(o.error, Some(e), "rule {}", o.rule.id);
}

/// Makes a call fail so that the last error is not 0 (the model has no `WSASetLastError`; the
/// Wine tests prefill it with 0xdeadbeef, wine:G12).
pub fn dirty_last_error(st: &mut Stack) {
    let mut b = [0u8; 4];
    let mut l = 4;
    st.getsockopt(
        SocketHandle::from_raw(0xdead_beef),
        Level::SOL_SOCKET,
        OptName::SO_KEEPALIVE,
        wsoracle_model::OutBuf::Bytes(&mut b),
        IntPtr::Value(&mut l),
    );
    assert_ne!(st.last_error(), WsaError::NO_ERROR);
}

/// `setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, bytes, optlen)`.
pub fn set_ka(st: &mut Stack, s: SocketHandle, bytes: &[u8], optlen: i32) -> Outcome {
    st.setsockopt(
        s,
        Level::SOL_SOCKET,
        OptName::SO_KEEPALIVE,
        InBuf::Bytes(bytes),
        optlen,
    )
}

/// What a getsockopt left in the caller's memory.
#[derive(Debug)]
pub struct Got {
    pub outcome: Outcome,
    pub buf: Vec<u8>,
    pub optlen: i32,
}

/// `getsockopt(s, level, optname, buf = prefill, &optlen)`.
pub fn get(
    st: &mut Stack,
    s: SocketHandle,
    level: Level,
    optname: OptName,
    prefill: &[u8],
    optlen: i32,
) -> Got {
    let mut buf = prefill.to_vec();
    let mut len = optlen;
    let outcome = st.getsockopt(
        s,
        level,
        optname,
        wsoracle_model::OutBuf::Bytes(&mut buf),
        IntPtr::Value(&mut len),
    );
    Got {
        outcome,
        buf,
        optlen: len,
    }
}

/// `getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, buf = prefill, &optlen)`.
pub fn get_ka(st: &mut Stack, s: SocketHandle, prefill: &[u8], optlen: i32) -> Got {
    get(
        st,
        s,
        Level::SOL_SOCKET,
        OptName::SO_KEEPALIVE,
        prefill,
        optlen,
    )
}
