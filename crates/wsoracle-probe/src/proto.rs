//! The probe's line protocol, version 1: parsing requests and rendering answers.
//!
//! This part is platform-independent, so that it builds, lints and is unit-tested on every
//! target. The grammar is documented in `docs/differential.md`.

use std::collections::HashMap;
use std::fmt::Write as _;

/// The protocol version the probe speaks. It is the second word of the greeting line.
pub const PROTOCOL_VERSION: u32 = 1;

/// The value the probe stores with `WSASetLastError` right before every call. When
/// `WSAGetLastError()` still returns it after the call, the answer says `error=untouched`.
pub const LAST_ERROR_SENTINEL: i32 = 0x5EAD_BEEF_u32 as i32;

/// The default initial `*lpcbBytesReturned` of a `WSAIoctl` step (the scenario contract's).
pub const DEFAULT_BYTES_RETURNED: u32 = 0xdead_beef;

/// The largest buffer a request may describe.
pub const MAX_BUFFER: usize = 1 << 20;

/// Winsock names the probe accepts wherever an integer is expected, for hand-written requests.
/// A driver should send numbers. The values are the Windows ones.
const NAMES: &[(&str, i64)] = &[
    ("SOL_SOCKET", 0xffff),
    ("SO_KEEPALIVE", 0x0008),
    ("SO_ERROR", 0x1007),
    ("SO_TYPE", 0x1008),
    ("IPPROTO_TCP", 6),
    ("IPPROTO_UDP", 17),
    ("IPPROTO_IP", 0),
    ("TCP_NODELAY", 1),
    ("TCP_KEEPALIVE", 3),
    ("TCP_KEEPIDLE", 3),
    ("TCP_KEEPCNT", 16),
    ("TCP_KEEPINTVL", 17),
    ("AF_UNSPEC", 0),
    ("AF_INET", 2),
    ("AF_INET6", 23),
    ("SOCK_STREAM", 1),
    ("SOCK_DGRAM", 2),
    ("FIONBIO", 0x8004_667e),
    ("SIO_KEEPALIVE_VALS", 0x9800_0004),
    ("SOMAXCONN", 0x7fff_ffff),
    ("SOCKET_ERROR", -1),
];

/// A request line, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The step id, echoed as the first word of the answer.
    pub id: String,
    /// The call name (`setsockopt`, `reset`, ...).
    pub call: String,
    /// `key=value` arguments, in order, each key at most once.
    pub args: Vec<(String, String)>,
}

/// What a line of input is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Empty or a `#` comment: no answer.
    Blank,
    /// A request.
    Request(Request),
    /// A line that cannot be split; the id is known when the line had at least one word.
    Malformed { id: String, message: String },
}

/// Splits one input line. It checks the shape only; each call checks its own arguments.
pub fn parse_line(line: &str) -> Line {
    let line = line.trim_end_matches(['\r', '\n']);
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Line::Blank;
    }
    let mut words = trimmed.split_whitespace();
    let id = match words.next() {
        Some(w) => w.to_string(),
        None => return Line::Blank,
    };
    let call = match words.next() {
        Some(w) => w.to_string(),
        None => {
            return Line::Malformed {
                id,
                message: "missing call name after the step id".to_string(),
            }
        }
    };
    if call.contains('=') {
        return Line::Malformed {
            id,
            message: format!("expected a call name after the step id, found `{call}`"),
        };
    }
    let mut args: Vec<(String, String)> = Vec::new();
    for word in words {
        let (key, value) = match word.split_once('=') {
            Some(kv) => kv,
            None => {
                return Line::Malformed {
                    id,
                    message: format!("argument `{word}` is not key=value"),
                }
            }
        };
        if key.is_empty() {
            return Line::Malformed {
                id,
                message: format!("argument `{word}` has an empty key"),
            };
        }
        if args.iter().any(|(k, _)| k == key) {
            return Line::Malformed {
                id,
                message: format!("argument `{key}` given twice"),
            };
        }
        args.push((key.to_string(), value.to_string()));
    }
    Line::Request(Request { id, call, args })
}

