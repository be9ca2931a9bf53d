//! The value shapes a scenario writes: constants by name or number, hex buffers (with `??`
//! wildcards in expectations), `{dword: N}` and friends, socket references, durations.
//!
//! Every type here deserializes itself with a hand-written visitor, so that a mistake gets an
//! error that says what would be right ("did you mean SO_KEEPALIVE?", "write {dword: N}")
//! instead of serde's "data did not match any variant".

use core::fmt;
use std::marker::PhantomData;

use schemars::gen::SchemaGenerator;
use schemars::schema::Schema;
use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use wsoracle_model::codes::{AddressFamily, IoctlCode, Level, OptName, Protocol, SocketType};
use wsoracle_model::time::Duration;
use wsoracle_model::WsaError;

/// The closest of `candidates` to `word`, when it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let upper = word.to_ascii_uppercase();
    candidates
        .into_iter()
        .map(|c| {
            // Case-insensitive: `so_keepalive` should find `SO_KEEPALIVE`.
            let score = strsim::jaro_winkler(&upper, &c.to_ascii_uppercase());
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Reads an integer written as decimal (`-1`, `10042`) or `0x` hex (`0x8004667e`).
pub fn parse_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let magnitude = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i64::from_str_radix(&hex.replace('_', ""), 16).ok()?
    } else {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<i64>().ok()?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// A Winsock vocabulary the scenario may write by name: each model code type, plus the few
/// names that are not in a model table.
pub trait Vocabulary: Copy + fmt::Display {
    /// What the argument is called in messages, e.g. "level".
    const WHAT: &'static str;
    fn from_name(name: &str) -> Option<Self>;
    /// A number written in the scenario, if it fits the C type.
    fn from_int(n: i64) -> Option<Self>;
    fn names() -> Vec<&'static str>;
}

/// An `int` argument: any value from `INT_MIN` to `UINT_MAX` (a hex constant such as
/// `0xffffffff` is the bit pattern of −1).
fn int_bits(n: i64) -> Option<i32> {
    (i64::from(i32::MIN)..=i64::from(u32::MAX))
        .contains(&n)
        .then_some(n as u32 as i32)
}

impl Vocabulary for Level {
    const WHAT: &'static str = "level";
    fn from_name(name: &str) -> Option<Self> {
        Level::from_name(name)
    }
    fn from_int(n: i64) -> Option<Self> {
        int_bits(n).map(Level)
    }
    fn names() -> Vec<&'static str> {
        Level::NAMED.iter().map(|(_, n, _)| *n).collect()
    }
}

impl Vocabulary for OptName {
    const WHAT: &'static str = "optname";
    fn from_name(name: &str) -> Option<Self> {
        OptName::from_name_or_alias(name)
    }
    fn from_int(n: i64) -> Option<Self> {
        int_bits(n).map(OptName)
    }
    fn names() -> Vec<&'static str> {
        let mut names: Vec<_> = wsoracle_model::codes::OPTION_NAMES
            .iter()
            .map(|n| n.name)
            .collect();
        names.dedup();
        names
    }
}

impl Vocabulary for AddressFamily {
    const WHAT: &'static str = "address family (af)";
    fn from_name(name: &str) -> Option<Self> {
        AddressFamily::from_name(name)
    }
    fn from_int(n: i64) -> Option<Self> {
        int_bits(n).map(AddressFamily)
    }
    fn names() -> Vec<&'static str> {
        AddressFamily::NAMED.iter().map(|(_, n, _)| *n).collect()
    }
}

impl Vocabulary for SocketType {
    const WHAT: &'static str = "socket type";
    fn from_name(name: &str) -> Option<Self> {
        SocketType::from_name(name)
    }
    fn from_int(n: i64) -> Option<Self> {
        int_bits(n).map(SocketType)
    }
    fn names() -> Vec<&'static str> {
        SocketType::NAMED.iter().map(|(_, n, _)| *n).collect()
    }
}

impl Vocabulary for Protocol {
    const WHAT: &'static str = "protocol";
    fn from_name(name: &str) -> Option<Self> {
        Protocol::from_name(name)
    }
    fn from_int(n: i64) -> Option<Self> {
        int_bits(n).map(Protocol)
    }
    fn names() -> Vec<&'static str> {
        Protocol::NAMED.iter().map(|(_, n, _)| *n).collect()
    }
}

