//! What an option descriptor says: one [`OptionDef`] per option, in the table of `table.rs`.
//!
//! A descriptor is data: the option's level, number and names, its value kind, the short-length
//! class Windows shows for it, the socket kinds it applies to, its availability per version and
//! fidelity, get-only or set-only, whether `accept` copies it, how far the model goes with it
//! (simulated, stored, documented only), where its per-socket value lives, its rules with their
//! evidence, and, only where an option needs code, hooks that replace the generic decisions.

use crate::codes::{Level, OptName, SocketType};
use crate::outcome::Reason;
use crate::provenance::{Fidelity, Rule};
use crate::registry::Registry;
use crate::socket::Socket;
use crate::version::WindowsVersion;

use super::store::{OptionValues, Slot};
use super::{GetAction, SetAction};
use crate::abi::InBuf;
use crate::stack::Decision;

/// The value an option holds, as the generic decisions read and write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A BOOL or BOOLEAN: any non-zero value is stored as 1.
    Flag,
    /// A DWORD (or int) stored as given.
    Dword,
    /// A DWORD that must not exceed `max`: a larger one fails with WSAEINVAL.
    Bounded { max: u32 },
    /// `struct linger`: two `u_short`s, stored as given.
    Linger,
    /// A read-only value the model computes (`SO_TYPE`, `SO_ACCEPTCONN`, …): a get hook answers.
    Computed,
    /// A handle passed by value (`SO_UPDATE_ACCEPT_CONTEXT`), `sizeof(SOCKET)` bytes.
    Handle,
    /// A structure the model does not lay out byte for byte (`WSAPROTOCOL_INFO`, `CSADDR_INFO`).
    Opaque { size: u32 },
}

impl ValueKind {
    /// The value as a read of the option normalises it.
    pub fn normalise(self, raw: u32) -> u32 {
        match self {
            ValueKind::Flag => u32::from(raw != 0),
            _ => raw,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Flag => "BOOL (non-zero reads back as 1)",
            ValueKind::Dword => "DWORD",
            ValueKind::Bounded { .. } => "DWORD, bounded",
            ValueKind::Linger => "struct linger {u_short l_onoff; u_short l_linger}",
            ValueKind::Computed => "DWORD, read-only",
            ValueKind::Handle => "SOCKET (UINT_PTR)",
            ValueKind::Opaque { .. } => "structure",
        }
    }
}

/// How an option answers lengths shorter than its natural size: the five classes Windows shows
/// (options:O001–O160, docs/evidence-options.md, "Short lengths"), and the documented rule for
/// options no test has measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LenClass {
    /// BOOLEAN: any positive optlen is accepted and only the first byte counts; a get writes one
    /// byte and sets `*optlen` to 1 (SO_KEEPALIVE, SO_DONTROUTE, TCP_NODELAY, IPV6_V6ONLY).
    A,
    /// A DWORD that accepts short input: a set of 1 or 2 bytes uses those bytes; a get with 1 to
    /// 3 bytes reports `*optlen` 1 (SO_BROADCAST, SO_REUSEADDR, IP_TTL, …).
    B,
    /// Strict 4 bytes; a short get fails with WSAEFAULT and zeroes the bytes it was given
    /// (SO_LINGER, SO_SNDBUF, SO_RCVBUF).
    C,
    /// Strict 4 bytes; a short get fails with WSAEFAULT and writes nothing (SO_RCVTIMEO,
    /// SO_SNDTIMEO, SO_OPENTYPE).
    D,
    /// Strict 4 bytes; a short get fails with WSAEFAULT and sets `*optlen` to 0 (TCP_KEEPALIVE,
    /// TCP_KEEPCNT, TCP_KEEPINTVL, IP_PKTINFO, …).
    E,
    /// No test measured it: the documented rule, a length below the natural size fails with
    /// WSAEFAULT and nothing is written (doc:D-SET, doc:D-GET).
    Documented,
}