/// A buffer argument: a NULL pointer, bytes, or an integer passed as the pointer (`ptr:0x1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Buf {
    Null,
    Bytes(Vec<u8>),
    /// `ptr:N`: the integer N (never 0) is passed as the pointer; nothing is read or written
    /// by the probe itself.
    Ptr(usize),
}

/// A pointer-valued int argument (`optlen`, `lpcbBytesReturned`): a NULL pointer, an integer
/// passed as the pointer (`ptr:N`), or a pointer to an int holding the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntArg {
    Null,
    Ptr(usize),
    Value(i32),
}

/// A socket argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SockRef {
    /// `@NAME`: a name bound earlier with `as=NAME`.
    Name(String),
    /// `INVALID_SOCKET` (~0).
    Invalid,
    /// An integer handle value.
    Raw(u64),
}

/// The arguments of one request, with a check that every key was used.
pub struct Args {
    map: HashMap<String, String>,
    order: Vec<String>,
    used: Vec<String>,
}

impl Args {
    pub fn new(req: &Request) -> Args {
        Args {
            map: req.args.iter().cloned().collect(),
            order: req.args.iter().map(|(k, _)| k.clone()).collect(),
            used: Vec::new(),
        }
    }

    fn take(&mut self, key: &str) -> Option<String> {
        self.used.push(key.to_string());
        self.map.get(key).cloned()
    }

    /// Fails on the first key that no accessor asked for.
    pub fn finish(&self) -> Result<(), String> {
        for key in &self.order {
            if !self.used.iter().any(|u| u == key) {
                return Err(format!("unknown argument `{key}`"));
            }
        }
        Ok(())
    }

    pub fn int(&mut self, key: &str) -> Result<Option<i64>, String> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => parse_int(&v).map(Some).map_err(|e| format!("{key}: {e}")),
        }
    }

    /// An int-typed argument: any value in `i32` or `u32` range, as the bits of an `i32`.
    pub fn i32_(&mut self, key: &str) -> Result<Option<i32>, String> {
        match self.int(key)? {
            None => Ok(None),
            Some(v) => to_i32(v).map(Some).map_err(|e| format!("{key}: {e}")),
        }
    }

    pub fn req_i32(&mut self, key: &str) -> Result<i32, String> {
        match self.i32_(key)? {
            Some(v) => Ok(v),
            None => Err(format!("missing argument `{key}`")),
        }
    }

    /// A DWORD-typed argument: any value in `u32` or `i32` range, as the bits of a `u32`.
    pub fn u32_(&mut self, key: &str) -> Result<Option<u32>, String> {
        Ok(self.i32_(key)?.map(|v| v as u32))
    }

    pub fn req_u32(&mut self, key: &str) -> Result<u32, String> {
        Ok(self.req_i32(key)? as u32)
    }

    /// An int that may be `null` (a NULL pointer). Absent is `None`; `null` is `Some(None)`.
    pub fn nullable_i32(&mut self, key: &str) -> Result<Option<Option<i32>>, String> {
        match self.take(key) {
            None => Ok(None),
            Some(v) if v == "null" => Ok(Some(None)),
            Some(v) => parse_int(&v)
                .and_then(to_i32)
                .map(|n| Some(Some(n)))
                .map_err(|e| format!("{key}: {e}")),
        }
    }

    /// An int that may be `null` (a NULL pointer) or `ptr:N` (an integer passed as the
    /// pointer). Absent is `None`.
    pub fn int_ptr(&mut self, key: &str) -> Result<Option<IntArg>, String> {
        match self.take(key) {
            None => Ok(None),
            Some(v) if v == "null" => Ok(Some(IntArg::Null)),
            Some(v) => match v.strip_prefix("ptr:") {
                Some(p) => parse_ptr(p)
                    .map(|n| Some(IntArg::Ptr(n)))
                    .map_err(|e| format!("{key}: {e}")),
                None => parse_int(&v)
                    .and_then(to_i32)
                    .map(|n| Some(IntArg::Value(n)))
                    .map_err(|e| format!("{key}: {e}")),
            },
        }
    }

    pub fn buf(&mut self, key: &str) -> Result<Option<Buf>, String> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => parse_buf(&v).map(Some).map_err(|e| format!("{key}: {e}")),
        }
    }

    pub fn boolean(&mut self, key: &str) -> Result<Option<bool>, String> {
        match self.take(key).as_deref() {
            None => Ok(None),
            Some("true") | Some("1") => Ok(Some(true)),
            Some("false") | Some("0") => Ok(Some(false)),
            Some(other) => Err(format!("{key}: expected true or false, found `{other}`")),
        }
    }

    pub fn word(&mut self, key: &str) -> Option<String> {
        self.take(key)
    }

    pub fn req_sock(&mut self, key: &str) -> Result<SockRef, String> {
        match self.take(key) {
            None => Err(format!("missing argument `{key}`")),
            Some(v) => parse_sock(&v).map_err(|e| format!("{key}: {e}")),
        }
    }

    /// `as=NAME`, checked.
    pub fn name(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => {
                if is_name(&v) {
                    Ok(Some(v))
                } else {
                    Err(format!(
                        "{key}: `{v}` is not a name (letters, digits, `_`, `-`, `.`)"
                    ))
                }
            }
        }
    }
}

