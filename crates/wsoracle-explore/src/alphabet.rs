//! The calls the explorer makes, derived from the option table and the calls of the model, not
//! hand-listed: every option of `sockopt::table::OPTIONS` with the argument classes its
//! descriptor distinguishes, the named options outside the table, bad levels and numbers, every
//! socket kind, not-a-socket, the process conditions, the WSAIoctl codes, the peer's behaviour
//! and time steps.
//!
//! The same generator serves the exhaustive search (every call of a group's alphabet), the
//! random walks (`--random`, one call drawn at a time) and the proptest strategies of the tests
//! (an index into [`full`]).

use wsoracle_model::codes::{AddressFamily, IoctlCode, Level, OptName, Protocol, SocketType};
use wsoracle_model::sockopt::def::{LenClass, OptionDef, ValueKind};
use wsoracle_model::sockopt::table::OPTIONS;
use wsoracle_model::{Ip, Peer, SockAddr};

/// A socket argument: the n-th open socket of the state (in handle order), or a handle the
/// process does not own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Handle {
    Open(u8),
    /// An integer the process never got from `socket` (0xdeadbeef).
    NotASocket,
}

/// A socket kind `socket()` is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Kind {
    pub af: AddressFamily,
    pub ty: SocketType,
    pub protocol: Protocol,
}

impl Kind {
    pub const TCP4: Kind = Kind {
        af: AddressFamily::AF_INET,
        ty: SocketType::SOCK_STREAM,
        protocol: Protocol::IPPROTO_TCP,
    };
    pub const UDP4: Kind = Kind {
        af: AddressFamily::AF_INET,
        ty: SocketType::SOCK_DGRAM,
        protocol: Protocol::IPPROTO_UDP,
    };
    pub const TCP6: Kind = Kind {
        af: AddressFamily::AF_INET6,
        ty: SocketType::SOCK_STREAM,
        protocol: Protocol::IPPROTO_TCP,
    };
    pub const UDP6: Kind = Kind {
        af: AddressFamily::AF_INET6,
        ty: SocketType::SOCK_DGRAM,
        protocol: Protocol::IPPROTO_UDP,
    };
    /// A raw socket (an elevated process gets it; a standard user WSAEACCES from Vista on).
    pub const RAW4: Kind = Kind {
        af: AddressFamily::AF_INET,
        ty: SocketType(3),
        protocol: Protocol(0),
    };
    /// A protocol that does not fit the type (TCP on a datagram socket).
    pub const BAD_PROTOCOL: Kind = Kind {
        af: AddressFamily::AF_INET,
        ty: SocketType::SOCK_DGRAM,
        protocol: Protocol::IPPROTO_TCP,
    };
    /// The kinds the model answers.
    pub const MODELLED: [Kind; 4] = [Kind::TCP4, Kind::UDP4, Kind::TCP6, Kind::UDP6];

    pub fn label(self) -> &'static str {
        match self {
            Kind::TCP4 => "tcp4",
            Kind::UDP4 => "udp4",
            Kind::TCP6 => "tcp6",
            Kind::UDP6 => "udp6",
            Kind::BAD_PROTOCOL => "udp4-with-tcp",
            _ => "raw4",
        }
    }

    pub fn is_stream(self) -> bool {
        self.ty == SocketType::SOCK_STREAM
    }
}

/// A setsockopt `optval` class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InArg {
    Null,
    /// An integer passed as the pointer.
    Bad,
    /// `value` little-endian, zero-padded to `buf` bytes.
    Value {
        value: u32,
        buf: u8,
    },
}

/// A getsockopt `optval` class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutArg {
    Null,
    Bad,
    /// A buffer of `n` bytes of 0xcc.
    Buf(u8),
}

/// A getsockopt `optlen` pointer class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LenArg {
    Null,
    Bad,
    Value(i32),
}

/// A WSAIoctl argument class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IoctlArg {
    /// The natural input for the code (FIONBIO: a u_long; SIO_KEEPALIVE_VALS: the struct with
    /// onoff, time and interval), `*lpcbBytesReturned` valid.
    Natural {
        onoff: u32,
        time: u32,
        interval: u32,
    },
    /// A short input buffer (`cbInBuffer` one less than the natural size).
    Short,
    /// NULL input buffer.
    NullInput,
    /// A bad input pointer.
    BadInput,
    /// `lpcbBytesReturned` NULL.
    NullReturned,
    /// `lpcbBytesReturned` an integer passed as the pointer.
    BadReturned,
    /// A 4-byte output buffer with `cbOutBuffer` 4 (the code has no output).
    OutBuffer,
    /// Overlapped, with and without a completion routine.
    Overlapped { routine: bool },
}

