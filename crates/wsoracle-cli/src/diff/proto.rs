//! The driver's side of the probe's line protocol, version 1 (`docs/differential.md`): the
//! greeting, request encoding and answer decoding. `crates/wsoracle-probe/src/proto.rs` holds
//! the probe's side and the reference reader of answers; this one follows the same grammar.

use std::fmt::Write as _;

/// The one protocol version this driver speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The probe's first line: `wsoracle-probe 1 windows=6.1.7601 wine=8.0 pending=...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Greeting {
    /// The line as read.
    pub line: String,
    pub protocol: u32,
    /// `MAJOR.MINOR.BUILD` from `RtlGetVersion`.
    pub windows: String,
    /// Wine's version, when the probe runs under Wine.
    pub wine: Option<String>,
    pub pending: Option<String>,
}

impl Greeting {
    pub fn parse(line: &str) -> Result<Greeting, String> {
        let line = line.trim_end_matches(['\r', '\n']);
        let mut words = line.split_whitespace();
        if words.next() != Some("wsoracle-probe") {
            return Err(format!(
                "the backend's first line is not a wsoracle-probe greeting: `{line}`"
            ));
        }
        let version = words.next().unwrap_or("");
        let protocol: u32 = version
            .parse()
            .map_err(|_| format!("the greeting has no protocol version: `{line}`"))?;
        if protocol != PROTOCOL_VERSION {
            return Err(format!(
                "the backend speaks protocol version {protocol}; this wsoracle speaks only \
                 version {PROTOCOL_VERSION}"
            ));
        }
        let mut g = Greeting {
            line: line.to_string(),
            protocol,
            windows: String::new(),
            wine: None,
            pending: None,
        };
        for w in words {
            // Keys a later probe adds are ignored.
            match w.split_once('=') {
                Some(("windows", v)) => g.windows = v.to_string(),
                Some(("wine", v)) => g.wine = Some(v.to_string()),
                Some(("pending", v)) => g.pending = Some(v.to_string()),
                _ => {}
            }
        }
        if g.windows.is_empty() {
            return Err(format!("the greeting has no windows= version: `{line}`"));
        }
        Ok(g)
    }

    /// `wine` under Wine, else `windows`.
    pub fn kind(&self) -> &'static str {
        if self.wine.is_some() {
            "wine"
        } else {
            "windows"
        }
    }

    /// The backend's name, matched against the `backend` of `divergences.toml` entries:
    /// `wine-8.0`, or `windows-10.0.20348`.
    pub fn backend_id(&self) -> String {
        match &self.wine {
            Some(v) => format!("wine-{v}"),
            None => format!("windows-{}", self.windows),
        }
    }
}

/// A socket argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SockArg {
    /// A name bound with `as`; sent as `@NAME`.
    Name(String),
    Invalid,
    Raw(i64),
}

/// One argument value, as the protocol writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Int(i64),
    /// A buffer; `None` is a NULL pointer.
    Buf(Option<Vec<u8>>),
    /// An int that is a NULL pointer when `None` (`optlen: null`).
    NullableInt(Option<i64>),
    /// An integer passed as a pointer (`{pointer: N}`), for a buffer or a pointer-valued int:
    /// sent as `ptr:0x1` (an additive value of protocol 1).
    Ptr(u64),
    Sock(SockArg),
    Bool(bool),
    /// A word sent as is (`peer=accepts`, `duration=2h`).
    Word(String),
}

impl Arg {
    fn render(&self) -> String {
        match self {
            Arg::Int(n) => n.to_string(),
            Arg::Buf(None) | Arg::NullableInt(None) => "null".to_string(),
            Arg::Buf(Some(b)) => hex(b),
            Arg::NullableInt(Some(n)) => n.to_string(),
            Arg::Ptr(p) => render_ptr(*p),
            Arg::Sock(SockArg::Name(n)) => format!("@{n}"),
            Arg::Sock(SockArg::Invalid) => "INVALID_SOCKET".to_string(),
            Arg::Sock(SockArg::Raw(n)) => n.to_string(),
            Arg::Bool(b) => b.to_string(),
            // A value has no whitespace: squeeze any out rather than break the line.
            Arg::Word(w) => w.split_whitespace().collect::<Vec<_>>().join(""),
        }
    }
}

