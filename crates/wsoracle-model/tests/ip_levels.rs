//! The IPPROTO_IP and IPPROTO_IPV6 options, raw sockets and UDP's ICMP reporting, each under
//! every preset where the fact holds. Ids: docs/evidence-options.md (`options:O…`), the pages of
//! docs/sources.md (`doc:…`), docs/assumptions.md.

mod common;

use common::*;
use wsoracle_model::outcome::Ret;
use wsoracle_model::version::threshold;
use wsoracle_model::{
    AddressFamily, Config, Fidelity, InBuf, Level, OptName, Protocol, SocketType, Stack, WsaError,
};

const IP: Level = Level::IPPROTO_IP;

// Tests for socket(SOCK_RAW).

#[test]
fn raw_socket_needs_elevation_from_vista_on_d_raw() {
    each_preset(|p| {
        let mut st = Stack::new(Config::new(p.version));
        st.wsa_startup(0x0202);
        let o = st.socket_create(
            AddressFamily::AF_INET,
            SocketType::SOCK_RAW,
            Protocol::IPPROTO_RAW,
        );
        if p.version.at_least(threshold::VISTA) {
            assert_eq!(
                o.ret,
                Ret::Socket(wsoracle_model::SocketHandle::INVALID_SOCKET)
            );
            assert_eq!(o.error, Some(WsaError::WSAEACCES), "{}", p.name);
        } else {
            assert!(o.ret.is_not_modelled(), "{}", p.name);
        }
        let mut st = Stack::new(Config::new(p.version).with_elevated(true));
        st.wsa_startup(0x0202);
        socket(
            &mut st,
            AddressFamily::AF_INET6,
            SocketType::SOCK_RAW,
            Protocol::IPPROTO_ICMPV6,
        );
    });
}

// Tests for the per-socket-kind validity (options:O400–O585).

#[test]
fn multicast_ttl_does_not_fit_tcp_o406_and_fits_udp_o437() {
    each_preset(|p| {
        if !p.version.at_least(threshold::WINXP) {
            return;
        }
        let mut st = started(p, Fidelity::Observed);
        let t = tcp(&mut st);
        let g = get(&mut st, t, IP, OptName::IP_MULTICAST_TTL, &[0xcc; 4], 4);
        fails(&g.outcome, WsaError::WSAEINVAL);
        assert_eq!(g.buf, [0xcc; 4]);
        let u = udp(&mut st);
        ok(st.setsockopt(
            u,
            IP,
            OptName::IP_MULTICAST_TTL,
            InBuf::Bytes(&[7, 0, 0, 0]),
            4,
        ));
        let g = get(&mut st, u, IP, OptName::IP_MULTICAST_TTL, &[0xcc; 4], 4);
        assert_eq!(
            (g.buf.as_slice(), g.optlen),
            (&[7u8, 0, 0, 0][..], 4),
            "{}",
            p.name
        );
    });
}

#[test]
fn membership_options_cannot_be_read_on_any_kind_o408_o439() {
    each_preset(|p| {
        if !p.version.at_least(threshold::WINXP) {
            return;
        }
        let mut st = started(p, Fidelity::Observed);
        for s in [tcp(&mut st), udp(&mut st)] {
            let g = get(&mut st, s, IP, OptName::IP_ADD_MEMBERSHIP, &[0; 8], 8);
            fails(&g.outcome, WsaError::WSAENOPROTOOPT);
        }
    });
}

#[test]
fn ttl_above_255_fails_and_a_short_set_reads_only_its_bytes_o213() {
    each_preset(|p| {
        if !p.version.at_least(threshold::WINXP) {
            return;
        }
        let mut st = started(p, Fidelity::Observed);
        let u = udp(&mut st);
        let o = st.setsockopt(u, IP, OptName::IP_TTL, InBuf::Bytes(&[0, 1, 0, 0]), 4);
        fails(&o, WsaError::WSAEINVAL);
        ok(st.setsockopt(
            u,
            IP,
            OptName::IP_TTL,
            InBuf::Bytes(&[0x0b, 0xff, 0xff, 0xff]),
            1,
        ));
        let g = get(&mut st, u, IP, OptName::IP_TTL, &[0xcc; 4], 4);
        assert_eq!(g.buf, [0x0b, 0, 0, 0], "{}", p.name);
    });
}

#[test]
fn dontfragment_is_on_for_tcp_from_vista_and_off_for_udp_o228_a53() {
    each_preset(|p| {
        if !p.version.at_least(threshold::WINXP) {
            return;
        }
        let mut st = started(p, Fidelity::Observed);
        let t = tcp(&mut st);
        let g = get(&mut st, t, IP, OptName::IP_DONTFRAGMENT, &[0xcc; 4], 4);
        let on = u8::from(p.version.at_least(threshold::VISTA));
        assert_eq!(g.buf, [on, 0, 0, 0], "{}", p.name);
        let u = udp(&mut st);
        let g = get(&mut st, u, IP, OptName::IP_DONTFRAGMENT, &[0xcc; 4], 4);
        assert_eq!(g.buf, [0; 4], "{}", p.name);
    });
}

// Tests for recv on a UDP socket after an ICMP port-unreachable (assumption A54).

#[test]
fn icmp_port_unreachable_resets_the_next_recv_once_unless_connreset_is_off() {
    each_preset(|p| {
        let mut st = started(p, Fidelity::Observed);
        let u = udp(&mut st);
        done(st.ioctlsocket(u, wsoracle_model::IoctlCode::FIONBIO, 1));
        done(st.bind(u));
        st.icmp_unreachable(u).unwrap();
        fails(&st.recv(u, 16), WsaError::WSAECONNRESET);
        fails(&st.recv(u, 16), WsaError::WSAEWOULDBLOCK);
        let t = tcp(&mut st);
        assert!(st.icmp_unreachable(t).is_err());
    });
}