impl Vocabulary for IoctlCode {
    const WHAT: &'static str = "control code";
    fn from_name(name: &str) -> Option<Self> {
        IoctlCode::from_name(name)
    }
    fn from_int(n: i64) -> Option<Self> {
        int_bits(n).map(|v| IoctlCode(v as u32))
    }
    fn names() -> Vec<&'static str> {
        IoctlCode::NAMED.iter().map(|(_, n, _)| *n).collect()
    }
}

impl Vocabulary for WsaError {
    const WHAT: &'static str = "error code";
    fn from_name(name: &str) -> Option<Self> {
        WsaError::from_name(name)
    }
    fn from_int(n: i64) -> Option<Self> {
        int_bits(n).map(WsaError)
    }
    fn names() -> Vec<&'static str> {
        WsaError::NAMED.iter().map(|(_, n, _)| *n).collect()
    }
}

/// Where else a name is known, for "SO_KEEPALIVE is an optname, not a level".
fn known_elsewhere(name: &str) -> Option<&'static str> {
    if OptName::from_name_or_alias(name).is_some() {
        Some("an optname")
    } else if Level::from_name(name).is_some() {
        Some("a level")
    } else if WsaError::from_name(name).is_some() {
        Some("an error code")
    } else if IoctlCode::from_name(name).is_some() {
        Some("a control code")
    } else if AddressFamily::from_name(name).is_some() {
        Some("an address family")
    } else if SocketType::from_name(name).is_some() {
        Some("a socket type")
    } else if Protocol::from_name(name).is_some() {
        Some("a protocol")
    } else if matches!(name, "SOCKET_ERROR" | "INVALID_SOCKET") {
        Some("a return value")
    } else {
        None
    }
}

/// The message for a name that is not in the vocabulary `T`.
pub fn unknown_name_message<T: Vocabulary>(name: &str) -> String {
    let mut msg = format!("unknown {} `{name}`", T::WHAT);
    if let Some(kind) = known_elsewhere(name) {
        msg.push_str(&format!(" (`{name}` is {kind}, not a {})", T::WHAT));
    }
    match closest(name, T::names()) {
        Some(best) if best != name => msg.push_str(&format!("; did you mean {best}?")),
        _ => msg.push_str(&format!(
            "; write a {} name ({}) or an integer (decimal or 0x hex)",
            T::WHAT,
            T::names().join(", ")
        )),
    }
    msg
}

/// A constant written by its Winsock name or as an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Constant<T>(pub T);

impl<'de, T: Vocabulary> Deserialize<'de> for Constant<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<T: Vocabulary> Visitor<'_> for V<T> {
            type Value = Constant<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a {} name or an integer (decimal or 0x hex)", T::WHAT)
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                T::from_int(n)
                    .map(Constant)
                    .ok_or_else(|| E::custom(format!("{n} does not fit a 32-bit {}", T::WHAT)))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                let n = i64::try_from(n).unwrap_or(i64::MAX);
                self.visit_i64(n)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                if let Some(n) = parse_int(s) {
                    return self.visit_i64(n);
                }
                T::from_name(s)
                    .map(Constant)
                    .ok_or_else(|| E::custom(unknown_name_message::<T>(s)))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<T> JsonSchema for Constant<T> {
    fn schema_name() -> String {
        "Constant".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <NameOrInt as JsonSchema>::json_schema(gen)
    }
}

/// An `optname` as written: its number, and the name it was written with, if any. Names resolve
/// per level once the step's level is known ([`OptNameArg::at_level`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptNameArg {
    pub value: OptName,
    pub name: Option<String>,
}

