//! A loaded, checked scenario: its calls with every default filled in, and its expectations
//! keyed by profile. Everything a run needs is decided here, at load time, so that a run can
//! only fail on what the model answers (or on a step the model rejects as misuse).

use std::path::{Path, PathBuf};

use wsoracle_model::codes::{AddressFamily, IoctlCode, Level, OptName, Protocol, SocketType};
use wsoracle_model::time::Duration;
use wsoracle_model::{
    Fidelity, Host, Ip, Peer, Preset, Registry, RegistryValue, SockAddr, WindowsVersion, PRESETS,
};

use std::collections::HashSet;

use yaml_rust2::parser::Event;

use crate::error::{improve_unknown_field, ScenarioError};
use crate::positions::Pos;
use crate::schema::{
    ExpectFile, FidelityName, NetworkCondition, PeerAnswer, PeerState, ScenarioFile, StepFile,
    CALL_KEYS,
};
use crate::values::{closest, Buffer, IntPtrArg, SockRef};
use crate::yaml::{self, DeError, Kind, Node, ReadError, Reader};
use crate::{profile_label, Limits};

/// The newest format this crate reads.
pub const FORMAT_VERSION: u32 = 1;

/// `*lpcbBytesReturned` before the call when the scenario does not say: a value no call
/// returns, so the trace shows whether the call wrote it.
pub const DEFAULT_BYTES_RETURNED: u32 = 0xdead_beef;

/// A checked scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The path the scenario was loaded from, as given.
    pub file: PathBuf,
    pub format: u32,
    pub name: String,
    pub description: Option<String>,
    pub covers: Vec<String>,
    /// The profiles the file lists, or None for every preset.
    pub profiles: Option<Vec<WindowsVersion>>,
    pub fidelity: Fidelity,
    pub registry: Registry,
    /// `process: {elevated: true}`: the scenario runs as an administrator.
    pub elevated: bool,
    /// `host: {addresses}`: the addresses the simulated host owns beyond loopback and the
    /// wildcard.
    pub host: Host,
    pub steps: Vec<Step>,
}

/// An expectation (the file's shape: every field optional).
pub type Expect = ExpectFile;

/// One step: a call, its binding and its expectations.
#[derive(Clone, Debug)]
pub struct Step {
    /// 0-based position in `steps`.
    pub index: usize,
    /// Where the step starts in the file.
    pub pos: Pos,
    pub call: Call,
    /// `as: NAME`.
    pub bind_as: Option<String>,
    /// Boxed: most steps of a long scenario have none, and a step stays small (a million
    /// steps are loaded at once).
    pub expect: Option<Box<Expect>>,
    /// `expect_on`, in key order.
    pub expect_on: Vec<(ProfileKey, Expect)>,
}

/// A call with its C arguments, defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    WsaStartup {
        version_requested: u16,
    },
    WsaCleanup,
    Socket {
        af: AddressFamily,
        socket_type: SocketType,
        protocol: Protocol,
    },
    Closesocket {
        s: SockRef,
    },
    Bind {
        s: SockRef,
    },
    Listen {
        s: SockRef,
        backlog: Option<i32>,
    },
    Incoming {
        s: SockRef,
    },
    Accept {
        s: SockRef,
    },
    Ioctlsocket {
        s: SockRef,
        cmd: IoctlCode,
        argp: u32,
    },
    Connect {
        s: SockRef,
        peer: Peer,
    },
    CompleteConnect {
        s: SockRef,
    },
    Setsockopt {
        s: SockRef,
        level: Level,
        optname: OptName,
        optval: Buffer,
        optlen: i32,
    },
    Getsockopt {
        s: SockRef,
        level: Level,
        optname: OptName,
        /// The buffer's initial contents (or NULL, or an integer passed as the pointer).
        optval: Buffer,
        /// `*optlen` on input, a NULL optlen pointer, or an integer passed as the pointer.
        optlen: IntPtrArg<i32>,
    },
    Condition {
        network_down: Option<bool>,
        blocking_call: Option<bool>,
    },
    WsaIoctl {
        s: SockRef,
        code: IoctlCode,
        in_buffer: Buffer,
        cb_in: u32,
        /// The output buffer's initial contents (or NULL, or an integer passed as the pointer).
        out_buffer: Buffer,
        cb_out: u32,
        /// `*lpcbBytesReturned` on input, a NULL pointer, or an integer passed as the pointer.
        bytes_returned: IntPtrArg<u32>,
        overlapped: bool,
        completion_routine: bool,
    },
    Send {
        s: SockRef,
        len: u32,
    },
    Recv {
        s: SockRef,
        len: u32,
    },
    Advance {
        by: Duration,
    },
    SetPeer {
        s: SockRef,
        state: PeerState,
    },
    PeerSends {
        s: SockRef,
        len: u32,
    },
    KeepaliveStatus {
        s: SockRef,
    },
    /// `bind` with a `name`.
    BindName {
        s: SockRef,
        name: SockAddr,
    },
    /// `connect` with a `name`: an address of the host.
    ConnectName {
        s: SockRef,
        name: SockAddr,
    },
    Getsockname {
        s: SockRef,
    },
    Getpeername {
        s: SockRef,
    },
    Sendto {
        s: SockRef,
        to: SockAddr,
        len: u32,
    },
    Recvfrom {
        s: SockRef,
        len: u32,
    },
}

