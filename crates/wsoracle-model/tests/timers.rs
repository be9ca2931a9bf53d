//! The event-driven `advance` (a timer queue, and no timer at all for a connection whose peer
//! answers every probe) against the reference timeline (`Stack::with_reference_timeline`:
//! every socket run in closed form at every `advance`, as the model did before the queue).
//!
//! Random small configurations (a few sockets, idle times and intervals of a few
//! milliseconds, small probe counts, every peer behaviour) and random call sequences run on
//! both; after every call the answers, the completions (and their order), and for every handle
//! ever issued its keep-alive status and next keep-alive event must be the same. A probe, drop
//! or completion one millisecond early or late, or a socket the queue forgot, shows up here.

use proptest::prelude::*;
use wsoracle_model::ioctl::tcp_keepalive_bytes;
use wsoracle_model::outcome::Ret;
use wsoracle_model::time::MAX_MS;
use wsoracle_model::{
    AddressFamily, Config, Duration, InBuf, IntPtr, IoctlCode, Level, OptName, OutBuf, Peer,
    Protocol, Registry, SocketHandle, SocketType, Stack, WindowsVersion, WsaIoctlArgs,
};

#[derive(Clone, Copy, Debug)]
enum Op {
    /// A blocking connect to a peer that accepts.
    Connect,
    /// A listener, a peer connecting, and accept (the accepted socket inherits the options).
    Accept,
    /// A non-blocking connect, completed later by `CompleteConnect`.
    ConnectLater,
    CompleteConnect(usize),
    Close(usize),
    KeepAlive(usize, bool),
    Vals(usize, bool, u32, u32),
    TcpIdle(usize, u32),
    TcpInterval(usize, u32),
    TcpCount(usize, u32),
    Peer(usize, Peer),
    PeerSends(usize, u32),
    Send(usize),
    Recv(usize),
    Advance(u64),
    /// The last WSACleanup (closes every socket), then WSAStartup again.
    Restart,
}

fn op() -> impl Strategy<Value = Op> {
    let h = 0usize..6;
    let peer = prop_oneof![Just(Peer::Accepts), Just(Peer::Silent), Just(Peer::Resets)];
    prop_oneof![
        2 => Just(Op::Connect),
        1 => Just(Op::Accept),
        1 => Just(Op::ConnectLater),
        1 => h.clone().prop_map(Op::CompleteConnect),
        1 => h.clone().prop_map(Op::Close),
        3 => (h.clone(), any::<bool>()).prop_map(|(h, on)| Op::KeepAlive(h, on)),
        3 => (h.clone(), prop::bool::weighted(0.8), 0u32..12, 0u32..5)
            .prop_map(|(h, on, t, i)| Op::Vals(h, on, t, i)),
        1 => (h.clone(), 0u32..3).prop_map(|(h, s)| Op::TcpIdle(h, s)),
        1 => (h.clone(), 0u32..3).prop_map(|(h, s)| Op::TcpInterval(h, s)),
        2 => (h.clone(), 0u32..4).prop_map(|(h, n)| Op::TcpCount(h, n)),
        3 => (h.clone(), peer).prop_map(|(h, p)| Op::Peer(h, p)),
        2 => (h.clone(), 0u32..3).prop_map(|(h, n)| Op::PeerSends(h, n)),
        1 => h.clone().prop_map(Op::Send),
        2 => h.prop_map(Op::Recv),
        8 => prop_oneof![0u64..4, 0u64..40, 0u64..4000].prop_map(Op::Advance),
        // The end of time: saturating instants behave alike too.
        1 => prop_oneof![Just(MAX_MS), Just(u64::MAX)].prop_map(Op::Advance),
        1 => Just(Op::Restart),
    ]
}