impl<'de> Deserialize<'de> for OptNameArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = OptNameArg;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an optname name or an integer (decimal or 0x hex)")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<OptNameArg, E> {
                <OptName as Vocabulary>::from_int(n)
                    .map(|value| OptNameArg { value, name: None })
                    .ok_or_else(|| E::custom(format!("{n} does not fit a 32-bit optname")))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<OptNameArg, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<OptNameArg, E> {
                if let Some(n) = parse_int(s) {
                    return self.visit_i64(n);
                }
                <OptName as Vocabulary>::from_name(s)
                    .map(|value| OptNameArg {
                        value,
                        name: Some(s.to_string()),
                    })
                    .ok_or_else(|| E::custom(unknown_name_message::<OptName>(s)))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for OptNameArg {
    fn schema_name() -> String {
        "OptName".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <NameOrInt as JsonSchema>::json_schema(gen)
    }
}

impl OptNameArg {
    /// The number this optname stands for at `level`. An integer is never checked. A name must be
    /// defined at a named level; at a level that is not one of the five names (a bad level) a
    /// name defined at one level stands for its number there, and a name two levels define must
    /// be written as an integer.
    pub fn at_level(&self, level: Level) -> Result<OptName, String> {
        let Some(name) = &self.name else {
            return Ok(self.value);
        };
        let named_level = Level::NAMED.iter().any(|(l, _, _)| *l == level);
        if named_level {
            if let Some(v) = OptName::from_name_at(level, name) {
                return Ok(v);
            }
            let levels: Vec<String> = OptName::levels_defining(name)
                .map(|l| l.to_string())
                .collect();
            return Err(format!(
                "`{name}` is an {} option; this step's level is {level}: write level: {} (or the option's number)",
                levels.join(" and "),
                levels.first().map_or("?", |s| s.as_str())
            ));
        }
        let mut defining = OptName::levels_defining(name);
        match (defining.next(), defining.next()) {
            (Some(_), Some(_)) => Err(format!(
                "`{name}` is an option of more than one level, and level {level} names none of them: write the option's number instead of its name"
            )),
            _ => Ok(self.value),
        }
    }
}

/// Schema helper: a Winsock name or an integer.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
enum NameOrInt {
    Int(i64),
    /// A Winsock name (SO_KEEPALIVE), or an integer as text (0x8004667e).
    Name(String),
}

/// A plain integer, also accepted as `0x` hex text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Int<T>(pub T);

impl<'de, T: TryFrom<i64> + fmt::Display> Deserialize<'de> for Int<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<T: TryFrom<i64>> Visitor<'_> for V<T> {
            type Value = Int<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer (decimal or 0x hex)")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                T::try_from(n)
                    .map(Int)
                    .map_err(|_| E::custom(format!("{n} is out of range here")))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                match parse_int(s) {
                    Some(n) => self.visit_i64(n),
                    None => Err(E::custom(format!(
                        "`{s}` is not an integer; write decimal (4, -1) or 0x hex (0x10)"
                    ))),
                }
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<T> JsonSchema for Int<T> {
    fn schema_name() -> String {
        "Integer".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <NameOrInt as JsonSchema>::json_schema(gen)
    }
}

/// A value that may be written as `null` (a NULL pointer), as distinct from leaving the key out.
/// Use it as `Option<Nullable<T>>` with `#[serde(default, deserialize_with = "present")]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Nullable<T> {
    Null,
    Value(T),
}

impl<T> Nullable<T> {
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Option<T> maps null to None; here that None means an explicit null.
        Option::<T>::deserialize(d).map(|v| v.map_or(Nullable::Null, Nullable::Value))
    }
}

impl<T: JsonSchema> JsonSchema for Nullable<T> {
    fn schema_name() -> String {
        format!("Nullable_{}", T::schema_name())
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <Option<T> as JsonSchema>::json_schema(gen)
    }
}

/// Deserializes a field that is present (possibly `null`), so that `#[serde(default)]` alone
/// stands for "left out".
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Reads hex bytes; `??` is allowed (as `None`) when `wildcards` is true.
pub fn parse_hex(text: &str, wildcards: bool) -> Result<Vec<Option<u8>>, String> {
    let digits: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return Err(format!(
            "`{text}` has an odd number of hex digits; write whole bytes such as \"01 00 00 00\""
        ));
    }
    digits
        .chunks(2)
        .map(|pair| {
            let byte: String = pair.iter().collect();
            if byte == "??" {
                return if wildcards {
                    Ok(None)
                } else {
                    Err(format!(
                        "`??` (any byte) is only allowed in an expectation, not in `{text}`"
                    ))
                };
            }
            u8::from_str_radix(&byte, 16).map(Some).map_err(|_| {
                format!(
                    "`{byte}` in \"{text}\" is not a hex byte; write bytes such as \"01 00 00 00\""
                )
            })
        })
        .collect()
}

/// Formats bytes as `01 00 00 00` (an empty buffer as `""`).
pub fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "\"\"".into();
    }
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_hex_byte(&mut out, *b);
    }
    out
}

