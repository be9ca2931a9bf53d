//! Winsock vocabulary: error codes, levels, option names, address families, socket types,
//! protocols and control codes, as open newtypes over the numbers Windows uses.
//!
//! Every type is open: a value the oracle has no name for survives a round trip and prints as a
//! number. `Debug` and `Display` print the Winsock name where there is one.

use core::fmt;

/// Declares an open newtype over an integer with named constants, a name lookup and a `Display`
/// that prints the Winsock name, or the number when the value has no name.
macro_rules! open_code {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident($repr:ty);
        format = $unknown_fmt:literal;
        $( $(#[$cmeta:meta])* $cname:ident = $value:expr, $desc:literal; )*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis struct $name(pub $repr);

        impl $name {
            $( $(#[$cmeta])* #[doc = $desc] pub const $cname: $name = $name($value); )*

            /// Every named value, in declaration order.
            pub const NAMED: &'static [($name, &'static str, &'static str)] =
                &[ $( ($name($value), stringify!($cname), $desc), )* ];

            /// The Winsock name of this value, if it has one.
            pub fn name(self) -> Option<&'static str> {
                Self::NAMED.iter().find(|(v, _, _)| *v == self).map(|(_, n, _)| *n)
            }

            /// A one-line description of this value, if it has a name.
            pub fn description(self) -> Option<&'static str> {
                Self::NAMED.iter().find(|(v, _, _)| *v == self).map(|(_, _, d)| *d)
            }

            /// Looks a value up by its Winsock name (exact, case-sensitive).
            pub fn from_name(name: &str) -> Option<$name> {
                Self::NAMED.iter().find(|(_, n, _)| *n == name).map(|(v, _, _)| *v)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, $unknown_fmt, self.0),
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    };
}

open_code! {
    /// The value `WSAGetLastError()` returns. `NO_ERROR` (0) after a call that succeeded.
    pub struct WsaError(i32);
    format = "{}";
    NO_ERROR = 0, "No error.";
    WSAEINTR = 10004, "A blocking operation was interrupted by WSACancelBlockingCall.";
    WSAEACCES = 10013, "An attempt was made to access a socket in a way forbidden by its access permissions.";
    WSAEFAULT = 10014, "A pointer argument is not in a valid part of the user address space, or a length is too small.";
    WSAEINVAL = 10022, "An invalid argument was supplied.";
    WSAEWOULDBLOCK = 10035, "A non-blocking socket operation could not be completed immediately.";
    WSAEINPROGRESS = 10036, "A blocking operation is currently executing.";
    WSAEALREADY = 10037, "An operation was attempted on a non-blocking socket that already had an operation in progress.";
    WSAENOTSOCK = 10038, "An operation was attempted on something that is not a socket.";
    WSAEMSGSIZE = 10040, "A message sent on a datagram socket was larger than the internal message buffer or the buffer was too small.";
    WSAEPROTOTYPE = 10041, "A protocol was specified that does not support the semantics of the socket type requested.";
    WSAENOPROTOOPT = 10042, "An unknown, invalid, or unsupported option or level was specified.";
    WSAEPROTONOSUPPORT = 10043, "The requested protocol has not been configured into the system.";
    WSAESOCKTNOSUPPORT = 10044, "The support for the specified socket type does not exist in this address family.";
    WSAEOPNOTSUPP = 10045, "The attempted operation is not supported for the type of object referenced.";
    WSAEAFNOSUPPORT = 10047, "An address incompatible with the requested protocol was used.";
    WSAEADDRINUSE = 10048, "Only one usage of each socket address (protocol/network address/port) is normally permitted.";
    WSAEADDRNOTAVAIL = 10049, "The requested address is not valid in its context.";
    WSAENETDOWN = 10050, "A socket operation encountered a dead network (the network subsystem has failed).";
    WSAENETRESET = 10052, "The connection has been broken due to keep-alive activity detecting a failure while the operation was in progress.";
    WSAECONNABORTED = 10053, "An established connection was aborted by the software in your host machine.";
    WSAECONNRESET = 10054, "An existing connection was forcibly closed by the remote host.";
    WSAENOBUFS = 10055, "No buffer space is available, or a length is negative.";
    WSAEISCONN = 10056, "A connect request was made on an already connected socket.";
    WSAENOTCONN = 10057, "The socket is not connected.";
    WSAETIMEDOUT = 10060, "The connection attempt failed because the connected party did not properly respond.";
    WSAECONNREFUSED = 10061, "No connection could be made because the target machine actively refused it.";
    WSASYSNOTREADY = 10091, "The underlying network subsystem is not ready for network communication.";
    WSAVERNOTSUPPORTED = 10092, "The version of Windows Sockets support requested is not provided.";
    WSANOTINITIALISED = 10093, "A successful WSAStartup call must occur before using this function.";
    WSA_IO_PENDING = 997, "An overlapped operation is in progress.";
    WSA_OPERATION_ABORTED = 995, "The overlapped operation has been aborted.";
    ERROR_NOT_SUPPORTED = 50, "The request is not supported (a completion status).";
}

impl WsaError {
    /// True for 0, the value after a call that succeeded.
    pub fn is_ok(self) -> bool {
        self.0 == 0
    }
}

open_code! {
    /// The `level` argument of `setsockopt`/`getsockopt`.
    pub struct Level(i32);
    format = "{:#x}";
    SOL_SOCKET = 0xffff, "Socket-level options.";
    IPPROTO_IP = 0, "IPv4 options.";
    IPPROTO_TCP = 6, "TCP options.";
    IPPROTO_UDP = 17, "UDP options.";
    IPPROTO_IPV6 = 41, "IPv6 options.";
}

open_code! {
    /// The `optname` argument of `setsockopt`/`getsockopt`. Names depend on the level; the
    /// named constants here are the keep-alive family and the options the oracle knows exist.
    pub struct OptName(i32);
    format = "{:#x}";
    SO_DEBUG = 0x0001, "SOL_SOCKET: debugging information.";
    SO_ACCEPTCONN = 0x0002, "SOL_SOCKET: the socket is listening (read-only).";
    SO_REUSEADDR = 0x0004, "SOL_SOCKET: allow the address to be reused.";
    SO_KEEPALIVE = 0x0008, "SOL_SOCKET: send keep-alive packets (so_keepalive#42a54-108).";
    SO_DONTROUTE = 0x0010, "SOL_SOCKET: do not route.";
    SO_BROADCAST = 0x0020, "SOL_SOCKET: allow broadcast.";
    SO_USELOOPBACK = 0x0040, "SOL_SOCKET: bypass hardware when possible.";
    SO_LINGER = 0x0080, "SOL_SOCKET: linger on close.";
    SO_OOBINLINE = 0x0100, "SOL_SOCKET: receive out-of-band data in line.";
    SO_SNDBUF = 0x1001, "SOL_SOCKET: send buffer size.";
    SO_RCVBUF = 0x1002, "SOL_SOCKET: receive buffer size.";
    SO_SNDLOWAT = 0x1003, "SOL_SOCKET: send low-water mark.";
    SO_RCVLOWAT = 0x1004, "SOL_SOCKET: receive low-water mark.";
    SO_SNDTIMEO = 0x1005, "SOL_SOCKET: send time-out.";
    SO_RCVTIMEO = 0x1006, "SOL_SOCKET: receive time-out.";
    SO_ERROR = 0x1007, "SOL_SOCKET: the pending error (read clears it).";
    SO_TYPE = 0x1008, "SOL_SOCKET: the socket type (read-only).";
    SO_PROTOCOL_INFOA = 0x2004, "SOL_SOCKET: WSAPROTOCOL_INFOA.";
    SO_PROTOCOL_INFOW = 0x2005, "SOL_SOCKET: WSAPROTOCOL_INFOW.";
    SO_MAX_MSG_SIZE = 0x2003, "SOL_SOCKET: maximum message size.";
    SO_CONDITIONAL_ACCEPT = 0x3002, "SOL_SOCKET: conditional accept.";
    SO_CONNECT_TIME = 0x700C, "SOL_SOCKET: seconds connected.";
    SO_UPDATE_ACCEPT_CONTEXT = 0x700B, "SOL_SOCKET: update the accept context.";
    SO_UPDATE_CONNECT_CONTEXT = 0x7010, "SOL_SOCKET: update the connect context.";
    SO_OPENTYPE = 0x7008, "SOL_SOCKET: default open type of new sockets (per thread).";
    SO_EXCLUSIVEADDRUSE = !0x0004, "SOL_SOCKET: exclusive use of the address.";
    SO_DONTLINGER = !0x0080, "SOL_SOCKET: do not linger on close.";
    TCP_NODELAY = 1, "IPPROTO_TCP: disable Nagle's algorithm.";
    TCP_EXPEDITED_1122 = 2, "IPPROTO_TCP: RFC 1122 urgent data.";
    TCP_KEEPALIVE = 3, "IPPROTO_TCP: idle seconds before the first keep-alive probe (the SDK's TCP_KEEPIDLE).";
    TCP_MAXSEG = 4, "IPPROTO_TCP: maximum segment size.";
    TCP_MAXRT = 5, "IPPROTO_TCP: maximum retransmission time.";
    TCP_STDURG = 6, "IPPROTO_TCP: urgent pointer interpretation.";
    TCP_NOURG = 7, "IPPROTO_TCP: no urgent data.";
    TCP_ATMARK = 8, "IPPROTO_TCP: at the urgent mark.";
    TCP_NOSYNRETRIES = 9, "IPPROTO_TCP: no SYN retries.";
    TCP_TIMESTAMPS = 10, "IPPROTO_TCP: timestamps.";
    TCP_CONGESTION_ALGORITHM = 12, "IPPROTO_TCP: congestion algorithm.";
    TCP_DELAY_FIN_ACK = 13, "IPPROTO_TCP: delay FIN ACK.";
    TCP_MAXRTMS = 14, "IPPROTO_TCP: maximum retransmission time in ms.";
    TCP_FASTOPEN = 15, "IPPROTO_TCP: TCP Fast Open.";
    TCP_KEEPCNT = 16, "IPPROTO_TCP: number of unanswered keep-alive probes before the connection drops.";
    TCP_KEEPINTVL = 17, "IPPROTO_TCP: seconds between unanswered keep-alive probes.";
    TCP_FAIL_CONNECT_ON_ICMP_ERROR = 18, "IPPROTO_TCP: fail connect on ICMP error.";
    TCP_ICMP_ERROR_INFO = 19, "IPPROTO_TCP: ICMP error information.";
}

impl OptName {
    /// `TCP_KEEPIDLE`, the SDK 10.0.16299 name of `TCP_KEEPALIVE` (3).
    pub const TCP_KEEPIDLE: OptName = OptName(3);
    pub const IP_OPTIONS: OptName = OptName(1);
    pub const IP_HDRINCL: OptName = OptName(2);
    pub const IP_TOS: OptName = OptName(3);
    pub const IP_TTL: OptName = OptName(4);
    pub const IP_MULTICAST_IF: OptName = OptName(9);
    pub const IP_MULTICAST_TTL: OptName = OptName(10);
    pub const IP_MULTICAST_LOOP: OptName = OptName(11);
    pub const IP_ADD_MEMBERSHIP: OptName = OptName(12);
    pub const IP_DROP_MEMBERSHIP: OptName = OptName(13);
    pub const IP_DONTFRAGMENT: OptName = OptName(14);
    pub const IP_ADD_SOURCE_MEMBERSHIP: OptName = OptName(15);
    pub const IP_DROP_SOURCE_MEMBERSHIP: OptName = OptName(16);
    pub const IP_BLOCK_SOURCE: OptName = OptName(17);
    pub const IP_UNBLOCK_SOURCE: OptName = OptName(18);
    pub const IP_PKTINFO: OptName = OptName(19);
    pub const IP_HOPLIMIT: OptName = OptName(21);
    pub const IP_RECVTTL: OptName = OptName(21);
    pub const IP_RECEIVE_BROADCAST: OptName = OptName(22);
    pub const IP_PROTECTION_LEVEL: OptName = OptName(23);
    pub const IP_RECVIF: OptName = OptName(24);
    pub const IP_RECVDSTADDR: OptName = OptName(25);
    pub const IP_IFLIST: OptName = OptName(28);
    pub const IP_ADD_IFLIST: OptName = OptName(29);
    pub const IP_DEL_IFLIST: OptName = OptName(30);
    pub const IP_UNICAST_IF: OptName = OptName(31);
    pub const IP_RTHDR: OptName = OptName(32);
    pub const IP_GET_IFLIST: OptName = OptName(33);
    pub const IP_RECVRTHDR: OptName = OptName(38);
    pub const IP_TCLASS: OptName = OptName(39);
    pub const IP_RECVTCLASS: OptName = OptName(40);
    pub const IP_RECVTOS: OptName = OptName(40);
    pub const IP_ORIGINAL_ARRIVAL_IF: OptName = OptName(47);
    pub const IP_ECN: OptName = OptName(50);
    pub const IP_RECVECN: OptName = OptName(50);
    pub const IP_PKTINFO_EX: OptName = OptName(51);
    pub const IP_WFP_REDIRECT_RECORDS: OptName = OptName(60);
    pub const IP_WFP_REDIRECT_CONTEXT: OptName = OptName(70);
    pub const IP_MTU_DISCOVER: OptName = OptName(71);
    pub const IP_MTU: OptName = OptName(73);
    pub const IP_NRT_INTERFACE: OptName = OptName(74);
    pub const IP_RECVERR: OptName = OptName(75);
    pub const IP_USER_MTU: OptName = OptName(76);
    pub const IPV6_HOPOPTS: OptName = OptName(1);
    pub const IPV6_HDRINCL: OptName = OptName(2);
    pub const IPV6_UNICAST_HOPS: OptName = OptName(4);
    pub const IPV6_MULTICAST_IF: OptName = OptName(9);
    pub const IPV6_MULTICAST_HOPS: OptName = OptName(10);
    pub const IPV6_MULTICAST_LOOP: OptName = OptName(11);
    pub const IPV6_ADD_MEMBERSHIP: OptName = OptName(12);
    pub const IPV6_JOIN_GROUP: OptName = OptName(12);
    pub const IPV6_DROP_MEMBERSHIP: OptName = OptName(13);
    pub const IPV6_LEAVE_GROUP: OptName = OptName(13);
    pub const IPV6_DONTFRAG: OptName = OptName(14);
    pub const IPV6_PKTINFO: OptName = OptName(19);
    pub const IPV6_HOPLIMIT: OptName = OptName(21);
    pub const IPV6_PROTECTION_LEVEL: OptName = OptName(23);
    pub const IPV6_RECVIF: OptName = OptName(24);
    pub const IPV6_RECVDSTADDR: OptName = OptName(25);
    pub const IPV6_CHECKSUM: OptName = OptName(26);
    pub const IPV6_V6ONLY: OptName = OptName(27);
    pub const IPV6_IFLIST: OptName = OptName(28);
    pub const IPV6_ADD_IFLIST: OptName = OptName(29);
    pub const IPV6_DEL_IFLIST: OptName = OptName(30);
    pub const IPV6_UNICAST_IF: OptName = OptName(31);
    pub const IPV6_RTHDR: OptName = OptName(32);
    pub const IPV6_GET_IFLIST: OptName = OptName(33);
    pub const IPV6_RECVRTHDR: OptName = OptName(38);
    pub const IPV6_TCLASS: OptName = OptName(39);
    pub const IPV6_RECVTCLASS: OptName = OptName(40);
    pub const IPV6_ECN: OptName = OptName(50);
    pub const IPV6_RECVECN: OptName = OptName(50);
    pub const IPV6_PKTINFO_EX: OptName = OptName(51);
    pub const IPV6_WFP_REDIRECT_RECORDS: OptName = OptName(60);
    pub const IPV6_WFP_REDIRECT_CONTEXT: OptName = OptName(70);
    pub const IPV6_MTU_DISCOVER: OptName = OptName(71);
    pub const IPV6_MTU: OptName = OptName(72);
    pub const IPV6_NRT_INTERFACE: OptName = OptName(74);
    pub const IPV6_RECVERR: OptName = OptName(75);
    pub const IPV6_USER_MTU: OptName = OptName(76);
    pub const TCP_OFFLOAD_PREFERENCE: OptName = OptName(11);
    pub const TCP_BSDURGENT: OptName = OptName(28672);
    pub const UDP_NOCHECKSUM: OptName = OptName(1);
    pub const UDP_SEND_MSG_SIZE: OptName = OptName(2);
    pub const UDP_RECV_MAX_COALESCED_SIZE: OptName = OptName(3);
    pub const UDP_CHECKSUM_COVERAGE: OptName = OptName(20);
    pub const SO_BSP_STATE: OptName = OptName(4105);
    pub const SO_GROUP_ID: OptName = OptName(8193);
    pub const SO_GROUP_PRIORITY: OptName = OptName(8194);
    pub const SO_PROTOCOL_INFO: OptName = OptName(8197);
    pub const SO_PAUSE_ACCEPT: OptName = OptName(12291);
    pub const SO_COMPARTMENT_ID: OptName = OptName(12292);
    pub const SO_RANDOMIZE_PORT: OptName = OptName(12293);
    pub const SO_PORT_SCALABILITY: OptName = OptName(12294);
    pub const SO_REUSE_UNICASTPORT: OptName = OptName(12295);
    pub const SO_REUSE_MULTICASTPORT: OptName = OptName(12296);
    pub const SO_TIMESTAMP: OptName = OptName(12298);
    pub const SO_TIMESTAMP_ID: OptName = OptName(12299);
    pub const SO_ORIGINAL_DST: OptName = OptName(12303);
    pub const SO_CONNDATA: OptName = OptName(28672);
    pub const SO_CONNOPT: OptName = OptName(28673);
    pub const SO_DISCDATA: OptName = OptName(28674);
    pub const SO_DISCOPT: OptName = OptName(28675);
    pub const SO_CONNDATALEN: OptName = OptName(28676);
    pub const SO_CONNOPTLEN: OptName = OptName(28677);
    pub const SO_DISCDATALEN: OptName = OptName(28678);
    pub const SO_DISCOPTLEN: OptName = OptName(28679);
    pub const SO_MAXDG: OptName = OptName(28681);
    pub const SO_MAXPATHDG: OptName = OptName(28682);

    /// The option's name as `level` spells it (its first name there, never an alias). Option
    /// numbers are per level: 0x10 is `TCP_KEEPCNT` at `IPPROTO_TCP` and `SO_DONTROUTE` at
    /// `SOL_SOCKET`, so `Display` alone (which prefers the `SO_` name) cannot tell them apart.
    pub fn name_at(self, level: Level) -> Option<&'static str> {
        OPTION_NAMES
            .iter()
            .find(|n| n.level == level && n.optname == self && n.alias_of.is_none())
            .map(|n| n.name)
    }

    /// Name lookup across every level, aliases included (`TCP_KEEPIDLE`). A name that two levels
    /// define answers the first; use [`OptName::from_name_at`] where the level is known.
    pub fn from_name_or_alias(name: &str) -> Option<OptName> {
        OPTION_NAMES
            .iter()
            .find(|n| n.name == name)
            .map(|n| n.optname)
    }

    /// Name lookup at one level, aliases included.
    pub fn from_name_at(level: Level, name: &str) -> Option<OptName> {
        OPTION_NAMES
            .iter()
            .find(|n| n.level == level && n.name == name)
            .map(|n| n.optname)
    }

    /// The levels that define `name`, in table order (empty for a name no level defines).
    pub fn levels_defining(name: &str) -> impl Iterator<Item = Level> + '_ {
        OPTION_NAMES
            .iter()
            .filter(move |n| n.name == name)
            .map(|n| n.level)
    }

    /// True when some name at `level` stands for this number (an option Windows defines there).
    pub fn is_named_at(self, level: Level) -> bool {
        OPTION_NAMES
            .iter()
            .any(|n| n.level == level && n.optname == self)
    }
}

