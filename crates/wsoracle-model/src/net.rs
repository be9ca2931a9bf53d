//! Addresses on sockets: `bind` with a name, `getsockname`, `getpeername`, `connect` with a name
//! that reaches a listening socket of the same host, `sendto` and `recvfrom`, and what a closed
//! socket frees.
//!
//! Who may share a port is `addr.rs`'s; this module finds the reservations a bind meets, picks
//! ephemeral ports, and links the two ends of a connection made inside the host: both are sockets
//! of the process, so data sent on one arrives at the other and closing one is seen by the other.

use crate::addr::{
    conflict, reservations, BindResult, Era, Ip, Reservation, Share, SockAddr, Stack4or6,
};
use crate::codes::{AddressFamily, WsaError};
use crate::outcome::{Completed, Misuse, Outcome, Reason, Ret};
use crate::provenance::rules;
use crate::provenance::{Basis::*, Fidelity};
use crate::provenance::{Source::Assumption as A, Source::Convention as Conv, Source::Doc as D};
use crate::provenance::{Source::Options as O, Source::Primary as P};
use crate::socket::{Peer, SocketHandle, SocketState};
use crate::sockopt::options::{ipv6_v6only, so_broadcast, so_reuse};
use crate::stack::{Decision, Stack, Verdict};
use crate::version::threshold;

/// A socket's addresses and connection, kept beside its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NetState {
    /// The address it is bound to (explicitly, or implicitly by connect or sendto).
    pub local: Option<SockAddr>,
    /// The address it is connected to, by name.
    pub remote: Option<SockAddr>,
    /// The other end, when it is a socket of the process.
    pub link: Option<SocketHandle>,
    /// How it asked to share its address, when it was bound.
    pub share: Share,
    /// IPV6_V6ONLY when it was bound.
    pub v6only: bool,
    /// When it was bound, and when it started listening (the stack's counter).
    pub bound_seq: u64,
    pub listen_seq: u64,
    /// The other end of its connection was closed.
    pub peer_closed: bool,
    /// It came from `accept`: it shares its listener's port and reserves nothing of its own
    /// (assumption A60).
    pub accepted: bool,
}

impl NetState {
    pub const EMPTY: NetState = NetState {
        local: None,
        remote: None,
        link: None,
        share: Share::Default,
        v6only: true,
        bound_seq: 0,
        listen_seq: 0,
        peer_closed: false,
        accepted: false,
    };
}

/// A connection waiting in a listener's backlog: from a remote peer (`incoming`) or from a
/// socket of the process (`connect` by name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Queued {
    pub listener: usize,
    pub connector: Option<SocketHandle>,
}

/// A datagram waiting at the socket it reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Datagram {
    pub to: usize,
    pub from: SockAddr,
    pub len: u32,
}