/// Appends one byte as two lowercase hex digits (`0a`), without going through `fmt`: traces and
/// JSON write every byte of every buffer.
pub(crate) fn push_hex_byte(out: &mut String, b: u8) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(DIGITS[usize::from(b >> 4)]));
    out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
}

/// A buffer the scenario passes to a call: `null`, hex bytes, `{dword: N}`,
/// `{tcp_keepalive: {onoff, keepalivetime, keepaliveinterval}}`, `{bytes: N}` (N bytes of
/// 0xcc) or `{pointer: N}` (the integer N passed as the pointer, an extension of format 1).
/// Every form is accepted wherever a buffer is; the contract names the usual ones per argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Buffer {
    Null,
    Bytes(Vec<u8>),
    /// `{pointer: N}`: the integer N (never 0) passed as the pointer, memory the caller does not
    /// own (`(char *)1`, wine:G11). The model sees `InBuf::BadPointer`/`OutBuf::BadPointer`.
    Pointer(u64),
}

impl Buffer {
    /// The bytes given; 0 for NULL and for `{pointer: N}`, whose memory is unknown.
    pub fn len(&self) -> usize {
        match self {
            Buffer::Null | Buffer::Pointer(_) => 0,
            Buffer::Bytes(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The buffer as a `char *` argument: hex bytes, `NULL`, or `(char *)0x1`.
    pub fn render(&self) -> String {
        self.render_as("char *")
    }

    /// The buffer as an argument of C type `ctype`: a pointer is written `(ctype)0x1`.
    pub fn render_as(&self, ctype: &str) -> String {
        match self {
            Buffer::Null => "NULL".into(),
            Buffer::Bytes(b) => hex(b),
            Buffer::Pointer(p) => render_pointer(ctype, *p),
        }
    }
}

/// An integer passed as a pointer, as C writes it: `(char *)0x1`.
pub fn render_pointer(ctype: &str, p: u64) -> String {
    format!("({ctype}){p:#x}")
}

/// The N of `{pointer: N}`: an integer from 1 (0 is `null`) to 2^64 − 1, or such an integer
/// as text (`"0x1000"`).
struct PointerValue(u64);

impl<'de> Deserialize<'de> for PointerValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = PointerValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an address from 1 to 2^64 - 1 (decimal or 0x hex)")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<PointerValue, E> {
                if n == 0 {
                    return Err(E::custom(
                        "{pointer: 0} is a NULL pointer: write `null` instead",
                    ));
                }
                Ok(PointerValue(n))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<PointerValue, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::custom(format!(
                        "{{pointer: {n}}} is negative: a pointer is an address such as 1 or 0x1000"
                    ))),
                }
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<PointerValue, E> {
                let t = s.trim();
                let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                    Some(h) => u64::from_str_radix(&h.replace('_', ""), 16).ok(),
                    None => t.parse::<u64>().ok(),
                };
                match (parsed, t.starts_with('-')) {
                    (Some(n), _) => self.visit_u64(n),
                    (None, true) => Err(E::custom(format!(
                        "{{pointer: {t}}} is negative: a pointer is an address such as 1 or 0x1000"
                    ))),
                    (None, false) => Err(E::custom(format!(
                        "`{s}` is not an address: write decimal (1) or 0x hex (0x1000)"
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads the value of a `pointer` key.
fn next_pointer<'de, A: MapAccess<'de>>(map: &mut A) -> Result<u64, A::Error> {
    map.next_value::<PointerValue>().map(|p| p.0)
}

/// A pointer-valued int argument (getsockopt's `optlen`, WSAIoctl's `lpcbBytesReturned`):
/// `null` (a NULL pointer), `{pointer: N}` (an integer passed as the pointer, an extension of
/// format 1), or the value the pointed-to int holds on input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntPtrArg<T> {
    Null,
    Pointer(u64),
    Value(T),
}

impl<T: Copy> IntPtrArg<T> {
    /// The value `*p` holds, for a valid pointer.
    pub fn value(&self) -> Option<T> {
        match self {
            IntPtrArg::Value(v) => Some(*v),
            IntPtrArg::Null | IntPtrArg::Pointer(_) => None,
        }
    }

    /// The argument as C writes it: `&4`, `NULL`, or `(int *)0x1`; `show` renders the value.
    pub fn render_as(&self, ctype: &str, show: impl Fn(T) -> String) -> String {
        match self {
            IntPtrArg::Null => "NULL".into(),
            IntPtrArg::Pointer(p) => render_pointer(ctype, *p),
            IntPtrArg::Value(v) => format!("&{}", show(*v)),
        }
    }
}

impl<'de, T: TryFrom<i64> + fmt::Display> Deserialize<'de> for IntPtrArg<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: TryFrom<i64> + fmt::Display> Visitor<'de> for V<T> {
            type Value = IntPtrArg<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer (decimal or 0x hex), null, or {pointer: N}")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(IntPtrArg::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(IntPtrArg::Null)
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                let Int(v) = Int::<T>::deserialize(de::value::I64Deserializer::<E>::new(n))?;
                Ok(IntPtrArg::Value(v))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                let Int(v) = Int::<T>::deserialize(de::value::StrDeserializer::<E>::new(s))?;
                Ok(IntPtrArg::Value(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let key = map.next_key::<String>()?;
                if key.as_deref() != Some("pointer") {
                    let shown = key.map_or_else(|| "{}".to_string(), |k| format!("`{k}`"));
                    return Err(de::Error::custom(format!(
                        "{shown} is not a pointer form: write an integer (the value *p holds), null for a NULL pointer, or {{pointer: N}} for an integer passed as the pointer"
                    )));
                }
                let p = next_pointer(&mut map)?;
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "{{pointer: N}} has exactly one key; `{extra}` is one too many"
                    )));
                }
                Ok(IntPtrArg::Pointer(p))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// Schema helper for [`IntPtrArg`].
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
enum IntPtrArgSchema {
    Value(NameOrInt),
    Null(()),
    Pointer(PointerForm),
}

/// `{pointer: N}`: the integer N (N ≥ 1) passed as the pointer, an extension of format 1.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields, rename = "Pointer")]
#[allow(dead_code)] // only its schema is used
struct PointerForm {
    /// The integer passed as the pointer (memory the caller does not own); 0 is `null`.
    #[schemars(range(min = 1))]
    pointer: u64,
}

impl<T> JsonSchema for IntPtrArg<T> {
    fn schema_name() -> String {
        "IntPointer".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <IntPtrArgSchema as JsonSchema>::json_schema(gen)
    }
}

/// The largest `{bytes: N}` buffer: a guard against a typo allocating gigabytes.
pub const MAX_BUFFER: u64 = 1 << 16;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TcpKeepaliveFields {
    onoff: Int<u32>,
    keepalivetime: Int<u32>,
    keepaliveinterval: Int<u32>,
}

/// `{linger: {l_onoff, l_linger}}`: a `struct linger`, two little-endian `u_short`s.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct LingerFields {
    l_onoff: Int<u16>,
    l_linger: Int<u16>,
}

/// `{ip_mreq: {imr_multiaddr, imr_interface}}`: two IPv4 addresses in network byte order.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct IpMreqFields {
    imr_multiaddr: String,
    imr_interface: String,
}

