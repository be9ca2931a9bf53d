//! wsoracle-probe: runs wsoracle scenario steps against the real Winsock of the machine it runs on.
//!
//! It reads the line protocol (version 1, see `docs/differential.md`) on stdin and writes one
//! answer line per request on stdout. It has no dependencies: the few ws2_32 and kernel32
//! functions it needs are declared in `win.rs`.
//!
//! It keeps to the Rust 1.63 language level: Debian's rustc 1.63 builds it for
//! `x86_64-pc-windows-gnu` in one invocation:
//!
//! ```text
//! /usr/bin/rustc --edition 2021 --target x86_64-pc-windows-gnu \
//!     -C linker=x86_64-w64-mingw32-gcc -O -o target/wine/wsoracle-probe.exe \
//!     crates/wsoracle-probe/src/main.rs
//! ```

// The protocol module is used by the Windows body and by the unit tests only.
#[cfg_attr(not(windows), allow(dead_code))]
mod proto;
#[cfg(windows)]
mod win;

#[cfg(windows)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(win::run(&args));
}

#[cfg(not(windows))]
fn main() {
    eprintln!(
        "wsoracle-probe runs only on Windows (protocol version {}); on Linux, run it under Wine \
         with scripts/wine-probe.sh",
        proto::PROTOCOL_VERSION
    );
    std::process::exit(2);
}
