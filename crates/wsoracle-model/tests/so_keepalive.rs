//! `setsockopt`/`getsockopt(SOL_SOCKET, SO_KEEPALIVE)` by socket state, under every preset.
//!
//! Each test loops over every preset (`each_preset`) and states the per-version expectation:
//! Server 2003 and earlier (the NT 5.x stack, primary:P03, assumption:A07), Vista up to Windows 10
//! 21H1, and Windows 10 21H2 and later (the optlen −1 split, primary:P02 row 4, assumption:A02).
//! Buffers are written as bytes in memory order; `ef be ad de` is the Wine prefill 0xdeadbeef.
//!
//! The tests here run under `observed` fidelity unless their name says `documented`; the
//! `documented` section at the end checks each promise of the page, and `fidelities_` tests
//! check that `Outcome.other` marks the calls on which the two disagree.

mod common;

use common::*;
use wsoracle_model::outcome::Ret;
use wsoracle_model::rules;
use wsoracle_model::{
    Fidelity, InBuf, IntPtr, Level, OptName, OutBuf, Peer, SocketHandle, SocketState, WsaError,
};

/// The bytes the Wine table expects after a getsockopt(SO_KEEPALIVE) with a `0xdeadbeef`
/// prefill and `*optlen` 1, 2 or 4, when keep-alive is `on`, under `observed` fidelity.
fn expected_get(v: wsoracle_model::WindowsVersion, optlen: i32, on: bool) -> ([u8; 4], i32) {
    let b = u8::from(on);
    if !legacy(v) {
        // wine:K03, K08, K09, K11, primary:P02: one BOOLEAN byte, *optlen 1.
        return ([b, 0xbe, 0xad, 0xde], 1);
    }
    // primary:P03: *optlen bytes of the DWORD below 4 (reported as 1), the DWORD and 4 from 4 on.
    match optlen {
        1 => ([b, 0xbe, 0xad, 0xde], 1),
        2 => ([b, 0, 0xad, 0xde], 1),
        _ => ([b, 0, 0, 0], 4),
    }
}

// Tests for the CREATED state (a fresh `socket(AF_INET, SOCK_STREAM, 0)`, the socket of the
// Wine table loop, primary:P01).

#[test]
fn created_getsockopt_keepalive_default_is_off() {
    // wine:K01 (get with optlen 4 succeeds), primary:P30 (the default reads 0),
    // so_keepalive#42a54-152 (off by default).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        ok(g.outcome);
        assert_eq!(
            (g.buf, g.optlen),
            expected_get(p.version, 4, false).into_vec(),
            "{}",
            p.name
        );
        // primary:P30: .NET reads into a zeroed int and sees 0.
        let g = get_ka(&mut st, s, &[0; 4], 4);
        assert_eq!(g.buf, [0, 0, 0, 0], "{}", p.name);
    });
}

#[test]
fn created_setsockopt_keepalive_eight_bytes_succeeds_and_clears_the_last_error() {
    // wine:K02, wine:G12, primary:P02 row 2, primary:P03 row 2.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        dirty_last_error(&mut st);
        let o = set_ka(&mut st, s, &[1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], 8);
        ok(o);
        assert_eq!(st.last_error(), WsaError::NO_ERROR, "{}", p.name);
        assert!(st.socket(s).unwrap().keepalive_enabled(), "{}", p.name);
    });
}

#[test]
fn created_getsockopt_keepalive_eight_byte_buffer_reports_one_from_vista_on_and_four_on_2003() {
    // wine:K03 (win7+: optlen 1; 2003: optlen 4), primary:P02 row 3, primary:P03 row 3.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        ok(set_ka(&mut st, s, &[1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], 8));
        let prefill = [0xef, 0xbe, 0xad, 0xde, 0xef, 0xbe, 0xad, 0xde];
        let g = get_ka(&mut st, s, &prefill, 8);
        ok(g.outcome);
        if legacy(p.version) {
            assert_eq!(g.optlen, 4, "{}", p.name);
            assert_eq!(g.buf, [1, 0, 0, 0, 0xef, 0xbe, 0xad, 0xde], "{}", p.name);
        } else {
            // The high dword is "either left untouched (more often) or zeroed"; the model
            // leaves it untouched.
            assert_eq!(g.optlen, 1, "{}", p.name);
            assert_eq!(
                g.buf,
                [1, 0xbe, 0xad, 0xde, 0xef, 0xbe, 0xad, 0xde],
                "{}",
                p.name
            );
        }
    });
}

#[test]
fn created_setsockopt_keepalive_optlen_minus_one_splits_by_version() {
    // primary:P02 row 4 (WSAENOBUFS on 21H2+, WSAEFAULT Win7..21H1), primary:P03 row 4 (2003
    // succeeds), wine:G03; assumption:A01 (Vista like Win7), A02 (threshold 10.0.19044), A07.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let o = set_ka(&mut st, s, &[1, 0, 0, 0], -1);
        let on = st.socket(s).unwrap().keepalive_enabled();
        if legacy(p.version) {
            ok(o);
            assert_eq!(o.rule.id, rules::KEEPALIVE_SET_OPTLEN_NEGATIVE_2003.id);
            assert!(
                on,
                "{}: the −1 set reads the DWORD and takes effect",
                p.name
            );
        } else if enobufs(p.version) {
            fails(&o, WsaError::WSAENOBUFS);
            assert!(
                !on,
                "{}: a failed set changes nothing (primary:P09)",
                p.name
            );
        } else {
            fails(&o, WsaError::WSAEFAULT);
            assert!(!on, "{}", p.name);
        }
    });
}

