//! Keep-alive over virtual time: data, probes, the peer's behaviour and the drop.
//!
//! The timeline convention (the scenario contract's, `convention:timeline`; not a claim about
//! Windows): the idle period starts at connection establishment, the last `peer_sends`, the
//! last answered probe, or the last call that switched keep-alive on or changed its idle time
//! or interval. With idle time T, interval I and count N > 0, unanswered probes go out at T,
//! T+I, …, T+(N−1)I after that start and the connection drops at T+N·I; N = 0 never probes. A
//! responsive peer answers a probe at the instant it is sent and the next idle period starts
//! then. A 0 ms idle time or interval is taken as 1 ms (assumption A30).
//!
//! A peer that resets answers the next probe (or the next send) with RST: the connection drops
//! at that instant (assumption A31).
//!
//! After a drop (doc:D-ERR, doc:D-GET, assumption A32): a recv pending at the drop fails with
//! WSAENETRESET (keep-alive) or WSAECONNRESET (reset); later send/recv fail with WSAECONNRESET;
//! setsockopt(SO_KEEPALIVE) fails with WSAENETRESET after a keep-alive time-out and WSAENOTCONN
//! after a reset (doc:D-SET, assumption A33).
//!
//! Cost: a socket's state between two instants is computed in closed form (answered cycles and
//! unanswered probes are counted arithmetically), and `advance` runs only the sockets whose
//! timer is due (timers.rs): it costs in proportion to the observable events (an unanswered
//! probe, a drop, a completion, the first answer after unanswered probes), never to the time
//! elapsed or to the number of open sockets. A connection whose peer answers every probe has
//! no timer at all: its idle period is rolled forward when read (`roll_answered`). All
//! arithmetic saturates.

use crate::codes::{SocketType, WsaError};
use crate::keepalive::{self, Effective};
use crate::outcome::{Completed, Misuse, Outcome, Reason, Ret, Written};
use crate::provenance::Rule;
use crate::rules;
use crate::socket::{Peer, Socket, SocketHandle, SocketState};
use crate::stack::{Config, Decision, Stack, Verdict};
use crate::time::{Duration, Instant};
use crate::timers::Next;

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

impl KeepAliveState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeepAliveState::Idle => "idle",
            KeepAliveState::Probing => "probing",
            KeepAliveState::Dropped => "dropped",
        }
    }
}

/// The oracle's view of one connection's keep-alive (`keepalive_status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepAliveStatus {
    pub enabled: bool,
    /// The idle time, interval and probe count in force, each with its rule (a 0 ms time is
    /// reported as the 1 ms it is taken as, under its assumption rule).
    pub effective: Effective,
    pub probes_sent: u32,
    pub state: KeepAliveState,
    pub dropped_at: Option<Instant>,
}

/// What the next keep-alive event of a connection is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepAliveEventKind {
    /// Probe number `n` (1-based since the idle period started) goes out; `answered` when the
    /// peer is responsive.
    Probe { n: u32, answered: bool },
    /// The connection drops (keep-alive gave up, or the peer reset it).
    Drop,
}

/// The next keep-alive event of a connection, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepAliveEvent {
    pub at: Instant,
    pub kind: KeepAliveEventKind,
    pub rule: &'static Rule,
}

/// Restarts the idle period of a connected socket (convention:timeline).
pub(crate) fn restart_idle(sock: &mut Socket, now: u64) {
    if sock.state == SocketState::Connected {
        sock.idle_since = now;
        sock.probes_sent = 0;
    }
}

/// What a keep-alive setting on a dropped connection answers: WSAENETRESET after a keep-alive
/// time-out, WSAENOTCONN after a reset (doc:D-SET; assumption A33 extends it from SO_KEEPALIVE
/// to TCP_KEEP* and SIO_KEEPALIVE_VALS). The peer field is frozen at the drop, so it tells the
/// cause: only a resetting peer drops the connection by reset.
pub(crate) fn set_on_dropped<A>(sock: &Socket) -> Decision<A> {
    if sock.peer == Peer::Resets {
        Decision::fail(Reason::NotConnected, &rules::TL_SET_AFTER_RESET)
    } else {
        Decision::fail(Reason::NetworkReset, &rules::TL_SET_AFTER_TIMEOUT)
    }
}

/// What a later send/recv on a dropped connection answers (doc:D-ERR, assumption A32 and A31).
fn dropped_later<A>(sock: &Socket) -> Decision<A> {
    if sock.peer == Peer::Resets {
        Decision::fail(Reason::ConnectionReset, &rules::TL_RESET)
    } else {
        Decision::fail(Reason::ConnectionReset, &rules::TL_DROPPED_LATER)
    }
}

