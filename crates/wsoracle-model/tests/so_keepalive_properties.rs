//! Property test of SO_KEEPALIVE's value: getsockopt(SO_KEEPALIVE) after a successful setsockopt
//! of any bytes and length, on a TCP socket in any state, any version (presets and arbitrary
//! ones), both fidelities and any registry, returns the normalised value: from Vista on one byte
//! from the low byte of optval (wine:K08, K11), on 2003 the DWORD as far as optlen reaches
//! (primary:P03), under documented fidelity the DWORD (42a54-122).
//!
//! The properties over call sequences (no panic, a failed call changes nothing, the same inputs
//! give the same outputs) are in `crates/wsoracle-explore/tests/properties.rs`, driven by the
//! explorer's call generator (this crate cannot depend on the explorer).

mod common;

use common::{legacy, DEADBEEF};
use proptest::prelude::*;
use wsoracle_model::outcome::Ret;
use wsoracle_model::{Config, Fidelity, Registry, SocketState, Stack, WindowsVersion, PRESETS};

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

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_shrink_iters: 2048, ..ProptestConfig::default() })]

    /// getsockopt(SO_KEEPALIVE) after a successful setsockopt returns the normalised value.
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