#[test]
fn created_setsockopt_keepalive_optlen_minus_one_threshold_is_build_19044() {
    // assumption:A02: any version gets an answer; the threshold is 10.0.19044 with no UBR.
    use wsoracle_model::{Config, Stack, WindowsVersion};
    for (v, e) in [
        (
            WindowsVersion::new(10, 0, 19043).with_ubr(9999),
            WsaError::WSAEFAULT,
        ),
        (WindowsVersion::new(10, 0, 19044), WsaError::WSAENOBUFS),
        (
            WindowsVersion::new(10, 0, 19041).with_ubr(1),
            WsaError::WSAEFAULT,
        ),
        (WindowsVersion::new(10, 0, 22631), WsaError::WSAENOBUFS),
        (WindowsVersion::new(6, 3, 9600), WsaError::WSAEFAULT),
    ] {
        let mut st = Stack::new(Config::new(v));
        st.wsa_startup(0x0202);
        let s = tcp(&mut st);
        fails(&set_ka(&mut st, s, &[1, 0, 0, 0], -1), e);
    }
}

#[test]
fn created_getsockopt_keepalive_optlen_minus_one_fails_and_leaves_optlen() {
    // primary:P02 row 5, primary:P03 row 5, wine:G04: WSAEFAULT, optlen stays −1.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let g = get_ka(&mut st, s, &DEADBEEF, -1);
        fails(&g.outcome, WsaError::WSAEFAULT);
        assert_eq!((g.buf, g.optlen), (DEADBEEF.to_vec(), -1), "{}", p.name);
        assert_eq!(g.outcome.written.optlen, None);
    });
}

#[test]
fn created_setsockopt_keepalive_optlen_zero_fails() {
    // wine:K06, primary:P02 row 6, primary:P03 row 6: WSAEFAULT on every version.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let o = set_ka(&mut st, s, &[1, 0, 0, 0], 0);
        fails(&o, WsaError::WSAEFAULT);
        assert_eq!(o.rule.id, rules::KEEPALIVE_SET_OPTLEN_ZERO.id, "{}", p.name);
        assert!(!st.socket(s).unwrap().keepalive_enabled());
    });
}

#[test]
fn created_getsockopt_keepalive_optlen_zero_fails() {
    // wine:K07, wine:G05, primary:P02 row 7: WSAEFAULT; the model leaves *optlen and the buffer.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let g = get_ka(&mut st, s, &DEADBEEF, 0);
        fails(&g.outcome, WsaError::WSAEFAULT);
        assert_eq!((g.buf, g.optlen), (DEADBEEF.to_vec(), 0), "{}", p.name);
    });
}

#[test]
fn created_setsockopt_keepalive_0x100_is_off_from_vista_on_and_on_for_2003() {
    // wine:K08, divergence D3, primary:P02 rows 8–9 (00 be ad de, optlen 1), primary:P03 rows
    // 8–9 (01 00 00 00, optlen 4).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        ok(set_ka(&mut st, s, &[1, 0, 0, 0], 4));
        dirty_last_error(&mut st);
        ok(set_ka(&mut st, s, &[0x00, 0x01, 0x00, 0x00], 4));
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        ok(g.outcome);
        if legacy(p.version) {
            assert_eq!((g.buf, g.optlen), (vec![1, 0, 0, 0], 4), "{}", p.name);
        } else {
            assert_eq!(
                (g.buf, g.optlen),
                (vec![0, 0xbe, 0xad, 0xde], 1),
                "{}",
                p.name
            );
        }
    });
}

#[test]
fn created_keepalive_optlen_one_sets_and_gets_one_byte() {
    // wine:K09, primary:P02 row 10a, primary:P03 row 10a: the same on every version.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        ok(set_ka(&mut st, s, &[1], 1));
        let g = get_ka(&mut st, s, &DEADBEEF, 1);
        ok(g.outcome);
        assert_eq!(
            (g.buf, g.optlen),
            (vec![1, 0xbe, 0xad, 0xde], 1),
            "{}",
            p.name
        );
    });
}

#[test]
fn created_keepalive_optlen_two_writes_one_byte_from_vista_on_and_two_on_2003() {
    // primary:P02 row 10b (01 be ad de, optlen 1), primary:P03 row 10b (01 00 ad de, optlen 1:
    // two bytes written, one reported).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        ok(set_ka(&mut st, s, &[1, 0], 2));
        let g = get_ka(&mut st, s, &DEADBEEF, 2);
        ok(g.outcome);
        let (buf, len) = expected_get(p.version, 2, true);
        assert_eq!((g.buf, g.optlen), (buf.to_vec(), len), "{}", p.name);
    });
}

#[test]
fn created_keepalive_optlen_four_writes_one_byte_from_vista_on_and_the_dword_on_2003() {
    // wine:K11, primary:P02 row 10c, primary:P03 row 10c.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        ok(set_ka(&mut st, s, &[1, 0, 0, 0], 4));
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        ok(g.outcome);
        let (buf, len) = expected_get(p.version, 4, true);
        assert_eq!((g.buf, g.optlen), (buf.to_vec(), len), "{}", p.name);
    });
}

#[test]
fn created_setsockopt_keepalive_optlen_three_is_accepted() {
    // Divergence D1: optlen 1, 2, 4 and 8 are observed; 3 by inference (issue 2).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        ok(set_ka(&mut st, s, &[1, 0, 0], 3));
        assert!(st.socket(s).unwrap().keepalive_enabled(), "{}", p.name);
    });
}