/// The next event of a socket's keep-alive at or after `from`, from its state alone.
fn next_event(sock: &Socket, e: &Effective, from: u64) -> Option<KeepAliveEvent> {
    if sock.state != SocketState::Connected || !sock.keepalive || !sock.is_stream() {
        return None;
    }
    let n = u64::from(e.count.value);
    if n == 0 {
        return None; // so_keepalive#42a54-167: no probes, never dropped
    }
    let (t, i) = (e.idle_ms.value.max(1), e.interval_ms.value.max(1));
    let p = u64::from(sock.probes_sent);
    let start = sock.idle_since;
    let probe_at = |k: u64| start.saturating_add(t).saturating_add(k.saturating_mul(i));
    let (at, kind) = match sock.peer {
        Peer::Silent if p >= n => (probe_at(n), KeepAliveEventKind::Drop),
        Peer::Silent => (
            probe_at(p),
            KeepAliveEventKind::Probe {
                n: (p + 1) as u32, // p < n <= 255
                answered: false,
            },
        ),
        Peer::Resets => (probe_at(p), KeepAliveEventKind::Drop),
        Peer::Accepts | Peer::Refuses => (
            probe_at(p),
            KeepAliveEventKind::Probe {
                n: (p + 1) as u32,
                answered: true,
            },
        ),
    };
    let rule = if sock.peer == Peer::Resets {
        &rules::TL_RESET
    } else {
        &rules::TL_SCHEDULE
    };
    Some(KeepAliveEvent {
        at: Instant(at.max(from)),
        kind,
        rule,
    })
}

/// Runs one socket's keep-alive from `from` to `to` in closed form. Returns the drop instant if
/// the connection dropped. `from` is the stack's current time; events the settings moved into
/// the past happen at `from`.
fn run(sock: &mut Socket, e: &Effective, from: u64, to: u64) -> Option<u64> {
    let first = next_event(sock, e, from)?;
    if first.at.0 > to {
        return None;
    }
    let n = u64::from(e.count.value); // > 0: next_event returned an event
    let (t, i) = (e.idle_ms.value.max(1), e.interval_ms.value.max(1));
    match sock.peer {
        Peer::Resets => {
            sock.probes_sent = sock.probes_sent.saturating_add(1);
            Some(first.at.0)
        }
        Peer::Silent => {
            let start = sock.idle_since;
            let drop_at = start
                .saturating_add(t)
                .saturating_add(n.saturating_mul(i))
                .max(from);
            if drop_at <= to {
                sock.probes_sent = u8::try_from(n).unwrap_or(u8::MAX);
                return Some(drop_at);
            }
            // Probes k = 0.. with start + T + k·I <= to, at most N (and N − 1 here, as the drop
            // is later than `to`).
            let first_probe = start.saturating_add(t);
            let sent = if to < first_probe {
                0
            } else {
                ((to - first_probe) / i).saturating_add(1).min(n)
            };
            let sent = sent.max(u64::from(sock.probes_sent));
            sock.probes_sent = u8::try_from(sent).unwrap_or(u8::MAX);
            None
        }
        Peer::Accepts | Peer::Refuses => {
            // The first answered probe restarts the idle period; whole cycles of T follow.
            let mut start = first.at.0;
            if to >= start.saturating_add(t) {
                let cycles = (to - start) / t;
                start = start.saturating_add(cycles.saturating_mul(t));
            }
            sock.idle_since = start;
            sock.probes_sent = 0;
            None
        }
    }
}

/// The settings the timeline runs a socket with.
fn in_force_for(c: &Config, sock: &Socket) -> Effective {
    keepalive::in_force(keepalive::for_socket(c.version, &c.registry, sock))
}

/// Rolls the idle period of a periodic connection forward to `now`: the peer answered every
/// probe at `idle_since + k·T` up to `now`, each restarting the idle period, so it now started
/// at the last of them (what `run` computes for a responsive peer, over any split of the time).
/// `idle_since + T > ` the instant the connection became periodic, so no probe was moved into
/// the past and none of these is pending.
fn roll_answered(sock: &mut Socket, idle_ms: u64, now: u64) {
    let t = idle_ms.max(1);
    let start = sock.idle_since;
    if now >= start.saturating_add(t) {
        sock.idle_since = start.saturating_add(((now - start) / t).saturating_mul(t));
    }
}

/// What the timer queue needs to know of a socket at `now`: rolls a periodic connection's idle
/// period forward first (`was_periodic`), then tells whether it is periodic again, has an event
/// at an instant, or nothing.
pub(crate) fn next_for_queue(c: &Config, sock: &mut Socket, was_periodic: bool, now: u64) -> Next {
    if sock.state != SocketState::Connected {
        // A periodic connection that is no longer connected needs no roll: its idle period is
        // not read again (a new connection restarts it).
        // A dropped connection with a recv pending completes at the next `advance`.
        return if sock.state == SocketState::Dropped && sock.recv_pending {
            Next::At(now)
        } else {
            Next::Nothing
        };
    }
    let e = in_force_for(c, sock);
    if was_periodic {
        roll_answered(sock, e.idle_ms.value, now);
    }
    match next_event(sock, &e, now) {
        None => Next::Nothing,
        Some(ev) => match ev.kind {
            // Only answered probes ahead, none moved to now: nothing observable happens until a
            // call changes something (timers.rs).
            KeepAliveEventKind::Probe { answered: true, .. }
                if sock.probes_sent == 0 && ev.at.0 > now =>
            {
                Next::Periodic
            }
            _ => Next::At(ev.at.0),
        },
    }
}

impl Stack {
    /// The settings a socket's keep-alive runs with (0 ms taken as 1 ms).
    pub fn keepalive_in_force(&self, s: SocketHandle) -> Option<Effective> {
        let (_, sock) = self.lookup(s)?;
        let c = self.config();
        Some(keepalive::in_force(keepalive::for_socket(
            c.version,
            &c.registry,
            sock,
        )))
    }