/// A request without its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub call: String,
    pub args: Vec<(String, Arg)>,
}

impl Request {
    pub fn new(call: &str) -> Request {
        Request {
            call: call.to_string(),
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, key: &str, value: Arg) -> Request {
        self.args.push((key.to_string(), value));
        self
    }

    /// `<id> <call> key=value...`; keys are sent once, in order.
    pub fn line(&self, id: &str) -> String {
        let mut s = format!("{id} {}", self.call);
        for (k, v) in &self.args {
            let _ = write!(s, " {k}={}", v.render());
        }
        s
    }
}

/// An integer passed as a pointer, as the protocol writes it: `ptr:0x1`.
pub fn render_ptr(p: u64) -> String {
    format!("ptr:{p:#x}")
}

/// The N of a `ptr:N` value (decimal or `0x` hex), if `v` is one.
fn parse_ptr(v: &str) -> Option<Result<u64, String>> {
    let n = v.strip_prefix("ptr:")?;
    let parsed = match n.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => n.parse::<u64>().ok(),
    };
    Some(parsed.ok_or_else(|| format!("`{v}` is not ptr:N")))
}

/// The line without its first word (the step id): what a replay compares.
pub fn strip_id(line: &str) -> &str {
    match line.split_once(' ') {
        Some((_, rest)) => rest,
        None => "",
    }
}

/// Lowercase contiguous hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