/// One option name as the Windows SDK headers define it at a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionName {
    pub level: Level,
    pub name: &'static str,
    pub optname: OptName,
    /// For an alias (`TCP_KEEPIDLE`), the name it stands for.
    pub alias_of: Option<&'static str>,
}

macro_rules! option_names {
    ( $( ($level:expr, $name:literal, $value:expr, $alias:expr), )* ) => {
        /// Every option name the Windows SDK headers (`ws2def.h`, `ws2ipdef.h`, `winsock2.h`,
        /// `mswsock.h`) define for `SOL_SOCKET`, `IPPROTO_TCP`, `IPPROTO_UDP`, `IPPROTO_IP` and
        /// `IPPROTO_IPV6`: the set the `windows-sys` crate 0.61.2 exposes in
        /// `Win32::Networking::WinSock`, less the constants that name a value of an option
        /// (`SO_SYNCHRONOUS_ALERT`, `TCP_OFFLOAD_PREFERRED`, `IP_PMTUDISC_*`, masks and
        /// defaults). Aliases carry the name they stand for.
        pub static OPTION_NAMES: &[OptionName] = &[
            $( OptionName { level: $level, name: $name, optname: OptName($value), alias_of: $alias }, )*
        ];
    };
}

option_names! {
    (Level::IPPROTO_IP, "IP_OPTIONS", 1, None),
    (Level::IPPROTO_IP, "IP_HDRINCL", 2, None),
    (Level::IPPROTO_IP, "IP_TOS", 3, None),
    (Level::IPPROTO_IP, "IP_TTL", 4, None),
    (Level::IPPROTO_IP, "IP_MULTICAST_IF", 9, None),
    (Level::IPPROTO_IP, "IP_MULTICAST_TTL", 10, None),
    (Level::IPPROTO_IP, "IP_MULTICAST_LOOP", 11, None),
    (Level::IPPROTO_IP, "IP_ADD_MEMBERSHIP", 12, None),
    (Level::IPPROTO_IP, "IP_DROP_MEMBERSHIP", 13, None),
    (Level::IPPROTO_IP, "IP_DONTFRAGMENT", 14, None),
    (Level::IPPROTO_IP, "IP_ADD_SOURCE_MEMBERSHIP", 15, None),
    (Level::IPPROTO_IP, "IP_DROP_SOURCE_MEMBERSHIP", 16, None),
    (Level::IPPROTO_IP, "IP_BLOCK_SOURCE", 17, None),
    (Level::IPPROTO_IP, "IP_UNBLOCK_SOURCE", 18, None),
    (Level::IPPROTO_IP, "IP_PKTINFO", 19, None),
    (Level::IPPROTO_IP, "IP_HOPLIMIT", 21, Some("IP_RECVTTL")),
    (Level::IPPROTO_IP, "IP_RECVTTL", 21, None),
    (Level::IPPROTO_IP, "IP_RECEIVE_BROADCAST", 22, None),
    (Level::IPPROTO_IP, "IP_PROTECTION_LEVEL", 23, None),
    (Level::IPPROTO_IP, "IP_RECVIF", 24, None),
    (Level::IPPROTO_IP, "IP_RECVDSTADDR", 25, None),
    (Level::IPPROTO_IP, "IP_IFLIST", 28, None),
    (Level::IPPROTO_IP, "IP_ADD_IFLIST", 29, None),
    (Level::IPPROTO_IP, "IP_DEL_IFLIST", 30, None),
    (Level::IPPROTO_IP, "IP_UNICAST_IF", 31, None),
    (Level::IPPROTO_IP, "IP_RTHDR", 32, None),
    (Level::IPPROTO_IP, "IP_GET_IFLIST", 33, None),
    (Level::IPPROTO_IP, "IP_RECVRTHDR", 38, None),
    (Level::IPPROTO_IP, "IP_TCLASS", 39, None),
    (Level::IPPROTO_IP, "IP_RECVTCLASS", 40, Some("IP_RECVTOS")),
    (Level::IPPROTO_IP, "IP_RECVTOS", 40, None),
    (Level::IPPROTO_IP, "IP_ORIGINAL_ARRIVAL_IF", 47, None),
    (Level::IPPROTO_IP, "IP_ECN", 50, None),
    (Level::IPPROTO_IP, "IP_RECVECN", 50, Some("IP_ECN")),
    (Level::IPPROTO_IP, "IP_PKTINFO_EX", 51, None),
    (Level::IPPROTO_IP, "IP_WFP_REDIRECT_RECORDS", 60, None),
    (Level::IPPROTO_IP, "IP_WFP_REDIRECT_CONTEXT", 70, None),
    (Level::IPPROTO_IP, "IP_MTU_DISCOVER", 71, None),
    (Level::IPPROTO_IP, "IP_MTU", 73, None),
    (Level::IPPROTO_IP, "IP_NRT_INTERFACE", 74, None),
    (Level::IPPROTO_IP, "IP_RECVERR", 75, None),
    (Level::IPPROTO_IP, "IP_USER_MTU", 76, None),
    (Level::IPPROTO_IPV6, "IPV6_HOPOPTS", 1, None),
    (Level::IPPROTO_IPV6, "IPV6_HDRINCL", 2, None),
    (Level::IPPROTO_IPV6, "IPV6_UNICAST_HOPS", 4, None),
    (Level::IPPROTO_IPV6, "IPV6_MULTICAST_IF", 9, None),
    (Level::IPPROTO_IPV6, "IPV6_MULTICAST_HOPS", 10, None),
    (Level::IPPROTO_IPV6, "IPV6_MULTICAST_LOOP", 11, None),
    (Level::IPPROTO_IPV6, "IPV6_ADD_MEMBERSHIP", 12, None),
    (Level::IPPROTO_IPV6, "IPV6_JOIN_GROUP", 12, Some("IPV6_ADD_MEMBERSHIP")),
    (Level::IPPROTO_IPV6, "IPV6_DROP_MEMBERSHIP", 13, None),
    (Level::IPPROTO_IPV6, "IPV6_LEAVE_GROUP", 13, Some("IPV6_DROP_MEMBERSHIP")),
    (Level::IPPROTO_IPV6, "IPV6_DONTFRAG", 14, None),
    (Level::IPPROTO_IPV6, "IPV6_PKTINFO", 19, None),
    (Level::IPPROTO_IPV6, "IPV6_HOPLIMIT", 21, None),
    (Level::IPPROTO_IPV6, "IPV6_PROTECTION_LEVEL", 23, None),
    (Level::IPPROTO_IPV6, "IPV6_RECVIF", 24, None),
    (Level::IPPROTO_IPV6, "IPV6_RECVDSTADDR", 25, None),
    (Level::IPPROTO_IPV6, "IPV6_CHECKSUM", 26, None),
    (Level::IPPROTO_IPV6, "IPV6_V6ONLY", 27, None),
    (Level::IPPROTO_IPV6, "IPV6_IFLIST", 28, None),
    (Level::IPPROTO_IPV6, "IPV6_ADD_IFLIST", 29, None),
    (Level::IPPROTO_IPV6, "IPV6_DEL_IFLIST", 30, None),
    (Level::IPPROTO_IPV6, "IPV6_UNICAST_IF", 31, None),
    (Level::IPPROTO_IPV6, "IPV6_RTHDR", 32, None),
    (Level::IPPROTO_IPV6, "IPV6_GET_IFLIST", 33, None),
    (Level::IPPROTO_IPV6, "IPV6_RECVRTHDR", 38, None),
    (Level::IPPROTO_IPV6, "IPV6_TCLASS", 39, None),
    (Level::IPPROTO_IPV6, "IPV6_RECVTCLASS", 40, None),
    (Level::IPPROTO_IPV6, "IPV6_ECN", 50, None),
    (Level::IPPROTO_IPV6, "IPV6_RECVECN", 50, Some("IPV6_ECN")),
    (Level::IPPROTO_IPV6, "IPV6_PKTINFO_EX", 51, None),
    (Level::IPPROTO_IPV6, "IPV6_WFP_REDIRECT_RECORDS", 60, None),
    (Level::IPPROTO_IPV6, "IPV6_WFP_REDIRECT_CONTEXT", 70, None),
    (Level::IPPROTO_IPV6, "IPV6_MTU_DISCOVER", 71, None),
    (Level::IPPROTO_IPV6, "IPV6_MTU", 72, None),
    (Level::IPPROTO_IPV6, "IPV6_NRT_INTERFACE", 74, None),
    (Level::IPPROTO_IPV6, "IPV6_RECVERR", 75, None),
    (Level::IPPROTO_IPV6, "IPV6_USER_MTU", 76, None),
    (Level::IPPROTO_TCP, "TCP_NODELAY", 1, None),
    (Level::IPPROTO_TCP, "TCP_EXPEDITED_1122", 2, None),
    (Level::IPPROTO_TCP, "TCP_KEEPALIVE", 3, None),
    (Level::IPPROTO_TCP, "TCP_KEEPIDLE", 3, Some("TCP_KEEPALIVE")),
    (Level::IPPROTO_TCP, "TCP_MAXSEG", 4, None),
    (Level::IPPROTO_TCP, "TCP_MAXRT", 5, None),
    (Level::IPPROTO_TCP, "TCP_STDURG", 6, None),
    (Level::IPPROTO_TCP, "TCP_NOURG", 7, None),
    (Level::IPPROTO_TCP, "TCP_ATMARK", 8, None),
    (Level::IPPROTO_TCP, "TCP_NOSYNRETRIES", 9, None),
    (Level::IPPROTO_TCP, "TCP_TIMESTAMPS", 10, None),
    (Level::IPPROTO_TCP, "TCP_OFFLOAD_PREFERENCE", 11, None),
    (Level::IPPROTO_TCP, "TCP_CONGESTION_ALGORITHM", 12, None),
    (Level::IPPROTO_TCP, "TCP_DELAY_FIN_ACK", 13, None),
    (Level::IPPROTO_TCP, "TCP_MAXRTMS", 14, None),
    (Level::IPPROTO_TCP, "TCP_FASTOPEN", 15, None),
    (Level::IPPROTO_TCP, "TCP_KEEPCNT", 16, None),
    (Level::IPPROTO_TCP, "TCP_KEEPINTVL", 17, None),
    (Level::IPPROTO_TCP, "TCP_FAIL_CONNECT_ON_ICMP_ERROR", 18, None),
    (Level::IPPROTO_TCP, "TCP_ICMP_ERROR_INFO", 19, None),
    (Level::IPPROTO_TCP, "TCP_BSDURGENT", 28672, None),
    (Level::IPPROTO_UDP, "UDP_NOCHECKSUM", 1, None),
    (Level::IPPROTO_UDP, "UDP_SEND_MSG_SIZE", 2, None),
    (Level::IPPROTO_UDP, "UDP_RECV_MAX_COALESCED_SIZE", 3, None),
    (Level::IPPROTO_UDP, "UDP_CHECKSUM_COVERAGE", 20, None),
    (Level::SOL_SOCKET, "SO_DONTLINGER", -129, None),
    (Level::SOL_SOCKET, "SO_EXCLUSIVEADDRUSE", -5, None),
    (Level::SOL_SOCKET, "SO_DEBUG", 1, None),
    (Level::SOL_SOCKET, "SO_ACCEPTCONN", 2, None),
    (Level::SOL_SOCKET, "SO_REUSEADDR", 4, None),
    (Level::SOL_SOCKET, "SO_KEEPALIVE", 8, None),
    (Level::SOL_SOCKET, "SO_DONTROUTE", 16, None),
    (Level::SOL_SOCKET, "SO_BROADCAST", 32, None),
    (Level::SOL_SOCKET, "SO_USELOOPBACK", 64, None),
    (Level::SOL_SOCKET, "SO_LINGER", 128, None),
    (Level::SOL_SOCKET, "SO_OOBINLINE", 256, None),
    (Level::SOL_SOCKET, "SO_SNDBUF", 4097, None),
    (Level::SOL_SOCKET, "SO_RCVBUF", 4098, None),
    (Level::SOL_SOCKET, "SO_SNDLOWAT", 4099, None),
    (Level::SOL_SOCKET, "SO_RCVLOWAT", 4100, None),
    (Level::SOL_SOCKET, "SO_SNDTIMEO", 4101, None),
    (Level::SOL_SOCKET, "SO_RCVTIMEO", 4102, None),
    (Level::SOL_SOCKET, "SO_ERROR", 4103, None),
    (Level::SOL_SOCKET, "SO_TYPE", 4104, None),
    (Level::SOL_SOCKET, "SO_BSP_STATE", 4105, None),
    (Level::SOL_SOCKET, "SO_GROUP_ID", 8193, None),
    (Level::SOL_SOCKET, "SO_GROUP_PRIORITY", 8194, None),
    (Level::SOL_SOCKET, "SO_MAX_MSG_SIZE", 8195, None),
    (Level::SOL_SOCKET, "SO_PROTOCOL_INFOA", 8196, None),
    (Level::SOL_SOCKET, "SO_PROTOCOL_INFO", 8197, Some("SO_PROTOCOL_INFOW")),
    (Level::SOL_SOCKET, "SO_PROTOCOL_INFOW", 8197, None),
    (Level::SOL_SOCKET, "SO_CONDITIONAL_ACCEPT", 12290, None),
    (Level::SOL_SOCKET, "SO_PAUSE_ACCEPT", 12291, None),
    (Level::SOL_SOCKET, "SO_COMPARTMENT_ID", 12292, None),
    (Level::SOL_SOCKET, "SO_RANDOMIZE_PORT", 12293, None),
    (Level::SOL_SOCKET, "SO_PORT_SCALABILITY", 12294, None),
    (Level::SOL_SOCKET, "SO_REUSE_UNICASTPORT", 12295, None),
    (Level::SOL_SOCKET, "SO_REUSE_MULTICASTPORT", 12296, None),
    (Level::SOL_SOCKET, "SO_TIMESTAMP", 12298, None),
    (Level::SOL_SOCKET, "SO_TIMESTAMP_ID", 12299, None),
    (Level::SOL_SOCKET, "SO_ORIGINAL_DST", 12303, None),
    (Level::SOL_SOCKET, "SO_CONNDATA", 28672, None),
    (Level::SOL_SOCKET, "SO_CONNOPT", 28673, None),
    (Level::SOL_SOCKET, "SO_DISCDATA", 28674, None),
    (Level::SOL_SOCKET, "SO_DISCOPT", 28675, None),
    (Level::SOL_SOCKET, "SO_CONNDATALEN", 28676, None),
    (Level::SOL_SOCKET, "SO_CONNOPTLEN", 28677, None),
    (Level::SOL_SOCKET, "SO_DISCDATALEN", 28678, None),
    (Level::SOL_SOCKET, "SO_DISCOPTLEN", 28679, None),
    (Level::SOL_SOCKET, "SO_OPENTYPE", 28680, None),
    (Level::SOL_SOCKET, "SO_MAXDG", 28681, None),
    (Level::SOL_SOCKET, "SO_MAXPATHDG", 28682, None),
    (Level::SOL_SOCKET, "SO_UPDATE_ACCEPT_CONTEXT", 28683, None),
    (Level::SOL_SOCKET, "SO_CONNECT_TIME", 28684, None),
    (Level::SOL_SOCKET, "SO_UPDATE_CONNECT_CONTEXT", 28688, None),
    // Wine's validity table (test_sockopt_validity) also asks for it at the IPv6 level.
    (Level::IPPROTO_IPV6, "IP_ORIGINAL_ARRIVAL_IF", 47, None),
}

