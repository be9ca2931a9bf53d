//! Keep-alive over virtual time: data, probes, the peer's behaviour and the drop.
//!
//! Not yet modelled: the timeline work fills these in. Every method answers "not modelled" or
//! a scenario error until then, never a made-up Winsock answer.

use crate::keepalive::Effective;
use crate::outcome::{Completed, Misuse, Outcome, Ret, Written};
use crate::rules;
use crate::socket::{Peer, SocketHandle};
use crate::stack::Stack;
use crate::time::{Duration, Instant};

/// Where a connection's keep-alive stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepAliveState {
    /// Waiting for the idle time to pass (or keep-alive is off).
    Idle,
    /// Probes have gone out unanswered.
    Probing,
    /// Keep-alive gave up and dropped the connection.
    Dropped,
}

/// The oracle's view of one connection's keep-alive (`keepalive_status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepAliveStatus {
    pub enabled: bool,
    /// The effective idle time, interval and probe count, each with its rule.
    pub effective: Effective,
    pub probes_sent: u32,
    pub state: KeepAliveState,
    pub dropped_at: Option<Instant>,
}

impl Stack {
    fn not_modelled_outcome(&self) -> Outcome {
        Outcome {
            ret: Ret::NotModelled,
            error: None,
            written: Written::NOTHING,
            rule: &rules::SOCKOPT_NOT_MODELLED,
            fidelity: self.fidelity(),
            other: None,
            completion: None,
        }
    }

    /// `send(s, buf, len, 0)`.
    pub fn send(&mut self, _s: SocketHandle, _len: u32) -> Outcome {
        self.not_modelled_outcome()
    }

    /// `recv(s, buf, len, 0)`. A blocking recv with nothing to read returns `Ret::Pending`.
    pub fn recv(&mut self, _s: SocketHandle, _len: u32) -> Outcome {
        self.not_modelled_outcome()
    }

    /// Virtual time passes by `d`; returns the pending calls that completed, in time order.
    pub fn advance(&mut self, _d: Duration) -> Vec<Completed> {
        Vec::new()
    }

    /// How the remote end of a connected socket behaves from now on.
    pub fn set_peer(
        &mut self,
        _s: SocketHandle,
        _peer: Peer,
    ) -> Result<&'static crate::Rule, Misuse> {
        Err(Misuse("the `peer` step is not modelled yet"))
    }

    /// Data arrives from the peer now; returns the pending calls it completed.
    pub fn peer_sends(&mut self, _s: SocketHandle, _len: u32) -> Result<Vec<Completed>, Misuse> {
        Err(Misuse("the `peer_sends` step is not modelled yet"))
    }

    /// The oracle's view of one connection's keep-alive.
    pub fn keepalive_status(&self, _s: SocketHandle) -> Result<KeepAliveStatus, Misuse> {
        Err(Misuse("the `keepalive_status` step is not modelled yet"))
    }
}