pub fn unhex(v: &str) -> Result<Vec<u8>, String> {
    if v.len() % 2 != 0 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{v}` is not hex"));
    }
    (0..v.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&v[i..i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

/// An answer's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    Skipped,
    NotPending,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Skipped => "skipped",
            Status::NotPending => "not-pending",
            Status::Error => "error",
        }
    }

    pub fn from_name(s: &str) -> Option<Status> {
        match s {
            "ok" => Some(Status::Ok),
            "skipped" => Some(Status::Skipped),
            "not-pending" => Some(Status::NotPending),
            "error" => Some(Status::Error),
            _ => None,
        }
    }
}

/// An answer line, split (the grammar of `proto::parse_answer` in the probe).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawAnswer {
    pub id: String,
    pub status: Status,
    pub fields: Vec<(String, String)>,
    pub message: Option<String>,
}

impl RawAnswer {
    pub fn parse(line: &str) -> Result<RawAnswer, String> {
        let line = line.trim_end_matches(['\r', '\n']);
        let (head, message) = match line.find(" message=") {
            Some(i) => (&line[..i], Some(line[i + " message=".len()..].to_string())),
            None => (line, None),
        };
        let mut words = head.split(' ');
        let id = words.next().unwrap_or("").to_string();
        if id.is_empty() {
            return Err(format!("answer without an id: `{line}`"));
        }
        let status_word = words.next().unwrap_or("");
        let status = Status::from_name(status_word)
            .ok_or_else(|| format!("unknown status `{status_word}` in `{line}`"))?;
        let mut fields = Vec::new();
        for w in words {
            match w.split_once('=') {
                Some((k, v)) if !k.is_empty() => fields.push((k.to_string(), v.to_string())),
                _ => return Err(format!("`{w}` is not key=value in `{line}`")),
            }
        }
        Ok(RawAnswer {
            id,
            status,
            fields,
            message,
        })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A value that may be a NULL pointer, or an integer passed as the pointer (nothing to read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ptr<T> {
    Null,
    /// `ptr:N`: the caller passed the integer N as the pointer; both sides echo it.
    Bad(u64),
    Value(T),
}

impl<T: std::fmt::Display> std::fmt::Display for Ptr<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ptr::Null => f.write_str("NULL"),
            Ptr::Bad(p) => write!(f, "pointer {p:#x}"),
            Ptr::Value(v) => v.fmt(f),
        }
    }
}

/// The last error after a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastError {
    /// The call did not write it.
    Untouched,
    Code(i32),
}

/// The return value, with handles made opaque.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetVal {
    Int(i64),
    /// A SOCKET: only whether it is INVALID_SOCKET is compared.
    Handle {
        valid: bool,
        raw: i64,
    },
    /// A blocking call that has not returned (model only).
    Pending,
}

/// An overlapped call's completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completion {
    None,
    Done {
        error: i32,
        bytes: u32,
    },
    /// Expected, not delivered.
    Pending,
}

/// The comparable results of one call, from either side. A field is `None` when the call has
/// no such result or the side does not say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Results {
    pub ret: Option<RetVal>,
    pub error: Option<LastError>,
    /// `getsockopt`'s whole buffer after the call.
    pub optval: Option<Ptr<Vec<u8>>>,
    /// `*optlen` after the call.
    pub optlen: Option<Ptr<i32>>,
    /// `*lpcbBytesReturned` after the call.
    pub bytes_returned: Option<Ptr<u32>>,
    /// `WSAIoctl`'s out-buffer after the call.
    pub out_buffer: Option<Ptr<Vec<u8>>>,
    pub completion: Option<Completion>,
}

/// Calls whose `ret` is a SOCKET.
pub fn returns_socket(call: &str) -> bool {
    matches!(call, "socket" | "accept")
}

fn int(key: &str, v: &str) -> Result<i64, String> {
    let parsed = if let Some(h) = v.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else {
        v.parse::<i64>().ok()
    };
    parsed.ok_or_else(|| format!("{key}=`{v}` is not an integer"))
}

fn buf(key: &str, v: &str) -> Result<Ptr<Vec<u8>>, String> {
    if v == "null" {
        return Ok(Ptr::Null);
    }
    if let Some(p) = parse_ptr(v) {
        return p.map(Ptr::Bad).map_err(|e| format!("{key}: {e}"));
    }
    unhex(v).map(Ptr::Value).map_err(|e| format!("{key}: {e}"))
}

/// A pointer-valued int after the call: `null`, `ptr:N`, or the value.
fn int_ptr<T>(key: &str, v: &str, conv: impl Fn(i64) -> T) -> Result<Ptr<T>, String> {
    if v == "null" {
        return Ok(Ptr::Null);
    }
    if let Some(p) = parse_ptr(v) {
        return p.map(Ptr::Bad).map_err(|e| format!("{key}: {e}"));
    }
    int(key, v).map(|n| Ptr::Value(conv(n)))
}

impl Results {
    /// Decodes the fields of an `ok` (or `not-pending`) answer to `call`.
    pub fn from_answer(call: &str, a: &RawAnswer) -> Result<Results, String> {
        let mut r = Results::default();
        for (k, v) in &a.fields {
            match k.as_str() {
                "ret" => {
                    let n = int(k, v)?;
                    r.ret = Some(if returns_socket(call) {
                        RetVal::Handle {
                            valid: n != -1,
                            raw: n,
                        }
                    } else {
                        RetVal::Int(n)
                    });
                }
                "error" => {
                    r.error = Some(if v == "untouched" {
                        LastError::Untouched
                    } else {
                        LastError::Code(int(k, v)? as i32)
                    })
                }
                "optval" => r.optval = Some(buf(k, v)?),
                "optlen" => r.optlen = Some(int_ptr(k, v, |n| n as i32)?),
                "lpcbBytesReturned" => r.bytes_returned = Some(int_ptr(k, v, |n| n as u32)?),
                "lpvOutBuffer" => r.out_buffer = Some(buf(k, v)?),
                "completion" => {
                    r.completion = Some(match v.as_str() {
                        "none" => Completion::None,
                        "pending" => Completion::Pending,
                        other => match other.split_once(',') {
                            Some((e, n)) => Completion::Done {
                                error: int(k, e)? as i32,
                                bytes: int(k, n)? as u32,
                            },
                            None => return Err(format!("completion=`{other}` is not E,N")),
                        },
                    })
                }
                // wVersion, argp, state, overlapped, closed, cleanups, *_overrun: recorded,
                // not compared.
                _ => {}
            }
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greeting() {
        let g =
            Greeting::parse("wsoracle-probe 1 windows=6.1.7601 wine=8.0 pending=loopback-backlog")
                .unwrap();
        assert_eq!(g.windows, "6.1.7601");
        assert_eq!(g.backend_id(), "wine-8.0");
        assert_eq!(g.kind(), "wine");
        let g = Greeting::parse("wsoracle-probe 1 windows=10.0.20348 pending=192.0.2.1:9 new=x")
            .unwrap();
        assert_eq!(g.backend_id(), "windows-10.0.20348");
        let e = Greeting::parse("wsoracle-probe 2 windows=10.0.1").unwrap_err();
        assert!(e.contains("protocol version 2"), "{e}");
        assert!(Greeting::parse("hello").is_err());
        assert!(Greeting::parse("wsoracle-probe 1").is_err());
    }

    #[test]
    fn encodes_requests() {
        let r = Request::new("getsockopt")
            .arg("s", Arg::Sock(SockArg::Name("s".into())))
            .arg("level", Arg::Int(0xffff))
            .arg("optname", Arg::Int(8))
            .arg("optval", Arg::Buf(Some(vec![0xef, 0xbe, 0xad, 0xde])))
            .arg("optlen", Arg::NullableInt(None));
        assert_eq!(
            r.line("0.3"),
            "0.3 getsockopt s=@s level=65535 optname=8 optval=efbeadde optlen=null"
        );
        assert_eq!(strip_id(&r.line("9")), &r.line("0.3")[4..]);
        let r = Request::new("setsockopt")
            .arg("s", Arg::Sock(SockArg::Invalid))
            .arg("optval", Arg::Buf(Some(vec![])));
        assert_eq!(r.line("1"), "1 setsockopt s=INVALID_SOCKET optval=");
        let r = Request::new("getsockopt")
            .arg("optval", Arg::Ptr(1))
            .arg("optlen", Arg::Ptr(0x1000));
        assert_eq!(r.line("2"), "2 getsockopt optval=ptr:0x1 optlen=ptr:0x1000");
    }

    #[test]
    fn decodes_pointers_echoed() {
        let a = RawAnswer::parse("3 ok ret=-1 error=10014 optval=ptr:0x1 optlen=4").unwrap();
        let r = Results::from_answer("getsockopt", &a).unwrap();
        assert_eq!(r.optval, Some(Ptr::Bad(1)));
        assert_eq!(r.optlen, Some(Ptr::Value(4)));
        let a = RawAnswer::parse(
            "4 ok ret=-1 error=10014 lpcbBytesReturned=ptr:0x10 lpvOutBuffer=ptr:1 completion=none",
        )
        .unwrap();
        let r = Results::from_answer("WSAIoctl", &a).unwrap();
        assert_eq!(r.bytes_returned, Some(Ptr::Bad(16)));
        assert_eq!(r.out_buffer, Some(Ptr::Bad(1)));
        let a = RawAnswer::parse("5 ok ret=-1 error=10014 optlen=ptr:zz").unwrap();
        assert!(Results::from_answer("getsockopt", &a).is_err());
    }

    #[test]
    fn decodes_answers() {
        let a = RawAnswer::parse("3 ok ret=-1 error=10014 optval= optlen=-1").unwrap();
        let r = Results::from_answer("getsockopt", &a).unwrap();
        assert_eq!(r.ret, Some(RetVal::Int(-1)));
        assert_eq!(r.error, Some(LastError::Code(10014)));
        assert_eq!(r.optval, Some(Ptr::Value(vec![])));
        assert_eq!(r.optlen, Some(Ptr::Value(-1)));
        let a = RawAnswer::parse(
            "4 ok ret=0 error=untouched lpcbBytesReturned=3735928559 lpvOutBuffer=null completion=0,12 overlapped=0x0,0x0",
        )
        .unwrap();
        let r = Results::from_answer("WSAIoctl", &a).unwrap();
        assert_eq!(r.error, Some(LastError::Untouched));
        assert_eq!(r.bytes_returned, Some(Ptr::Value(0xdead_beef)));
        assert_eq!(r.out_buffer, Some(Ptr::Null));
        assert_eq!(
            r.completion,
            Some(Completion::Done {
                error: 0,
                bytes: 12
            })
        );
        let a = RawAnswer::parse("5 ok ret=52 error=0").unwrap();
        let r = Results::from_answer("socket", &a).unwrap();
        assert_eq!(
            r.ret,
            Some(RetVal::Handle {
                valid: true,
                raw: 52
            })
        );
        let a = RawAnswer::parse("6 skipped reason=would-hang message=a b=c").unwrap();
        assert_eq!(a.status, Status::Skipped);
        assert_eq!(a.get("reason"), Some("would-hang"));
        assert_eq!(a.message.as_deref(), Some("a b=c"));
        assert!(RawAnswer::parse("7 maybe").is_err());
        assert!(Results::from_answer("x", &RawAnswer::parse("8 ok ret=zz").unwrap()).is_err());
    }
}
