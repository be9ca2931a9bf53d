//! The scenario file as written: serde types that mirror the YAML one to one, with
//! `deny_unknown_fields` everywhere. `load` turns them into a checked [`crate::Scenario`].
//!
//! Argument names are the parameter names of the Microsoft prototypes, so the YAML reads like
//! the C call it stands for.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use wsoracle_model::codes::{AddressFamily, IoctlCode, Level, Protocol, SocketType};

use crate::values::{
    present, Buffer, Constant, DurationArg, ErrorSet, HexPattern, Int, IntPtrArg, Nullable,
    OptNameArg, RetExpect, SockRef,
};

/// A scenario file (format version 1).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The format version (default 1). A file newer than the binary is a load error.
    #[serde(default)]
    pub format: Option<Int<u32>>,
    /// One line.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Spec clauses and evidence ids the scenario covers (free-form metadata).
    #[serde(default)]
    pub covers: Vec<String>,
    /// Preset names or MAJOR.MINOR.BUILD[.UBR]; default: every preset.
    #[serde(default)]
    pub profiles: Option<Vec<String>>,
    /// observed (default) or documented.
    #[serde(default)]
    pub fidelity: Option<FidelityName>,
    /// REG_DWORD values under Tcpip\Parameters; absent = not set.
    #[serde(default)]
    pub registry: Option<RegistryFile>,
    /// The process's rights: `{elevated: true}` runs it as an administrator (default: a
    /// standard user).
    #[serde(default)]
    pub process: Option<ProcessFile>,
    /// The simulated host: `{addresses: ["192.0.2.10", "2001:db8::10"]}` adds addresses to
    /// loopback and the wildcard.
    #[serde(default)]
    pub host: Option<HostFile>,
    pub steps: Vec<StepFile>,
}

/// `host: {addresses: [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostFile {
    #[serde(default)]
    pub addresses: Vec<String>,
}

/// `process: {elevated: true|false}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessFile {
    #[serde(default)]
    pub elevated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FidelityName {
    Observed,
    Documented,
}

/// The registry values the model reads (REG_DWORD).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)] // the registry's own value names
pub struct RegistryFile {
    #[serde(default)]
    pub KeepAliveTime: Option<Int<u32>>,
    #[serde(default)]
    pub KeepAliveInterval: Option<Int<u32>>,
    #[serde(default)]
    pub TcpMaxDataRetransmissions: Option<Int<u32>>,
    #[serde(default)]
    pub PPTPTcpMaxDataRetransmissions: Option<Int<u32>>,
    /// Before Vista, the highest ephemeral port.
    #[serde(default)]
    pub MaxUserPort: Option<Int<u32>>,
}

/// One step: exactly one call key, plus optional `as`, `expect` and `expect_on`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)] // the keys are Winsock function names
pub struct StepFile {
    #[serde(default)]
    pub WSAStartup: Option<StartupArgs>,
    #[serde(default)]
    pub WSACleanup: Option<NoArgs>,
    #[serde(default)]
    pub socket: Option<SocketArgs>,
    #[serde(default)]
    pub closesocket: Option<SArgs>,
    #[serde(default)]
    pub bind: Option<BindArgs>,
    #[serde(default)]
    pub listen: Option<ListenArgs>,
    #[serde(default)]
    pub incoming: Option<SArgs>,
    #[serde(default)]
    pub accept: Option<SArgs>,
    #[serde(default)]
    pub ioctlsocket: Option<IoctlsocketArgs>,
    #[serde(default)]
    pub connect: Option<ConnectArgs>,
    #[serde(default)]
    pub complete_connect: Option<SArgs>,
    #[serde(default)]
    pub setsockopt: Option<SockoptArgs>,
    #[serde(default)]
    pub getsockopt: Option<SockoptArgs>,
    #[serde(default)]
    pub condition: Option<ConditionArgs>,
    #[serde(default)]
    pub WSAIoctl: Option<WsaIoctlArgsFile>,
    #[serde(default)]
    pub send: Option<LenArgs>,
    #[serde(default)]
    pub recv: Option<LenArgs>,
    #[serde(default)]
    pub advance: Option<DurationArg>,
    #[serde(default)]
    pub peer: Option<PeerArgs>,
    #[serde(default)]
    pub peer_sends: Option<LenArgs>,
    #[serde(default)]
    pub keepalive_status: Option<SArgs>,
    #[serde(default)]
    pub getsockname: Option<SArgs>,
    #[serde(default)]
    pub getpeername: Option<SArgs>,
    #[serde(default)]
    pub sendto: Option<SendtoArgs>,
    #[serde(default)]
    pub recvfrom: Option<LenArgs>,
    /// Binds the SOCKET that `socket` or `accept` returns to a name.
    #[serde(default, rename = "as")]
    pub bind_as: Option<String>,
    #[serde(default)]
    pub expect: Option<ExpectFile>,
    /// Profile (preset name, version, or range `A..B`) → the expectation on that profile.
    #[serde(default)]
    pub expect_on: Option<BTreeMap<String, ExpectFile>>,
}

