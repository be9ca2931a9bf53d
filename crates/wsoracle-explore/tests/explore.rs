//! The search, the random walks and the scenario writer, on small plans.

use proptest::prelude::*;
use wsoracle_explore::{alphabet, exec, scenario, search, walk, Plan};
use wsoracle_model::{Config, Fidelity, Preset, PRESETS};

fn plan(group: &str, preset: &str) -> Plan {
    Plan {
        presets: vec![Preset::by_name(preset).unwrap()],
        fidelities: vec![Fidelity::Observed],
        groups: vec![group.into()],
        threads: 1,
    }
}

#[test]
fn the_alphabet_is_derived_from_the_table() {
    let full = alphabet::full();
    for def in wsoracle_model::sockopt::table::OPTIONS {
        assert!(
            full.iter().any(|c| matches!(c, alphabet::Call::Set { level, optname, .. } if *level == def.level && *optname == def.optname)),
            "{} has no setsockopt in the alphabet",
            def.name
        );
    }
    // A bounded option (none is in the table yet; IP_TTL will be) gets its bound and one above.
    use wsoracle_model::sockopt::def::{base, ValueKind};
    let max = 255;
    let mut ttl = base(
        wsoracle_model::Level::IPPROTO_IP,
        wsoracle_model::OptName(4),
        "IP_TTL",
        &wsoracle_model::rules::BIND,
        &wsoracle_model::rules::BIND,
    );
    ttl.value = ValueKind::Bounded { max };
    let values: Vec<u32> = alphabet::set_args(&ttl)
        .iter()
        .filter_map(|(a, _)| match a {
            alphabet::InArg::Value { value, .. } => Some(*value),
            _ => None,
        })
        .collect();
    assert!(
        values.contains(&max) && values.contains(&(max + 1)),
        "{values:?}"
    );
}

#[test]
fn every_group_reaches_a_fixpoint_and_sockets_move_through_their_states() {
    let r = wsoracle_explore::explore(&plan("SO_DEBUG", "win7"));
    assert_eq!(r.searches, 1);
    assert!(r.states > 10, "{}", r.states);
    for id in [
        "bind.ok",
        "listen.ok",
        "accept.ok",
        "connect.would-block",
        "setsockopt.so_debug",
    ] {
        let known = wsoracle_model::catalog::all_rules().any(|r| r.id == id);
        assert!(!known || r.reached.contains(id), "{id} not reached");
    }
    let text = r.render();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("explored: ") && last.contains(" rules reached, in "),
        "{last}"
    );
}

#[test]
fn the_timeline_group_reaches_the_drop() {
    let r = wsoracle_explore::explore(&plan("timeline", "win10-1709"));
    assert!(
        r.reached.contains("timeline.drop.pending"),
        "{:?}",
        r.reached
    );
}

#[test]
fn canonical_states_ignore_when_things_happened() {
    let config = Config::new(PRESETS[5].version);
    let mut a = wsoracle_model::Stack::new(config);
    a.wsa_startup(0x0202);
    let mut b = a.clone();
    b.advance(wsoracle_model::Duration::from_millis(5_000));
    assert_eq!(exec::key(&a), exec::key(&b));
    assert!(!exec::same_state(&a, &b));
}

#[test]
fn a_violation_path_is_written_as_a_scenario_that_loads() {
    let config = Config::new(Preset::by_name("win7").unwrap().version);
    let path = [
        alphabet::Call::Startup(0x0202),
        alphabet::Call::Socket(alphabet::Kind::TCP4),
        alphabet::Call::Set {
            s: alphabet::Handle::Open(0),
            level: wsoracle_model::Level::SOL_SOCKET,
            optname: wsoracle_model::OptName::SO_KEEPALIVE,
            optval: alphabet::InArg::Value { value: 1, buf: 4 },
            optlen: 4,
        },
    ];
    let text = scenario::write(config, &path, "a: b", "test");
    assert!(
        text.contains("as: s1")
            && text.contains("setsockopt: {s: s1, level: SOL_SOCKET, optname: SO_KEEPALIVE"),
        "{text}"
    );
    assert!(
        text.contains("expect: {ret: 0, error: 0}")
            || text.contains("expect: {ret: 0, error: NO_ERROR}"),
        "{text}"
    );
}

#[test]
fn the_same_seed_walks_the_same_way() {
    let c = walk::config_for(7);
    let a = walk::walk(c, 7, 300);
    let b = walk::walk(c, 7, 300);
    assert_eq!(a.rules, b.rules);
    assert_eq!(a.steps, b.steps);
}

#[test]
fn groups_merge_options_that_share_a_slot_or_interact() {
    let g = search::groups();
    assert!(
        g.iter().any(|g| g.name == "SO_LINGER+SO_DONTLINGER"),
        "{:?}",
        g.iter().map(|g| &g.name).collect::<Vec<_>>()
    );
    assert!(g
        .iter()
        .any(|g| g.name == "SO_REUSEADDR+SO_EXCLUSIVEADDRUSE"));
    assert!(g
        .iter()
        .any(|g| g.name.starts_with("SO_KEEPALIVE+TCP_KEEPALIVE")));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The walk's generator, driven by proptest's choices: every invariant holds on every step.
    #[test]
    fn random_calls_keep_the_invariants(
        preset in 0..PRESETS.len(),
        documented in any::<bool>(),
        choices in prop::collection::vec(any::<usize>(), 1..60),
    ) {
        let fidelity = if documented { Fidelity::Documented } else { Fidelity::Observed };
        let config = Config::new(PRESETS[preset].version).with_fidelity(fidelity);
        let calls = alphabet::full();
        let mut it = choices.iter().cycle().copied();
        let w = walk::run_walk(config, choices.len(), &calls, |n| it.next().unwrap_or(0) % n);
        if let Some(v) = &w.violation {
            prop_assert!(false, "{:?} after {:?}", v.broken, v.path);
        }
    }
}

