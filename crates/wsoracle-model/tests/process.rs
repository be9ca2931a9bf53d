//! Process-level conditions, under every preset: before WSAStartup, after the last WSACleanup,
//! with the network down, and with a Winsock 1.1 blocking call in progress. These checks come
//! before everything else, in the order not initialised → network down → blocking call
//! (assumption:A03).

mod common;

use common::*;
use wsoracle_model::codes::WINSOCK_2_2;
use wsoracle_model::outcome::Ret;
use wsoracle_model::rules;
use wsoracle_model::{
    AddressFamily, Fidelity, InBuf, IoctlCode, Level, OptName, Peer, Protocol, SocketHandle,
    SocketState, SocketType, Stack, WsaError,
};

/// Every socket call the model answers with an `int`, on handle `s`, with valid arguments.
fn each_socket_call(
    st: &mut Stack,
    s: SocketHandle,
    mut check: impl FnMut(&str, &wsoracle_model::Outcome),
) {
    check("setsockopt", &set_ka(st, s, &[1, 0, 0, 0], 4));
    check("getsockopt", &get_ka(st, s, &DEADBEEF, 4).outcome);
    check("closesocket", &st.closesocket(s));
    check("bind", &st.bind(s));
    check("listen", &st.listen(s));
    check("ioctlsocket", &st.ioctlsocket(s, IoctlCode::FIONBIO, 1));
    check("connect", &st.connect(s, Peer::Accepts));
    if let Ok(o) = st.accept(s) {
        check("accept", &o);
    }
}

// Tests BEFORE WSAStartup.

#[test]
fn before_startup_socket_is_invalid_socket_with_wsanotinitialised() {
    // wine:E11, primary:P24.
    each_preset(|p| {
        let mut st = fresh(p, Fidelity::Observed);
        let o = st.socket_create(
            AddressFamily::AF_INET,
            SocketType::SOCK_STREAM,
            Protocol::IPPROTO_TCP,
        );
        assert_eq!(
            o.ret,
            Ret::Socket(SocketHandle::INVALID_SOCKET),
            "{}",
            p.name
        );
        assert_eq!(o.error, Some(WsaError::WSANOTINITIALISED));
        assert_eq!(o.rule.id, rules::SOCKET_NOT_INITIALISED.id);
        assert_eq!(o.basis_label(), "observed");
        assert_eq!(st.sockets().count(), 0);
    });
}

#[test]
fn before_startup_cleanup_fails_with_wsanotinitialised() {
    // wine:E11, primary:P25 step 7.
    each_preset(|p| {
        let mut st = fresh(p, Fidelity::Observed);
        fails(&st.wsa_cleanup(), WsaError::WSANOTINITIALISED);
        assert_eq!(st.startup_count(), 0, "{}", p.name);
    });
}

#[test]
fn before_startup_keepalive_calls_fail_with_wsanotinitialised() {
    // so_keepalive#42a54-132 (documented; not tested on Windows: wine:E11, primary:P24).
    // assumption:A03: this check comes before the handle and the arguments.
    each_preset(|p| {
        let mut st = fresh(p, Fidelity::Observed);
        for h in [SocketHandle::INVALID_SOCKET, SocketHandle::from_raw(4)] {
            each_socket_call(&mut st, h, |call, o| {
                fails(o, WsaError::WSANOTINITIALISED);
                assert_eq!(o.rule.id, rules::NOT_INITIALISED.id, "{} {call}", p.name);
                assert_eq!(o.basis_label(), "documented, unverified on real Windows");
            });
            let o = st.setsockopt(h, Level(-1), OptName::SO_KEEPALIVE, InBuf::Null, 4);
            fails(&o, WsaError::WSANOTINITIALISED);
        }
    });
}

#[test]
fn before_startup_wsastartup_version_zero_fails_without_counting() {
    // doc:WSAStartup: a requested version below 1.0 → WSAVERNOTSUPPORTED, returned not set.
    each_preset(|p| {
        let mut st = fresh(p, Fidelity::Observed);
        let o = st.wsa_startup(0x0000);
        assert_eq!(
            o.ret,
            Ret::Int(WsaError::WSAVERNOTSUPPORTED.0),
            "{}",
            p.name
        );
        assert_eq!(o.error, None);
        assert_eq!(st.startup_count(), 0);
    });
}

// Tests AFTER the last WSACleanup.

#[test]
fn after_cleanup_sockets_are_destroyed_and_stay_destroyed() {
    // primary:P25: cleanup destroys every socket; a new WSAStartup does not bring them back
    // (WSAENOTSOCK); the final cleanup returns 0 and one more fails with WSANOTINITIALISED.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let a = tcp_in(&mut st, SocketState::Connected);
        let b = tcp_in(&mut st, SocketState::Listening);
        ok(set_ka(&mut st, a, &[1, 0, 0, 0], 4));
        done(st.wsa_cleanup());
        assert_eq!(st.sockets().count(), 0, "{}", p.name);
        assert_eq!(st.wsa_startup(WINSOCK_2_2).ret, Ret::Int(0));
        for h in [a, b] {
            let g = get_ka(&mut st, h, &DEADBEEF, 4);
            fails(&g.outcome, WsaError::WSAENOTSOCK);
            assert_eq!(g.buf, DEADBEEF);
        }
        done(st.wsa_cleanup());
        fails(&st.wsa_cleanup(), WsaError::WSANOTINITIALISED);
    });
}