impl LenClass {
    pub fn as_str(self) -> &'static str {
        match self {
            LenClass::A => "A (BOOLEAN: one byte)",
            LenClass::B => "B (DWORD, short input accepted)",
            LenClass::C => "C (strict, short get zeroes the buffer)",
            LenClass::D => "D (strict, short get writes nothing)",
            LenClass::E => "E (strict, short get sets *optlen 0)",
            LenClass::Documented => "documented (strict, unmeasured)",
        }
    }
}

/// Whether an option fits one kind of socket (an IP-level option, per Wine's validity table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    Yes,
    /// Refused with the descriptor's `wrong_socket` answer.
    No,
}

/// Per socket kind (TCP, UDP, raw), whether an IP-level option fits, as the per-socket-kind
/// validity table of Wine's `test_sockopt_validity` shows it (options:O400–O585).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindFit {
    pub stream: Fit,
    pub dgram: Fit,
    pub raw: Fit,
}

impl KindFit {
    pub const ALL: KindFit = KindFit {
        stream: Fit::Yes,
        dgram: Fit::Yes,
        raw: Fit::Yes,
    };
    /// Datagram and raw sockets, not TCP (the multicast and ancillary-data options).
    pub const NOT_STREAM: KindFit = KindFit {
        stream: Fit::No,
        dgram: Fit::Yes,
        raw: Fit::Yes,
    };
    pub const RAW_ONLY: KindFit = KindFit {
        stream: Fit::No,
        dgram: Fit::No,
        raw: Fit::Yes,
    };
    /// UDP only (IP_RECVERR: TCP and raw refuse it).
    pub const DGRAM_ONLY: KindFit = KindFit {
        stream: Fit::No,
        dgram: Fit::Yes,
        raw: Fit::No,
    };

    pub fn fit(self, ty: SocketType) -> Fit {
        match ty {
            SocketType::SOCK_STREAM => self.stream,
            SocketType::SOCK_DGRAM => self.dgram,
            _ => self.raw,
        }
    }
}

/// The socket kinds an option applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sockets {
    Any,
    /// Stream (TCP) sockets only.
    Stream,
    /// Datagram (UDP) sockets only.
    Datagram,
    /// An IP-level option: per kind (TCP, UDP, raw), on sockets of the level's own family
    /// (IPPROTO_IP on AF_INET, IPPROTO_IPV6 on AF_INET6; the other family is not modelled).
    Ip(KindFit),
}

impl Sockets {
    pub fn fits(self, ty: SocketType) -> bool {
        match self {
            Sockets::Any => true,
            Sockets::Stream => ty == SocketType::SOCK_STREAM,
            Sockets::Datagram => ty == SocketType::SOCK_DGRAM,
            Sockets::Ip(k) => k.fit(ty) == Fit::Yes,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sockets::Any => "stream and datagram",
            Sockets::Stream => "stream (TCP)",
            Sockets::Datagram => "datagram (UDP)",
            Sockets::Ip(k) => match (k.stream, k.dgram, k.raw) {
                (Fit::Yes, Fit::Yes, Fit::Yes) => "TCP, UDP and raw",
                (Fit::No, Fit::Yes, Fit::Yes) => "UDP and raw (TCP: WSAEINVAL)",
                (Fit::No, Fit::No, Fit::Yes) => "raw only (TCP, UDP: WSAEINVAL)",
                (Fit::No, Fit::Yes, Fit::No) => "UDP only (TCP, raw: WSAEINVAL)",
                (Fit::Yes, Fit::Yes, Fit::No) => "TCP and UDP (raw: WSAEINVAL)",
                (Fit::Yes, Fit::No, Fit::Yes) => "TCP and raw (UDP: WSAEINVAL)",
                (Fit::Yes, Fit::No, Fit::No) => "TCP only (UDP, raw: WSAEINVAL)",
                (Fit::No, Fit::No, Fit::No) => "no socket kind (WSAEINVAL)",
            },
        }
    }
}