    /// The next keep-alive event of a connection (a probe, answered or not, or the drop), if
    /// keep-alive will do anything on it. Lets a caller step through the schedule with
    /// [`Stack::advance`].
    pub fn next_keepalive_event(&self, s: SocketHandle) -> Option<KeepAliveEvent> {
        let e = self.keepalive_in_force(s)?;
        let (i, sock) = self.lookup(s)?;
        let mut sock = *sock;
        if self.is_periodic(i) {
            roll_answered(&mut sock, e.idle_ms.value, self.now().0);
        }
        next_event(&sock, &e, self.now().0)
    }

    /// A blocking recv on slot `i` (TCP or UDP) goes pending: SO_RCVTIMEO, when set, bounds the
    /// wait in virtual time (options:O368). The call has not returned, so the last error is not
    /// set.
    fn pend_recv(&mut self, i: usize, rule: &'static Rule) -> Outcome {
        let now = self.now().0;
        if let Some(ms) = self.recv_timeout_ms(i) {
            if let Some(values) = self.option_values_mut(i) {
                values.recv_deadline = Some(now.saturating_add(u64::from(ms)));
            }
            self.reschedule(i);
        }
        Outcome {
            ret: Ret::Pending,
            error: None,
            written: Written::NOTHING,
            rule,
            fidelity: self.fidelity(),
            other: None,
            completion: None,
        }
    }

    /// A pending blocking recv times out at its SO_RCVTIMEO deadline, if that comes by `to` and
    /// before a drop (options:O368); a deadline with no recv pending is forgotten.
    fn time_out_recv(
        &mut self,
        i: usize,
        h: SocketHandle,
        to: u64,
        dropped: Option<u64>,
    ) -> Option<Completed> {
        let deadline = self.option_values(i)?.recv_deadline?;
        let pending = self.lookup(h).is_some_and(|(_, s)| s.recv_pending);
        if pending && deadline > to {
            return None;
        }
        if let Some(values) = self.option_values_mut(i) {
            values.recv_deadline = None;
        }
        if !pending || dropped.is_some_and(|at| at <= deadline) {
            return None;
        }
        let sock = self.socket_mut(i)?;
        sock.recv_pending = false;
        sock.rx = 0;
        Some(Completed {
            call: "recv",
            s: h,
            ret: Ret::ERR,
            error: WsaError::WSAETIMEDOUT,
            at: Instant(deadline),
            rule: &rules::TL_RECV_TIMED_OUT,
        })
    }

    /// A pending recv on a dropped socket completes: WSAENETRESET after a keep-alive drop,
    /// WSAECONNRESET after a reset (doc:D-ERR, doc:D-GET, assumptions A31, A32).
    fn complete_on_drop(&mut self, i: usize, h: SocketHandle) -> Option<Completed> {
        let sock = self.socket_mut(i)?;
        if sock.state != SocketState::Dropped || !sock.recv_pending {
            return None;
        }
        sock.recv_pending = false;
        sock.rx = 0;
        let (error, rule): (WsaError, &'static Rule) = if sock.peer == Peer::Resets {
            (WsaError::WSAECONNRESET, &rules::TL_RESET)
        } else {
            (WsaError::WSAENETRESET, &rules::TL_DROP_PENDING)
        };
        Some(Completed {
            call: "recv",
            s: h,
            ret: Ret::ERR,
            error,
            at: Instant(sock.dropped_at),
            rule,
        })
    }

    /// Virtual time passes by `d`; returns the pending calls that completed, in time order.
    ///
    /// Runs the sockets whose timer is due by the new instant, each in closed form from the
    /// current instant (timers.rs); the others have nothing observable to do before it.
    pub fn advance(&mut self, d: Duration) -> Vec<Completed> {
        let from = self.now().0;
        let to = self.now().saturating_add(d).0;
        let mut done = Vec::new();
        if self.uses_reference_timeline() {
            // An index walk rather than a collected list of handles: `advance` must not
            // allocate when nothing completes (tests/no_alloc.rs).
            for i in 0..self.slot_count() {
                self.run_slot(i, from, to, &mut done);
            }
        } else {
            self.refresh_dirty();
            while let Some(i) = self.pop_due(to) {
                self.run_slot(i, from, to, &mut done);
            }
        }
        // Time order, and handle order within an instant (one completion per socket at most).
        done.sort_by_key(|c| (c.at, c.s));
        self.set_now(Instant(to));
        done
    }

