//! Fixtures shared by the model's unit tests.

use crate::codes::{AddressFamily, Protocol, SocketType};
use crate::outcome::Ret;
use crate::socket::{Peer, SocketHandle};
use crate::stack::{Config, Stack};

/// A started process (`WSAStartup(2.2)`) with one fresh TCP socket.
pub(crate) fn with_tcp_socket(config: Config) -> (Stack, SocketHandle) {
    let mut stack = Stack::new(config);
    stack.wsa_startup(0x0202);
    let out = stack.socket_create(
        AddressFamily::AF_INET,
        SocketType::SOCK_STREAM,
        Protocol::IPPROTO_TCP,
    );
    let Ret::Socket(s) = out.ret else {
        panic!("socket() answered {}", out.ret)
    };
    (stack, s)
}

/// A started process with one TCP socket connected to a peer that accepts.
pub(crate) fn with_connected_socket(config: Config) -> (Stack, SocketHandle) {
    let (mut stack, s) = with_tcp_socket(config);
    assert_eq!(stack.connect(s, Peer::Accepts).ret, Ret::OK);
    (stack, s)
}
