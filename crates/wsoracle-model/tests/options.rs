//! The option table: the generic read-back property over every stored option, the five
//! short-length classes, and the facts of single options, each under every preset. The ids are
//! those of docs/evidence-options.md (`options:O…`) and docs/evidence-primary.md.

mod common;

use common::*;
use wsoracle_model::outcome::Ret;
use wsoracle_model::sockopt::def::{Access, DefaultValue, LenClass, Sockets, ValueKind};
use wsoracle_model::sockopt::store::Slot;
use wsoracle_model::sockopt::table::OPTIONS;
use wsoracle_model::version::threshold;
use wsoracle_model::{
    Duration, Fidelity, InBuf, Level, OptName, Peer, SocketHandle, SocketState, Stack, WsaError,
};

fn set(st: &mut Stack, s: SocketHandle, level: Level, o: OptName, bytes: &[u8], len: i32) -> Ret {
    st.setsockopt(s, level, o, InBuf::Bytes(bytes), len).ret
}

fn set_err(
    st: &mut Stack,
    s: SocketHandle,
    level: Level,
    o: OptName,
    bytes: &[u8],
    len: i32,
) -> Option<WsaError> {
    st.setsockopt(s, level, o, InBuf::Bytes(bytes), len).error
}

const SOL: Level = Level::SOL_SOCKET;
const TCP: Level = Level::IPPROTO_TCP;

/// Every stored option with a known default, on the socket kind it fits, under both fidelities:
/// a successful set of 0, 1, 0x100 or 0x12345 reads back as the value kind normalises it.
#[test]
fn a_successful_set_reads_back_as_the_value_kind_normalises_it() {
    let mut checked = 0;
    each_preset(|p| {
        for fidelity in Fidelity::ALL {
            for def in OPTIONS.iter().filter(|d| {
                d.slot != Slot::None
                    && d.access == Access::ReadWrite
                    && !matches!(d.default, DefaultValue::Unknown)
                    && d.class != LenClass::A
                    && d.optname != OptName::SO_DONTLINGER
            }) {
                let mut st = started(p, fidelity);
                let s = if def.sockets == Sockets::Datagram {
                    udp(&mut st)
                } else {
                    tcp(&mut st)
                };
                for v in [0u32, 1, 0x100, 0x12345] {
                    if set(&mut st, s, def.level, def.optname, &v.to_le_bytes(), 4) != Ret::OK {
                        continue;
                    }
                    let g = get(&mut st, s, def.level, def.optname, &[0xcc; 4], 4);
                    if g.outcome.rule.id == "getsockopt.so-timeouts.documented" {
                        continue; // the getsockopt page does not support reading them
                    }
                    assert_eq!(
                        g.outcome.ret,
                        Ret::OK,
                        "{} {} {}",
                        p.name,
                        fidelity,
                        def.name
                    );
                    let want = def.value.normalise(v).to_le_bytes();
                    assert_eq!(
                        (g.buf.as_slice(), g.optlen),
                        (&want[..], 4),
                        "{} {} {} {v:#x}",
                        p.name,
                        fidelity,
                        def.name
                    );
                    checked += 1;
                }
            }
        }
    });
    assert!(checked > 500, "only {checked} read-backs checked");
}

/// options:O001–O005: class B at SOL_SOCKET: short sets use their bytes, a short get reports 1
/// and writes optlen bytes; optlen 0 and −1 are accepted; 0x100 reads back 1.
#[test]
fn class_b_sol_socket_short_lengths() {
    each_preset(|p| {
        if legacy(p.version) {
            return;
        }
        let mut st = started(p, Fidelity::Observed);
        let u = udp(&mut st);
        let o = OptName::SO_BROADCAST;
        assert_eq!(set(&mut st, u, SOL, o, &[1], 1), Ret::OK);
        let g = get(&mut st, u, SOL, o, &DEADBEEF, 1);
        assert_eq!(
            (g.buf.clone(), g.optlen),
            (vec![0x01, 0xbe, 0xad, 0xde], 1),
            "{}",
            p.name
        );
        assert_eq!(set(&mut st, u, SOL, o, &[1, 0], 2), Ret::OK);
        let g = get(&mut st, u, SOL, o, &DEADBEEF, 2);
        assert_eq!(
            (g.buf.clone(), g.optlen),
            (vec![0x01, 0x00, 0xad, 0xde], 1),
            "{}",
            p.name
        );
        assert_eq!(set(&mut st, u, SOL, o, &[0, 1, 0, 0], 4), Ret::OK);
        let g = get(&mut st, u, SOL, o, &DEADBEEF, 4);
        assert_eq!(
            (g.buf.clone(), g.optlen),
            (vec![1, 0, 0, 0], 4),
            "{}",
            p.name
        );
        assert_eq!(set(&mut st, u, SOL, o, &[1, 0, 0, 0], 0), Ret::OK); // options:O003
        assert_eq!(set(&mut st, u, SOL, o, &[1, 0, 0, 0], -1), Ret::OK); // options:O002
    });
}

