//! Socket addresses, the simulated host's addresses, and who may share a port.
//!
//! An address is what a `sockaddr_in` or `sockaddr_in6` carries: an IPv4 or IPv6 address and a
//! port. The simulated host owns `0.0.0.0`, `127.0.0.0/8`, `::`, `::1`, the IPv4-mapped forms of
//! the IPv4 ones, and up to [`Host::MAX_EXTRA`] more addresses its [`Config`](crate::Config)
//! gives it (the scenario contract, "Addresses").
//!
//! The port-sharing rules are data: [`table`] is Microsoft's pair of tables ("Using SO_REUSEADDR
//! and SO_EXCLUSIVEADDRUSE", doc:D-REUSE) for Windows XP and earlier and for Server 2003 and
//! later; [`conflict`] applies it to one pair of reservations, with the dual-stack cases that
//! real Windows answers differently (options:O319, O324; primary:P70, P71). docs/addresses.md
//! prints the tables from here.

use core::fmt;
use core::str::FromStr;

use crate::provenance::rules;
use crate::provenance::{Basis::*, Fidelity, Rule};
use crate::provenance::{Source::Assumption as A, Source::Doc as D, Source::Options as O};
use crate::provenance::{Source::Convention as Conv, Source::Primary as P};
use crate::version::{threshold, WindowsVersion};

/// An IP address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ip {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Ip {
    pub const V4_ANY: Ip = Ip::V4([0; 4]);
    pub const V4_LOOPBACK: Ip = Ip::V4([127, 0, 0, 1]);
    pub const V4_BROADCAST: Ip = Ip::V4([255; 4]);
    pub const V6_ANY: Ip = Ip::V6([0; 16]);
    pub const V6_LOOPBACK: Ip = Ip::V6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

    /// The IPv4 address an IPv4 address or an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) stands
    /// for.
    pub fn as_v4(self) -> Option<[u8; 4]> {
        match self {
            Ip::V4(a) => Some(a),
            Ip::V6(b) if b[..10] == [0; 10] && b[10] == 0xff && b[11] == 0xff => {
                Some([b[12], b[13], b[14], b[15]])
            }
            Ip::V6(_) => None,
        }
    }

    /// `::ffff:a.b.c.d`.
    pub fn mapped(v4: [u8; 4]) -> Ip {
        let mut b = [0u8; 16];
        b[10] = 0xff;
        b[11] = 0xff;
        b[12..].copy_from_slice(&v4);
        Ip::V6(b)
    }

    pub fn is_v4_mapped(self) -> bool {
        matches!(self, Ip::V6(_)) && self.as_v4().is_some()
    }

    /// The wildcard of its family (`0.0.0.0`, `::`), or a mapped `::ffff:0.0.0.0`.
    pub fn is_unspecified(self) -> bool {
        match self {
            Ip::V4(a) => a == [0; 4],
            Ip::V6(b) => b == [0; 16] || self.as_v4() == Some([0; 4]),
        }
    }

    pub fn is_loopback(self) -> bool {
        match self.as_v4() {
            Some(a) => a[0] == 127,
            None => self == Ip::V6_LOOPBACK,
        }
    }

    pub fn is_multicast(self) -> bool {
        match self.as_v4() {
            Some(a) => (224..240).contains(&a[0]),
            None => matches!(self, Ip::V6(b) if b[0] == 0xff),
        }
    }

    pub fn is_v4_broadcast(self) -> bool {
        self.as_v4() == Some([255; 4])
    }
}

impl fmt::Display for Ip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Ip::V4([a, b, c, d]) => write!(f, "{a}.{b}.{c}.{d}"),
            Ip::V6(bytes) => {
                if let Some([a, b, c, d]) = self.as_v4() {
                    return write!(f, "::ffff:{a}.{b}.{c}.{d}");
                }
                let words: [u16; 8] =
                    core::array::from_fn(|i| u16::from_be_bytes([bytes[2 * i], bytes[2 * i + 1]]));
                // The longest run of at least two zero words becomes `::` (RFC 5952).
                let (mut best, mut best_len, mut i) = (8, 0, 0);
                while i < 8 {
                    if words[i] == 0 {
                        let start = i;
                        while i < 8 && words[i] == 0 {
                            i += 1;
                        }
                        if i - start > best_len {
                            best = start;
                            best_len = i - start;
                        }
                    } else {
                        i += 1;
                    }
                }
                if best_len < 2 {
                    best = 8;
                    best_len = 0;
                }
                for (k, w) in words.iter().enumerate() {
                    if k == best {
                        f.write_str("::")?;
                    }
                    if k >= best && k < best + best_len {
                        continue;
                    }
                    if k != 0 && k != best + best_len {
                        f.write_str(":")?;
                    }
                    write!(f, "{w:x}")?;
                }
                Ok(())
            }
        }
    }
}