#[test]
fn created_keepalive_runs_the_wine_table_sequence() {
    // primary:P01 (the exact sequence, one socket), primary:P02 (win7+ expectations),
    // primary:P03 (2003 expectations), wine:K01–K11, wine:G12.
    each_preset(|p| {
        let v = p.version;
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        // 1. Read the saved value.
        let save = get_ka(&mut st, s, &[0; 4], 4);
        ok(save.outcome);
        // 2. Set with an 8-byte buffer.
        ok(set_ka(&mut st, s, &[1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], 8));
        // 3. Get with an 8-byte buffer.
        let g = get_ka(&mut st, s, &[0xcc; 8], 8);
        ok(g.outcome);
        assert_eq!(g.optlen, if legacy(v) { 4 } else { 1 }, "{} step 3", p.name);
        // 4. Set with optlen −1.
        let o = set_ka(&mut st, s, &[1, 0, 0, 0], -1);
        match (legacy(v), enobufs(v)) {
            (true, _) => ok(o),
            (false, true) => fails(&o, WsaError::WSAENOBUFS),
            (false, false) => fails(&o, WsaError::WSAEFAULT),
        }
        // 5. Get with optlen −1.
        let g = get_ka(&mut st, s, &DEADBEEF, -1);
        fails(&g.outcome, WsaError::WSAEFAULT);
        assert_eq!(g.optlen, -1, "{} step 5", p.name);
        // 6. Set with optlen 0.
        fails(&set_ka(&mut st, s, &[1, 0, 0, 0], 0), WsaError::WSAEFAULT);
        // 7. Get with optlen 0.
        fails(
            &get_ka(&mut st, s, &DEADBEEF, 0).outcome,
            WsaError::WSAEFAULT,
        );
        // 8. Set 0x100.
        dirty_last_error(&mut st);
        ok(set_ka(&mut st, s, &[0, 1, 0, 0], 4));
        // 9. Read 0x100 back.
        dirty_last_error(&mut st);
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        ok(g.outcome);
        let want = expected_get(v, 4, legacy(v));
        assert_eq!(
            (g.buf, g.optlen),
            (want.0.to_vec(), want.1),
            "{} step 9",
            p.name
        );
        // 10. optlen 1, 2 and 4, set then get with the same optlen.
        for size in [1, 2, 4] {
            dirty_last_error(&mut st);
            ok(set_ka(&mut st, s, &[1, 0, 0, 0], size));
            dirty_last_error(&mut st);
            let g = get_ka(&mut st, s, &DEADBEEF, size);
            ok(g.outcome);
            let want = expected_get(v, size, true);
            assert_eq!(
                (g.buf, g.optlen),
                (want.0.to_vec(), want.1),
                "{} step 10, size {size}",
                p.name
            );
        }
        // 11. Restore.
        ok(set_ka(&mut st, s, &save.buf, 4));
        assert!(!st.socket(s).unwrap().keepalive_enabled(), "{}", p.name);
    });
}

#[test]
fn created_setsockopt_keepalive_null_optval_fails() {
    // wine:G10, primary:P15, so_keepalive#42a54-136: NULL with optlen 4 and with optlen 0.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        for optlen in [4, 0, -1] {
            let o = st.setsockopt(
                s,
                Level::SOL_SOCKET,
                OptName::SO_KEEPALIVE,
                InBuf::Null,
                optlen,
            );
            fails(&o, WsaError::WSAEFAULT);
            assert_eq!(o.rule.id, rules::SETSOCKOPT_OPTVAL_NULL.id, "{}", p.name);
        }
    });
}

#[test]
fn created_setsockopt_keepalive_integer_as_pointer_fails() {
    // wine:G11, primary:P14: `(char*)1` with optlen 1 → WSAEFAULT.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let o = st.setsockopt(
            s,
            Level::SOL_SOCKET,
            OptName::SO_KEEPALIVE,
            InBuf::BadPointer,
            1,
        );
        fails(&o, WsaError::WSAEFAULT);
        assert_eq!(o.rule.id, rules::SETSOCKOPT_OPTVAL_BAD_POINTER.id);
    });
}

#[test]
fn created_getsockopt_keepalive_null_pointers_fail_and_write_nothing() {
    // so_keepalive#42a54-136 (documented): a NULL optval or optlen pointer is WSAEFAULT.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let mut len = 4;
        let o = st.getsockopt(
            s,
            Level::SOL_SOCKET,
            OptName::SO_KEEPALIVE,
            OutBuf::Null,
            IntPtr::Value(&mut len),
        );
        fails(&o, WsaError::WSAEFAULT);
        assert_eq!(len, 4, "{}", p.name);
        let mut buf = DEADBEEF;
        let o = st.getsockopt(
            s,
            Level::SOL_SOCKET,
            OptName::SO_KEEPALIVE,
            OutBuf::Bytes(&mut buf),
            IntPtr::Null,
        );
        fails(&o, WsaError::WSAEFAULT);
        assert_eq!(buf, DEADBEEF, "{}", p.name);
        assert_eq!(o.basis_label(), "documented, unverified on real Windows");
    });
}