/// A time step. Time moves only to the schedule's instants, so that the search reaches a
/// fixpoint: to the next keep-alive event of any socket, or to 1 ms before it; `Zero` lets
/// pending completions happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Time {
    Zero,
    ToNextEvent,
    JustBeforeNextEvent,
}

/// An address a bind by name takes: loopback or the wildcard, of either family; for the walks
/// also a second IPv4 loopback address and the IPv4-mapped forms of 127.0.0.1 and 0.0.0.0; and,
/// as a destination only (never bound), the IPv4 limited broadcast address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Addr {
    V4Loopback,
    V4Any,
    V6Loopback,
    V6Any,
    /// 127.0.0.2: another specific address of the host (two specific addresses never meet).
    V4Loopback2,
    /// `::ffff:127.0.0.1`: held on the IPv4 stack (options:O322, O329, O330).
    V4MappedLoopback,
    /// `::ffff:0.0.0.0`: the IPv4 wildcard, held on the IPv4 stack (options:O328).
    V4MappedAny,
    /// 255.255.255.255: a destination of sendto and connect only.
    V4Broadcast,
    /// 192.0.2.1 (TEST-NET-1): an address the host does not own.
    V4Foreign,
}

impl Addr {
    /// The addresses of the address-reuse group's search.
    pub const ALL: [Addr; 4] = [Addr::V4Loopback, Addr::V4Any, Addr::V6Loopback, Addr::V6Any];

    /// The addresses of the random walks: the search's and three more.
    pub const WALKS: [Addr; 7] = [
        Addr::V4Loopback,
        Addr::V4Any,
        Addr::V6Loopback,
        Addr::V6Any,
        Addr::V4Loopback2,
        Addr::V4MappedLoopback,
        Addr::V4MappedAny,
    ];

    pub fn ip(self) -> Ip {
        match self {
            Addr::V4Loopback => Ip::V4_LOOPBACK,
            Addr::V4Any => Ip::V4_ANY,
            Addr::V6Loopback => Ip::V6_LOOPBACK,
            Addr::V6Any => Ip::V6_ANY,
            Addr::V4Loopback2 => Ip::V4([127, 0, 0, 2]),
            Addr::V4MappedLoopback => Ip::mapped([127, 0, 0, 1]),
            Addr::V4MappedAny => Ip::mapped([0, 0, 0, 0]),
            Addr::V4Broadcast => Ip::V4([255, 255, 255, 255]),
            Addr::V4Foreign => Ip::V4([192, 0, 2, 1]),
        }
    }
}

/// The one fixed port the address-reuse group binds (besides port 0, an ephemeral port).
pub const PORT: u16 = 5000;

/// The name a bind or connect by name takes: the address, and the fixed port or 0.
pub fn name(addr: Addr, ephemeral: bool) -> SockAddr {
    SockAddr::new(addr.ip(), if ephemeral { 0 } else { PORT })
}

/// One call of the alphabet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    Startup(u16),
    Cleanup,
    Socket(Kind),
    Close(Handle),
    Bind(Handle),
    /// bind by name: the address, and whether the port is 0 (else [`PORT`]).
    BindName(Handle, Addr, bool),
    /// connect by name to the loopback address of the family on [`PORT`] (a listener of the
    /// process, when one is bound there).
    ConnectName(Handle, Addr),
    Listen(Handle),
    /// A peer connects to a listener (a scenario action).
    Incoming(Handle),
    Accept(Handle),
    Ioctlsocket(Handle, IoctlCode, u32),
    Connect(Handle, Peer),
    CompleteConnect(Handle),
    Condition {
        network_down: Option<bool>,
        blocking_call: Option<bool>,
    },
    Set {
        s: Handle,
        level: Level,
        optname: OptName,
        optval: InArg,
        optlen: i32,
    },
    Get {
        s: Handle,
        level: Level,
        optname: OptName,
        optval: OutArg,
        optlen: LenArg,
    },
    Ioctl {
        s: Handle,
        code: IoctlCode,
        arg: IoctlArg,
    },
    Send(Handle),
    Recv(Handle, u32),
    Advance(Time),
    SetPeer(Handle, Peer),
    PeerSends(Handle),
    /// sendto one byte to the address on [`PORT`].
    SendTo(Handle, Addr),
    /// recvfrom with a buffer of this many bytes.
    RecvFrom(Handle, u32),
    GetSockName(Handle),
    GetPeerName(Handle),
    /// An ICMP error answers what the UDP socket sent: port unreachable, or (`true`) TTL
    /// expired (a scenario action).
    Icmp(Handle, bool),
}

