//! # wsoracle
//!
//! A simulator and test oracle for Windows sockets (Winsock) keep-alive: [`model`] answers each
//! Winsock call as a given Windows version would, with the evidence behind the answer, and
//! [`scenario`] runs YAML scenario files against it.
//!
//! ## Using wsoracle from another crate's tests
//!
//! Add it as a dev-dependency by path or git (`wsoracle = { path = "../wsoracle" }`), then
//! either call the model directly or run a scenario file (the README's example, which is also a
//! doc test, does the same):
//!
//! ```
//! use wsoracle::model::codes::{AddressFamily, Level, OptName, Protocol, SocketType};
//! use wsoracle::model::{Config, InBuf, IntPtr, OutBuf, Ret, Stack};
//! use wsoracle::scenario::{run, RunOptions, Scenario};
//!
//! // 1. Through the Rust API: what does Windows 7 write for getsockopt(SO_KEEPALIVE)?
//! let mut stack = Stack::new(Config::new("win7".parse().unwrap()));
//! stack.wsa_startup(0x0202);
//! let Ret::Socket(s) = stack
//!     .socket_create(AddressFamily::AF_INET, SocketType::SOCK_STREAM, Protocol::IPPROTO_TCP)
//!     .ret
//! else {
//!     panic!("socket() failed")
//! };
//! stack.setsockopt(s, Level::SOL_SOCKET, OptName::SO_KEEPALIVE, InBuf::Bytes(&[1, 0, 0, 0]), 4);
//! let (mut buf, mut optlen) = ([0xcc_u8; 4], 4);
//! let out = stack.getsockopt(
//!     s,
//!     Level::SOL_SOCKET,
//!     OptName::SO_KEEPALIVE,
//!     OutBuf::Bytes(&mut buf),
//!     IntPtr::Value(&mut optlen),
//! );
//! assert_eq!(out.ret, Ret::Int(0));
//! assert_eq!((buf, optlen), ([1, 0xcc, 0xcc, 0xcc], 1)); // one BOOLEAN byte from Vista on
//! println!("rule: {}", out.rule); // the rule and its sources
//!
//! // 2. By running a YAML scenario file, on every profile it lists.
//! let path = concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/crates/wsoracle-scenario/tests/fixtures/keepalive-on.yaml"
//! );
//! let scenario = Scenario::from_path(path)?; // a load error says file:line:column
//! let report = run(&scenario, &RunOptions::default());
//! report.assert_passed(); // panics listing each failed expectation
//! # Ok::<(), wsoracle::scenario::ScenarioError>(())
//! ```
#![forbid(unsafe_code)]

pub use wsoracle_model as model;
pub use wsoracle_scenario as scenario;

/// The README's code blocks, compiled and run as doc tests, so that its library example works
/// exactly as printed.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
