//! What a call answers: the return value, the last error, the bytes written into the caller's
//! memory, the rule that produced it, and what the other fidelity would have answered where it
//! differs. Also the internal reasons for failure and the one place that maps them to WSA codes.

use core::fmt;

use crate::codes::{WsaError, SOCKET_ERROR};
use crate::provenance::{Fidelity, Rule};
use crate::socket::SocketHandle;

/// Why a call failed, in the model's terms. [`Reason::error`] is the one place these become
/// observable Winsock error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    NotInitialised,
    NetworkDown,
    BlockingCallInProgress,
    NotASocket,
    /// A pointer outside the caller's address space, or a buffer too small for the call.
    BadAddress,
    /// A negative length where the stack wants buffer space.
    NegativeLength,
    UnknownLevel,
    UnknownOption,
    /// The option does not apply to this socket's protocol (a datagram socket).
    OptionNotForProtocol,
    /// An argument or a state the call does not accept (e.g. a connect in progress).
    InvalidArgument,
    WouldBlock,
    AlreadyInProgress,
    AlreadyConnected,
    NotConnected,
    ConnectionRefused,
    TimedOut,
    OperationNotSupported,
    WrongProtocolType,
    VersionNotSupported,
    /// The connection was broken by keep-alive while the operation was in progress.
    NetworkReset,
    ConnectionReset,
    ConnectionAborted,
    /// An overlapped operation was started and completes later (`WSA_IO_PENDING`).
    IoPending,
    /// Another socket holds the address and port (WSAEADDRINUSE).
    AddressInUse,
    /// The call is forbidden: the port is protected, a broadcast without SO_BROADCAST, an
    /// option that needs administrator rights (WSAEACCES).
    AccessDenied,
    /// The host does not own the address, or it cannot be a destination (WSAEADDRNOTAVAIL).
    AddressNotAvailable,
    /// No ephemeral port is free (WSAENOBUFS).
    PortsExhausted,
    /// A datagram larger than the buffer (WSAEMSGSIZE).
    MessageTooLong,
}

impl Reason {
    /// The error `WSAGetLastError()` reports for this reason.
    pub fn error(self) -> WsaError {
        match self {
            Reason::NotInitialised => WsaError::WSANOTINITIALISED,
            Reason::NetworkDown => WsaError::WSAENETDOWN,
            Reason::BlockingCallInProgress => WsaError::WSAEINPROGRESS,
            Reason::NotASocket => WsaError::WSAENOTSOCK,
            Reason::BadAddress => WsaError::WSAEFAULT,
            Reason::NegativeLength => WsaError::WSAENOBUFS,
            Reason::UnknownLevel | Reason::InvalidArgument => WsaError::WSAEINVAL,
            Reason::UnknownOption | Reason::OptionNotForProtocol => WsaError::WSAENOPROTOOPT,
            Reason::WouldBlock => WsaError::WSAEWOULDBLOCK,
            Reason::AlreadyInProgress => WsaError::WSAEALREADY,
            Reason::AlreadyConnected => WsaError::WSAEISCONN,
            Reason::NotConnected => WsaError::WSAENOTCONN,
            Reason::ConnectionRefused => WsaError::WSAECONNREFUSED,
            Reason::TimedOut => WsaError::WSAETIMEDOUT,
            Reason::OperationNotSupported => WsaError::WSAEOPNOTSUPP,
            Reason::WrongProtocolType => WsaError::WSAEPROTOTYPE,
            Reason::VersionNotSupported => WsaError::WSAVERNOTSUPPORTED,
            Reason::NetworkReset => WsaError::WSAENETRESET,
            Reason::ConnectionReset => WsaError::WSAECONNRESET,
            Reason::ConnectionAborted => WsaError::WSAECONNABORTED,
            Reason::IoPending => WsaError::WSA_IO_PENDING,
            Reason::AddressInUse => WsaError::WSAEADDRINUSE,
            Reason::AccessDenied => WsaError::WSAEACCES,
            Reason::AddressNotAvailable => WsaError::WSAEADDRNOTAVAIL,
            Reason::PortsExhausted => WsaError::WSAENOBUFS,
            Reason::MessageTooLong => WsaError::WSAEMSGSIZE,
        }
    }
}

/// What a call returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
    /// An `int` return: 0, `SOCKET_ERROR`, or `WSAStartup`'s error code.
    Int(i32),
    /// A `SOCKET` return: a handle, or `INVALID_SOCKET`.
    Socket(SocketHandle),
    /// A blocking call that has not returned yet; a later step reports its completion.
    Pending,
    /// The call is outside the model's scope. No Winsock answer is made up.
    NotModelled,
}

