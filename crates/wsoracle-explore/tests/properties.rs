//! Property tests of the model over call sequences, drawn by the explorer's call generator
//! (`walk::pick` over `alphabet::full()`, the generator of the random walks), on any version
//! (presets and arbitrary ones), both fidelities and any registry. They check that
//!
//! - (a) no call sequence panics;
//! - (b) a failed call (SOCKET_ERROR, INVALID_SOCKET, a WSAStartup error, not modelled, or a
//!   scenario misuse) changes nothing: neither the process, nor any socket, its options or its
//!   local address (`exec::check`'s "a failed call changes nothing") — the one documented
//!   exception is a non-blocking connect's WSAEWOULDBLOCK, which starts the connection
//!   (wine:E13) — and the last error, the caller's buffer, `*optlen` and `*lpcbBytesReturned`
//!   change exactly as the outcome says (`error`, `written`; wine:G06, T02); besides, setsockopt
//!   writes nothing, WSAStartup returns its error instead of setting it, a peer's connection and
//!   complete_connect leave the last error alone, the process conditions change nothing else,
//!   time never goes back, and every answer that is not a failure names a rule with sources;
//! - (d) the same inputs give the same outputs and the same final state;
//! - (e) no two sockets hold one address and port against Microsoft's tables
//!   (`exec::check_addresses`: the page's tables transcribed in the explorer, with the observed
//!   departures), and a successful bind by name moves no other socket. The walks' generator
//!   binds TCP and UDP sockets of both families by name to loopback, a second loopback address,
//!   the wildcards and the IPv4-mapped addresses, with SO_REUSEADDR, SO_EXCLUSIVEADDRUSE (in an
//!   elevated process or not) and IPV6_V6ONLY switched, and closes and re-creates them.
//!
//! Property (c), getsockopt(SO_KEEPALIVE) after a successful setsockopt of any bytes, is not a
//! call sequence: it stays with the model's tests (`crates/wsoracle-model/tests/so_keepalive.rs`).
//! The invariants of the search (errors the documentation lists, set values read back, the
//! fidelities, the addresses) are `tests/explore.rs`'s.
//!
//! On failure proptest prints the minimal choices; the trace of calls is in the message.

use std::panic::{catch_unwind, AssertUnwindSafe};

use proptest::prelude::*;
use wsoracle_explore::alphabet::{self, Call, LenArg, OutArg};
use wsoracle_explore::exec::{self, Invariant, IoctlMemory, Observed};
use wsoracle_explore::walk;
use wsoracle_model::outcome::Ret;
use wsoracle_model::{
    Config, Fidelity, Outcome, Registry, SocketHandle, Stack, WindowsVersion, Written, PRESETS,
};

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
    let reg = any::<[Option<u32>; 5]>();
    (version(), fidelity, reg, any::<bool>()).prop_map(|(v, f, r, elevated)| {
        let registry = Registry {
            keep_alive_time: r[0],
            keep_alive_interval: r[1],
            tcp_max_data_retransmissions: r[2],
            pptp_tcp_max_data_retransmissions: r[3],
            max_user_port: r[4],
        };
        Config::new(v)
            .with_fidelity(f)
            .with_registry(registry)
            .with_elevated(elevated)
    })
}

/// Did the call fail in the sense of property (b)?
fn failed(o: &Outcome) -> bool {
    matches!(o.ret, Ret::NotModelled)
        || o.ret == Ret::ERR
        || o.ret == Ret::Socket(SocketHandle::INVALID_SOCKET)
}