impl Call {
    /// The step key (the Winsock function name).
    pub fn name(&self) -> &'static str {
        match self {
            Call::WsaStartup { .. } => "WSAStartup",
            Call::WsaCleanup => "WSACleanup",
            Call::Socket { .. } => "socket",
            Call::Closesocket { .. } => "closesocket",
            Call::Bind { .. } => "bind",
            Call::Listen { .. } => "listen",
            Call::Incoming { .. } => "incoming",
            Call::Accept { .. } => "accept",
            Call::Ioctlsocket { .. } => "ioctlsocket",
            Call::Connect { .. } => "connect",
            Call::CompleteConnect { .. } => "complete_connect",
            Call::Setsockopt { .. } => "setsockopt",
            Call::Getsockopt { .. } => "getsockopt",
            Call::Condition { .. } => "condition",
            Call::WsaIoctl { .. } => "WSAIoctl",
            Call::Send { .. } => "send",
            Call::Recv { .. } => "recv",
            Call::Advance { .. } => "advance",
            Call::SetPeer { .. } => "peer",
            Call::PeerSends { .. } => "peer_sends",
            Call::KeepaliveStatus { .. } => "keepalive_status",
            Call::BindName { .. } => "bind",
            Call::ConnectName { .. } => "connect",
            Call::Getsockname { .. } => "getsockname",
            Call::Getpeername { .. } => "getpeername",
            Call::Sendto { .. } => "sendto",
            Call::Recvfrom { .. } => "recvfrom",
        }
    }

    /// The socket argument, if the call takes one.
    pub fn socket(&self) -> Option<&SockRef> {
        match self {
            Call::Closesocket { s }
            | Call::Bind { s }
            | Call::Listen { s, .. }
            | Call::Incoming { s }
            | Call::Accept { s }
            | Call::Ioctlsocket { s, .. }
            | Call::Connect { s, .. }
            | Call::CompleteConnect { s }
            | Call::Setsockopt { s, .. }
            | Call::Getsockopt { s, .. }
            | Call::WsaIoctl { s, .. }
            | Call::Send { s, .. }
            | Call::Recv { s, .. }
            | Call::SetPeer { s, .. }
            | Call::PeerSends { s, .. }
            | Call::KeepaliveStatus { s }
            | Call::BindName { s, .. }
            | Call::ConnectName { s, .. }
            | Call::Getsockname { s }
            | Call::Getpeername { s }
            | Call::Sendto { s, .. }
            | Call::Recvfrom { s, .. } => Some(s),
            Call::WsaStartup { .. }
            | Call::WsaCleanup
            | Call::Socket { .. }
            | Call::Condition { .. }
            | Call::Advance { .. } => None,
        }
    }

    /// True for a real Winsock call (as opposed to a scenario action such as `advance`).
    pub fn is_winsock_call(&self) -> bool {
        !matches!(
            self,
            Call::Incoming { .. }
                | Call::CompleteConnect { .. }
                | Call::Condition { .. }
                | Call::Advance { .. }
                | Call::SetPeer { .. }
                | Call::PeerSends { .. }
                | Call::KeepaliveStatus { .. }
        )
    }

    /// The call written as C, e.g. `setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, 01 00 00 00, 4)`.
    /// Buffers show their bytes before the call; `&N` is a pointer to an int holding N, and an
    /// integer passed as a pointer is cast as C writes it, `(char *)0x1`.
    pub fn to_c(&self) -> String {
        match self {
            Call::WsaStartup { version_requested } => {
                format!("WSAStartup({version_requested:#06x}, &wsaData)")
            }
            Call::WsaCleanup => "WSACleanup()".into(),
            Call::Socket {
                af,
                socket_type,
                protocol,
            } => format!("socket({af}, {socket_type}, {protocol})"),
            Call::Closesocket { s } => format!("closesocket({s})"),
            Call::Bind { s } => format!("bind({s}, &addr, sizeof addr)"),
            Call::Listen { s, backlog } => match backlog {
                Some(b) => format!("listen({s}, {b})"),
                None => format!("listen({s}, SOMAXCONN)"),
            },
            Call::Incoming { s } => format!("incoming({s})"),
            Call::Accept { s } => format!("accept({s}, NULL, NULL)"),
            Call::Ioctlsocket { s, cmd, argp } => format!("ioctlsocket({s}, {cmd}, &{argp})"),
            Call::Connect { s, peer } => {
                format!(
                    "connect({s}, &addr, sizeof addr) /* peer {} */",
                    peer.as_str()
                )
            }
            Call::CompleteConnect { s } => format!("complete_connect({s})"),
            Call::Setsockopt {
                s,
                level,
                optname,
                optval,
                optlen,
            } => format!(
                "setsockopt({s}, {level}, {}, {}, {optlen})",
                optname_label(*level, *optname),
                optval.render()
            ),
            Call::Getsockopt {
                s,
                level,
                optname,
                optval,
                optlen,
            } => format!(
                "getsockopt({s}, {level}, {}, {}, {})",
                optname_label(*level, *optname),
                optval.render(),
                optlen.render_as("int *", |v| v.to_string())
            ),
            Call::Condition {
                network_down,
                blocking_call,
            } => {
                let mut parts = Vec::new();
                if let Some(down) = network_down {
                    parts.push(format!("network: {}", if *down { "down" } else { "up" }));
                }
                if let Some(b) = blocking_call {
                    parts.push(format!("blocking_call: {b}"));
                }
                format!("condition({})", parts.join(", "))
            }
            Call::WsaIoctl {
                s,
                code,
                in_buffer,
                cb_in,
                out_buffer,
                cb_out,
                bytes_returned,
                overlapped,
                completion_routine,
            } => format!(
                "WSAIoctl({s}, {code}, {}, {cb_in}, {}, {cb_out}, {}, {}, {})",
                in_buffer.render_as("void *"),
                out_buffer.render_as("void *"),
                bytes_returned.render_as("DWORD *", |b| format!("{b:#x}")),
                if *overlapped { "&overlapped" } else { "NULL" },
                if *completion_routine {
                    "CompletionRoutine"
                } else {
                    "NULL"
                },
            ),
            Call::Send { s, len } => format!("send({s}, buf, {len}, 0)"),
            Call::Recv { s, len } => format!("recv({s}, buf, {len}, 0)"),
            Call::Advance { by } => format!("advance({by})"),
            Call::SetPeer { s, state } => format!(
                "peer({s}, {})",
                match state {
                    PeerState::Responsive => "responsive",
                    PeerState::Silent => "silent",
                    PeerState::Reset => "reset",
                }
            ),
            Call::PeerSends { s, len } => format!("peer_sends({s}, {len})"),
            Call::KeepaliveStatus { s } => format!("keepalive_status({s})"),
            Call::BindName { s, name } => format!("bind({s}, {name}, sizeof name)"),
            Call::ConnectName { s, name } => format!("connect({s}, {name}, sizeof name)"),
            Call::Getsockname { s } => format!("getsockname({s}, &name, &namelen)"),
            Call::Getpeername { s } => format!("getpeername({s}, &name, &namelen)"),
            Call::Sendto { s, to, len } => format!("sendto({s}, buf, {len}, 0, {to}, sizeof to)"),
            Call::Recvfrom { s, len } => format!("recvfrom({s}, buf, {len}, 0, &from, &fromlen)"),
        }
    }
}

/// An option's name as its level spells it: option numbers are per level, so 0x10 is
/// `TCP_KEEPCNT` at `IPPROTO_TCP` and `SO_DONTROUTE` at `SOL_SOCKET`.
pub fn optname_label(level: Level, optname: OptName) -> String {
    optname
        .name_at(level)
        .map_or_else(|| format!("{:#x}", optname.0), str::to_string)
}

/// An `expect_on` key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileKey {
    /// A preset name or an exact version.
    Exact {
        text: String,
        version: WindowsVersion,
    },
    /// A half-open range `A..B`, either end optional.
    Range {
        text: String,
        from: Option<WindowsVersion>,
        to: Option<WindowsVersion>,
    },
}

impl ProfileKey {
    pub fn text(&self) -> &str {
        match self {
            ProfileKey::Exact { text, .. } | ProfileKey::Range { text, .. } => text,
        }
    }

    /// Parses `win2003`, `6.0.6002`, `..6.0`, `10.0.15063..` or `5.0..6.0`.
    pub fn parse(text: &str) -> Result<ProfileKey, String> {
        if let Some((a, b)) = text.split_once("..") {
            let bound = |s: &str| -> Result<Option<WindowsVersion>, String> {
                let s = s.trim();
                if s.is_empty() {
                    Ok(None)
                } else {
                    parse_bound(s).map(Some)
                }
            };
            let (from, to) = (bound(a)?, bound(b)?);
            if let (Some(f), Some(t)) = (from, to) {
                if f >= t {
                    return Err(format!(
                        "the range `{text}` is empty: its start must be below its end (A..B covers A up to, not including, B)"
                    ));
                }
            }
            return Ok(ProfileKey::Range {
                text: text.to_string(),
                from,
                to,
            });
        }
        parse_profile(text).map(|version| ProfileKey::Exact {
            text: text.to_string(),
            version,
        })
    }

