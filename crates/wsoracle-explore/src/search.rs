//! The breadth-first search: for one group of options, one preset and one fidelity, every state
//! the model reaches from a fresh process under the bounds, to a fixpoint.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use wsoracle_model::sockopt::def::OptionDef;
use wsoracle_model::sockopt::store::Slot;
use wsoracle_model::sockopt::table::OPTIONS;
use wsoracle_model::{Config, Level, OptName, Rule, Stack};

use crate::alphabet::{self, Call, Handle, Kind, Time};
use crate::exec::{self, Bounds, Broken, Invariant};

/// Options that interact through code rather than a shared store slot: a hook of one reads or
/// writes the other, or they drive one simulated mechanism. Options that share a slot
/// (SO_LINGER/SO_DONTLINGER) are grouped without being listed here.
const INTERACTING: &[&[&str]] = &[
    &["SO_REUSEADDR", "SO_EXCLUSIVEADDRUSE"],
    &[
        "SO_KEEPALIVE",
        "TCP_KEEPALIVE",
        "TCP_KEEPCNT",
        "TCP_KEEPINTVL",
    ],
];

/// Options the model simulates over time besides the keep-alive family: their groups also take
/// a blocking recv, the peer's data and the time steps (SO_RCVTIMEO bounds a pending recv).
const TIMED: &[&str] = &["SO_RCVTIMEO"];

/// What a group searches, which decides its alphabet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    /// One option of the table, or options that interact: their calls and the lifecycle.
    Options,
    /// The keep-alive timeline: time steps, the peer, and the natural settings only.
    Timeline,
    /// Binds and connects by name on two TCP sockets, with the sharing options.
    AddressReuse,
    /// Datagrams between two UDP sockets: names, sendto, recvfrom.
    Datagrams,
    /// TCP connections inside the host by name: connect, accept, send, recv, close.
    StreamNames,
    /// The ICMP errors on one UDP socket and their switches.
    Icmp,
    /// No option: the process calls and conditions, every socket kind, the ioctl codes, the
    /// pairs outside the table, not-a-socket.
    Process,
}

/// A group of options searched together, or one of the groups without options.
#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub options: Vec<&'static OptionDef>,
    pub bounds: Bounds,
    pub kind: GroupKind,
}

impl Group {
    pub fn is_process(&self) -> bool {
        self.kind == GroupKind::Process
    }

    /// The keep-alive family: it also takes SIO_KEEPALIVE_VALS and the time steps.
    pub fn is_keepalive(&self) -> bool {
        self.options.iter().any(|d| d.name == "SO_KEEPALIVE")
    }

    /// Whether the group binds and connects by name, so that the sockets' names (addresses,
    /// connections, order) are part of its canonical states.
    pub fn searches_names(&self) -> bool {
        matches!(
            self.kind,
            GroupKind::AddressReuse
                | GroupKind::Datagrams
                | GroupKind::StreamNames
                | GroupKind::Icmp
        )
    }
}

/// The groups, derived from the table: one per option, merged where options share a store slot
/// or interact (`INTERACTING`), in table order; then the process group.
pub fn groups() -> Vec<Group> {
    let mut groups: Vec<Vec<&'static OptionDef>> = Vec::new();
    for def in OPTIONS {
        let joins = groups.iter().position(|g| {
            g.iter().any(|o| {
                (o.slot != Slot::None && o.slot == def.slot)
                    || INTERACTING
                        .iter()
                        .any(|set| set.contains(&o.name) && set.contains(&def.name))
            })
        });
        match joins {
            Some(i) => groups[i].push(def),
            None => groups.push(vec![def]),
        }
    }
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|options| Group {
            name: options.iter().map(|d| d.name).collect::<Vec<_>>().join("+"),
            bounds: if options.len() > 1 {
                Bounds::GROUP
            } else {
                Bounds::OPTIONS
            },
            options,
            kind: GroupKind::Options,
        })
        .collect();
    for (name, bounds, kind) in [
        ("keep-alive timeline", Bounds::GROUP, GroupKind::Timeline),
        ("address reuse", Bounds::ADDRESSES, GroupKind::AddressReuse),
        ("datagrams", Bounds::DATAGRAMS, GroupKind::Datagrams),
        ("stream names", Bounds::STREAMS, GroupKind::StreamNames),
        ("ICMP", Bounds::ICMP, GroupKind::Icmp),
        ("process", Bounds::PROCESS, GroupKind::Process),
    ] {
        out.push(Group {
            name: name.into(),
            options: Vec::new(),
            bounds,
            kind,
        });
    }
    out
}