/// A WSAIoctl of the alphabet, made as `exec::run` makes it, keeping the caller's memory.
fn ioctl(st: &mut Stack, call: &Call) -> (Observed, IoctlMemory) {
    let Call::Ioctl { s, code, arg } = *call else {
        unreachable!("only WSAIoctl")
    };
    let s = exec::resolve(st, s).unwrap_or(SocketHandle::INVALID_SOCKET);
    let (o, memory) = exec::wsa_ioctl(st, s, code, arg);
    let mut obs = Observed::default();
    obs.rules.push(o.rule);
    obs.outcome = Some(o);
    (obs, memory)
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

/// Runs the generator's calls on one stack and checks (a) and (b) after each.
struct Runner {
    st: Stack,
    calls: Vec<Call>,
    /// The calls made.
    path: Vec<Call>,
    /// One line per call, for the determinism check.
    trace: Vec<String>,
}

impl Runner {
    fn new(config: Config) -> Self {
        Runner {
            st: Stack::new(config),
            calls: alphabet::full(),
            path: Vec::new(),
            trace: Vec::new(),
        }
    }

    /// WSAStartup and a TCP and a UDP socket, so that most calls reach the interesting checks.
    fn prelude(&mut self) -> Result<(), TestCaseError> {
        self.run(Call::Startup(0x0202))?;
        self.run(Call::Socket(alphabet::Kind::TCP4))?;
        self.run(Call::Socket(alphabet::Kind::UDP4))
    }

    /// `steps` calls drawn by the walks' generator from `choices`.
    fn walk(&mut self, choices: &[usize]) -> Result<(), TestCaseError> {
        let mut it = choices.iter().cycle().copied();
        for _ in 0..choices.len() {
            let call = walk::pick(&self.st, &self.calls, &walk::BOUNDS, |n| {
                it.next().unwrap_or(0) % n
            });
            self.run(call)?;
        }
        Ok(())
    }

    fn run(&mut self, call: Call) -> Result<(), TestCaseError> {
        self.path.push(call);
        let before = self.st.clone();
        let err_before = self.st.last_error();
        let st = &mut self.st;
        let result = catch_unwind(AssertUnwindSafe(|| match call {
            Call::Ioctl { .. } => {
                let (obs, memory) = ioctl(st, &call);
                (obs, Some(memory))
            }
            _ => (exec::run(st, &call), None),
        }));
        // (a)
        let Ok((obs, memory)) = result else {
            return Err(TestCaseError::fail(format!(
                "{} panicked after {:?}",
                call.name(),
                self.path
            )));
        };
        let st = &self.st;
        // (b): a failed call changes nothing, exactly.
        let unchanged = exec::same_state(&before, st) && exec::same_names(&before, st);
        for b in exec::check(st, &call, &obs, unchanged) {
            prop_assert!(
                !matches!(
                    b.invariant,
                    Invariant::FailedCallChangesNothing | Invariant::AddressesShared
                ),
                "{:?} after {:?}",
                b,
                self.path
            );
        }
        // (e): a bind by name moves no other socket.
        if let (Call::BindName(h, ..), Some(o)) = (call, &obs.outcome) {
            if o.ret == Ret::OK {
                let me = exec::resolve(st, h);
                for ((ha, _), (hb, _)) in before.sockets().zip(st.sockets()) {
                    if Some(ha) != me {
                        prop_assert_eq!(
                            before.local_name(ha),
                            st.local_name(hb),
                            "bind moved another socket"
                        );
                    }
                }
            }
        }
        match (&call, &obs.outcome) {
            // A peer's connection and complete_connect leave the last error alone.
            (Call::Incoming(_) | Call::CompleteConnect(_), _) => {
                prop_assert_eq!(st.last_error(), err_before, "{:?}", call);
            }
            (_, Some(o)) => {
                prop_assert_eq!(
                    st.last_error(),
                    o.error.unwrap_or(err_before),
                    "last error after {}",
                    o.rule.id
                );
                if !failed(o) {
                    prop_assert!(!o.rule.sources.is_empty(), "{} has no source", o.rule.id);
                }
            }
            (_, None) if obs.misuse => prop_assert_eq!(st.last_error(), err_before),
            _ => {}
        }
        if let Some(o) = &obs.outcome {
            match call {
                Call::Startup(_) => prop_assert_eq!(o.error, None, "WSAStartup returns its error"),
                Call::Set { .. } => {
                    prop_assert_eq!(o.written, Written::NOTHING, "setsockopt writes nothing")
                }
                Call::Get { optval, optlen, .. } => {
                    let (mem, len) = obs.got.clone().unwrap_or_default();
                    if let OutArg::Buf(n) = optval {
                        check_written(&vec![0xcc; usize::from(n)], &mem, o.written.data())?;
                    }
                    if let LenArg::Value(v) = optlen {
                        prop_assert_eq!(len, o.written.optlen.unwrap_or(v), "*optlen");
                    }
                }
                Call::Ioctl { .. } => {
                    let memory = memory.as_ref().expect("an ioctl keeps its memory");
                    if let Some(out) = memory.out {
                        check_written(&[0xcc; 4], &out, o.written.data())?;
                    }
                    if let Some(n) = memory.returned {
                        prop_assert_eq!(
                            n,
                            o.written.bytes_returned.unwrap_or(0xdead_beef),
                            "*lpcbBytesReturned"
                        );
                    }
                }
                _ => {}
            }
        }
        match call {
            // The conditions change nothing but themselves.
            Call::Condition { .. } => {
                let mut back = st.clone();
                let (n, b) = before.conditions();
                back.set_condition(Some(n), Some(b));
                prop_assert!(
                    exec::same_state(&before, &back),
                    "a condition changed the state"
                );
            }
            Call::Advance(_) => prop_assert!(st.now() >= before.now(), "time never goes back"),
            _ => {}
        }
        // keepalive_status reads every socket without a panic (it takes `&self`: it only reads).
        let status: Vec<String> = st
            .sockets()
            .map(|(h, _)| format!("{:?}", st.keepalive_status(h)))
            .collect();
        self.trace.push(format!(
            "{} {:?} {:?} {}",
            call.name(),
            obs.outcome,
            obs.got,
            status.join(" ")
        ));
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, max_shrink_iters: 1024, ..ProptestConfig::default() })]

    /// (a) and (b): no sequence panics; failed calls change nothing but what they say.
    #[test]
    fn failed_calls_change_nothing(config in config(), choices in prop::collection::vec(any::<usize>(), 0..48)) {
        let mut r = Runner::new(config);
        r.prelude()?;
        r.walk(&choices)?;
    }

    /// (a) and (b) without the prelude: the process-level paths (before WSAStartup).
    #[test]
    fn failed_calls_change_nothing_from_a_cold_start(config in config(), choices in prop::collection::vec(any::<usize>(), 0..24)) {
        let mut r = Runner::new(config);
        r.walk(&choices)?;
    }

    /// (d): the same inputs give the same outputs and the same final state.
    #[test]
    fn same_inputs_same_outputs(config in config(), choices in prop::collection::vec(any::<usize>(), 0..48)) {
        let mut a = Runner::new(config);
        let mut b = Runner::new(config);
        a.prelude()?;
        b.prelude()?;
        a.walk(&choices)?;
        b.walk(&choices)?;
        prop_assert_eq!(&a.trace, &b.trace);
        prop_assert_eq!(exec::snapshot(&a.st), exec::snapshot(&b.st));
        prop_assert_eq!(a.st.last_error(), b.st.last_error());
    }
}
