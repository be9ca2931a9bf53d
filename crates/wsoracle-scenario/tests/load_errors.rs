//! Malformed scenarios: each gives a load error with its line and column, what is wrong and what
//! would be right.

use wsoracle_scenario::{run, RunOptions, Scenario, ScenarioError};

const HEAD: &str = "name: t\nsteps:\n  - WSAStartup: {}\n  - socket: {af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}\n    as: s\n";

fn load(steps: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_yaml_str("t.yaml", &format!("{HEAD}{steps}"))
}

#[track_caller]
fn error(steps: &str) -> ScenarioError {
    match load(steps) {
        Ok(_) => panic!("loaded: {steps}"),
        Err(e) => e,
    }
}

#[track_caller]
fn assert_error(steps: &str, line: usize, needle: &str) {
    let e = error(steps);
    assert_eq!(e.pos.line, line, "{e}");
    assert!(e.pos.column >= 1, "{e}");
    assert!(e.message.contains(needle), "{e}\n  wanted: {needle}");
    assert!(e.to_string().starts_with(&format!("t.yaml:{line}:")), "{e}");
}

#[test]
fn unknown_constant_suggests_the_closest_name() {
    assert_error(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIV, optval: {dword: 1}}\n",
        6,
        "did you mean SO_KEEPALIVE?",
    );
}

#[test]
fn a_bare_number_for_optval_suggests_dword() {
    assert_error(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: 1}\n",
        6,
        "{dword: 1}",
    );
}

#[test]
fn unknown_key_lists_the_valid_ones() {
    let e = error("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {dword: 1}}\n    expcet: {ret: 0}\n");
    assert_eq!(e.pos.line, 7, "{e}");
    assert!(e.message.contains("did you mean `expect`?"), "{e}");
    assert!(e.message.contains("`expect_on`"), "{e}");
}

#[test]
fn unknown_key_in_an_expectation() {
    assert_error(
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE}\n    expect: {ret: 0, optln: 1}\n",
        7,
        "did you mean `optlen`?",
    );
}

#[test]
fn optlen_larger_than_optval() {
    assert_error(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: \"01\", optlen: 4}\n",
        6,
        "larger than the 1 bytes of optval",
    );
    assert_error(
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: \"00 00\", optlen: 4}\n",
        6,
        "larger than the 2 bytes of optval",
    );
}

#[test]
fn negative_optlen_and_null_optval_load() {
    load("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {dword: 1}, optlen: -1}\n  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: null, optlen: 4}\n  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: null}\n").unwrap();
}

#[test]
fn unknown_socket_name() {
    assert_error("  - closesocket: {s: t}\n", 6, "no socket is named `t`");
}

#[test]
fn two_calls_in_one_step() {
    assert_error("  - bind: {s: s}\n    listen: {s: s}\n", 7, "exactly one");
}

#[test]
fn a_field_that_does_not_apply() {
    assert_error(
        "  - bind: {s: s}\n    expect: {optlen: 4}\n",
        7,
        "`optlen` cannot be checked on `bind`",
    );
}

#[test]
fn a_newer_format_names_the_version_it_needs() {
    let e = Scenario::from_yaml_str("t.yaml", "format: 2\nname: t\nsteps: []\nnew_key: 1\n")
        .unwrap_err();
    assert_eq!(e.pos.line, 1, "{e}");
    assert!(e.message.contains("needs scenario format 2"), "{e}");
}

#[test]
fn bad_profile_and_bad_expect_on_key() {
    let e =
        Scenario::from_yaml_str("t.yaml", "name: t\nprofiles: [vsta]\nsteps: []\n").unwrap_err();
    assert_eq!(e.pos.line, 2, "{e}");
    assert!(e.message.contains("did you mean vista?"), "{e}");
    assert_error(
        "  - bind: {s: s}\n    expect_on:\n      6.0..5.0: {ret: 0}\n",
        8,
        "is empty",
    );
}

#[test]
fn a_yaml_syntax_error_has_a_position() {
    let e = Scenario::from_yaml_str("t.yaml", "name: t\nsteps:\n  - bind: {s: s\n").unwrap_err();
    assert!(e.pos.line >= 3, "{e}");
}

#[test]
fn expect_on_the_most_specific_key_wins() {
    let s = load(concat!(
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: 4}\n",
        "    expect: {optlen: 99}\n",
        "    expect_on:\n",
        "      ..6.0: {optlen: 4}\n",
        "      6.0..: {optlen: 1}\n",
        "      5.0..: {optlen: 98}\n",
        "      win2000: {optlen: 4}\n",
    ))
    .unwrap();
    let report = run(&s, &RunOptions::default());
    report.assert_passed();
}