fn is_name(v: &str) -> bool {
    !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// Decimal (with an optional `-`), `0x` hex, or one of the Winsock names the probe knows.
pub fn parse_int(v: &str) -> Result<i64, String> {
    if let Some(&(_, n)) = NAMES.iter().find(|(name, _)| *name == v) {
        return Ok(n);
    }
    let (neg, body) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    let parsed = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        if hex.is_empty() {
            Err(())
        } else {
            u64::from_str_radix(hex, 16).map_err(|_| ())
        }
    } else if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
        body.parse::<u64>().map_err(|_| ())
    } else {
        Err(())
    };
    let magnitude = match parsed {
        Ok(m) => m,
        Err(()) => return Err(format!("`{v}` is not an integer")),
    };
    if magnitude > i64::MAX as u64 {
        return Err(format!("`{v}` is out of range"));
    }
    let n = magnitude as i64;
    Ok(if neg { -n } else { n })
}

/// An int argument: accepted in `i32` range, or in `u32` range as its bits.
pub fn to_i32(v: i64) -> Result<i32, String> {
    if v >= i64::from(i32::MIN) && v <= i64::from(u32::MAX) {
        Ok(v as u32 as i32)
    } else {
        Err(format!("{v} does not fit in 32 bits"))
    }
}

/// `null`, `ptr:N`, or contiguous hex digits (an even number; empty means a zero-length
/// buffer).
pub fn parse_buf(v: &str) -> Result<Buf, String> {
    if v == "null" {
        return Ok(Buf::Null);
    }
    if let Some(p) = v.strip_prefix("ptr:") {
        return parse_ptr(p).map(Buf::Ptr);
    }
    parse_hex(v).map(Buf::Bytes)
}

/// The N of `ptr:N`: decimal or `0x` hex, not 0 (that is `null`), at most the pointer width.
pub fn parse_ptr(v: &str) -> Result<usize, String> {
    let n = match parse_int(v) {
        Ok(n) if n > 0 => n,
        Ok(0) => return Err("`ptr:0` is a NULL pointer: write `null`".to_string()),
        _ => return Err(format!("`ptr:{v}` is not a pointer (ptr:0x1, ptr:4096)")),
    };
    usize::try_from(n).map_err(|_| format!("`ptr:{v}` does not fit a pointer"))
}

/// How a pointer is written in the protocol: `ptr:0x1`.
pub fn render_ptr(p: usize) -> String {
    format!("ptr:{p:#x}")
}