    /// Runs the keep-alive of the socket in slot `i` from `from` to `to`, completes a recv
    /// pending on a drop, and reschedules its timer.
    fn run_slot(&mut self, i: usize, from: u64, to: u64, done: &mut Vec<Completed>) {
        let Some(h) = self.handle_at(i) else {
            return;
        };
        let Some((_, sock)) = self.lookup(h) else {
            return;
        };
        let e = in_force_for(self.config(), sock);
        let mut copy = *sock;
        let dropped = run(&mut copy, &e, from, to);
        if let Some(slot) = self.socket_mut(i) {
            *slot = copy;
        }
        if let Some(at) = dropped {
            if let Some(slot) = self.socket_mut(i) {
                slot.dropped_at = at;
            }
            self.set_state(i, SocketState::Dropped);
        }
        // A recv whose SO_RCVTIMEO runs out before the connection drops times out first.
        if let Some(c) = self.time_out_recv(i, h, to, dropped) {
            done.push(c);
        }
        if let Some(c) = self.complete_on_drop(i, h) {
            done.push(c);
        }
        // Marked dirty, not worked out now: its new timer goes into the heap at the next
        // `advance`, so each socket runs at most once per `advance`. Working it out here would
        // loop forever at the end of time, where a saturated next instant is not after `to`
        // (tests/timers.rs advances to u64::MAX).
        self.reschedule(i);
    }