    /// True when this key covers `v`. An exact key without an update revision covers every
    /// revision of its build.
    pub fn matches(&self, v: WindowsVersion) -> bool {
        match self {
            ProfileKey::Exact { version, .. } => {
                *version == v
                    || (version.ubr.is_none() && *version == WindowsVersion { ubr: None, ..v })
            }
            ProfileKey::Range { from, to, .. } => from.is_none_or_le(v) && to.is_none_or(|t| v < t),
        }
    }

    /// Smaller is more specific: exact keys first, then ranges by width.
    fn specificity(&self) -> (u8, u128) {
        fn num(v: WindowsVersion) -> u128 {
            (u128::from(v.major) << 96)
                | (u128::from(v.minor) << 64)
                | (u128::from(v.build) << 32)
                | u128::from(v.ubr.unwrap_or(0))
        }
        match self {
            ProfileKey::Exact { .. } => (0, 0),
            ProfileKey::Range { from, to, .. } => {
                let lo = from.map_or(0, num);
                let hi = to.map_or(u128::MAX, num);
                (1, hi.saturating_sub(lo))
            }
        }
    }
}

trait LowerBound {
    fn is_none_or_le(&self, v: WindowsVersion) -> bool;
}

impl LowerBound for Option<WindowsVersion> {
    fn is_none_or_le(&self, v: WindowsVersion) -> bool {
        self.is_none_or(|f| f <= v)
    }
}

/// A range bound: a preset name, or 1 to 4 dotted numbers (missing parts are 0: `6.0` is
/// `6.0.0`).
fn parse_bound(s: &str) -> Result<WindowsVersion, String> {
    if let Some(p) = Preset::by_name(s) {
        return Ok(p.version);
    }
    let parts: Vec<&str> = s.split('.').collect();
    let mut nums = [0u32; 4];
    if parts.len() > 4 || parts.iter().any(|p| p.parse::<u32>().is_err()) {
        return Err(unknown_profile_message(s));
    }
    for (i, p) in parts.iter().enumerate() {
        nums[i] = p.parse().unwrap_or(0); // checked just above
    }
    let v = WindowsVersion::new(nums[0], nums[1], nums[2]);
    Ok(if parts.len() == 4 {
        v.with_ubr(nums[3])
    } else {
        v
    })
}

fn unknown_profile_message(s: &str) -> String {
    let hint = closest(s, PRESETS.iter().map(|p| p.name))
        .map(|c| format!("did you mean {c}? "))
        .unwrap_or_default();
    format!(
        "unknown profile `{s}`: {hint}write a preset ({}) or a version MAJOR.MINOR.BUILD[.UBR]",
        Preset::names().collect::<Vec<_>>().join(", ")
    )
}

/// Parses a profile: a preset name or `MAJOR.MINOR.BUILD[.UBR]`.
pub fn parse_profile(s: &str) -> Result<WindowsVersion, String> {
    if let Some(p) = Preset::by_name(s) {
        return Ok(p.version);
    }
    let dots = s.matches('.').count();
    if s.split('.').all(|p| p.parse::<u32>().is_ok()) && dots < 2 {
        return Err(format!(
            "`{s}` is not a whole version: write MAJOR.MINOR.BUILD (e.g. 6.0.6002), or a range such as `{s}..`"
        ));
    }
    s.parse::<WindowsVersion>()
        .map_err(|_| unknown_profile_message(s))
}

impl Step {
    /// The expectation in force on `version`: the most specific matching `expect_on` key, else
    /// `expect`. Ties between equally specific keys go to the key that sorts first.
    pub fn expectation_for(&self, version: WindowsVersion) -> Option<&Expect> {
        self.expect_on
            .iter()
            .filter(|(k, _)| k.matches(version))
            .min_by_key(|(k, _)| k.specificity())
            .map(|(_, e)| e)
            .or(self.expect.as_deref())
    }
}

impl Scenario {
    /// The profiles this scenario runs on by default: its own list, or every preset.
    pub fn default_profiles(&self) -> Vec<WindowsVersion> {
        self.profiles
            .clone()
            .unwrap_or_else(|| PRESETS.iter().map(|p| p.version).collect())
    }

    /// Loads and checks a scenario file, under the default [`Limits`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        Scenario::from_path_with(path, &Limits::default())
    }

    /// Loads and checks a scenario file under `limits`. Only a regular file is read (a FIFO or
    /// a device would block or never end), and never more than the file-size limit.
    pub fn from_path_with(
        path: impl AsRef<Path>,
        limits: &Limits,
    ) -> Result<Scenario, ScenarioError> {
        use std::io::Read as _;
        let path = path.as_ref();
        let top = Pos { line: 1, column: 1 };
        let cannot =
            |e: std::io::Error| ScenarioError::new(path, top, format!("cannot read the file: {e}"));
        let meta = std::fs::metadata(path).map_err(cannot)?;
        if !meta.is_file() {
            return Err(ScenarioError::new(
                path,
                top,
                "not a regular file (a folder, FIFO, socket or device): give a scenario file",
            ));
        }
        if meta.len() > limits.file_bytes {
            return Err(ScenarioError::new(
                path,
                top,
                limits.file_too_large(meta.len()),
            ));
        }
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| {
                f.take(limits.file_bytes.saturating_add(1))
                    .read_to_end(&mut bytes)
            })
            .map_err(cannot)?;
        Scenario::from_bytes_with(path, &bytes, limits)
    }

    /// Loads and checks a scenario from the bytes of a file: UTF-8, with or without a
    /// byte-order mark.
    pub fn from_bytes_with(
        file: impl AsRef<Path>,
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<Scenario, ScenarioError> {
        let file = file.as_ref();
        if bytes.len() as u64 > limits.file_bytes {
            return Err(ScenarioError::new(
                file,
                Pos { line: 1, column: 1 },
                limits.file_too_large(bytes.len() as u64),
            ));
        }
        match std::str::from_utf8(bytes) {
            Ok(source) => Scenario::from_yaml_str_with(file, source, limits),
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                // The prefix is valid UTF-8 by construction.
                let good = std::str::from_utf8(good).unwrap_or_default();
                let line = good.matches('\n').count() + 1;
                let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                let byte = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
                Err(ScenarioError::new(
                    file,
                    Pos { line, column },
                    format!(
                        "this file is not UTF-8: the byte {byte:#04x} here starts no UTF-8 character; save the file as UTF-8"
                    ),
                ))
            }
        }
    }

    /// Loads and checks a scenario from its text; `file` names it in messages.
    pub fn from_yaml_str(file: impl AsRef<Path>, source: &str) -> Result<Scenario, ScenarioError> {
        Scenario::from_yaml_str_with(file, source, &Limits::default())
    }

    /// Loads and checks a scenario from its text under `limits`.
    pub fn from_yaml_str_with(
        file: impl AsRef<Path>,
        source: &str,
        limits: &Limits,
    ) -> Result<Scenario, ScenarioError> {
        let file = file.as_ref();
        if source.len() as u64 > limits.file_bytes {
            return Err(ScenarioError::new(
                file,
                Pos { line: 1, column: 1 },
                limits.file_too_large(source.len() as u64),
            ));
        }
        // A byte-order mark is how some editors save UTF-8; it is not content.
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        load(file, source, *limits)
    }
}

