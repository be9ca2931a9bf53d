//! The Windows body: the ws2_32/kernel32 declarations and the executor of protocol-1 requests.

#![allow(non_snake_case, non_camel_case_types, clippy::upper_case_acronyms)]

use std::collections::HashMap;
use std::ffi::c_void;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::proto::{
    parse_line, Answer, Args, Buf, IntArg, Line, Request, SockRef, DEFAULT_BYTES_RETURNED,
    LAST_ERROR_SENTINEL, MAX_BUFFER, PROTOCOL_VERSION,
};

// ---------------------------------------------------------------------------------------------
// FFI

type SOCKET = usize;
type HANDLE = *mut c_void;
const INVALID_SOCKET: SOCKET = !0;

#[repr(C)]
struct OVERLAPPED {
    Internal: usize,
    InternalHigh: usize,
    Offset: u32,
    OffsetHigh: u32,
    hEvent: HANDLE,
}

type CompletionRoutine = unsafe extern "system" fn(u32, u32, *mut OVERLAPPED, u32);

#[repr(C)]
struct FD_SET {
    fd_count: u32,
    fd_array: [SOCKET; 64],
}

#[repr(C)]
struct TIMEVAL {
    tv_sec: i32,
    tv_usec: i32,
}

#[repr(C)]
struct OSVERSIONINFOW {
    dwOSVersionInfoSize: u32,
    dwMajorVersion: u32,
    dwMinorVersion: u32,
    dwBuildNumber: u32,
    dwPlatformId: u32,
    szCSDVersion: [u16; 128],
}

#[link(name = "ws2_32")]
extern "system" {
    fn WSAStartup(wVersionRequested: u16, lpWSAData: *mut c_void) -> i32;
    fn WSACleanup() -> i32;
    fn WSAGetLastError() -> i32;
    fn WSASetLastError(iError: i32);
    fn socket(af: i32, type_: i32, protocol: i32) -> SOCKET;
    fn closesocket(s: SOCKET) -> i32;
    fn bind(s: SOCKET, name: *const u8, namelen: i32) -> i32;
    fn listen(s: SOCKET, backlog: i32) -> i32;
    fn accept(s: SOCKET, addr: *mut u8, addrlen: *mut i32) -> SOCKET;
    fn connect(s: SOCKET, name: *const u8, namelen: i32) -> i32;
    fn ioctlsocket(s: SOCKET, cmd: i32, argp: *mut u32) -> i32;
    fn setsockopt(s: SOCKET, level: i32, optname: i32, optval: *const u8, optlen: i32) -> i32;
    fn getsockopt(s: SOCKET, level: i32, optname: i32, optval: *mut u8, optlen: *mut i32) -> i32;
    fn WSAIoctl(
        s: SOCKET,
        dwIoControlCode: u32,
        lpvInBuffer: *mut c_void,
        cbInBuffer: u32,
        lpvOutBuffer: *mut c_void,
        cbOutBuffer: u32,
        lpcbBytesReturned: *mut u32,
        lpOverlapped: *mut OVERLAPPED,
        lpCompletionRoutine: Option<CompletionRoutine>,
    ) -> i32;
    fn WSAGetOverlappedResult(
        s: SOCKET,
        lpOverlapped: *mut OVERLAPPED,
        lpcbTransfer: *mut u32,
        fWait: i32,
        lpdwFlags: *mut u32,
    ) -> i32;
    fn send(s: SOCKET, buf: *const u8, len: i32, flags: i32) -> i32;
    fn recv(s: SOCKET, buf: *mut u8, len: i32, flags: i32) -> i32;
    fn getsockname(s: SOCKET, name: *mut u8, namelen: *mut i32) -> i32;
    fn getpeername(s: SOCKET, name: *mut u8, namelen: *mut i32) -> i32;
    fn sendto(s: SOCKET, buf: *const u8, len: i32, flags: i32, to: *const u8, tolen: i32) -> i32;
    fn recvfrom(
        s: SOCKET,
        buf: *mut u8,
        len: i32,
        flags: i32,
        from: *mut u8,
        fromlen: *mut i32,
    ) -> i32;
    fn select(
        nfds: i32,
        readfds: *mut FD_SET,
        writefds: *mut FD_SET,
        exceptfds: *mut FD_SET,
        timeout: *const TIMEVAL,
    ) -> i32;
}

#[link(name = "kernel32")]
extern "system" {
    fn CreateEventA(attrs: *mut c_void, manual: i32, initial: i32, name: *const u8) -> HANDLE;
    fn CloseHandle(h: HANDLE) -> i32;
    fn WaitForSingleObject(h: HANDLE, ms: u32) -> u32;
    fn SleepEx(ms: u32, alertable: i32) -> u32;
    fn GetModuleHandleA(name: *const u8) -> HANDLE;
    fn GetProcAddress(module: HANDLE, name: *const u8) -> *const c_void;
    fn CancelIoEx(h: HANDLE, ov: *mut OVERLAPPED) -> i32;
}

const AF_INET: i32 = 2;
const AF_INET6: i32 = 23;
const SOCK_STREAM: i32 = 1;
const IPPROTO_TCP: i32 = 6;
const SOL_SOCKET: i32 = 0xffff;
const SO_ACCEPTCONN: i32 = 0x0002;
const FIONBIO: i32 = 0x8004_667e_u32 as i32;
const SOMAXCONN: i32 = 0x7fff_ffff;
const WSAEWOULDBLOCK: i32 = 10035;
const WSA_IO_PENDING: i32 = 997;
const WAIT_OBJECT_0: u32 = 0;
/// Bytes of 0xcc after every buffer handed to a call, to catch writes past its end.
const GUARD: usize = 16;

// ---------------------------------------------------------------------------------------------
// Small wrappers

fn set_sentinel() {
    unsafe { WSASetLastError(LAST_ERROR_SENTINEL) }
}

/// Runs a Winsock call that returns an `int` and answers its return value and last error (read
/// right after the call, with the sentinel set before it).
fn int_call(id: &str, call: impl FnOnce() -> i32) -> StepResult {
    set_sentinel();
    let ret = call();
    let err = last_error();
    Ok(Answer::ok(id).field("ret", ret).error_field(err).finish())
}

fn last_error() -> i32 {
    unsafe { WSAGetLastError() }
}

/// A socket address in the bytes a `sockaddr_in` / `sockaddr_in6` has.
#[derive(Clone, Copy)]
struct Addr {
    bytes: [u8; 28],
    len: i32,
}

