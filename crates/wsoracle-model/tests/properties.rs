//! Property tests: random call sequences over every `Stack` method, random handles, levels,
//! option names, buffers and lengths, random versions (presets and arbitrary ones) and both
//! fidelities. They check that
//!
//! - (a) no call sequence panics;
//! - (b) a failed call (SOCKET_ERROR, INVALID_SOCKET, a WSAStartup error, not modelled, or a
//!   scenario misuse) changes neither the sockets nor the process state — the one documented
//!   exception is a non-blocking connect's WSAEWOULDBLOCK, which starts the connection
//!   (wine:E13) — and the last error, the caller's buffer and `*optlen` change exactly as the
//!   outcome says (`error`, `written`; wine:G06, T02);
//! - (c) getsockopt(SO_KEEPALIVE) after a successful setsockopt returns the normalised value:
//!   from Vista on one byte from the low byte of optval (wine:K08, K11), on 2003 the DWORD as
//!   far as optlen reaches (primary:P03), under documented fidelity the DWORD (42a54-122);
//! - (d) the same inputs give the same outputs.
//!
//! On failure proptest prints the minimal sequence; it is a plain `Vec<Op>` that reads like the
//! calls.

mod common;

use common::{legacy, DEADBEEF};
use proptest::prelude::*;
use wsoracle_model::outcome::Ret;
use wsoracle_model::time::{Duration, MAX_MS};
use wsoracle_model::{
    AddressFamily, Config, Fidelity, InBuf, Instant, IntPtr, IoctlCode, Level, OptName, OutBuf,
    Outcome, Peer, Protocol, Registry, Socket, SocketHandle, SocketState, SocketType, Stack,
    WindowsVersion, WsaError, WsaIoctlArgs, PRESETS,
};

// ---- the generated calls -----------------------------------------------------------------------

/// A handle as a test passes it.
#[derive(Clone, Copy, Debug)]
enum H {
    /// The n-th handle the model issued so far (modulo their number), open or closed.
    Issued(usize),
    /// An integer the caller made up.
    Raw(u64),
    Invalid,
}

/// An input pointer.
#[derive(Clone, Debug)]
enum In {
    Null,
    Bad,
    Bytes(Vec<u8>),
}

/// An output buffer; `Bytes` holds the prefill.
#[derive(Clone, Debug)]
enum Out {
    Null,
    Bad,
    Bytes(Vec<u8>),
}

/// An `int *` / `DWORD *`.
#[derive(Clone, Copy, Debug)]
enum Ptr<T> {
    Null,
    Bad,
    Value(T),
}

#[derive(Clone, Debug)]
enum Op {
    Startup(u16),
    Cleanup,
    Socket(i32, i32, i32),
    Close(H),
    Bind(H),
    Listen(H),
    Incoming(H),
    Accept(H),
    Ioctlsocket(H, u32, u32),
    Connect(H, Peer),
    CompleteConnect(H),
    Condition(Option<bool>, Option<bool>),
    Set(H, i32, i32, In, i32),
    Get(H, i32, i32, Out, Ptr<i32>),
    WsaIoctl {
        s: H,
        code: u32,
        input: In,
        cb_in: u32,
        output: Out,
        cb_out: u32,
        returned: Ptr<u32>,
        overlapped: bool,
        routine: bool,
    },
    Send(H, u32),
    Recv(H, u32),
    Advance(u64),
    SetPeer(H, Peer),
    PeerSends(H, u32),
    Status(H),
}

fn handle() -> impl Strategy<Value = H> {
    prop_oneof![
        6 => (0usize..8).prop_map(H::Issued),
        1 => prop_oneof![Just(0u64), Just(4), Just(0xdead_beef), any::<u64>()].prop_map(H::Raw),
        1 => Just(H::Invalid),
    ]
}

fn peer() -> impl Strategy<Value = Peer> {
    prop_oneof![
        Just(Peer::Accepts),
        Just(Peer::Refuses),
        Just(Peer::Silent),
        Just(Peer::Resets)
    ]
}