/// The first version that has the option, under one fidelity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// Every modelled version (Windows 2000 on).
    Always,
    From(WindowsVersion),
    /// No version answers it as an option (a name reserved by the headers).
    Never,
}

impl Since {
    pub fn has(self, v: WindowsVersion) -> bool {
        match self {
            Since::Always => true,
            Since::From(first) => v.at_least(first),
            Since::Never => false,
        }
    }
}

/// When an option exists, under each fidelity, and the rule that says it is missing.
#[derive(Clone, Copy, Debug)]
pub struct Availability {
    pub observed: Since,
    pub documented: Since,
    /// The rule of a version that lacks it (WSAENOPROTOOPT).
    pub missing: &'static Rule,
}

impl Availability {
    pub fn since(&self, fidelity: Fidelity) -> Since {
        match fidelity {
            Fidelity::Observed => self.observed,
            Fidelity::Documented => self.documented,
        }
    }
}

/// Which calls the option takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// getsockopt only; a set fails for `reason` under `rule`.
    ReadOnly {
        reason: Reason,
        rule: &'static Rule,
    },
    /// setsockopt only; what a get answers is not known: not modelled.
    WriteOnly,
}

/// How far the model goes with an option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modelling {
    /// The model acts on the value (keep-alive timing, SO_ERROR, SO_LINGER on close …).
    Simulated,
    /// Kept and read back, with the answers Windows gives; it changes nothing else.
    Stored,
    /// Only the documentation speaks of it: answered from the page, marked unverified.
    Documented,
    /// Only the socket kinds it fits are known (Wine's validity table): a kind that does not fit
    /// answers WSAEINVAL, a kind that fits "not modelled".
    KindsOnly,
}

impl Modelling {
    pub fn as_str(self) -> &'static str {
        match self {
            Modelling::Simulated => "simulated",
            Modelling::Stored => "stored",
            Modelling::Documented => "documented only",
            Modelling::KindsOnly => "socket kinds only (the value is not modelled)",
        }
    }
}

/// The value a fresh socket reads.
#[derive(Clone, Copy, Debug)]
pub enum DefaultValue {
    Const(u32),
    /// Depends on the version (a function of the descriptor's file).
    PerVersion(fn(WindowsVersion) -> u32),
    /// No source gives it: a get before any set answers "not modelled".
    Unknown,
    /// Computed from the socket's state on every read (SO_TYPE, SO_ACCEPTCONN …).
    Computed,
}

/// What the generic decisions need to know about the call, handed to hooks too.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    pub fidelity: Fidelity,
    pub version: WindowsVersion,
    pub registry: &'a Registry,
    pub sock: &'a Socket,
    pub slot: usize,
    /// The option's own value on this socket, if it was set.
    pub stored: Option<u32>,
    /// Every option value of the socket (for options that look at another's).
    pub values: &'a OptionValues,
    pub now: u64,
    /// The process runs as an administrator (`Config::elevated`).
    pub elevated: bool,
}