impl FromStr for Ip {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Ip, Self::Err> {
        if !s.contains(':') {
            return parse_v4(s).map(Ip::V4);
        }
        parse_v6(s).map(Ip::V6)
    }
}

fn parse_v4(s: &str) -> Result<[u8; 4], &'static str> {
    let mut out = [0u8; 4];
    let mut n = 0;
    for part in s.split('.') {
        if n == 4 || part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err("an IPv4 address is four decimal numbers 0-255: 127.0.0.1");
        }
        out[n] = part
            .parse()
            .map_err(|_| "an IPv4 address is four decimal numbers 0-255: 127.0.0.1")?;
        n += 1;
    }
    if n != 4 {
        return Err("an IPv4 address is four decimal numbers 0-255: 127.0.0.1");
    }
    Ok(out)
}

fn parse_v6(s: &str) -> Result<[u8; 16], &'static str> {
    const BAD: &str =
        "not an IPv6 address: write it as in `::1`, `2001:db8::10` or `::ffff:127.0.0.1`";
    let (head, tail) = match s.find("::") {
        Some(i) => (&s[..i], Some(&s[i + 2..])),
        None => (s, None),
    };
    let words = |part: &str| -> Result<Vec<u16>, &'static str> {
        let mut out = Vec::new();
        if part.is_empty() {
            return Ok(out);
        }
        let pieces: Vec<&str> = part.split(':').collect();
        for (k, p) in pieces.iter().enumerate() {
            if p.contains('.') && k == pieces.len() - 1 {
                let v4 = parse_v4(p).map_err(|_| BAD)?;
                out.push(u16::from_be_bytes([v4[0], v4[1]]));
                out.push(u16::from_be_bytes([v4[2], v4[3]]));
            } else {
                if p.is_empty() || p.len() > 4 {
                    return Err(BAD);
                }
                out.push(u16::from_str_radix(p, 16).map_err(|_| BAD)?);
            }
        }
        Ok(out)
    };
    let front = words(head)?;
    let back = match tail {
        Some(t) => {
            if t.contains("::") {
                return Err(BAD);
            }
            words(t)?
        }
        None => Vec::new(),
    };
    let total = front.len() + back.len();
    if (tail.is_none() && total != 8) || (tail.is_some() && total > 7) {
        return Err(BAD);
    }
    let mut all = [0u16; 8];
    all[..front.len()].copy_from_slice(&front);
    all[8 - back.len()..].copy_from_slice(&back);
    let mut out = [0u8; 16];
    for (i, w) in all.iter().enumerate() {
        out[2 * i..2 * i + 2].copy_from_slice(&w.to_be_bytes());
    }
    Ok(out)
}

/// A socket address: what `bind`, `connect`, `sendto` take and `getsockname` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SockAddr {
    pub ip: Ip,
    pub port: u16,
}

impl SockAddr {
    pub const fn new(ip: Ip, port: u16) -> Self {
        SockAddr { ip, port }
    }

    /// True for a `sockaddr_in6` (an IPv6 address, mapped or not).
    pub fn is_v6(&self) -> bool {
        matches!(self.ip, Ip::V6(_))
    }

    pub fn with_port(self, port: u16) -> Self {
        SockAddr { port, ..self }
    }
}

impl fmt::Display for SockAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ip {
            Ip::V4(_) => write!(f, "{}:{}", self.ip, self.port),
            Ip::V6(_) => write!(f, "[{}]:{}", self.ip, self.port),
        }
    }
}

impl FromStr for SockAddr {
    type Err = &'static str;

    /// `127.0.0.1:5000`, `[::1]:5000`, `[::ffff:127.0.0.1]:0`.
    fn from_str(s: &str) -> Result<SockAddr, Self::Err> {
        const FORM: &str = "a socket address is written \"127.0.0.1:5000\" or \"[::1]:5000\"";
        let (ip, port) = if let Some(rest) = s.strip_prefix('[') {
            let (ip, port) = rest.split_once("]:").ok_or(FORM)?;
            (Ip::V6(parse_v6(ip)?), port)
        } else {
            let (ip, port) = s.rsplit_once(':').ok_or(FORM)?;
            if ip.contains(':') {
                return Err(FORM);
            }
            (Ip::V4(parse_v4(ip)?), port)
        };
        let port = port
            .parse::<u16>()
            .map_err(|_| "the port is a number from 0 to 65535")?;
        Ok(SockAddr { ip, port })
    }
}