fn length() -> impl Strategy<Value = i32> {
    prop_oneof![
        4 => 1i32..=8,
        1 => Just(-1),
        1 => Just(0),
        1 => Just(i32::MIN),
        1 => Just(i32::MAX),
        1 => any::<i32>(),
    ]
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(prop_oneof![Just(0u8), Just(1), Just(0xff), any::<u8>()], 0..12),
        1 => Just(vec![0, 1, 0, 0]),
    ]
}

fn input() -> impl Strategy<Value = In> {
    prop_oneof![
        6 => bytes().prop_map(In::Bytes),
        1 => Just(In::Null),
        1 => Just(In::Bad),
    ]
}

fn output() -> impl Strategy<Value = Out> {
    prop_oneof![
        6 => bytes().prop_map(Out::Bytes),
        1 => Just(Out::Null),
        1 => Just(Out::Bad),
    ]
}

fn ptr<T: Clone + core::fmt::Debug + 'static>(
    v: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Ptr<T>> {
    prop_oneof![
        6 => v.prop_map(Ptr::Value),
        1 => Just(Ptr::Null),
        1 => Just(Ptr::Bad),
    ]
}

fn level() -> impl Strategy<Value = i32> {
    prop_oneof![
        6 => Just(Level::SOL_SOCKET.0),
        2 => Just(Level::IPPROTO_TCP.0),
        1 => prop_oneof![Just(0), Just(17), Just(41)],
        1 => any::<i32>(),
    ]
}

fn optname() -> impl Strategy<Value = i32> {
    prop_oneof![
        6 => Just(OptName::SO_KEEPALIVE.0),
        1 => Just(OptName::SO_ERROR.0),
        2 => prop_oneof![Just(3), Just(16), Just(17)],
        1 => prop::sample::select(OptName::NAMED.iter().map(|(v, _, _)| v.0).collect::<Vec<_>>()),
        1 => prop_oneof![Just(-1), any::<i32>()],
    ]
}

fn ioctl_code() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(IoctlCode::FIONBIO.0),
        Just(IoctlCode::SIO_KEEPALIVE_VALS.0),
        Just(IoctlCode::FIONREAD.0),
        Just(IoctlCode::SIO_FLUSH.0),
        any::<u32>(),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => prop_oneof![Just(0x0202u16), Just(0x0101), Just(0), any::<u16>()].prop_map(Op::Startup),
        1 => Just(Op::Cleanup),
        3 => (
            prop_oneof![Just(2), Just(23), Just(1), any::<i32>()],
            prop_oneof![Just(1), Just(2), Just(3), any::<i32>()],
            prop_oneof![Just(0), Just(6), Just(17), any::<i32>()],
        )
            .prop_map(|(a, t, p)| Op::Socket(a, t, p)),
        1 => handle().prop_map(Op::Close),
        2 => handle().prop_map(Op::Bind),
        2 => handle().prop_map(Op::Listen),
        1 => handle().prop_map(Op::Incoming),
        1 => handle().prop_map(Op::Accept),
        1 => (handle(), ioctl_code(), prop_oneof![Just(0u32), Just(1), any::<u32>()])
            .prop_map(|(h, c, a)| Op::Ioctlsocket(h, c, a)),
        2 => (handle(), peer()).prop_map(|(h, p)| Op::Connect(h, p)),
        1 => handle().prop_map(Op::CompleteConnect),
        1 => (any::<Option<bool>>(), any::<Option<bool>>()).prop_map(|(n, b)| Op::Condition(n, b)),
        6 => (handle(), level(), optname(), input(), length())
            .prop_map(|(h, l, o, i, n)| Op::Set(h, l, o, i, n)),
        6 => (handle(), level(), optname(), output(), ptr(length()))
            .prop_map(|(h, l, o, b, n)| Op::Get(h, l, o, b, n)),
        2 => (
            handle(),
            ioctl_code(),
            input(),
            prop_oneof![Just(0u32), Just(11), Just(12), Just(13), any::<u32>()],
            output(),
            prop_oneof![Just(0u32), Just(4), any::<u32>()],
            ptr(prop_oneof![Just(0xdead_beefu32), Just(0)]),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(s, code, input, cb_in, output, cb_out, returned, overlapped, routine)| {
                Op::WsaIoctl { s, code, input, cb_in, output, cb_out, returned, overlapped, routine }
            }),
        1 => (handle(), prop_oneof![Just(0u32), Just(1), any::<u32>()]).prop_map(|(h, n)| Op::Send(h, n)),
        1 => (handle(), prop_oneof![Just(0u32), Just(1), any::<u32>()]).prop_map(|(h, n)| Op::Recv(h, n)),
        1 => prop_oneof![Just(0u64), 0..10_000_000u64, Just(7_200_000), Just(MAX_MS), any::<u64>()]
            .prop_map(Op::Advance),
        1 => (handle(), peer()).prop_map(|(h, p)| Op::SetPeer(h, p)),
        1 => (handle(), any::<u32>()).prop_map(|(h, n)| Op::PeerSends(h, n)),
        1 => handle().prop_map(Op::Status),
    ]
}