/// The keep-alive timeline's alphabet: one TCP socket through its lifecycle and its peer's
/// behaviour, keep-alive switched on and off by SO_KEEPALIVE and SIO_KEEPALIVE_VALS with their
/// natural arguments, a probe count by TCP_KEEPCNT, and the time steps.
fn timeline_alphabet() -> Vec<Call> {
    let s = Handle::Open(0);
    let mut out = alphabet::process_calls(false);
    out.push(Call::Socket(Kind::TCP4));
    for t in [Time::Zero, Time::ToNextEvent, Time::JustBeforeNextEvent] {
        out.push(Call::Advance(t));
    }
    out.extend(alphabet::lifecycle(s));
    for (level, optname, value) in [
        (Level::SOL_SOCKET, OptName::SO_KEEPALIVE, 1),
        (Level::SOL_SOCKET, OptName::SO_KEEPALIVE, 0),
        (Level::IPPROTO_TCP, OptName::TCP_KEEPCNT, 2),
    ] {
        out.push(Call::Set {
            s,
            level,
            optname,
            optval: alphabet::InArg::Value { value, buf: 4 },
            optlen: 4,
        });
    }
    out.push(Call::Ioctl {
        s,
        code: wsoracle_model::IoctlCode::SIO_KEEPALIVE_VALS,
        arg: alphabet::IoctlArg::Natural {
            onoff: 1,
            time: 1000,
            interval: 1000,
        },
    });
    out
}

/// The address-reuse group's alphabet: WSAStartup, a TCP socket of either family, and on each
/// socket bind by name (127.0.0.1, 0.0.0.0, [::1], [::] on one fixed port, 127.0.0.1 on port
/// 0), connect by name to the loopback address of either family on the fixed port, listen, and
/// SO_REUSEADDR and SO_EXCLUSIVEADDRUSE switched on, IPV6_V6ONLY switched off, with
/// their natural size. Datagram sockets are the datagram group's.
fn address_alphabet(bounds: &Bounds) -> Vec<Call> {
    let mut out = vec![Call::Startup(0x0202)];
    out.push(Call::Socket(Kind::TCP4));
    out.push(Call::Socket(Kind::TCP6));
    for i in 0..bounds.sockets as u8 {
        let s = Handle::Open(i);
        out.extend(alphabet::address_calls(s));
        for (level, optname) in [
            (Level::SOL_SOCKET, OptName::SO_REUSEADDR),
            (Level::SOL_SOCKET, OptName::SO_EXCLUSIVEADDRUSE),
            (Level::IPPROTO_IPV6, OptName::IPV6_V6ONLY),
        ] {
            // IPV6_V6ONLY is on by default: it is switched off; the other two switched on.
            let value = u32::from(optname != OptName::IPV6_V6ONLY);
            out.push(Call::Set {
                s,
                level,
                optname,
                optval: alphabet::InArg::Value { value, buf: 4 },
                optlen: 4,
            });
        }
    }
    out
}

/// The datagram group's alphabet: WSAStartup, a UDP socket of either family; on the first
/// socket the datagram calls ([`alphabet::datagram_calls`]: bind and connect by name, sendto,
/// send, recvfrom, getsockname, getpeername, FIONBIO, SO_BROADCAST), on the second the other
/// end's ([`alphabet::datagram_sender_calls`]: bind and sendto). The ICMP errors and their
/// switches, which concern one socket, are the ICMP group's.
fn datagram_alphabet() -> Vec<Call> {
    let mut out = vec![
        Call::Startup(0x0202),
        Call::Socket(Kind::UDP4),
        Call::Socket(Kind::UDP6),
    ];
    out.extend(alphabet::datagram_calls(Handle::Open(0)));
    out.extend(alphabet::datagram_sender_calls(Handle::Open(1)));
    out
}