/// The call keys of a step, in the order of the contract's tables.
pub const CALL_KEYS: &[&str] = &[
    "WSAStartup",
    "WSACleanup",
    "socket",
    "closesocket",
    "bind",
    "listen",
    "incoming",
    "accept",
    "ioctlsocket",
    "connect",
    "complete_connect",
    "setsockopt",
    "getsockopt",
    "condition",
    "WSAIoctl",
    "send",
    "recv",
    "advance",
    "peer",
    "peer_sends",
    "keepalive_status",
    "getsockname",
    "getpeername",
    "sendto",
    "recvfrom",
];

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct StartupArgs {
    /// Default 0x0202 (Winsock 2.2).
    #[serde(default)]
    pub wVersionRequested: Option<Int<u16>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SocketArgs {
    pub af: Constant<AddressFamily>,
    #[serde(rename = "type")]
    pub socket_type: Constant<SocketType>,
    pub protocol: Constant<Protocol>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SArgs {
    pub s: SockRef,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListenArgs {
    pub s: SockRef,
    #[serde(default)]
    pub backlog: Option<Int<i32>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IoctlsocketArgs {
    pub s: SockRef,
    pub cmd: Constant<IoctlCode>,
    pub argp: Int<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PeerAnswer {
    Accepts,
    Refuses,
    Silent,
}

/// `connect`: a remote `peer`, or a `name` (an address of the host), not both.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectArgs {
    pub s: SockRef,
    #[serde(default)]
    pub peer: Option<PeerAnswer>,
    #[serde(default)]
    pub name: Option<String>,
}

/// `bind`: without `name`, the family's wildcard and port 0.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BindArgs {
    pub s: SockRef,
    #[serde(default)]
    pub name: Option<String>,
}

/// `sendto(s, buf, len, 0, to, tolen)`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendtoArgs {
    pub s: SockRef,
    pub to: String,
    /// Default 1.
    #[serde(default)]
    pub len: Option<Int<u32>>,
}

/// `setsockopt` and `getsockopt` take the same arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SockoptArgs {
    pub s: SockRef,
    pub level: Constant<Level>,
    pub optname: OptNameArg,
    /// Hex bytes, null, {dword: N}, {pointer: N} (getsockopt: the buffer's initial contents).
    #[serde(default, deserialize_with = "present")]
    pub optval: Option<Buffer>,
    /// setsockopt: the int passed. getsockopt: `*optlen` on input, null for a NULL pointer, or
    /// {pointer: N} for an integer passed as the pointer.
    #[serde(default, deserialize_with = "present")]
    pub optlen: Option<IntPtrArg<i32>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NetworkCondition {
    Down,
    Up,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionArgs {
    #[serde(default)]
    pub network: Option<NetworkCondition>,
    #[serde(default)]
    pub blocking_call: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)] // the parameter names of the Microsoft prototype
pub struct WsaIoctlArgsFile {
    pub s: SockRef,
    pub dwIoControlCode: Constant<IoctlCode>,
    /// Hex, null (the default), {tcp_keepalive: {onoff, keepalivetime, keepaliveinterval}}, or
    /// {pointer: N}.
    #[serde(default, deserialize_with = "present")]
    pub lpvInBuffer: Option<Buffer>,
    /// Default: the length of lpvInBuffer.
    #[serde(default)]
    pub cbInBuffer: Option<Int<u32>>,
    /// Hex, null (the default), {bytes: N} of 0xcc, or {pointer: N}.
    #[serde(default, deserialize_with = "present")]
    pub lpvOutBuffer: Option<Buffer>,
    /// Default 0.
    #[serde(default)]
    pub cbOutBuffer: Option<Int<u32>>,
    /// The initial `*lpcbBytesReturned` (default 0xdeadbeef), null for a NULL pointer, or
    /// {pointer: N} for an integer passed as the pointer.
    #[serde(default, deserialize_with = "present")]
    pub lpcbBytesReturned: Option<IntPtrArg<u32>>,
    #[serde(default)]
    pub lpOverlapped: Option<bool>,
    #[serde(default)]
    pub lpCompletionRoutine: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LenArgs {
    pub s: SockRef,
    /// Default 1.
    #[serde(default)]
    pub len: Option<Int<u32>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PeerState {
    Responsive,
    Silent,
    Reset,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeerArgs {
    pub s: SockRef,
    pub state: PeerState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KeepAliveStateName {
    Idle,
    Probing,
    Dropped,
}

/// What a step is expected to answer. A field left out is not checked.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct ExpectFile {
    /// An int, SOCKET_ERROR, INVALID_SOCKET or pending.
    #[serde(default)]
    pub ret: Option<RetExpect>,
    /// WSAGetLastError() after the call: a name, a number, 0, or a list meaning any of them.
    #[serde(default)]
    pub error: Option<ErrorSet>,
    /// getsockopt/setsockopt: hex of the whole buffer after the call (`??` = any byte).
    #[serde(default)]
    pub optval: Option<HexPattern>,
    /// getsockopt: `*optlen` after the call.
    #[serde(default)]
    pub optlen: Option<Int<i32>>,
    /// WSAIoctl: `*lpcbBytesReturned` after the call.
    #[serde(default)]
    pub lpcbBytesReturned: Option<Int<u32>>,
    /// WSAIoctl: hex of the output buffer after the call.
    #[serde(default)]
    pub lpvOutBuffer: Option<HexPattern>,
    /// WSAIoctl, overlapped: the completion queued, or null for none.
    #[serde(default, deserialize_with = "present")]
    pub completion: Option<Nullable<CompletionExpect>>,
    /// Pending calls this step completed, in order.
    #[serde(default)]
    pub completions: Option<Vec<CompletedExpect>>,
    /// keepalive_status fields.
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub idle_ms: Option<Int<u64>>,
    #[serde(default)]
    pub interval_ms: Option<Int<u64>>,
    #[serde(default)]
    pub probe_count: Option<Int<u32>>,
    #[serde(default)]
    pub probes_sent: Option<Int<u32>>,
    #[serde(default)]
    pub state: Option<KeepAliveStateName>,
    /// A duration since time zero, or null.
    #[serde(default, deserialize_with = "present")]
    pub dropped_at: Option<Nullable<DurationArg>>,
    /// getsockname/getpeername: the address written, compared by value.
    #[serde(default)]
    pub name: Option<String>,
    /// recvfrom: the source address written, compared by value.
    #[serde(default)]
    pub from: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionExpect {
    #[serde(default)]
    pub error: Option<ErrorSet>,
    #[serde(default)]
    pub bytes: Option<Int<u32>>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletedExpect {
    pub call: String,
    pub s: SockRef,
    #[serde(default)]
    pub ret: Option<RetExpect>,
    #[serde(default)]
    pub error: Option<ErrorSet>,
}

impl ExpectFile {
    /// The names of the fields this expectation sets, for checking they apply to the step.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        let mut add = |set: bool, name| {
            if set {
                f.push(name)
            }
        };
        add(self.ret.is_some(), "ret");
        add(self.error.is_some(), "error");
        add(self.optval.is_some(), "optval");
        add(self.optlen.is_some(), "optlen");
        add(self.lpcbBytesReturned.is_some(), "lpcbBytesReturned");
        add(self.lpvOutBuffer.is_some(), "lpvOutBuffer");
        add(self.completion.is_some(), "completion");
        add(self.completions.is_some(), "completions");
        add(self.enabled.is_some(), "enabled");
        add(self.idle_ms.is_some(), "idle_ms");
        add(self.interval_ms.is_some(), "interval_ms");
        add(self.probe_count.is_some(), "probe_count");
        add(self.probes_sent.is_some(), "probes_sent");
        add(self.state.is_some(), "state");
        add(self.dropped_at.is_some(), "dropped_at");
        add(self.name.is_some(), "name");
        add(self.from.is_some(), "from");
        f
    }
}
