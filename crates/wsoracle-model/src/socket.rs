//! Sockets: opaque handles, the state machine, and the per-socket record (at most 64 bytes).

use core::fmt;

use crate::codes::{AddressFamily, Protocol, SocketType, WsaError};

/// A `SOCKET` value. Handles the model issues are opaque; a handle built from a raw integer
/// (`from_raw`) never equals one the model issued, so it always names a handle the process does
/// not own.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct SocketHandle(Repr);

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
enum Repr {
    Issued { slot: u32, generation: u32 },
    Foreign(u64),
}

impl SocketHandle {
    /// `INVALID_SOCKET`, `(SOCKET)~0`.
    pub const INVALID_SOCKET: SocketHandle = SocketHandle(Repr::Foreign(u64::MAX));

    /// A handle written as an integer by a caller: never one the model issued (assumption A18).
    pub const fn from_raw(raw: u64) -> SocketHandle {
        SocketHandle(Repr::Foreign(raw))
    }

    pub(crate) const fn issued(slot: u32, generation: u32) -> SocketHandle {
        SocketHandle(Repr::Issued { slot, generation })
    }

    pub fn is_invalid(self) -> bool {
        self == Self::INVALID_SOCKET
    }

    pub(crate) fn slot(self) -> Option<(usize, u32)> {
        match self.0 {
            Repr::Issued { slot, generation } => Some((slot as usize, generation)),
            Repr::Foreign(_) => None,
        }
    }
}

impl fmt::Display for SocketHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Repr::Issued { slot, generation } => write!(f, "socket#{slot}.{generation}"),
            Repr::Foreign(u64::MAX) => f.write_str("INVALID_SOCKET"),
            Repr::Foreign(raw) => write!(f, "{raw}"),
        }
    }
}

/// The state of a socket, as the Winsock documentation names them.
///
/// ```text
///                socket()
///                   |
///                   v           bind()
///   .---------- [created] ---------------------> [bound] --listen()--> [listening]
///   |               |                              |  ^                      |
///   | connect()     | connect(), non-blocking      |  | connect() refused/   | accept()
///   | accepted      v                              |  | timed out            v
///   |          [connecting] --complete_connect-----'--'           (a new socket, connected)
///   |               |  (peer refuses or is silent: back to bound, error in SO_ERROR)
///   |               | complete_connect (peer accepts)
///   v               v
/// [connected] <-----'
///   |
///   | keep-alive gives up, or the peer resets
///   v
/// [dropped]            closesocket() from any state: [closed] (the handle is no longer a socket)
/// ```
///
/// Every change goes through `Stack::set_state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum SocketState {
    Created,
    Bound,
    Listening,
    Connecting,
    Connected,
    /// The connection was broken (keep-alive gave up, or the peer reset it).
    Dropped,
    Closed,
}

impl SocketState {
    pub fn as_str(self) -> &'static str {
        match self {
            SocketState::Created => "created",
            SocketState::Bound => "bound",
            SocketState::Listening => "listening",
            SocketState::Connecting => "connecting",
            SocketState::Connected => "connected",
            SocketState::Dropped => "dropped",
            SocketState::Closed => "closed",
        }
    }

    /// A transitional state, in the page's words (so_keepalive#42a54-142, 169).
    pub fn is_transitional(self) -> bool {
        self == SocketState::Connecting
    }
}

impl fmt::Display for SocketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the far end behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Peer {
    /// Accepts the connection request; once connected, answers keep-alive probes.
    #[default]
    Accepts,
    /// Refuses the connection request (RST).
    Refuses,
    /// Never answers: a dead host or a pulled cable.
    Silent,
    /// Once connected: answers with RST.
    Resets,
}

impl Peer {
    pub fn as_str(self) -> &'static str {
        match self {
            Peer::Accepts => "accepts",
            Peer::Refuses => "refuses",
            Peer::Silent => "silent",
            Peer::Resets => "reset",
        }
    }
}

/// What set a per-socket keep-alive value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub(crate) enum Origin {
    /// Not set on this socket: the system value applies.
    #[default]
    System,
    /// `WSAIoctl(SIO_KEEPALIVE_VALS)`.
    KeepAliveVals,
    /// An `IPPROTO_TCP` option.
    TcpOption,
}

