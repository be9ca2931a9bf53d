//! Inputs from the fuzz targets (`fuzz/`, docs/fuzzing.md) and the shapes they explore, kept
//! as regression tests: each loads, or fails with a load error at a position inside the file,
//! and never panics.

use wsoracle_scenario::{run, Limits, RunOptions, Scenario};

/// Loads `src` under the fuzz targets' limits; runs what loads on two of its profiles.
#[track_caller]
fn survives(src: &[u8]) -> Result<(), String> {
    let limits = Limits {
        file_bytes: 1 << 16,
        nodes: 20_000,
        depth: 32,
        steps: 200,
        names: 64,
        value_nodes: 4096,
    };
    match Scenario::from_bytes_with("fuzz.yaml", src, &limits) {
        Ok(s) => {
            let profiles = s.default_profiles().into_iter().take(2).collect();
            let _ = run(
                &s,
                &RunOptions {
                    profiles: Some(profiles),
                },
            );
            Ok(())
        }
        Err(e) => {
            let lines = src.split(|b| *b == b'\n').count();
            assert!(e.pos.line >= 1 && e.pos.column >= 1, "{e}");
            assert!(e.pos.line <= lines + 1, "{e} (the input has {lines} lines)");
            Err(e.message)
        }
    }
}

const HEAD: &str = "name: t\nsteps:\n  - WSAStartup: {}\n  - socket: {af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}\n    as: s\n";

#[test]
fn yaml_shapes_the_format_does_not_use() {
    // Aliases as keys, anchored and aliased steps, tags, complex keys, merge keys.
    let cases: &[&str] = &[
        "name: t\nsteps: &x []\nx: *x\n",
        "name: &n t\n*n : 1\nsteps: []\n",
        "name: t\nsteps:\n  - &w WSAStartup: {}\n  - *w\n",
        "name: t\nsteps:\n  - &st {WSAStartup: {}}\n  - *st\n  - *st\n",
        "name: t\nsteps: !!seq [{WSAStartup: {}}]\n",
        "name: t\nsteps: !foo []\n",
        "name: !!str 1\nsteps: []\n",
        "name: t\nsteps:\n  - ? [a, b]\n    : 1\n",
        "name: t\nsteps:\n  - <<: {WSAStartup: {}}\n",
        "{name: t, steps: [{WSAStartup: {}}, {WSACleanup: {}}]}\n",
        "name: t\r\nsteps:\r\n  - WSAStartup: {}\r\n",
        "name: t\nsteps: []\n...\n",
        "%YAML 1.2\n---\nname: t\nsteps: []\n",
        "name: t\nsteps:\n  - WSAStartup: {wVersionRequested: 0x10000}\n",
        "name: t\nsteps:\n  - advance: 18446744073709551615ms\n",
        "name: t\nsteps:\n  - advance: 99999999999999999999d\n",
        "name: t\nformat: 99999999999999999999999\nsteps: []\n",
        "name: t\nformat: -1\nsteps: []\n",
        "name: t\nsteps: []\nprofiles: [\"4294967295.4294967295.4294967295.4294967295\"]\n",
        "name: t\nsteps:\n  - WSAStartup: {}\n    expect_on:\n      \"..\": {ret: 0}\n",
        "name: t\nsteps:\n  - WSAStartup: {}\n    expect_on:\n      4294967295.0.0..: {ret: 0}\n",
        "name: \"\\u0000\"\nsteps: []\n",
        "\u{feff}\u{feff}name: t\nsteps: []\n",
        "name: t\nsteps: []\n\u{feff}",
    ];
    for src in cases {
        let _ = survives(src.as_bytes());
    }
}

#[test]
fn buffers_and_lengths_at_their_edges() {
    let steps = [
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {bytes: 1048577}}\n",
        "  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {bytes: -1}}\n",
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: 2147483647}\n",
        "  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: -2147483648}\n",
        "  - getsockopt: {s: s, level: 0xffffffff, optname: 0x80000000, optlen: 4}\n",
        "  - WSAIoctl: {s: s, dwIoControlCode: SIO_KEEPALIVE_VALS, cbInBuffer: 4294967295}\n",
        "  - WSAIoctl: {s: s, dwIoControlCode: 0xffffffff, lpvOutBuffer: {bytes: 65536}, cbOutBuffer: 65536}\n",
        "  - send: {s: s, len: 4294967295}\n",
        "  - peer_sends: {s: s, len: 4294967295}\n",
        "  - closesocket: {s: 18446744073709551615}\n",
        "  - closesocket: {s: -1}\n",
        "  - listen: {s: s, backlog: -2147483648}\n",
        "  - advance: 1ms\n  - advance: 18446744073709551ms\n  - advance: 18446744073709551ms\n",
    ];
    for step in steps {
        let _ = survives(format!("{HEAD}{step}").as_bytes());
    }
}

#[test]
fn bytes_that_are_not_a_scenario() {
    let cases: &[&[u8]] = &[
        b"",
        b"\xef\xbb\xbf",
        b"\xef\xbb",
        b"\x00",
        b"name: t\nsteps: [\x00]\n",
        b"name: t\nsteps: []\n\xc3",
        b"- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - x",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        b"&a [*a]",
        b"name: t\nsteps:\n\t- WSAStartup: {}\n",
        b"name: t\nsteps:\n  - WSAStartup: {}\n   bad",
        b"? ? ? ? ?",
        b"!",
        b"*",
        b"&",
        b"'",
        b"\"\\",
        b"|\n  \t",
        b">-\n",
    ];
    for src in cases {
        let _ = survives(src);
    }
}