/// Classes C and D: a short set fails; a short get fails, zeroing its bytes (C) or not (D).
#[test]
fn classes_c_and_d_are_strict() {
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        for (o, zeroed) in [
            (OptName::SO_SNDBUF, true),
            (OptName::SO_LINGER, true),
            (OptName::SO_RCVTIMEO, false),
        ] {
            assert_eq!(
                set_err(&mut st, s, SOL, o, &[1, 0], 2),
                Some(WsaError::WSAEFAULT),
                "{} {o}",
                p.name
            );
            assert_eq!(
                set(&mut st, s, SOL, o, &[1, 0, 0, 0], -1),
                Ret::OK,
                "{} {o}",
                p.name
            );
            let g = get(&mut st, s, SOL, o, &DEADBEEF, 2);
            fails(&g.outcome, WsaError::WSAEFAULT);
            let want = if zeroed {
                vec![0, 0, 0xad, 0xde]
            } else {
                DEADBEEF.to_vec()
            };
            assert_eq!((g.buf, g.optlen), (want, 2), "{} {o}", p.name);
        }
    });
}

/// options:O014: SO_LINGER's l_onoff is stored as given; SO_DONTLINGER reads its inverse and
/// writes it, keeping l_linger (doc:D-SOL).
#[test]
fn linger_is_stored_as_given_and_dontlinger_is_its_inverse() {
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let g = get(&mut st, s, SOL, OptName::SO_DONTLINGER, &[0; 4], 4);
        assert_eq!(
            g.buf,
            vec![1, 0, 0, 0],
            "{}: fresh sockets do not linger",
            p.name
        );
        assert_eq!(
            set(&mut st, s, SOL, OptName::SO_LINGER, &[0, 1, 0x2b, 0x02], 4),
            Ret::OK
        );
        let g = get(&mut st, s, SOL, OptName::SO_LINGER, &DEADBEEF, 4);
        assert_eq!(g.buf, vec![0, 1, 0x2b, 0x02], "{}", p.name);
        let g = get(&mut st, s, SOL, OptName::SO_DONTLINGER, &[0; 4], 4);
        assert_eq!(g.buf, vec![0, 0, 0, 0], "{}", p.name);
        assert_eq!(
            set(&mut st, s, SOL, OptName::SO_DONTLINGER, &[1, 0, 0, 0], 4),
            Ret::OK
        );
        let g = get(&mut st, s, SOL, OptName::SO_LINGER, &DEADBEEF, 4);
        assert_eq!(g.buf, vec![0, 0, 0x2b, 0x02], "{}", p.name);
        // primary:P41: not on a datagram socket.
        let u = udp(&mut st);
        fails(
            &get(&mut st, u, SOL, OptName::SO_LINGER, &DEADBEEF, 4).outcome,
            WsaError::WSAENOPROTOOPT,
        );
    });
}

/// report:arvidn/libtorrent#1981: SO_REUSEADDR and SO_EXCLUSIVEADDRUSE exclude each other, the
/// later set failing with WSAEINVAL; switching the first off lets the other on. The process is
/// elevated: up to XP only an administrator may use SO_EXCLUSIVEADDRUSE (doc:D-REUSE; a standard
/// user's set is not modelled: A64).
#[test]
fn reuseaddr_and_exclusiveaddruse_exclude_each_other() {
    each_preset(|p| {
        let mut st = Stack::new(
            wsoracle_model::Config::new(p.version)
                .with_fidelity(Fidelity::Observed)
                .with_elevated(true),
        );
        st.wsa_startup(0x0202);
        let s = tcp(&mut st);
        let one = [1, 0, 0, 0];
        assert_eq!(
            set(&mut st, s, SOL, OptName::SO_REUSEADDR, &one, 4),
            Ret::OK
        );
        assert_eq!(
            set_err(&mut st, s, SOL, OptName::SO_EXCLUSIVEADDRUSE, &one, 4),
            Some(WsaError::WSAEINVAL),
            "{}",
            p.name
        );
        assert_eq!(
            set(&mut st, s, SOL, OptName::SO_REUSEADDR, &[0; 4], 4),
            Ret::OK
        );
        assert_eq!(
            set(&mut st, s, SOL, OptName::SO_EXCLUSIVEADDRUSE, &one, 4),
            Ret::OK
        );
        assert_eq!(
            set_err(&mut st, s, SOL, OptName::SO_REUSEADDR, &one, 4),
            Some(WsaError::WSAEINVAL),
            "{}",
            p.name
        );
    });
}

