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
    WSAEFAULT = 10014, "A pointer argument is not in a valid part of the user address space, or a length is too small.";
    WSAEINVAL = 10022, "An invalid argument was supplied.";
    WSAEWOULDBLOCK = 10035, "A non-blocking socket operation could not be completed immediately.";
    WSAEINPROGRESS = 10036, "A blocking operation is currently executing.";
    WSAEALREADY = 10037, "An operation was attempted on a non-blocking socket that already had an operation in progress.";
    WSAENOTSOCK = 10038, "An operation was attempted on something that is not a socket.";
    WSAEPROTOTYPE = 10041, "A protocol was specified that does not support the semantics of the socket type requested.";
    WSAENOPROTOOPT = 10042, "An unknown, invalid, or unsupported option or level was specified.";
    WSAEPROTONOSUPPORT = 10043, "The requested protocol has not been configured into the system.";
    WSAESOCKTNOSUPPORT = 10044, "The support for the specified socket type does not exist in this address family.";
    WSAEOPNOTSUPP = 10045, "The attempted operation is not supported for the type of object referenced.";
    WSAEAFNOSUPPORT = 10047, "An address incompatible with the requested protocol was used.";
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

    /// The option's name as `level` spells it. Option numbers are per level: 0x10 is
    /// `TCP_KEEPCNT` at `IPPROTO_TCP` and `SO_DONTROUTE` at `SOL_SOCKET`, so `Display` alone
    /// (which prefers the `SO_` name) cannot tell them apart.
    pub fn name_at(self, level: Level) -> Option<&'static str> {
        let prefix = match level {
            Level::SOL_SOCKET => "SO_",
            Level::IPPROTO_TCP => "TCP_",
            _ => return None,
        };
        Self::NAMED
            .iter()
            .find(|(v, n, _)| *v == self && n.starts_with(prefix))
            .map(|(_, n, _)| *n)
    }

    /// Name lookup that also accepts aliases (`TCP_KEEPIDLE`).
    pub fn from_name_or_alias(name: &str) -> Option<OptName> {
        match name {
            "TCP_KEEPIDLE" => Some(Self::TCP_KEEPIDLE),
            _ => Self::from_name(name),
        }
    }
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
