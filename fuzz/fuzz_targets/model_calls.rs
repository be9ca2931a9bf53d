//! Call sequences on the model through its public API, with the invariants of the property
//! tests (crates/wsoracle-explore/tests/properties.rs and
//! crates/wsoracle-model/tests/so_keepalive_properties.rs): (a) no sequence panics; (b) a failed call
//! changes neither the sockets nor the process state (a non-blocking connect's WSAEWOULDBLOCK
//! excepted), and the last error, the caller's buffer and `*optlen` change exactly as the
//! outcome says; (c) getsockopt(SO_KEEPALIVE) after a successful setsockopt returns the
//! normalised value; (d) the same inputs give the same outputs. The runner below was the
//! property test's, with `prop_assert!` turned into errors that fail the target; it keeps its own
//! generator of raw arguments (any handle, level, number, bytes and length), which the property
//! tests, drawing the explorer's argument classes, do not.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wsoracle_model::outcome::Ret;
use wsoracle_model::time::Duration;
use wsoracle_model::version::threshold;
use wsoracle_model::{
    AddressFamily, Config, Fidelity, InBuf, Instant, IntPtr, IoctlCode, Level, OptName, OutBuf,
    Outcome, Peer, Protocol, Registry, Socket, SocketHandle, SocketType, Stack, WindowsVersion,
    WsaError, WsaIoctlArgs, PRESETS,
};

macro_rules! prop_assert {
    ($cond:expr $(,)?) => {
        if !$cond {
            return Err(format!("assertion failed: {}", stringify!($cond)));
        }
    };
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

macro_rules! prop_assert_eq {
    ($a:expr, $b:expr $(,)?) => {
        match (&$a, &$b) {
            (l, r) => {
                if *l != *r {
                    return Err(format!("{:?} != {:?}", l, r));
                }
            }
        }
    };
    ($a:expr, $b:expr, $($fmt:tt)+) => {
        match (&$a, &$b) {
            (l, r) => {
                if *l != *r {
                    return Err(format!("{:?} != {:?}: {}", l, r, format!($($fmt)+)));
                }
            }
        }
    };
}

#[derive(Clone, Copy, Debug, Arbitrary)]
enum H {
    Issued(u8),
    Raw(u64),
    Invalid,
}

#[derive(Clone, Debug, Arbitrary)]
enum In {
    Null,
    Bad,
    Bytes(Vec<u8>),
}

#[derive(Clone, Debug, Arbitrary)]
enum Out {
    Null,
    Bad,
    Bytes(Vec<u8>),
}

#[derive(Clone, Copy, Debug, Arbitrary)]
enum Ptr<T> {
    Null,
    Bad,
    Value(T),
}

#[derive(Clone, Copy, Debug, Arbitrary)]
enum PeerArg {
    Accepts,
    Refuses,
    Silent,
    Resets,
}

impl PeerArg {
    fn peer(self) -> Peer {
        match self {
            PeerArg::Accepts => Peer::Accepts,
            PeerArg::Refuses => Peer::Refuses,
            PeerArg::Silent => Peer::Silent,
            PeerArg::Resets => Peer::Resets,
        }
    }
}

#[derive(Clone, Debug, Arbitrary)]
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
    Connect(H, PeerArg),
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
    SetPeer(H, PeerArg),
    PeerSends(H, u32),
    Status(H),
    /// (c): setsockopt(SO_KEEPALIVE, bytes, optlen) then getsockopt on a fresh TCP socket.
    KeepAlive(u8, Vec<u8>, i32),
}

#[derive(Debug, Arbitrary)]
struct Input {
    preset: u8,
    version: Option<(u8, u8, u16, Option<u16>)>,
    documented: bool,
    registry: [Option<u32>; 4],
    prelude: bool,
    ops: Vec<Op>,
}