/// Reads the document: the top-level keys one by one, and the steps one at a time (each step
/// is checked and turned into a [`Step`] before the next is read, so memory follows the
/// checked steps, not the YAML).
fn load(file: &Path, source: &str, limits: Limits) -> Result<Scenario, ScenarioError> {
    let mut r = Reader::new(source, limits.clamped());
    let fail = |(pos, message): ReadError| ScenarioError::new(file, pos, message);
    let top = Pos { line: 1, column: 1 };
    // Stream start, then the document (or nothing at all).
    r.next().map_err(fail)?;
    let (ev, mark) = r.next().map_err(fail)?;
    if matches!(ev, Event::StreamEnd) {
        return Err(ScenarioError::new(
            file,
            top,
            "the file is empty: a scenario is a map with at least `name` and `steps`",
        ));
    }
    if !matches!(ev, Event::DocumentStart) {
        return Err(ScenarioError::new(
            file,
            yaml::pos(mark),
            "expected a YAML document",
        ));
    }
    let (ev, mark) = r.next().map_err(fail)?;
    let root_pos = yaml::pos(mark);
    if !matches!(ev, Event::MappingStart(..)) {
        return Err(ScenarioError::new(
            file,
            root_pos,
            "a scenario is a map with at least `name` and `steps` at its top level",
        ));
    }
    r.open(mark, 1).map_err(fail)?;

    let mut header: Vec<(Node, Node)> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut steps_key: Option<Node> = None;
    let mut steps_pos = root_pos;
    let mut state = StepState::new(limits.clamped());
    // The first error inside `steps`; a wrong `format` further down wins over it.
    let mut pending: Option<ScenarioError> = None;
    loop {
        let ev = r.next().map_err(fail)?;
        if matches!(ev.0, Event::MappingEnd) {
            r.close();
            break;
        }
        let key = r.node(ev, 2).map_err(fail)?;
        if let Some(text) = key.as_str() {
            let earlier = header
                .iter()
                .map(|(k, _)| k)
                .chain(steps_key.as_ref())
                .find(|k| k.as_str() == Some(text));
            if let Some(first) = earlier {
                return Err(ScenarioError::new(
                    file,
                    key.pos,
                    yaml::duplicate_key(text, first.pos),
                ));
            }
        }
        if key.as_str() == Some("steps") {
            let ev = r.next().map_err(fail)?;
            steps_pos = yaml::pos(ev.1);
            if matches!(ev.0, Event::SequenceStart(0, None)) {
                r.open(ev.1, 2).map_err(fail)?;
                loop {
                    let ev = r.next().map_err(fail)?;
                    if matches!(ev.0, Event::SequenceEnd) {
                        r.close();
                        break;
                    }
                    let node = r.node(ev, 3).map_err(fail)?;
                    if pending.is_none() && steps.len() >= state.limits.steps {
                        pending = Some(ScenarioError::new(
                            file,
                            node.pos,
                            yaml::limit_message(
                                format!("this is step {}", steps.len() + 1),
                                state.limits.steps as u64,
                                "steps",
                            ),
                        ));
                    }
                    if pending.is_none() {
                        match state.step(file, steps.len(), &node) {
                            Ok(step) => steps.push(step),
                            Err(e) => pending = Some(e),
                        }
                    }
                    if let Some(e) = pending.take() {
                        // With `format` already read, nothing further down changes the
                        // error: stop reading here.
                        if let Some((_, v)) =
                            header.iter().find(|(k, _)| k.as_str() == Some("format"))
                        {
                            check_format(file, v)?;
                            return Err(e);
                        }
                        pending = Some(e);
                    }
                }
            } else {
                // An alias or a tagged or non-list value: read it whole.
                let value = r.node(ev, 2).map_err(fail)?;
                match &value.resolved().kind {
                    Kind::Seq(items) => {
                        for node in items {
                            if steps.len() >= state.limits.steps {
                                pending.get_or_insert(ScenarioError::new(
                                    file,
                                    node.pos,
                                    yaml::limit_message(
                                        format!("this is step {}", steps.len() + 1),
                                        state.limits.steps as u64,
                                        "steps",
                                    ),
                                ));
                                break;
                            }
                            match state.step(file, steps.len(), node) {
                                Ok(step) => steps.push(step),
                                Err(e) => {
                                    pending.get_or_insert(e);
                                    break;
                                }
                            }
                        }
                    }
                    _ => {
                        pending.get_or_insert(ScenarioError::new(
                            file,
                            value.pos,
                            "`steps` is a list of steps (`- WSAStartup: {}` and so on), each a map with one call",
                        ));
                    }
                }
            }
            steps_key = Some(key);
        } else if let Some(e) = unknown_top_level_key(file, &key) {
            // Its value is not kept (it could be most of the file): read past it.
            pending.get_or_insert(e);
            let ev = r.next().map_err(fail)?;
            r.skip(ev, 2).map_err(fail)?;
        } else {
            let ev = r.next().map_err(fail)?;
            let value = r.node(ev, 2).map_err(fail)?;
            header.push((key, value));
        }
    }
    // One document only.
    let (ev, mark) = r.next().map_err(fail)?;
    if matches!(ev, Event::DocumentEnd) {
        let (ev, mark) = r.next().map_err(fail)?;
        if !matches!(ev, Event::StreamEnd) {
            return Err(ScenarioError::new(
                file,
                yaml::pos(mark),
                "a second YAML document (after `---`): a scenario file holds one scenario",
            ));
        }
    } else if !matches!(ev, Event::StreamEnd) {
        return Err(ScenarioError::new(
            file,
            yaml::pos(mark),
            "unexpected content after the scenario",
        ));
    }

    // The header, with an empty `steps` standing in for the steps read above.
    if let Some(k) = steps_key {
        header.push((
            k,
            Node {
                pos: steps_pos,
                kind: Kind::Seq(Vec::new()),
            },
        ));
    }
    let root = Node {
        pos: root_pos,
        kind: Kind::Map(header),
    };
    let loader = Loader {
        file,
        root: &root,
        step: None,
    };
    // The format version first: a newer file may use keys this version does not know, and
    // "needs format 2" is the useful message then.
    let format = loader.format()?;
    if let Some(e) = pending {
        return Err(e);
    }
    let parsed: ScenarioFile = yaml::from_node(&root).map_err(|e| loader.de_error(e))?;
    loader.finish(format, parsed, steps, &state)
}

/// The error for a top-level key the format does not know (serde's own "unknown field" with
/// the valid keys and the closest one), or None for a known key.
fn unknown_top_level_key(file: &Path, key: &Node) -> Option<ScenarioError> {
    key.as_str()?;
    let probe = Node {
        pos: key.pos,
        kind: Kind::Map(vec![(
            key.clone(),
            Node {
                pos: key.pos,
                kind: Kind::Scalar {
                    text: "~".into(),
                    plain: true,
                },
            },
        )]),
    };
    match yaml::from_node::<ScenarioFile>(&probe) {
        Err(e) if e.message.starts_with("unknown field") => Some(ScenarioError::new(
            file,
            key.pos,
            improve_unknown_field(e.message),
        )),
        _ => None,
    }
}