#[test]
fn created_sockopt_bad_level_is_wsaeinval() {
    // wine:E05, primary:P13, so_keepalive#42a54-141.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let t = tcp(&mut st);
        let u = udp(&mut st);
        for level in [
            -1,
            0x1234ffff,
            0x8000ffff_u32 as i32,
            0x0000_8000,
            0x0000_0800,
        ] {
            let o = st.setsockopt(
                t,
                Level(level),
                OptName::SO_RCVTIMEO,
                InBuf::Bytes(&[0; 4]),
                4,
            );
            fails(&o, WsaError::WSAEINVAL);
            let o = set_ka_level(&mut st, t, Level(level));
            fails(&o, WsaError::WSAEINVAL);
            let g = get(
                &mut st,
                u,
                Level(level),
                OptName::SO_MAX_MSG_SIZE,
                &DEADBEEF,
                4,
            );
            fails(&g.outcome, WsaError::WSAEINVAL);
            assert_eq!(g.buf, DEADBEEF, "{}", p.name);
        }
    });
}

fn set_ka_level(
    st: &mut wsoracle_model::Stack,
    s: SocketHandle,
    level: Level,
) -> wsoracle_model::Outcome {
    st.setsockopt(
        s,
        level,
        OptName::SO_KEEPALIVE,
        InBuf::Bytes(&[1, 0, 0, 0]),
        4,
    )
}

#[test]
fn created_sockopt_unknown_optname_is_wsaenoprotoopt() {
    // wine:E06, primary:P13: optname −1 at IPPROTO_IP / IPPROTO_IPV6 on TCP and UDP sockets,
    // with a 256-byte buffer; so_keepalive#42a54-144.
    use wsoracle_model::{AddressFamily, Protocol, SocketType};
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        for (af, level) in [
            (AddressFamily::AF_INET, Level::IPPROTO_IP),
            (AddressFamily::AF_INET6, Level::IPPROTO_IPV6),
        ] {
            for ty in [SocketType::SOCK_STREAM, SocketType::SOCK_DGRAM] {
                let s = socket(&mut st, af, ty, Protocol::IPPROTO_DEFAULT);
                let g = get(&mut st, s, level, OptName(-1), &[0xcc; 256], 256);
                fails(&g.outcome, WsaError::WSAENOPROTOOPT);
                assert_eq!((g.buf, g.optlen), (vec![0xcc; 256], 256), "{}", p.name);
            }
        }
        // At SOL_SOCKET a number no option has is WSAEINVAL from Vista on (measured on Windows
        // 11: doc:SNARE; the option page's WSAEINVAL for SO_RCVLOWAT: doc:D-SOL; assumption A42),
        // WSAENOPROTOOPT before.
        let s = tcp(&mut st);
        let g = get(&mut st, s, Level::SOL_SOCKET, OptName(-1), &DEADBEEF, 4);
        let want = if p
            .version
            .at_least(wsoracle_model::version::threshold::VISTA)
        {
            WsaError::WSAEINVAL
        } else {
            WsaError::WSAENOPROTOOPT
        };
        fails(&g.outcome, want);
    });
}

#[test]
fn created_setsockopt_keepalive_failed_set_leaves_the_value() {
    // primary:P09 (a failed set leaves the option unchanged; shown for TCP_NODELAY, applied to
    // SO_KEEPALIVE by inference), decide-then-apply.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        ok(set_ka(&mut st, s, &[1, 0, 0, 0], 4));
        fails(&set_ka(&mut st, s, &[0, 0, 0, 0], 0), WsaError::WSAEFAULT);
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        assert_eq!(g.buf[0], 1, "{}", p.name);
    });
}

#[test]
fn created_setsockopt_keepalive_optlen_past_the_buffer_is_wsaefault() {
    // assumption:A05: an optlen larger than the memory the caller gave reads outside it.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let o = set_ka(&mut st, s, &[1], 4);
        fails(&o, WsaError::WSAEFAULT);
        assert_eq!(o.rule.id, rules::OPTLEN_PAST_BUFFER.id);
        let g = get_ka(&mut st, s, &[0xcc; 2], 4);
        fails(&g.outcome, WsaError::WSAEFAULT);
        assert_eq!((g.buf, g.optlen), (vec![0xcc; 2], 4), "{}", p.name);
    });
}

#[test]
fn created_datagram_keepalive_is_wsaenoprotoopt_unverified() {
    // so_keepalive#42a54-145, 156; wine:K14 (no Windows test: documented only), divergence D5;
    // assumption:A09 (the type check comes before the length checks).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = udp(&mut st);
        for optlen in [4, 1, 0, -1] {
            let o = set_ka(&mut st, s, &[1, 0, 0, 0], optlen);
            fails(&o, WsaError::WSAENOPROTOOPT);
            assert_eq!(o.rule.id, rules::KEEPALIVE_DATAGRAM.id);
            assert_eq!(o.basis_label(), "documented, unverified on real Windows");
            assert!(o.other.is_none(), "{}: both fidelities agree", p.name);
        }
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        fails(&g.outcome, WsaError::WSAENOPROTOOPT);
        assert_eq!(g.buf, DEADBEEF);
    });
}

// Tests for the BOUND state.

#[test]
fn bound_keepalive_round_trips() {
    // so_keepalive#42a54-149, 151; wine:K11 (the bytes), primary:P17 (set before listen).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Bound);
        ok(set_ka(&mut st, s, &[1, 0, 0, 0], 4));
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        ok(g.outcome);
        let want = expected_get(p.version, 4, true);
        assert_eq!((g.buf, g.optlen), (want.0.to_vec(), want.1), "{}", p.name);
    });
}

#[test]
fn bound_bind_again_is_wsaeinval() {
    // doc:bind.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Bound);
        fails(&st.bind(s), WsaError::WSAEINVAL);
        assert_eq!(st.socket(s).unwrap().state(), SocketState::Bound);
    });
}

// Tests for the LISTENING state.