impl Call {
    /// The socket argument, if the call takes one (the one list of which calls take a socket).
    fn handle_mut(&mut self) -> Option<&mut Handle> {
        match self {
            Call::Close(h)
            | Call::Bind(h)
            | Call::BindName(h, ..)
            | Call::ConnectName(h, _)
            | Call::Listen(h)
            | Call::Incoming(h)
            | Call::Accept(h)
            | Call::Ioctlsocket(h, ..)
            | Call::Connect(h, _)
            | Call::CompleteConnect(h)
            | Call::Send(h)
            | Call::Recv(h, _)
            | Call::SetPeer(h, _)
            | Call::PeerSends(h)
            | Call::SendTo(h, _)
            | Call::RecvFrom(h, _)
            | Call::GetSockName(h)
            | Call::GetPeerName(h)
            | Call::Icmp(h, _) => Some(h),
            Call::Set { s, .. } | Call::Get { s, .. } | Call::Ioctl { s, .. } => Some(s),
            _ => None,
        }
    }

    /// The socket argument, if the call takes one.
    pub fn handle(&self) -> Option<Handle> {
        let mut call = *self;
        call.handle_mut().copied()
    }

    /// The same call on another socket.
    pub fn on(mut self, to: Handle) -> Call {
        if let Some(h) = self.handle_mut() {
            *h = to;
        }
        self
    }

    /// The Winsock call (or scenario action) this is, for the error lists and the reports.
    pub fn name(&self) -> &'static str {
        match self {
            Call::Startup(_) => "WSAStartup",
            Call::Cleanup => "WSACleanup",
            Call::Socket(_) => "socket",
            Call::Close(_) => "closesocket",
            Call::Bind(_) | Call::BindName(..) => "bind",
            Call::ConnectName(..) => "connect",
            Call::Listen(_) => "listen",
            Call::Incoming(_) => "incoming",
            Call::Accept(_) => "accept",
            Call::Ioctlsocket(..) => "ioctlsocket",
            Call::Connect(..) => "connect",
            Call::CompleteConnect(_) => "complete_connect",
            Call::Condition { .. } => "condition",
            Call::Set { .. } => "setsockopt",
            Call::Get { .. } => "getsockopt",
            Call::Ioctl { .. } => "WSAIoctl",
            Call::Send(_) => "send",
            Call::Recv(..) => "recv",
            Call::Advance(_) => "advance",
            Call::SetPeer(..) => "peer",
            Call::PeerSends(_) => "peer_sends",
            Call::SendTo(..) => "sendto",
            Call::RecvFrom(..) => "recvfrom",
            Call::GetSockName(_) => "getsockname",
            Call::GetPeerName(_) => "getpeername",
            Call::Icmp(_, false) => "icmp_unreachable",
            Call::Icmp(_, true) => "icmp_ttl_expired",
        }
    }
}

/// The argument classes of a setsockopt on `def`: NULL and bad pointers; optlen −1, 0, each
/// boundary of the length class and the size, the natural size and one more; the values 0, 1,
/// 0x100, and for a bounded value its bound and one above.
pub fn set_args(def: &OptionDef) -> Vec<(InArg, i32)> {
    let size = def.size().min(255) as i32;
    let buf = |n: i32| n.clamp(4, 255) as u8;
    let mut out = vec![(InArg::Null, size), (InArg::Null, 0), (InArg::Bad, size)];
    let mut values = vec![0u32, 1, 0x100];
    if let ValueKind::Bounded { max } = def.value {
        values.push(max);
        values.push(max.saturating_add(1));
    }
    if def.value == ValueKind::Linger {
        // l_onoff 1 with l_linger 0x100, and l_onoff 0 with a linger time.
        values.push(0x0100_0001);
        values.push(0x0005_0000);
    }
    for v in values {
        out.push((
            InArg::Value {
                value: v,
                buf: buf(size),
            },
            size,
        ));
    }
    for n in lengths(def) {
        if n != size {
            out.push((
                InArg::Value {
                    value: 1,
                    buf: buf(n),
                },
                n,
            ));
        }
    }
    out
}