/// options:O066: TCP_NODELAY is a BOOLEAN: 0x100 sets FALSE, a get writes one byte.
#[test]
fn tcp_nodelay_reads_the_first_byte() {
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        for (bytes, len, want) in [
            ([1u8, 0, 0, 0], 4, 1u8),
            ([0, 1, 0, 0], 4, 0),
            ([1, 0, 0, 0], 1, 1),
        ] {
            assert_eq!(
                set(&mut st, s, TCP, OptName::TCP_NODELAY, &bytes, len),
                Ret::OK
            );
            let g = get(&mut st, s, TCP, OptName::TCP_NODELAY, &DEADBEEF, 4);
            assert_eq!(
                (g.buf[0], &g.buf[1..], g.optlen),
                (want, &DEADBEEF[1..], 1),
                "{}",
                p.name
            );
        }
        // A datagram socket has no TCP options (assumption A40).
        let u = udp(&mut st);
        assert_eq!(
            set_err(&mut st, u, TCP, OptName::TCP_NODELAY, &[1, 0, 0, 0], 4),
            Some(WsaError::WSAENOPROTOOPT)
        );
    });
}

/// A41: from Vista on, an IPPROTO_TCP option fails with WSAEINVAL while a connect is in
/// progress; SO_ERROR is still read.
#[test]
fn protocol_level_options_fail_while_connecting() {
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Connecting);
        let e = set_err(&mut st, s, TCP, OptName::TCP_NODELAY, &[1, 0, 0, 0], 4);
        let g = get(&mut st, s, TCP, OptName::TCP_NODELAY, &DEADBEEF, 4);
        if legacy(p.version) {
            assert_eq!(
                (e, g.outcome.ret),
                (Some(WsaError::NO_ERROR), Ret::OK),
                "{}",
                p.name
            );
        } else {
            assert_eq!(e, Some(WsaError::WSAEINVAL), "{}", p.name);
            fails(&g.outcome, WsaError::WSAEINVAL);
        }
        assert_eq!(
            get(&mut st, s, SOL, OptName::SO_ERROR, &DEADBEEF, 4)
                .outcome
                .ret,
            Ret::OK
        );
    });
}

/// options:O369: accept copies the listener's options.
#[test]
fn accept_copies_the_listeners_options() {
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let l = tcp(&mut st);
        let v = [0x23, 0x01, 0, 0];
        for o in [
            OptName::SO_SNDBUF,
            OptName::SO_RCVBUF,
            OptName::SO_SNDTIMEO,
            OptName::SO_RCVTIMEO,
        ] {
            assert_eq!(set(&mut st, l, SOL, o, &v, 4), Ret::OK);
        }
        for o in [OptName::SO_REUSEADDR, OptName::SO_OOBINLINE] {
            assert_eq!(set(&mut st, l, SOL, o, &[1, 0, 0, 0], 4), Ret::OK);
        }
        assert_eq!(
            set(&mut st, l, TCP, OptName::TCP_NODELAY, &[1, 0, 0, 0], 4),
            Ret::OK
        );
        assert_eq!(
            set(&mut st, l, SOL, OptName::SO_LINGER, &[1, 0, 0x2b, 0x02], 4),
            Ret::OK
        );
        st.bind(l);
        st.listen(l);
        st.incoming(l).expect("incoming");
        let Ret::Socket(a) = st.accept(l).expect("accept").ret else {
            panic!()
        };
        for o in [
            OptName::SO_SNDBUF,
            OptName::SO_RCVBUF,
            OptName::SO_SNDTIMEO,
            OptName::SO_RCVTIMEO,
        ] {
            assert_eq!(
                get(&mut st, a, SOL, o, &[0; 4], 4).buf,
                v.to_vec(),
                "{} {o}",
                p.name
            );
        }
        for o in [OptName::SO_REUSEADDR, OptName::SO_OOBINLINE] {
            assert_eq!(
                get(&mut st, a, SOL, o, &[0; 4], 4).buf,
                vec![1, 0, 0, 0],
                "{} {o}",
                p.name
            );
        }
        assert_eq!(
            get(&mut st, a, TCP, OptName::TCP_NODELAY, &[0; 4], 4).buf[0],
            1
        );
        assert_eq!(
            get(&mut st, a, SOL, OptName::SO_LINGER, &[0; 4], 4).buf,
            vec![1, 0, 0x2b, 0x02]
        );
        // SO_ACCEPTCONN is not copied: it is computed (options:O370).
        assert_eq!(
            get(&mut st, a, SOL, OptName::SO_ACCEPTCONN, &[0; 4], 4).buf,
            vec![0; 4]
        );
        assert_eq!(
            get(&mut st, l, SOL, OptName::SO_ACCEPTCONN, &[0; 4], 4).buf,
            vec![1, 0, 0, 0]
        );
    });
}