#[test]
fn listening_accept_inherits_keepalive() {
    // primary:P17: SO_KEEPALIVE 1 (optlen 4) set before bind and listen; the accepted socket
    // reads back 1 into a zeroed int with optlen 4.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let l = tcp(&mut st);
        ok(set_ka(&mut st, l, &[1, 0, 0, 0], 4));
        done(st.bind(l));
        done(st.listen(l));
        st.incoming(l).unwrap();
        let o = st.accept(l).unwrap();
        let Ret::Socket(server) = o.ret else {
            panic!("{o:?}")
        };
        assert_eq!(st.last_error(), WsaError::NO_ERROR);
        assert_eq!(st.socket(server).unwrap().state(), SocketState::Connected);
        let g = get_ka(&mut st, server, &[0; 4], 4);
        ok(g.outcome);
        assert_eq!(
            u32::from_le_bytes(g.buf.try_into().unwrap()),
            1,
            "{}",
            p.name
        );
    });
}

#[test]
fn listening_accept_inherits_non_blocking_mode() {
    // assumption:A14: every option of the listener is inherited, not only SO_KEEPALIVE.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let l = tcp_in(&mut st, SocketState::Listening);
        done(st.ioctlsocket(l, wsoracle_model::IoctlCode::FIONBIO, 1));
        fails(&st.accept(l).unwrap(), WsaError::WSAEWOULDBLOCK);
        st.incoming(l).unwrap();
        let Ret::Socket(a) = st.accept(l).unwrap().ret else {
            panic!()
        };
        let sock = st.socket(a).unwrap();
        assert!(
            sock.non_blocking() && !sock.keepalive_enabled(),
            "{}",
            p.name
        );
    });
}

#[test]
fn listening_listen_again_succeeds_and_bad_listens_fail() {
    // primary:P18: a second listen succeeds; listen on UDP → WSAEOPNOTSUPP; listen on an
    // unbound TCP socket → WSAEINVAL.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let l = tcp_in(&mut st, SocketState::Listening);
        done(st.listen(l));
        let u = udp(&mut st);
        done(st.bind(u));
        fails(&st.listen(u), WsaError::WSAEOPNOTSUPP);
        let t = tcp(&mut st);
        fails(&st.listen(t), WsaError::WSAEINVAL);
        assert_eq!(
            st.socket(t).unwrap().state(),
            SocketState::Created,
            "{}",
            p.name
        );
    });
}

#[test]
fn listening_setsockopt_keepalive_succeeds() {
    // so_keepalive#42a54-169: listening is a well-known state (no Windows test: wine §9).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let l = tcp_in(&mut st, SocketState::Listening);
        ok(set_ka(&mut st, l, &[1], 1));
        assert!(st.socket(l).unwrap().keepalive_enabled(), "{}", p.name);
    });
}

// Tests for the CONNECTING state (a non-blocking connect that returned WSAEWOULDBLOCK).

#[test]
fn connecting_connect_again_is_wsaealready() {
    // wine:E13, primary:P19.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Connecting);
        fails(&st.connect(s, Peer::Silent), WsaError::WSAEALREADY);
        assert_eq!(
            st.socket(s).unwrap().state(),
            SocketState::Connecting,
            "{}",
            p.name
        );
    });
}

#[test]
fn connecting_setsockopt_keepalive_is_wsaeinval_from_vista_on_and_allowed_on_2003() {
    // so_keepalive#42a54-142, 169, 170, 171, 172 (Vista+ WSAEINVAL) and 173 (allowed up to
    // 2003); divergence D6: never tested on Windows (wine:E13, primary:P19), so the answer is
    // documented and unverified under observed fidelity.
    for fidelity in Fidelity::ALL {
        each_preset(|p| {
            let mut st = started(p, fidelity);
            let s = tcp_in(&mut st, SocketState::Connecting);
            let o = set_ka(&mut st, s, &[1, 0, 0, 0], 4);
            if legacy(p.version) {
                ok(o);
                assert_eq!(o.rule.id, rules::KEEPALIVE_SET_CONNECTING_LEGACY.id);
                assert!(st.socket(s).unwrap().keepalive_enabled(), "{}", p.name);
            } else {
                fails(&o, WsaError::WSAEINVAL);
                assert_eq!(o.rule.id, rules::KEEPALIVE_SET_CONNECTING.id);
                assert!(!st.socket(s).unwrap().keepalive_enabled(), "{}", p.name);
            }
            if fidelity == Fidelity::Observed {
                assert_eq!(o.basis_label(), "documented, unverified on real Windows");
            }
        });
    }
}

#[test]
fn connecting_setsockopt_keepalive_argument_errors_come_before_the_state_check() {
    // assumption:A10: optlen 0 (wine:K06) and NULL optval (wine:G10) win over WSAEINVAL.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Connecting);
        fails(&set_ka(&mut st, s, &[1, 0, 0, 0], 0), WsaError::WSAEFAULT);
        let o = st.setsockopt(s, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, InBuf::Null, 4);
        fails(&o, WsaError::WSAEFAULT);
        assert_eq!(
            st.socket(s).unwrap().state(),
            SocketState::Connecting,
            "{}",
            p.name
        );
    });
}

#[test]
fn connecting_getsockopt_keepalive_succeeds() {
    // so_keepalive#42a54-169 restricts setting only; reading follows wine:K11's bytes.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Connecting);
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        ok(g.outcome);
        let want = expected_get(p.version, 4, false);
        assert_eq!((g.buf, g.optlen), (want.0.to_vec(), want.1), "{}", p.name);
    });
}