/// The optlen values the length classes tell apart: −1, 0, the boundaries of the class, the
/// natural size and one more.
pub fn lengths(def: &OptionDef) -> Vec<i32> {
    let size = def.size().min(254) as i32;
    let mut out = vec![-1, 0, 1];
    match def.class {
        LenClass::B => out.extend([2, 3]),
        // A BOOLEAN is one byte from Vista on, a DWORD before and on the documentation's page.
        LenClass::A => out.extend([4, 5]),
        _ => out.push(size - 1),
    }
    if let Some(LenClass::B) = def.legacy_class {
        out.extend([2, 3]);
    }
    out.extend([size, size + 1]);
    out.retain(|n| *n <= size.max(4) + 1);
    out.sort_unstable();
    out.dedup();
    out
}

/// The argument classes of a getsockopt on `def`.
pub fn get_args(def: &OptionDef) -> Vec<(OutArg, LenArg)> {
    let size = def.size().min(254) as i32;
    let buf = |n: i32| n.clamp(1, 255) as u8;
    let mut out = vec![
        (OutArg::Buf(buf(size)), LenArg::Null),
        (OutArg::Buf(buf(size)), LenArg::Bad),
        (OutArg::Null, LenArg::Value(size)),
        (OutArg::Bad, LenArg::Value(size)),
    ];
    for n in lengths(def) {
        out.push((OutArg::Buf(buf(n)), LenArg::Value(n)));
    }
    out
}

/// A level Windows does not know, and a number no level defines.
pub const BAD_LEVEL: Level = Level(0x1234);
pub const BAD_OPTNAME: OptName = OptName(0x7777);

/// The calls on an option at one socket argument.
pub fn option_calls(def: &OptionDef, s: Handle) -> Vec<Call> {
    let (level, optname) = (def.level, def.optname);
    let mut out = Vec::new();
    if s == Handle::NotASocket {
        // Not a socket: one natural set and one natural get (the handle check comes first).
        let size = def.size().min(254) as i32;
        out.push(Call::Set {
            s,
            level,
            optname,
            optval: InArg::Value {
                value: 1,
                buf: size.clamp(4, 255) as u8,
            },
            optlen: size,
        });
        out.push(Call::Get {
            s,
            level,
            optname,
            optval: OutArg::Buf(size.clamp(1, 255) as u8),
            optlen: LenArg::Value(size),
        });
        return out;
    }
    for (optval, optlen) in set_args(def) {
        out.push(Call::Set {
            s,
            level,
            optname,
            optval,
            optlen,
        });
    }
    for (optval, optlen) in get_args(def) {
        out.push(Call::Get {
            s,
            level,
            optname,
            optval,
            optlen,
        });
    }
    out
}

/// The (level, optname) pairs outside the table: one named-but-not-modelled option per level
/// (from `codes::OPTION_NAMES`), an unknown number at each known level, an unknown level.
pub fn outside_table() -> Vec<(Level, OptName)> {
    let mut out = Vec::new();
    let levels = [
        Level::SOL_SOCKET,
        Level::IPPROTO_TCP,
        Level::IPPROTO_UDP,
        Level::IPPROTO_IP,
        Level::IPPROTO_IPV6,
    ];
    for level in levels {
        let named = wsoracle_model::codes::OPTION_NAMES.iter().find(|n| {
            n.level == level
                && n.alias_of.is_none()
                && !OPTIONS
                    .iter()
                    .any(|d| d.level == level && d.optname == n.optname)
        });
        if let Some(n) = named {
            out.push((level, n.optname));
        }
        out.push((level, BAD_OPTNAME));
    }
    out.push((BAD_LEVEL, OptName::SO_KEEPALIVE));
    out
}

/// The plain set and get of a pair outside the table.
pub fn outside_calls(level: Level, optname: OptName, s: Handle) -> [Call; 2] {
    [
        Call::Set {
            s,
            level,
            optname,
            optval: InArg::Value { value: 1, buf: 4 },
            optlen: 4,
        },
        Call::Get {
            s,
            level,
            optname,
            optval: OutArg::Buf(4),
            optlen: LenArg::Value(4),
        },
    ]
}