/// The `format` value: a whole number from 1 to [`FORMAT_VERSION`].
fn check_format(file: &Path, v: &Node) -> Result<u32, ScenarioError> {
    let n = v.as_str().and_then(|t| t.trim().parse::<u64>().ok());
    match n {
        Some(n) if (1..=u64::from(FORMAT_VERSION)).contains(&n) => Ok(n as u32),
        Some(n) if n > u64::from(FORMAT_VERSION) => Err(ScenarioError::new(
            file,
            v.pos,
            format!(
                "this file needs scenario format {n}, and this wsoracle reads format {FORMAT_VERSION} and older: upgrade wsoracle (or write `format: {FORMAT_VERSION}`)"
            ),
        )),
        _ => Err(ScenarioError::new(
            file,
            v.pos,
            format!("`format` is a whole number from 1 to {FORMAT_VERSION}"),
        )),
    }
}

/// What the steps read so far have bound, and where their `expect_on` keys are.
struct StepState {
    limits: Limits,
    names: Names,
    /// (step, key index, position) of every `expect_on` key, checked against the profiles
    /// once the whole file is read.
    expect_on_keys: Vec<(usize, usize, Pos)>,
}

impl StepState {
    fn new(limits: Limits) -> StepState {
        StepState {
            limits,
            names: Names::default(),
            expect_on_keys: Vec::new(),
        }
    }

    fn step(&mut self, file: &Path, index: usize, node: &Node) -> Result<Step, ScenarioError> {
        let loader = Loader {
            file,
            root: node,
            step: Some(index),
        };
        let raw: StepFile = yaml::from_node(node).map_err(|e| loader.de_error(e))?;
        loader.step(index, raw, self)
    }
}

/// The socket names bound so far: looked up in O(1).
#[derive(Default)]
struct Names {
    set: HashSet<String>,
}

impl Names {
    fn contains(&self, name: &str) -> bool {
        self.set.contains(name)
    }

    /// The names, sorted (for messages).
    fn sorted(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.set.iter().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
}

struct Loader<'a> {
    file: &'a Path,
    /// The document's top-level map, or the node of step `step`.
    root: &'a Node,
    step: Option<usize>,
}