fn config() -> impl Strategy<Value = Config> {
    let version = prop::sample::select(vec![
        WindowsVersion::new(5, 1, 2600),   // XP: registry probe counts
        WindowsVersion::new(6, 1, 7601),   // 7
        WindowsVersion::new(10, 0, 22000), // 11: the TCP options
    ]);
    (
        version,
        prop::option::of(0u32..15),
        prop::option::of(0u32..4),
        prop::option::of(0u32..4),
    )
        .prop_map(|(v, time, interval, count)| {
            Config::new(v).with_registry(Registry {
                keep_alive_time: time,
                keep_alive_interval: interval,
                tcp_max_data_retransmissions: count,
                pptp_tcp_max_data_retransmissions: None,
                max_user_port: None,
            })
        })
}

/// One stack and the handles it issued.
struct Side {
    st: Stack,
    issued: Vec<SocketHandle>,
}

impl Side {
    fn h(&self, i: usize) -> SocketHandle {
        if self.issued.is_empty() {
            SocketHandle::INVALID_SOCKET
        } else {
            self.issued[i % self.issued.len()]
        }
    }

    fn tcp(&mut self) -> Option<SocketHandle> {
        match self
            .st
            .socket_create(
                AddressFamily::AF_INET,
                SocketType::SOCK_STREAM,
                Protocol::IPPROTO_TCP,
            )
            .ret
        {
            Ret::Socket(s) if !s.is_invalid() => {
                self.issued.push(s);
                Some(s)
            }
            _ => None,
        }
    }

    fn setopt(&mut self, i: usize, level: Level, o: OptName, v: u32) -> String {
        let b = v.to_le_bytes();
        let h = self.h(i);
        format!("{:?}", self.st.setsockopt(h, level, o, InBuf::Bytes(&b), 4))
    }

    /// Runs one op; returns everything it answered, as text.
    fn apply(&mut self, op: Op) -> String {
        match op {
            Op::Connect => match self.tcp() {
                Some(s) => format!("{:?}", self.st.connect(s, Peer::Accepts)),
                None => "no socket".into(),
            },
            Op::Accept => {
                let Some(l) = self.tcp() else {
                    return "no socket".into();
                };
                self.st.bind(l);
                self.st.listen(l);
                let _ = self.st.incoming(l);
                match self.st.accept(l) {
                    Ok(o) => {
                        if let Ret::Socket(a) = o.ret {
                            if !a.is_invalid() {
                                self.issued.push(a);
                            }
                        }
                        format!("{o:?}")
                    }
                    Err(m) => format!("{m:?}"),
                }
            }
            Op::ConnectLater => match self.tcp() {
                Some(s) => {
                    self.st.ioctlsocket(s, IoctlCode::FIONBIO, 1);
                    format!("{:?}", self.st.connect(s, Peer::Accepts))
                }
                None => "no socket".into(),
            },
            Op::CompleteConnect(i) => format!("{:?}", self.st.complete_connect(self.h(i))),
            Op::Close(i) => format!("{:?}", self.st.closesocket(self.h(i))),
            Op::KeepAlive(i, on) => {
                self.setopt(i, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, u32::from(on))
            }
            Op::Vals(i, on, t, iv) => {
                let k = tcp_keepalive_bytes(u32::from(on), t, iv);
                let mut n = 0u32;
                let s = self.h(i);
                format!(
                    "{:?}",
                    self.st.wsa_ioctl(WsaIoctlArgs {
                        s,
                        code: IoctlCode::SIO_KEEPALIVE_VALS,
                        in_buf: InBuf::Bytes(&k),
                        cb_in: 12,
                        out_buf: OutBuf::Null,
                        cb_out: 0,
                        bytes_returned: IntPtr::Value(&mut n),
                        overlapped: false,
                        completion_routine: false,
                    })
                )
            }
            Op::TcpIdle(i, v) => self.setopt(i, Level::IPPROTO_TCP, OptName::TCP_KEEPIDLE, v),
            Op::TcpInterval(i, v) => self.setopt(i, Level::IPPROTO_TCP, OptName::TCP_KEEPINTVL, v),
            Op::TcpCount(i, v) => self.setopt(i, Level::IPPROTO_TCP, OptName::TCP_KEEPCNT, v),
            Op::Peer(i, p) => format!("{:?}", self.st.set_peer(self.h(i), p)),
            Op::PeerSends(i, n) => format!("{:?}", self.st.peer_sends(self.h(i), n)),
            Op::Send(i) => format!("{:?}", self.st.send(self.h(i), 1)),
            Op::Recv(i) => format!("{:?}", self.st.recv(self.h(i), 4)),
            Op::Advance(ms) => format!("{:?}", self.st.advance(Duration(ms))),
            Op::Restart => format!(
                "{:?} {:?}",
                self.st.wsa_cleanup(),
                self.st.wsa_startup(0x0202)
            ),
        }
    }