/// A hook that decides a setsockopt for one option (after the common checks and availability).
pub(crate) type SetHook = fn(&OptionDef, &Ctx<'_>, InBuf<'_>, i32) -> Decision<SetAction>;
/// A hook that decides a getsockopt (after the common checks and availability); `len` is
/// `*optlen`, positive and within the buffer.
pub(crate) type GetHook = fn(&OptionDef, &Ctx<'_>, i32) -> Decision<GetAction>;

/// One option.
#[derive(Clone, Copy, Debug)]
pub struct OptionDef {
    pub level: Level,
    pub optname: OptName,
    /// The name at its level (aliases are in `codes::OPTION_NAMES`).
    pub name: &'static str,
    pub summary: &'static str,
    pub value: ValueKind,
    pub class: LenClass,
    /// Another class before Vista, where the evidence shows one (SO_DONTROUTE on 2003).
    pub legacy_class: Option<LenClass>,
    pub sockets: Sockets,
    /// What a socket of another kind answers, with its rule.
    pub wrong_socket: (Reason, &'static Rule),
    pub availability: Availability,
    pub access: Access,
    /// `accept` copies the listener's value (options:O369).
    pub inherited: bool,
    pub modelling: Modelling,
    pub default: DefaultValue,
    /// Where the per-socket value lives.
    pub slot: Slot,
    /// The rule of a successful set, and of a successful get.
    pub set_ok: &'static Rule,
    pub get_ok: &'static Rule,
    /// Rules only this option's hooks name (listed for the docs and the coverage checks).
    pub extra_rules: &'static [&'static Rule],
    pub(crate) set_hook: Option<SetHook>,
    pub(crate) get_hook: Option<GetHook>,
    /// The option needs no socket: it is answered before the handle lookup (SO_OPENTYPE).
    pub per_thread: bool,
}

impl OptionDef {
    /// The natural size of the value in bytes.
    pub fn size(&self) -> u32 {
        self.size_in(self.class)
    }

    /// The natural size under a length class: one byte for a BOOLEAN (class A), else the value
    /// kind's size (what the documentation gives: a DWORD, a `linger`, a structure).
    pub fn size_in(&self, class: LenClass) -> u32 {
        match (class, self.value) {
            (LenClass::A, _) => 1,
            (_, ValueKind::Handle) => 8,
            (_, ValueKind::Opaque { size }) => size,
            _ => 4,
        }
    }

    /// The option has a hook: some of its decisions are its own code, not the generic ones.
    pub fn has_hooks(&self) -> bool {
        self.set_hook.is_some() || self.get_hook.is_some()
    }

    /// Every rule this option names.
    pub fn rules(&self) -> impl Iterator<Item = &'static Rule> + '_ {
        let always = self.availability.observed == Since::Always
            && self.availability.documented == Since::Always;
        let mut own = [
            Some(self.set_ok),
            Some(self.get_ok),
            (!always).then_some(self.availability.missing),
            None,
        ];
        if let Access::ReadOnly { rule, .. } = self.access {
            own[3] = Some(rule);
        }
        let mut seen: [Option<&'static str>; 5] = [None; 5];
        own.into_iter()
            .flatten()
            .chain(core::iter::once(self.wrong_socket.1))
            .enumerate()
            .filter_map(move |(i, r)| {
                let dup = seen[..i].contains(&Some(r.id));
                seen[i] = Some(r.id);
                (!dup).then_some(r)
            })
            .chain(self.extra_rules.iter().copied())
    }

    /// The default under `version`, if known.
    pub fn default_at(&self, version: WindowsVersion) -> Option<u32> {
        match self.default {
            DefaultValue::Const(v) => Some(v),
            DefaultValue::PerVersion(f) => Some(f(version)),
            DefaultValue::Unknown | DefaultValue::Computed => None,
        }
    }
}

/// A descriptor with the defaults of a plain stored option; option files start from it.
pub const fn base(
    level: Level,
    optname: OptName,
    name: &'static str,
    set_ok: &'static Rule,
    get_ok: &'static Rule,
) -> OptionDef {
    OptionDef {
        level,
        optname,
        name,
        summary: "",
        value: ValueKind::Dword,
        class: LenClass::Documented,
        legacy_class: None,
        sockets: Sockets::Any,
        wrong_socket: (Reason::UnknownOption, &super::rules::WRONG_SOCKET),
        availability: Availability {
            observed: Since::Always,
            documented: Since::Always,
            missing: &super::rules::UNAVAILABLE,
        },
        access: Access::ReadWrite,
        inherited: false,
        modelling: Modelling::Stored,
        default: DefaultValue::Const(0),
        slot: Slot::None,
        set_ok,
        get_ok,
        extra_rules: &[],
        set_hook: None,
        get_hook: None,
        per_thread: false,
    }
}