#[test]
fn after_cleanup_before_a_new_startup_calls_fail_with_wsanotinitialised() {
    // so_keepalive#42a54-132 (documented; primary:P25 leaves this window untested);
    // assumption:A03.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        done(st.wsa_cleanup());
        each_socket_call(&mut st, s, |call, o| {
            fails(o, WsaError::WSANOTINITIALISED);
            let _ = call;
        });
        assert_eq!(st.sockets().count(), 0, "{}", p.name);
    });
}

#[test]
fn after_a_nested_cleanup_the_outer_startup_still_holds() {
    // primary:P26: WSAStartup/WSACleanup count references.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        assert_eq!(st.wsa_startup(0x0002).ret, Ret::Int(0));
        assert_eq!(st.startup_count(), 2);
        done(st.wsa_cleanup());
        ok(set_ka(&mut st, s, &[1, 0, 0, 0], 4));
        assert!(st.socket(s).unwrap().keepalive_enabled(), "{}", p.name);
    });
}

// Tests with the NETWORK DOWN.

#[test]
fn network_down_calls_fail_with_wsaenetdown() {
    // so_keepalive#42a54-134 (documented); assumption:A03: after WSANOTINITIALISED, before the
    // handle and the arguments.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Connected);
        ok(set_ka(&mut st, s, &[1, 0, 0, 0], 4));
        st.set_condition(Some(true), None);
        for h in [s, SocketHandle::INVALID_SOCKET] {
            each_socket_call(&mut st, h, |call, o| {
                fails(o, WsaError::WSAENETDOWN);
                assert_eq!(o.rule.id, rules::NETWORK_DOWN.id, "{} {call}", p.name);
            });
        }
        let o = st.setsockopt(
            s,
            Level::SOL_SOCKET,
            OptName::SO_KEEPALIVE,
            InBuf::BadPointer,
            4,
        );
        fails(&o, WsaError::WSAENETDOWN);
        // Nothing changed: the socket is still connected with keep-alive on.
        let sock = st.socket(s).unwrap();
        assert_eq!(
            (sock.state(), sock.keepalive_enabled()),
            (SocketState::Connected, true)
        );
        // Not initialised beats network down.
        done(st.wsa_cleanup());
        fails(
            &set_ka(&mut st, s, &[1, 0, 0, 0], 4),
            WsaError::WSANOTINITIALISED,
        );
    });
}

// Tests with a BLOCKING CALL IN PROGRESS.

#[test]
fn blocking_call_in_progress_calls_fail_with_wsaeinprogress() {
    // so_keepalive#42a54-139 (documented); assumption:A03: after network down.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        st.set_condition(None, Some(true));
        for h in [s, SocketHandle::from_raw(7)] {
            each_socket_call(&mut st, h, |call, o| {
                fails(o, WsaError::WSAEINPROGRESS);
                assert_eq!(o.rule.id, rules::IN_PROGRESS.id, "{} {call}", p.name);
            });
        }
        assert_eq!(st.socket(s).unwrap().state(), SocketState::Created);
        st.set_condition(Some(true), None);
        fails(&set_ka(&mut st, s, &[1, 0, 0, 0], 4), WsaError::WSAENETDOWN);
        st.set_condition(Some(false), Some(false));
        ok(set_ka(&mut st, s, &[1, 0, 0, 0], 4));
    });
}

#[test]
fn success_clears_the_last_error_only_for_setsockopt_and_getsockopt() {
    // wine:G12: a successful setsockopt/getsockopt sets the last error to 0.
    // assumption:A12: a successful socket, bind, listen, accept, connect, ioctlsocket,
    // closesocket or WSACleanup leaves it as it was (nothing shows them clearing it).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let others: [&dyn Fn(&mut Stack) -> wsoracle_model::Outcome; 3] = [
            &|st| st.ioctlsocket(s, IoctlCode::FIONBIO, 0),
            &|st| st.bind(s),
            &|st| st.listen(s),
        ];
        for step in others {
            dirty_last_error(&mut st);
            let before = st.last_error();
            done(step(&mut st));
            assert_eq!(st.last_error(), before, "{}", p.name);
        }
        let sockopts: [&dyn Fn(&mut Stack) -> wsoracle_model::Outcome; 2] =
            [&|st| set_ka(st, s, &[1], 1), &|st| {
                get_ka(st, s, &DEADBEEF, 4).outcome
            }];
        for step in sockopts {
            dirty_last_error(&mut st);
            ok(step(&mut st));
            assert_eq!(st.last_error(), WsaError::NO_ERROR, "{}", p.name);
        }
        dirty_last_error(&mut st);
        let before = st.last_error();
        st.incoming(s).unwrap();
        let o = st.accept(s).unwrap();
        assert!(matches!(o.ret, Ret::Socket(h) if !h.is_invalid()));
        assert_eq!((o.error, st.last_error()), (None, before), "{}", p.name);
        done(st.closesocket(s));
        assert_eq!(st.last_error(), before);
    });
}

#[test]
fn versions_before_windows_2000_are_not_modelled() {
    // so_keepalive#42a54-179, 181: never a made-up Winsock error.
    use wsoracle_model::{Config, WindowsVersion};
    for v in [
        WindowsVersion::new(4, 0, 1381),
        WindowsVersion::new(4, 10, 2222),
    ] {
        let mut st = Stack::new(Config::new(v));
        st.wsa_startup(WINSOCK_2_2);
        let o = set_ka(&mut st, SocketHandle::INVALID_SOCKET, &[1, 0, 0, 0], 4);
        assert_eq!((o.ret, o.error), (Ret::NotModelled, None));
        assert_eq!(st.last_error(), WsaError::NO_ERROR);
    }
}