impl Ret {
    pub const OK: Ret = Ret::Int(0);
    pub const ERR: Ret = Ret::Int(SOCKET_ERROR);

    pub fn is_not_modelled(self) -> bool {
        self == Ret::NotModelled
    }
}

impl fmt::Display for Ret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ret::Int(SOCKET_ERROR) => f.write_str("SOCKET_ERROR"),
            Ret::Int(n) => write!(f, "{n}"),
            Ret::Socket(h) if h.is_invalid() => f.write_str("INVALID_SOCKET"),
            Ret::Socket(h) => write!(f, "{h}"),
            Ret::Pending => f.write_str("pending"),
            Ret::NotModelled => f.write_str("not modelled"),
        }
    }
}

/// What a call wrote into the caller's memory. Writes always start at offset 0 of the buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Bytes written at the start of the output buffer (`optval`, `lpvOutBuffer`).
    pub bytes: [u8; 16],
    /// How many of `bytes` were written.
    pub len: u8,
    /// The value written to `*optlen`, if it was written.
    pub optlen: Option<i32>,
    /// The value written to `*lpcbBytesReturned`, if it was written.
    pub bytes_returned: Option<u32>,
}

impl Written {
    pub const NOTHING: Written = Written {
        bytes: [0; 16],
        len: 0,
        optlen: None,
        bytes_returned: None,
    };

    pub fn data(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    pub fn with_bytes(mut self, data: &[u8]) -> Self {
        let n = data.len().min(self.bytes.len());
        self.bytes[..n].copy_from_slice(&data[..n]);
        self.len = n as u8; // n <= 16
        self
    }

    pub fn with_optlen(mut self, optlen: i32) -> Self {
        self.optlen = Some(optlen);
        self
    }

    pub fn with_bytes_returned(mut self, n: u32) -> Self {
        self.bytes_returned = Some(n);
        self
    }
}

/// The observable answer of one fidelity: what a caller could see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub ret: Ret,
    /// `WSAGetLastError()` after the call, when the call sets it.
    pub error: Option<WsaError>,
    pub written: Written,
    pub rule: &'static Rule,
}

impl Answer {
    /// Same return, error and writes (the rule may differ).
    pub fn same_observable(&self, other: &Answer) -> bool {
        self.ret == other.ret && self.error == other.error && self.written == other.written
    }
}

/// The full outcome of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub ret: Ret,
    /// `WSAGetLastError()` after the call. `None` for a call that does not set it
    /// (`WSAStartup`, or an answer that is not modelled).
    pub error: Option<WsaError>,
    /// What the call wrote into the caller's memory.
    pub written: Written,
    /// The rule that produced this outcome.
    pub rule: &'static Rule,
    /// The fidelity the answer was given under.
    pub fidelity: Fidelity,
    /// What the other fidelity answers, when it is observably different.
    pub other: Option<Answer>,
    /// For an overlapped call: the completion it queued (to the port, the event or the
    /// completion routine).
    pub completion: Option<IoCompletion>,
}

/// The completion of an overlapped call: its status and byte count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IoCompletion {
    pub error: WsaError,
    pub bytes: u32,
}

/// A pending blocking call that completed during a later step (e.g. a `recv` that fails when
/// keep-alive drops the connection).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completed {
    /// The call's name, e.g. `recv`.
    pub call: &'static str,
    pub s: SocketHandle,
    pub ret: Ret,
    pub error: WsaError,
    /// When it completed.
    pub at: crate::time::Instant,
    pub rule: &'static Rule,
}

impl Outcome {
    pub fn answer(&self) -> Answer {
        Answer {
            ret: self.ret,
            error: self.error,
            written: self.written,
            rule: self.rule,
        }
    }

    /// True when the two fidelities disagree on this call.
    pub fn fidelities_differ(&self) -> bool {
        self.other.is_some()
    }

    /// The provenance label of this outcome, e.g. `observed` or
    /// `documented, unverified on real Windows`.
    pub fn basis_label(&self) -> &'static str {
        self.rule.basis_label(self.fidelity)
    }
}

/// A step that uses the model wrongly (a scenario error, not a Winsock answer): for example a
/// blocking `accept` with nothing waiting, which would block forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Misuse(pub &'static str);

impl fmt::Display for Misuse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
