//! # wsoracle-model
//!
//! A pure model of Windows sockets (Winsock) keep-alive behaviour across Windows versions: given
//! a Windows version, its registry and a sequence of calls, it answers what Windows returns —
//! the return value, the last error, the bytes written into each buffer, `*optlen` — and names
//! the rule and the evidence behind every answer.
//!
//! The model takes the world as arguments ([`Config`]: version, registry, fidelity) and never
//! performs I/O, reads a clock, draws random numbers or iterates a hash map. Time passes only
//! when the caller says so.
//!
//! ```
//! use wsoracle_model::{Config, Stack, WindowsVersion, InBuf, OutBuf, IntPtr};
//! use wsoracle_model::codes::{AddressFamily, SocketType, Protocol, Level, OptName};
//! use wsoracle_model::outcome::Ret;
//!
//! let mut stack = Stack::new(Config::new("win7".parse().unwrap()));
//! stack.wsa_startup(0x0202);
//! let Ret::Socket(s) = stack.socket_create(AddressFamily::AF_INET, SocketType::SOCK_STREAM, Protocol::IPPROTO_TCP).ret else { panic!() };
//! let set = stack.setsockopt(s, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, InBuf::Bytes(&[1, 0, 0, 0]), 4);
//! assert_eq!(set.ret, Ret::Int(0));
//! let mut buf = [0xcc; 4];
//! let mut optlen = 4;
//! stack.getsockopt(s, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, OutBuf::Bytes(&mut buf), IntPtr::Value(&mut optlen));
//! assert_eq!((buf, optlen), ([1, 0xcc, 0xcc, 0xcc], 1)); // one BOOLEAN byte from Vista on (wine:K11)
//! ```
#![forbid(unsafe_code)]

pub mod abi;
pub mod addr;
pub mod catalog;
pub mod codes;
pub mod facts;
pub mod ioctl;
pub mod keepalive;
mod net;
pub mod outcome;
pub mod provenance;
pub mod registry;
pub mod rules;
pub mod socket;
pub mod sockopt;
pub mod spec;
pub mod stack;
#[cfg(test)]
mod testutil;
pub mod time;
pub mod timeline;
mod timers;
pub mod version;

pub use abi::{InBuf, IntPtr, OutBuf};
pub use addr::{Host, Ip, SockAddr};
pub use codes::{
    AddressFamily, IoctlCode, Level, OptName, Protocol, SocketType, WsaError, SOCKET_ERROR,
};
pub use ioctl::WsaIoctlArgs;
pub use outcome::{Answer, Completed, IoCompletion, Misuse, Outcome, Reason, Ret, Written};
pub use provenance::{Basis, Fidelity, Rule, Source};
pub use registry::{Registry, RegistryValue};
pub use socket::{Peer, Socket, SocketHandle, SocketState};
pub use stack::{Config, Connection, Stack};
pub use time::{Duration, Instant};
pub use timeline::{KeepAliveState, KeepAliveStatus};
pub use version::{Preset, WindowsVersion, PRESETS};