/// The stream-names group's alphabet: WSAStartup, an IPv4 TCP socket, and on each of three
/// sockets the stream calls by name ([`alphabet::stream_name_calls`]).
fn stream_alphabet() -> Vec<Call> {
    let mut out = vec![Call::Startup(0x0202), Call::Socket(Kind::TCP4)];
    for i in 0..Bounds::STREAMS.sockets as u8 {
        out.extend(alphabet::stream_name_calls(Handle::Open(i)));
    }
    out
}

/// The ICMP group's alphabet: WSAStartup, one IPv4 UDP socket and its ICMP calls
/// ([`alphabet::icmp_calls`]).
fn icmp_alphabet() -> Vec<Call> {
    let mut out = vec![Call::Startup(0x0202), Call::Socket(Kind::UDP4)];
    out.extend(alphabet::icmp_calls(Handle::Open(0)));
    out
}

/// The alphabet of a group.
pub fn alphabet(group: &Group) -> Vec<Call> {
    match group.kind {
        GroupKind::Timeline => return timeline_alphabet(),
        GroupKind::AddressReuse => return address_alphabet(&group.bounds),
        GroupKind::Datagrams => return datagram_alphabet(),
        GroupKind::StreamNames => return stream_alphabet(),
        GroupKind::Icmp => return icmp_alphabet(),
        GroupKind::Options | GroupKind::Process => {}
    }
    let mut out = alphabet::process_calls(group.is_process());
    let kinds: Vec<Kind> = if group.is_process() {
        Kind::MODELLED
            .into_iter()
            .chain([Kind::RAW4, Kind::BAD_PROTOCOL])
            .collect()
    } else if group.options.iter().any(|d| {
        d.level == Level::IPPROTO_IPV6
            || d.level == Level::IPPROTO_IP
            || d.level == Level::IPPROTO_UDP
    }) {
        Kind::MODELLED.to_vec()
    } else {
        // No rule of the socket and TCP levels reads the address family (the process group
        // searches all four kinds): IPv4 stands for both.
        vec![Kind::TCP4, Kind::UDP4]
    };
    out.extend(kinds.into_iter().map(Call::Socket));
    out.push(Call::Advance(Time::Zero));
    let timed = group.options.iter().any(|d| TIMED.contains(&d.name));
    if timed {
        out.push(Call::Advance(Time::ToNextEvent));
        out.push(Call::Advance(Time::JustBeforeNextEvent));
    }
    let max = group.bounds.sockets as u8;
    for i in 0..max {
        let s = Handle::Open(i);
        if group.is_process() || group.is_keepalive() {
            out.extend(alphabet::lifecycle(s));
        } else {
            out.extend(alphabet::lifecycle_for_options(s));
        }
        if group.is_process() {
            // The names of a socket connected to a remote peer (not modelled) or to none.
            out.extend([Call::GetSockName(s), Call::GetPeerName(s)]);
            out.extend(alphabet::ioctl_calls(s, false));
            for (level, optname) in alphabet::outside_table() {
                out.extend(alphabet::outside_calls(level, optname, s));
            }
        } else if group.is_keepalive() {
            out.extend(
                alphabet::ioctl_calls(s, true)
                    .into_iter()
                    .filter(|c| matches!(c, Call::Ioctl { code, .. } if *code == wsoracle_model::IoctlCode::SIO_KEEPALIVE_VALS)),
            );
        }
        if timed && i == 0 {
            // A blocking recv goes pending; the time steps reach its deadline; the peer's data
            // completes it first (on the first socket: the accepted one adds states, no rule).
            out.extend([Call::Recv(s, 1), Call::PeerSends(s)]);
        }
        for def in &group.options {
            out.extend(alphabet::option_calls(def, s));
        }
    }
    let s = Handle::NotASocket;
    if group.is_process() {
        out.extend(alphabet::lifecycle(s));
        out.extend(alphabet::ioctl_calls(s, true));
        for (level, optname) in alphabet::outside_table() {
            out.extend(alphabet::outside_calls(level, optname, s));
        }
    }
    for def in &group.options {
        out.extend(alphabet::option_calls(def, s));
    }
    out
}