/// `{ipv6_mreq: {ipv6mr_multiaddr, ipv6mr_interface}}`: an IPv6 address in network byte order
/// and a little-endian interface index (20 bytes).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Ipv6MreqFields {
    ipv6mr_multiaddr: String,
    ipv6mr_interface: Int<u32>,
}

fn ipv4_bytes<E: de::Error>(field: &str, text: &str) -> Result<[u8; 4], E> {
    text.parse::<std::net::Ipv4Addr>()
        .map(|a| a.octets())
        .map_err(|_| {
            E::custom(format!(
                "{field}: `{text}` is not an IPv4 address (write A.B.C.D)"
            ))
        })
}

impl<'de> Deserialize<'de> for Buffer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Buffer;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a quoted hex string (\"01 00 00 00\"), null, {dword: N}, {bytes: N}, {tcp_keepalive: {...}} or {pointer: N}")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Buffer, E> {
                Ok(Buffer::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Buffer, E> {
                Ok(Buffer::Null)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Buffer, E> {
                let bytes = parse_hex(s, false).map_err(E::custom)?;
                Ok(Buffer::Bytes(bytes.into_iter().flatten().collect()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Buffer, E> {
                Err(E::custom(format!(
                    "a bare number ({n}) is not a buffer: buffers are bytes. Write {{dword: {n}}} for a 4-byte little-endian DWORD, quoted hex such as \"01 00 00 00\", or {{pointer: {n}}} to pass {n} itself as the pointer"
                )))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Buffer, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Buffer, E> {
                Err(E::custom(format!(
                    "`{b}` is not a buffer: write {{dword: 1}}, or quoted hex such as \"01 00 00 00\""
                )))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Buffer, A::Error> {
                const FORMS: &[&str] = &[
                    "dword",
                    "bytes",
                    "tcp_keepalive",
                    "linger",
                    "ip_mreq",
                    "ipv6_mreq",
                    "pointer",
                ];
                let Some(key) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(
                        "an empty map is not a buffer: write {dword: N}, {bytes: N}, {tcp_keepalive: {...}} or {pointer: N}",
                    ));
                };
                let buffer = match key.as_str() {
                    "dword" => {
                        let Int(n) = map.next_value::<Int<i64>>()?;
                        let v = u32::try_from(n)
                            .or_else(|_| i32::try_from(n).map(|v| v as u32))
                            .map_err(|_| de::Error::custom(format!("{n} does not fit a DWORD")))?;
                        Buffer::Bytes(v.to_le_bytes().to_vec())
                    }
                    "bytes" => {
                        let Int(n) = map.next_value::<Int<u64>>()?;
                        if n > MAX_BUFFER {
                            return Err(de::Error::custom(format!(
                                "{{bytes: {n}}} is larger than the {MAX_BUFFER} bytes a scenario buffer may have"
                            )));
                        }
                        Buffer::Bytes(vec![0xcc; n as usize]) // n <= MAX_BUFFER
                    }
                    "tcp_keepalive" => {
                        let f = map.next_value::<TcpKeepaliveFields>()?;
                        let mut b = Vec::with_capacity(12);
                        for v in [f.onoff.0, f.keepalivetime.0, f.keepaliveinterval.0] {
                            b.extend_from_slice(&v.to_le_bytes());
                        }
                        Buffer::Bytes(b)
                    }
                    "linger" => {
                        let f = map.next_value::<LingerFields>()?;
                        let mut b = f.l_onoff.0.to_le_bytes().to_vec();
                        b.extend_from_slice(&f.l_linger.0.to_le_bytes());
                        Buffer::Bytes(b)
                    }
                    "ip_mreq" => {
                        let f = map.next_value::<IpMreqFields>()?;
                        let mut b =
                            ipv4_bytes::<A::Error>("imr_multiaddr", &f.imr_multiaddr)?.to_vec();
                        b.extend_from_slice(&ipv4_bytes::<A::Error>(
                            "imr_interface",
                            &f.imr_interface,
                        )?);
                        Buffer::Bytes(b)
                    }
                    "ipv6_mreq" => {
                        let f = map.next_value::<Ipv6MreqFields>()?;
                        let addr = f.ipv6mr_multiaddr.parse::<std::net::Ipv6Addr>().map_err(|_| {
                            de::Error::custom(format!(
                                "ipv6mr_multiaddr: `{}` is not an IPv6 address (write ff02::1 or the like)",
                                f.ipv6mr_multiaddr
                            ))
                        })?;
                        let mut b = addr.octets().to_vec();
                        b.extend_from_slice(&f.ipv6mr_interface.0.to_le_bytes());
                        Buffer::Bytes(b)
                    }
                    "pointer" => Buffer::Pointer(next_pointer(&mut map)?),
                    other => {
                        let hint = closest(other, FORMS.iter().copied())
                            .map(|c| format!("did you mean `{c}`? "))
                            .unwrap_or_default();
                        return Err(de::Error::custom(format!(
                            "unknown buffer form `{other}`: {hint}write {{dword: N}}, {{bytes: N}}, {{tcp_keepalive: {{onoff, keepalivetime, keepaliveinterval}}}}, {{linger: {{l_onoff, l_linger}}}}, {{ip_mreq: {{imr_multiaddr, imr_interface}}}}, {{ipv6_mreq: {{ipv6mr_multiaddr, ipv6mr_interface}}}} or {{pointer: N}} (an integer passed as the pointer)"
                        )));
                    }
                };
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "a buffer map has exactly one key; `{extra}` is one too many"
                    )));
                }
                Ok(buffer)
            }
        }
        d.deserialize_any(V)
    }
}