#[test]
fn a_failed_expectation_names_step_profile_and_values() {
    let s = load(concat!(
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: 4}\n",
        "    expect: {optlen: 4, optval: \"01 ?? ?? ??\"}\n",
    ))
    .unwrap();
    let report = run(
        &s,
        &RunOptions {
            profiles: Some(vec!["vista".parse().unwrap()]),
        },
    );
    assert_eq!(report.failures.len(), 2, "{:?}", report.failures);
    let f = &report.failures[0];
    assert_eq!((f.step, f.field.as_str()), (2, "optval"));
    assert_eq!(f.expected, "01 ?? ?? ??");
    let f = &report.failures[1];
    assert_eq!(
        (f.field.as_str(), f.expected.as_str(), f.actual.as_str()),
        ("optlen", "4", "1")
    );
    assert!(f.describe().contains("on vista"), "{}", f.describe());
}

#[test]
fn misuse_is_a_scenario_error_with_the_step_position() {
    let s = load("  - bind: {s: s}\n  - listen: {s: s}\n  - accept: {s: s}\n").unwrap();
    let report = run(&s, &RunOptions::default());
    let m = report
        .misuses()
        .next()
        .expect("a blocking accept with nothing waiting is misuse");
    assert_eq!(m.pos.line, 8, "{m}");
    assert!(!report.passed());
}

// ---- `{pointer: N}`, an extension of format 1 -------------------------------------------------

#[test]
fn pointer_forms_load_wherever_a_pointer_is_passed() {
    use wsoracle_scenario::values::{Buffer, IntPtrArg};
    use wsoracle_scenario::Call;
    let s = load(concat!(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {pointer: 1}, optlen: 4}\n",
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {pointer: 0x10}}\n",
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: {pointer: 1}}\n",
        "  - WSAIoctl: {s: s, dwIoControlCode: SIO_KEEPALIVE_VALS, lpvInBuffer: {pointer: 1}, cbInBuffer: 12, lpvOutBuffer: {pointer: 2}, cbOutBuffer: 4, lpcbBytesReturned: {pointer: 3}}\n",
    ))
    .unwrap();
    assert!(matches!(
        &s.steps[2].call,
        Call::Setsockopt {
            optval: Buffer::Pointer(1),
            optlen: 4,
            ..
        }
    ));
    // No optlen: the length of a pointer is 0, as for NULL.
    assert!(matches!(
        &s.steps[3].call,
        Call::Getsockopt {
            optval: Buffer::Pointer(16),
            optlen: IntPtrArg::Value(0),
            ..
        }
    ));
    // No optval with a bad optlen pointer: a 4-byte buffer, as for a NULL optlen.
    match &s.steps[4].call {
        Call::Getsockopt { optval, optlen, .. } => {
            assert_eq!(optval, &Buffer::Bytes(vec![0xcc; 4]));
            assert_eq!(optlen, &IntPtrArg::Pointer(1));
        }
        other => panic!("{other:?}"),
    }
    let c = s.steps[5].call.to_c();
    assert_eq!(
        c,
        "WSAIoctl(s, SIO_KEEPALIVE_VALS, (void *)0x1, 12, (void *)0x2, 4, (DWORD *)0x3, NULL, NULL)"
    );
    assert_eq!(
        s.steps[4].call.to_c(),
        "getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, cc cc cc cc, (int *)0x1)"
    );
    assert_eq!(
        s.steps[2].call.to_c(),
        "setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, (char *)0x1, 4)"
    );
    // Every call fails with WSAEFAULT on every preset.
    let report = run(&s, &RunOptions::default());
    for r in &report.runs {
        for rec in &r.steps[2..] {
            let wsoracle_scenario::StepAnswer::Call(a) = &rec.answer else {
                panic!("{rec:?}")
            };
            assert_eq!(
                a.outcome.error,
                Some(wsoracle_model::WsaError::WSAEFAULT),
                "{} on {}",
                rec.call,
                r.version
            );
        }
    }
}

#[test]
fn pointer_zero_suggests_null() {
    assert_error(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {pointer: 0}, optlen: 4}\n",
        6,
        "write `null`",
    );
    assert_error(
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: {pointer: 0}}\n",
        6,
        "write `null`",
    );
    assert_error(
        "  - WSAIoctl: {s: s, dwIoControlCode: SIO_KEEPALIVE_VALS, lpvInBuffer: {pointer: -4}}\n",
        6,
        "negative",
    );
}

#[test]
fn buffer_hints_list_the_pointer_form() {
    assert_error(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: 1}\n",
        6,
        "{pointer: 1}",
    );
    assert_error(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {pointr: 1}}\n",
        6,
        "did you mean `pointer`?",
    );
    assert_error(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {word: 1}}\n",
        6,
        "{pointer: N}",
    );
    assert_error(
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: {dword: 4}}\n",
        6,
        "{pointer: N}",
    );
}