#[test]
fn connecting_refused_completion_leaves_so_error_until_a_connect_succeeds() {
    // primary:P20: SO_ERROR is WSAECONNREFUSED and reading it does not clear it; a new connect
    // does not reset it; a successful connection does.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        done(st.ioctlsocket(s, wsoracle_model::IoctlCode::FIONBIO, 1));
        fails(&st.connect(s, Peer::Refuses), WsaError::WSAEWOULDBLOCK);
        st.complete_connect(s).unwrap();
        assert_eq!(st.socket(s).unwrap().state(), SocketState::Bound);
        let refused = (WsaError::WSAECONNREFUSED.0 as u32).to_le_bytes().to_vec();
        for _ in 0..2 {
            let g = get(
                &mut st,
                s,
                Level::SOL_SOCKET,
                OptName::SO_ERROR,
                &DEADBEEF,
                4,
            );
            ok(g.outcome);
            assert_eq!(
                (g.buf.clone(), g.optlen),
                (refused.clone(), 4),
                "{}",
                p.name
            );
        }
        fails(&st.connect(s, Peer::Accepts), WsaError::WSAEWOULDBLOCK);
        let g = get(
            &mut st,
            s,
            Level::SOL_SOCKET,
            OptName::SO_ERROR,
            &DEADBEEF,
            4,
        );
        assert_eq!(g.buf, refused, "{}", p.name);
        st.complete_connect(s).unwrap();
        assert_eq!(st.socket(s).unwrap().state(), SocketState::Connected);
        let g = get(
            &mut st,
            s,
            Level::SOL_SOCKET,
            OptName::SO_ERROR,
            &DEADBEEF,
            4,
        );
        assert_eq!(g.buf, [0, 0, 0, 0], "{}", p.name);
    });
}

// Tests for the CONNECTED state.

#[test]
fn connected_keepalive_round_trips() {
    // so_keepalive#42a54-151 (setsockopt turns keep-alive on), wine:K09/K11 bytes.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Connected);
        ok(set_ka(&mut st, s, &[1], 1));
        let g = get_ka(&mut st, s, &DEADBEEF, 1);
        ok(g.outcome);
        assert_eq!(
            (g.buf, g.optlen),
            (vec![1, 0xbe, 0xad, 0xde], 1),
            "{}",
            p.name
        );
        ok(set_ka(&mut st, s, &[0, 0, 0, 0], 4));
        assert!(!st.socket(s).unwrap().keepalive_enabled(), "{}", p.name);
    });
}

#[test]
fn connected_connect_again_is_wsaeisconn() {
    // primary:P21.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Connected);
        fails(&st.connect(s, Peer::Accepts), WsaError::WSAEISCONN);
        assert_eq!(
            st.socket(s).unwrap().state(),
            SocketState::Connected,
            "{}",
            p.name
        );
    });
}

#[test]
fn connected_failed_blocking_connect_leaves_state_and_so_error() {
    // primary:P20 (a blocking connect to a refusing peer gives WSAECONNREFUSED and SO_ERROR
    // reads 0 afterwards); assumption:A13 (the socket's state is unchanged).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Bound);
        fails(&st.connect(s, Peer::Refuses), WsaError::WSAECONNREFUSED);
        fails(&st.connect(s, Peer::Silent), WsaError::WSAETIMEDOUT);
        assert_eq!(
            st.socket(s).unwrap().state(),
            SocketState::Bound,
            "{}",
            p.name
        );
        let g = get(
            &mut st,
            s,
            Level::SOL_SOCKET,
            OptName::SO_ERROR,
            &DEADBEEF,
            4,
        );
        assert_eq!(g.buf, [0, 0, 0, 0], "{}", p.name);
        done(st.connect(s, Peer::Accepts));
    });
}

// Tests for the CLOSED state (the handle a closesocket returned).

#[test]
fn closed_getsockopt_so_error_fails_and_leaves_the_buffer() {
    // wine:E01, primary:P10: i = 1234 stays 1234; WSAENOTSOCK.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Closed);
        let i = 1234u32.to_le_bytes();
        let g = get(&mut st, s, Level::SOL_SOCKET, OptName::SO_ERROR, &i, 4);
        fails(&g.outcome, WsaError::WSAENOTSOCK);
        assert_eq!((g.buf, g.optlen), (i.to_vec(), 4), "{}", p.name);
    });
}

#[test]
fn closed_keepalive_calls_are_wsaenotsock() {
    // so_keepalive#42a54-147, wine:E01.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp_in(&mut st, SocketState::Closed);
        fails(&set_ka(&mut st, s, &[1, 0, 0, 0], 4), WsaError::WSAENOTSOCK);
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        fails(&g.outcome, WsaError::WSAENOTSOCK);
        assert_eq!(g.buf, DEADBEEF);
        fails(&st.closesocket(s), WsaError::WSAENOTSOCK);
        // A new socket may reuse the slot; the old handle still names nothing.
        let t = tcp(&mut st);
        assert_ne!(s, t, "{}", p.name);
        fails(&set_ka(&mut st, s, &[1, 0, 0, 0], 4), WsaError::WSAENOTSOCK);
        assert!(!st.socket(t).unwrap().keepalive_enabled());
    });
}

// Tests for handles that are NOT A SOCKET (never issued, raw integers, INVALID_SOCKET).

