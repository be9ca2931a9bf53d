//! Cost of the model's hot calls, as ratios against a baseline measured in the same process.
//!
//! Run with `cargo bench -p wsoracle-model`. The baseline is a 4-byte copy through
//! `black_box`, so a ratio reads "this call costs N trivial memory operations" and stays
//! comparable across machines. Nothing here is a test: it prints numbers and never fails.

use std::hint::black_box;
use std::time::{Duration, Instant};

use wsoracle_model::codes::{AddressFamily, Level, OptName, Protocol, SocketType};
use wsoracle_model::{Config, InBuf, IntPtr, OutBuf, Ret, SocketHandle, Stack, WindowsVersion};

/// Runs `f` in batches until `budget` has passed; returns nanoseconds per call.
fn measure(budget: Duration, mut f: impl FnMut()) -> f64 {
    const BATCH: u32 = 10_000;
    for _ in 0..BATCH {
        f(); // warm up
    }
    let start = Instant::now();
    let mut calls: u64 = 0;
    while start.elapsed() < budget {
        for _ in 0..BATCH {
            f();
        }
        calls += u64::from(BATCH);
    }
    start.elapsed().as_nanos() as f64 / calls as f64
}

fn stack_with_socket(version: &str) -> (Stack, SocketHandle) {
    let version: WindowsVersion = version.parse().unwrap_or(WindowsVersion::new(10, 0, 26100));
    let mut stack = Stack::new(Config::new(version));
    stack.wsa_startup(0x0202);
    let out = stack.socket_create(
        AddressFamily::AF_INET,
        SocketType::SOCK_STREAM,
        Protocol::IPPROTO_TCP,
    );
    let Ret::Socket(s) = out.ret else {
        eprintln!("socket() did not return a socket: {:?}", out.ret);
        std::process::exit(1);
    };
    (stack, s)
}

fn main() {
    let budget = Duration::from_millis(400);

    let src = [1u8, 0, 0, 0];
    let mut dst = [0u8; 4];
    let baseline = measure(budget, || {
        dst.copy_from_slice(black_box(&src));
        black_box(&dst);
    });

    let mut rows: Vec<(String, f64)> = Vec::new();
    for version in ["win2003", "win11"] {
        let (mut stack, s) = stack_with_socket(version);
        let set = measure(budget, || {
            let out = stack.setsockopt(
                black_box(s),
                Level::SOL_SOCKET,
                OptName::SO_KEEPALIVE,
                InBuf::Bytes(black_box(&[1, 0, 0, 0])),
                4,
            );
            black_box(out);
        });
        rows.push((format!("setsockopt(SO_KEEPALIVE) {version}"), set));

        let get = measure(budget, || {
            let mut buf = [0xccu8; 4];
            let mut optlen = 4;
            let out = stack.getsockopt(
                black_box(s),
                Level::SOL_SOCKET,
                OptName::SO_KEEPALIVE,
                OutBuf::Bytes(&mut buf),
                IntPtr::Value(&mut optlen),
            );
            black_box((out, buf, optlen));
        });
        rows.push((format!("getsockopt(SO_KEEPALIVE) {version}"), get));

        let bad = measure(budget, || {
            let out = stack.setsockopt(
                black_box(SocketHandle::INVALID_SOCKET),
                Level::SOL_SOCKET,
                OptName::SO_KEEPALIVE,
                InBuf::Bytes(&[1, 0, 0, 0]),
                4,
            );
            black_box(out);
        });
        rows.push((format!("setsockopt(INVALID_SOCKET) {version}"), bad));
    }

    println!("baseline (4-byte copy): {baseline:.2} ns/call");
    println!("{:<40} {:>10} {:>12}", "call", "ns/call", "x baseline");
    for (name, ns) in rows {
        println!("{name:<40} {ns:>10.2} {:>12.1}", ns / baseline);
    }
}