#[test]
fn setsockopt_optlen_is_never_a_pointer() {
    assert_error(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {dword: 1}, optlen: {pointer: 1}}\n",
        6,
        "not a pointer",
    );
}

#[test]
fn what_a_bad_pointer_names_cannot_be_checked() {
    assert_error(
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {pointer: 1}, optlen: 4}\n    expect: {ret: SOCKET_ERROR, optval: \"00\"}\n",
        7,
        "`optval` cannot be checked here",
    );
    assert_error(
        "  - WSAIoctl: {s: s, dwIoControlCode: SIO_KEEPALIVE_VALS, lpvInBuffer: {pointer: 1}, cbInBuffer: 12, lpcbBytesReturned: {pointer: 1}}\n    expect_on:\n      win11: {lpcbBytesReturned: 0}\n",
        8,
        "`lpcbBytesReturned` cannot be checked here",
    );
}

#[test]
fn an_option_name_at_the_wrong_level_names_the_right_one() {
    // 16 is SO_DONTROUTE at SOL_SOCKET: the name must not silently run it.
    assert_error(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: TCP_KEEPCNT, optval: {dword: 1}}\n",
        6,
        "`TCP_KEEPCNT` is an IPPROTO_TCP option; this step's level is SOL_SOCKET",
    );
    assert_error(
        "  - getsockopt: {s: s, level: IPPROTO_TCP, optname: IPV6_V6ONLY}\n",
        6,
        "is an IPPROTO_IPV6 option",
    );
}

#[test]
fn names_resolve_per_level_and_integers_are_never_checked() {
    use wsoracle_scenario::Call;
    let s = load(concat!(
        "  - setsockopt: {s: s, level: IPPROTO_IP, optname: IP_TTL, optval: {dword: 1}}\n",
        "  - setsockopt: {s: s, level: IPPROTO_IPV6, optname: IPV6_UNICAST_HOPS, optval: {dword: 1}}\n",
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: 16, optval: {dword: 1}}\n",
        "  - setsockopt: {s: s, level: 0x1234, optname: SO_KEEPALIVE, optval: {dword: 1}}\n",
        "  - setsockopt: {s: s, level: IPPROTO_TCP, optname: TCP_KEEPIDLE, optval: {dword: 1}}\n",
    ))
    .expect("loads");
    let optnames: Vec<i32> = s.steps[2..]
        .iter()
        .map(|st| match &st.call {
            Call::Setsockopt { optname, .. } => optname.0,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(optnames, vec![4, 4, 16, 8, 3]);
    // A name two levels define, at a level that names neither, must be a number.
    assert_error(
        "  - setsockopt: {s: s, level: 0x1234, optname: IP_ORIGINAL_ARRIVAL_IF, optval: {dword: 1}}\n",
        6,
        "write the option's number",
    );
}

#[test]
fn struct_buffer_forms_lay_out_their_bytes() {
    use wsoracle_scenario::values::Buffer;
    use wsoracle_scenario::Call;
    let s = load(concat!(
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_LINGER, optval: {linger: {l_onoff: 1, l_linger: 555}}}\n",
        "  - setsockopt: {s: s, level: IPPROTO_IP, optname: IP_ADD_MEMBERSHIP, optval: {ip_mreq: {imr_multiaddr: 224.0.0.251, imr_interface: 0.0.0.0}}}\n",
        "  - setsockopt: {s: s, level: IPPROTO_IPV6, optname: IPV6_JOIN_GROUP, optval: {ipv6_mreq: {ipv6mr_multiaddr: 'ff02::1', ipv6mr_interface: 3}}}\n",
    ))
    .expect("loads");
    let bufs: Vec<(Vec<u8>, i32)> = s.steps[2..]
        .iter()
        .map(|st| match &st.call {
            Call::Setsockopt {
                optval: Buffer::Bytes(b),
                optlen,
                ..
            } => (b.clone(), *optlen),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(bufs[0], (vec![1, 0, 0x2b, 0x02], 4));
    assert_eq!(bufs[1], (vec![224, 0, 0, 251, 0, 0, 0, 0], 8));
    let mut v6 = vec![0xff, 0x02];
    v6.extend_from_slice(&[0; 13]);
    v6.extend_from_slice(&[1, 3, 0, 0, 0]);
    assert_eq!(bufs[2], (v6, 20));
    assert_error(
        "  - setsockopt: {s: s, level: IPPROTO_IP, optname: IP_ADD_MEMBERSHIP, optval: {ip_mreq: {imr_multiaddr: 224.0.0.x, imr_interface: 0.0.0.0}}}\n",
        6,
        "not an IPv4 address",
    );
}
