//! The process-level Winsock stack: start-up counting, the socket table, the environment
//! conditions, and every call the model answers.
//!
//! Heads up: before changing a rule here, read `docs/seed-clauses.md` (the seed page,
//! clause by clause), `docs/evidence-keepalive.md` and `docs/evidence-primary.md` (what
//! real Windows does), and `docs/assumptions.md` (what the model chose where they are silent).
//!
//! The API follows one contract:
//! - each Winsock call is a method named after it, taking the C arguments in their C shapes, and
//!   returns an [`Outcome`];
//! - a call first *decides* (a pure function of the state and the arguments, run under both
//!   fidelities) and then *applies* the decision: a failed call changes nothing but the last
//!   error and what Windows writes into the caller's memory;
//! - socket state changes only in [`Stack::set_state`];
//! - time passes only through `advance`.

use std::collections::BTreeMap;

use crate::addr::Host;
use crate::codes::{AddressFamily, IoctlCode, Protocol, SocketType, WsaError};
use crate::net::{Datagram, NetState, Queued};
use crate::outcome::{Answer, Misuse, Outcome, Reason, Ret, Written};
use crate::provenance::{Fidelity, Rule};
use crate::registry::Registry;
use crate::rules;
use crate::socket::{Peer, Socket, SocketHandle, SocketState};
use crate::sockopt::store::OptionValues;
use crate::time::Instant;
use crate::timers::{Entry, SlotTimer, TimerQueue};
use crate::version::{threshold, WindowsVersion};

/// The world a stack lives in. Everything the model knows about the machine comes in here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub version: WindowsVersion,
    pub registry: Registry,
    pub fidelity: Fidelity,
    /// The process runs elevated (as an administrator). What needs the rights (a raw socket; on
    /// Windows XP and earlier SO_EXCLUSIVEADDRUSE) answers as Windows answers a standard user
    /// otherwise. Default: a standard user.
    pub elevated: bool,
    /// Decide every setsockopt and getsockopt under the other fidelity too, so that
    /// `Outcome.other` says where the two disagree (traces and reports need it). Default: on.
    /// Off, `Outcome.other` is always `None` and a call costs one decision (assumption-free:
    /// the chosen fidelity's answer is the same either way).
    pub decide_other_fidelity: bool,
    /// The addresses the simulated host owns beyond loopback and the wildcard.
    pub host: Host,
}

impl Config {
    pub fn new(version: WindowsVersion) -> Self {
        Config {
            version,
            registry: Registry::default(),
            fidelity: Fidelity::Observed,
            elevated: false,
            decide_other_fidelity: true,
            host: Host::default(),
        }
    }

    /// Whether to decide the other fidelity too (`Outcome.other`); see the field.
    pub fn with_other_fidelity(self, decide_other_fidelity: bool) -> Self {
        Config {
            decide_other_fidelity,
            ..self
        }
    }

    /// The host with the addresses a scenario's `host: {addresses}` adds.
    pub fn with_host(self, host: Host) -> Self {
        Config { host, ..self }
    }

    pub fn with_elevated(self, elevated: bool) -> Self {
        Config { elevated, ..self }
    }

    pub fn with_registry(self, registry: Registry) -> Self {
        Config { registry, ..self }
    }

    pub fn with_fidelity(self, fidelity: Fidelity) -> Self {
        Config { fidelity, ..self }
    }
}

/// What a decision concluded, before anything is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict<A> {
    Ok(A),
    Fail(Reason),
    NotModelled,
}

/// A pure decision: the verdict, what Windows writes into the caller's memory (on success or
/// failure), and the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decision<A> {
    pub verdict: Verdict<A>,
    pub written: Written,
    pub rule: &'static Rule,
}

impl<A> Decision<A> {
    pub fn ok(action: A, rule: &'static Rule) -> Self {
        Decision {
            verdict: Verdict::Ok(action),
            written: Written::NOTHING,
            rule,
        }
    }

    pub fn fail(reason: Reason, rule: &'static Rule) -> Self {
        Decision {
            verdict: Verdict::Fail(reason),
            written: Written::NOTHING,
            rule,
        }
    }

    pub fn not_modelled(rule: &'static Rule) -> Self {
        Decision {
            verdict: Verdict::NotModelled,
            written: Written::NOTHING,
            rule,
        }
    }

    pub fn writing(mut self, written: Written) -> Self {
        self.written = written;
        self
    }

    /// The observable answer of an `int`-returning call.
    pub fn answer(&self) -> Answer {
        let (ret, error) = match self.verdict {
            Verdict::Ok(_) => (Ret::OK, Some(WsaError::NO_ERROR)),
            Verdict::Fail(r) => (Ret::ERR, Some(r.error())),
            Verdict::NotModelled => (Ret::NotModelled, None),
        };
        Answer {
            ret,
            error,
            written: self.written,
            rule: self.rule,
        }
    }
}

/// One entry of the socket table (88 bytes). The generation makes a stale handle miss after a
/// close; the timer is the slot's place in the timer queue (timers.rs).
#[derive(Clone, Copy, Debug)]
struct Slot {
    generation: u32,
    timer: SlotTimer,
    /// Where the socket's option values are (sockopt/store.rs): 0 for none set yet (they read
    /// as `OptionValues::EMPTY`), k for `Stack::option_store[k − 1]`. Out of line, so that a
    /// table of sockets that set no option stays small (10^6 sockets in under 100 MB).
    options: u32,
    socket: Option<Socket>,
}

/// What a socket with no entry in the option store reads.
static NO_OPTIONS: OptionValues = OptionValues::EMPTY;

/// What [`Stack::connection_of`] reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Connection {
    pub remote: Option<crate::addr::SockAddr>,
    pub linked: bool,
    pub peer_closed: bool,
    pub waiting: usize,
}