/// The simulated host: the addresses it owns beyond the loopback and wildcard ones. `Copy`, so
/// that [`Config`](crate::Config) stays `Copy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Host {
    extra: [Option<Ip>; Host::MAX_EXTRA],
}

impl Host {
    /// How many addresses a host may add to the built-in ones.
    pub const MAX_EXTRA: usize = 8;

    /// Adds an address (an IPv4-mapped address adds its IPv4 address). False, with the host
    /// unchanged, past [`Host::MAX_EXTRA`] addresses.
    pub fn add(&mut self, ip: Ip) -> bool {
        let ip = ip.as_v4().map_or(ip, Ip::V4);
        if self.extra.contains(&Some(ip)) {
            return true;
        }
        match self.extra.iter_mut().find(|a| a.is_none()) {
            Some(slot) => {
                *slot = Some(ip);
                true
            }
            None => false,
        }
    }

    /// The addresses added to the built-in ones.
    pub fn extra(&self) -> impl Iterator<Item = Ip> + '_ {
        self.extra.iter().flatten().copied()
    }

    /// True when a socket may bind `ip`: the wildcard, loopback, or an added address (an
    /// IPv4-mapped address by its IPv4 address).
    pub fn owns(&self, ip: Ip) -> bool {
        if ip.is_unspecified() || ip.is_loopback() {
            return true;
        }
        let key = ip.as_v4().map_or(ip, Ip::V4);
        self.extra.contains(&Some(key))
    }
}

// ---- Who may share a port ----------------------------------------------------------------------

/// How a socket asked to share its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Share {
    /// Neither option.
    Default,
    /// `SO_REUSEADDR`.
    ReuseAddr,
    /// `SO_EXCLUSIVEADDRUSE`.
    Exclusive,
}

impl Share {
    pub const ALL: [Share; 3] = [Share::Default, Share::ReuseAddr, Share::Exclusive];

    pub fn as_str(self) -> &'static str {
        match self {
            Share::Default => "default",
            Share::ReuseAddr => "SO_REUSEADDR",
            Share::Exclusive => "SO_EXCLUSIVEADDRUSE",
        }
    }
}

/// What a second bind answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BindResult {
    Success,
    /// WSAEADDRINUSE.
    InUse,
    /// WSAEACCES.
    Access,
}

impl BindResult {
    pub fn as_str(self) -> &'static str {
        match self {
            BindResult::Success => "Success",
            BindResult::InUse => "INUSE",
            BindResult::Access => "ACCESS",
        }
    }
}

/// Which of Microsoft's two tables applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Era {
    /// Windows XP and earlier.
    Legacy,
    /// Windows Server 2003 and later ("enhanced socket security").
    Enhanced,
}

impl Era {
    pub fn of(v: WindowsVersion) -> Era {
        if v.at_least(threshold::SERVER_2003) {
            Era::Enhanced
        } else {
            Era::Legacy
        }
    }
}

use BindResult::{Access as AC, InUse as IU, Success as OK};

/// doc:D-REUSE, the table for Windows XP and earlier: rows are the first bind (default,
/// SO_REUSEADDR, SO_EXCLUSIVEADDRUSE; wildcard, specific), columns the second bind in the same
/// order.
pub const LEGACY: [[BindResult; 6]; 6] = [
    [IU, IU, OK, OK, IU, IU],
    [IU, IU, OK, OK, IU, IU],
    [IU, IU, OK, OK, IU, IU],
    [IU, IU, OK, OK, IU, IU],
    [IU, IU, AC, AC, IU, IU],
    [IU, IU, AC, AC, IU, IU],
];

/// doc:D-REUSE, the table for Windows Server 2003 and later, both binds by the same user account
/// (one process is one account). Same layout as [`LEGACY`].
pub const ENHANCED: [[BindResult; 6]; 6] = [
    [IU, OK, AC, OK, IU, OK],
    [OK, IU, OK, AC, IU, IU],
    [IU, OK, OK, OK, IU, OK],
    [OK, IU, OK, OK, IU, IU],
    [IU, AC, AC, AC, IU, AC],
    [OK, IU, OK, AC, IU, IU],
];

fn index(share: Share, wildcard: bool) -> usize {
    let s = match share {
        Share::Default => 0,
        Share::ReuseAddr => 2,
        Share::Exclusive => 4,
    };
    s + usize::from(!wildcard)
}