/// Schema helper for [`Buffer`].
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
enum BufferSchema {
    /// Hex bytes, e.g. "01 00 00 00".
    Hex(String),
    Null(()),
    Dword {
        dword: i64,
    },
    Bytes {
        bytes: u64,
    },
    TcpKeepalive {
        tcp_keepalive: TcpKeepaliveFields,
    },
    Linger {
        linger: LingerFields,
    },
    IpMreq {
        ip_mreq: IpMreqFields,
    },
    Ipv6Mreq {
        ipv6_mreq: Ipv6MreqFields,
    },
    /// An integer passed as the pointer (an extension of format 1).
    Pointer(PointerForm),
}

impl JsonSchema for Buffer {
    fn schema_name() -> String {
        "Buffer".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <BufferSchema as JsonSchema>::json_schema(gen)
    }
}

/// Expected bytes: hex where `??` matches any byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexPattern(pub Vec<Option<u8>>);

impl HexPattern {
    pub fn matches(&self, actual: &[u8]) -> bool {
        self.0.len() == actual.len()
            && self.0.iter().zip(actual).all(|(want, got)| match want {
                Some(w) => w == got,
                None => true,
            })
    }
}

impl fmt::Display for HexPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("\"\"");
        }
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            match b {
                Some(b) => write!(f, "{b:02x}")?,
                None => f.write_str("??")?,
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for HexPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The same forms as a buffer ({dword: N} included), plus `??`.
        struct V;
        impl Visitor<'_> for V {
            type Value = HexPattern;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("quoted hex bytes, `??` for a byte that is not checked")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<HexPattern, E> {
                parse_hex(s, true).map(HexPattern).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<HexPattern, E> {
                Err(E::custom(format!(
                    "a bare number ({n}) is not a buffer: write the bytes in quoted hex, e.g. \"01 00 00 00\" for a DWORD 1"
                )))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<HexPattern, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for HexPattern {
    fn schema_name() -> String {
        "HexPattern".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <String as JsonSchema>::json_schema(gen)
    }
}

/// A `SOCKET` argument: a name bound with `as`, `INVALID_SOCKET`, or an integer (never a handle
/// the process owns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SockRef {
    Name(String),
    Invalid,
    Raw(u64),
}

impl fmt::Display for SockRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SockRef::Name(n) => f.write_str(n),
            SockRef::Invalid => f.write_str("INVALID_SOCKET"),
            SockRef::Raw(n) => write!(f, "{n}"),
        }
    }
}

