//! The `IPPROTO_TCP` keep-alive options: `TCP_KEEPALIVE`/`TCP_KEEPIDLE` (3), `TCP_KEEPCNT` (16)
//! and `TCP_KEEPINTVL` (17).
//!
//! Not yet modelled: every call answers "not modelled" until the keep-alive-over-time work lands.

use crate::outcome::Written;
use crate::provenance::Fidelity;
use crate::rules;
use crate::socket::Socket;
use crate::sockopt::{InBuf, OptionKind};
use crate::stack::Decision;
use crate::version::WindowsVersion;

/// The state change a successful `IPPROTO_TCP` keep-alive setsockopt makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TcpSet {}

pub(crate) fn decide_set(
    _fidelity: Fidelity,
    _version: WindowsVersion,
    _sock: &Socket,
    _kind: OptionKind,
    _optval: InBuf<'_>,
    _optlen: i32,
) -> Decision<TcpSet> {
    Decision::not_modelled(&rules::SOCKOPT_NOT_MODELLED)
}

pub(crate) fn decide_get(
    _fidelity: Fidelity,
    _version: WindowsVersion,
    _sock: &Socket,
    _kind: OptionKind,
    _len: i32,
) -> Decision<()> {
    Decision::not_modelled(&rules::SOCKOPT_NOT_MODELLED).writing(Written::NOTHING)
}

pub(crate) fn apply(_sock: &mut Socket, set: TcpSet, _now: u64) {
    match set {}
}