open_code! {
    /// The `af` argument of `socket`.
    pub struct AddressFamily(i32);
    format = "{}";
    AF_UNSPEC = 0, "Unspecified.";
    AF_UNIX = 1, "Local (AF_UNIX) sockets.";
    AF_INET = 2, "IPv4.";
    AF_IRDA = 26, "Infrared.";
    AF_INET6 = 23, "IPv6.";
    AF_BTH = 32, "Bluetooth.";
}

open_code! {
    /// The `type` argument of `socket`.
    pub struct SocketType(i32);
    format = "{}";
    SOCK_STREAM = 1, "A connection-oriented byte stream (TCP).";
    SOCK_DGRAM = 2, "Connectionless datagrams (UDP).";
    SOCK_RAW = 3, "Raw sockets.";
    SOCK_RDM = 4, "Reliable datagrams.";
    SOCK_SEQPACKET = 5, "Sequenced packets.";
}

open_code! {
    /// The `protocol` argument of `socket`.
    pub struct Protocol(i32);
    format = "{}";
    IPPROTO_DEFAULT = 0, "The default protocol for the address family and type.";
    IPPROTO_ICMP = 1, "ICMP.";
    IPPROTO_TCP = 6, "TCP.";
    IPPROTO_UDP = 17, "UDP.";
    IPPROTO_ICMPV6 = 58, "ICMPv6.";
    IPPROTO_RAW = 255, "Raw IP.";
}