fn version() -> impl Strategy<Value = WindowsVersion> {
    prop_oneof![
        2 => prop::sample::select(PRESETS.iter().map(|p| p.version).collect::<Vec<_>>()),
        1 => (0u32..12, 0u32..4, 0u32..30_000, any::<Option<u16>>()).prop_map(|(a, b, c, u)| {
            let v = WindowsVersion::new(a, b, c);
            match u {
                Some(u) => v.with_ubr(u32::from(u)),
                None => v,
            }
        }),
    ]
}

fn config() -> impl Strategy<Value = Config> {
    let fidelity = prop_oneof![Just(Fidelity::Observed), Just(Fidelity::Documented)];
    let reg = any::<[Option<u32>; 4]>();
    (version(), fidelity, reg).prop_map(|(v, f, r)| {
        let registry = Registry {
            keep_alive_time: r[0],
            keep_alive_interval: r[1],
            tcp_max_data_retransmissions: r[2],
            pptp_tcp_max_data_retransmissions: r[3],
            max_user_port: None,
        };
        Config::new(v).with_fidelity(f).with_registry(registry)
    })
}

// ---- running them ------------------------------------------------------------------------------

/// The observable state of the model: the process (start-up count, time) and every open
/// socket's record, in handle order.
#[derive(Clone, Debug, PartialEq)]
struct Snapshot {
    startup_count: u32,
    now: Instant,
    sockets: Vec<(SocketHandle, Socket)>,
}

fn snapshot(st: &Stack) -> Snapshot {
    Snapshot {
        startup_count: st.startup_count(),
        now: st.now(),
        sockets: st.sockets().map(|(h, s)| (h, *s)).collect(),
    }
}

/// Runs sequences and remembers the handles the model issued.
struct Runner {
    st: Stack,
    issued: Vec<SocketHandle>,
    /// One line per call, for the determinism check.
    trace: Vec<String>,
}

/// Did the call fail in the sense of property (b)?
fn failed(o: &Outcome) -> bool {
    matches!(o.ret, Ret::NotModelled)
        || o.ret == Ret::ERR
        || o.ret == Ret::Socket(SocketHandle::INVALID_SOCKET)
}

impl Runner {
    fn new(config: Config) -> Self {
        Runner {
            st: Stack::new(config),
            issued: Vec::new(),
            trace: Vec::new(),
        }
    }

    fn h(&self, h: H) -> SocketHandle {
        match h {
            H::Issued(i) if !self.issued.is_empty() => self.issued[i % self.issued.len()],
            H::Issued(i) => SocketHandle::from_raw(i as u64),
            H::Raw(r) => SocketHandle::from_raw(r),
            H::Invalid => SocketHandle::INVALID_SOCKET,
        }
    }

    fn note(&mut self, o: &Outcome) {
        if let Ret::Socket(h) = o.ret {
            if !h.is_invalid() {
                self.issued.push(h);
            }
        }
    }

    /// Checks the last error against what the outcome says it set.
    fn check_last_error(&self, before: WsaError, o: &Outcome) -> Result<(), TestCaseError> {
        let want = o.error.unwrap_or(before);
        prop_assert_eq!(
            self.st.last_error(),
            want,
            "last error after {:?}",
            o.rule.id
        );
        Ok(())
    }