/// A broken invariant and the shortest call sequence from a fresh process that breaks it.
#[derive(Clone, Debug)]
pub struct Violation {
    pub config: Config,
    pub group: String,
    pub path: Vec<Call>,
    pub broken: Broken,
}

/// What one search found.
#[derive(Debug, Default)]
pub struct Found {
    pub states: usize,
    pub transitions: usize,
    pub rules: BTreeSet<&'static str>,
    pub violations: Vec<Violation>,
}

/// The path from the initial state to state `i`.
fn path_to(parents: &[(u32, Option<Call>)], mut i: usize) -> Vec<Call> {
    let mut out = Vec::new();
    while let (parent, Some(call)) = parents[i] {
        out.push(call);
        i = parent as usize;
    }
    out.reverse();
    out
}

/// The breadth-first search of one group under one configuration, to a fixpoint. The first
/// violation of each (invariant, rule) pair is kept: breadth first, its path is a shortest one.
pub fn search(config: Config, group: &Group, calls: &[Call]) -> Found {
    let mut found = Found::default();
    let start = Stack::new(config);
    let mut seen: HashMap<exec::Key, u32, exec::FxBuild> = HashMap::default();
    let mut reached: HashSet<usize, exec::FxBuild> = HashSet::default();
    seen.insert(exec::key_with(&start, group.searches_names()), 0);
    let mut states: Vec<Stack> = vec![start];
    let mut parents: Vec<(u32, Option<Call>)> = vec![(0, None)];
    let mut reported: BTreeSet<(Invariant, Option<&'static str>)> = BTreeSet::new();
    let mut next = 0usize;
    // One scratch stack per search: each call is tried on a copy of the state made with
    // `clone_from`, which reuses the scratch's allocations; a new state is cloned once to keep.
    let mut after = states[0].clone();
    let mut obs = exec::Observed::default();
    let mut key = exec::Key::default();
    while next < states.len() {
        let i = next;
        next += 1;
        for call in calls {
            if !exec::enabled(&states[i], call, &group.bounds) {
                continue;
            }
            found.transitions += 1;
            after.clone_from(&states[i]);
            let result = catch_unwind(AssertUnwindSafe(|| {
                exec::run_into(&mut after, call, &mut obs);
                let unchanged = exec::same_state(&states[i], &after)
                    && (!group.searches_names() || exec::same_names(&states[i], &after));
                let broken = exec::check(&after, call, &obs, unchanged);
                (broken, unchanged)
            }));
            let mut unchanged = false;
            let broken = match result {
                Ok((broken, same)) => {
                    unchanged = same;
                    for r in obs.rules.iter() {
                        reached.insert(r as *const Rule as usize);
                    }
                    broken
                }
                Err(_) => vec![Broken {
                    invariant: Invariant::NoPanic,
                    rule: None,
                    detail: format!("{} panicked", call.name()),
                }],
            };
            for b in broken {
                if reported.insert((b.invariant, b.rule)) {
                    let mut path = path_to(&parents, i);
                    path.push(*call);
                    found.violations.push(Violation {
                        config,
                        group: group.name.clone(),
                        path,
                        broken: b,
                    });
                }
            }
            if unchanged || reported.contains(&(Invariant::NoPanic, None)) {
                continue;
            }
            exec::key_into(&after, group.searches_names(), &mut key);
            if !seen.contains_key(&key) {
                seen.insert(key.clone(), states.len() as u32);
                states.push(after.clone());
                parents.push((i as u32, Some(*call)));
            }
        }
    }
    found.states = states.len();
    found.rules = wsoracle_model::catalog::all_rules()
        .filter(|r| reached.contains(&(*r as *const Rule as usize)))
        .map(|r| r.id)
        .collect();
    found
}