/// The lifecycle of a socket: what moves it through its states, on socket `s`.
pub fn lifecycle(s: Handle) -> Vec<Call> {
    vec![
        Call::Close(s),
        Call::Bind(s),
        Call::Listen(s),
        Call::Incoming(s),
        Call::Accept(s),
        Call::Ioctlsocket(s, IoctlCode::FIONBIO, 1),
        Call::Ioctlsocket(s, IoctlCode::FIONBIO, 0),
        Call::Connect(s, Peer::Accepts),
        Call::Connect(s, Peer::Refuses),
        Call::Connect(s, Peer::Silent),
        Call::CompleteConnect(s),
        Call::Send(s),
        Call::Recv(s, 1),
        Call::Recv(s, 0),
        Call::SetPeer(s, Peer::Silent),
        Call::SetPeer(s, Peer::Resets),
        Call::SetPeer(s, Peer::Accepts),
        Call::PeerSends(s),
    ]
}

/// The lifecycle an option group needs: what moves a socket through its states (the peer's data
/// and recv, which no option rule reads, are left to the process group).
pub fn lifecycle_for_options(s: Handle) -> Vec<Call> {
    lifecycle(s)
        .into_iter()
        .filter(|c| {
            !matches!(
                c,
                Call::Recv(..)
                    | Call::PeerSends(_)
                    | Call::SetPeer(_, Peer::Accepts | Peer::Silent)
                    | Call::Connect(_, Peer::Silent)
            )
        })
        .collect()
}

/// The WSAIoctl calls: every code class the model tells apart, with the argument classes of
/// SIO_KEEPALIVE_VALS.
pub fn ioctl_calls(s: Handle, keepalive: bool) -> Vec<Call> {
    let mut out = vec![
        Call::Ioctl {
            s,
            code: IoctlCode::FIONBIO,
            arg: IoctlArg::Natural {
                onoff: 1,
                time: 0,
                interval: 0,
            },
        },
        Call::Ioctl {
            s,
            code: IoctlCode::SIO_FLUSH,
            arg: IoctlArg::NullInput,
        },
        Call::Ioctl {
            s,
            code: IoctlCode::FIONREAD,
            arg: IoctlArg::NullInput,
        },
        Call::Ioctl {
            s,
            code: IoctlCode(0x1234_5678),
            arg: IoctlArg::NullInput,
        },
        Call::Ioctl {
            s,
            code: IoctlCode::FIONBIO,
            arg: IoctlArg::Short,
        },
        Call::Ioctl {
            s,
            code: IoctlCode::FIONBIO,
            arg: IoctlArg::NullInput,
        },
        Call::Ioctlsocket(s, IoctlCode::FIONREAD, 0),
    ];
    if keepalive {
        let code = IoctlCode::SIO_KEEPALIVE_VALS;
        for arg in [
            IoctlArg::Natural {
                onoff: 1,
                time: 1000,
                interval: 1000,
            },
            IoctlArg::Natural {
                onoff: 1,
                time: 0,
                interval: 0,
            },
            IoctlArg::Natural {
                onoff: 0,
                time: 1000,
                interval: 1000,
            },
            IoctlArg::Short,
            IoctlArg::NullInput,
            IoctlArg::BadInput,
            IoctlArg::NullReturned,
            IoctlArg::BadReturned,
            IoctlArg::OutBuffer,
            IoctlArg::Overlapped { routine: false },
            IoctlArg::Overlapped { routine: true },
        ] {
            out.push(Call::Ioctl { s, code, arg });
        }
    }
    out
}