/// options:O363, O364: SO_CONNECT_TIME counts whole seconds of virtual time from the connection;
/// a socket that is not connected reads 0xFFFFFFFF.
#[test]
fn connect_time_counts_virtual_seconds() {
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        assert_eq!(
            get(&mut st, s, SOL, OptName::SO_CONNECT_TIME, &[0; 4], 4).buf,
            vec![0xff; 4]
        );
        assert_eq!(st.connect(s, Peer::Accepts).ret, Ret::OK);
        assert_eq!(
            get(&mut st, s, SOL, OptName::SO_CONNECT_TIME, &[0xcc; 4], 4).buf,
            vec![0; 4]
        );
        st.advance(Duration::from_millis(90_500));
        assert_eq!(
            get(&mut st, s, SOL, OptName::SO_CONNECT_TIME, &[0xcc; 4], 4).buf,
            vec![90, 0, 0, 0],
            "{}",
            p.name
        );
        let u = udp(&mut st);
        assert_eq!(
            get(&mut st, u, SOL, OptName::SO_CONNECT_TIME, &[0; 4], 4).buf,
            vec![0xff; 4]
        );
    });
}

/// Read-only options: SO_TYPE (options:O371, primary:P43), SO_ACCEPTCONN (options:O370); the
/// per-thread SO_OPENTYPE answers whatever the handle (primary:P12, options:O063).
#[test]
fn read_only_and_per_thread_options() {
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let u = udp(&mut st);
        assert_eq!(
            get(&mut st, u, SOL, OptName::SO_TYPE, &[0; 4], 4).buf,
            vec![2, 0, 0, 0]
        );
        assert_eq!(
            set_err(&mut st, s, SOL, OptName::SO_TYPE, &[1, 0, 0, 0], 4),
            Some(WsaError::WSAENOPROTOOPT)
        );
        assert_eq!(
            set_err(&mut st, u, SOL, OptName::SO_TYPE, &[1, 0, 0, 0], 4),
            Some(WsaError::WSAEINVAL)
        );
        assert_eq!(
            set_err(&mut st, s, SOL, OptName::SO_ACCEPTCONN, &[1, 0, 0, 0], 4),
            Some(WsaError::WSAENOPROTOOPT)
        );
        let file = SocketHandle::from_raw(0x1234);
        assert_eq!(
            set(&mut st, file, SOL, OptName::SO_OPENTYPE, &[8, 0, 0, 0], 4),
            Ret::OK,
            "{}",
            p.name
        );
        let g = get(
            &mut st,
            SocketHandle::INVALID_SOCKET,
            SOL,
            OptName::SO_OPENTYPE,
            &DEADBEEF,
            -1,
        );
        assert_eq!(
            (g.outcome.ret, g.buf, g.optlen),
            (Ret::OK, vec![8, 0, 0, 0], 4),
            "{}",
            p.name
        );
    });
}

/// Availability follows the descriptors: TCP_FASTOPEN from 1607, TCP_MAXRT from Vista,
/// SO_REUSE_UNICASTPORT from Windows 10; before, WSAENOPROTOOPT.
#[test]
fn options_appear_with_their_versions() {
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        for (level, o, first) in [
            (TCP, OptName::TCP_FASTOPEN, threshold::WIN10_1607),
            (TCP, OptName::TCP_MAXRT, threshold::VISTA),
            (SOL, OptName::SO_REUSE_UNICASTPORT, threshold::WIN10),
        ] {
            let e = set_err(&mut st, s, level, o, &[1, 0, 0, 0], 4);
            let want = if p.version.at_least(first) {
                WsaError::NO_ERROR
            } else {
                WsaError::WSAENOPROTOOPT
            };
            assert_eq!(e, Some(want), "{} {o}", p.name);
        }
    });
}