impl Addr {
    fn loopback(af: i32, port: u16) -> Addr {
        let mut bytes = [0u8; 28];
        bytes[2..4].copy_from_slice(&port.to_be_bytes());
        if af == AF_INET6 {
            bytes[0..2].copy_from_slice(&(AF_INET6 as u16).to_le_bytes());
            bytes[23] = 1; // ::1
            Addr { bytes, len: 28 }
        } else {
            bytes[0..2].copy_from_slice(&(AF_INET as u16).to_le_bytes());
            bytes[4..8].copy_from_slice(&[127, 0, 0, 1]);
            Addr { bytes, len: 16 }
        }
    }

    fn from_std(a: &std::net::SocketAddr) -> Addr {
        match a {
            std::net::SocketAddr::V4(v4) => {
                let mut addr = Addr::loopback(AF_INET, v4.port());
                addr.bytes[4..8].copy_from_slice(&v4.ip().octets());
                addr
            }
            std::net::SocketAddr::V6(v6) => {
                let mut addr = Addr::loopback(AF_INET6, v6.port());
                addr.bytes[8..24].copy_from_slice(&v6.ip().octets());
                addr
            }
        }
    }

    fn af(&self) -> i32 {
        i32::from(u16::from_le_bytes([self.bytes[0], self.bytes[1]]))
    }

    /// The address as the scenario format writes it (`127.0.0.1:5000`, `[::1]:5000`).
    fn render(&self) -> String {
        if self.af() == AF_INET6 {
            let mut ip = [0u8; 16];
            ip.copy_from_slice(&self.bytes[8..24]);
            format!("[{}]:{}", std::net::Ipv6Addr::from(ip), self.port())
        } else {
            let b = &self.bytes[4..8];
            format!("{}.{}.{}.{}:{}", b[0], b[1], b[2], b[3], self.port())
        }
    }

    /// An address argument (`name`, `to`) as the scenario format writes it.
    fn parse(text: &str) -> Result<Addr, String> {
        text.parse::<std::net::SocketAddr>()
            .map(|a| Addr::from_std(&a))
            .map_err(|_| format!("not a socket address: `{text}`"))
    }

    fn port(&self) -> u16 {
        u16::from_be_bytes([self.bytes[2], self.bytes[3]])
    }

    fn is_wildcard(&self) -> bool {
        if self.af() == AF_INET6 {
            self.bytes[8..24].iter().all(|b| *b == 0)
        } else {
            self.bytes[4..8].iter().all(|b| *b == 0)
        }
    }

    fn is_loopback(&self) -> bool {
        if self.af() == AF_INET6 {
            self.bytes[8..23].iter().all(|b| *b == 0) && self.bytes[23] == 1
        } else {
            self.bytes[4] == 127
        }
    }
}

fn local_addr(s: SOCKET) -> Option<Addr> {
    let mut bytes = [0u8; 28];
    let mut len: i32 = 28;
    let r = unsafe { getsockname(s, bytes.as_mut_ptr(), &mut len) };
    if r == 0 {
        Some(Addr { bytes, len })
    } else {
        None
    }
}

fn set_nonblocking(s: SOCKET) -> bool {
    let mut one: u32 = 1;
    unsafe { ioctlsocket(s, FIONBIO, &mut one) == 0 }
}

fn fd_set_of(s: SOCKET) -> FD_SET {
    let mut set = FD_SET {
        fd_count: 1,
        fd_array: [0; 64],
    };
    set.fd_array[0] = s;
    set
}

fn timeval(ms: u32) -> TIMEVAL {
    TIMEVAL {
        tv_sec: (ms / 1000) as i32,
        tv_usec: ((ms % 1000) * 1000) as i32,
    }
}