/// The cell of the era's table for a first and a second bind of the same port whose addresses
/// overlap (one is the wildcard, or both are the same specific address).
pub fn table(era: Era, first: (Share, bool), second: (Share, bool)) -> BindResult {
    let t = match era {
        Era::Legacy => &LEGACY,
        Era::Enhanced => &ENHANCED,
    };
    t[index(first.0, first.1)][index(second.0, second.1)]
}

/// The observed evidence behind a cell of the Server 2003 table (stream sockets of one family,
/// Windows 7 to 11): `options:` cases and `primary:` facts. A cell with none rests on the page
/// alone (doc:D-REUSE). The XP table rests on the page alone.
pub fn enhanced_evidence(first: (Share, bool), second: (Share, bool)) -> &'static [&'static str] {
    use Share::{Default as D, Exclusive as E, ReuseAddr as R};
    const W: bool = true;
    const S: bool = false;
    match (first, second) {
        ((D, W), (D, W)) => &["options:O304", "options:O310", "options:O326"],
        ((D, W), (D, S)) => &["options:O302", "options:O308"],
        ((D, W), (E, W)) => &["options:O325"],
        ((D, W), (E, S)) => &["primary:P70"],
        ((D, S), (D, W)) => &["options:O303"],
        ((D, S), (R, S)) => &["options:O300", "options:O306"],
        ((D, S), (E, W)) => &["options:O318"],
        ((D, S), (E, S)) => &["options:O333"],
        ((R, S), (D, S)) => &["options:O301", "options:O307"],
        ((R, S), (R, S)) => &["options:O301", "options:O307", "primary:P72"],
        ((E, W), (D, S)) => &["options:O313"],
        ((E, W), (E, S)) => &["options:O316"],
        ((E, S), (D, W)) => &["primary:P70"],
        ((E, S), (D, S)) => &["options:O332"],
        _ => &[],
    }
}

/// Which IP stack a reservation holds a port on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stack4or6 {
    V4,
    V6,
}

/// What one bound socket holds on one stack: an address (of that stack) and a port, for one
/// protocol (TCP and UDP ports are separate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reservation {
    pub on: Stack4or6,
    pub ip: Ip,
    pub port: u16,
    pub stream: bool,
    pub share: Share,
    /// The IPv4 side of a dual-stack socket bound to `[::]` (IPV6_V6ONLY off): Windows reserves
    /// the port on both stacks (doc:D-REUSE, dual-stack paragraph) but answers the IPv4 side
    /// otherwise than a plain IPv4 socket (options:O324; primary:P70, P71).
    pub dual_shadow: bool,
}

impl Reservation {
    pub fn wildcard(&self) -> bool {
        self.ip.is_unspecified()
    }

    /// Same stack, protocol and port, and addresses that overlap.
    pub fn overlaps(&self, other: &Reservation) -> bool {
        self.on == other.on
            && self.stream == other.stream
            && self.port == other.port
            && (self.ip == other.ip || self.wildcard() || other.wildcard())
    }
}

/// The reservations of a socket of family `v6` bound to `name` with IPV6_V6ONLY `v6only`: one,
/// or two for a dual-stack wildcard. An IPv4-mapped address holds the IPv4 address on the IPv4
/// stack (options:O328–O330).
pub fn reservations(
    name: SockAddr,
    stream: bool,
    share: Share,
    v6only: bool,
) -> [Option<Reservation>; 2] {
    let base = Reservation {
        on: Stack4or6::V4,
        ip: name.ip,
        port: name.port,
        stream,
        share,
        dual_shadow: false,
    };
    match name.ip {
        Ip::V4(_) => [Some(base), None],
        ip if ip.is_v4_mapped() => [
            Some(Reservation {
                ip: ip.as_v4().map_or(Ip::V4_ANY, Ip::V4),
                ..base
            }),
            None,
        ],
        ip => {
            let v6 = Reservation {
                on: Stack4or6::V6,
                ..base
            };
            let shadow = (ip == Ip::V6_ANY && !v6only).then_some(Reservation {
                ip: Ip::V4_ANY,
                dual_shadow: true,
                ..base
            });
            [Some(v6), shadow]
        }
    }
}