    /// How the remote end of a connected socket behaves from now on.
    pub fn set_peer(&mut self, s: SocketHandle, peer: Peer) -> Result<&'static Rule, Misuse> {
        let (i, sock) = self
            .lookup(s)
            .ok_or(Misuse("`peer` needs a socket the process owns"))?;
        if sock.state != SocketState::Connected {
            return Err(Misuse("`peer` needs a connected socket"));
        }
        if peer == Peer::Refuses {
            return Err(Misuse(
                "a connected peer is responsive, silent or reset; `refuses` answers a connect",
            ));
        }
        if let Some(sock) = self.socket_mut(i) {
            sock.peer = peer;
        }
        self.reschedule(i);
        Ok(&rules::TL_PEER)
    }

    /// Data arrives from the peer now; returns the pending calls it completed.
    pub fn peer_sends(&mut self, s: SocketHandle, len: u32) -> Result<Vec<Completed>, Misuse> {
        let (i, sock) = self
            .lookup(s)
            .ok_or(Misuse("`peer_sends` needs a socket the process owns"))?;
        if sock.state != SocketState::Connected {
            return Err(Misuse("`peer_sends` needs a connected socket"));
        }
        let now = self.now();
        if let Some(sock) = self.socket_mut(i) {
            // convention:timeline: data from the peer restarts the idle period.
            sock.idle_since = now.0;
            sock.probes_sent = 0;
        }
        self.reschedule(i);
        let Some(sock) = self.socket_mut(i) else {
            return Ok(Vec::new());
        };
        let arrived = u16::try_from(len).unwrap_or(u16::MAX);
        if sock.recv_pending && arrived > 0 {
            let delivered = sock.rx.min(arrived);
            sock.recv_pending = false;
            sock.rx = arrived - delivered;
            return Ok(vec![Completed {
                call: "recv",
                s,
                ret: Ret::Int(i32::from(delivered)),
                error: WsaError::NO_ERROR,
                at: now,
                rule: &rules::TL_RECV_COMPLETED,
            }]);
        }
        if !sock.recv_pending {
            sock.rx = sock.rx.saturating_add(arrived); // assumption A34: at most 65535 kept
        }
        Ok(Vec::new())
    }

    /// The oracle's view of one connection's keep-alive.
    pub fn keepalive_status(&self, s: SocketHandle) -> Result<KeepAliveStatus, Misuse> {
        let effective = self
            .keepalive_in_force(s)
            .ok_or(Misuse("`keepalive_status` needs a socket the process owns"))?;
        let (_, sock) = self
            .lookup(s)
            .ok_or(Misuse("`keepalive_status` needs a socket the process owns"))?;
        let dropped = sock.state == SocketState::Dropped;
        let state = if dropped {
            KeepAliveState::Dropped
        } else if sock.keepalive && sock.probes_sent > 0 {
            KeepAliveState::Probing
        } else {
            KeepAliveState::Idle
        };
        Ok(KeepAliveStatus {
            enabled: sock.keepalive,
            effective,
            probes_sent: u32::from(sock.probes_sent),
            state,
            dropped_at: (dropped && sock.dropped_at != u64::MAX)
                .then_some(Instant(sock.dropped_at)),
        })
    }

    /// The checks send and recv share: the handle is a socket, a stream one (datagrams are not
    /// modelled), and connected; a dropped connection answers with the drop's error.
    fn connected_stream<A>(&self, s: SocketHandle) -> Result<(usize, &Socket), Decision<A>> {
        let (i, sock) = self.checks_and_lookup(s)?;
        if !sock.is_stream() {
            return Err(Decision::not_modelled(&rules::TL_NOT_MODELLED_DGRAM));
        }
        match sock.state {
            SocketState::Dropped => Err(dropped_later(sock)),
            SocketState::Connected => Ok((i, sock)),
            _ => Err(Decision::fail(
                Reason::NotConnected,
                &rules::TL_NOT_CONNECTED,
            )),
        }
    }

    /// An ICMP port-unreachable answers what the UDP socket `s` sent (a scenario action). With
    /// SIO_UDP_CONNRESET reporting on (the default) the next recv fails with WSAECONNRESET; with
    /// it off the message is dropped (assumption A54: the setting at arrival decides).
    pub fn icmp_unreachable(&mut self, s: SocketHandle) -> Result<&'static Rule, Misuse> {
        self.icmp_arrives(s, 1)
    }

    /// An ICMP time-exceeded (TTL expired) answers what the UDP socket `s` sent: with
    /// SIO_UDP_NETRESET reporting on (the default) the next recv fails with WSAENETRESET
    /// (report:golang/go#68614; assumption A54).
    pub fn icmp_ttl_expired(&mut self, s: SocketHandle) -> Result<&'static Rule, Misuse> {
        if !self.version().at_least(crate::version::threshold::VISTA) {
            // godotengine/godot#22332 dates WSAENETRESET on UDP from Vista; nothing says what
            // earlier versions do with the message.
            return Err(Misuse(
                "`icmp_ttl_expired` is modelled from Vista on (SIO_UDP_NETRESET)",
            ));
        }
        self.icmp_arrives(s, 2)
    }

    /// `kind`: 1 port-unreachable (SIO_UDP_CONNRESET's bit), 2 TTL expired (SIO_UDP_NETRESET's).
    fn icmp_arrives(&mut self, s: SocketHandle, kind: u8) -> Result<&'static Rule, Misuse> {
        let (i, sock) = self
            .lookup(s)
            .ok_or(Misuse("`icmp_unreachable` needs a socket the process owns"))?;
        if sock.socket_type() != SocketType::SOCK_DGRAM {
            return Err(Misuse("`icmp_unreachable` needs a UDP socket"));
        }
        if sock.state == SocketState::Created {
            return Err(Misuse(
                "`icmp_unreachable` needs a bound UDP socket (one that has sent a datagram)",
            ));
        }
        if sock.recv_pending {
            return Err(Misuse(
                "an ICMP error arriving while a blocking recv is pending on the UDP socket is not modelled",
            ));
        }
        let reported = sock.udp_reports_off & kind == 0;
        if reported {
            if let Some(sock) = self.socket_mut(i) {
                sock.icmp_pending = kind;
            }
        }
        Ok(match (reported, kind) {
            (true, 1) => &rules::UDP_ICMP_REPORTED,
            (false, 1) => &rules::UDP_ICMP_IGNORED,
            (true, _) => &rules::UDP_TTL_REPORTED,
            (false, _) => &rules::UDP_TTL_IGNORED,
        })
    }

    /// `recv` on a UDP socket. No datagram ever arrives in the model: the call reports an ICMP
    /// error the socket holds, or would block (non-blocking), or stays pending (blocking).
    fn recv_datagram(&mut self, s: SocketHandle) -> Outcome {
        let d: Decision<usize> = match self.checks_and_lookup(s) {
            Err(d) => d,
            Ok((_, sock)) if sock.recv_pending => {
                Decision::not_modelled(&rules::TL_RECV_SECOND_PENDING) // A34
            }
            Ok((_, sock)) if sock.state == SocketState::Created => {
                Decision::fail(Reason::InvalidArgument, &rules::UDP_RECV_UNBOUND)
            }
            Ok((_, sock)) if sock.icmp_pending == 1 => {
                Decision::fail(Reason::ConnectionReset, &rules::UDP_RECV_CONNRESET)
            }
            Ok((_, sock)) if sock.icmp_pending == 2 => {
                Decision::fail(Reason::NetworkReset, &rules::UDP_RECV_NETRESET)
            }
            Ok((_, sock)) if sock.non_blocking => {
                Decision::fail(Reason::WouldBlock, &rules::TL_RECV_WOULDBLOCK)
            }
            Ok((i, _)) if self.recv_timeout_ms(i).is_some() => {
                Decision::ok(i, &rules::TL_RECV_PENDING_TIMEOUT)
            }
            Ok((i, _)) => Decision::ok(i, &rules::TL_RECV_PENDING),
        };
        match d.verdict {
            Verdict::Ok(i) => {
                if let Some(sock) = self.socket_mut(i) {
                    sock.recv_pending = true;
                }
                self.pend_recv(i, d.rule)
            }
            Verdict::Fail(Reason::ConnectionReset | Reason::NetworkReset) => {
                let outcome = self.conclude_same(&d);
                // The error is reported once: this recv consumes it (assumption A54).
                if let Some((i, _)) = self.lookup(s) {
                    if let Some(sock) = self.socket_mut(i) {
                        sock.icmp_pending = 0;
                    }
                }
                outcome
            }
            _ => self.conclude_same(&d),
        }
    }

    /// `send(s, buf, len, 0)`. Sending does not restart the idle period (convention:timeline).
    pub fn send(&mut self, s: SocketHandle, len: u32) -> Outcome {
        if let Some(outcome) = self.send_datagram(s, len) {
            return outcome;
        }
        let d: Decision<usize> = match self.connected_stream(s) {
            Err(d) => d,
            Ok((i, sock)) if sock.peer == Peer::Resets => Decision::ok(i, &rules::TL_SEND_RESET),
            Ok((i, _)) => Decision::ok(i, &rules::TL_SEND_OK),
        };
        let mut outcome = self.conclude_same(&d);
        if let Verdict::Ok(i) = d.verdict {
            outcome.ret = Ret::Int(i32::try_from(len).unwrap_or(i32::MAX));
            let reset = self.socket_mut(i).is_some_and(|x| x.peer == Peer::Resets);
            if reset {
                // assumption A35: the RST answers the data now. A recv pending on the socket
                // completes in the next `advance` (at this instant).
                let now = self.now().0;
                if let Some(sock) = self.socket_mut(i) {
                    sock.dropped_at = now;
                }
                self.set_state(i, SocketState::Dropped);
            } else {
                // A connection made inside the host: the data arrives at the other end.
                self.deliver_stream(i, len);
            }
        }
        outcome
    }

    /// `recv(s, buf, len, 0)`. A blocking recv with nothing to read returns `Ret::Pending`; the
    /// step that completes it reports a [`Completed`].
    pub fn recv(&mut self, s: SocketHandle, len: u32) -> Outcome {
        if self
            .lookup(s)
            .is_some_and(|(_, sock)| sock.socket_type() == SocketType::SOCK_DGRAM)
        {
            return self.recv_datagram(s);
        }
        #[derive(Clone, Copy)]
        enum Act {
            Read(usize, u16),
            Pend(usize),
        }
        let d: Decision<Act> = match self.connected_stream(s) {
            Err(d) => d,
            Ok((_, sock)) if sock.recv_pending => {
                Decision::not_modelled(&rules::TL_RECV_SECOND_PENDING) // A34
            }
            Ok((i, sock)) if sock.rx == 0 && len > 0 && self.peer_closed(i) => {
                Decision::ok(Act::Read(i, 0), &crate::net::PEER_CLOSED)
            }
            Ok((i, sock)) if sock.rx > 0 || len == 0 => {
                let n = sock.rx.min(u16::try_from(len).unwrap_or(u16::MAX));
                Decision::ok(Act::Read(i, n), &rules::TL_RECV_OK)
            }
            Ok((_, sock)) if sock.non_blocking => {
                Decision::fail(Reason::WouldBlock, &rules::TL_RECV_WOULDBLOCK)
            }
            Ok((i, _)) if self.recv_timeout_ms(i).is_some() => {
                Decision::ok(Act::Pend(i), &rules::TL_RECV_PENDING_TIMEOUT)
            }
            Ok((i, _)) => Decision::ok(Act::Pend(i), &rules::TL_RECV_PENDING),
        };
        match d.verdict {
            Verdict::Ok(Act::Pend(i)) => {
                if let Some(sock) = self.socket_mut(i) {
                    sock.recv_pending = true;
                    sock.rx = u16::try_from(len).unwrap_or(u16::MAX);
                }
                self.pend_recv(i, d.rule)
            }
            Verdict::Ok(Act::Read(i, n)) => {
                let mut outcome = self.conclude_same(&d);
                outcome.ret = Ret::Int(i32::from(n));
                if let Some(sock) = self.socket_mut(i) {
                    sock.rx -= n; // n <= rx
                }
                outcome
            }
            _ => self.conclude_same(&d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{InBuf, IntPtr, OutBuf};
    use crate::codes::{AddressFamily, IoctlCode, Level, OptName, Protocol, SocketType};
    use crate::ioctl::{tcp_keepalive_bytes, WsaIoctlArgs};
    use crate::registry::{Registry, RegistryValue};
    use crate::stack::Config;
    use crate::version::{threshold, WindowsVersion, PRESETS};

    fn connected(v: WindowsVersion, reg: Registry) -> (Stack, SocketHandle) {
        crate::testutil::with_connected_socket(Config::new(v).with_registry(reg))
    }

    fn so_keepalive(st: &mut Stack, s: SocketHandle) -> Outcome {
        st.setsockopt(
            s,
            Level::SOL_SOCKET,
            OptName::SO_KEEPALIVE,
            InBuf::Bytes(&[1, 0, 0, 0]),
            4,
        )
    }

    fn vals(st: &mut Stack, s: SocketHandle, on: u32, t: u32, i: u32) -> Outcome {
        let k = tcp_keepalive_bytes(on, t, i);
        let mut n = 0u32;
        st.wsa_ioctl(WsaIoctlArgs {
            s,
            code: IoctlCode::SIO_KEEPALIVE_VALS,
            in_buf: InBuf::Bytes(&k),
            cb_in: 12,
            out_buf: OutBuf::Null,
            cb_out: 0,
            bytes_returned: IntPtr::Value(&mut n),
            overlapped: false,
            completion_routine: false,
        })
    }

    fn ms(x: u64) -> Duration {
        Duration(x)
    }

    /// Drops at exactly `at` ms (absolute) and not one ms earlier.
    fn drops_at(st: &mut Stack, s: SocketHandle, at: u64) {
        let now = st.now().0;
        st.advance(ms(at - 1 - now));
        let k = st.keepalive_status(s).unwrap();
        assert_ne!(k.state, KeepAliveState::Dropped, "dropped before {at}");
        st.advance(ms(1));
        let k = st.keepalive_status(s).unwrap();
        assert_eq!(k.state, KeepAliveState::Dropped);
        assert_eq!(k.dropped_at, Some(Instant(at)));
    }

    #[test]
    fn defaults_drop_at_7205_s_up_to_2003_and_7210_s_from_vista_42a54_157_158_163_164() {
        for p in PRESETS {
            let (mut st, s) = connected(p.version, Registry::default());
            so_keepalive(&mut st, s);
            st.set_peer(s, Peer::Silent).unwrap();
            let n = if p.version.at_least(threshold::VISTA) {
                10
            } else {
                5
            };
            drops_at(&mut st, s, 7_200_000 + n * 1000);
            assert_eq!(st.keepalive_status(s).unwrap().probes_sent, n as u32);
        }
    }

    #[test]
    fn probes_go_out_at_t_plus_k_i_convention() {
        for p in PRESETS {
            let (mut st, s) = connected(p.version, Registry::default());
            vals(&mut st, s, 1, 30_000, 5_000);
            st.set_peer(s, Peer::Silent).unwrap();
            st.advance(ms(29_999));
            assert_eq!(st.keepalive_status(s).unwrap().probes_sent, 0);
            st.advance(ms(1));
            let k = st.keepalive_status(s).unwrap();
            assert_eq!((k.probes_sent, k.state), (1, KeepAliveState::Probing));
            st.advance(ms(5_000));
            assert_eq!(st.keepalive_status(s).unwrap().probes_sent, 2);
            // {1, 30000, 5000}: 30 s + N × 5 s.
            let n = u64::from(st.keepalive_status(s).unwrap().effective.count.value);
            st.advance(ms(30_000 + n * 5_000 - 35_000));
            assert_eq!(
                st.keepalive_status(s).unwrap().dropped_at,
                Some(Instant(30_000 + n * 5_000))
            );
        }
    }

    #[test]
    fn zero_count_never_drops_42a54_167() {
        for p in PRESETS
            .iter()
            .filter(|p| !p.version.at_least(threshold::VISTA))
        {
            let reg = Registry::default().with(RegistryValue::TcpMaxDataRetransmissions, 0);
            let (mut st, s) = connected(p.version, reg);
            so_keepalive(&mut st, s);
            st.set_peer(s, Peer::Silent).unwrap();
            st.advance(ms(crate::time::MAX_MS));
            let k = st.keepalive_status(s).unwrap();
            assert_eq!((k.state, k.probes_sent), (KeepAliveState::Idle, 0));
        }
    }

    #[test]
    fn answered_cycles_cost_nothing_2_62_ms_with_1_ms_idle() {
        for p in PRESETS {
            let reg = Registry::default().with(RegistryValue::KeepAliveTime, 1);
            let (mut st, s) = connected(p.version, reg);
            so_keepalive(&mut st, s);
            // Would take 2^62 iterations if it looped per cycle.
            st.advance(ms(1 << 62));
            let k = st.keepalive_status(s).unwrap();
            assert_eq!((k.state, k.probes_sent), (KeepAliveState::Idle, 0));
            st.set_peer(s, Peer::Silent).unwrap();
            st.advance(ms(crate::time::MAX_MS));
            assert_eq!(
                st.keepalive_status(s).unwrap().state,
                KeepAliveState::Dropped
            );
            // An idle time of 0 is 1 ms (A30), with interval 0 too: no loop either.
            let (mut st, s) = connected(p.version, Registry::default());
            vals(&mut st, s, 1, 0, 0);
            st.advance(ms(1 << 62));
            assert_eq!(st.keepalive_status(s).unwrap().effective.idle_ms.value, 1);
            st.set_peer(s, Peer::Silent).unwrap();
            let n = u64::from(st.keepalive_status(s).unwrap().effective.count.value);
            st.advance(ms(1 + n));
            assert_eq!(
                st.keepalive_status(s).unwrap().state,
                KeepAliveState::Dropped
            );
        }
    }

    #[test]
    fn a_responsive_peer_resets_the_count_and_the_idle_period() {
        for p in PRESETS {
            let (mut st, s) = connected(p.version, Registry::default());
            vals(&mut st, s, 1, 10_000, 1_000);
            st.set_peer(s, Peer::Silent).unwrap();
            st.advance(ms(11_000)); // probes at 10 s and 11 s
            assert_eq!(st.keepalive_status(s).unwrap().probes_sent, 2);
            st.set_peer(s, Peer::Accepts).unwrap();
            st.advance(ms(1_000)); // probe 3 at 12 s is answered; idle restarts at 12 s
            assert_eq!(st.keepalive_status(s).unwrap().probes_sent, 0);
            st.set_peer(s, Peer::Silent).unwrap();
            let n = st_count(&st, s);
            drops_at(&mut st, s, 12_000 + 10_000 + n * 1_000);
        }
    }

    fn st_count(st: &Stack, s: SocketHandle) -> u64 {
        u64::from(st.keepalive_status(s).unwrap().effective.count.value)
    }

    #[test]
    fn peer_data_restarts_the_idle_period_and_completes_a_recv() {
        for p in PRESETS {
            let (mut st, s) = connected(p.version, Registry::default());
            vals(&mut st, s, 1, 10_000, 1_000);
            st.set_peer(s, Peer::Silent).unwrap();
            assert_eq!(st.recv(s, 10).ret, Ret::Pending);
            st.advance(ms(9_000));
            let done = st.peer_sends(s, 4).unwrap();
            assert_eq!(
                (done[0].ret, done[0].error),
                (Ret::Int(4), WsaError::NO_ERROR)
            );
            st.advance(ms(9_999)); // t = 18.999 s: the new idle period ends at 19 s
            assert_eq!(st.keepalive_status(s).unwrap().probes_sent, 0);
            st.advance(ms(1));
            assert_eq!(st.keepalive_status(s).unwrap().probes_sent, 1);
        }
    }

    #[test]
    fn drop_errors_pending_later_and_setsockopt_a31_a32_a33() {
        for p in PRESETS {
            let (mut st, s) = connected(p.version, Registry::default());
            vals(&mut st, s, 1, 1_000, 1_000);
            st.set_peer(s, Peer::Silent).unwrap();
            assert_eq!(st.recv(s, 1).ret, Ret::Pending);
            let done = st.advance(ms(3_600_000));
            assert_eq!(done.len(), 1);
            let n = st_count(&st, s);
            assert_eq!(
                (done[0].error, done[0].at),
                (WsaError::WSAENETRESET, Instant(1_000 + n * 1_000))
            );
            assert_eq!(st.recv(s, 1).error, Some(WsaError::WSAECONNRESET));
            assert_eq!(st.send(s, 1).error, Some(WsaError::WSAECONNRESET));
            assert_eq!(so_keepalive(&mut st, s).error, Some(WsaError::WSAENETRESET));
            assert_eq!(
                vals(&mut st, s, 1, 1, 1).error,
                Some(WsaError::WSAENETRESET)
            );
            assert!(st.set_peer(s, Peer::Silent).is_err());

            // A resetting peer: the first probe drops it.
            let (mut st, s) = connected(p.version, Registry::default());
            vals(&mut st, s, 1, 1_000, 1_000);
            st.set_peer(s, Peer::Resets).unwrap();
            assert_eq!(st.recv(s, 1).ret, Ret::Pending);
            let done = st.advance(ms(5_000));
            assert_eq!(
                (done[0].error, done[0].at),
                (WsaError::WSAECONNRESET, Instant(1_000))
            );
            assert_eq!(so_keepalive(&mut st, s).error, Some(WsaError::WSAENOTCONN));
            assert_eq!(st.recv(s, 1).error, Some(WsaError::WSAECONNRESET));
        }
    }

    #[test]
    fn send_recv_basics() {
        for p in PRESETS {
            let (mut st, s) = connected(p.version, Registry::default());
            assert_eq!(st.send(s, 5).ret, Ret::Int(5));
            st.peer_sends(s, 3).unwrap();
            assert_eq!(st.recv(s, 2).ret, Ret::Int(2));
            assert_eq!(st.recv(s, 2).ret, Ret::Int(1));
            st.ioctlsocket(s, IoctlCode::FIONBIO, 1);
            assert_eq!(st.recv(s, 2).error, Some(WsaError::WSAEWOULDBLOCK));
            let Ret::Socket(u) = st
                .socket_create(
                    AddressFamily::AF_INET,
                    SocketType::SOCK_STREAM,
                    Protocol::IPPROTO_TCP,
                )
                .ret
            else {
                panic!()
            };
            assert_eq!(st.send(u, 1).error, Some(WsaError::WSAENOTCONN));
            assert_eq!(st.recv(u, 1).error, Some(WsaError::WSAENOTCONN));
            assert!(st.set_peer(u, Peer::Silent).is_err());
            assert!(st.peer_sends(u, 1).is_err());
            // send to a resetting peer drops the connection at once (A35).
            st.set_peer(s, Peer::Resets).unwrap();
            assert_eq!(st.send(s, 1).ret, Ret::Int(1));
            assert_eq!(st.send(s, 1).error, Some(WsaError::WSAECONNRESET));
        }
    }

    #[test]
    fn tcp_options_schedule_45_s_on_1709_plus() {
        for p in PRESETS
            .iter()
            .filter(|p| p.version.at_least(threshold::WIN10_1709))
        {
            let (mut st, s) = connected(p.version, Registry::default());
            so_keepalive(&mut st, s);
            for (o, v) in [
                (OptName::TCP_KEEPIDLE, 30u32),
                (OptName::TCP_KEEPINTVL, 5),
                (OptName::TCP_KEEPCNT, 3),
            ] {
                let b = v.to_le_bytes();
                assert_eq!(
                    st.setsockopt(s, Level::IPPROTO_TCP, o, InBuf::Bytes(&b), 4)
                        .ret,
                    Ret::OK
                );
            }
            st.set_peer(s, Peer::Silent).unwrap();
            drops_at(&mut st, s, 45_000);
        }
    }

    #[test]
    fn stepping_through_events_matches_advance() {
        let (mut st, s) = connected(WindowsVersion::new(5, 1, 2600), Registry::default());
        so_keepalive(&mut st, s);
        st.set_peer(s, Peer::Silent).unwrap();
        let mut seen = Vec::new();
        while let Some(ev) = st.next_keepalive_event(s) {
            let now = st.now().0;
            st.advance(ms(ev.at.0 - now));
            seen.push((ev.at.0, ev.kind));
            if ev.kind == KeepAliveEventKind::Drop {
                break;
            }
        }
        assert_eq!(seen.len(), 6);
        assert_eq!(seen[5], (7_205_000, KeepAliveEventKind::Drop));
        assert_eq!(
            st.keepalive_status(s).unwrap().dropped_at,
            Some(Instant(7_205_000))
        );
    }
}