#[test]
fn not_a_socket_invalid_socket_beats_null_pointers_in_getsockopt() {
    // primary:P11: WSAENOTSOCK, not WSAEFAULT, and *optlen unchanged.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        for optname in [OptName::SO_PROTOCOL_INFOA, OptName::SO_KEEPALIVE] {
            let o = st.getsockopt(
                SocketHandle::INVALID_SOCKET,
                Level::SOL_SOCKET,
                optname,
                OutBuf::Null,
                IntPtr::Null,
            );
            fails(&o, WsaError::WSAENOTSOCK);
            let g = get(
                &mut st,
                SocketHandle::INVALID_SOCKET,
                Level::SOL_SOCKET,
                optname,
                &[0; 8],
                8,
            );
            fails(&g.outcome, WsaError::WSAENOTSOCK);
            assert_eq!((g.buf, g.optlen), (vec![0; 8], 8), "{}", p.name);
        }
    });
}

#[test]
fn not_a_socket_beats_an_unknown_optname_in_getsockopt() {
    // primary:P12 (a file handle passed as SOCKET), primary:P16 (0 and 0xdeadbeef).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        for raw in [0, 4, 0xdead_beef] {
            let h = SocketHandle::from_raw(raw);
            for optname in [OptName(-1), OptName::SO_TYPE, OptName::SO_KEEPALIVE] {
                let g = get(&mut st, h, Level::SOL_SOCKET, optname, &[0; 256], 256);
                fails(&g.outcome, WsaError::WSAENOTSOCK);
            }
            fails(&st.listen(h), WsaError::WSAENOTSOCK);
        }
        let _ = p;
    });
}

#[test]
fn not_a_socket_setsockopt_is_wsaenotsock() {
    // so_keepalive#42a54-147 (no Windows test for setsockopt: primary:P13).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        for h in [SocketHandle::INVALID_SOCKET, SocketHandle::from_raw(0)] {
            let o = set_ka(&mut st, h, &[1, 0, 0, 0], 4);
            fails(&o, WsaError::WSAENOTSOCK);
            // A bad level on a bad handle: the handle is checked first (assumption:A10 order).
            let o = set_ka_level(&mut st, h, Level(-1));
            fails(&o, WsaError::WSAENOTSOCK);
        }
        let _ = p;
    });
}

#[test]
fn not_a_socket_setsockopt_null_optval_beats_the_handle_check() {
    // assumption:A04 (wine:W03 and wine:R01 probe optval first; no Windows test).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let h = SocketHandle::INVALID_SOCKET;
        let o = st.setsockopt(h, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, InBuf::Null, 4);
        fails(&o, WsaError::WSAEFAULT);
        let o = st.setsockopt(
            h,
            Level::SOL_SOCKET,
            OptName::SO_KEEPALIVE,
            InBuf::BadPointer,
            1,
        );
        fails(&o, WsaError::WSAEFAULT);
        assert!(o.rule.cites(&wsoracle_model::Source::Assumption("A04")));
        // With optlen 0 the pointer is not probed: the handle check answers.
        let o = st.setsockopt(h, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, InBuf::Null, 0);
        fails(&o, WsaError::WSAENOTSOCK);
        let _ = p;
    });
}

// Tests under `documented` fidelity: what the page promises.

#[test]
fn documented_setsockopt_keepalive_optlen_below_a_dword_is_wsaefault() {
    // so_keepalive#42a54-121, 125, 137.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Documented);
        let s = tcp(&mut st);
        for optlen in [-1, 0, 1, 2, 3] {
            let o = set_ka(&mut st, s, &[1, 0, 0, 0], optlen);
            fails(&o, WsaError::WSAEFAULT);
            assert_eq!(o.basis_label(), "documented", "{}", p.name);
        }
        assert!(!st.socket(s).unwrap().keepalive_enabled());
        ok(set_ka(&mut st, s, &[1, 0, 0, 0], 4));
        ok(set_ka(&mut st, s, &[0, 0, 0, 0, 1, 1, 1, 1], 8));
        assert!(!st.socket(s).unwrap().keepalive_enabled(), "{}", p.name);
    });
}

#[test]
fn documented_keepalive_is_a_four_byte_bool() {
    // so_keepalive#42a54-122 (non-zero enables), 105, 149: getsockopt writes the DWORD, optlen 4.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Documented);
        let s = tcp(&mut st);
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        ok(g.outcome);
        assert_eq!(
            (g.buf, g.optlen),
            (vec![0, 0, 0, 0], 4),
            "{} default off",
            p.name
        );
        ok(set_ka(&mut st, s, &[0, 1, 0, 0], 4));
        let g = get_ka(&mut st, s, &[0xcc; 8], 8);
        ok(g.outcome);
        assert_eq!(g.buf, [1, 0, 0, 0, 0xcc, 0xcc, 0xcc, 0xcc], "{}", p.name);
        assert_eq!(g.optlen, 4);
    });
}

#[test]
fn documented_getsockopt_keepalive_optlen_below_a_dword_is_wsaefault() {
    // so_keepalive#42a54-125, 137.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Documented);
        let s = tcp(&mut st);
        for optlen in [1, 2, 3] {
            let g = get_ka(&mut st, s, &DEADBEEF, optlen);
            fails(&g.outcome, WsaError::WSAEFAULT);
            assert_eq!((g.buf, g.optlen), (DEADBEEF.to_vec(), optlen), "{}", p.name);
        }
    });
}

#[test]
fn documented_datagram_keepalive_is_wsaenoprotoopt() {
    // so_keepalive#42a54-145, 156.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Documented);
        let s = udp(&mut st);
        let o = set_ka(&mut st, s, &[1, 0, 0, 0], 4);
        fails(&o, WsaError::WSAENOPROTOOPT);
        assert_eq!(o.basis_label(), "documented", "{}", p.name);
        fails(
            &get_ka(&mut st, s, &DEADBEEF, 4).outcome,
            WsaError::WSAENOPROTOOPT,
        );
    });
}