/// What a new reservation meets in an existing one that overlaps it, with the rule.
pub fn conflict(
    era: Era,
    fidelity: Fidelity,
    existing: &Reservation,
    new: &Reservation,
) -> (BindResult, &'static Rule) {
    match (existing.dual_shadow, new.dual_shadow) {
        // A dual-stack socket's IPv4 side keeps IPv4 binds off only when it is exclusive.
        (true, false) => {
            if existing.share == Share::Exclusive {
                (BindResult::Access, &DUAL_EXCLUSIVE_FIRST)
            } else {
                (BindResult::Success, &DUAL_SHARED_FIRST)
            }
        }
        // A dual-stack bind meets an IPv4 socket already on the port.
        (false, true) => {
            if new.share == Share::Exclusive {
                match fidelity {
                    Fidelity::Observed => (BindResult::InUse, &DUAL_EXCLUSIVE_SECOND),
                    Fidelity::Documented => (BindResult::Access, &DUAL_EXCLUSIVE_SECOND_DOC),
                }
            } else if existing.share == Share::Exclusive {
                (
                    table(
                        era,
                        (existing.share, existing.wildcard()),
                        (new.share, true),
                    ),
                    &DUAL_AFTER_EXCLUSIVE,
                )
            } else {
                (BindResult::Success, &DUAL_SHARED_SECOND)
            }
        }
        // Two IPv4 sides of dual-stack sockets: their IPv6 sides decide.
        (true, true) => (BindResult::Success, &DUAL_BOTH),
        (false, false) => {
            let r = table(
                era,
                (existing.share, existing.wildcard()),
                (new.share, new.wildcard()),
            );
            let rule = match era {
                Era::Legacy => &TABLE_LEGACY,
                Era::Enhanced => &TABLE_ENHANCED,
            };
            (r, rule)
        }
    }
}

rules! {
    TABLE_ENHANCED = "bind.share.2003", Observed,
        "from Server 2003 a second bind of an address and port in use answers as Microsoft's same-user table says (wildcard and specific addresses coexist; a default socket is protected from SO_REUSEADDR; SO_EXCLUSIVEADDRUSE protects its port), on each IP stack, an IPv4-mapped address counting as its IPv4 address",
        [D("D-REUSE"), O("O300"), O("O301"), O("O302"), O("O303"), O("O304"), O("O306"), O("O307"), O("O308"), O("O310"), O("O313"), O("O316"), O("O318"), O("O325"), O("O326"), O("O332"), O("O333"), P("P70"),
         O("O321"), O("O322"), O("O328"), O("O329"), O("O330"), O("O331")];
    TABLE_LEGACY = "bind.share.xp", Documented,
        "up to Windows XP a second bind of a port in use succeeds only with SO_REUSEADDR, which the first socket cannot refuse unless it is exclusive (WSAEACCES); wildcard and specific addresses do not coexist",
        [D("D-REUSE")];
    DUAL_EXCLUSIVE_FIRST = "bind.share.dual-stack-exclusive-first", Observed,
        "a dual-stack socket bound to [::] with SO_EXCLUSIVEADDRUSE keeps every IPv4 socket off its port with WSAEACCES",
        [P("P70"), P("P71"), D("D-REUSE")];
    DUAL_SHARED_FIRST = "bind.share.dual-stack-first", Observed,
        "beside a dual-stack socket bound to [::] without SO_EXCLUSIVEADDRUSE an IPv4 socket may bind the same port, wildcard or specific, exclusive or not",
        [O("O324"), P("P70"), A("A61")];
    DUAL_EXCLUSIVE_SECOND = "bind.share.dual-stack-exclusive-second", Observed,
        "a dual-stack bind to [::] with SO_EXCLUSIVEADDRUSE fails with WSAEADDRINUSE when an IPv4 socket holds the port (the page says WSAEACCES)",
        [O("O319")];
    DUAL_EXCLUSIVE_SECOND_DOC = "bind.share.dual-stack-exclusive-second-doc", Documented,
        "a dual-stack bind to [::] with SO_EXCLUSIVEADDRUSE fails with WSAEACCES when an IPv4 socket holds the port",
        [D("D-REUSE")];
    DUAL_AFTER_EXCLUSIVE = "bind.share.dual-stack-after-exclusive", Assumption,
        "a dual-stack bind to [::] beside an exclusive IPv4 socket answers as the table does for a wildcard second bind",
        [A("A61"), D("D-REUSE")];
    DUAL_SHARED_SECOND = "bind.share.dual-stack-second", Assumption,
        "a dual-stack bind to [::] without SO_EXCLUSIVEADDRUSE beside a non-exclusive IPv4 socket succeeds (the reverse of options:O324's order)",
        [A("A61"), O("O324")];
    DUAL_BOTH = "bind.share.dual-stack-both", Convention,
        "the IPv4 sides of two dual-stack sockets never conflict by themselves: their IPv6 sides on [::] decide",
        [Conv("addresses")];
}