impl<'de> Deserialize<'de> for SockRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SockRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a socket name bound with `as`, INVALID_SOCKET, or an integer")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<SockRef, E> {
                Ok(SockRef::Raw(n))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<SockRef, E> {
                // A SOCKET is unsigned: -1 is ~0, INVALID_SOCKET.
                Ok(if n == -1 {
                    SockRef::Invalid
                } else {
                    SockRef::Raw(n as u64)
                })
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SockRef, E> {
                if s == "INVALID_SOCKET" || s == "~0" {
                    return Ok(SockRef::Invalid);
                }
                if let Some(n) = parse_int(s) {
                    return self.visit_i64(n);
                }
                Ok(SockRef::Name(s.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for SockRef {
    fn schema_name() -> String {
        "SocketRef".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <NameOrInt as JsonSchema>::json_schema(gen)
    }
}

/// A duration: `2h`, `250ms`, `2h5s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationArg(pub Duration);

impl<'de> Deserialize<'de> for DurationArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DurationArg;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as 2h, 250ms or 2h5s")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<DurationArg, E> {
                s.parse::<Duration>()
                    .map(DurationArg)
                    .map_err(|e| E::custom(e.to_string()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<DurationArg, E> {
                Err(E::custom(format!(
                    "`{n}` has no unit; write e.g. {n}ms, {n}s, {n}m, {n}h or {n}d"
                )))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<DurationArg, E> {
                Err(E::custom(format!(
                    "`{n}` is not a duration; write an integer and a unit, e.g. 5s"
                )))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for DurationArg {
    fn schema_name() -> String {
        "Duration".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <String as JsonSchema>::json_schema(gen)
    }
}

/// One or several accepted error codes (`error: WSAEFAULT` or `error: [WSAEFAULT, WSAENOBUFS]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorSet(pub Vec<WsaError>);

impl ErrorSet {
    pub fn contains(&self, e: WsaError) -> bool {
        self.0.contains(&e)
    }
}

impl fmt::Display for ErrorSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                let names: Vec<String> = many.iter().map(|e| e.to_string()).collect();
                write!(f, "one of [{}]", names.join(", "))
            }
        }
    }
}

impl<'de> Deserialize<'de> for ErrorSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ErrorSet;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a WSA error name, a number, 0, or a list of them")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<ErrorSet, E> {
                let Constant(e) =
                    Constant::<WsaError>::deserialize(de::value::I64Deserializer::<E>::new(n))?;
                Ok(ErrorSet(vec![e]))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<ErrorSet, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ErrorSet, E> {
                let Constant(e) =
                    Constant::<WsaError>::deserialize(de::value::StrDeserializer::<E>::new(s))?;
                Ok(ErrorSet(vec![e]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ErrorSet, A::Error> {
                let mut all = Vec::new();
                while let Some(Constant(e)) = seq.next_element::<Constant<WsaError>>()? {
                    all.push(e);
                }
                if all.is_empty() {
                    return Err(de::Error::custom(
                        "an empty list accepts no error; leave `error` out to not check it",
                    ));
                }
                Ok(ErrorSet(all))
            }
        }
        d.deserialize_any(V)
    }
}

/// Schema helper for [`ErrorSet`].
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
enum ErrorSetSchema {
    One(NameOrInt),
    Any(Vec<NameOrInt>),
}

impl JsonSchema for ErrorSet {
    fn schema_name() -> String {
        "ErrorSet".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <ErrorSetSchema as JsonSchema>::json_schema(gen)
    }
}

/// An expected return value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetExpect {
    Int(i32),
    InvalidSocket,
    Pending,
}

impl fmt::Display for RetExpect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetExpect::Int(-1) => f.write_str("SOCKET_ERROR"),
            RetExpect::Int(n) => write!(f, "{n}"),
            RetExpect::InvalidSocket => f.write_str("INVALID_SOCKET"),
            RetExpect::Pending => f.write_str("pending"),
        }
    }
}