/// One socket's record. Kept within 64 bytes (a test checks) so that a socket table is cheap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Socket {
    pub(crate) af: AddressFamily,
    pub(crate) socket_type: SocketType,
    pub(crate) protocol: Protocol,
    /// The pending error `SO_ERROR` reports.
    pub(crate) so_error: WsaError,
    /// Per-socket keep-alive time (ms), meaningful when `idle_origin` is not `System`.
    pub(crate) idle_ms: u64,
    /// Per-socket keep-alive interval (ms), meaningful when `interval_origin` is not `System`.
    pub(crate) interval_ms: u64,
    /// The idle period started at this instant (ms).
    pub(crate) idle_since: u64,
    /// When the connection was dropped (ms), or `u64::MAX`.
    pub(crate) dropped_at: u64,
    /// Connections waiting in a listener's backlog.
    pub(crate) backlog: u16,
    pub(crate) state: SocketState,
    pub(crate) peer: Peer,
    pub(crate) non_blocking: bool,
    pub(crate) keepalive: bool,
    /// `TCP_KEEPCNT` set on this socket (its range is 0..=255).
    pub(crate) keepcnt: Option<u8>,
    /// Unanswered probes since the idle period started (at most the count, so at most 255).
    pub(crate) probes_sent: u8,
    /// A blocking `recv` is pending on this socket.
    pub(crate) recv_pending: bool,
    /// With a recv pending: its `len` (at most 65535). Otherwise: unread bytes from the peer
    /// (the model's receive buffer holds at most 65535; assumption A34). The two never coexist:
    /// a recv blocks only when nothing is waiting.
    pub(crate) rx: u16,
    pub(crate) idle_origin: Origin,
    pub(crate) interval_origin: Origin,
    /// UDP: ICMP reporting switched off by WSAIoctl (bit 0: SIO_UDP_CONNRESET FALSE, bit 1:
    /// SIO_UDP_NETRESET FALSE). Both are on for a fresh socket (report:tailscale/tailscale#12927).
    pub(crate) udp_reports_off: u8,
    /// UDP: an ICMP error arrived that the next recv reports: 0 none, 1 port-unreachable
    /// (WSAECONNRESET), 2 TTL expired (WSAENETRESET).
    pub(crate) icmp_pending: u8,
}

impl Socket {
    pub(crate) fn new(af: AddressFamily, socket_type: SocketType, protocol: Protocol) -> Self {
        Socket {
            af,
            socket_type,
            protocol,
            so_error: WsaError::NO_ERROR,
            idle_ms: 0,
            interval_ms: 0,
            idle_since: 0,
            dropped_at: u64::MAX,
            backlog: 0,
            state: SocketState::Created,
            peer: Peer::Accepts,
            non_blocking: false,
            keepalive: false, // so_keepalive#42a54-152: off by default
            keepcnt: None,
            probes_sent: 0,
            recv_pending: false,
            rx: 0,
            idle_origin: Origin::System,
            interval_origin: Origin::System,
            udp_reports_off: 0,
            icmp_pending: 0,
        }
    }

    /// A fresh socket for a connection accepted on `listener`: same family, type and protocol,
    /// and the listener's options (primary:P17 shows SO_KEEPALIVE; assumption A14 extends it to
    /// every keep-alive setting and the blocking mode). Its state starts as `Created`; the
    /// stack moves it to `Connected` through `set_state`.
    pub(crate) fn inheriting(listener: &Socket) -> Self {
        Socket {
            keepalive: listener.keepalive,
            non_blocking: listener.non_blocking,
            idle_ms: listener.idle_ms,
            idle_origin: listener.idle_origin,
            interval_ms: listener.interval_ms,
            interval_origin: listener.interval_origin,
            keepcnt: listener.keepcnt,
            ..Socket::new(listener.af, listener.socket_type, listener.protocol)
        }
    }

    pub fn state(&self) -> SocketState {
        self.state
    }

    pub fn socket_type(&self) -> SocketType {
        self.socket_type
    }

    pub fn address_family(&self) -> AddressFamily {
        self.af
    }

    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    pub fn keepalive_enabled(&self) -> bool {
        self.keepalive
    }

    pub fn non_blocking(&self) -> bool {
        self.non_blocking
    }

    pub fn peer(&self) -> Peer {
        self.peer
    }

    pub fn so_error(&self) -> WsaError {
        self.so_error
    }

    pub fn is_stream(&self) -> bool {
        self.socket_type == SocketType::SOCK_STREAM
    }

    /// Connections waiting in a listener's backlog.
    pub fn backlog(&self) -> u16 {
        self.backlog
    }

    /// Bytes from the peer waiting to be read (0 while a recv is pending).
    pub fn unread_bytes(&self) -> u16 {
        if self.recv_pending {
            0
        } else {
            self.rx
        }
    }

    /// A copy of the record without its instants (`idle_since` zero, `dropped_at` zero once
    /// dropped): two records that differ only in when things happened compare equal. For
    /// exploration's canonical states, which take the schedule from `next_keepalive_event`
    /// (the idle period of an answering connection is rolled forward only when read); the copy
    /// is not a socket the model runs.
    pub fn without_instants(&self) -> Socket {
        let mut copy = *self;
        copy.idle_since = 0;
        if self.dropped_at != u64::MAX {
            copy.dropped_at = 0;
        }
        copy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_fits_in_64_bytes() {
        assert!(
            core::mem::size_of::<Socket>() <= 64,
            "{}",
            core::mem::size_of::<Socket>()
        );
    }

    #[test]
    fn raw_handles_never_equal_issued_ones() {
        assert_ne!(SocketHandle::from_raw(0), SocketHandle::issued(0, 0));
        assert!(SocketHandle::from_raw(u64::MAX).is_invalid());
        assert_eq!(SocketHandle::INVALID_SOCKET.to_string(), "INVALID_SOCKET");
    }
}