#[test]
fn the_address_reuse_group_binds_by_name_and_keeps_the_tables() {
    let g = search::groups();
    let group = g
        .iter()
        .find(|g| g.name == "address reuse")
        .expect("the address-reuse group");
    let calls = search::alphabet(group);
    for version in [
        wsoracle_model::version::threshold::WINXP,
        wsoracle_model::version::threshold::WIN7,
    ] {
        let found = search::search(Config::new(version), group, &calls);
        assert!(
            found.rules.iter().any(|r| r.starts_with("bind.share")),
            "{:?}",
            found.rules
        );
        assert!(
            found
                .violations
                .iter()
                .all(|v| v.broken.invariant != wsoracle_explore::exec::Invariant::AddressesShared),
            "{:?}",
            found.violations
        );
    }
}

#[test]
fn the_walks_bind_and_connect_by_name_on_every_kind() {
    use alphabet::{Call, Handle, Kind};
    let full = alphabet::full();
    for s in [Handle::Open(0), Handle::Open(1)] {
        for c in alphabet::address_calls(s) {
            assert!(full.contains(&c), "{c:?} is not in the walks' alphabet");
        }
        for a in alphabet::Addr::ALL {
            assert!(
                full.contains(&Call::BindName(s, a, true)),
                "port 0 on {a:?}"
            );
        }
        for optname in [
            wsoracle_model::OptName::SO_REUSEADDR,
            wsoracle_model::OptName::SO_EXCLUSIVEADDRUSE,
            wsoracle_model::OptName::IPV6_V6ONLY,
        ] {
            assert!(full.iter().any(
                |c| matches!(c, Call::Set { s: h, optname: o, optval: alphabet::InArg::Value { .. }, optlen: 4, .. } if *h == s && *o == optname)
            ));
        }
    }
    for k in Kind::MODELLED {
        assert!(full.contains(&Call::Socket(k)));
    }
}

/// Walks on every preset and fidelity, past the other invariants' findings (the walk goes on
/// from the state the call left): no two sockets ever hold one address and port against
/// Microsoft's table, and the walks do bind sockets onto a port another socket holds.
#[test]
fn walks_keep_the_address_invariant_on_every_preset() {
    use alphabet::Call;
    use rand::{RngExt, SeedableRng};
    let calls = alphabet::full();
    let mut beside = 0;
    for (i, p) in PRESETS.iter().enumerate() {
        for f in Fidelity::ALL {
            let config = Config::new(p.version).with_fidelity(f);
            let mut rng = rand::rngs::StdRng::seed_from_u64(i as u64);
            let mut st = wsoracle_model::Stack::new(config);
            for _ in 0..3_000 {
                let call = walk::pick(&st, &calls, &walk::BOUNDS, |n| rng.random_range(0..n));
                let obs = exec::run(&mut st, &call);
                if let Some(b) = exec::check_addresses(&st, &call, &obs) {
                    panic!("{} {f}: {b:?}", p.name);
                }
                if let (Call::BindName(h, ..), Some(o)) = (call, &obs.outcome) {
                    let mine =
                        exec::resolve(&st, h).and_then(|h| st.local_name(h).map(|n| (h, n.0)));
                    if let (wsoracle_model::Ret::OK, Some((h, a))) = (o.ret, mine) {
                        beside += usize::from(st.sockets().any(|(other, _)| {
                            other != h && st.local_name(other).is_some_and(|n| n.0.port == a.port)
                        }));
                    }
                }
            }
        }
    }
    assert!(
        beside >= PRESETS.len(),
        "{beside} binds beside another socket"
    );
}

/// Each rule the search cannot reach names where it is exercised instead: the scenario exists,
/// and (but for umbrella rules, which no outcome names) its reviewed snapshot shows the rule.
#[test]
fn every_unreachable_rule_names_a_scenario_that_shows_it() {
    use wsoracle_explore::unreached::{Why, EXPECTED};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut cited = 0;
    for (rule, why, reason) in EXPECTED {
        let Some(start) = reason.find("scenarios/") else {
            continue;
        };
        let path = &reason[start..];
        let path = &path[..path.find(".yaml").map_or(path.len(), |i| i + 5)];
        assert!(root.join(path).is_file(), "{rule}: {path} does not exist");
        cited += 1;
        if *why == Why::Umbrella {
            continue;
        }
        let snap = format!(
            "tests/snapshots/{}.snap",
            path.trim_start_matches("scenarios/")
                .trim_end_matches(".yaml")
                .replace('/', "__")
        );
        let text = std::fs::read_to_string(root.join(&snap))
            .unwrap_or_else(|e| panic!("{rule}: {snap}: {e}"));
        // An outcome's rule is written `[rule (basis…)]`, a setting's `[rule]`.
        assert!(
            text.contains(&format!("[{rule} (")) || text.contains(&format!("[{rule}]")),
            "{rule}: {snap} does not show it"
        );
    }
    assert!(cited >= 10, "only {cited} entries cite a scenario");
}