#[test]
fn documented_success_returns_zero_and_failure_socket_error() {
    // so_keepalive#42a54-127, 128.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Documented);
        let s = tcp(&mut st);
        let o = set_ka(&mut st, s, &[1, 0, 0, 0], 4);
        assert_eq!(o.ret, Ret::Int(0), "{}", p.name);
        let o = set_ka(&mut st, s, &[1, 0, 0, 0], 2);
        assert_eq!(o.ret, Ret::Int(-1), "{}", p.name);
        assert_eq!(st.last_error(), WsaError::WSAEFAULT);
    });
}

// Tests that `Outcome.other` marks the calls on which the two fidelities disagree.

#[test]
fn fidelities_disagree_on_a_short_optlen() {
    // Divergence D1: observed accepts optlen 1 (wine:K09), documented rejects it (42a54-137).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let o = set_ka(&mut st, s, &[1], 1);
        ok(o);
        let other = o.other.expect("documented differs");
        assert_eq!(
            (other.ret, other.error),
            (Ret::ERR, Some(WsaError::WSAEFAULT)),
            "{}",
            p.name
        );
        assert!(o.fidelities_differ());

        let mut st = started(p, Fidelity::Documented);
        let s = tcp(&mut st);
        let o = set_ka(&mut st, s, &[1], 1);
        fails(&o, WsaError::WSAEFAULT);
        let other = o.other.expect("observed differs");
        assert_eq!(other.ret, Ret::OK, "{}", p.name);
    });
}

#[test]
fn fidelities_disagree_on_the_getsockopt_bytes_from_vista_on_only() {
    // Divergence D2: win7+ writes one byte and optlen 1 (wine:K11); 2003 writes the DWORD and 4
    // (primary:P03), which is what the page promises, so the fidelities agree there.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        ok(set_ka(&mut st, s, &[1, 0, 0, 0], 4));
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        if legacy(p.version) {
            assert!(g.outcome.other.is_none(), "{}", p.name);
        } else {
            let other = g.outcome.other.expect("documented writes a DWORD");
            assert_eq!(
                (other.written.data(), other.written.optlen),
                (&[1, 0, 0, 0][..], Some(4))
            );
        }
    });
}

#[test]
fn fidelities_disagree_on_0x100_from_vista_on_only() {
    // Divergence D3, wine:K08.
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        ok(set_ka(&mut st, s, &[0, 1, 0, 0], 4));
        // The set itself returns 0 under both fidelities: same observable answer.
        let g = get_ka(&mut st, s, &DEADBEEF, 4);
        assert_eq!(g.outcome.other.is_some(), !legacy(p.version), "{}", p.name);
    });
}

#[test]
fn fidelities_agree_where_the_evidence_confirms_the_page() {
    // wine:K06 (optlen 0 → WSAEFAULT matches 42a54-137), E01 (closed socket).
    each_preset(|p| {
        for fidelity in Fidelity::ALL {
            let mut st = started(p, fidelity);
            let s = tcp(&mut st);
            let o = set_ka(&mut st, s, &[1, 0, 0, 0], 0);
            fails(&o, WsaError::WSAEFAULT);
            assert!(o.other.is_none(), "{} {fidelity}", p.name);
            done(st.closesocket(s));
            assert!(get_ka(&mut st, s, &DEADBEEF, 4).outcome.other.is_none());
        }
    });
}

#[test]
fn fidelities_disagree_on_optlen_minus_one_by_version() {
    // primary:P02 row 4 vs 42a54-137: on Vista..21H1 both say WSAEFAULT (agree); from 21H2 on
    // observed says WSAENOBUFS; on 2003 observed succeeds (primary:P03 row 4).
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let s = tcp(&mut st);
        let o = set_ka(&mut st, s, &[1, 0, 0, 0], -1);
        let differs = legacy(p.version) || enobufs(p.version);
        assert_eq!(o.other.is_some(), differs, "{}", p.name);
    });
}

// The basis label of documented-only rules.

#[test]
fn documented_rules_say_unverified_under_observed_fidelity() {
    use wsoracle_model::Basis;
    for r in wsoracle_model::catalog::all_rules() {
        match r.basis {
            Basis::Documented => {
                assert_eq!(
                    r.basis_label(Fidelity::Observed),
                    "documented, unverified on real Windows",
                    "{}",
                    r.id
                );
                assert_eq!(
                    r.basis_label(Fidelity::Documented),
                    "documented",
                    "{}",
                    r.id
                );
            }
            b => {
                assert_eq!(r.basis_label(Fidelity::Observed), b.as_str(), "{}", r.id);
                assert_eq!(r.basis_label(Fidelity::Documented), b.as_str(), "{}", r.id);
            }
        }
    }
    // The documented-only keep-alive rules: wine:K14, divergences D5 and D6.
    for r in [&rules::KEEPALIVE_DATAGRAM, &rules::KEEPALIVE_SET_CONNECTING] {
        assert_eq!(
            r.basis_label(Fidelity::Observed),
            "documented, unverified on real Windows"
        );
    }
}

trait IntoVec {
    fn into_vec(self) -> (Vec<u8>, i32);
}

impl IntoVec for ([u8; 4], i32) {
    fn into_vec(self) -> (Vec<u8>, i32) {
        (self.0.to_vec(), self.1)
    }
}