/// `Some(true)` when `s` is readable within `ms`, `Some(false)` when not, `None` when select
/// itself failed (for instance because `s` is not a socket).
fn readable_within(s: SOCKET, ms: u32) -> Option<bool> {
    let mut r = fd_set_of(s);
    let t = timeval(ms);
    let n = unsafe { select(0, &mut r, std::ptr::null_mut(), std::ptr::null_mut(), &t) };
    if n < 0 {
        None
    } else {
        Some(n > 0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ConnectState {
    Pending,
    Connected,
    Failed,
}

impl ConnectState {
    fn word(self) -> &'static str {
        match self {
            ConnectState::Pending => "pending",
            ConnectState::Connected => "connected",
            ConnectState::Failed => "failed",
        }
    }
}

/// Waits up to `ms` for a non-blocking connect on `s` to finish: writable means connected,
/// the except set means failed (Winsock's convention).
fn connect_state_within(s: SOCKET, ms: u32) -> ConnectState {
    let mut w = fd_set_of(s);
    let mut e = fd_set_of(s);
    let t = timeval(ms);
    let n = unsafe { select(0, std::ptr::null_mut(), &mut w, &mut e, &t) };
    if n <= 0 {
        if n < 0 {
            return ConnectState::Failed;
        }
        return ConnectState::Pending;
    }
    if e.fd_count > 0 {
        ConnectState::Failed
    } else {
        ConnectState::Connected
    }
}

/// Reads an `int` option without disturbing the scenario's last error (it is reset right
/// before every call anyway).
fn int_option(s: SOCKET, level: i32, optname: i32) -> Option<i32> {
    let mut v: i32 = 0;
    let mut len: i32 = 4;
    let r = unsafe { getsockopt(s, level, optname, &mut v as *mut i32 as *mut u8, &mut len) };
    if r == 0 {
        Some(v)
    } else {
        None
    }
}

/// A buffer with GUARD bytes of 0xcc after its `len` visible bytes.
struct Guarded {
    data: Vec<u8>,
    len: usize,
}

impl Guarded {
    fn new(mut initial: Vec<u8>, min_len: usize, pad: u8) -> Guarded {
        if initial.len() < min_len {
            initial.resize(min_len, pad);
        }
        let len = initial.len();
        initial.resize(len + GUARD, 0xcc);
        Guarded { data: initial, len }
    }

    fn ptr(&mut self) -> *mut u8 {
        self.data.as_mut_ptr()
    }

    fn visible(&self) -> &[u8] {
        &self.data[..self.len]
    }

    fn overrun(&self) -> bool {
        self.data[self.len..].iter().any(|b| *b != 0xcc)
    }

    fn guard(&self) -> &[u8] {
        &self.data[self.len..]
    }
}

/// A buffer argument's memory: a guarded buffer for bytes; none for NULL or `ptr:N`.
fn guarded(buf: &Buf, min_len: usize, pad: u8) -> Option<Guarded> {
    match buf {
        Buf::Null | Buf::Ptr(_) => None,
        Buf::Bytes(b) => Some(Guarded::new(b.clone(), min_len, pad)),
    }
}

/// The pointer a buffer argument passes: NULL, the guarded buffer, or the integer of `ptr:N`
/// (the call is expected to fail with WSAEFAULT without touching it: wine:G11, primary:P14).
fn buf_ptr(buf: &Buf, g: &mut Option<Guarded>) -> *mut u8 {
    match (buf, g.as_mut()) {
        (Buf::Ptr(p), _) => *p as *mut u8,
        (_, Some(g)) => g.ptr(),
        (_, None) => std::ptr::null_mut(),
    }
}

/// The answer field for a buffer after the call: hex, `null`, or the `ptr:N` echoed.
fn buf_answer(answer: Answer, key: &str, buf: &Buf, g: &Option<Guarded>) -> Answer {
    match buf {
        Buf::Ptr(p) => answer.ptr_field(key, *p),
        _ => answer.buf_field(key, g.as_ref().map(|g| g.visible())),
    }
}

/// Wine 8.0's ws2_32 reads `*optlen` (getsockopt) and writes `*lpcbBytesReturned` (WSAIoctl)
/// without a guard: an integer passed as that pointer is an unhandled page fault that kills the
/// probe. Real Windows answers WSAEFAULT. Under Wine such a step is skipped, not executed.
fn would_crash(id: &str, call: &str, what: &str) -> String {
    Answer::skipped(id, "would-crash").message(&format!(
        "under Wine, {call} dereferences {what} without a guard: a ptr: there kills the process"
    ))
}

/// The answer field for a pointer-valued int after the call.
fn int_answer(answer: Answer, key: &str, arg: IntArg, value: impl std::fmt::Display) -> Answer {
    match arg {
        IntArg::Null => answer.field(key, "null"),
        IntArg::Ptr(p) => answer.ptr_field(key, p),
        IntArg::Value(_) => answer.field(key, value),
    }
}

fn add_overrun(answer: Answer, key: &str, g: &Option<Guarded>) -> Answer {
    match g {
        Some(g) if g.overrun() => answer.field(key, crate::proto::hex(g.guard())),
        _ => answer,
    }
}

// The APC completion routine of a WSAIoctl step records here.
static APC_COUNT: AtomicU32 = AtomicU32::new(0);
static APC_ERROR: AtomicU32 = AtomicU32::new(0);
static APC_BYTES: AtomicU32 = AtomicU32::new(0);

unsafe extern "system" fn completion_routine(
    error: u32,
    bytes: u32,
    _ov: *mut OVERLAPPED,
    _flags: u32,
) {
    APC_ERROR.store(error, Ordering::SeqCst);
    APC_BYTES.store(bytes, Ordering::SeqCst);
    APC_COUNT.fetch_add(1, Ordering::SeqCst);
}

// ---------------------------------------------------------------------------------------------
// Version

fn ntdll_proc(name: &[u8]) -> *const c_void {
    unsafe {
        let ntdll = GetModuleHandleA(b"ntdll.dll\0".as_ptr());
        if ntdll.is_null() {
            return std::ptr::null();
        }
        GetProcAddress(ntdll, name.as_ptr())
    }
}

fn windows_version() -> String {
    let p = ntdll_proc(b"RtlGetVersion\0");
    if p.is_null() {
        return "unknown".to_string();
    }
    let f: unsafe extern "system" fn(*mut OSVERSIONINFOW) -> i32 =
        unsafe { std::mem::transmute(p) };
    let mut info = OSVERSIONINFOW {
        dwOSVersionInfoSize: std::mem::size_of::<OSVERSIONINFOW>() as u32,
        dwMajorVersion: 0,
        dwMinorVersion: 0,
        dwBuildNumber: 0,
        dwPlatformId: 0,
        szCSDVersion: [0; 128],
    };
    if unsafe { f(&mut info) } != 0 {
        return "unknown".to_string();
    }
    format!(
        "{}.{}.{}",
        info.dwMajorVersion, info.dwMinorVersion, info.dwBuildNumber
    )
}

/// Wine's version when running under Wine (ntdll exports `wine_get_version`).
fn wine_version() -> Option<String> {
    let p = ntdll_proc(b"wine_get_version\0");
    if p.is_null() {
        return None;
    }
    let f: unsafe extern "C" fn() -> *const u8 = unsafe { std::mem::transmute(p) };
    let s = unsafe { f() };
    if s.is_null() {
        return Some("unknown".to_string());
    }
    let mut bytes = Vec::new();
    let mut i = 0;
    while i < 64 {
        let b = unsafe { *s.add(i) };
        if b == 0 {
            break;
        }
        bytes.push(b);
        i += 1;
    }
    let v: String = String::from_utf8_lossy(&bytes)
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect();
    Some(v)
}

// ---------------------------------------------------------------------------------------------
// The probe

/// Where connects that must stay pending (`peer=silent`) go.
#[derive(Clone, Copy)]
enum PendingMode {
    /// No way to hold a connect pending: such steps are skipped.
    None,
    /// A loopback listener with a full backlog (works where a full backlog drops SYNs: Linux,
    /// so Wine).
    LoopbackBacklog,
    /// An address that never answers (the Windows CI passes TEST-NET-1, 192.0.2.1:9).
    Addr(Addr),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Peer {
    Accepts,
    Refuses,
    Silent,
}

#[derive(Clone, Copy)]
struct SockInfo {
    af: i32,
    /// The mode the probe knows: `Some(false)` for a new socket, `Some(true)` after a
    /// successful FIONBIO 1, `None` when unknown (an accepted socket).
    nonblocking: Option<bool>,
    /// The peer of a non-blocking connect still outstanding.
    connecting: Option<Peer>,
}

struct Probe {
    names: HashMap<String, SOCKET>,
    info: HashMap<SOCKET, SockInfo>,
    /// Sockets the scenario opened (socket, accept), closed by `reset`.
    opened: Vec<SOCKET>,
    /// The probe's own sockets: listeners, fillers, incoming peers.
    helpers: Vec<SOCKET>,
    /// The accepting loopback listener per address family.
    accepting: HashMap<i32, Addr>,
    /// The full-backlog loopback listener per address family.
    backlog_full: HashMap<i32, Addr>,
    /// Successful WSAStartup calls minus successful WSACleanup calls, as issued by the probe.
    startups: u32,
    pending: PendingMode,
    /// Running under Wine: a `ptr:` that Wine dereferences without a guard is skipped.
    under_wine: bool,
}

type StepResult = Result<String, String>;

impl Probe {
    fn new(pending: PendingMode) -> Probe {
        Probe {
            names: HashMap::new(),
            info: HashMap::new(),
            opened: Vec::new(),
            helpers: Vec::new(),
            accepting: HashMap::new(),
            backlog_full: HashMap::new(),
            startups: 0,
            pending,
            under_wine: false,
        }
    }

    fn resolve(&self, r: &SockRef) -> Result<SOCKET, String> {
        match r {
            SockRef::Invalid => Ok(INVALID_SOCKET),
            SockRef::Raw(n) => Ok(*n as usize),
            SockRef::Name(name) => match self.names.get(name) {
                Some(s) => Ok(*s),
                None => Err(format!("unknown socket name `@{name}` (bind it with as=)")),
            },
        }
    }

    fn af_of(&self, s: SOCKET) -> i32 {
        self.info.get(&s).map(|i| i.af).unwrap_or(AF_INET)
    }

    fn known_nonblocking(&self, s: SOCKET) -> bool {
        self.info.get(&s).and_then(|i| i.nonblocking) == Some(true)
    }

    /// Everything the process had is gone (the start-up count reached 0).
    fn forget_sockets(&mut self) {
        self.opened.clear();
        self.helpers.clear();
        self.info.clear();
        self.accepting.clear();
        self.backlog_full.clear();
    }

    fn handle(&mut self, req: &Request) -> String {
        let id = req.id.clone();
        let result = match req.call.as_str() {
            "WSAStartup" => self.wsastartup(req),
            "WSACleanup" => self.wsacleanup(req),
            "socket" => self.socket(req),
            "closesocket" => self.closesocket(req),
            "bind" => self.bind(req),
            "listen" => self.listen(req),
            "incoming" => self.incoming(req),
            "accept" => self.accept(req),
            "ioctlsocket" => self.ioctlsocket(req),
            "connect" => self.connect(req),
            "complete_connect" => self.complete_connect(req),
            "setsockopt" => self.setsockopt(req),
            "getsockopt" => self.getsockopt(req),
            "WSAIoctl" => self.wsaioctl(req),
            "send" => self.send(req),
            "recv" => self.recv(req),
            "reset" => self.reset(req),
            "getsockname" | "getpeername" => self.getname(req),
            "sendto" => self.sendto(req),
            "recvfrom" => self.recvfrom(req),
            "condition" | "advance" | "peer" | "peer_sends" | "keepalive_status" => {
                Ok(Answer::skipped(&id, "not-reproducible")
                    .message("a real stack cannot reproduce this step on demand"))
            }
            other => Err(format!("unknown call `{other}`")),
        };
        match result {
            Ok(line) => line,
            Err(message) => Answer::error(&id, &message),
        }
    }

    fn wsastartup(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let version = a.u32_("wVersionRequested")?.unwrap_or(0x0202);
        a.finish()?;
        let mut data = [0u64; 64]; // WSADATA is at most 408 bytes
        set_sentinel();
        let ret = unsafe { WSAStartup(version as u16, data.as_mut_ptr() as *mut c_void) };
        let err = last_error();
        if ret == 0 {
            self.startups += 1;
        }
        let wversion = (data[0] & 0xffff) as u16;
        Ok(Answer::ok(&req.id)
            .field("ret", ret)
            .error_field(err)
            .field("wVersion", format!("0x{wversion:04x}"))
            .finish())
    }

    fn wsacleanup(&mut self, req: &Request) -> StepResult {
        Args::new(req).finish()?;
        set_sentinel();
        let ret = unsafe { WSACleanup() };
        let err = last_error();
        if ret == 0 {
            self.startups = self.startups.saturating_sub(1);
            if self.startups == 0 {
                self.forget_sockets();
            }
        }
        Ok(Answer::ok(&req.id)
            .field("ret", ret)
            .error_field(err)
            .finish())
    }

    fn socket(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let af = a.req_i32("af")?;
        let ty = a.req_i32("type")?;
        let protocol = a.req_i32("protocol")?;
        let name = a.name("as")?;
        a.finish()?;
        set_sentinel();
        let s = unsafe { socket(af, ty, protocol) };
        let err = last_error();
        // A new socket starts blocking.
        self.register(s, af, Some(false), name);
        Ok(Answer::ok(&req.id)
            .field("ret", s as isize as i64)
            .error_field(err)
            .finish())
    }

    /// Records a socket the probe opened (so `reset` closes it) and binds its scenario name. The
    /// name is bound even to INVALID_SOCKET, so later steps name what the scenario named.
    fn register(&mut self, s: SOCKET, af: i32, nonblocking: Option<bool>, name: Option<String>) {
        if s != INVALID_SOCKET {
            self.opened.push(s);
            self.info.insert(
                s,
                SockInfo {
                    af,
                    nonblocking,
                    connecting: None,
                },
            );
        }
        if let Some(name) = name {
            self.names.insert(name, s);
        }
    }

    fn closesocket(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        a.finish()?;
        set_sentinel();
        let ret = unsafe { closesocket(s) };
        let err = last_error();
        if ret == 0 {
            self.opened.retain(|o| *o != s);
            self.info.remove(&s);
        }
        Ok(Answer::ok(&req.id)
            .field("ret", ret)
            .error_field(err)
            .finish())
    }

    fn bind(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let name = a.word("name");
        a.finish()?;
        let addr = match name {
            Some(text) => Addr::parse(&text)?,
            None => Addr::loopback(self.af_of(s), 0),
        };
        int_call(&req.id, || unsafe {
            bind(s, addr.bytes.as_ptr(), addr.len)
        })
    }

    fn listen(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let backlog = a.i32_("backlog")?.unwrap_or(SOMAXCONN);
        a.finish()?;
        int_call(&req.id, || unsafe { listen(s, backlog) })
    }

    /// A helper socket of the probe's own, non-blocking.
    fn helper_socket(&mut self, af: i32) -> Result<SOCKET, String> {
        if self.startups == 0 {
            return Err("Winsock is not started (no WSAStartup in force)".to_string());
        }
        let s = unsafe { socket(af, SOCK_STREAM, IPPROTO_TCP) };
        if s == INVALID_SOCKET {
            return Err(format!("helper socket failed: {}", last_error()));
        }
        self.helpers.push(s);
        if !set_nonblocking(s) {
            return Err(format!("helper FIONBIO failed: {}", last_error()));
        }
        Ok(s)
    }

    /// A loopback listener of the probe's with the given backlog; its address.
    fn helper_listener(&mut self, af: i32, backlog: i32) -> Result<Addr, String> {
        let s = self.helper_socket(af)?;
        let addr = Addr::loopback(af, 0);
        unsafe {
            if bind(s, addr.bytes.as_ptr(), addr.len) != 0 {
                return Err(format!("helper bind failed: {}", last_error()));
            }
            if listen(s, backlog) != 0 {
                return Err(format!("helper listen failed: {}", last_error()));
            }
        }
        local_addr(s).ok_or_else(|| format!("helper getsockname failed: {}", last_error()))
    }

    fn accepting_addr(&mut self, af: i32) -> Result<Addr, String> {
        if let Some(a) = self.accepting.get(&af) {
            return Ok(*a);
        }
        let a = self.helper_listener(af, SOMAXCONN)?;
        self.accepting.insert(af, a);
        Ok(a)
    }

    /// A loopback port with no listener: bind a socket, read its port, close it.
    fn refusing_addr(&mut self, af: i32) -> Result<Addr, String> {
        if self.startups == 0 {
            return Err("Winsock is not started (no WSAStartup in force)".to_string());
        }
        let s = unsafe { socket(af, SOCK_STREAM, IPPROTO_TCP) };
        if s == INVALID_SOCKET {
            return Err(format!("helper socket failed: {}", last_error()));
        }
        let addr = Addr::loopback(af, 0);
        let bound = unsafe { bind(s, addr.bytes.as_ptr(), addr.len) } == 0;
        let local = if bound { local_addr(s) } else { None };
        unsafe { closesocket(s) };
        local.ok_or_else(|| format!("helper bind/getsockname failed: {}", last_error()))
    }

    /// A loopback listener whose backlog is full: connects to it stay pending where a full
    /// backlog drops SYNs (Linux, hence Wine).
    fn backlog_full_addr(&mut self, af: i32) -> Result<Addr, String> {
        if let Some(a) = self.backlog_full.get(&af) {
            return Ok(*a);
        }
        let target = self.helper_listener(af, 0)?;
        for _ in 0..8 {
            let c = self.helper_socket(af)?;
            let r = unsafe { connect(c, target.bytes.as_ptr(), target.len) };
            if r != 0 && last_error() != WSAEWOULDBLOCK {
                return Err(format!("filler connect failed: {}", last_error()));
            }
            match connect_state_within(c, 200) {
                ConnectState::Connected => continue,
                ConnectState::Failed => {
                    return Err("the full-backlog listener refused a connection".to_string())
                }
                ConnectState::Pending => {
                    self.backlog_full.insert(af, target);
                    return Ok(target);
                }
            }
        }
        Err("the listener's backlog never filled".to_string())
    }

    fn incoming(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        a.finish()?;
        let mut addr = match local_addr(s) {
            Some(addr) => addr,
            None => {
                return Ok(Answer::skipped(&req.id, "setup-failed").message(&format!(
                    "getsockname on the listener failed: {}",
                    last_error()
                )))
            }
        };
        if addr.port() == 0 {
            return Ok(Answer::skipped(&req.id, "setup-failed")
                .message("the socket is not bound to a port"));
        }
        if addr.is_wildcard() {
            addr = Addr::loopback(addr.af(), addr.port());
        }
        let c = match self.helper_socket(addr.af()) {
            Ok(c) => c,
            Err(m) => return Ok(Answer::skipped(&req.id, "setup-failed").message(&m)),
        };
        let r = unsafe { connect(c, addr.bytes.as_ptr(), addr.len) };
        if r != 0 && last_error() != WSAEWOULDBLOCK {
            return Ok(Answer::skipped(&req.id, "setup-failed")
                .message(&format!("the peer's connect failed: {}", last_error())));
        }
        match connect_state_within(c, 3000) {
            ConnectState::Connected => Ok(Answer::ok(&req.id).field("ret", 0).finish()),
            state => Ok(Answer::skipped(&req.id, "setup-failed").message(&format!(
                "the peer's connect is {} (not listening, or backlog full)",
                state.word()
            ))),
        }
    }

    fn accept(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let name = a.name("as")?;
        a.finish()?;
        if !self.known_nonblocking(s) {
            // A blocking accept with nothing waiting would hang. It fails at once on a socket
            // that is not listening, so only a listening socket is checked for readiness.
            let listening = int_option(s, SOL_SOCKET, SO_ACCEPTCONN).unwrap_or(0) != 0;
            if listening && readable_within(s, 200) == Some(false) {
                return Ok(Answer::skipped(&req.id, "would-hang")
                    .message("blocking accept with nothing waiting"));
            }
        }
        set_sentinel();
        let c = unsafe { accept(s, std::ptr::null_mut(), std::ptr::null_mut()) };
        let err = last_error();
        // An accepted socket inherits the listener's mode, which the probe may not know.
        let af = self.af_of(s);
        self.register(c, af, None, name);
        Ok(Answer::ok(&req.id)
            .field("ret", c as isize as i64)
            .error_field(err)
            .finish())
    }

    fn ioctlsocket(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let cmd = a.req_i32("cmd")?;
        let argp = match a.nullable_i32("argp")? {
            None => Some(0u32),
            Some(None) => None,
            Some(Some(v)) => Some(v as u32),
        };
        a.finish()?;
        let mut value = argp.unwrap_or(0);
        let ptr: *mut u32 = if argp.is_some() {
            &mut value
        } else {
            std::ptr::null_mut()
        };
        set_sentinel();
        let ret = unsafe { ioctlsocket(s, cmd, ptr) };
        let err = last_error();
        if ret == 0 && cmd == FIONBIO {
            if let (Some(v), Some(info)) = (argp, self.info.get_mut(&s)) {
                info.nonblocking = Some(v != 0);
            }
        }
        let mut ans = Answer::ok(&req.id).field("ret", ret).error_field(err);
        ans = match argp {
            Some(_) => ans.field("argp", value),
            None => ans.field("argp", "null"),
        };
        Ok(ans.finish())
    }

    fn connect(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        if let Some(text) = a.word("name") {
            // A connect by name goes where the scenario says, as the call is written.
            a.finish()?;
            let addr = Addr::parse(&text)?;
            return int_call(&req.id, || unsafe {
                connect(s, addr.bytes.as_ptr(), addr.len)
            });
        }
        let peer = match a.word("peer").as_deref() {
            Some("accepts") => Peer::Accepts,
            Some("refuses") => Peer::Refuses,
            Some("silent") => Peer::Silent,
            Some(other) => {
                return Err(format!(
                    "peer: expected accepts, refuses or silent, found `{other}`"
                ))
            }
            None => return Err("missing argument `peer`".to_string()),
        };
        a.finish()?;
        let af = self.af_of(s);
        let nonblocking = self.known_nonblocking(s);
        // Without Winsock started the call fails before any packet; any loopback address does.
        let target = if self.startups == 0 {
            Ok(Addr::loopback(af, 9))
        } else {
            match peer {
                Peer::Accepts => self.accepting_addr(af),
                Peer::Refuses => self.refusing_addr(af),
                Peer::Silent => {
                    if !nonblocking {
                        return Ok(Answer::skipped(&req.id, "would-hang").message(
                            "a blocking connect to a silent peer blocks until it times out",
                        ));
                    }
                    match self.pending {
                        PendingMode::None => {
                            return Ok(Answer::skipped(&req.id, "no-pending-addr").message(
                                "no way to hold a connect pending: pass --pending-addr IP:PORT",
                            ))
                        }
                        PendingMode::Addr(p) if p.af() != af => {
                            return Ok(Answer::skipped(&req.id, "no-pending-addr")
                                .message("the pending address is of another address family"))
                        }
                        PendingMode::Addr(p) => Ok(p),
                        PendingMode::LoopbackBacklog => self.backlog_full_addr(af),
                    }
                }
            }
        };
        let target = match target {
            Ok(t) => t,
            Err(m) => return Ok(Answer::skipped(&req.id, "setup-failed").message(&m)),
        };
        set_sentinel();
        let ret = unsafe { connect(s, target.bytes.as_ptr(), target.len) };
        let err = last_error();
        let ans_ok = |kind: Answer| kind.field("ret", ret).error_field(err);
        if nonblocking && (ret == 0 || err == WSAEWOULDBLOCK) {
            let state = if ret == 0 {
                ConnectState::Connected
            } else {
                connect_state_within(s, 250)
            };
            if state != ConnectState::Pending {
                return Ok(ans_ok(Answer::not_pending(&req.id))
                    .field("state", state.word())
                    .finish());
            }
            if let Some(info) = self.info.get_mut(&s) {
                info.connecting = Some(peer);
            }
            return Ok(ans_ok(Answer::ok(&req.id))
                .field("state", "pending")
                .finish());
        }
        Ok(ans_ok(Answer::ok(&req.id)).finish())
    }

    fn complete_connect(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        a.finish()?;
        let peer = self.info.get(&s).and_then(|i| i.connecting);
        let peer = match peer {
            Some(p) => p,
            None => {
                return Ok(Answer::not_pending(&req.id)
                    .message("no connect of this socket is being held pending"))
            }
        };
        if peer == Peer::Silent {
            return Ok(Answer::skipped(&req.id, "would-hang")
                .message("a connect to a silent peer completes only when it times out"));
        }
        let state = connect_state_within(s, 5000);
        if state == ConnectState::Pending {
            return Ok(Answer::skipped(&req.id, "timeout")
                .message("the connect did not complete within 5 s"));
        }
        if let Some(info) = self.info.get_mut(&s) {
            info.connecting = None;
        }
        Ok(Answer::ok(&req.id)
            .field("ret", 0)
            .field("state", state.word())
            .finish())
    }

    fn setsockopt(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let level = a.req_i32("level")?;
        let optname = a.req_i32("optname")?;
        let optval = a.buf("optval")?.unwrap_or(Buf::Null);
        let default_len = match &optval {
            Buf::Null | Buf::Ptr(_) => 0,
            Buf::Bytes(b) => b.len() as i32,
        };
        let optlen = a.i32_("optlen")?.unwrap_or(default_len);
        a.finish()?;
        // A positive optlen past the given bytes reads zeros, never memory the probe does not own.
        let min_len = if optlen > 0 {
            (optlen as usize).min(MAX_BUFFER)
        } else {
            0
        };
        let mut buf = guarded(&optval, min_len, 0);
        let ptr = buf_ptr(&optval, &mut buf) as *const u8;
        int_call(&req.id, || unsafe {
            setsockopt(s, level, optname, ptr, optlen)
        })
    }

    fn getsockopt(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let level = a.req_i32("level")?;
        let optname = a.req_i32("optname")?;
        let optval = a.buf("optval")?;
        let optlen_arg = a.int_ptr("optlen")?;
        a.finish()?;
        // *optlen on input: given, NULL, ptr:N, or the length of optval (4 when neither is
        // given).
        let optlen_in: IntArg = match (optlen_arg, &optval) {
            (Some(v), _) => v,
            (None, Some(Buf::Bytes(b))) => IntArg::Value(b.len() as i32),
            (None, Some(Buf::Null)) | (None, Some(Buf::Ptr(_))) => IntArg::Value(0),
            (None, None) => IntArg::Value(4),
        };
        // The buffer: given, NULL, ptr:N, or max(optlen, 0) bytes of 0xcc (4 when optlen is
        // NULL or ptr:N).
        let buf_arg = match optval {
            Some(b) => b,
            None => {
                let n = match optlen_in {
                    IntArg::Value(n) => n.max(0) as usize,
                    IntArg::Null | IntArg::Ptr(_) => 4,
                };
                if n > MAX_BUFFER {
                    return Err("optlen too large for a probe buffer".to_string());
                }
                Buf::Bytes(vec![0xcc; n])
            }
        };
        if let (true, IntArg::Ptr(_)) = (self.under_wine, optlen_in) {
            return Ok(would_crash(&req.id, "getsockopt", "*optlen"));
        }
        let mut buf = guarded(&buf_arg, 0, 0xcc);
        let ptr = buf_ptr(&buf_arg, &mut buf);
        let mut optlen = match optlen_in {
            IntArg::Value(n) => n,
            IntArg::Null | IntArg::Ptr(_) => 0,
        };
        let optlen_ptr: *mut i32 = match optlen_in {
            IntArg::Value(_) => &mut optlen,
            IntArg::Null => std::ptr::null_mut(),
            IntArg::Ptr(p) => p as *mut i32,
        };
        set_sentinel();
        let ret = unsafe { getsockopt(s, level, optname, ptr, optlen_ptr) };
        let err = last_error();
        let mut ans = Answer::ok(&req.id).field("ret", ret).error_field(err);
        ans = buf_answer(ans, "optval", &buf_arg, &buf);
        ans = int_answer(ans, "optlen", optlen_in, optlen);
        Ok(add_overrun(ans, "optval_overrun", &buf).finish())
    }

    fn wsaioctl(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let code = a.req_u32("dwIoControlCode")?;
        let inbuf = a.buf("lpvInBuffer")?.unwrap_or(Buf::Null);
        let cb_in = match a.u32_("cbInBuffer")? {
            Some(n) => n,
            None => match &inbuf {
                Buf::Null | Buf::Ptr(_) => 0,
                Buf::Bytes(b) => b.len() as u32,
            },
        };
        let outbuf = a.buf("lpvOutBuffer")?.unwrap_or(Buf::Null);
        let cb_out = a.u32_("cbOutBuffer")?.unwrap_or(0);
        let bytes_in: IntArg = a
            .int_ptr("lpcbBytesReturned")?
            .unwrap_or(IntArg::Value(DEFAULT_BYTES_RETURNED as i32));
        let overlapped = a.boolean("lpOverlapped")?.unwrap_or(false);
        let routine = a.boolean("lpCompletionRoutine")?.unwrap_or(false);
        a.finish()?;
        if let (true, IntArg::Ptr(_)) = (self.under_wine, bytes_in) {
            return Ok(would_crash(&req.id, "WSAIoctl", "*lpcbBytesReturned"));
        }
        if matches!(inbuf, Buf::Bytes(_)) && cb_in as usize > MAX_BUFFER {
            return Err("cbInBuffer too large for a probe buffer".to_string());
        }
        if matches!(outbuf, Buf::Bytes(_)) && cb_out as usize > MAX_BUFFER {
            return Err("cbOutBuffer too large for a probe buffer".to_string());
        }
        // Counts past the given bytes cover zeros (in) or 0xcc (out) the probe owns.
        let mut inb = guarded(&inbuf, cb_in as usize, 0);
        let mut outb = guarded(&outbuf, cb_out as usize, 0xcc);
        let in_ptr = buf_ptr(&inbuf, &mut inb) as *mut c_void;
        let out_ptr = buf_ptr(&outbuf, &mut outb) as *mut c_void;
        let mut bytes: u32 = match bytes_in {
            IntArg::Value(n) => n as u32,
            IntArg::Null | IntArg::Ptr(_) => 0,
        };
        let bytes_ptr: *mut u32 = match bytes_in {
            IntArg::Value(_) => &mut bytes,
            IntArg::Null => std::ptr::null_mut(),
            IntArg::Ptr(p) => p as *mut u32,
        };
        let event = if overlapped && !routine {
            let e = unsafe { CreateEventA(std::ptr::null_mut(), 1, 0, std::ptr::null()) };
            if e.is_null() {
                return Err("CreateEventA failed".to_string());
            }
            e
        } else {
            std::ptr::null_mut()
        };
        let mut ov = Box::new(OVERLAPPED {
            Internal: 0xdead_beef,
            InternalHigh: 0xdead_beef,
            Offset: 0,
            OffsetHigh: 0,
            hEvent: event,
        });
        let ov_ptr: *mut OVERLAPPED = if overlapped {
            &mut *ov
        } else {
            std::ptr::null_mut()
        };
        let cr: Option<CompletionRoutine> = if routine {
            Some(completion_routine)
        } else {
            None
        };
        let apc_before = APC_COUNT.load(Ordering::SeqCst);
        set_sentinel();
        let ret = unsafe {
            WSAIoctl(
                s, code, in_ptr, cb_in, out_ptr, cb_out, bytes_ptr, ov_ptr, cr,
            )
        };
        let err = last_error();
        let expect_completion = overlapped && (ret == 0 || err == WSA_IO_PENDING);
        let mut completion = "none".to_string();
        if routine {
            // The APC runs only in an alertable wait.
            let start = Instant::now();
            loop {
                unsafe { SleepEx(if expect_completion { 20 } else { 0 }, 1) };
                if APC_COUNT.load(Ordering::SeqCst) != apc_before {
                    completion = format!(
                        "{},{}",
                        APC_ERROR.load(Ordering::SeqCst) as i32,
                        APC_BYTES.load(Ordering::SeqCst)
                    );
                    break;
                }
                if !expect_completion || start.elapsed() > Duration::from_secs(2) {
                    if expect_completion {
                        completion = "pending".to_string();
                    }
                    break;
                }
            }
        } else if overlapped {
            let w = unsafe { WaitForSingleObject(event, if expect_completion { 2000 } else { 0 }) };
            if w == WAIT_OBJECT_0 {
                let mut transferred: u32 = 0;
                let mut flags: u32 = 0;
                let ok =
                    unsafe { WSAGetOverlappedResult(s, &mut *ov, &mut transferred, 0, &mut flags) };
                let cerr = if ok != 0 { 0 } else { last_error() };
                completion = format!("{cerr},{transferred}");
            } else if expect_completion {
                completion = "pending".to_string();
            }
        }
        let ov_fields = format!("0x{:x},0x{:x}", ov.Internal, ov.InternalHigh);
        if completion == "pending" {
            // The call may still write to the OVERLAPPED and the buffers: cancel, and leak them.
            unsafe { CancelIoEx(s as HANDLE, &mut *ov) };
            std::mem::forget(ov);
            std::mem::forget(inb.take());
            std::mem::forget(outb.take());
        } else if !event.is_null() {
            unsafe { CloseHandle(event) };
        }
        let mut ans = Answer::ok(&req.id).field("ret", ret).error_field(err);
        ans = int_answer(ans, "lpcbBytesReturned", bytes_in, bytes);
        ans = buf_answer(ans, "lpvOutBuffer", &outbuf, &outb);
        ans = ans.field("completion", completion);
        if overlapped {
            ans = ans.field("overlapped", ov_fields);
        }
        ans = add_overrun(ans, "lpvInBuffer_overrun", &inb);
        ans = add_overrun(ans, "lpvOutBuffer_overrun", &outb);
        Ok(ans.finish())
    }

    /// getsockname / getpeername: the return value, the last error and the address written.
    fn getname(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        a.finish()?;
        let mut bytes = [0u8; 28];
        let mut len: i32 = 28;
        set_sentinel();
        let ret = unsafe {
            if req.call == "getsockname" {
                getsockname(s, bytes.as_mut_ptr(), &mut len)
            } else {
                getpeername(s, bytes.as_mut_ptr(), &mut len)
            }
        };
        let err = last_error();
        let answer = Answer::ok(&req.id).field("ret", ret).error_field(err);
        if ret == 0 {
            return Ok(answer.field("name", Addr { bytes, len }.render()).finish());
        }
        Ok(answer.finish())
    }

    fn sendto(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let to = Addr::parse(&a.word("to").ok_or("missing argument `to`")?)?;
        let len = a.i32_("len")?.unwrap_or(1);
        a.finish()?;
        let n = len.max(0) as usize;
        if n > MAX_BUFFER {
            return Err("len too large".to_string());
        }
        let data = vec![b'w'; n];
        int_call(&req.id, || unsafe {
            sendto(s, data.as_ptr(), len, 0, to.bytes.as_ptr(), to.len)
        })
    }

    fn recvfrom(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let len = a.i32_("len")?.unwrap_or(1);
        a.finish()?;
        let n = len.max(0) as usize;
        if n > MAX_BUFFER {
            return Err("len too large".to_string());
        }
        if !self.known_nonblocking(s) && readable_within(s, 100) == Some(false) {
            return Ok(Answer::skipped(&req.id, "would-hang")
                .message("blocking recvfrom with nothing to read"));
        }
        let mut buf = vec![0u8; n];
        let mut from = [0u8; 28];
        let mut fromlen: i32 = 28;
        set_sentinel();
        let ret = unsafe { recvfrom(s, buf.as_mut_ptr(), len, 0, from.as_mut_ptr(), &mut fromlen) };
        let err = last_error();
        let answer = Answer::ok(&req.id).field("ret", ret).error_field(err);
        if ret >= 0 || err == 10040 {
            let addr = Addr {
                bytes: from,
                len: fromlen,
            };
            return Ok(answer.field("from", addr.render()).finish());
        }
        Ok(answer.finish())
    }

    fn send(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let len = a.i32_("len")?.unwrap_or(1);
        a.finish()?;
        let n = len.max(0) as usize;
        if n > MAX_BUFFER {
            return Err("len too large".to_string());
        }
        let data = vec![b'w'; n];
        int_call(&req.id, || unsafe { send(s, data.as_ptr(), len, 0) })
    }

    fn recv(&mut self, req: &Request) -> StepResult {
        let mut a = Args::new(req);
        let s = self.resolve(&a.req_sock("s")?)?;
        let len = a.i32_("len")?.unwrap_or(1);
        a.finish()?;
        let n = len.max(0) as usize;
        if n > MAX_BUFFER {
            return Err("len too large".to_string());
        }
        if !self.known_nonblocking(s) && readable_within(s, 100) == Some(false) {
            return Ok(Answer::skipped(&req.id, "would-hang")
                .message("blocking recv with nothing to read"));
        }
        let mut data = vec![0u8; n];
        int_call(&req.id, || unsafe { recv(s, data.as_mut_ptr(), len, 0) })
    }

    /// Closes everything the probe opened and brings the start-up count back to 0.
    fn reset(&mut self, req: &Request) -> StepResult {
        Args::new(req).finish()?;
        let mut closed = 0;
        if self.startups > 0 {
            let all: Vec<SOCKET> = self
                .opened
                .iter()
                .chain(self.helpers.iter())
                .copied()
                .collect();
            for s in all {
                if unsafe { closesocket(s) } == 0 {
                    closed += 1;
                }
            }
        }
        let mut cleanups = 0;
        // Until WSACleanup fails: the process-wide count is then 0, whatever was tracked.
        while cleanups < 64 && unsafe { WSACleanup() } == 0 {
            cleanups += 1;
        }
        self.startups = 0;
        self.forget_sockets();
        self.names.clear();
        Ok(Answer::ok(&req.id)
            .field("ret", 0)
            .field("closed", closed)
            .field("cleanups", cleanups)
            .finish())
    }
}

fn usage() -> &'static str {
    "usage: wsoracle-probe [--pending-addr IP:PORT|loopback-backlog|none]\n\
     Reads protocol-1 requests on stdin and answers on stdout (docs/differential.md)."
}

/// The probe's main body: returns the exit status.
pub fn run(args: &[String]) -> i32 {
    let wine = wine_version();
    let mut pending = if wine.is_some() {
        PendingMode::LoopbackBacklog
    } else {
        PendingMode::None
    };
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--pending-addr" => {
                let v = match args.get(i + 1) {
                    Some(v) => v,
                    None => {
                        eprintln!("--pending-addr needs a value\n{}", usage());
                        return 2;
                    }
                };
                pending = match v.as_str() {
                    "none" => PendingMode::None,
                    "loopback-backlog" => PendingMode::LoopbackBacklog,
                    other => match other.parse::<std::net::SocketAddr>() {
                        Ok(sa) => PendingMode::Addr(Addr::from_std(&sa)),
                        Err(_) => {
                            eprintln!("--pending-addr: `{other}` is not IP:PORT\n{}", usage());
                            return 2;
                        }
                    },
                };
                i += 2;
            }
            "--help" | "-h" => {
                println!("{}", usage());
                return 0;
            }
            other => {
                eprintln!("unknown option `{other}`\n{}", usage());
                return 2;
            }
        }
    }
    if let (Some(_), PendingMode::Addr(a)) = (&wine, &pending) {
        if !a.is_loopback() {
            // Under Wine the host is a developer's or CI's machine: never a non-loopback peer.
            eprintln!("refusing a non-loopback --pending-addr under Wine");
            return 2;
        }
    }
    let pending_word = match &pending {
        PendingMode::None => "none".to_string(),
        PendingMode::LoopbackBacklog => "loopback-backlog".to_string(),
        PendingMode::Addr(_) => args
            .iter()
            .skip_while(|a| *a != "--pending-addr")
            .nth(1)
            .cloned()
            .unwrap_or_default(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut greeting = format!(
        "wsoracle-probe {PROTOCOL_VERSION} windows={}",
        windows_version()
    );
    if let Some(w) = &wine {
        greeting.push_str(&format!(" wine={w}"));
    }
    greeting.push_str(&format!(" pending={pending_word}"));
    if writeln!(out, "{greeting}")
        .and_then(|_| out.flush())
        .is_err()
    {
        return 1;
    }
    let mut probe = Probe::new(pending);
    probe.under_wine = wine.is_some();
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("reading stdin: {e}");
                break;
            }
        };
        let answer = match parse_line(&line) {
            Line::Blank => continue,
            Line::Malformed { id, message } => Answer::error(&id, &message),
            Line::Request(req) => probe.handle(&req),
        };
        if writeln!(out, "{answer}").and_then(|_| out.flush()).is_err() {
            return 1;
        }
    }
    let _ = probe.reset(&Request {
        id: "eof".to_string(),
        call: "reset".to_string(),
        args: Vec::new(),
    });
    0
}