/// One process's Winsock state under a fixed [`Config`].
///
/// Cost: creating and closing a socket is O(1) amortised (closed slots wait in a free list and
/// are reused, most recently closed first); `advance` costs in proportion to the keep-alive
/// events that happen (timers.rs), not to the number of open sockets.
#[derive(Debug)]
pub struct Stack {
    config: Config,
    startup_count: u32,
    slots: Vec<Slot>,
    /// Empty slots that may be reused, as a stack (the last closed is reused first).
    free: Vec<u32>,
    timers: TimerQueue,
    /// Slots whose timer a call may have changed, to work out before time moves (timers.rs).
    dirty: Vec<u32>,
    /// `advance` walks every socket instead of the timer queue (`with_reference_timeline`).
    reference_timeline: bool,
    /// The option values of the sockets that have any (a socket gets an entry when it first
    /// stores an option or connects), and the entries closed sockets left free.
    option_store: Vec<OptionValues>,
    option_free: Vec<u32>,
    last_error: WsaError,
    network_down: bool,
    blocking_call: bool,
    now: Instant,
    /// The thread's SO_OPENTYPE (the model's process has one thread).
    open_type: u32,
    /// The addresses and connections of the sockets that have any (net.rs), by slot: out of
    /// line, so that the slot stays small; ordered, so that walking it is deterministic.
    net: BTreeMap<u32, NetState>,
    /// The slots bound to each (stream?, port), so that a bind looks only at its own port.
    pub(crate) by_port: BTreeMap<(bool, u16), Vec<u32>>,
    /// Counts binds and listens, so that "the oldest" is well defined (net.rs).
    pub(crate) seq: u64,
    /// The last ephemeral port handed out (0: none yet).
    pub(crate) last_ephemeral: u16,
    /// Connections waiting in listeners' backlogs, oldest first.
    pub(crate) queued: Vec<Queued>,
    /// Datagrams waiting at the sockets they reached, oldest first.
    pub(crate) datagrams: Vec<Datagram>,
    /// Pending calls completed by a call (a send that a linked socket's pending recv receives),
    /// for the caller to collect with [`Stack::take_completed`].
    pub(crate) completed: Vec<crate::outcome::Completed>,
}

