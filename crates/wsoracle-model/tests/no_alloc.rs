//! The hot calls do not allocate: setsockopt, getsockopt, WSAIoctl, send, recv, advance (with
//! nothing to complete), peer changes and keepalive_status, on every preset and both fidelities.
//!
//! A counting global allocator counts allocations made by the current thread only, so tests
//! running in parallel threads of this binary do not disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use wsoracle_model::codes::{AddressFamily, IoctlCode, Level, OptName, Protocol, SocketType};
use wsoracle_model::{
    Config, Duration, Fidelity, InBuf, IntPtr, OutBuf, Peer, Ret, SocketHandle, Stack,
    WsaIoctlArgs, PRESETS,
};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every method forwards to `System` unchanged; the only addition is a thread-local
// counter update, which neither allocates nor touches the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(|c| c.get())
}

/// A started process with a connected TCP socket (accepted from a listener) and keep-alive on.
fn connected(config: Config) -> (Stack, SocketHandle) {
    let mut stack = Stack::new(config);
    stack.wsa_startup(0x0202);
    let socket = |stack: &mut Stack| match stack
        .socket_create(
            AddressFamily::AF_INET,
            SocketType::SOCK_STREAM,
            Protocol::IPPROTO_TCP,
        )
        .ret
    {
        Ret::Socket(s) => s,
        other => panic!("socket() answered {other}"),
    };
    let l = socket(&mut stack);
    stack.bind(l);
    stack.listen(l);
    stack.incoming(l).expect("incoming");
    let a = match stack.accept(l).expect("accept").ret {
        Ret::Socket(s) => s,
        other => panic!("accept() answered {other}"),
    };
    (stack, a)
}

#[test]
fn the_hot_calls_do_not_allocate() {
    for preset in PRESETS {
        for fidelity in Fidelity::ALL {
            let (mut stack, s) = connected(Config::new(preset.version).with_fidelity(fidelity));
            let mut buf = [0xcc_u8; 8];
            let mut optlen = 4;
            let mut returned = 0xdead_beef_u32;
            let vals = [1, 0, 0, 0, 0x30, 0x75, 0, 0, 0x88, 0x13, 0, 0];

            let before = allocations();
            stack.setsockopt(
                s,
                Level::SOL_SOCKET,
                OptName::SO_KEEPALIVE,
                InBuf::Bytes(&[1, 0, 0, 0]),
                4,
            );
            stack.setsockopt(s, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, InBuf::Null, 4);
            stack.setsockopt(
                SocketHandle::INVALID_SOCKET,
                Level::SOL_SOCKET,
                OptName::SO_KEEPALIVE,
                InBuf::Bytes(&[1]),
                1,
            );
            stack.getsockopt(
                s,
                Level::SOL_SOCKET,
                OptName::SO_KEEPALIVE,
                OutBuf::Bytes(&mut buf),
                IntPtr::Value(&mut optlen),
            );
            stack.setsockopt(
                s,
                Level::IPPROTO_TCP,
                OptName::TCP_KEEPALIVE,
                InBuf::Bytes(&[30, 0, 0, 0]),
                4,
            );
            optlen = 4;
            stack.getsockopt(
                s,
                Level::IPPROTO_TCP,
                OptName::TCP_KEEPCNT,
                OutBuf::Bytes(&mut buf),
                IntPtr::Value(&mut optlen),
            );
            // The option table's generic path and its hooks (sockopt/table.rs).
            for (level, optname) in [
                (Level::SOL_SOCKET, OptName::SO_LINGER),
                (Level::SOL_SOCKET, OptName::SO_DONTLINGER),
                (Level::SOL_SOCKET, OptName::SO_RCVBUF),
                (Level::SOL_SOCKET, OptName::SO_RCVTIMEO),
                (Level::SOL_SOCKET, OptName::SO_REUSEADDR),
                (Level::SOL_SOCKET, OptName::SO_EXCLUSIVEADDRUSE),
                (Level::SOL_SOCKET, OptName::SO_CONNECT_TIME),
                (Level::SOL_SOCKET, OptName::SO_TYPE),
                (Level::SOL_SOCKET, OptName::SO_OPENTYPE),
                (Level::SOL_SOCKET, OptName(0x7777)),
                (Level::IPPROTO_TCP, OptName::TCP_NODELAY),
                (Level::IPPROTO_TCP, OptName::TCP_FASTOPEN),
            ] {
                stack.setsockopt(s, level, optname, InBuf::Bytes(&[1, 0, 0, 0]), 4);
                optlen = 4;
                stack.getsockopt(
                    s,
                    level,
                    optname,
                    OutBuf::Bytes(&mut buf),
                    IntPtr::Value(&mut optlen),
                );
            }
            stack.wsa_ioctl(WsaIoctlArgs {
                s,
                code: IoctlCode::SIO_KEEPALIVE_VALS,
                in_buf: InBuf::Bytes(&vals),
                cb_in: 12,
                out_buf: OutBuf::Null,
                cb_out: 0,
                bytes_returned: IntPtr::Value(&mut returned),
                overlapped: false,
                completion_routine: false,
            });
            stack.send(s, 10);
            let completed = stack.advance(Duration::from_secs(5));
            stack.set_peer(s, Peer::Silent).expect("peer");
            let status = stack.keepalive_status(s).expect("status");
            let after = allocations();

            assert!(completed.is_empty(), "{}: nothing was pending", preset.name);
            assert!(status.enabled, "{}", preset.name);
            assert_eq!(
                after - before,
                0,
                "{} {fidelity}: the hot calls allocated",
                preset.name
            );
        }
    }
}