pub fn parse_hex(v: &str) -> Result<Vec<u8>, String> {
    if v.len() % 2 != 0 {
        return Err(format!("hex `{v}` has an odd number of digits"));
    }
    if v.len() / 2 > MAX_BUFFER {
        return Err("buffer too large".to_string());
    }
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for pair in bytes.chunks(2) {
        let hi = hex_digit(pair[0]);
        let lo = hex_digit(pair[1]);
        match (hi, lo) {
            (Some(h), Some(l)) => out.push(h << 4 | l),
            _ => return Err(format!("`{v}` is not hex")),
        }
    }
    Ok(out)
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

pub fn parse_sock(v: &str) -> Result<SockRef, String> {
    if let Some(name) = v.strip_prefix('@') {
        if is_name(name) {
            return Ok(SockRef::Name(name.to_string()));
        }
        return Err(format!("`{v}` is not @NAME"));
    }
    if v == "INVALID_SOCKET" {
        return Ok(SockRef::Invalid);
    }
    match parse_int(v) {
        Ok(n) => Ok(SockRef::Raw(n as u64)),
        Err(_) => Err(format!(
            "`{v}` is not a socket (@NAME, INVALID_SOCKET or an integer)"
        )),
    }
}

/// Lowercase contiguous hex; the empty string for zero bytes.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// One answer line under construction.
pub struct Answer {
    line: String,
}

impl Answer {
    /// `<id> ok`
    pub fn ok(id: &str) -> Answer {
        Answer {
            line: format!("{id} ok"),
        }
    }

    /// `<id> not-pending`
    pub fn not_pending(id: &str) -> Answer {
        Answer {
            line: format!("{id} not-pending"),
        }
    }

    /// `<id> skipped reason=<word>`
    pub fn skipped(id: &str, reason: &str) -> Answer {
        Answer {
            line: format!("{id} skipped reason={reason}"),
        }
    }

    /// `<id> error message=<text to the end of the line>`
    pub fn error(id: &str, message: &str) -> String {
        let flat: String = message
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        format!("{id} error message={flat}")
    }

    pub fn field(mut self, key: &str, value: impl std::fmt::Display) -> Answer {
        let _ = write!(self.line, " {key}={value}");
        self
    }

    /// The last error: a number, or `untouched` when it still holds the sentinel.
    pub fn error_field(self, err: i32) -> Answer {
        if err == LAST_ERROR_SENTINEL {
            self.field("error", "untouched")
        } else {
            self.field("error", err)
        }
    }

    pub fn buf_field(self, key: &str, buf: Option<&[u8]>) -> Answer {
        match buf {
            None => self.field(key, "null"),
            Some(b) => self.field(key, hex(b)),
        }
    }

    /// An integer passed as a pointer, echoed (`ptr:0x1`): the probe cannot read it.
    pub fn ptr_field(self, key: &str, p: usize) -> Answer {
        self.field(key, render_ptr(p))
    }

    /// A free-text field; it must be the last one (it runs to the end of the line).
    pub fn message(self, text: &str) -> String {
        let flat: String = text
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        let mut line = self.line;
        let _ = write!(line, " message={flat}");
        line
    }

    pub fn finish(self) -> String {
        self.line
    }
}

/// An answer line, split: what a driver reads. The probe itself only writes them; this is the
/// reference reader of the grammar (and the unit tests check the recorded answers with it).
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAnswer {
    pub id: String,
    /// `ok`, `skipped`, `not-pending` or `error`.
    pub status: String,
    pub fields: Vec<(String, String)>,
    /// The free text after `message=`, which runs to the end of the line.
    pub message: Option<String>,
}

#[cfg_attr(not(test), allow(dead_code))]
pub fn parse_answer(line: &str) -> Result<ParsedAnswer, String> {
    let (head, message) = match line.find(" message=") {
        Some(i) => (&line[..i], Some(line[i + " message=".len()..].to_string())),
        None => (line, None),
    };
    let mut words = head.split(' ');
    let id = words.next().unwrap_or("").to_string();
    if id.is_empty() {
        return Err(format!("answer without an id: `{line}`"));
    }
    let status = words.next().unwrap_or("").to_string();
    if !["ok", "skipped", "not-pending", "error"].contains(&status.as_str()) {
        return Err(format!("unknown status `{status}` in `{line}`"));
    }
    let mut fields = Vec::new();
    for w in words {
        match w.split_once('=') {
            Some((k, v)) if !k.is_empty() => fields.push((k.to_string(), v.to_string())),
            _ => return Err(format!("`{w}` is not key=value in `{line}`")),
        }
    }
    Ok(ParsedAnswer {
        id,
        status,
        fields,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_request() {
        let line =
            parse_line("7 setsockopt s=@s level=0xffff optname=SO_KEEPALIVE optval=01000000");
        let req = match line {
            Line::Request(r) => r,
            other => panic!("{other:?}"),
        };
        assert_eq!(req.id, "7");
        assert_eq!(req.call, "setsockopt");
        let mut args = Args::new(&req);
        assert_eq!(args.req_sock("s").unwrap(), SockRef::Name("s".into()));
        assert_eq!(args.req_i32("level").unwrap(), 0xffff);
        assert_eq!(args.req_i32("optname").unwrap(), 8);
        assert_eq!(
            args.buf("optval").unwrap(),
            Some(Buf::Bytes(vec![1, 0, 0, 0]))
        );
        assert!(args.finish().is_ok());
    }

    #[test]
    fn blank_and_comment_lines_get_no_answer() {
        assert_eq!(parse_line(""), Line::Blank);
        assert_eq!(parse_line("   \r"), Line::Blank);
        assert_eq!(parse_line("# a comment"), Line::Blank);
    }

    #[test]
    fn malformed_lines_keep_their_id() {
        match parse_line("3") {
            Line::Malformed { id, .. } => assert_eq!(id, "3"),
            other => panic!("{other:?}"),
        }
        match parse_line("3 socket af") {
            Line::Malformed { id, message } => {
                assert_eq!(id, "3");
                assert!(message.contains("key=value"));
            }
            other => panic!("{other:?}"),
        }
        match parse_line("3 socket af=2 af=2") {
            Line::Malformed { message, .. } => assert!(message.contains("twice")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_arguments_are_errors() {
        let req = match parse_line("1 closesocket s=@a optlen=4") {
            Line::Request(r) => r,
            other => panic!("{other:?}"),
        };
        let mut args = Args::new(&req);
        args.req_sock("s").unwrap();
        assert_eq!(args.finish().unwrap_err(), "unknown argument `optlen`");
    }

    #[test]
    fn integers() {
        assert_eq!(parse_int("-1").unwrap(), -1);
        assert_eq!(parse_int("0x8004667e").unwrap(), 0x8004_667e);
        assert_eq!(to_i32(0x8004_667e).unwrap(), 0x8004_667e_u32 as i32);
        assert_eq!(to_i32(-1).unwrap(), -1);
        assert!(to_i32(0x1_0000_0000).is_err());
        assert!(parse_int("12a").is_err());
        assert!(parse_int("0x").is_err());
        assert!(parse_int("").is_err());
        assert_eq!(parse_int("SIO_KEEPALIVE_VALS").unwrap(), 0x9800_0004);
    }

    #[test]
    fn buffers() {
        assert_eq!(parse_buf("null").unwrap(), Buf::Null);
        assert_eq!(parse_buf("").unwrap(), Buf::Bytes(vec![]));
        assert_eq!(parse_buf("01FF").unwrap(), Buf::Bytes(vec![1, 255]));
        assert!(parse_buf("0").is_err());
        assert!(parse_buf("zz").is_err());
        assert_eq!(hex(&[0xef, 0xbe, 0xad, 0xde]), "efbeadde");
    }

    #[test]
    fn pointers() {
        assert_eq!(parse_buf("ptr:0x1").unwrap(), Buf::Ptr(1));
        assert_eq!(parse_buf("ptr:4096").unwrap(), Buf::Ptr(4096));
        assert!(parse_buf("ptr:0").unwrap_err().contains("null"));
        assert!(parse_buf("ptr:-1").is_err());
        assert!(parse_buf("ptr:").is_err());
        assert_eq!(render_ptr(1), "ptr:0x1");
        let req = match parse_line("1 getsockopt optlen=ptr:0x10 a=null b=-1 c=ptr:0") {
            Line::Request(r) => r,
            other => panic!("{other:?}"),
        };
        let mut args = Args::new(&req);
        assert_eq!(args.int_ptr("optlen").unwrap(), Some(IntArg::Ptr(16)));
        assert_eq!(args.int_ptr("a").unwrap(), Some(IntArg::Null));
        assert_eq!(args.int_ptr("b").unwrap(), Some(IntArg::Value(-1)));
        assert!(args.int_ptr("c").is_err());
        assert_eq!(args.int_ptr("absent").unwrap(), None);
        let line = Answer::ok("2")
            .field("ret", -1)
            .error_field(10014)
            .ptr_field("optval", 1)
            .finish();
        assert_eq!(line, "2 ok ret=-1 error=10014 optval=ptr:0x1");
    }

    #[test]
    fn sockets() {
        assert_eq!(parse_sock("INVALID_SOCKET").unwrap(), SockRef::Invalid);
        assert_eq!(parse_sock("1234").unwrap(), SockRef::Raw(1234));
        assert!(parse_sock("@").is_err());
        assert!(parse_sock("s").is_err());
    }

    #[test]
    fn nullable() {
        let req = match parse_line("1 getsockopt optlen=null") {
            Line::Request(r) => r,
            other => panic!("{other:?}"),
        };
        let mut args = Args::new(&req);
        assert_eq!(args.nullable_i32("optlen").unwrap(), Some(None));
        assert_eq!(args.nullable_i32("absent").unwrap(), None);
    }

    #[test]
    fn answers() {
        let line = Answer::ok("4")
            .field("ret", -1)
            .error_field(10042)
            .buf_field("optval", Some(&[1, 0xcc]))
            .field("optlen", 1)
            .finish();
        assert_eq!(line, "4 ok ret=-1 error=10042 optval=01cc optlen=1");
        let line = Answer::ok("5")
            .field("ret", 0)
            .error_field(LAST_ERROR_SENTINEL)
            .finish();
        assert_eq!(line, "5 ok ret=0 error=untouched");
        assert_eq!(
            Answer::skipped("6", "would-hang").message("a\nb"),
            "6 skipped reason=would-hang message=a b"
        );
    }

    /// Every request of the smoke file has exactly one recorded answer, in order, with its id,
    /// and every answer follows the grammar.
    #[test]
    fn recorded_smoke_answers_match_the_requests() {
        let requests = include_str!("../tests/smoke.requests");
        let answers = include_str!("../tests/smoke.wine-8.0.answers");
        let mut lines = answers.lines();
        let greeting = lines.next().unwrap();
        assert!(
            greeting.starts_with(&format!("wsoracle-probe {PROTOCOL_VERSION} windows=")),
            "{greeting}"
        );
        let ids: Vec<String> = requests
            .lines()
            .filter_map(|l| match parse_line(l) {
                Line::Blank => None,
                Line::Request(r) => Some(r.id),
                Line::Malformed { id, .. } => Some(id),
            })
            .collect();
        let parsed: Vec<ParsedAnswer> = lines.map(|l| parse_answer(l).unwrap()).collect();
        assert_eq!(ids.len(), parsed.len());
        for (id, answer) in ids.iter().zip(&parsed) {
            assert_eq!(id, &answer.id);
            if answer.status == "ok" {
                assert!(answer.fields.iter().any(|(k, _)| k == "ret"), "{answer:?}");
            }
        }
    }

    #[test]
    fn answer_grammar() {
        let a = parse_answer("7 ok ret=0 error=untouched optval=01cc optlen=1").unwrap();
        assert_eq!(a.status, "ok");
        assert_eq!(a.fields.len(), 4);
        let a = parse_answer("8 skipped reason=would-hang message=a b=c").unwrap();
        assert_eq!(
            a.fields,
            vec![("reason".to_string(), "would-hang".to_string())]
        );
        assert_eq!(a.message.as_deref(), Some("a b=c"));
        assert!(parse_answer("9 maybe").is_err());
    }
}