/// The datagram calls on the socket under test `s`: bind by name (each address on [`PORT`],
/// the IPv4 loopback on port 0, an address the host does not own, an IPv4-mapped address),
/// connect by name (each loopback address, the broadcast address, the unspecified address),
/// sendto each loopback address, the unspecified address and the broadcast address,
/// send, recvfrom with a buffer of one byte and of none, getsockname, getpeername, FIONBIO on,
/// SO_BROADCAST on.
pub fn datagram_calls(s: Handle) -> Vec<Call> {
    let mut out: Vec<Call> = Addr::ALL
        .into_iter()
        .map(|a| Call::BindName(s, a, false))
        .collect();
    out.push(Call::BindName(s, Addr::V4Loopback, true));
    // Addresses a bind refuses: one the host does not own, and an IPv4-mapped one (on an
    // AF_INET6 socket that is not dual-stack: not modelled).
    out.push(Call::BindName(s, Addr::V4Foreign, false));
    out.push(Call::BindName(s, Addr::V4MappedLoopback, false));
    for a in [
        Addr::V4Loopback,
        Addr::V6Loopback,
        Addr::V4Broadcast,
        Addr::V4Any,
    ] {
        out.push(Call::ConnectName(s, a));
    }
    for a in [
        Addr::V4Loopback,
        Addr::V6Loopback,
        Addr::V4Any,
        Addr::V4Broadcast,
    ] {
        out.push(Call::SendTo(s, a));
    }
    out.extend([
        Call::Send(s),
        Call::RecvFrom(s, 1),
        Call::RecvFrom(s, 0),
        Call::GetSockName(s),
        Call::GetPeerName(s),
        Call::Ioctlsocket(s, IoctlCode::FIONBIO, 1),
        Call::Set {
            s,
            level: Level::SOL_SOCKET,
            optname: OptName::SO_BROADCAST,
            optval: InArg::Value { value: 1, buf: 4 },
            optlen: 4,
        },
    ]);
    out
}

/// The other end's calls, on socket `s`: bind by name to each loopback address on [`PORT`],
/// sendto each loopback address (a datagram to the socket under test, or to itself).
pub fn datagram_sender_calls(s: Handle) -> Vec<Call> {
    vec![
        Call::BindName(s, Addr::V4Loopback, false),
        Call::BindName(s, Addr::V6Loopback, false),
        Call::SendTo(s, Addr::V4Loopback),
        Call::SendTo(s, Addr::V6Loopback),
    ]
}

/// The stream calls by name on socket `s`: bind to 127.0.0.1 on [`PORT`], listen, connect by
/// name to it (blocking or, after FIONBIO, not, then complete_connect), accept, send, recv of
/// one byte, sendto (on a connected stream socket: send), getsockname, getpeername, close.
pub fn stream_name_calls(s: Handle) -> Vec<Call> {
    vec![
        Call::BindName(s, Addr::V4Loopback, false),
        Call::Listen(s),
        Call::ConnectName(s, Addr::V4Loopback),
        Call::Ioctlsocket(s, IoctlCode::FIONBIO, 1),
        Call::CompleteConnect(s),
        Call::Accept(s),
        Call::Send(s),
        Call::Recv(s, 1),
        Call::SendTo(s, Addr::V4Loopback),
        Call::GetSockName(s),
        Call::GetPeerName(s),
        Call::Close(s),
    ]
}

/// The ICMP calls on a UDP socket `s`: bind by name, sendto itself, FIONBIO on, recv and
/// recvfrom of one byte, the two ICMP errors, and SIO_UDP_CONNRESET / SIO_UDP_NETRESET
/// switched off.
pub fn icmp_calls(s: Handle) -> Vec<Call> {
    let mut out = vec![
        Call::BindName(s, Addr::V4Loopback, false),
        Call::SendTo(s, Addr::V4Loopback),
        Call::Ioctlsocket(s, IoctlCode::FIONBIO, 1),
        Call::Recv(s, 1),
        Call::RecvFrom(s, 1),
        Call::Icmp(s, false),
        Call::Icmp(s, true),
    ];
    for code in [IoctlCode::SIO_UDP_CONNRESET, IoctlCode::SIO_UDP_NETRESET] {
        out.push(Call::Ioctl {
            s,
            code,
            arg: IoctlArg::Natural {
                onoff: 0,
                time: 0,
                interval: 0,
            },
        });
    }
    out
}

/// The process calls: WSAStartup (a good and a bad version), WSACleanup, the conditions.
pub fn process_calls(conditions: bool) -> Vec<Call> {
    let mut out = vec![Call::Startup(0x0202), Call::Startup(0x0000), Call::Cleanup];
    if conditions {
        for (n, b) in [
            (Some(true), None),
            (Some(false), None),
            (None, Some(true)),
            (None, Some(false)),
        ] {
            out.push(Call::Condition {
                network_down: n,
                blocking_call: b,
            });
        }
    }
    out
}