rules! {
    BIND_NAME = "bind.name", Documented, "bind gives a created socket the address and port asked for", [D("bind")];
    BIND_WRONG_FAMILY = "bind.wrong-family", Documented,
        "a name of the other address family (its sockaddr and length) fails with WSAEFAULT: \"an incorrect address format for the associated address family\"", [D("bind")];
    BIND_NOT_OWNED = "bind.address-not-available", Documented,
        "an address the host does not own fails with WSAEADDRNOTAVAIL", [D("bind")];
    BIND_MAPPED_NOT_MODELLED = "address.v4-mapped.not-modelled", Assumption,
        "an IPv4-mapped address given to a socket that is not dual-stack (IPV6_V6ONLY on, or before Vista) is not modelled, for bind, connect and sendto", [A("A63")];
    BIND_EPHEMERAL = "bind.ephemeral", Convention,
        "port 0 takes the next free ephemeral port after the last one handed out: 1025 to MaxUserPort (5000) before Vista, 49152-65535 from Vista", [Conv("ephemeral"), D("D-REUSE"), D("R-MUP")];
    BIND_EXHAUSTED = "bind.ephemeral-exhausted", Assumption,
        "with every ephemeral port of the range held, port 0 fails with WSAENOBUFS", [A("A62")];
    XP_EXCLUSIVE_ADMIN = "setsockopt.so-exclusiveaddruse.administrators", Convention,
        "up to Windows XP only members of the Administrators group may use SO_EXCLUSIVEADDRUSE (the page); which call fails for a standard user, and with what error, is in no source: a standard user's set is not modelled", [Conv("scope"), D("D-REUSE"), A("A64")];
    GETSOCKNAME_OK = "getsockname.ok", Observed, "getsockname writes the address the socket is bound to", [D("getsockname"), P("P74")];
    GETSOCKNAME_UNBOUND = "getsockname.unbound", Observed, "getsockname on a socket that is not bound fails with WSAEINVAL", [P("P74"), D("getsockname")];
    NAME_NOT_MODELLED = "address.by-peer.not-modelled", Convention,
        "a socket connected to a remote `peer` has no modelled local port or peer address", [Conv("addresses")];
    GETPEERNAME_OK = "getpeername.ok", Documented, "getpeername writes the address the socket is connected to", [D("getpeername")];
    GETPEERNAME_NOT_CONNECTED = "getpeername.not-connected", Documented, "getpeername on a socket that is not connected fails with WSAENOTCONN", [D("getpeername")];
    CONNECT_NAME_OK = "connect.name.accepted", Observed,
        "a connect to an address of the host reaches the listening socket there: a specific address before the wildcard, then the oldest listener still open",
        [O("O301"), O("O302"), O("O303"), O("O307"), O("O308"), P("P72")];
    CONNECT_NAME_REFUSED = "connect.name.refused", Documented, "a connect to an address of the host where no socket listens is refused (WSAECONNREFUSED)", [D("connect")];
    CONNECT_NAME_WOULDBLOCK = "connect.name.would-block", Observed,
        "a non-blocking connect by name returns WSAEWOULDBLOCK; complete_connect finds the listener (or none)", [D("connect"), Conv("addresses")];
    CONNECT_UNSPECIFIED = "connect.unspecified", Documented, "a connect to 0.0.0.0 or [::] fails with WSAEADDRNOTAVAIL", [D("connect")];
    CONNECT_WRONG_FAMILY = "connect.wrong-family", Documented, "a name of the other address family fails with WSAEFAULT", [D("connect")];
    CONNECT_REMOTE_NOT_MODELLED = "connect.name.remote", Convention,
        "a stream connect by name to an address the host does not own is not modelled (write `peer` for a remote peer)", [Conv("addresses")];
    CONNECT_UDP = "connect.datagram.name", Documented, "a datagram connect by name sets the default destination", [D("connect")];
    CONNECT_UDP_BROADCAST = "connect.datagram.broadcast", Observed,
        "a datagram connect to 255.255.255.255 succeeds without SO_BROADCAST (the page says WSAEACCES)", [P("P73")];
    CONNECT_UDP_BROADCAST_DOC = "connect.datagram.broadcast-doc", Documented,
        "a datagram connect to a broadcast address without SO_BROADCAST fails with WSAEACCES", [D("D-CONN")];
    SENDTO_OK = "sendto.ok", Observed, "sendto on a datagram socket sends the datagram; an unbound socket is bound to the wildcard and an ephemeral port first", [D("sendto"), P("P74"), O("O367")];
    SENDTO_BROADCAST = "sendto.broadcast", Observed,
        "sendto 255.255.255.255 without SO_BROADCAST fails (WSAEACCES, the page's code)", [P("P73"), D("sendto"), D("D-SOL")];
    SENDTO_UNSPECIFIED = "sendto.unspecified", Documented, "sendto 0.0.0.0 or [::] fails with WSAEADDRNOTAVAIL", [D("sendto")];
    SENDTO_WRONG_FAMILY = "sendto.wrong-family", Documented, "a destination of the other address family fails with WSAEFAULT", [D("sendto")];
    SENDTO_STREAM = "sendto.stream", Observed, "sendto on a connected stream socket ignores the address and sends", [P("P75"), D("sendto")];
    SEND_UDP = "send.datagram.connected", Observed, "send on a connected datagram socket sends to its destination (even a broadcast one, without SO_BROADCAST)", [P("P73")];
    RECVFROM_OK = "recvfrom.ok", Documented, "recvfrom returns the oldest datagram waiting and its source", [D("recvfrom")];
    RECVFROM_TRUNCATED = "recvfrom.truncated", Documented, "a datagram larger than the buffer fails with WSAEMSGSIZE", [D("recvfrom")];
    RECVFROM_UNBOUND = "recvfrom.unbound", Documented, "recvfrom on a datagram socket that is not bound fails with WSAEINVAL", [D("recvfrom")];
    RECVFROM_WOULDBLOCK = "recvfrom.would-block", Documented, "recvfrom on a non-blocking socket with nothing waiting fails with WSAEWOULDBLOCK", [D("recvfrom")];
    PEER_CLOSED = "recv.peer-closed", Documented, "recv after the other end closed, with nothing left to read, returns 0", [D("recv"), A("A60")];
}

/// A name's family against the socket's: AF_INET takes a sockaddr_in, AF_INET6 a sockaddr_in6.
fn family_fits(af: AddressFamily, name: &SockAddr) -> bool {
    (af == AddressFamily::AF_INET6) == name.is_v6()
}

/// The stack an address is reached on, and the address on it.
fn on_stack(ip: Ip) -> (Stack4or6, Ip) {
    match ip.as_v4() {
        Some(v4) => (Stack4or6::V4, Ip::V4(v4)),
        None => (Stack4or6::V6, ip),
    }
}

/// The address as a socket of family `af` sees it (IPv4 as mapped on an AF_INET6 socket).
fn as_seen_by(af: AddressFamily, a: SockAddr) -> SockAddr {
    match (af == AddressFamily::AF_INET6, a.ip) {
        (true, Ip::V4(v4)) => SockAddr::new(Ip::mapped(v4), a.port),
        (false, ip) => SockAddr::new(ip.as_v4().map_or(ip, Ip::V4), a.port),
        _ => a,
    }
}

impl Stack {
    /// How the socket in slot `i` asks to share: SO_EXCLUSIVEADDRUSE or SO_REUSEADDR, as set.
    fn share_of(&self, i: usize) -> Share {
        let v = self.option_values(i);
        let on = |slot| v.and_then(|v| v.get(slot)) == Some(1);
        if on(so_reuse::EXCLUSIVEADDRUSE.slot) {
            Share::Exclusive
        } else if on(so_reuse::REUSEADDR.slot) {
            Share::ReuseAddr
        } else {
            Share::Default
        }
    }

    /// IPV6_V6ONLY of the socket in slot `i` (on unless set off: options:O350).
    pub(crate) fn v6only_of(&self, i: usize) -> bool {
        self.option_values(i)
            .and_then(|v| v.get(ipv6_v6only::DEF.slot))
            != Some(0)
    }