/// Cloning is written out so that `clone_from` reuses the target's allocations: a search that
/// tries every call from one state clones that state once per call into the same scratch stack.
impl Clone for Stack {
    fn clone(&self) -> Self {
        Stack {
            config: self.config,
            startup_count: self.startup_count,
            slots: self.slots.clone(),
            free: self.free.clone(),
            timers: self.timers.clone(),
            dirty: self.dirty.clone(),
            reference_timeline: self.reference_timeline,
            option_store: self.option_store.clone(),
            option_free: self.option_free.clone(),
            last_error: self.last_error,
            network_down: self.network_down,
            blocking_call: self.blocking_call,
            now: self.now,
            open_type: self.open_type,
            net: self.net.clone(),
            by_port: self.by_port.clone(),
            seq: self.seq,
            last_ephemeral: self.last_ephemeral,
            queued: self.queued.clone(),
            datagrams: self.datagrams.clone(),
            completed: self.completed.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.config = source.config;
        self.startup_count = source.startup_count;
        self.slots.clone_from(&source.slots);
        self.free.clone_from(&source.free);
        self.timers.clone_from(&source.timers);
        self.dirty.clone_from(&source.dirty);
        self.reference_timeline = source.reference_timeline;
        self.option_store.clone_from(&source.option_store);
        self.option_free.clone_from(&source.option_free);
        self.last_error = source.last_error;
        self.network_down = source.network_down;
        self.blocking_call = source.blocking_call;
        self.now = source.now;
        self.open_type = source.open_type;
        clone_map_from(&mut self.net, &source.net);
        clone_map_from(&mut self.by_port, &source.by_port);
        self.seq = source.seq;
        self.last_ephemeral = source.last_ephemeral;
        self.queued.clone_from(&source.queued);
        self.datagrams.clone_from(&source.datagrams);
        self.completed.clone_from(&source.completed);
    }
}

/// `dst = src.clone()`, keeping `dst`'s nodes when both hold the same keys (the common case in a
/// search: a call rarely binds or closes), since `BTreeMap::clone_from` always rebuilds.
fn clone_map_from<K: Ord + Clone, V: Clone>(dst: &mut BTreeMap<K, V>, src: &BTreeMap<K, V>) {
    if dst.len() == src.len() && dst.keys().eq(src.keys()) {
        for (d, s) in dst.values_mut().zip(src.values()) {
            d.clone_from(s);
        }
    } else {
        *dst = src.clone();
    }
}

impl Stack {
    pub fn new(config: Config) -> Self {
        Stack {
            config,
            startup_count: 0,
            slots: Vec::new(),
            free: Vec::new(),
            timers: TimerQueue::default(),
            dirty: Vec::new(),
            option_store: Vec::new(),
            option_free: Vec::new(),
            reference_timeline: false,
            last_error: WsaError::NO_ERROR,
            network_down: false,
            blocking_call: false,
            now: Instant::ZERO,
            open_type: 0,
            net: BTreeMap::new(),
            by_port: BTreeMap::new(),
            seq: 0,
            last_ephemeral: 0,
            queued: Vec::new(),
            datagrams: Vec::new(),
            completed: Vec::new(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The same stack with the reference timeline: `advance` runs every socket's keep-alive in
    /// closed form, one socket after another, with no timer queue (the O(sockets) walk the queue
    /// replaced). Its answers are the same; it exists so that tests can check the event-driven
    /// `advance` against it (tests/timers.rs).
    #[doc(hidden)]
    pub fn with_reference_timeline(mut self) -> Self {
        self.reference_timeline = true;
        self
    }

    pub fn version(&self) -> WindowsVersion {
        self.config.version
    }

    pub fn fidelity(&self) -> Fidelity {
        self.config.fidelity
    }

    /// `WSAGetLastError()`.
    pub fn last_error(&self) -> WsaError {
        self.last_error
    }

    pub fn startup_count(&self) -> u32 {
        self.startup_count
    }

    pub fn now(&self) -> Instant {
        self.now
    }

    /// The environment set by [`Stack::set_condition`]: (network down, blocking call in
    /// progress).
    pub fn conditions(&self) -> (bool, bool) {
        (self.network_down, self.blocking_call)
    }

    /// The thread's SO_OPENTYPE (the model's process has one thread).
    pub fn thread_open_type(&self) -> u32 {
        self.open_type
    }

    /// Moves virtual time forward (timeline.rs's `advance` is the only caller). Never moves it
    /// back.
    pub(crate) fn set_now(&mut self, t: Instant) {
        self.now = self.now.max(t);
    }

    /// The socket a handle names, if it names one.
    pub fn socket(&self, s: SocketHandle) -> Option<&Socket> {
        self.lookup(s).map(|(_, sock)| sock)
    }

    /// Every open socket, in handle order.
    pub fn sockets(&self) -> impl Iterator<Item = (SocketHandle, &Socket)> {
        self.slots.iter().enumerate().filter_map(|(i, slot)| {
            slot.socket
                .as_ref()
                .map(|s| (SocketHandle::issued(i as u32, slot.generation), s))
        })
    }

    // ---- internal helpers -------------------------------------------------------------------

    /// The number of slots in the socket table (open or not), for index walks that must not
    /// allocate.
    pub(crate) fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// The handle of the socket in slot `i`, if the slot holds one.
    pub(crate) fn handle_at(&self, i: usize) -> Option<SocketHandle> {
        let slot = self.slots.get(i)?;
        slot.socket
            .as_ref()
            .map(|_| SocketHandle::issued(i as u32, slot.generation))
    }

    fn find(&self, s: SocketHandle) -> Option<usize> {
        self.lookup(s).map(|(i, _)| i)
    }

    /// The slot index and the socket a handle names: `None` for a closed, never-issued or
    /// foreign handle.
    pub(crate) fn lookup(&self, s: SocketHandle) -> Option<(usize, &Socket)> {
        let (i, generation) = s.slot()?;
        let slot = self.slots.get(i)?;
        if slot.generation != generation {
            return None;
        }
        slot.socket.as_ref().map(|sock| (i, sock))
    }

    /// The socket in slot `i`, if the slot holds one.
    #[allow(dead_code)] // kept for hooks that hold a slot index only
    pub(crate) fn lookup_slot(&self, i: usize) -> Option<(usize, &Socket)> {
        self.slots.get(i)?.socket.as_ref().map(|sock| (i, sock))
    }

    /// The option values of the socket in slot `i`.
    pub(crate) fn option_values(&self, i: usize) -> Option<&OptionValues> {
        let slot = self.slots.get(i)?;
        slot.socket.as_ref()?;
        match slot.options {
            0 => Some(&NO_OPTIONS),
            k => self.option_store.get(k as usize - 1),
        }
    }

    /// The option values of the socket in slot `i`, to change. A socket's first change takes
    /// an entry of the option store (a freed one if there is one; otherwise the store grows,
    /// amortised O(1), as the socket table does).
    pub(crate) fn option_values_mut(&mut self, i: usize) -> Option<&mut OptionValues> {
        let slot = self.slots.get_mut(i)?;
        slot.socket.as_ref()?;
        if slot.options == 0 {
            let k = match self.option_free.pop() {
                Some(k) => k,
                None => {
                    self.option_store.push(OptionValues::EMPTY);
                    // At most one entry per slot, and slot indices fit in u32 (`insert`).
                    u32::try_from(self.option_store.len() - 1).unwrap_or(u32::MAX)
                }
            };
            slot.options = k + 1;
        }
        self.option_store.get_mut(slot.options as usize - 1)
    }

    /// Gives the option-store entry of slot `i` back (its socket is closing).
    fn release_options(&mut self, i: usize) {
        let Some(slot) = self.slots.get_mut(i) else {
            return;
        };
        if slot.options != 0 {
            let k = slot.options - 1;
            slot.options = 0;
            if let Some(v) = self.option_store.get_mut(k as usize) {
                *v = OptionValues::EMPTY;
            }
            self.option_free.push(k);
        }
    }

    /// The option values of the socket a handle names (for tests, docs and exploration).
    pub fn socket_options(&self, s: SocketHandle) -> Option<&OptionValues> {
        self.lookup(s).and_then(|(i, _)| self.option_values(i))
    }

    /// The local address of the socket a handle names, how it asked to share it when it was
    /// bound, and whether it reserves that address (a socket from `accept` shares its
    /// listener's and reserves nothing: assumption A60). Read-only, without a call's checks
    /// (for exploration).
    pub fn local_name(
        &self,
        s: SocketHandle,
    ) -> Option<(crate::addr::SockAddr, crate::addr::Share, bool)> {
        let (i, _) = self.lookup(s)?;
        let n = self.net(i)?;
        n.local.map(|a| (a, n.share, !n.accepted))
    }

    /// The connection of the socket a handle names, read-only, without a call's checks (for
    /// exploration): the address it is connected to by name (a datagram socket's default
    /// destination, or a stream socket's peer of the process), whether its other end is a socket
    /// of the process, whether that end was closed, and how many datagrams wait on it.
    pub fn connection_of(&self, s: SocketHandle) -> Option<Connection> {
        let (i, _) = self.lookup(s)?;
        let n = self.net(i)?;
        Some(Connection {
            remote: n.remote,
            linked: n.link.is_some(),
            peer_closed: n.peer_closed,
            waiting: self.datagrams.iter().filter(|g| g.to == i).count(),
        })
    }

    /// When the socket a handle names was bound and started listening, on the stack's counter
    /// (0: not yet): which of two sockets came first decides a bind's conflict and which
    /// listener a connection reaches. Read-only (for exploration).
    pub fn bind_and_listen_order(&self, s: SocketHandle) -> Option<(u64, u64)> {
        let (i, _) = self.lookup(s)?;
        let n = self.net(i)?;
        Some((n.bound_seq, n.listen_seq))
    }

    pub(crate) fn open_type(&self) -> u32 {
        self.open_type
    }

    pub(crate) fn set_open_type(&mut self, v: u32) {
        self.open_type = v;
    }

    /// The addresses and connection of the socket in slot `i`.
    pub(crate) fn net(&self, i: usize) -> Option<&NetState> {
        self.slots.get(i)?.socket.as_ref()?;
        Some(
            u32::try_from(i)
                .ok()
                .and_then(|k| self.net.get(&k))
                .unwrap_or(&NetState::EMPTY),
        )
    }

    /// The addresses of the socket in slot `i`, for a change (an entry is made on demand).
    pub(crate) fn net_mut(&mut self, i: usize) -> Option<&mut NetState> {
        self.slots.get(i)?.socket.as_ref()?;
        let k = u32::try_from(i).ok()?;
        Some(self.net.entry(k).or_insert(NetState::EMPTY))
    }

    pub(crate) fn socket_mut(&mut self, i: usize) -> Option<&mut Socket> {
        self.slots.get_mut(i).and_then(|s| s.socket.as_mut())
    }

    /// The one place a socket's state changes. A close empties the slot and bumps its
    /// generation, so the old handle stops being a socket.
    pub(crate) fn set_state(&mut self, i: usize, state: SocketState) {
        let now = self.now.0;
        if state == SocketState::Closed {
            self.release_options(i);
        }
        let Some(slot) = self.slots.get_mut(i) else {
            return;
        };
        if state == SocketState::Closed {
            let Some(closed) = slot.socket.take() else {
                return;
            };
            slot.timer.clear();
            // assumption:A17: the generation keeps a closed handle from naming a new socket. A
            // slot whose generation would wrap is retired rather than reused, so no handle ever
            // comes back.
            if slot.generation < u32::MAX {
                slot.generation += 1;
                // i < slots.len() <= u32::MAX (`insert`).
                self.free.push(i as u32);
            }
            // assumption:A60: a closed socket frees its address and port at once.
            let old = self.net.remove(&(i as u32)).unwrap_or(NetState::EMPTY);
            self.forget(i, old, closed.is_stream());
            return;
        }
        let mut connected = false;
        if let Some(sock) = slot.socket.as_mut() {
            if state == SocketState::Connected && sock.state != SocketState::Connected {
                // convention:timeline: the idle period starts at connection establishment.
                sock.idle_since = now;
                sock.probes_sent = 0;
                connected = true;
            }
            sock.state = state;
        }
        if connected {
            // options:O363: SO_CONNECT_TIME counts from here.
            if let Some(values) = self.option_values_mut(i) {
                values.connected_at = Some(now);
            }
            // Room for one live timer per slot, twice over, so that scheduling never has to
            // allocate in a hot call (timers.rs).
            self.timers.reserve_total(2 * self.slots.len() + 8);
            let (len, cap) = (self.dirty.len(), self.dirty.capacity());
            let want = self.slots.len() + 8;
            if cap < want {
                self.dirty.reserve(want - len);
            }
        }
        self.reschedule(i);
    }

    /// Files a new socket in a free slot (the last one closed), or in a new one. O(1)
    /// amortised.
    fn insert(&mut self, socket: Socket) -> SocketHandle {
        if let Some(i) = self.free.pop() {
            let slot = &mut self.slots[i as usize];
            slot.socket = Some(socket);
            // A closed socket gave its option values back (`release_options`) and its
            // addresses (`set_state`): `options` is 0 and `net` has no entry for it.
            return SocketHandle::issued(i, slot.generation);
        }
        // A handle names its slot in 32 bits; a table of 2^32 sockets (over 300 GB) is out of
        // reach, so this does not truncate in practice.
        let i = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
        self.slots.push(Slot {
            generation: 0,
            timer: SlotTimer::default(),
            options: 0,
            socket: Some(socket),
        });
        SocketHandle::issued(i, 0)
    }

    // ---- the timer queue (timers.rs) ---------------------------------------------------------

    /// Marks slot `i`'s timer for working out again before time next moves. Every change to
    /// what a socket's keep-alive does next calls it after the change: `set_state`,
    /// setsockopt's apply (one call at the end of `apply_set`), SIO_KEEPALIVE_VALS, `set_peer`,
    /// `peer_sends`, and `advance` for the sockets it ran. O(1); it neither allocates nor works
    /// anything out (timers.rs).
    pub(crate) fn reschedule(&mut self, i: usize) {
        if self.reference_timeline {
            return;
        }
        let Some(slot) = self.slots.get_mut(i) else {
            return;
        };
        if slot.timer.is_dirty() {
            return;
        }
        // A socket that is neither connected nor dropped, and has no timer, has nothing to
        // work out (it gets one when it connects), unless a recv waits on it (a UDP socket's
        // SO_RCVTIMEO deadline).
        let quiet = slot.timer.is_nothing()
            && slot.socket.as_ref().is_none_or(|s| {
                !s.recv_pending && !matches!(s.state, SocketState::Connected | SocketState::Dropped)
            });
        if quiet {
            return;
        }
        slot.timer.set_dirty(true);
        // Slot indices fit in u32 (`insert`). Each slot is listed at most once (the dirty
        // flag), and the list is reserved for the table when a socket connects.
        self.dirty.push(i as u32);
    }

    /// Works out the timers of every dirty slot (the start of `advance`).
    pub(crate) fn refresh_dirty(&mut self) {
        while let Some(i) = self.dirty.pop() {
            let i = i as usize;
            if self.slots.get(i).is_some_and(|s| s.timer.is_dirty()) {
                self.refresh_timer(i);
            }
        }
    }

    /// Works slot `i`'s timer out at the current instant. A periodic connection is first rolled
    /// forward to now with the idle time it has now: a change of the idle time restarts the
    /// idle period (convention:timeline), so rolling after the change gives what rolling
    /// before it would have.
    fn refresh_timer(&mut self, i: usize) {
        let now = self.now.0;
        // A pending recv's SO_RCVTIMEO deadline is an event too (timeline.rs).
        let deadline = self.option_values(i).and_then(|v| v.recv_deadline);
        let Some(slot) = self.slots.get_mut(i) else {
            return;
        };
        slot.timer.set_dirty(false);
        let Some(sock) = slot.socket.as_mut() else {
            slot.timer.clear();
            return;
        };
        let next =
            crate::timeline::next_for_queue(&self.config, sock, slot.timer.is_periodic(), now);
        let next = match (next, deadline) {
            (next, None) => next,
            (crate::timers::Next::At(t), Some(d)) => crate::timers::Next::At(t.min(d)),
            (_, Some(d)) => crate::timers::Next::At(d),
        };
        let mut timer = slot.timer;
        let slots = &self.slots;
        self.timers.schedule(i, &mut timer, next, |e: &Entry| {
            slots
                .get(e.slot as usize)
                .is_some_and(|s| s.timer.is_live(e))
        });
        self.slots[i].timer = timer;
    }

    /// Takes the next live timer at or before `to` off the queue; returns its slot.
    pub(crate) fn pop_due(&mut self, to: u64) -> Option<usize> {
        while let Some(e) = self.timers.peek_due(to) {
            self.timers.pop();
            let i = e.slot as usize;
            if let Some(slot) = self.slots.get_mut(i) {
                if slot.timer.is_live(&e) {
                    slot.timer.clear();
                    return Some(i);
                }
            }
        }
        None
    }

    pub(crate) fn uses_reference_timeline(&self) -> bool {
        self.reference_timeline
    }

    /// Is the socket in slot `i` periodic (its `idle_since` an anchor to roll forward)?
    pub(crate) fn is_periodic(&self, i: usize) -> bool {
        self.slots.get(i).is_some_and(|s| s.timer.is_periodic())
    }

    /// The checks every call that takes a socket makes first, in this order (assumption A03):
    /// the version is in scope, the process has started Winsock, the network is up, and no
    /// blocking call is in progress.
    pub(crate) fn process_checks<A>(&self) -> Result<(), Decision<A>> {
        if !self.config.version.at_least(threshold::WIN2000) {
            return Err(Decision::not_modelled(&rules::BEFORE_WIN2000));
        }
        if self.startup_count == 0 {
            return Err(Decision::fail(
                Reason::NotInitialised,
                &rules::NOT_INITIALISED,
            ));
        }
        if self.network_down {
            return Err(Decision::fail(Reason::NetworkDown, &rules::NETWORK_DOWN));
        }
        if self.blocking_call {
            return Err(Decision::fail(
                Reason::BlockingCallInProgress,
                &rules::IN_PROGRESS,
            ));
        }
        Ok(())
    }

    /// Process checks, then the handle lookup (WSAENOTSOCK).
    pub(crate) fn checks_and_lookup<A>(
        &self,
        s: SocketHandle,
    ) -> Result<(usize, &Socket), Decision<A>> {
        self.process_checks()?;
        self.lookup(s)
            .ok_or_else(|| Decision::fail(Reason::NotASocket, &rules::NOT_A_SOCKET))
    }

    /// Turns the decisions of both fidelities into the outcome, and records the last error.
    /// Calls that do not set the last error (not modelled) leave it alone.
    pub(crate) fn conclude<A>(&mut self, chosen: &Decision<A>, other: &Decision<A>) -> Outcome {
        self.conclude_with(chosen, other, true)
    }

    /// [`Stack::conclude`] when the other fidelity may not have been decided (`None`: the
    /// outcome carries no `other`).
    pub(crate) fn conclude_maybe<A>(
        &mut self,
        chosen: &Decision<A>,
        other: Option<&Decision<A>>,
    ) -> Outcome {
        match other {
            Some(other) => self.conclude_with(chosen, other, true),
            None => self.settle(chosen.answer(), None),
        }
    }

    /// The outcome of an answer, and the other fidelity's when it differs; a failure sets the
    /// last error.
    fn settle(&mut self, answer: Answer, other: Option<Answer>) -> Outcome {
        if let Some(e) = answer.error {
            self.last_error = e;
        }
        Outcome {
            ret: answer.ret,
            error: answer.error,
            written: answer.written,
            rule: answer.rule,
            fidelity: self.config.fidelity,
            other,
            completion: None,
        }
    }

    fn conclude_with<A>(
        &mut self,
        chosen: &Decision<A>,
        other: &Decision<A>,
        success_clears: bool,
    ) -> Outcome {
        let mut answer = chosen.answer();
        let mut alt = other.answer();
        if !success_clears {
            for a in [&mut answer, &mut alt] {
                if a.ret == Ret::OK {
                    a.error = None;
                }
            }
        }
        let other = (!answer.same_observable(&alt)).then_some(alt);
        self.settle(answer, other)
    }

    /// Both fidelities' decisions, with a success that leaves the last error as it was
    /// (assumption A12), for the calls whose answer may depend on fidelity (bind, connect).
    pub(crate) fn conclude_keeping_error<A>(
        &mut self,
        chosen: &Decision<A>,
        other: &Decision<A>,
    ) -> Outcome {
        self.conclude_with(chosen, other, false)
    }

    /// For calls whose answer does not depend on fidelity: socket, closesocket, bind, listen,
    /// accept, ioctlsocket, connect, WSACleanup. A success leaves the last error as it was
    /// (assumption A12: wine:G12 shows set/getsockopt clearing it; nothing shows these calls
    /// doing so, and Wine 8.0 leaves it untouched after them).
    pub(crate) fn conclude_same<A>(&mut self, d: &Decision<A>) -> Outcome {
        self.conclude_with(d, d, false)
    }

    // ---- WSAStartup / WSACleanup -----------------------------------------------------------

    /// `WSAStartup(wVersionRequested, &wsaData)`. Returns its error code; it does not set the
    /// last error.
    pub fn wsa_startup(&mut self, version_requested: u16) -> Outcome {
        let major = version_requested & 0xff;
        let (ret, rule) = if major == 0 {
            (WsaError::WSAVERNOTSUPPORTED.0, &rules::STARTUP_VERSION)
        } else {
            self.startup_count = self.startup_count.saturating_add(1);
            (0, &rules::STARTUP)
        };
        Outcome {
            ret: Ret::Int(ret),
            error: None,
            written: Written::NOTHING,
            rule,
            fidelity: self.config.fidelity,
            other: None,
            completion: None,
        }
    }

    /// `WSACleanup()`. The last one closes every socket (primary:P25).
    pub fn wsa_cleanup(&mut self) -> Outcome {
        let d: Decision<()> = if self.startup_count == 0 {
            Decision::fail(Reason::NotInitialised, &rules::CLEANUP_NOT_STARTED)
        } else {
            Decision::ok((), &rules::CLEANUP)
        };
        if let Verdict::Ok(()) = d.verdict {
            self.startup_count -= 1;
            if self.startup_count == 0 {
                // Highest slot first, so that the free list hands the lowest slots out first
                // afterwards, as a fresh table would.
                for i in (0..self.slots.len()).rev() {
                    if self.slots[i].socket.is_some() {
                        self.set_state(i, SocketState::Closed);
                    }
                }
            }
        }
        self.conclude_same(&d)
    }

    /// The environment from now on: a failed network subsystem, and a Winsock 1.1 blocking call
    /// in progress in the process.
    pub fn set_condition(&mut self, network_down: Option<bool>, blocking_call: Option<bool>) {
        if let Some(v) = network_down {
            self.network_down = v;
        }
        if let Some(v) = blocking_call {
            self.blocking_call = v;
        }
    }

    // ---- socket / closesocket / bind / listen / accept -------------------------------------

    /// `socket(af, type, protocol)`. Only AF_INET/AF_INET6 TCP, UDP and raw sockets are modelled.
    pub fn socket_create(
        &mut self,
        af: AddressFamily,
        ty: SocketType,
        protocol: Protocol,
    ) -> Outcome {
        let d = self.decide_socket(af, ty, protocol);
        let mut outcome = self.conclude_same(&d);
        match d.verdict {
            Verdict::Ok(()) => {
                let h = self.insert(Socket::new(af, ty, protocol));
                outcome.ret = Ret::Socket(h);
            }
            Verdict::Fail(_) => outcome.ret = Ret::Socket(SocketHandle::INVALID_SOCKET),
            Verdict::NotModelled => {}
        }
        outcome
    }

    fn decide_socket(&self, af: AddressFamily, ty: SocketType, protocol: Protocol) -> Decision<()> {
        if let Err(d) = self.process_checks::<()>() {
            if let Verdict::Fail(Reason::NotInitialised) = d.verdict {
                return Decision::fail(Reason::NotInitialised, &rules::SOCKET_NOT_INITIALISED);
            }
            return d;
        }
        let inet = af == AddressFamily::AF_INET || af == AddressFamily::AF_INET6;
        let fits = match ty {
            SocketType::SOCK_STREAM => {
                protocol == Protocol::IPPROTO_DEFAULT || protocol == Protocol::IPPROTO_TCP
            }
            SocketType::SOCK_DGRAM => {
                protocol == Protocol::IPPROTO_DEFAULT || protocol == Protocol::IPPROTO_UDP
            }
            SocketType::SOCK_RAW => true,
            _ => false,
        };
        if inet && ty == SocketType::SOCK_RAW && !self.config.elevated {
            // Raw sockets need administrator rights. From Vista on a standard user's socket()
            // fails with WSAEACCES (doc:D-RAW; options:O229, O232: the test skips its raw rows on
            // WSAEACCES); before Vista the check comes at later calls, which are not modelled.
            if !self
                .config
                .version
                .at_least(crate::version::threshold::VISTA)
            {
                return Decision::not_modelled(&rules::SOCKET_RAW_LEGACY);
            }
            return Decision::fail(Reason::AccessDenied, &rules::SOCKET_RAW_ACCESS);
        }
        if inet && fits {
            Decision::ok((), &rules::SOCKET_CREATED)
        } else {
            Decision::not_modelled(&rules::SOCKET_NOT_MODELLED)
        }
    }

    /// `closesocket(s)`.
    pub fn closesocket(&mut self, s: SocketHandle) -> Outcome {
        let d = match self.checks_and_lookup::<usize>(s) {
            Ok((i, _)) => Decision::ok(i, self.close_rule(i)),
            Err(d) => d,
        };
        let outcome = self.conclude_same(&d);
        if let Verdict::Ok(i) = d.verdict {
            self.set_state(i, SocketState::Closed);
        }
        outcome
    }

    /// `bind(s, addr, len)` to the wildcard address of the socket's family and an ephemeral
    /// port (`bind_name` takes an address).
    pub fn bind(&mut self, s: SocketHandle) -> Outcome {
        self.bind_name(s, None)
    }

    /// `listen(s, backlog)`.
    pub fn listen(&mut self, s: SocketHandle) -> Outcome {
        let d = match self.checks_and_lookup::<usize>(s) {
            Err(d) => d,
            Ok((i, sock)) => match sock.state {
                _ if !sock.is_stream() => {
                    Decision::fail(Reason::OperationNotSupported, &rules::LISTEN_DGRAM)
                }
                SocketState::Created => {
                    Decision::fail(Reason::InvalidArgument, &rules::LISTEN_NOT_BOUND)
                }
                SocketState::Bound | SocketState::Listening => Decision::ok(i, &rules::LISTEN),
                _ => Decision::fail(Reason::AlreadyConnected, &rules::LISTEN_CONNECTED),
            },
        };
        let outcome = self.conclude_same(&d);
        if let Verdict::Ok(i) = d.verdict {
            self.set_state(i, SocketState::Listening);
            self.note_listen(i);
        }
        outcome
    }

    /// A peer connects to a listening socket; the connection waits in the backlog. This is a
    /// scenario action, not a Winsock call.
    pub fn incoming(&mut self, s: SocketHandle) -> Result<&'static Rule, Misuse> {
        let i = self
            .find(s)
            .ok_or(Misuse("`incoming` needs a socket the process owns"))?;
        let sock = self
            .socket_mut(i)
            .ok_or(Misuse("`incoming` needs a socket the process owns"))?;
        if sock.state != SocketState::Listening {
            return Err(Misuse("`incoming` needs a listening socket"));
        }
        sock.backlog = sock.backlog.saturating_add(1);
        self.queue_remote(i);
        Ok(&rules::INCOMING)
    }

    /// `accept(s, NULL, NULL)`. The accepted socket inherits the listener's options
    /// (primary:P17).
    pub fn accept(&mut self, s: SocketHandle) -> Result<Outcome, Misuse> {
        let d = match self.checks_and_lookup::<(usize, Socket)>(s) {
            Err(d) => d,
            Ok((i, sock)) => {
                if !sock.is_stream() {
                    Decision::fail(Reason::OperationNotSupported, &rules::ACCEPT_DGRAM)
                } else if sock.state != SocketState::Listening {
                    Decision::fail(Reason::InvalidArgument, &rules::ACCEPT_NOT_LISTENING)
                } else if sock.backlog == 0 && sock.non_blocking {
                    Decision::fail(Reason::WouldBlock, &rules::ACCEPT_WOULDBLOCK)
                } else if sock.backlog == 0 {
                    return Err(Misuse(
                        "a blocking accept with nothing waiting would block forever; add an `incoming` step first",
                    ));
                } else {
                    Decision::ok((i, *sock), &rules::ACCEPT)
                }
            }
        };
        let mut outcome = self.conclude_same(&d);
        match d.verdict {
            Verdict::Ok((i, listener)) => {
                if let Some(l) = self.socket_mut(i) {
                    l.backlog -= 1;
                }
                // assumption:A14: the accepted socket starts as a copy of the listener, so it
                // inherits every setting (non-blocking mode, keep-alive values), not only
                // SO_KEEPALIVE (primary:P17); the per-connection fields are reset below.
                let h = self.insert(Socket::inheriting(&listener));
                if let Some(j) = self.find(h) {
                    self.inherit_options(i, j);
                    self.set_state(j, SocketState::Connected);
                    self.on_accept(i, j);
                }
                outcome.ret = Ret::Socket(h);
            }
            Verdict::Fail(_) => outcome.ret = Ret::Socket(SocketHandle::INVALID_SOCKET),
            Verdict::NotModelled => {}
        }
        Ok(outcome)
    }

    /// `ioctlsocket(s, cmd, &argp)`. FIONBIO selects blocking (0) or non-blocking mode.
    pub fn ioctlsocket(&mut self, s: SocketHandle, cmd: IoctlCode, argp: u32) -> Outcome {
        let d = match self.checks_and_lookup::<usize>(s) {
            Err(d) => d,
            Ok((i, _)) if cmd == IoctlCode::FIONBIO => Decision::ok(i, &rules::FIONBIO),
            Ok(_) => Decision::not_modelled(&rules::IOCTLSOCKET_NOT_MODELLED),
        };
        let outcome = self.conclude_same(&d);
        if let Verdict::Ok(i) = d.verdict {
            if let Some(sock) = self.socket_mut(i) {
                sock.non_blocking = argp != 0;
            }
        }
        outcome
    }

    // ---- connect -----------------------------------------------------------------------------

    /// `connect(s, addr, len)` to a peer that accepts, refuses or stays silent. A blocking
    /// connect returns at once with the peer's answer; a non-blocking one returns
    /// WSAEWOULDBLOCK and leaves the socket connecting until [`Stack::complete_connect`].
    pub fn connect(&mut self, s: SocketHandle, peer: Peer) -> Outcome {
        let d = self.decide_connect(s, peer);
        let outcome = self.conclude_same(&d);
        match d.verdict {
            Verdict::Ok(i) => {
                if let Some(sock) = self.socket_mut(i) {
                    sock.so_error = WsaError::NO_ERROR; // primary:P20: a successful connect resets it
                    sock.peer = Peer::Accepts;
                }
                self.set_state(i, SocketState::Connected);
            }
            // The one failure that changes state: a non-blocking connect has started.
            Verdict::Fail(Reason::WouldBlock) => {
                if let Some(i) = self.find(s) {
                    if let Some(sock) = self.socket_mut(i) {
                        sock.peer = peer;
                    }
                    self.set_state(i, SocketState::Connecting);
                }
            }
            // assumption:A13: a refused or timed-out blocking connect leaves the state as it was.
            _ => {}
        }
        outcome
    }

    fn decide_connect(&self, s: SocketHandle, peer: Peer) -> Decision<usize> {
        let (i, sock) = match self.checks_and_lookup::<usize>(s) {
            Ok(found) => found,
            Err(d) => return d,
        };
        if !sock.is_stream() {
            return Decision::not_modelled(&rules::CONNECT_DGRAM);
        }
        match sock.state {
            SocketState::Listening => {
                Decision::fail(Reason::InvalidArgument, &rules::CONNECT_LISTENING)
            }
            SocketState::Connecting => {
                Decision::fail(Reason::AlreadyInProgress, &rules::CONNECT_ALREADY)
            }
            SocketState::Connected | SocketState::Dropped => {
                Decision::fail(Reason::AlreadyConnected, &rules::CONNECT_ISCONN)
            }
            _ if sock.non_blocking => {
                Decision::fail(Reason::WouldBlock, &rules::CONNECT_WOULDBLOCK)
            }
            _ => match peer {
                Peer::Accepts => Decision::ok(i, &rules::CONNECT_OK),
                Peer::Refuses | Peer::Resets => {
                    Decision::fail(Reason::ConnectionRefused, &rules::CONNECT_REFUSED)
                }
                Peer::Silent => Decision::fail(Reason::TimedOut, &rules::CONNECT_TIMED_OUT),
            },
        }
    }

    /// The pending non-blocking connect completes according to its peer. A refused or
    /// timed-out connect leaves the socket bound, with the error pending in `SO_ERROR`
    /// (primary:P20). A scenario action; it does not set the last error.
    pub fn complete_connect(&mut self, s: SocketHandle) -> Result<Outcome, Misuse> {
        let (i, sock) = self
            .lookup(s)
            .ok_or(Misuse("`complete_connect` needs a socket the process owns"))?;
        if sock.state != SocketState::Connecting {
            return Err(Misuse(
                "`complete_connect` needs a socket whose non-blocking connect is pending",
            ));
        }
        let (state, so_error) = match sock.peer {
            Peer::Accepts => (SocketState::Connected, WsaError::NO_ERROR),
            Peer::Refuses | Peer::Resets => (SocketState::Bound, WsaError::WSAECONNREFUSED),
            Peer::Silent => (SocketState::Bound, WsaError::WSAETIMEDOUT),
        };
        // A connect by name goes where a listener is now (net.rs).
        let (state, so_error) = self.complete_by_name(i).unwrap_or((state, so_error));
        if let Some(sock) = self.socket_mut(i) {
            sock.so_error = so_error;
        }
        self.set_state(i, state);
        Ok(Outcome {
            ret: Ret::OK,
            error: None,
            written: Written::NOTHING,
            rule: &rules::COMPLETE_CONNECT,
            fidelity: self.config.fidelity,
            other: None,
            completion: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{AddressFamily, Protocol, SocketType, WsaError};
    use crate::version::WindowsVersion;

    fn started() -> Stack {
        let mut st = Stack::new(Config::new(WindowsVersion::new(10, 0, 22000)));
        st.wsa_startup(0x0202);
        st
    }

    fn tcp(st: &mut Stack) -> SocketHandle {
        match st
            .socket_create(
                AddressFamily::AF_INET,
                SocketType::SOCK_STREAM,
                Protocol::IPPROTO_TCP,
            )
            .ret
        {
            Ret::Socket(s) => s,
            other => panic!("socket() answered {other}"),
        }
    }

    #[test]
    fn clone_from_gives_what_clone_gives_whatever_the_target_held() {
        // The source: bound and listening sockets (the address maps), a closed slot (the free
        // lists), a stored option (the option store).
        let mut src = started();
        let a = tcp(&mut src);
        let b = tcp(&mut src);
        let c = tcp(&mut src);
        let name = |s: &str| s.parse::<crate::addr::SockAddr>().unwrap();
        assert_eq!(src.bind_name(a, Some(name("127.0.0.1:5000"))).ret, Ret::OK);
        assert_eq!(src.listen(a).ret, Ret::OK);
        assert_eq!(src.bind_name(b, Some(name("0.0.0.0:5001"))).ret, Ret::OK);
        src.option_values_mut(src.find(c).unwrap())
            .unwrap()
            .connected_at = Some(3);
        src.closesocket(b);
        // Targets of other shapes: fresh, the same keys with other values, more sockets.
        let mut same_keys = src.clone();
        same_keys.listen(c);
        let mut bigger = started();
        for _ in 0..4 {
            let s = tcp(&mut bigger);
            bigger.bind_name(s, Some(name("127.0.0.1:0")));
        }
        for mut target in [started(), same_keys, bigger] {
            target.clone_from(&src);
            assert_eq!(format!("{target:?}"), format!("{:?}", src.clone()));
        }
    }

    #[test]
    fn a_table_slot_is_88_bytes() {
        // 10^6 sockets in one stack within 100 MB, with the table's doubling growth.
        assert!(
            core::mem::size_of::<Slot>() <= 88,
            "{}",
            core::mem::size_of::<Slot>()
        );
    }

    #[test]
    fn option_values_live_out_of_line_and_come_back_on_close() {
        let mut st = started();
        let a = tcp(&mut st);
        let b = tcp(&mut st);
        let (ia, ib) = (st.find(a).unwrap(), st.find(b).unwrap());
        assert_eq!(st.option_values(ia), Some(&OptionValues::EMPTY));
        assert!(st.option_store.is_empty(), "no entry before a change");
        st.option_values_mut(ia).unwrap().connected_at = Some(7);
        st.option_values_mut(ib).unwrap().connected_at = Some(9);
        assert_eq!(st.option_store.len(), 2);
        assert_eq!(st.option_values(ia).unwrap().connected_at, Some(7));
        st.closesocket(a);
        assert!(st.option_values(ia).is_none());
        let c = tcp(&mut st);
        let ic = st.find(c).unwrap();
        assert_eq!(
            st.option_values(ic),
            Some(&OptionValues::EMPTY),
            "fresh values"
        );
        st.option_values_mut(ic).unwrap();
        assert_eq!(st.option_store.len(), 2, "the freed entry was reused");
        assert_eq!(st.option_values(ib).unwrap().connected_at, Some(9));
    }

    #[test]
    fn a_closed_slot_is_reused_and_its_old_handle_misses_a17() {
        let mut st = started();
        let a = tcp(&mut st);
        let b = tcp(&mut st);
        assert_eq!(st.closesocket(a).ret, Ret::OK);
        let c = tcp(&mut st);
        assert_eq!(
            st.slot_count(),
            2,
            "the closed slot was reused, the table did not grow"
        );
        assert_eq!(c.slot().map(|(i, _)| i), a.slot().map(|(i, _)| i));
        assert_ne!(c, a);
        assert!(st.socket(a).is_none(), "the old handle names nothing");
        assert_eq!(st.closesocket(a).error, Some(WsaError::WSAENOTSOCK));
        assert!(st.socket(b).is_some() && st.socket(c).is_some());
    }

    #[test]
    fn the_last_closed_slot_is_reused_first_and_sockets_stay_in_handle_order() {
        let mut st = started();
        let h: Vec<_> = (0..5).map(|_| tcp(&mut st)).collect();
        st.closesocket(h[1]);
        st.closesocket(h[3]);
        let x = tcp(&mut st);
        let y = tcp(&mut st);
        assert_eq!(x.slot().map(|(i, _)| i), Some(3));
        assert_eq!(y.slot().map(|(i, _)| i), Some(1));
        let listed: Vec<_> = st.sockets().map(|(h, _)| h).collect();
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(listed, sorted, "handle order");
        assert_eq!(listed, [h[0], y, h[2], x, h[4]]);
    }

    #[test]
    fn after_the_last_cleanup_the_lowest_slots_come_back_first() {
        let mut st = started();
        for _ in 0..3 {
            tcp(&mut st);
        }
        st.wsa_cleanup();
        st.wsa_startup(0x0202);
        let slots: Vec<_> = (0..3)
            .map(|_| tcp(&mut st).slot().map(|(i, _)| i))
            .collect();
        assert_eq!(slots, [Some(0), Some(1), Some(2)]);
        assert_eq!(st.slot_count(), 3);
    }

    #[test]
    fn churn_without_advance_lists_each_slot_once() {
        let mut st = started();
        for _ in 0..1_000 {
            let s = tcp(&mut st);
            st.connect(s, Peer::Accepts);
            st.closesocket(s);
        }
        assert_eq!(st.slot_count(), 1);
        assert!(st.dirty.len() <= 1, "{}", st.dirty.len());
        st.advance(crate::time::Duration(1));
        assert!(st.dirty.is_empty());
    }

    #[test]
    fn a_slot_whose_generation_would_wrap_is_retired_a17() {
        let mut st = started();
        let a = tcp(&mut st);
        st.slots[0].generation = u32::MAX - 1;
        let a = SocketHandle::issued(a.slot().map_or(0, |(i, _)| i as u32), u32::MAX - 1);
        st.closesocket(a);
        let b = tcp(&mut st);
        assert_eq!(b, SocketHandle::issued(0, u32::MAX), "reused once more");
        st.closesocket(b);
        let c = tcp(&mut st);
        assert_eq!(c.slot().map(|(i, _)| i), Some(1), "slot 0 is retired");
        assert!(st.socket(b).is_none() && st.socket(a).is_none());
    }
}
