//! The performance table of the README, in one run: `cargo bench -p wsoracle-model`.
//!
//! - the hot calls through the public API (set+get SO_KEEPALIVE, TCP_KEEPCNT, INVALID_SOCKET),
//!   beside the same calls on a real socket of this machine's kernel (Linux), as ratios;
//! - socket creation (and close + re-creation) at 10^3..10^6 sockets in one `Stack`, with the
//!   bytes the stack holds;
//! - `advance`: 2 h of virtual time in 1 s steps over 10^3..10^6 connections with mixed
//!   keep-alive settings;
//! - the timeline queries (`keepalive_status`, `next_keepalive_event`);
//! - the bundled corpus through the release CLI (`wsoracle run`, text and `--format json`),
//!   each timed as a whole process (the bench builds the binary first).
//!
//! Timing: thread CPU time on Linux (wall time elsewhere), medians over rounds in which the
//! cases are interleaved, so that a noisy neighbour slows all cases of a round alike. Nothing
//! here is a test and nothing asserts a time. `WSORACLE_BENCH_MAX=100000` caps the socket
//! counts; `WSORACLE_BENCH_NO_CLI=1` skips the CLI; `WSORACLE_BENCH_ONLY=hot,create` runs some
//! sections only (hot, create, advance, queries, cli).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant as WallClock;

use wsoracle_model::codes::{AddressFamily, Level, OptName, Protocol, SocketType};
use wsoracle_model::ioctl::tcp_keepalive_bytes;
use wsoracle_model::{
    Config, Duration, InBuf, IntPtr, IoctlCode, OutBuf, Peer, Ret, SocketHandle, Stack,
    WindowsVersion, WsaIoctlArgs,
};