    /// The socket takes IPv6 only: IPV6_V6ONLY on, or a version before the dual stack (Vista).
    fn ipv6_only(&self, i: usize) -> bool {
        self.v6only_of(i) || !self.version().at_least(threshold::VISTA)
    }

    fn broadcast_allowed(&self, i: usize) -> bool {
        self.option_values(i)
            .and_then(|v| v.get(so_broadcast::DEF.slot))
            == Some(1)
    }

    /// The reservations held on one port for one protocol, with their slots.
    fn held_on(&self, stream: bool, port: u16) -> impl Iterator<Item = (usize, Reservation)> + '_ {
        let slots = self.by_port.get(&(stream, port)).into_iter().flatten();
        slots.flat_map(move |&k| {
            let i = k as usize;
            let found = self.lookup_slot(i).and_then(|(_, sock)| {
                let net = self.net(i).filter(|n| !n.accepted)?;
                let local = net.local?;
                Some(reservations(local, sock.is_stream(), net.share, net.v6only))
            });
            found.into_iter().flatten().flatten().map(move |r| (i, r))
        })
    }

    /// The ephemeral range of this version (doc:D-REUSE names 49151 as the last service port):
    /// 49152-65535 from Vista; before, 1025 to MaxUserPort (5000 unless the registry sets a value
    /// from 5000 to 65534: doc:R-MUP; assumption A62).
    pub fn ephemeral_range(&self) -> (u16, u16) {
        if self.version().at_least(threshold::VISTA) {
            return (49152, 65535);
        }
        let hi = match self.config().registry.max_user_port {
            Some(v @ 5000..=65534) => v as u16, // checked range
            _ => 5000,
        };
        (1025, hi)
    }

    /// The next free ephemeral port for a socket of this kind (convention:ephemeral).
    fn pick_ephemeral(&self, stream: bool) -> Option<u16> {
        let (lo, hi) = self.ephemeral_range();
        let start = if (lo..hi).contains(&self.last_ephemeral) {
            self.last_ephemeral + 1
        } else {
            lo
        };
        let span = u32::from(hi - lo) + 1;
        (0..span)
            .map(|k| {
                let off = (u32::from(start - lo) + k) % span;
                lo + off as u16 // off < span <= 65536 - lo
            })
            .find(|&p| !self.by_port.contains_key(&(stream, p)))
    }

    /// The decision of a bind to `name` (None: the family's wildcard, port 0).
    fn decide_bind_name(
        &self,
        fidelity: Fidelity,
        s: SocketHandle,
        name: Option<SockAddr>,
    ) -> Decision<(usize, SockAddr)> {
        let (i, sock) = match self.checks_and_lookup(s) {
            Ok(found) => found,
            Err(d) => return d,
        };
        if sock.state != SocketState::Created || self.net(i).is_some_and(|n| n.local.is_some()) {
            return Decision::fail(Reason::InvalidArgument, &crate::rules::BIND_AGAIN);
        }
        let v6 = sock.address_family() == AddressFamily::AF_INET6;
        let plain = name.is_none();
        let name = name.unwrap_or(SockAddr::new(if v6 { Ip::V6_ANY } else { Ip::V4_ANY }, 0));
        if !family_fits(sock.address_family(), &name) {
            return Decision::fail(Reason::BadAddress, &BIND_WRONG_FAMILY);
        }
        let v6only = self.ipv6_only(i);
        if name.ip.is_v4_mapped() && v6only {
            return Decision::not_modelled(&BIND_MAPPED_NOT_MODELLED);
        }
        if !self.config().host.owns(name.ip) {
            return Decision::fail(Reason::AddressNotAvailable, &BIND_NOT_OWNED);
        }
        let mut ok_rule = if plain {
            &crate::rules::BIND
        } else if name.port == 0 {
            &BIND_EPHEMERAL
        } else {
            &BIND_NAME
        };
        if name.port == 0 {
            return match self.pick_ephemeral(sock.is_stream()) {
                Some(p) => Decision::ok((i, name.with_port(p)), ok_rule),
                None => Decision::fail(Reason::PortsExhausted, &BIND_EXHAUSTED),
            };
        }
        let era = Era::of(self.version());
        let share = self.share_of(i);
        for new in reservations(name, sock.is_stream(), share, v6only)
            .into_iter()
            .flatten()
        {
            // The oldest holder first: its answer is the one Windows gives.
            let mut holders: Vec<(u64, Reservation)> = self
                .held_on(new.stream, new.port)
                .filter(|(j, r)| *j != i && r.overlaps(&new))
                .map(|(j, r)| (self.net(j).map_or(0, |n| n.bound_seq), r))
                .collect();
            holders.sort_by_key(|(seq, _)| *seq);
            for (_, existing) in holders {
                match conflict(era, fidelity, &existing, &new) {
                    // Beside a holder, the bind succeeds because a sharing rule lets it: the
                    // outcome names that rule (and its evidence) rather than plain bind.name.
                    (BindResult::Success, rule) => ok_rule = rule,
                    (BindResult::InUse, rule) => return Decision::fail(Reason::AddressInUse, rule),
                    (BindResult::Access, rule) => {
                        return Decision::fail(Reason::AccessDenied, rule)
                    }
                }
            }
        }
        Decision::ok((i, name), ok_rule)
    }

    /// Binds the socket in slot `i` to `name` (the one place a socket takes an address).
    fn take_address(&mut self, i: usize, name: SockAddr) {
        if (self.ephemeral_range().0..=self.ephemeral_range().1).contains(&name.port) {
            self.last_ephemeral = name.port;
        }
        self.seq += 1;
        let (seq, share, v6only) = (
            self.seq,
            self.share_of(i),
            self.v6only_of(i) || !self.version().at_least(threshold::VISTA),
        );
        if let Some(net) = self.net_mut(i) {
            net.local = Some(name);
            net.share = share;
            net.v6only = v6only;
            net.bound_seq = seq;
        }
        if let Some((_, sock)) = self.lookup_slot(i) {
            let key = (sock.is_stream(), name.port);
            // i < slots.len() <= u32::MAX (`Stack::insert`).
            self.by_port.entry(key).or_default().push(i as u32);
        }
    }

    /// `bind(s, name, namelen)`: `None` binds the family's wildcard and an ephemeral port, as
    /// `bind(s)` does.
    pub fn bind_name(&mut self, s: SocketHandle, name: Option<SockAddr>) -> Outcome {
        let fidelity = self.fidelity();
        let chosen = self.decide_bind_name(fidelity, s, name);
        let other = self.decide_bind_name(fidelity.other(), s, name);
        // A success leaves the last error alone (assumption A12).
        let outcome = self.conclude_keeping_error(&chosen, &other);
        if let Verdict::Ok((i, name)) = chosen.verdict {
            self.take_address(i, name);
            self.set_state(i, SocketState::Bound);
        }
        outcome
    }

    /// `getsockname(s, &name, &namelen)`: the outcome and the address written.
    pub fn getsockname(&mut self, s: SocketHandle) -> (Outcome, Option<SockAddr>) {
        let d: Decision<SockAddr> = match self.checks_and_lookup(s) {
            Err(d) => d,
            Ok((i, sock)) => match self.net(i).and_then(|n| n.local) {
                Some(a) => Decision::ok(a, &GETSOCKNAME_OK),
                None if sock.state == SocketState::Created => {
                    Decision::fail(Reason::InvalidArgument, &GETSOCKNAME_UNBOUND)
                }
                None => Decision::not_modelled(&NAME_NOT_MODELLED),
            },
        };
        let outcome = self.conclude_same(&d);
        let name = match d.verdict {
            Verdict::Ok(a) => Some(a),
            _ => None,
        };
        (outcome, name)
    }

    /// `getpeername(s, &name, &namelen)`: the outcome and the address written.
    pub fn getpeername(&mut self, s: SocketHandle) -> (Outcome, Option<SockAddr>) {
        let d: Decision<SockAddr> = match self.checks_and_lookup(s) {
            Err(d) => d,
            Ok((i, sock)) => match (sock.state, self.net(i).and_then(|n| n.remote)) {
                (SocketState::Connected | SocketState::Dropped, Some(a)) => {
                    Decision::ok(a, &GETPEERNAME_OK)
                }
                (SocketState::Connected | SocketState::Dropped, None) => {
                    Decision::not_modelled(&NAME_NOT_MODELLED)
                }
                _ => Decision::fail(Reason::NotConnected, &GETPEERNAME_NOT_CONNECTED),
            },
        };
        let outcome = self.conclude_same(&d);
        let name = match d.verdict {
            Verdict::Ok(a) => Some(a),
            _ => None,
        };
        (outcome, name)
    }

    /// The listening socket a connection to `to` reaches: a specific address before the
    /// wildcard, then the oldest listener (options:O301–O303; primary:P72).
    fn listener_for(&self, to: SockAddr) -> Option<usize> {
        let (on, ip) = on_stack(to.ip);
        self.held_on(true, to.port)
            .filter(|(j, r)| {
                r.stream
                    && r.on == on
                    && r.port == to.port
                    && (r.ip == ip || r.wildcard())
                    && self
                        .lookup_slot(*j)
                        .is_some_and(|(_, s)| s.state == SocketState::Listening)
            })
            .min_by_key(|(j, r)| {
                (
                    r.wildcard(),
                    self.net(*j).map_or(u64::MAX, |n| n.listen_seq),
                )
            })
            .map(|(j, _)| j)
    }

    /// The datagram socket a datagram to `to` reaches (specific before wildcard, then the
    /// oldest bound: assumption A63).
    fn receiver_for(&self, to: SockAddr) -> Option<usize> {
        let (on, ip) = on_stack(to.ip);
        self.held_on(false, to.port)
            .filter(|(_, r)| {
                !r.stream && r.on == on && r.port == to.port && (r.ip == ip || r.wildcard())
            })
            .min_by_key(|(j, r)| (r.wildcard(), self.net(*j).map_or(u64::MAX, |n| n.bound_seq)))
            .map(|(j, _)| j)
    }

    /// The local address an implicit bind gives a socket that talks to `to`: the address the
    /// host reaches it from (itself, for its own addresses), or the wildcard; an ephemeral port.
    fn implicit_local(&self, i: usize, to: Option<SockAddr>) -> Result<SockAddr, Reason> {
        let Some((_, sock)) = self.lookup_slot(i) else {
            return Err(Reason::NotASocket);
        };
        let af = sock.address_family();
        let ip = match to {
            Some(t) if self.config().host.owns(t.ip) => as_seen_by(af, t).ip,
            _ if af == AddressFamily::AF_INET6 => Ip::V6_ANY,
            _ => Ip::V4_ANY,
        };
        self.pick_ephemeral(sock.is_stream())
            .map(|p| SockAddr::new(ip, p))
            .ok_or(Reason::PortsExhausted)
    }

    /// The decision of `connect(s, name)`. The action: the slot, the implicit local address (if
    /// the socket was not bound), and the listener a stream connection reaches now.
    #[allow(clippy::type_complexity)]
    fn decide_connect_name(
        &self,
        fidelity: Fidelity,
        s: SocketHandle,
        name: SockAddr,
    ) -> Decision<(usize, Option<SockAddr>, Option<usize>)> {
        let (i, sock) = match self.checks_and_lookup(s) {
            Ok(found) => found,
            Err(d) => return d,
        };
        match sock.state {
            SocketState::Listening => {
                return Decision::fail(Reason::InvalidArgument, &crate::rules::CONNECT_LISTENING)
            }
            SocketState::Connecting => {
                return Decision::fail(Reason::AlreadyInProgress, &crate::rules::CONNECT_ALREADY)
            }
            SocketState::Connected | SocketState::Dropped => {
                return Decision::fail(Reason::AlreadyConnected, &crate::rules::CONNECT_ISCONN)
            }
            _ => {}
        }
        if !family_fits(sock.address_family(), &name) {
            return Decision::fail(Reason::BadAddress, &CONNECT_WRONG_FAMILY);
        }
        if name.ip.is_unspecified() {
            return Decision::fail(Reason::AddressNotAvailable, &CONNECT_UNSPECIFIED);
        }
        if name.ip.is_v4_mapped() && self.ipv6_only(i) {
            return Decision::not_modelled(&BIND_MAPPED_NOT_MODELLED);
        }
        let local = match self.net(i).and_then(|n| n.local) {
            Some(_) => None,
            None => match self.implicit_local(i, Some(name)) {
                Ok(a) => Some(a),
                Err(r) => return Decision::fail(r, &BIND_EXHAUSTED),
            },
        };
        if !sock.is_stream() {
            if name.ip.is_v4_broadcast() && !self.broadcast_allowed(i) {
                if fidelity == Fidelity::Documented {
                    return Decision::fail(Reason::AccessDenied, &CONNECT_UDP_BROADCAST_DOC);
                }
                return Decision::ok((i, local, None), &CONNECT_UDP_BROADCAST);
            }
            return Decision::ok((i, local, None), &CONNECT_UDP);
        }
        if !self.config().host.owns(name.ip) {
            return Decision::not_modelled(&CONNECT_REMOTE_NOT_MODELLED);
        }
        let listener = self.listener_for(name);
        if sock.non_blocking {
            return Decision::fail(Reason::WouldBlock, &CONNECT_NAME_WOULDBLOCK);
        }
        match listener {
            Some(l) => Decision::ok((i, local, Some(l)), &CONNECT_NAME_OK),
            None => Decision::fail(Reason::ConnectionRefused, &CONNECT_NAME_REFUSED),
        }
    }

    /// `connect(s, name, namelen)` to an address. A stream connect to an address of the host
    /// reaches the listening socket there, whose `accept` returns the connection; with none, it
    /// is refused. A datagram connect sets the default destination.
    pub fn connect_name(&mut self, s: SocketHandle, name: SockAddr) -> Outcome {
        let fidelity = self.fidelity();
        let chosen = self.decide_connect_name(fidelity, s, name);
        let other = self.decide_connect_name(fidelity.other(), s, name);
        let outcome = self.conclude_keeping_error(&chosen, &other);
        match chosen.verdict {
            Verdict::Ok((i, local, listener)) => {
                if let Some(a) = local {
                    self.take_address(i, a);
                }
                if let Some(net) = self.net_mut(i) {
                    net.remote = Some(name);
                }
                if let Some(sock) = self.socket_mut(i) {
                    sock.so_error = WsaError::NO_ERROR;
                    sock.peer = Peer::Accepts;
                }
                self.set_state(i, SocketState::Connected);
                if let Some(l) = listener {
                    self.enqueue(l, s);
                }
            }
            // The one failure that changes state: the connection has started.
            Verdict::Fail(Reason::WouldBlock) => {
                if let Some((i, _)) = self.lookup(s) {
                    if self.net(i).is_some_and(|n| n.local.is_none()) {
                        if let Ok(a) = self.implicit_local(i, Some(name)) {
                            self.take_address(i, a);
                        }
                    }
                    if let Some(net) = self.net_mut(i) {
                        net.remote = Some(name);
                    }
                    self.set_state(i, SocketState::Connecting);
                }
            }
            _ => {}
        }
        outcome
    }

    /// A connection from `connector` waits in `listener`'s backlog.
    fn enqueue(&mut self, listener: usize, connector: SocketHandle) {
        if let Some(l) = self.socket_mut(listener) {
            l.backlog = l.backlog.saturating_add(1);
        }
        self.queued.push(Queued {
            listener,
            connector: Some(connector),
        });
    }

    /// For `complete_connect` of a connect by name: where the connection went, now. `None` for
    /// a connect to a remote peer.
    pub(crate) fn complete_by_name(&mut self, i: usize) -> Option<(SocketState, WsaError)> {
        let name = self.net(i)?.remote?;
        let h = self.handle_at(i)?;
        match self.listener_for(name) {
            Some(l) => {
                self.enqueue(l, h);
                Some((SocketState::Connected, WsaError::NO_ERROR))
            }
            None => {
                if let Some(net) = self.net_mut(i) {
                    net.remote = None;
                }
                Some((SocketState::Bound, WsaError::WSAECONNREFUSED))
            }
        }
    }

    /// `incoming`: a remote peer's connection joins the backlog queue.
    pub(crate) fn queue_remote(&mut self, listener: usize) {
        self.queued.push(Queued {
            listener,
            connector: None,
        });
    }

    /// `listen` remembers when the socket started listening.
    pub(crate) fn note_listen(&mut self, i: usize) {
        self.seq += 1;
        let seq = self.seq;
        if let Some(net) = self.net_mut(i) {
            if net.listen_seq == 0 {
                net.listen_seq = seq;
            }
        }
    }

    /// `accept` took the oldest connection waiting at `listener` into the new socket `j`: link
    /// it to its connector when that is a socket of the process.
    pub(crate) fn on_accept(&mut self, listener: usize, j: usize) {
        if let Some(net) = self.net_mut(j) {
            net.accepted = true;
        }
        let Some(k) = self.queued.iter().position(|q| q.listener == listener) else {
            return;
        };
        let q = self.queued.remove(k);
        let Some(c) = q.connector else {
            return;
        };
        let listener_local = self.net(listener).and_then(|n| n.local);
        let accepted = self.handle_at(j);
        match self.lookup(c).map(|(ci, _)| ci) {
            Some(ci) => {
                let (c_local, c_remote) =
                    self.net(ci).map_or((None, None), |n| (n.local, n.remote));
                let af = self.lookup_slot(j).map(|(_, s)| s.address_family());
                let local = match (listener_local, c_remote) {
                    (Some(l), Some(r)) if l.ip.is_unspecified() => Some(r.with_port(l.port)),
                    (l, _) => l,
                };
                if let Some(net) = self.net_mut(j) {
                    net.local = local.map(|a| af.map_or(a, |af| as_seen_by(af, a)));
                    net.remote = c_local.map(|a| af.map_or(a, |af| as_seen_by(af, a)));
                    net.link = Some(c);
                }
                if let Some(net) = self.net_mut(ci) {
                    net.link = accepted;
                }
            }
            None => {
                if let Some(net) = self.net_mut(j) {
                    net.local = listener_local;
                    net.peer_closed = true;
                }
            }
        }
    }

    /// What a closed socket leaves behind (assumption A60: its address and port are free at
    /// once; its connections see the close).
    pub(crate) fn forget(&mut self, i: usize, old: NetState, stream: bool) {
        if let (Some(local), false) = (old.local, old.accepted) {
            let key = (stream, local.port);
            if let Some(v) = self.by_port.get_mut(&key) {
                v.retain(|&k| k as usize != i);
                if v.is_empty() {
                    self.by_port.remove(&key);
                }
            }
        }
        if let Some(other) = old.link {
            if let Some((o, _)) = self.lookup(other) {
                if let Some(net) = self.net_mut(o) {
                    net.link = None;
                    net.peer_closed = true;
                }
                // A pending recv at the other end completes with 0 (the close arrives now).
                let pending = self.socket_mut(o).is_some_and(|s| s.recv_pending);
                if pending {
                    if let Some(sock) = self.socket_mut(o) {
                        sock.recv_pending = false;
                        sock.rx = 0; // while pending, rx held the recv's len
                    }
                    let now = self.now();
                    self.completed.push(Completed {
                        call: "recv",
                        s: other,
                        ret: Ret::Int(0),
                        error: WsaError::NO_ERROR,
                        at: now,
                        rule: &PEER_CLOSED,
                    });
                }
            }
        }
        // Connections waiting at a closed listener are reset.
        let mut k = 0;
        while k < self.queued.len() {
            if self.queued[k].listener == i {
                let q = self.queued.remove(k);
                if let Some((ci, _)) = q.connector.and_then(|c| self.lookup(c)) {
                    if let Some(sock) = self.socket_mut(ci) {
                        sock.peer = Peer::Resets;
                    }
                }
            } else {
                k += 1;
            }
        }
        self.datagrams.retain(|d| d.to != i);
    }

    /// True when the other end of the socket in slot `i` was closed.
    pub(crate) fn peer_closed(&self, i: usize) -> bool {
        self.net(i).is_some_and(|n| n.peer_closed)
    }

    /// Data a send put on a connection made inside the host arrives at the other end.
    pub(crate) fn deliver_stream(&mut self, i: usize, len: u32) {
        let Some(other) = self.net(i).and_then(|n| n.link) else {
            return;
        };
        if self.lookup(other).is_none() {
            return;
        }
        if let Ok(done) = self.peer_sends(other, len) {
            self.completed.extend(done);
        }
    }

    /// Pending calls that the last calls completed (a recv at the other end of a connection
    /// made inside the host). Empties the list.
    pub fn take_completed(&mut self) -> Vec<Completed> {
        core::mem::take(&mut self.completed)
    }

    /// A datagram from the socket in slot `i` to `to`: it arrives at the datagram socket of the
    /// host bound there, if any.
    fn deliver_datagram(&mut self, i: usize, to: SockAddr, len: u32) {
        let Some(r) = self.receiver_for(to) else {
            return;
        };
        let local = self.net(i).and_then(|n| n.local);
        let from = match local {
            Some(l) if l.ip.is_unspecified() => to.with_port(l.port),
            Some(l) => l,
            None => return,
        };
        let af = self.lookup_slot(r).map(|(_, s)| s.address_family());
        let from = af.map_or(from, |af| as_seen_by(af, from));
        self.datagrams.push(Datagram { to: r, from, len });
    }

    fn decide_sendto(
        &self,
        s: SocketHandle,
        to: SockAddr,
    ) -> Decision<(usize, Option<SockAddr>, bool)> {
        let (i, sock) = match self.checks_and_lookup(s) {
            Ok(found) => found,
            Err(d) => return d,
        };
        if sock.is_stream() {
            return match sock.state {
                SocketState::Connected => Decision::ok((i, None, true), &SENDTO_STREAM),
                _ => Decision::fail(Reason::NotConnected, &crate::rules::TL_NOT_CONNECTED),
            };
        }
        if !family_fits(sock.address_family(), &to) {
            return Decision::fail(Reason::BadAddress, &SENDTO_WRONG_FAMILY);
        }
        if to.ip.is_unspecified() {
            return Decision::fail(Reason::AddressNotAvailable, &SENDTO_UNSPECIFIED);
        }
        if to.ip.is_v4_mapped() && self.ipv6_only(i) {
            return Decision::not_modelled(&BIND_MAPPED_NOT_MODELLED);
        }
        if to.ip.is_v4_broadcast() && !self.broadcast_allowed(i) {
            return Decision::fail(Reason::AccessDenied, &SENDTO_BROADCAST);
        }
        let local = match self.net(i).and_then(|n| n.local) {
            Some(_) => None,
            None => match self.implicit_local(i, None) {
                Ok(a) => Some(a),
                Err(r) => return Decision::fail(r, &BIND_EXHAUSTED),
            },
        };
        Decision::ok((i, local, false), &SENDTO_OK)
    }

    /// `sendto(s, buf, len, 0, to, tolen)`.
    pub fn sendto(&mut self, s: SocketHandle, to: SockAddr, len: u32) -> Outcome {
        let d = self.decide_sendto(s, to);
        if let Verdict::Ok((_, _, true)) = d.verdict {
            let mut outcome = self.send(s, len);
            if outcome.rule.id == crate::rules::TL_SEND_OK.id {
                outcome.rule = &SENDTO_STREAM;
            }
            return outcome;
        }
        let mut outcome = self.conclude_same(&d);
        if let Verdict::Ok((i, local, _)) = d.verdict {
            if let Some(a) = local {
                self.take_address(i, a);
            }
            outcome.ret = Ret::Int(i32::try_from(len).unwrap_or(i32::MAX));
            self.deliver_datagram(i, to, len);
        }
        outcome
    }

    /// `send` on a datagram socket connected by name; `None` for any other socket.
    pub(crate) fn send_datagram(&mut self, s: SocketHandle, len: u32) -> Option<Outcome> {
        let (i, sock) = self.lookup(s)?;
        if sock.is_stream() || sock.state != SocketState::Connected {
            return None;
        }
        let to = self.net(i)?.remote?;
        if self.process_checks::<()>().is_err() {
            return None;
        }
        let d: Decision<()> = Decision::ok((), &SEND_UDP);
        let mut outcome = self.conclude_same(&d);
        outcome.ret = Ret::Int(i32::try_from(len).unwrap_or(i32::MAX));
        self.deliver_datagram(i, to, len);
        Some(outcome)
    }

    /// `recvfrom(s, buf, len, 0, &from, &fromlen)`: the outcome and the source written. A
    /// stream socket answers as `recv` and writes no source.
    pub fn recvfrom(
        &mut self,
        s: SocketHandle,
        len: u32,
    ) -> Result<(Outcome, Option<SockAddr>), Misuse> {
        if self.lookup(s).is_some_and(|(_, sock)| sock.is_stream()) {
            return Ok((self.recv(s, len), None));
        }
        let d: Decision<(usize, Option<usize>)> = match self.checks_and_lookup(s) {
            Err(d) => d,
            Ok((i, sock)) => match self.datagrams.iter().position(|g| g.to == i) {
                _ if self.net(i).and_then(|n| n.local).is_none() => {
                    Decision::fail(Reason::InvalidArgument, &RECVFROM_UNBOUND)
                }
                Some(k) if self.datagrams[k].len > len => {
                    Decision::fail(Reason::MessageTooLong, &RECVFROM_TRUNCATED)
                }
                Some(k) => Decision::ok((i, Some(k)), &RECVFROM_OK),
                None if sock.non_blocking => {
                    Decision::fail(Reason::WouldBlock, &RECVFROM_WOULDBLOCK)
                }
                None => {
                    return Err(Misuse(
                        "a blocking recvfrom with no datagram waiting would block forever; send one first",
                    ))
                }
            },
        };
        let mut outcome = self.conclude_same(&d);
        let mut from = None;
        match d.verdict {
            Verdict::Ok((_, Some(k))) => {
                let g = self.datagrams.remove(k);
                outcome.ret = Ret::Int(i32::try_from(g.len).unwrap_or(i32::MAX));
                from = Some(g.from);
            }
            // A truncated datagram is consumed: its first len bytes are read (doc:recvfrom).
            Verdict::Fail(Reason::MessageTooLong) => {
                if let Some(i) = self.lookup(s).map(|(i, _)| i) {
                    if let Some(k) = self.datagrams.iter().position(|g| g.to == i) {
                        from = Some(self.datagrams.remove(k).from);
                    }
                }
            }
            _ => {}
        }
        Ok((outcome, from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{Protocol, SocketType};
    use crate::stack::Config;

    fn stack(preset: &str) -> Stack {
        let mut st = Stack::new(Config::new(preset.parse().unwrap()));
        st.wsa_startup(0x0202);
        st
    }

    fn sock(st: &mut Stack, af: AddressFamily, ty: SocketType) -> SocketHandle {
        match st.socket_create(af, ty, Protocol::IPPROTO_DEFAULT).ret {
            Ret::Socket(h) => h,
            other => panic!("{other:?}"),
        }
    }

    fn a(s: &str) -> SockAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ephemeral_ports_follow_the_version_range_and_wrap() {
        for (preset, lo) in [("winxp", 1025), ("win7", 49152)] {
            let mut st = stack(preset);
            let s1 = sock(&mut st, AddressFamily::AF_INET, SocketType::SOCK_STREAM);
            let s2 = sock(&mut st, AddressFamily::AF_INET, SocketType::SOCK_STREAM);
            st.bind_name(s1, Some(a("127.0.0.1:0")));
            st.bind_name(s2, None);
            assert_eq!(st.getsockname(s1).1, Some(a(&format!("127.0.0.1:{lo}"))));
            assert_eq!(
                st.getsockname(s2).1,
                Some(a(&format!("0.0.0.0:{}", lo + 1)))
            );
        }
    }

    #[test]
    fn max_user_port_ends_the_range_before_vista_only() {
        use crate::registry::{Registry, RegistryValue};
        let range = |preset: &str, v: Option<u32>| {
            let mut reg = Registry::default();
            reg.set(RegistryValue::MaxUserPort, v);
            let st = Stack::new(Config::new(preset.parse().unwrap()).with_registry(reg));
            st.ephemeral_range()
        };
        assert_eq!(range("winxp", None), (1025, 5000));
        assert_eq!(range("win2003", Some(65534)), (1025, 65534));
        assert_eq!(range("win2000", Some(4999)), (1025, 5000)); // outside 5000-65534: ignored
        assert_eq!(range("win7", Some(20000)), (49152, 65535));
    }

    #[test]
    fn exhaustion_answers_wsaenobufs_and_changes_nothing() {
        let mut st = stack("winxp");
        // Every port but the last taken directly (binding 3975 sockets one by one is slow in a
        // debug build), then the last one by a bind.
        for port in 1025..5000 {
            let s = sock(&mut st, AddressFamily::AF_INET, SocketType::SOCK_DGRAM);
            let (i, _) = st.lookup(s).unwrap();
            st.take_address(i, a(&format!("0.0.0.0:{port}")));
        }
        let s = sock(&mut st, AddressFamily::AF_INET, SocketType::SOCK_DGRAM);
        assert_eq!(st.bind_name(s, None).ret, Ret::OK);
        assert_eq!(st.getsockname(s).1, Some(a("0.0.0.0:5000")));
        let s = sock(&mut st, AddressFamily::AF_INET, SocketType::SOCK_DGRAM);
        let o = st.bind_name(s, None);
        assert_eq!((o.ret, o.error), (Ret::ERR, Some(WsaError::WSAENOBUFS)));
        assert_eq!(st.getsockname(s).0.error, Some(WsaError::WSAEINVAL));
        // A stream socket has its own ports.
        let t = sock(&mut st, AddressFamily::AF_INET, SocketType::SOCK_STREAM);
        assert_eq!(st.bind_name(t, None).ret, Ret::OK);
    }

    #[test]
    fn data_crosses_a_connection_made_inside_the_host_and_close_is_seen() {
        let mut st = stack("win10-21h2");
        let l = sock(&mut st, AddressFamily::AF_INET, SocketType::SOCK_STREAM);
        let c = sock(&mut st, AddressFamily::AF_INET, SocketType::SOCK_STREAM);
        st.bind_name(l, Some(a("127.0.0.1:5000")));
        st.listen(l);
        assert_eq!(st.connect_name(c, a("127.0.0.1:5000")).ret, Ret::OK);
        let Ret::Socket(x) = st.accept(l).unwrap().ret else {
            panic!()
        };
        assert_eq!(st.getpeername(x).1, st.getsockname(c).1);
        assert_eq!(st.getsockname(x).1, Some(a("127.0.0.1:5000")));
        assert_eq!(st.send(c, 3).ret, Ret::Int(3));
        assert_eq!(st.recv(x, 10).ret, Ret::Int(3));
        assert_eq!(st.recv(x, 10).ret, Ret::Pending);
        st.closesocket(c);
        let done = st.take_completed();
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].ret, Ret::Int(0));
        assert_eq!(st.recv(x, 10).ret, Ret::Int(0));
    }

    #[test]
    fn no_listener_refuses_and_the_connector_stays_unbound() {
        let mut st = stack("win11");
        let c = sock(&mut st, AddressFamily::AF_INET6, SocketType::SOCK_STREAM);
        let o = st.connect_name(c, a("[::1]:7"));
        assert_eq!(o.error, Some(WsaError::WSAECONNREFUSED));
        assert_eq!(st.getsockname(c).0.error, Some(WsaError::WSAEINVAL));
    }
}