/// Every descriptor is consistent: a class-A option is a flag, a bounded one has a bound, and a
/// stored option has a place.
#[test]
fn descriptors_are_consistent() {
    for def in OPTIONS {
        if def.class == LenClass::A {
            assert_eq!(def.value, ValueKind::Flag, "{}", def.name);
        }
        assert!(!def.summary.is_empty(), "{} has no summary", def.name);
        assert!(def.rules().all(|r| !r.sources.is_empty()), "{}", def.name);
    }
}

/// doc:D-CLOSE, assumption A50: closesocket names the close SO_LINGER asks for and succeeds at
/// once.
#[test]
fn closesocket_names_the_close_linger_asks_for() {
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        for (linger, rule) in [
            (None, "closesocket.ok"),
            (Some([1u8, 0, 0, 0]), "closesocket.abortive"),
            (Some([1, 0, 30, 0]), "closesocket.linger"),
            (Some([0, 0, 30, 0]), "closesocket.ok"),
        ] {
            let s = tcp(&mut st);
            if let Some(l) = linger {
                assert_eq!(set(&mut st, s, SOL, OptName::SO_LINGER, &l, 4), Ret::OK);
            }
            let out = st.closesocket(s);
            assert_eq!(
                (out.ret, out.rule.id),
                (Ret::OK, rule),
                "{} {linger:?}",
                p.name
            );
        }
    });
}

/// options:O368: a blocking recv with SO_RCVTIMEO set and nothing to read completes with
/// WSAETIMEDOUT when the time-out runs out, in virtual time; a keep-alive drop that comes first
/// completes it with the drop's error instead.
#[test]
fn so_rcvtimeo_times_a_blocking_recv_out_in_virtual_time() {
    use wsoracle_model::ioctl::tcp_keepalive_bytes;
    use wsoracle_model::{IntPtr, IoctlCode, OutBuf, WsaIoctlArgs};
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        assert_eq!(st.connect(s, Peer::Accepts).ret, Ret::OK);
        assert_eq!(
            set(&mut st, s, SOL, OptName::SO_RCVTIMEO, &[100, 0, 0, 0], 4),
            Ret::OK
        );
        let out = st.recv(s, 1);
        assert_eq!(
            (out.ret, out.rule.id),
            (Ret::Pending, "recv.pending.timeout")
        );
        assert!(
            st.advance(Duration::from_millis(99)).is_empty(),
            "{}",
            p.name
        );
        let done = st.advance(Duration::from_millis(1));
        assert_eq!(done.len(), 1, "{}", p.name);
        assert_eq!((done[0].error, done[0].at.0), (WsaError::WSAETIMEDOUT, 100));
        // The socket stays connected; a second recv waits again.
        assert_eq!(st.recv(s, 1).ret, Ret::Pending);
        assert_eq!(st.advance(Duration::from_millis(100)).len(), 1);

        // A keep-alive drop before the time-out: the recv fails with the drop's error.
        let k = tcp(&mut st);
        assert_eq!(st.connect(k, Peer::Accepts).ret, Ret::OK);
        let vals = tcp_keepalive_bytes(1, 1, 1);
        let mut returned = 0u32;
        st.wsa_ioctl(WsaIoctlArgs {
            s: k,
            code: IoctlCode::SIO_KEEPALIVE_VALS,
            in_buf: InBuf::Bytes(&vals),
            cb_in: 12,
            out_buf: OutBuf::Null,
            cb_out: 0,
            bytes_returned: IntPtr::Value(&mut returned),
            overlapped: false,
            completion_routine: false,
        });
        assert_eq!(
            set(
                &mut st,
                k,
                SOL,
                OptName::SO_RCVTIMEO,
                &[0xe8, 0x03, 0, 0],
                4
            ),
            Ret::OK
        );
        st.set_peer(k, Peer::Silent).expect("peer");
        assert_eq!(st.recv(k, 1).ret, Ret::Pending);
        let done = st.advance(Duration::from_millis(5_000));
        assert_eq!(done.len(), 1, "{}", p.name);
        assert_ne!(done[0].error, WsaError::WSAETIMEDOUT, "{}", p.name);
        assert!(done[0].at.0 < 1_200, "{}: {:?}", p.name, done[0]);
    });
}