impl Input {
    fn config(&self) -> Config {
        let version = match self.version {
            Some((a, b, c, u)) => {
                let v = WindowsVersion::new(u32::from(a % 12), u32::from(b % 4), u32::from(c));
                match u {
                    Some(u) => v.with_ubr(u32::from(u)),
                    None => v,
                }
            }
            None => PRESETS[usize::from(self.preset) % PRESETS.len()].version,
        };
        let fidelity = if self.documented {
            Fidelity::Documented
        } else {
            Fidelity::Observed
        };
        let r = self.registry;
        Config::new(version)
            .with_fidelity(fidelity)
            .with_registry(Registry {
                keep_alive_time: r[0],
                keep_alive_interval: r[1],
                tcp_max_data_retransmissions: r[2],
                pptp_tcp_max_data_retransmissions: r[3],
                max_user_port: None,
            })
    }
}

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
            H::Issued(i) if !self.issued.is_empty() => {
                self.issued[usize::from(i) % self.issued.len()]
            }
            H::Issued(i) => SocketHandle::from_raw(u64::from(i)),
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
    fn check_last_error(&self, before: WsaError, o: &Outcome) -> Result<(), String> {
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
    ) -> Result<(), String> {
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

    fn run(&mut self, op: &Op) -> Result<(), String> {
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
                let o = self.st.connect(self.h(h), p.peer());
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
                let r = self.st.set_peer(self.h(h), p.peer());
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
            Op::KeepAlive(state, bytes, optlen) => {
                keepalive(*self.st.config(), state, &bytes, optlen)?;
                String::from("keepalive")
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
fn check_written(prefill: &[u8], after: &[u8], written: &[u8]) -> Result<(), String> {
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

/// (c) on a fresh stack: the value getsockopt(SO_KEEPALIVE) reads back after a setsockopt.
fn keepalive(config: Config, state: u8, bytes: &[u8], optlen: i32) -> Result<(), String> {
    if !config.version.at_least(threshold::WIN2000) || bytes.is_empty() {
        return Ok(());
    }
    let mut st = Stack::new(config);
    st.wsa_startup(0x0202);
    let Ret::Socket(s) = st
        .socket_create(
            AddressFamily::AF_INET,
            SocketType::SOCK_STREAM,
            Protocol::IPPROTO_TCP,
        )
        .ret
    else {
        return Err("no TCP socket".into());
    };
    match state % 3 {
        0 => {}
        1 => {
            st.bind(s);
        }
        _ => {
            st.connect(s, Peer::Accepts);
        }
    }
    let o = st.setsockopt(
        s,
        Level::SOL_SOCKET,
        OptName::SO_KEEPALIVE,
        InBuf::Bytes(bytes),
        optlen,
    );
    if o.ret != Ret::OK {
        return Ok(());
    }
    let legacy = !config.version.at_least(threshold::VISTA);
    let dword = |n: usize| bytes.iter().take(n.min(4)).any(|x| *x != 0);
    let on = match config.fidelity {
        Fidelity::Documented => dword(4),
        Fidelity::Observed if !legacy => bytes[0] != 0,
        Fidelity::Observed if optlen < 0 => dword(4),
        Fidelity::Observed => dword(optlen as usize),
    };
    let mut buf = [0xef, 0xbe, 0xad, 0xde];
    let mut len = 4;
    let g = st.getsockopt(
        s,
        Level::SOL_SOCKET,
        OptName::SO_KEEPALIVE,
        OutBuf::Bytes(&mut buf),
        IntPtr::Value(&mut len),
    );
    prop_assert_eq!(g.ret, Ret::OK);
    let v = u8::from(on);
    let want: ([u8; 4], i32) = match config.fidelity {
        Fidelity::Observed if !legacy => ([v, 0xbe, 0xad, 0xde], 1),
        _ => ([v, 0, 0, 0], 4),
    };
    prop_assert_eq!((buf, len), want, "{config:?} set {bytes:?} optlen {optlen}");
    Ok(())
}

fuzz_target!(|input: Input| {
    let config = input.config();
    let mut a = Runner::new(config);
    let mut b = Runner::new(config);
    if input.prelude {
        for op in [
            Op::Startup(0x0202),
            Op::Socket(2, 1, 0),
            Op::Socket(2, 2, 17),
        ] {
            a.run(&op).unwrap_or_else(|e| panic!("{e}"));
            b.run(&op).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    for op in input.ops.iter().take(64) {
        a.run(op).unwrap_or_else(|e| panic!("{op:?}: {e}"));
        b.run(op).unwrap_or_else(|e| panic!("{op:?}: {e}"));
    }
    // (d)
    assert_eq!(a.trace, b.trace);
    assert_eq!(snapshot(&a.st), snapshot(&b.st));
    assert_eq!(a.st.last_error(), b.st.last_error());
});