    /// A call that returned an outcome: (b) for the state and the last error.
    fn check_outcome(
        &self,
        op: &Op,
        before: &Snapshot,
        err_before: WsaError,
        o: &Outcome,
    ) -> Result<(), TestCaseError> {
        self.check_last_error(err_before, o)?;
        let wouldblock_connect =
            matches!(op, Op::Connect(..)) && o.error == Some(WsaError::WSAEWOULDBLOCK);
        let startup_failed = matches!(op, Op::Startup(_)) && o.ret != Ret::Int(0);
        if (failed(o) || startup_failed) && !wouldblock_connect {
            prop_assert_eq!(
                &snapshot(&self.st),
                before,
                "{:?} failed ({}) but changed the state",
                op,
                o.rule.id
            );
        }
        if !failed(o) {
            prop_assert!(!o.rule.sources.is_empty());
        }
        Ok(())
    }

    fn run(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let before = snapshot(&self.st);
        let err_before = self.st.last_error();
        let line = match op.clone() {
            Op::Startup(v) => {
                let o = self.st.wsa_startup(v);
                prop_assert_eq!(o.error, None, "WSAStartup returns its error");
                self.check_outcome(op, &before, err_before, &o)?;
                format!("{o:?}")
            }
            Op::Cleanup => {
                let o = self.st.wsa_cleanup();
                self.check_outcome(op, &before, err_before, &o)?;
                format!("{o:?}")
            }
            Op::Socket(af, ty, proto) => {
                let o = self
                    .st
                    .socket_create(AddressFamily(af), SocketType(ty), Protocol(proto));
                self.check_outcome(op, &before, err_before, &o)?;
                self.note(&o);
                format!("{o:?}")
            }
            Op::Close(h) => {
                let o = self.st.closesocket(self.h(h));
                self.check_outcome(op, &before, err_before, &o)?;
                format!("{o:?}")
            }
            Op::Bind(h) => {
                let o = self.st.bind(self.h(h));
                self.check_outcome(op, &before, err_before, &o)?;
                format!("{o:?}")
            }
            Op::Listen(h) => {
                let o = self.st.listen(self.h(h));
                self.check_outcome(op, &before, err_before, &o)?;
                format!("{o:?}")
            }
            Op::Incoming(h) => {
                let r = self.st.incoming(self.h(h));
                if r.is_err() {
                    prop_assert_eq!(&snapshot(&self.st), &before);
                }
                prop_assert_eq!(self.st.last_error(), err_before);
                format!("{r:?}")
            }
            Op::Accept(h) => {
                let r = self.st.accept(self.h(h));
                match &r {
                    Ok(o) => {
                        self.check_outcome(op, &before, err_before, o)?;
                        self.note(o);
                    }
                    Err(_) => {
                        prop_assert_eq!(&snapshot(&self.st), &before);
                        prop_assert_eq!(self.st.last_error(), err_before);
                    }
                }
                format!("{r:?}")
            }
            Op::Ioctlsocket(h, cmd, argp) => {
                let o = self.st.ioctlsocket(self.h(h), IoctlCode(cmd), argp);
                self.check_outcome(op, &before, err_before, &o)?;
                format!("{o:?}")
            }
            Op::Connect(h, p) => {
                let o = self.st.connect(self.h(h), p);
                self.check_outcome(op, &before, err_before, &o)?;
                format!("{o:?}")
            }
            Op::CompleteConnect(h) => {
                let r = self.st.complete_connect(self.h(h));
                if r.is_err() {
                    prop_assert_eq!(&snapshot(&self.st), &before);
                }
                prop_assert_eq!(self.st.last_error(), err_before);
                format!("{r:?}")
            }
            Op::Condition(n, b) => {
                self.st.set_condition(n, b);
                prop_assert_eq!(&snapshot(&self.st), &before);
                String::from("condition")
            }
            Op::Set(h, level, optname, input, optlen) => {
                let s = self.h(h);
                let buf = match &input {
                    In::Null => InBuf::Null,
                    In::Bad => InBuf::BadPointer,
                    In::Bytes(b) => InBuf::Bytes(b),
                };
                let o = self
                    .st
                    .setsockopt(s, Level(level), OptName(optname), buf, optlen);
                self.check_outcome(op, &before, err_before, &o)?;
                prop_assert_eq!(
                    o.written,
                    wsoracle_model::Written::NOTHING,
                    "setsockopt writes nothing"
                );
                format!("{o:?}")
            }
            Op::Get(h, level, optname, output, optlen) => {
                let s = self.h(h);
                let mut mem = match &output {
                    Out::Bytes(b) => b.clone(),
                    _ => Vec::new(),
                };
                let mut len = match optlen {
                    Ptr::Value(v) => v,
                    _ => 0,
                };
                let buf = match &output {
                    Out::Null => OutBuf::Null,
                    Out::Bad => OutBuf::BadPointer,
                    Out::Bytes(_) => OutBuf::Bytes(&mut mem),
                };
                let len_ptr = match optlen {
                    Ptr::Null => IntPtr::Null,
                    Ptr::Bad => IntPtr::BadPointer,
                    Ptr::Value(_) => IntPtr::Value(&mut len),
                };
                let o = self
                    .st
                    .getsockopt(s, Level(level), OptName(optname), buf, len_ptr);
                self.check_outcome(op, &before, err_before, &o)?;
                if let Out::Bytes(prefill) = &output {
                    check_written(prefill, &mem, o.written.data())?;
                }
                if let Ptr::Value(v) = optlen {
                    prop_assert_eq!(len, o.written.optlen.unwrap_or(v), "*optlen");
                }
                format!("{o:?} {mem:?} {len}")
            }
            Op::WsaIoctl {
                s,
                code,
                input,
                cb_in,
                output,
                cb_out,
                returned,
                overlapped,
                routine,
            } => {
                let s = self.h(s);
                let mut mem = match &output {
                    Out::Bytes(b) => b.clone(),
                    _ => Vec::new(),
                };
                let mut n = match returned {
                    Ptr::Value(v) => v,
                    _ => 0,
                };
                let args = WsaIoctlArgs {
                    s,
                    code: IoctlCode(code),
                    in_buf: match &input {
                        In::Null => InBuf::Null,
                        In::Bad => InBuf::BadPointer,
                        In::Bytes(b) => InBuf::Bytes(b),
                    },
                    cb_in,
                    out_buf: match &output {
                        Out::Null => OutBuf::Null,
                        Out::Bad => OutBuf::BadPointer,
                        Out::Bytes(_) => OutBuf::Bytes(&mut mem),
                    },
                    cb_out,
                    bytes_returned: match returned {
                        Ptr::Null => IntPtr::Null,
                        Ptr::Bad => IntPtr::BadPointer,
                        Ptr::Value(_) => IntPtr::Value(&mut n),
                    },
                    overlapped,
                    completion_routine: routine,
                };
                let o = self.st.wsa_ioctl(args);
                self.check_outcome(op, &before, err_before, &o)?;
                if let Out::Bytes(prefill) = &output {
                    check_written(prefill, &mem, o.written.data())?;
                }
                if let Ptr::Value(v) = returned {
                    prop_assert_eq!(
                        n,
                        o.written.bytes_returned.unwrap_or(v),
                        "*lpcbBytesReturned"
                    );
                }
                format!("{o:?} {mem:?} {n}")
            }
            Op::Send(h, len) => {
                let o = self.st.send(self.h(h), len);
                self.check_outcome(op, &before, err_before, &o)?;
                format!("{o:?}")
            }
            Op::Recv(h, len) => {
                let o = self.st.recv(self.h(h), len);
                self.check_outcome(op, &before, err_before, &o)?;
                format!("{o:?}")
            }
            Op::Advance(ms) => {
                let done = self.st.advance(Duration(ms));
                prop_assert!(self.st.now() >= before.now, "time never goes back");
                format!("{done:?}")
            }
            Op::SetPeer(h, p) => {
                let r = self.st.set_peer(self.h(h), p);
                if r.is_err() {
                    prop_assert_eq!(&snapshot(&self.st), &before);
                }
                format!("{r:?}")
            }
            Op::PeerSends(h, len) => {
                let r = self.st.peer_sends(self.h(h), len);
                if r.is_err() {
                    prop_assert_eq!(&snapshot(&self.st), &before);
                }
                format!("{r:?}")
            }
            Op::Status(h) => {
                let r = self.st.keepalive_status(self.h(h));
                prop_assert_eq!(&snapshot(&self.st), &before, "keepalive_status only reads");
                format!("{r:?}")
            }
        };
        self.trace.push(line);
        Ok(())
    }
}