open_code! {
    /// Control codes of `ioctlsocket` and `WSAIoctl`.
    pub struct IoctlCode(u32);
    format = "{:#010x}";
    FIONBIO = 0x8004_667e, "Enable or disable non-blocking mode.";
    FIONREAD = 0x4004_667f, "Bytes available to read.";
    FIOASYNC = 0x8004_667d, "Asynchronous notification (not supported by Windows).";
    SIOCATMARK = 0x4004_7307, "At the out-of-band mark.";
    SIO_KEEPALIVE_VALS = 0x9800_0004, "Per-connection keep-alive on/off, idle time and interval (struct tcp_keepalive).";
    SIO_FLUSH = 0x2800_0004, "Discard the send queue.";
    SIO_GET_EXTENSION_FUNCTION_POINTER = 0xc800_0006, "Look up an extension function.";
}

/// The value a Winsock function returns on failure: `SOCKET_ERROR` (−1).
pub const SOCKET_ERROR: i32 = -1;

/// `WSAStartup`'s default `wVersionRequested`: 2.2.
pub const WINSOCK_2_2: u16 = 0x0202;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_the_windows_headers() {
        assert_eq!(Level::SOL_SOCKET.0, 0xffff);
        assert_eq!(Level::IPPROTO_TCP.0, 6);
        assert_eq!(OptName::SO_KEEPALIVE.0, 0x0008); // so_keepalive#42a54-108
        assert_eq!(OptName::TCP_KEEPCNT.0, 16);
        assert_eq!(OptName::TCP_KEEPINTVL.0, 17);
        assert_eq!(OptName::TCP_KEEPIDLE, OptName::TCP_KEEPALIVE);
        assert_eq!(IoctlCode::SIO_KEEPALIVE_VALS.0, 0x9800_0004);
        assert_eq!(IoctlCode::FIONBIO.0, 0x8004_667e);
        assert_eq!(WsaError::WSAEFAULT.0, 10014);
        assert_eq!(WsaError::WSANOTINITIALISED.0, 10093);
        assert_eq!(AddressFamily::AF_INET6.0, 23);
    }

    #[test]
    fn unknown_values_round_trip_and_print_as_numbers() {
        let e = WsaError(12345);
        assert_eq!(e.name(), None);
        assert_eq!(e.to_string(), "12345");
        assert_eq!(WsaError::WSAEINVAL.to_string(), "WSAEINVAL");
        assert_eq!(Level(0x1234).to_string(), "0x1234");
        assert_eq!(OptName(0x4242).to_string(), "0x4242");
        assert_eq!(format!("{:?}", OptName::SO_KEEPALIVE), "SO_KEEPALIVE");
        assert_eq!(WsaError::from_name("WSAENOBUFS"), Some(WsaError(10055)));
        assert_eq!(
            OptName::from_name_or_alias("TCP_KEEPIDLE"),
            Some(OptName(3))
        );
    }
}