impl Loader<'_> {
    /// The position of the node at `path` (`steps/3/setsockopt/optlen`), or of its key.
    fn pos_of(&self, path: &str, key: bool) -> Pos {
        match self.step {
            None => self.root.find(path, key),
            Some(i) => {
                let prefix = format!("steps/{i}");
                match path.strip_prefix(&prefix) {
                    Some("") => self.root.pos,
                    Some(rest) if rest.starts_with('/') => self.root.find(&rest[1..], key),
                    _ => self.root.pos,
                }
            }
        }
    }

    fn node_pos(&self, path: &str) -> Pos {
        self.pos_of(path, false)
    }

    fn key_pos(&self, path: &str) -> Pos {
        self.pos_of(path, true)
    }

    fn err(&self, path: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::new(self.file, self.pos_of(path, false), message)
    }

    fn key_err(&self, path: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::new(self.file, self.pos_of(path, true), message)
    }

    fn de_error(&self, e: DeError) -> ScenarioError {
        ScenarioError::new(
            self.file,
            e.pos.unwrap_or(self.root.pos),
            improve_unknown_field(e.message),
        )
    }

    fn format(&self) -> Result<u32, ScenarioError> {
        match self.root.get("format") {
            None => Ok(FORMAT_VERSION),
            Some(v) => check_format(self.file, v),
        }
    }

    fn finish(
        &self,
        format: u32,
        file: ScenarioFile,
        steps: Vec<Step>,
        state: &StepState,
    ) -> Result<Scenario, ScenarioError> {
        if file.name.trim().is_empty() || file.name.contains('\n') {
            return Err(self.err("name", "`name` is one non-empty line"));
        }
        let profiles = match &file.profiles {
            None => None,
            Some(list) if list.is_empty() => {
                return Err(self.err(
                    "profiles",
                    "`profiles: []` lists no profile, so the scenario would check nothing: list at least one (a preset such as win10, or MAJOR.MINOR.BUILD), or remove the key to run on every preset",
                ))
            }
            Some(list) => {
                let mut out = Vec::with_capacity(list.len());
                for (i, p) in list.iter().enumerate() {
                    out.push(parse_profile(p).map_err(|m| self.err(&format!("profiles/{i}"), m))?);
                }
                Some(out)
            }
        };
        // An `expect_on` key that none of the file's own profiles matches checks nothing.
        let own: Vec<WindowsVersion> = profiles
            .clone()
            .unwrap_or_else(|| PRESETS.iter().map(|p| p.version).collect());
        for &(step, key, pos) in &state.expect_on_keys {
            let Some((k, _)) = steps.get(step).and_then(|s| s.expect_on.get(key)) else {
                continue;
            };
            if !own.iter().any(|v| k.matches(*v)) {
                let listed: Vec<String> = own.iter().map(|v| profile_label(*v)).collect();
                let whose = if profiles.is_some() {
                    "the file's profiles"
                } else {
                    "the presets (the file lists no `profiles`)"
                };
                return Err(ScenarioError::new(
                    self.file,
                    pos,
                    format!(
                        "the `expect_on` key `{}` matches none of {whose}: {}; it would check nothing. Fix the key, or add a profile it matches to `profiles`",
                        k.text(),
                        listed.join(", ")
                    ),
                ));
            }
        }
        let fidelity = match file.fidelity {
            None | Some(FidelityName::Observed) => Fidelity::Observed,
            Some(FidelityName::Documented) => Fidelity::Documented,
        };
        let mut registry = Registry::default();
        if let Some(r) = &file.registry {
            for (value, data) in [
                (RegistryValue::KeepAliveTime, &r.KeepAliveTime),
                (RegistryValue::KeepAliveInterval, &r.KeepAliveInterval),
                (
                    RegistryValue::TcpMaxDataRetransmissions,
                    &r.TcpMaxDataRetransmissions,
                ),
                (
                    RegistryValue::PPTPTcpMaxDataRetransmissions,
                    &r.PPTPTcpMaxDataRetransmissions,
                ),
                (RegistryValue::MaxUserPort, &r.MaxUserPort),
            ] {
                registry.set(value, data.as_ref().map(|d| d.0));
            }
        }

        let mut host = Host::default();
        for (i, a) in file
            .host
            .iter()
            .flat_map(|h| h.addresses.iter())
            .enumerate()
        {
            let path = format!("host/addresses/{i}");
            let ip: Ip = a.parse().map_err(|m: &str| self.err(&path, m))?;
            if !host.add(ip) {
                return Err(self.err(
                    &path,
                    format!(
                        "a host takes at most {} addresses beside loopback and the wildcard",
                        Host::MAX_EXTRA
                    ),
                ));
            }
        }

        Ok(Scenario {
            file: self.file.to_path_buf(),
            format,
            name: file.name,
            description: file.description,
            covers: file.covers,
            profiles,
            fidelity,
            registry,
            elevated: file.process.is_some_and(|p| p.elevated),
            host,
            steps,
        })
    }

    fn step(
        &self,
        index: usize,
        raw: StepFile,
        state: &mut StepState,
    ) -> Result<Step, ScenarioError> {
        let here = format!("steps/{index}");
        let present = present_call_keys(&raw);
        let key = match present.as_slice() {
            [one] => *one,
            [] => {
                return Err(self.err(
                    &here,
                    format!(
                        "this step has no call: a step is a map with exactly one of {}",
                        CALL_KEYS.join(", ")
                    ),
                ))
            }
            [first, second, ..] => {
                return Err(self.err(
                    &format!("{here}/{second}"),
                    format!(
                        "this step has two calls, `{first}` and `{second}`: a step has exactly one; split it into two steps"
                    ),
                ))
            }
        };
        let args = format!("{here}/{key}");
        let call = self.call(&args, raw_call(&raw))?;

        // Every socket name must be bound by an earlier step.
        if let Some(SockRef::Name(name)) = call.socket() {
            self.check_bound(&format!("{args}/s"), name, &state.names)?;
        }

        if let Some(name) = &raw.bind_as {
            if !matches!(call, Call::Socket { .. } | Call::Accept { .. }) {
                return Err(self.err(
                    &format!("{here}/as"),
                    format!("`as` binds the SOCKET that `socket` or `accept` returns; `{key}` returns none"),
                ));
            }
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                && name != "INVALID_SOCKET";
            if !valid {
                return Err(self.err(
                    &format!("{here}/as"),
                    format!("`{name}` cannot name a socket: use a word such as `s`, `listener` or `conn2`"),
                ));
            }
            if !state.names.contains(name) {
                if state.names.set.len() >= state.limits.names {
                    return Err(self.err(
                        &format!("{here}/as"),
                        yaml::limit_message(
                            format!(
                                "`{name}` would be socket name number {}",
                                state.names.set.len() + 1
                            ),
                            state.limits.names as u64,
                            "names",
                        ),
                    ));
                }
                state.names.set.insert(name.clone());
            }
        }

        let names = &state.names;
        let check_expect = |path: &str, e: &Expect| -> Result<(), ScenarioError> {
            self.check_expect_fields(path, &call, e)?;
            for (i, c) in e.completions.iter().flatten().enumerate() {
                if let SockRef::Name(name) = &c.s {
                    self.check_bound(&format!("{path}/completions/{i}/s"), name, names)?;
                }
            }
            Ok(())
        };
        if let Some(e) = &raw.expect {
            check_expect(&format!("{here}/expect"), e)?;
        }
        let mut expect_on = Vec::new();
        let mut key_positions = Vec::new();
        for (key_text, e) in raw.expect_on.iter().flatten() {
            let path = format!("{here}/expect_on/{key_text}");
            let key = ProfileKey::parse(key_text).map_err(|m| self.key_err(&path, m))?;
            check_expect(&path, e)?;
            key_positions.push(self.pos_of(&path, true));
            expect_on.push((key, e.clone()));
        }
        state.expect_on_keys.extend(
            key_positions
                .into_iter()
                .enumerate()
                .map(|(k, pos)| (index, k, pos)),
        );
        Ok(Step {
            index,
            pos: self.root.pos,
            call,
            bind_as: raw.bind_as,
            expect: raw.expect.map(Box::new),
            expect_on,
        })
    }

    fn check_bound(&self, path: &str, name: &str, names: &Names) -> Result<(), ScenarioError> {
        if names.contains(name) {
            return Ok(());
        }
        let bound = names.sorted();
        let hint = match closest(name, bound.iter().copied()) {
            Some(c) => format!("did you mean `{c}`? "),
            None if bound.is_empty() => "no socket is bound yet; ".to_string(),
            None if bound.len() > 20 => format!(
                "{} names are bound so far ({}, ...); ",
                bound.len(),
                bound[..20].join(", ")
            ),
            None => format!("the names bound so far are {}; ", bound.join(", ")),
        };
        Err(self.err(
            path,
            format!(
                "no socket is named `{name}` here: {hint}bind one earlier with `as: {name}` on a `socket` or `accept` step, or write INVALID_SOCKET or an integer"
            ),
        ))
    }

    fn check_expect_fields(
        &self,
        path: &str,
        call: &Call,
        e: &Expect,
    ) -> Result<(), ScenarioError> {
        for field in e.fields() {
            let applies = match field {
                "completions" => true,
                "ret" => call.is_winsock_call() || matches!(call, Call::CompleteConnect { .. }),
                "error" => {
                    (call.is_winsock_call() && !matches!(call, Call::WsaStartup { .. }))
                        || matches!(call, Call::CompleteConnect { .. })
                }
                "optval" | "optlen" => {
                    matches!(call, Call::Getsockopt { .. } | Call::Setsockopt { .. })
                }
                "name" => matches!(call, Call::Getsockname { .. } | Call::Getpeername { .. }),
                "from" => matches!(call, Call::Recvfrom { .. }),
                "lpcbBytesReturned" | "lpvOutBuffer" | "completion" => {
                    matches!(call, Call::WsaIoctl { .. })
                }
                _ => matches!(call, Call::KeepaliveStatus { .. }),
            };
            let why = match (field, call) {
                ("error", Call::WsaStartup { .. }) => {
                    " (WSAStartup returns its error code as `ret` and does not set the last error)"
                }
                _ => "",
            };
            if !applies {
                return Err(ScenarioError::new(
                    self.file,
                    self.key_pos(&format!("{path}/{field}")),
                    format!(
                        "`{field}` cannot be checked on `{}`{why}; it checks {}",
                        call.name(),
                        applicable_fields(call).join(", ")
                    ),
                ));
            }
            if let Some(text) = match field {
                "name" => e.name.as_deref(),
                "from" => e.from.as_deref(),
                _ => None,
            } {
                if let Err(m) = text.parse::<SockAddr>() {
                    return Err(self.err(&format!("{path}/{field}"), m));
                }
            }
            if let Some(arg) = unreadable_after(field, call) {
                return Err(ScenarioError::new(
                    self.file,
                    self.key_pos(&format!("{path}/{field}")),
                    format!(
                        "`{field}` cannot be checked here: {arg} is an integer passed as the pointer ({{pointer: N}}), memory the caller cannot read; check `ret` and `error`"
                    ),
                ));
            }
            if field == "ret" && matches!(call, Call::Socket { .. }) {
                if let Some(r) = e.ret {
                    if r != crate::values::RetExpect::InvalidSocket {
                        return Err(ScenarioError::new(
                            self.file,
                            self.node_pos(&format!("{path}/ret")),
                            "the SOCKET that `socket` returns is an opaque handle: only `ret: INVALID_SOCKET` can be checked; check `error: 0` for success",
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn call(&self, args: &str, raw: RawCall) -> Result<Call, ScenarioError> {
        Ok(match raw {
            RawCall::Startup(a) => Call::WsaStartup {
                version_requested: a
                    .wVersionRequested
                    .map_or(wsoracle_model::codes::WINSOCK_2_2, |v| v.0),
            },
            RawCall::Cleanup => Call::WsaCleanup,
            RawCall::Socket(a) => Call::Socket {
                af: a.af.0,
                socket_type: a.socket_type.0,
                protocol: a.protocol.0,
            },
            RawCall::S(name, a) => {
                let s = a.s.clone();
                match name {
                    "closesocket" => Call::Closesocket { s },
                    "getsockname" => Call::Getsockname { s },
                    "getpeername" => Call::Getpeername { s },
                    "incoming" => Call::Incoming { s },
                    "accept" => Call::Accept { s },
                    "complete_connect" => Call::CompleteConnect { s },
                    _ => Call::KeepaliveStatus { s },
                }
            }
            RawCall::Listen(a) => Call::Listen {
                s: a.s.clone(),
                backlog: a.backlog.map(|b| b.0),
            },
            RawCall::Ioctlsocket(a) => Call::Ioctlsocket {
                s: a.s.clone(),
                cmd: a.cmd.0,
                argp: a.argp.0,
            },
            RawCall::Bind(a) => match &a.name {
                None => Call::Bind { s: a.s.clone() },
                Some(text) => Call::BindName {
                    s: a.s.clone(),
                    name: text
                        .parse()
                        .map_err(|m: &str| self.err(&format!("{args}/name"), m))?,
                },
            },
            RawCall::Connect(a) => match (a.peer, &a.name) {
                (Some(peer), None) => Call::Connect {
                    s: a.s.clone(),
                    peer: match peer {
                        PeerAnswer::Accepts => Peer::Accepts,
                        PeerAnswer::Refuses => Peer::Refuses,
                        PeerAnswer::Silent => Peer::Silent,
                    },
                },
                (None, Some(text)) => Call::ConnectName {
                    s: a.s.clone(),
                    name: text
                        .parse()
                        .map_err(|m: &str| self.err(&format!("{args}/name"), m))?,
                },
                (Some(_), Some(_)) => {
                    return Err(self.err(
                        &format!("{args}/name"),
                        "`connect` takes either `peer` (a remote peer) or `name` (an address of the host), not both",
                    ))
                }
                (None, None) => {
                    return Err(self.err(
                        args,
                        "`connect` needs `peer: accepts|refuses|silent` (a remote peer) or `name` (an address of the host, e.g. \"127.0.0.1:5000\")",
                    ))
                }
            },
            RawCall::Sendto(a) => Call::Sendto {
                s: a.s.clone(),
                to: a
                    .to
                    .parse()
                    .map_err(|m: &str| self.err(&format!("{args}/to"), m))?,
                len: a.len.map_or(1, |l| l.0),
            },
            RawCall::Setsockopt(a) => {
                let optval = a.optval.clone().unwrap_or(Buffer::Null);
                let optlen = match &a.optlen {
                    None => i32::try_from(optval.len()).unwrap_or(i32::MAX),
                    Some(IntPtrArg::Value(n)) => *n,
                    Some(IntPtrArg::Null | IntPtrArg::Pointer(_)) => {
                        return Err(self.err(
                            &format!("{args}/optlen"),
                            "setsockopt's optlen is an int passed by value, not a pointer: write a number, or leave it out for the length of optval",
                        ))
                    }
                };
                self.check_fits(args, "optval", "optlen", &optval, i64::from(optlen))?;
                let optname = a
                    .optname
                    .at_level(a.level.0)
                    .map_err(|m| self.err(&format!("{args}/optname"), m))?;
                Call::Setsockopt {
                    s: a.s.clone(),
                    level: a.level.0,
                    optname,
                    optval,
                    optlen,
                }
            }
            RawCall::Getsockopt(a) => {
                let given_len = |b: &Buffer| i32::try_from(b.len()).unwrap_or(i32::MAX);
                let (optval, optlen) = match (&a.optval, &a.optlen) {
                    (Some(b), None) => (b.clone(), IntPtrArg::Value(given_len(b))),
                    (Some(b), Some(l)) => (b.clone(), *l),
                    // No optval: a buffer of max(optlen, 0) bytes of 0xcc, 4 for a NULL optlen
                    // or an integer passed as the optlen pointer.
                    (None, Some(IntPtrArg::Value(n))) => (
                        Buffer::Bytes(vec![0xcc; (*n).clamp(0, MAX_DEFAULT_BUFFER) as usize]),
                        IntPtrArg::Value(*n),
                    ),
                    (None, Some(l @ (IntPtrArg::Null | IntPtrArg::Pointer(_)))) => {
                        (Buffer::Bytes(vec![0xcc; 4]), *l)
                    }
                    // Neither: a DWORD's worth, the size every keep-alive option has.
                    (None, None) => (Buffer::Bytes(vec![0xcc; 4]), IntPtrArg::Value(4)),
                };
                if a.optval.is_some() {
                    if let IntPtrArg::Value(n) = optlen {
                        self.check_fits(args, "optval", "optlen", &optval, i64::from(n))?;
                    }
                }
                let optname = a
                    .optname
                    .at_level(a.level.0)
                    .map_err(|m| self.err(&format!("{args}/optname"), m))?;
                Call::Getsockopt {
                    s: a.s.clone(),
                    level: a.level.0,
                    optname,
                    optval,
                    optlen,
                }
            }
            RawCall::Condition(a) => {
                if a.network.is_none() && a.blocking_call.is_none() {
                    return Err(self.err(
                        args,
                        "`condition` sets `network: down|up`, `blocking_call: true|false`, or both",
                    ));
                }
                Call::Condition {
                    network_down: a.network.map(|n| n == NetworkCondition::Down),
                    blocking_call: a.blocking_call,
                }
            }
            RawCall::WsaIoctl(a) => {
                let in_buffer = a.lpvInBuffer.clone().unwrap_or(Buffer::Null);
                let cb_in = a
                    .cbInBuffer
                    .map_or(u32::try_from(in_buffer.len()).unwrap_or(u32::MAX), |c| c.0);
                self.check_fits(
                    args,
                    "lpvInBuffer",
                    "cbInBuffer",
                    &in_buffer,
                    i64::from(cb_in),
                )?;
                let out_buffer = a.lpvOutBuffer.clone().unwrap_or(Buffer::Null);
                let cb_out = a.cbOutBuffer.map_or(0, |c| c.0);
                self.check_fits(
                    args,
                    "lpvOutBuffer",
                    "cbOutBuffer",
                    &out_buffer,
                    i64::from(cb_out),
                )?;
                Call::WsaIoctl {
                    s: a.s.clone(),
                    code: a.dwIoControlCode.0,
                    in_buffer,
                    cb_in,
                    out_buffer,
                    cb_out,
                    bytes_returned: a
                        .lpcbBytesReturned
                        .unwrap_or(IntPtrArg::Value(DEFAULT_BYTES_RETURNED)),
                    overlapped: a.lpOverlapped.unwrap_or(false),
                    completion_routine: a.lpCompletionRoutine.unwrap_or(false),
                }
            }
            RawCall::Len(name, a) => {
                let s = a.s.clone();
                let len = a.len.map_or(1, |l| l.0);
                match name {
                    "send" => Call::Send { s, len },
                    "recv" => Call::Recv { s, len },
                    "recvfrom" => Call::Recvfrom { s, len },
                    _ => Call::PeerSends { s, len },
                }
            }
            RawCall::Advance(d) => Call::Advance { by: d },
            RawCall::Peer(a) => Call::SetPeer {
                s: a.s.clone(),
                state: a.state,
            },
        })
    }

    /// A positive length larger than the bytes given would make the call read or write past
    /// the buffer: the scenario cannot mean that.
    fn check_fits(
        &self,
        args: &str,
        buffer_name: &str,
        len_name: &str,
        buffer: &Buffer,
        len: i64,
    ) -> Result<(), ScenarioError> {
        if let Buffer::Bytes(b) = buffer {
            let have = b.len() as i64; // a buffer is at most MAX_BUFFER bytes
            if len > have {
                return Err(self.err(
                    &format!("{args}/{len_name}"),
                    format!(
                        "{len_name} {len} is larger than the {have} bytes of {buffer_name}: the call would read past the buffer. Give {buffer_name} {len} bytes (e.g. {{bytes: {len}}} or more hex), or lower {len_name} to {have} or less"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The argument an expectation field reads after the call, when the scenario passed it as
/// `{pointer: N}`: there is nothing the caller could read back.
fn unreadable_after(field: &str, call: &Call) -> Option<&'static str> {
    match (field, call) {
        (
            "optval",
            Call::Getsockopt {
                optval: Buffer::Pointer(_),
                ..
            }
            | Call::Setsockopt {
                optval: Buffer::Pointer(_),
                ..
            },
        ) => Some("optval"),
        (
            "optlen",
            Call::Getsockopt {
                optlen: IntPtrArg::Pointer(_),
                ..
            },
        ) => Some("optlen"),
        (
            "lpvOutBuffer",
            Call::WsaIoctl {
                out_buffer: Buffer::Pointer(_),
                ..
            },
        ) => Some("lpvOutBuffer"),
        (
            "lpcbBytesReturned",
            Call::WsaIoctl {
                bytes_returned: IntPtrArg::Pointer(_),
                ..
            },
        ) => Some("lpcbBytesReturned"),
        _ => None,
    }
}

/// The largest buffer a getsockopt without `optval` gets from its optlen.
const MAX_DEFAULT_BUFFER: i32 = 1 << 16;

fn applicable_fields(call: &Call) -> Vec<&'static str> {
    let mut f = Vec::new();
    if call.is_winsock_call() || matches!(call, Call::CompleteConnect { .. }) {
        f.push("ret");
        if !matches!(call, Call::WsaStartup { .. }) {
            f.push("error");
        }
    }
    match call {
        Call::Getsockopt { .. } | Call::Setsockopt { .. } => f.extend(["optval", "optlen"]),
        Call::WsaIoctl { .. } => f.extend(["lpcbBytesReturned", "lpvOutBuffer", "completion"]),
        Call::KeepaliveStatus { .. } => f.extend([
            "enabled",
            "idle_ms",
            "interval_ms",
            "probe_count",
            "probes_sent",
            "state",
            "dropped_at",
        ]),
        Call::Getsockname { .. } | Call::Getpeername { .. } => f.push("name"),
        Call::Recvfrom { .. } => f.push("from"),
        _ => {}
    }
    f.push("completions");
    f
}

fn present_call_keys(raw: &StepFile) -> Vec<&'static str> {
    let flags = [
        raw.WSAStartup.is_some(),
        raw.WSACleanup.is_some(),
        raw.socket.is_some(),
        raw.closesocket.is_some(),
        raw.bind.is_some(),
        raw.listen.is_some(),
        raw.incoming.is_some(),
        raw.accept.is_some(),
        raw.ioctlsocket.is_some(),
        raw.connect.is_some(),
        raw.complete_connect.is_some(),
        raw.setsockopt.is_some(),
        raw.getsockopt.is_some(),
        raw.condition.is_some(),
        raw.WSAIoctl.is_some(),
        raw.send.is_some(),
        raw.recv.is_some(),
        raw.advance.is_some(),
        raw.peer.is_some(),
        raw.peer_sends.is_some(),
        raw.keepalive_status.is_some(),
        raw.getsockname.is_some(),
        raw.getpeername.is_some(),
        raw.sendto.is_some(),
        raw.recvfrom.is_some(),
    ];
    CALL_KEYS
        .iter()
        .zip(flags)
        .filter(|(_, set)| *set)
        .map(|(k, _)| *k)
        .collect()
}

/// The one call of a step, borrowed from the file's shape.
enum RawCall<'a> {
    Startup(&'a crate::schema::StartupArgs),
    Cleanup,
    Socket(&'a crate::schema::SocketArgs),
    S(&'static str, &'a crate::schema::SArgs),
    Listen(&'a crate::schema::ListenArgs),
    Ioctlsocket(&'a crate::schema::IoctlsocketArgs),
    Connect(&'a crate::schema::ConnectArgs),
    Bind(&'a crate::schema::BindArgs),
    Sendto(&'a crate::schema::SendtoArgs),
    Setsockopt(&'a crate::schema::SockoptArgs),
    Getsockopt(&'a crate::schema::SockoptArgs),
    Condition(&'a crate::schema::ConditionArgs),
    WsaIoctl(&'a crate::schema::WsaIoctlArgsFile),
    Len(&'static str, &'a crate::schema::LenArgs),
    Advance(Duration),
    Peer(&'a crate::schema::PeerArgs),
}

/// The call of a step that has exactly one (checked by the caller).
fn raw_call(raw: &StepFile) -> RawCall<'_> {
    if let Some(a) = &raw.WSAStartup {
        RawCall::Startup(a)
    } else if raw.WSACleanup.is_some() {
        RawCall::Cleanup
    } else if let Some(a) = &raw.socket {
        RawCall::Socket(a)
    } else if let Some(a) = &raw.closesocket {
        RawCall::S("closesocket", a)
    } else if let Some(a) = &raw.bind {
        RawCall::Bind(a)
    } else if let Some(a) = &raw.listen {
        RawCall::Listen(a)
    } else if let Some(a) = &raw.incoming {
        RawCall::S("incoming", a)
    } else if let Some(a) = &raw.accept {
        RawCall::S("accept", a)
    } else if let Some(a) = &raw.ioctlsocket {
        RawCall::Ioctlsocket(a)
    } else if let Some(a) = &raw.connect {
        RawCall::Connect(a)
    } else if let Some(a) = &raw.complete_connect {
        RawCall::S("complete_connect", a)
    } else if let Some(a) = &raw.setsockopt {
        RawCall::Setsockopt(a)
    } else if let Some(a) = &raw.getsockopt {
        RawCall::Getsockopt(a)
    } else if let Some(a) = &raw.condition {
        RawCall::Condition(a)
    } else if let Some(a) = &raw.WSAIoctl {
        RawCall::WsaIoctl(a)
    } else if let Some(a) = &raw.send {
        RawCall::Len("send", a)
    } else if let Some(a) = &raw.recv {
        RawCall::Len("recv", a)
    } else if let Some(d) = &raw.advance {
        RawCall::Advance(d.0)
    } else if let Some(a) = &raw.peer {
        RawCall::Peer(a)
    } else if let Some(a) = &raw.peer_sends {
        RawCall::Len("peer_sends", a)
    } else if let Some(a) = &raw.keepalive_status {
        RawCall::S("keepalive_status", a)
    } else if let Some(a) = &raw.getsockname {
        RawCall::S("getsockname", a)
    } else if let Some(a) = &raw.getpeername {
        RawCall::S("getpeername", a)
    } else if let Some(a) = &raw.sendto {
        RawCall::Sendto(a)
    } else if let Some(a) = &raw.recvfrom {
        RawCall::Len("recvfrom", a)
    } else {
        // Unreachable: the caller checked the step has exactly one call key. WSACleanup is the
        // harmless fallback, never a panic.
        RawCall::Cleanup
    }
}