// ---- bytes held, for the memory column --------------------------------------------------------

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to `System` unchanged; only counts the bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(now, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        if n >= l.size() {
            let now = LIVE.fetch_add(n - l.size(), Relaxed) + n - l.size();
            PEAK.fetch_max(now, Relaxed);
        } else {
            LIVE.fetch_sub(l.size() - n, Relaxed);
        }
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn reset_peak() {
    PEAK.store(LIVE.load(Relaxed), Relaxed);
}

// ---- clocks --------------------------------------------------------------------------------------

/// Nanoseconds of CPU time of this thread (Linux), or of wall time elsewhere.
fn now_ns() -> u64 {
    #[cfg(target_os = "linux")]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid timespec for the call to fill.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    }
    #[cfg(not(target_os = "linux"))]
    {
        use std::sync::OnceLock;
        static T0: OnceLock<WallClock> = OnceLock::new();
        T0.get_or_init(WallClock::now).elapsed().as_nanos() as u64
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Interleaved rounds: each round runs every case for `iters` iterations; returns the median
/// ns per iteration of each case.
fn interleaved(rounds: usize, iters: u64, cases: &mut [(&str, &mut dyn FnMut())]) -> Vec<f64> {
    let mut samples = vec![Vec::new(); cases.len()];
    for (_, f) in cases.iter_mut() {
        for _ in 0..iters / 10 {
            f(); // warm up
        }
    }
    for _ in 0..rounds {
        for (k, (_, f)) in cases.iter_mut().enumerate() {
            let t = now_ns();
            for _ in 0..iters {
                f();
            }
            samples[k].push((now_ns() - t) as f64 / iters as f64);
        }
    }
    samples.iter_mut().map(|s| median(s)).collect()
}

// ---- the model -----------------------------------------------------------------------------------

fn win11() -> WindowsVersion {
    WindowsVersion::new(10, 0, 26100)
}

fn started(config: Config) -> Stack {
    let mut st = Stack::new(config);
    st.wsa_startup(0x0202);
    st
}

fn tcp(st: &mut Stack) -> SocketHandle {
    match st
        .socket_create(
            AddressFamily::AF_INET,
            SocketType::SOCK_STREAM,
            Protocol::IPPROTO_TCP,
        )
        .ret
    {
        Ret::Socket(s) => s,
        other => {
            eprintln!("socket() answered {other}");
            std::process::exit(1)
        }
    }
}

fn vals(st: &mut Stack, s: SocketHandle, on: u32, idle_ms: u32, interval_ms: u32) {
    let k = tcp_keepalive_bytes(on, idle_ms, interval_ms);
    let mut n = 0u32;
    st.wsa_ioctl(WsaIoctlArgs {
        s,
        code: IoctlCode::SIO_KEEPALIVE_VALS,
        in_buf: InBuf::Bytes(&k),
        cb_in: 12,
        out_buf: OutBuf::Null,
        cb_out: 0,
        bytes_returned: IntPtr::Value(&mut n),
        overlapped: false,
        completion_routine: false,
    });
}

fn model_pair(st: &mut Stack, s: SocketHandle, level: Level, o: OptName, v: u32) {
    let out = st.setsockopt(
        black_box(s),
        level,
        o,
        InBuf::Bytes(black_box(&v.to_le_bytes())),
        4,
    );
    black_box(&out);
    let mut buf = [0u8; 4];
    let mut len = 4;
    let out = st.getsockopt(
        black_box(s),
        level,
        o,
        OutBuf::Bytes(&mut buf),
        IntPtr::Value(&mut len),
    );
    black_box((&out, buf, len));
}

// ---- the kernel ----------------------------------------------------------------------------------

#[cfg(target_os = "linux")]
mod kernel {
    use std::hint::black_box;

    /// A connected TCP socket over loopback (client side), with its peer kept open.
    pub struct Conn {
        pub fd: i32,
        others: [i32; 2],
    }

    impl Drop for Conn {
        fn drop(&mut self) {
            // SAFETY: closing descriptors this struct owns.
            unsafe {
                libc::close(self.fd);
                libc::close(self.others[0]);
                libc::close(self.others[1]);
            }
        }
    }

    pub fn connected() -> Option<Conn> {
        // SAFETY: plain socket calls on descriptors created here, with correctly sized
        // sockaddr_in values.
        unsafe {
            let l = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            let mut a: libc::sockaddr_in = std::mem::zeroed();
            a.sin_family = libc::AF_INET as libc::sa_family_t;
            a.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
            let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            if libc::bind(l, &a as *const _ as *const libc::sockaddr, len) != 0
                || libc::listen(l, 1) != 0
            {
                return None;
            }
            let mut bound = len;
            libc::getsockname(l, &mut a as *mut _ as *mut libc::sockaddr, &mut bound);
            let c = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            if libc::connect(c, &a as *const _ as *const libc::sockaddr, len) != 0 {
                return None;
            }
            let p = libc::accept(l, std::ptr::null_mut(), std::ptr::null_mut());
            Some(Conn {
                fd: c,
                others: [l, p],
            })
        }
    }

    pub fn pair(fd: i32, level: i32, opt: i32, v: i32) {
        let mut out: i32 = 0;
        let mut len = 4 as libc::socklen_t;
        // SAFETY: 4-byte option buffers that outlive the calls.
        unsafe {
            black_box(libc::setsockopt(
                black_box(fd),
                level,
                opt,
                &v as *const i32 as *const libc::c_void,
                4,
            ));
            black_box(libc::getsockopt(
                black_box(fd),
                level,
                opt,
                &mut out as *mut i32 as *mut libc::c_void,
                &mut len,
            ));
        }
        black_box((out, len));
    }
}

// ---- the sections --------------------------------------------------------------------------------

fn hot_calls() {
    println!("\n## Hot calls (median ns per pair of set+get; interleaved rounds)\n");
    let mut st = started(Config::new(win11()));
    let s = tcp(&mut st);
    st.connect(s, Peer::Accepts);
    let mut st2 = st.clone();
    let mut st3 = st.clone();
    let mut st4 = st.clone();
    let mut st5 = st.clone();
    let mut st6 = st.clone();
    // The other fidelity decided only when asked for (Config::with_other_fidelity(false)).
    let mut fast = started(Config::new(win11()).with_other_fidelity(false));
    let fs = tcp(&mut fast);
    fast.connect(fs, Peer::Accepts);
    let mut fast2 = fast.clone();
    let mut m_ka = || model_pair(&mut st, s, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, 1);
    let mut m_cnt = || model_pair(&mut st2, s, Level::IPPROTO_TCP, OptName::TCP_KEEPCNT, 5);
    let bad = SocketHandle::INVALID_SOCKET;
    let mut m_bad = || model_pair(&mut st3, bad, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, 1);
    let mut m_nd = || model_pair(&mut st6, s, Level::IPPROTO_TCP, OptName::TCP_NODELAY, 1);
    let mut f_ka = || model_pair(&mut fast, fs, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, 1);
    let mut f_nd = || model_pair(&mut fast2, fs, Level::IPPROTO_TCP, OptName::TCP_NODELAY, 1);
    let mut m_set = || {
        let out = st4.setsockopt(
            black_box(s),
            Level::SOL_SOCKET,
            OptName::SO_KEEPALIVE,
            InBuf::Bytes(black_box(&[1, 0, 0, 0])),
            4,
        );
        black_box(out);
    };
    let mut m_get = || {
        let (mut buf, mut len) = ([0u8; 4], 4);
        let out = st5.getsockopt(
            black_box(s),
            Level::SOL_SOCKET,
            OptName::SO_KEEPALIVE,
            OutBuf::Bytes(&mut buf),
            IntPtr::Value(&mut len),
        );
        black_box((out, buf, len));
    };
    #[cfg(target_os = "linux")]
    let conn = kernel::connected();
    #[cfg(target_os = "linux")]
    let fd = conn.as_ref().map_or(-1, |c| c.fd);
    #[cfg(target_os = "linux")]
    let mut k_ka = || kernel::pair(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1);
    #[cfg(target_os = "linux")]
    let mut k_cnt = || kernel::pair(fd, libc::IPPROTO_TCP, libc::TCP_KEEPCNT, 5);
    #[cfg(target_os = "linux")]
    let mut k_nd = || kernel::pair(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, 1);
    #[cfg(target_os = "linux")]
    let mut k_bad = || kernel::pair(-1, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1);
    #[cfg_attr(not(target_os = "linux"), allow(unused_mut))]
    let mut cases: Vec<(&str, &mut dyn FnMut())> = vec![
        ("model SO_KEEPALIVE", &mut m_ka),
        ("model TCP_KEEPCNT", &mut m_cnt),
        ("model INVALID_SOCKET", &mut m_bad),
        ("model setsockopt(SO_KEEPALIVE) alone", &mut m_set),
        ("model getsockopt(SO_KEEPALIVE) alone", &mut m_get),
        ("model TCP_NODELAY", &mut m_nd),
        ("model SO_KEEPALIVE, one fidelity", &mut f_ka),
        ("model TCP_NODELAY, one fidelity", &mut f_nd),
    ];
    #[cfg(target_os = "linux")]
    {
        cases.push(("kernel SO_KEEPALIVE", &mut k_ka));
        cases.push(("kernel TCP_KEEPCNT", &mut k_cnt));
        cases.push(("kernel EBADF", &mut k_bad));
        cases.push(("kernel TCP_NODELAY", &mut k_nd));
    }
    let ns = interleaved(15, 20_000, &mut cases);
    let names: Vec<&str> = cases.iter().map(|(n, _)| *n).collect();
    let get = |name: &str| names.iter().position(|n| *n == name).map(|k| ns[k]);
    println!("| call (set+get pair) | model ns | kernel ns | kernel / model |");
    println!("|---|---:|---:|---:|");
    for (m, k) in [
        ("model SO_KEEPALIVE", "kernel SO_KEEPALIVE"),
        ("model TCP_KEEPCNT", "kernel TCP_KEEPCNT"),
        ("model INVALID_SOCKET", "kernel EBADF"),
        ("model TCP_NODELAY", "kernel TCP_NODELAY"),
        ("model SO_KEEPALIVE, one fidelity", "kernel SO_KEEPALIVE"),
        ("model TCP_NODELAY, one fidelity", "kernel TCP_NODELAY"),
    ] {
        let (mv, kv) = (get(m).unwrap_or(f64::NAN), get(k));
        match kv {
            Some(kv) => println!("| {} | {mv:.1} | {kv:.1} | {:.1}x |", &m[6..], kv / mv),
            None => println!("| {} | {mv:.1} | n/a | n/a |", &m[6..]),
        }
    }
    for m in [
        "model setsockopt(SO_KEEPALIVE) alone",
        "model getsockopt(SO_KEEPALIVE) alone",
    ] {
        println!(
            "| {} (one call) | {:.1} | | |",
            &m[6..m.len() - 6],
            get(m).unwrap_or(f64::NAN)
        );
    }
}

fn sizes(max: usize) -> Vec<usize> {
    [1_000, 10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|&n| n <= max)
        .collect()
}

fn creation(max: usize) {
    println!("\n## Socket creation in one Stack (median of rounds)\n");
    println!("| sockets | create all | per socket | bytes held | close all + create all again, per socket |");
    println!("|---:|---:|---:|---:|---:|");
    for n in sizes(max) {
        let rounds = if n >= 1_000_000 { 3 } else { 7 };
        let (mut create, mut churn, mut bytes) = (Vec::new(), Vec::new(), 0);
        for _ in 0..rounds {
            let base = LIVE.load(Relaxed);
            reset_peak();
            let mut st = started(Config::new(win11()));
            let t = now_ns();
            let handles: Vec<SocketHandle> = (0..n).map(|_| tcp(&mut st)).collect();
            create.push((now_ns() - t) as f64);
            // The stack's bytes: what is live now, less the list of handles kept here.
            bytes = LIVE.load(Relaxed) - base - handles.capacity() * size_of::<SocketHandle>();
            let t = now_ns();
            for &h in &handles {
                st.closesocket(h);
            }
            for _ in 0..n {
                black_box(tcp(&mut st));
            }
            churn.push((now_ns() - t) as f64 / (2 * n) as f64);
            drop(handles);
            drop(st);
        }
        let c = median(&mut create);
        println!(
            "| {n} | {:.2} ms | {:.0} ns | {:.1} MB | {:.0} ns |",
            c / 1e6,
            c / n as f64,
            bytes as f64 / 1e6,
            median(&mut churn)
        );
    }
}

/// `n` connections with mixed keep-alive settings (win11: 10 probes): 70 % answering (idle 10 s
/// to 2 h), 15 % silent (idle 30 s to 20 min, 1 s interval; half with a recv pending), 10 %
/// resetting (idle 1 to 60 min, a recv pending), 5 % keep-alive off.
fn connections(n: usize) -> Stack {
    let mut st = started(Config::new(win11()));
    for k in 0..n {
        let s = tcp(&mut st);
        st.connect(s, Peer::Accepts);
        let spread = (k / 20 % 100) as u32; // 0..99
        match k % 20 {
            0..=13 => {
                if k % 3 == 0 {
                    st.setsockopt(
                        s,
                        Level::SOL_SOCKET,
                        OptName::SO_KEEPALIVE,
                        InBuf::Bytes(&[1, 0, 0, 0]),
                        4,
                    ); // the 2 h default
                } else {
                    vals(&mut st, s, 1, 10_000 + spread * 70_000, 1_000);
                }
            }
            14..=16 => {
                vals(&mut st, s, 1, 30_000 + spread * 12_000, 1_000);
                let _ = st.set_peer(s, Peer::Silent);
                if k % 2 == 0 {
                    st.recv(s, 10);
                }
            }
            17..=18 => {
                vals(&mut st, s, 1, 60_000 + spread * 36_000, 1_000);
                let _ = st.set_peer(s, Peer::Resets);
                st.recv(s, 10);
            }
            _ => {}
        }
    }
    st
}

fn advance(max: usize) {
    println!("\n## advance: 2 h of virtual time in 1 s steps (7,200 calls)\n");
    println!(
        "| connections | set-up (not timed below) | 7,200 advance calls | per call | completions |"
    );
    println!("|---:|---:|---:|---:|---:|");
    for n in sizes(max) {
        let rounds = 3;
        let (mut times, mut setup, mut completed) = (Vec::new(), Vec::new(), 0);
        for _ in 0..rounds {
            let t = now_ns();
            let mut st = connections(n);
            setup.push((now_ns() - t) as f64);
            completed = 0;
            let t = now_ns();
            for _ in 0..7_200 {
                completed += st.advance(Duration::from_secs(1)).len();
            }
            times.push((now_ns() - t) as f64);
            black_box(&st);
        }
        let a = median(&mut times);
        println!(
            "| {n} | {:.0} ms | {:.2} ms | {:.0} ns | {completed} |",
            median(&mut setup) / 1e6,
            a / 1e6,
            a / 7_200.0
        );
    }
}

fn queries(max: usize) {
    println!("\n## Timeline queries (median ns per call)\n");
    let n = max.min(100_000);
    let mut st = connections(n);
    st.advance(Duration::from_secs(600));
    let answering = st
        .sockets()
        .map(|(h, _)| h)
        .nth(1)
        .unwrap_or(SocketHandle::INVALID_SOCKET);
    let silent = st
        .sockets()
        .map(|(h, _)| h)
        .nth(14)
        .unwrap_or(SocketHandle::INVALID_SOCKET);
    let st2 = st.clone();
    let mut q1 = || {
        black_box(st.keepalive_status(black_box(answering)).ok());
    };
    let mut q2 = || {
        black_box(st2.keepalive_status(black_box(silent)).ok());
    };
    let st3 = st2.clone();
    let mut q3 = || {
        black_box(st3.next_keepalive_event(black_box(answering)));
    };
    let mut cases: Vec<(&str, &mut dyn FnMut())> = vec![
        ("keepalive_status (answering peer)", &mut q1),
        ("keepalive_status (silent peer, probing)", &mut q2),
        ("next_keepalive_event (answering peer, rolled)", &mut q3),
    ];
    let ns = interleaved(15, 20_000, &mut cases);
    println!("| query ({n} connections in the stack) | ns |");
    println!("|---|---:|");
    for ((name, _), v) in cases.iter().zip(ns) {
        println!("| {name} | {v:.1} |");
    }
}

fn cli() {
    println!("\n## The bundled corpus through the CLI (whole processes, median of 7 rounds)\n");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "wsoracle-cli"])
        .current_dir(&root)
        .status();
    if !built.is_ok_and(|s| s.success()) {
        println!("(the release CLI did not build; skipped)");
        return;
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    let bin = target.join("release").join("wsoracle");
    let run = |json: bool| -> (f64, usize, bool) {
        let mut cmd = std::process::Command::new(&bin);
        cmd.arg("run").current_dir(&root);
        if json {
            cmd.args(["--format", "json"]);
        }
        let t = WallClock::now();
        let out = cmd.output();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        match out {
            Ok(o) => (ms, o.stdout.len(), o.status.success()),
            Err(_) => (ms, 0, false),
        }
    };
    let (mut text, mut json) = (Vec::new(), Vec::new());
    let (mut text_bytes, mut json_bytes, mut ok) = (0, 0, true);
    for _ in 0..7 {
        let (ms, b, s) = run(false);
        text.push(ms);
        text_bytes = b;
        ok &= s;
        let (ms, b, s) = run(true);
        json.push(ms);
        json_bytes = b;
        ok &= s;
    }
    let (t, j) = (median(&mut text), median(&mut json));
    println!("| command | wall ms | output | vs text |");
    println!("|---|---:|---:|---:|");
    println!(
        "| `wsoracle run` | {t:.1} | {:.1} kB | 1.0x |",
        text_bytes as f64 / 1e3
    );
    println!(
        "| `wsoracle run --format json` | {j:.1} | {:.1} kB | {:.1}x |",
        json_bytes as f64 / 1e3,
        j / t
    );
    if !ok {
        println!("\n(a run exited with a failure status)");
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        // `cargo test --benches` runs this in test mode: nothing to check, nothing to time.
        println!("perf: run with `cargo bench -p wsoracle-model`");
        return;
    }
    let max: usize = std::env::var("WSORACLE_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let uname = std::process::Command::new("uname")
        .arg("-srm")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("# wsoracle performance: {cpu}, {cores} cores, {uname}");
    let only = std::env::var("WSORACLE_BENCH_ONLY").unwrap_or_default();
    let on = |name: &str| only.is_empty() || only.split(',').any(|s| s == name);
    if on("hot") {
        hot_calls();
    }
    if on("create") {
        creation(max);
    }
    if on("advance") {
        advance(max);
    }
    if on("queries") {
        queries(max);
    }
    if on("cli") && std::env::var_os("WSORACLE_BENCH_NO_CLI").is_none() {
        cli();
    }
}
