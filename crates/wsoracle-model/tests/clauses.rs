//! Seed clauses that the state-by-state tests do not reach on their own: the option's level and
//! name, probes on an idle connection, and SIO_KEEPALIVE_VALS as a per-connection override. Every
//! test runs under every preset.

use wsoracle_model::codes::{AddressFamily, IoctlCode, Level, OptName, Protocol, SocketType};
use wsoracle_model::ioctl::tcp_keepalive_bytes;
use wsoracle_model::{
    Config, Duration, InBuf, IntPtr, KeepAliveState, OutBuf, Peer, Ret, SocketHandle, Stack,
    WsaIoctlArgs, PRESETS,
};

fn started(config: Config) -> Stack {
    let mut stack = Stack::new(config);
    stack.wsa_startup(0x0202);
    stack
}

fn connected(stack: &mut Stack) -> SocketHandle {
    let out = stack.socket_create(
        AddressFamily::AF_INET,
        SocketType::SOCK_STREAM,
        Protocol::IPPROTO_TCP,
    );
    let Ret::Socket(s) = out.ret else {
        panic!("socket() answered {}", out.ret)
    };
    assert_eq!(stack.connect(s, Peer::Accepts).ret, Ret::OK);
    s
}

fn keepalive_on(stack: &mut Stack, s: SocketHandle) {
    let out = stack.setsockopt(
        s,
        Level::SOL_SOCKET,
        OptName::SO_KEEPALIVE,
        InBuf::Bytes(&[1, 0, 0, 0]),
        4,
    );
    assert_eq!(out.ret, Ret::OK);
}

/// so_keepalive#42a54-108, 115, 118: the option is 0x0008 at SOL_SOCKET. The same number at
/// another level is another option (at IPPROTO_IP, 8 is no option of ws2ipdef.h: WSAENOPROTOOPT,
/// wine:E06) and leaves keep-alive alone.
#[test]
fn so_keepalive_is_option_8_at_sol_socket() {
    for p in PRESETS {
        let mut stack = started(Config::new(p.version));
        let s = connected(&mut stack);
        let elsewhere = stack.setsockopt(
            s,
            Level::IPPROTO_IP,
            OptName(8),
            InBuf::Bytes(&[1, 0, 0, 0]),
            4,
        );
        assert_eq!(
            elsewhere.error,
            Some(wsoracle_model::WsaError::WSAENOPROTOOPT),
            "{}",
            p.name
        );
        assert!(
            !stack.socket(s).expect("socket").keepalive_enabled(),
            "{}",
            p.name
        );
        let here = stack.setsockopt(
            s,
            Level::SOL_SOCKET,
            OptName(0x0008),
            InBuf::Bytes(&[1, 0, 0, 0]),
            4,
        );
        assert_eq!(here.ret, Ret::OK, "{}", p.name);
        assert!(
            stack.socket(s).expect("socket").keepalive_enabled(),
            "{}",
            p.name
        );
    }
}

/// so_keepalive#42a54-153: with keep-alive on, an idle connection whose peer stays silent sends
/// probes once the idle time has passed; with keep-alive off it sends none.
#[test]
fn an_idle_connection_sends_probes_only_with_keepalive_on() {
    for p in PRESETS {
        let mut stack = started(Config::new(p.version));
        let on = connected(&mut stack);
        let off = connected(&mut stack);
        keepalive_on(&mut stack, on);
        stack.set_peer(on, Peer::Silent).expect("peer");
        stack.set_peer(off, Peer::Silent).expect("peer");
        // Two hours idle, then half a second: the first probe has gone out, none answered.
        stack.advance(Duration::from_millis(7_200_500));
        let probing = stack.keepalive_status(on).expect("status");
        assert_eq!(probing.state, KeepAliveState::Probing, "{}", p.name);
        assert_eq!(probing.probes_sent, 1, "{}", p.name);
        let quiet = stack.keepalive_status(off).expect("status");
        assert_eq!((quiet.enabled, quiet.probes_sent), (false, 0), "{}", p.name);
        assert_eq!(quiet.state, KeepAliveState::Idle, "{}", p.name);
    }
}

/// so_keepalive#42a54-159, 160: SIO_KEEPALIVE_VALS sets the time and interval of one connection;
/// a connection with SO_KEEPALIVE alone keeps the system values (2 h, 1 s: 42a54-157).
#[test]
fn sio_keepalive_vals_overrides_one_connection_only() {
    for p in PRESETS {
        let mut stack = started(Config::new(p.version));
        let tuned = connected(&mut stack);
        let plain = connected(&mut stack);
        keepalive_on(&mut stack, plain);
        let vals = tcp_keepalive_bytes(1, 30_000, 5_000);
        let mut returned = 0xdead_beef_u32;
        let out = stack.wsa_ioctl(WsaIoctlArgs {
            s: tuned,
            code: IoctlCode::SIO_KEEPALIVE_VALS,
            in_buf: InBuf::Bytes(&vals),
            cb_in: 12,
            out_buf: OutBuf::Null,
            cb_out: 0,
            bytes_returned: IntPtr::Value(&mut returned),
            overlapped: false,
            completion_routine: false,
        });
        assert_eq!(out.ret, Ret::OK, "{}", p.name);
        let t = stack.keepalive_status(tuned).expect("status");
        assert!(t.enabled, "{}: onoff 1 turns keep-alive on", p.name);
        assert_eq!(
            (t.effective.idle_ms.value, t.effective.interval_ms.value),
            (30_000, 5_000),
            "{}",
            p.name
        );
        let d = stack.keepalive_status(plain).expect("status");
        assert_eq!(
            (d.effective.idle_ms.value, d.effective.interval_ms.value),
            (7_200_000, 1_000),
            "{}",
            p.name
        );
    }
}