    /// What can be observed of the timeline: now, and for every handle its keep-alive status
    /// and next event.
    fn observe(&self) -> String {
        let mut out = format!("now {:?}\n", self.st.now());
        for &h in &self.issued {
            out += &format!(
                "{h}: {:?} {:?} {:?}\n",
                self.st
                    .socket(h)
                    .map(|s| (s.state(), s.keepalive_enabled(), s.peer())),
                self.st.keepalive_status(h),
                self.st.next_keepalive_event(h),
            );
        }
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn event_driven_advance_matches_the_reference(
        config in config(),
        ops in prop::collection::vec(op(), 1..60),
    ) {
        let mut queue = Side { st: Stack::new(config), issued: Vec::new() };
        let mut reference = Side {
            st: Stack::new(config).with_reference_timeline(),
            issued: Vec::new(),
        };
        queue.st.wsa_startup(0x0202);
        reference.st.wsa_startup(0x0202);
        for (n, op) in ops.iter().enumerate() {
            let a = queue.apply(*op);
            let b = reference.apply(*op);
            prop_assert_eq!(&a, &b, "step {} {:?}", n, op);
            prop_assert_eq!(queue.observe(), reference.observe(), "after step {} {:?}", n, op);
        }
        // And a long stretch at the end: whatever is still scheduled happens at the same
        // instants on both.
        for _ in 0..4 {
            let a = queue.apply(Op::Advance(1_000));
            let b = reference.apply(Op::Advance(1_000));
            prop_assert_eq!(a, b);
            prop_assert_eq!(queue.observe(), reference.observe());
        }
    }
}

/// Stepping 1 ms at a time and jumping in one `advance` give the same drop, probes and
/// completion, with thousands of answered cycles in between (the answered cycles are rolled,
/// not run).
#[test]
fn one_jump_and_many_steps_agree() {
    let config = Config::new(WindowsVersion::new(10, 0, 22000));
    let run = |steps: &[u64]| {
        let mut side = Side {
            st: Stack::new(config),
            issued: Vec::new(),
        };
        side.st.wsa_startup(0x0202);
        for _ in 0..3 {
            side.apply(Op::Connect);
        }
        side.apply(Op::Vals(0, true, 3, 2));
        side.apply(Op::Vals(1, true, 5, 1));
        side.apply(Op::Vals(2, true, 7, 3));
        side.apply(Op::Recv(1));
        side.apply(Op::Recv(2));
        side.apply(Op::Advance(10_000)); // 10 s of answered cycles
        side.apply(Op::Peer(1, Peer::Silent));
        side.apply(Op::Peer(2, Peer::Resets));
        let mut completions = Vec::new();
        for &d in steps {
            completions.push(side.apply(Op::Advance(d)));
            completions.retain(|c| c != "[]");
        }
        (completions, side.observe())
    };
    let jump = run(&[200]);
    let steps = run(&[1; 200]);
    assert_eq!(jump.1, steps.1);
    assert_eq!(jump.0.len(), 1, "{:?}", jump.0);
    assert_eq!(steps.0.len(), 2, "the two drops are at different instants");
    assert!(jump.0[0].contains("WSAENETRESET") && jump.0[0].contains("WSAECONNRESET"));
}