impl<'de> Deserialize<'de> for RetExpect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RetExpect;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an int, SOCKET_ERROR, INVALID_SOCKET or pending")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<RetExpect, E> {
                int_bits(n)
                    .map(RetExpect::Int)
                    .ok_or_else(|| E::custom(format!("{n} does not fit an int")))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<RetExpect, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RetExpect, E> {
                const NAMES: &[&str] = &["SOCKET_ERROR", "INVALID_SOCKET", "pending"];
                match s {
                    "SOCKET_ERROR" => Ok(RetExpect::Int(-1)),
                    "INVALID_SOCKET" => Ok(RetExpect::InvalidSocket),
                    "pending" => Ok(RetExpect::Pending),
                    _ => match parse_int(s) {
                        Some(n) => self.visit_i64(n),
                        None => {
                            let hint = closest(s, NAMES.iter().copied())
                                .map(|c| format!("did you mean {c}? "))
                                .unwrap_or_default();
                            Err(E::custom(format!(
                                "unknown return value `{s}`: {hint}write an int, SOCKET_ERROR, INVALID_SOCKET or pending"
                            )))
                        }
                    },
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RetExpect {
    fn schema_name() -> String {
        "Ret".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        <NameOrInt as JsonSchema>::json_schema(gen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_decimal_and_hex() {
        assert_eq!(parse_int("0x8004667e"), Some(0x8004_667e));
        assert_eq!(parse_int("-1"), Some(-1));
        assert_eq!(parse_int("12"), Some(12));
        assert_eq!(parse_int("SO_KEEPALIVE"), None);
        assert_eq!(parse_int(""), None);
    }

    #[test]
    fn hex_with_wildcards() {
        assert_eq!(
            parse_hex("01 ?? cc", true).unwrap(),
            vec![Some(1), None, Some(0xcc)]
        );
        assert!(parse_hex("01 ??", false).is_err());
        assert!(parse_hex("012", true).is_err());
        assert!(parse_hex("zz", true).is_err());
        assert_eq!(parse_hex("01000000", false).unwrap().len(), 4);
    }

    #[test]
    fn unknown_constants_suggest_the_closest_name() {
        let msg = unknown_name_message::<OptName>("SO_KEEPALIV");
        assert!(msg.contains("did you mean SO_KEEPALIVE?"), "{msg}");
        let msg = unknown_name_message::<Level>("SO_KEEPALIVE");
        assert!(msg.contains("is an optname"), "{msg}");
    }
}