/// Every call of every group, on two sockets and a handle that is not one: the generator of the
/// random walks and of the proptest strategies. With the address-reuse group's calls
/// ([`address_calls`], and bind by name to port 0 on every address), SO_REUSEADDR,
/// SO_EXCLUSIVEADDRUSE and IPV6_V6ONLY among the options, and datagram sockets among the kinds,
/// the walks bind and connect by name on sockets of every kind, so that the address invariant
/// is checked past the search's bound (two TCP sockets, no close). The calls of
/// [`address_block`] come [`ADDRESS_WEIGHT`] more times.
pub fn full() -> Vec<Call> {
    let mut out = process_calls(true);
    for k in Kind::MODELLED
        .into_iter()
        .chain([Kind::RAW4, Kind::BAD_PROTOCOL])
    {
        out.push(Call::Socket(k));
    }
    for t in [Time::Zero, Time::ToNextEvent, Time::JustBeforeNextEvent] {
        out.push(Call::Advance(t));
    }
    for s in [Handle::Open(0), Handle::Open(1), Handle::NotASocket] {
        out.extend(lifecycle(s));
        out.extend(ioctl_calls(s, true));
        for def in OPTIONS {
            out.extend(option_calls(def, s));
        }
        for (level, optname) in outside_table() {
            out.extend(outside_calls(level, optname, s));
        }
        // The datagram and ICMP groups' calls (sendto, recvfrom, the names, the ICMP errors).
        for c in datagram_calls(s).into_iter().chain(icmp_calls(s)) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    let block = address_block();
    for _ in 0..ADDRESS_WEIGHT {
        out.extend(block.iter().copied());
    }
    out
}

/// The calls that bring sockets onto one port, which [`full`] weighs: `socket` of the four
/// modelled kinds, the process conditions switched off, and on each of two sockets close,
/// SO_REUSEADDR and SO_EXCLUSIVEADDRUSE switched on and IPV6_V6ONLY off (natural size), the
/// address-reuse group's [`address_calls`], and bind by name on every address of
/// [`Addr::WALKS`], on the fixed port and on port 0.
pub fn address_block() -> Vec<Call> {
    let mut out: Vec<Call> = Kind::MODELLED.into_iter().map(Call::Socket).collect();
    // The process conditions switched off again: with the network down or a blocking call in
    // progress every bind fails before its address is looked at.
    out.push(Call::Condition {
        network_down: Some(false),
        blocking_call: None,
    });
    out.push(Call::Condition {
        network_down: None,
        blocking_call: Some(false),
    });
    for s in [Handle::Open(0), Handle::Open(1)] {
        out.push(Call::Close(s));
        for (level, optname, value) in [
            (Level::SOL_SOCKET, OptName::SO_REUSEADDR, 1),
            (Level::SOL_SOCKET, OptName::SO_EXCLUSIVEADDRUSE, 1),
            (Level::IPPROTO_IPV6, OptName::IPV6_V6ONLY, 0),
        ] {
            out.push(Call::Set {
                s,
                level,
                optname,
                optval: InArg::Value { value, buf: 4 },
                optlen: 4,
            });
        }
        out.extend(address_calls(s));
        for a in Addr::WALKS {
            for ephemeral in [false, true] {
                let c = Call::BindName(s, a, ephemeral);
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// How many times [`full`] lists [`address_block`] after every other call once: the option
/// calls outnumber the address calls by about a hundred to one, and a bind by name matters only
/// on a fresh socket while another socket holds the port, so a uniform draw would seldom bring
/// two sockets onto one port (measured: 4 such binds in a walk of 100 000 steps unweighted).
pub const ADDRESS_WEIGHT: usize = 16;

/// The address-reuse group's calls on socket `s`: bind by name on each address with the fixed
/// port, and 127.0.0.1 with port 0; connect by name to each loopback address; listen. (No
/// close: a socket is not re-created, which keeps the search within its time budget.)
pub fn address_calls(s: Handle) -> Vec<Call> {
    let mut out = vec![Call::Listen(s)];
    for a in Addr::ALL {
        out.push(Call::BindName(s, a, false));
    }
    out.push(Call::BindName(s, Addr::V4Loopback, true));
    out.push(Call::ConnectName(s, Addr::V4Loopback));
    out.push(Call::ConnectName(s, Addr::V6Loopback));
    out
}