/// The caller's buffer after a call: the bytes the outcome says were written, then the prefill.
fn check_written(prefill: &[u8], after: &[u8], written: &[u8]) -> Result<(), TestCaseError> {
    prop_assert!(
        written.len() <= prefill.len(),
        "wrote {} bytes into {}",
        written.len(),
        prefill.len()
    );
    let mut want = prefill.to_vec();
    want[..written.len()].copy_from_slice(written);
    prop_assert_eq!(after, &want[..]);
    Ok(())
}

/// Starts Winsock so that most generated calls reach the interesting checks.
fn prelude(r: &mut Runner) -> Result<(), TestCaseError> {
    r.run(&Op::Startup(0x0202))?;
    r.run(&Op::Socket(2, 1, 0))?;
    r.run(&Op::Socket(2, 2, 17))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_shrink_iters: 2048, ..ProptestConfig::default() })]

    /// (a) and (b): no sequence panics; failed calls change nothing but what they say.
    #[test]
    fn failed_calls_change_nothing(config in config(), ops in prop::collection::vec(op(), 0..24)) {
        let mut r = Runner::new(config);
        prelude(&mut r)?;
        for op in &ops {
            r.run(op)?;
        }
    }

    /// (a) and (b) without the prelude: the process-level paths (before WSAStartup).
    #[test]
    fn failed_calls_change_nothing_from_a_cold_start(config in config(), ops in prop::collection::vec(op(), 0..16)) {
        let mut r = Runner::new(config);
        for op in &ops {
            r.run(op)?;
        }
    }

    /// (d): the same inputs give the same outputs and the same final state.
    #[test]
    fn same_inputs_same_outputs(config in config(), ops in prop::collection::vec(op(), 0..24)) {
        let mut a = Runner::new(config);
        let mut b = Runner::new(config);
        prelude(&mut a)?;
        prelude(&mut b)?;
        for op in &ops {
            a.run(op)?;
            b.run(op)?;
        }
        prop_assert_eq!(&a.trace, &b.trace);
        prop_assert_eq!(snapshot(&a.st), snapshot(&b.st));
        prop_assert_eq!(a.st.last_error(), b.st.last_error());
    }

    /// (c): getsockopt(SO_KEEPALIVE) after a successful setsockopt returns the normalised value.
    #[test]
    fn getsockopt_returns_the_normalised_value(
        config in config(),
        state in prop_oneof![
            Just(SocketState::Created), Just(SocketState::Bound), Just(SocketState::Listening),
            Just(SocketState::Connecting), Just(SocketState::Connected),
        ],
        sets in prop::collection::vec((bytes(), length()), 1..8),
    ) {
        let mut st = Stack::new(config);
        st.wsa_startup(0x0202);
        prop_assume!(config.version.at_least(wsoracle_model::version::threshold::WIN2000));
        let s = common::tcp_in(&mut st, state);
        let mut on = false;
        for (b, optlen) in &sets {
            let o = common::set_ka(&mut st, s, b, *optlen);
            if o.ret == Ret::OK {
                on = normalised(config, b, *optlen);
            } else {
                prop_assert_eq!(o.ret, Ret::ERR);
            }
            prop_assert_eq!(st.socket(s).unwrap().keepalive_enabled(), on);
            let g = common::get_ka(&mut st, s, &DEADBEEF, 4);
            prop_assert_eq!(g.outcome.ret, Ret::OK);
            let v = u8::from(on);
            let want: (Vec<u8>, i32) = match config.fidelity {
                Fidelity::Observed if !legacy(config.version) => (vec![v, 0xbe, 0xad, 0xde], 1),
                _ => (vec![v, 0, 0, 0], 4),
            };
            prop_assert_eq!((g.buf, g.optlen), want);
        }
    }
}

/// The value a successful setsockopt(SO_KEEPALIVE, b, optlen) leaves.
fn normalised(config: Config, b: &[u8], optlen: i32) -> bool {
    let dword = |n: usize| b.iter().take(n.min(4)).any(|x| *x != 0);
    match config.fidelity {
        Fidelity::Documented => dword(4),
        Fidelity::Observed if !legacy(config.version) => b[0] != 0,
        Fidelity::Observed if optlen < 0 => dword(4),
        Fidelity::Observed => dword(optlen as usize),
    }
}
