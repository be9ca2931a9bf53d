//! The YAML reader: one event-level parse (yaml-rust2's pull parser) that builds small trees of
//! nodes with their positions, under the limits of [`Limits`], and a serde `Deserializer` over
//! those trees that reports every error at the node it concerns.
//!
//! The loader asks for one top-level value at a time and, inside `steps`, for one step at a
//! time, so a file of a million steps never has more than one step's tree in memory (plus the
//! anchored nodes that a later alias may use). Alias expansion is counted by what it expands
//! to, so a "billion laughs" file stops at the node limit instead of exhausting memory.

use core::fmt;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

use crate::positions::Pos;
use crate::Limits;

/// A node of the document with where it starts.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub pos: Pos,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// A scalar's text; `plain` is false for a quoted or block scalar or a `!!str` tag, which
    /// is always a string.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// `*name`: the anchored node it stands for.
    Alias(Rc<Node>),
}

impl Node {
    /// The node itself, or the node an alias stands for.
    pub fn resolved(&self) -> &Node {
        let mut n = self;
        while let Kind::Alias(target) = &n.kind {
            n = target;
        }
        n
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.resolved().kind {
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The value under `key` in a map node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value under `key` in a map node.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.resolved().kind {
            Kind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The child at `segment`: a map key, or a sequence index.
    fn child(&self, segment: &str) -> Option<(&Node, &Node)> {
        match &self.resolved().kind {
            Kind::Map(_) => self.entry(segment),
            Kind::Seq(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .map(|n| (n, n)),
            _ => None,
        }
    }

    /// The position of the node at `path` (slash-separated, relative to this node), or of its
    /// nearest ancestor; with `key`, the position of the last segment's key.
    pub fn find(&self, path: &str, key: bool) -> Pos {
        let mut here = self;
        let mut key_pos = self.pos;
        if !path.is_empty() {
            for segment in path.split('/') {
                match here.child(segment) {
                    Some((k, v)) => {
                        key_pos = k.pos;
                        here = v;
                    }
                    None => return here.pos,
                }
            }
        }
        if key {
            key_pos
        } else {
            here.pos
        }
    }
}

/// A limit the input went past.
pub(crate) fn limit_message(what: String, limit: u64, name: &str) -> String {
    format!(
        "{what}, more than the limit of {limit}; if the file is meant to be this large, raise the limit with `wsoracle run --limit {name}=N` (or `Limits` in the library)"
    )
}

/// The pull parser with the limits' bookkeeping.
pub(crate) struct Reader<'s> {
    parser: Parser<std::str::Chars<'s>>,
    source: &'s str,
    limits: Limits,
    /// Nodes so far, aliases counted by what they expand to.
    nodes: u64,
    anchors: HashMap<usize, (Rc<Node>, u64)>,
    /// Where each collection still open starts (for "never closed").
    open: Vec<Marker>,
}

pub(crate) fn pos(mark: Marker) -> Pos {
    Pos {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

/// A reading error: where, and what.
pub(crate) type ReadError = (Pos, String);

impl<'s> Reader<'s> {
    pub fn new(source: &'s str, limits: Limits) -> Reader<'s> {
        Reader {
            parser: Parser::new_from_str(source),
            source,
            limits,
            nodes: 0,
            anchors: HashMap::new(),
            open: Vec::new(),
        }
    }

    pub fn next(&mut self) -> Result<(Event, Marker), ReadError> {
        self.parser
            .next_token()
            .map_err(|e| explain_scan_error(self.source, &self.open, &e))
    }

    /// Counts `n` more nodes against the limit.
    fn count(&mut self, n: u64, mark: Marker, alias: bool) -> Result<(), ReadError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.nodes {
            let what = if alias {
                format!("this alias expands to {n} nodes, which brings the file to {} YAML nodes (aliases count what they expand to)", self.nodes)
            } else {
                format!("the file has more than {} YAML nodes", self.nodes - 1)
            };
            return Err((pos(mark), limit_message(what, self.limits.nodes, "nodes")));
        }
        Ok(())
    }

    /// Opens a collection at `depth` (1 for the document's top level).
    pub fn open(&mut self, mark: Marker, depth: usize) -> Result<(), ReadError> {
        if depth > self.limits.depth {
            return Err((
                pos(mark),
                limit_message(
                    format!("this value is nested {depth} levels deep"),
                    self.limits.depth as u64,
                    "depth",
                ),
            ));
        }
        self.count(1, mark, false)?;
        self.open.push(mark);
        Ok(())
    }

    pub fn close(&mut self) {
        self.open.pop();
    }

    /// Reads one whole node that starts with `first`, at nesting `depth` (the depth of the
    /// collection that holds it, plus one).
    pub fn node(&mut self, first: (Event, Marker), depth: usize) -> Result<Node, ReadError> {
        enum Frame {
            Seq {
                pos: Pos,
                anchor: usize,
                items: Vec<Node>,
                weight: u64,
            },
            Map {
                pos: Pos,
                anchor: usize,
                entries: Vec<(Node, Node)>,
                key: Option<Node>,
                seen: Option<HashSet<String>>,
                weight: u64,
            },
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut ev = first;
        // Nodes held in this tree (an alias is one: it shares its target).
        let mut held: u64 = 0;
        loop {
            let (event, mark) = ev;
            if matches!(
                event,
                Event::Scalar(..)
                    | Event::Alias(_)
                    | Event::SequenceStart(..)
                    | Event::MappingStart(..)
            ) {
                held += 1;
                if held > self.limits.value_nodes {
                    return Err((
                        pos(mark),
                        limit_message(
                            format!("this step (or top-level value) reaches {held} YAML nodes"),
                            self.limits.value_nodes,
                            "value-nodes",
                        ),
                    ));
                }
            }
            let done: Option<(Node, u64)> = match event {
                Event::Scalar(text, style, anchor, tag) => {
                    self.count(1, mark, false)?;
                    let plain = style == TScalarStyle::Plain;
                    let plain = match tag {
                        None => plain,
                        Some(t) if t.suffix == "str" || t.suffix == "tag:yaml.org,2002:str" => {
                            false
                        }
                        Some(t) => {
                            return Err((
                                pos(mark),
                                format!(
                                    "the tag `{}{}` has no meaning in a scenario: write the value without a tag",
                                    t.handle, t.suffix
                                ),
                            ))
                        }
                    };
                    let node = Node {
                        pos: pos(mark),
                        kind: Kind::Scalar { text, plain },
                    };
                    self.anchor(anchor, &node, 1);
                    Some((node, 1))
                }
                Event::Alias(id) => {
                    let Some((target, weight)) = self.anchors.get(&id).cloned() else {
                        return Err((pos(mark), "this alias refers to no anchor defined before it: define `&name` before using `*name`".into()));
                    };
                    self.count(weight, mark, true)?;
                    Some((
                        Node {
                            pos: pos(mark),
                            kind: Kind::Alias(target),
                        },
                        weight,
                    ))
                }
                Event::SequenceStart(anchor, tag) => {
                    reject_tag(tag.as_ref(), mark)?;
                    self.open(mark, depth + stack.len())?;
                    stack.push(Frame::Seq {
                        pos: pos(mark),
                        anchor,
                        items: Vec::new(),
                        weight: 1,
                    });
                    None
                }
                Event::MappingStart(anchor, tag) => {
                    reject_tag(tag.as_ref(), mark)?;
                    self.open(mark, depth + stack.len())?;
                    stack.push(Frame::Map {
                        pos: pos(mark),
                        anchor,
                        entries: Vec::new(),
                        key: None,
                        seen: None,
                        weight: 1,
                    });
                    None
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    self.close();
                    match stack.pop() {
                        Some(Frame::Seq {
                            pos,
                            anchor,
                            items,
                            weight,
                        }) => {
                            let node = Node {
                                pos,
                                kind: Kind::Seq(items),
                            };
                            self.anchor(anchor, &node, weight);
                            Some((node, weight))
                        }
                        Some(Frame::Map {
                            pos,
                            anchor,
                            entries,
                            weight,
                            ..
                        }) => {
                            let node = Node {
                                pos,
                                kind: Kind::Map(entries),
                            };
                            self.anchor(anchor, &node, weight);
                            Some((node, weight))
                        }
                        None => return Err((pos(mark), "unexpected end of a collection".into())),
                    }
                }
                _ => {
                    return Err((
                        pos(mark),
                        "the document ends in the middle of a value".into(),
                    ))
                }
            };
            if let Some((node, w)) = done {
                match stack.last_mut() {
                    None => return Ok(node),
                    Some(Frame::Seq { items, weight, .. }) => {
                        *weight = weight.saturating_add(w);
                        items.push(node);
                    }
                    Some(Frame::Map {
                        pos,
                        entries,
                        key,
                        seen,
                        weight,
                        ..
                    }) => {
                        *weight = weight.saturating_add(w);
                        match key.take() {
                            Some(k) => entries.push((k, node)),
                            None => {
                                // A block mapping's event is marked after its first key; the
                                // map starts where that key does.
                                if entries.is_empty() && node.pos < *pos {
                                    *pos = node.pos;
                                }
                                if let Some(text) = node.as_str() {
                                    let first = if entries.len() < 8 && seen.is_none() {
                                        entries
                                            .iter()
                                            .find(|(k, _)| k.as_str() == Some(text))
                                            .map(|(k, _)| k.pos)
                                    } else {
                                        let set = seen.get_or_insert_with(|| {
                                            entries
                                                .iter()
                                                .filter_map(|(k, _)| k.as_str())
                                                .map(str::to_string)
                                                .collect()
                                        });
                                        if set.insert(text.to_string()) {
                                            None
                                        } else {
                                            entries
                                                .iter()
                                                .find(|(k, _)| k.as_str() == Some(text))
                                                .map(|(k, _)| k.pos)
                                        }
                                    };
                                    if let Some(first) = first {
                                        return Err((node.pos, duplicate_key(text, first)));
                                    }
                                }
                                *key = Some(node);
                            }
                        }
                    }
                }
            }
            ev = self.next()?;
        }
    }

    /// Reads past one whole node that starts with `first`, under the limits, keeping nothing
    /// but what an anchor inside it defines (for the value of an unknown key, which is an error
    /// anyway).
    pub fn skip(&mut self, first: (Event, Marker), depth: usize) -> Result<(), ReadError> {
        let mut level = 0usize;
        let mut ev = first;
        loop {
            let (event, mark) = ev;
            match event {
                Event::Scalar(_, _, anchor, _)
                | Event::SequenceStart(anchor, _)
                | Event::MappingStart(anchor, _)
                    if anchor > 0 =>
                {
                    // A later alias may use it: read it whole.
                    self.node((event, mark), depth + level)?;
                }
                Event::Scalar(..) => self.count(1, mark, false)?,
                Event::Alias(id) => {
                    let Some(weight) = self.anchors.get(&id).map(|(_, w)| *w) else {
                        return Err((pos(mark), "this alias refers to no anchor defined before it: define `&name` before using `*name`".into()));
                    };
                    self.count(weight, mark, true)?;
                }
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    self.open(mark, depth + level)?;
                    level += 1;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    self.close();
                    level = level.saturating_sub(1);
                }
                _ => {
                    return Err((
                        pos(mark),
                        "the document ends in the middle of a value".into(),
                    ))
                }
            }
            if level == 0 {
                return Ok(());
            }
            ev = self.next()?;
        }
    }

    fn anchor(&mut self, anchor: usize, node: &Node, weight: u64) {
        if anchor > 0 {
            self.anchors.insert(anchor, (Rc::new(node.clone()), weight));
        }
    }
}

pub(crate) fn duplicate_key(text: &str, first: Pos) -> String {
    format!("the key `{text}` is given twice (first at line {}, column {}): a map takes each key once; remove one", first.line, first.column)
}

fn reject_tag(tag: Option<&yaml_rust2::parser::Tag>, mark: Marker) -> Result<(), ReadError> {
    match tag {
        None => Ok(()),
        Some(t)
            if t.suffix == "seq"
                || t.suffix == "map"
                || t.suffix.ends_with(":seq")
                || t.suffix.ends_with(":map") =>
        {
            Ok(())
        }
        Some(t) => Err((
            pos(mark),
            format!(
                "the tag `{}{}` has no meaning in a scenario: write the value without a tag",
                t.handle, t.suffix
            ),
        )),
    }
}

/// The characters at the markers' indexes (which count characters), in one pass.
fn chars_at(source: &str, marks: &[Marker]) -> HashMap<usize, char> {
    let wanted: HashSet<usize> = marks.iter().map(Marker::index).collect();
    let last = wanted.iter().copied().max().unwrap_or(0);
    source
        .chars()
        .take(last.saturating_add(1))
        .enumerate()
        .filter(|(i, _)| wanted.contains(i))
        .collect()
}

/// A YAML syntax error in words a scenario author understands, at the place to fix.
pub(crate) fn explain_scan_error(source: &str, open: &[Marker], e: &ScanError) -> ReadError {
    let info = e.info();
    let at = pos(*e.marker());
    let here = format!("line {}, column {}", at.line, at.column);
    if info.contains("recursion limit") {
        return (
            at,
            "`[` and `{` nested more than 255 levels deep, more than the YAML parser accepts (a scenario needs a handful); see also the depth limit, `--limit depth=N`".into(),
        );
    }
    if info.contains("tab") {
        return (
            at,
            "a tab character where YAML expects spaces: YAML indents with spaces only (and a tab cannot separate a value here); replace the tab with spaces".into(),
        );
    }
    if info.contains("unknown anchor") {
        return (
            at,
            "this alias refers to no anchor defined before it: define `&name` before using `*name`"
                .into(),
        );
    }
    if info.contains("quoted scalar") {
        return (
            at,
            format!("a quoted string that is never closed (or that goes on to a line indented less than its key): add the closing quote (YAML syntax: {info})"),
        );
    }
    // The innermost flow collection (`[` or `{`) still open: where a missing `]` or `}` is.
    let chars = chars_at(source, open);
    let flow = open
        .iter()
        .rev()
        .find_map(|m| match chars.get(&m.index()).copied() {
            Some(c @ ('[' | '{')) => Some((*m, c)),
            _ => None,
        });
    if let Some((m, c)) = flow {
        let close = if c == '[' { ']' } else { '}' };
        return (
            pos(m),
            format!(
                "this `{c}` is never closed: add the matching `{close}` (or a missing `,` between two items); the YAML parser gave up at {here}: {info}"
            ),
        );
    }
    if info.contains("mapping values are not allowed") {
        return (
            at,
            "a `:` where no key can start: quote a value that contains `: `, or check the indentation of this line".into(),
        );
    }
    if info.contains("did not find expected key") || info.contains("invalid indentation") {
        return (
            at,
            format!("this line does not line up with the map it belongs to: check its indentation (YAML syntax: {info})"),
        );
    }
    if info.contains("did not find expected '-' indicator") {
        return (
            at,
            format!("this line does not line up with the list it belongs to: each item starts with `- ` at the same column (YAML syntax: {info})"),
        );
    }
    (at, format!("YAML syntax error: {info}"))
}

// ---- serde over nodes -------------------------------------------------------------------------

/// A deserialization error with the position of the node it concerns (set by the innermost
/// node that fails).
#[derive(Debug)]
pub(crate) struct DeError {
    pub message: String,
    pub pos: Option<Pos>,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            pos: None,
        }
    }
}

fn at<T>(node: &Node, r: Result<T, DeError>) -> Result<T, DeError> {
    r.map_err(|mut e| {
        e.pos.get_or_insert(node.pos);
        e
    })
}

/// Deserializes `T` from `node`.
pub(crate) fn from_node<'de, T: de::Deserialize<'de>>(node: &Node) -> Result<T, DeError> {
    T::deserialize(NodeDe(node))
}

struct NodeDe<'n>(&'n Node);

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

fn radix_int(s: &str) -> Option<(bool, &str, u32)> {
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = rest.strip_prefix(prefix) {
            return Some((neg, digits, radix));
        }
    }
    if digits_but_not_number(s) {
        return None;
    }
    Some((neg, rest, 10))
}

/// A plain scalar as an integer, the way YAML 1.2's core schema (and serde_yaml) reads it.
enum Number {
    U(u64),
    I(i64),
    F(f64),
}

fn number(text: &str) -> Option<Number> {
    if let Some((neg, digits, radix)) = radix_int(text) {
        if !digits.is_empty() && !digits.starts_with(['+', '-']) {
            if let Ok(m) = u64::from_str_radix(digits, radix) {
                if !neg {
                    return Some(Number::U(m));
                }
                if m <= i64::MAX as u64 + 1 {
                    return Some(Number::I((m as i64).wrapping_neg()));
                }
            }
        }
    }
    if digits_but_not_number(text) {
        return None;
    }
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(Number::F(f64::INFINITY)),
        "-.inf" | "-.Inf" | "-.INF" => return Some(Number::F(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Number::F(f64::NAN)),
        _ => {}
    }
    if unsigned.starts_with(['+', '-']) && text.starts_with('+') {
        return None;
    }
    // Only what looks like a number: Rust's float parser also takes `inf` and `nan`.
    if !unsigned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    unsigned
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(Number::F)
}

impl<'de> Deserializer<'de> for NodeDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.0.resolved();
        let r = match &node.kind {
            Kind::Scalar { text, plain: true } => {
                if is_null(text) {
                    visitor.visit_unit()
                } else if let Some(b) = match text.as_str() {
                    "true" | "True" | "TRUE" => Some(true),
                    "false" | "False" | "FALSE" => Some(false),
                    _ => None,
                } {
                    visitor.visit_bool(b)
                } else {
                    match number(text) {
                        Some(Number::U(n)) => visitor.visit_u64(n),
                        Some(Number::I(n)) => visitor.visit_i64(n),
                        Some(Number::F(f)) => visitor.visit_f64(f),
                        None => visitor.visit_str(text),
                    }
                }
            }
            Kind::Scalar { text, plain: false } => visitor.visit_str(text),
            Kind::Seq(items) => visitor.visit_seq(Seq {
                items: items.iter(),
            }),
            Kind::Map(entries) => visitor.visit_map(Map {
                entries: entries.iter(),
                value: None,
            }),
            Kind::Alias(_) => unreachable_alias(),
        };
        at(self.0, r)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.0.resolved();
        match &node.kind {
            Kind::Scalar { text, plain: true } if is_null(text) => at(self.0, visitor.visit_none()),
            _ => at(self.0, visitor.visit_some(self)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.0.resolved().kind {
            Kind::Scalar { text, .. } => at(self.0, visitor.visit_str(text)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        at(self.0, visitor.visit_newtype_struct(self))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.0.resolved().kind {
            Kind::Scalar { text, .. } => at(
                self.0,
                visitor.visit_enum(IntoDeserializer::<DeError>::into_deserializer(
                    text.as_str(),
                )),
            ),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
    }
}

/// `resolved()` never returns an alias.
fn unreachable_alias<T>() -> Result<T, DeError> {
    Err(de::Error::custom("an alias that stands for nothing"))
}

struct Seq<'n> {
    items: std::slice::Iter<'n, Node>,
}

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(n) => at(n, seed.deserialize(NodeDe(n))).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'n> {
    entries: std::slice::Iter<'n, (Node, Node)>,
    value: Option<&'n Node>,
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((k, v)) => {
                self.value = Some(v);
                at(k, seed.deserialize(NodeDe(k))).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(v) => at(v, seed.deserialize(NodeDe(v))),
            None => Err(de::Error::custom("a map value without its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str, limits: Limits) -> Result<Node, ReadError> {
        let mut r = Reader::new(src, limits);
        let _stream = r.next()?;
        let _doc = r.next()?;
        let first = r.next()?;
        r.node(first, 1)
    }

    #[test]
    fn scalars_resolve_as_yaml_core_schema() {
        let n = read(
            "[1, -2, 0x10, '3', 012, ~, true, 1.5, abc]",
            Limits::default(),
        )
        .unwrap();
        let v: Vec<serde_json::Value> = from_node(&n).unwrap();
        assert_eq!(
            serde_json::Value::Array(v).to_string(),
            r#"[1,-2,16,"3","012",null,true,1.5,"abc"]"#
        );
    }

    #[test]
    fn aliases_count_what_they_expand_to() {
        let limits = Limits {
            nodes: 100,
            ..Limits::default()
        };
        let src =
            "a: &x [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\nb: [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x]\n";
        let (p, m) = read(src, limits).unwrap_err();
        assert_eq!(p.line, 2, "{m}");
        assert!(
            m.contains("limit of 100") && m.contains("--limit nodes="),
            "{m}"
        );
    }

    #[test]
    fn depth_stops_at_the_limit() {
        let limits = Limits {
            depth: 5,
            ..Limits::default()
        };
        let (p, m) = read(&"[".repeat(100), limits).unwrap_err();
        assert_eq!(p, Pos { line: 1, column: 6 }, "{m}");
        assert!(
            m.contains("nested 6 levels") && m.contains("--limit depth="),
            "{m}"
        );
    }

    #[test]
    fn duplicate_keys_are_reported_where_they_repeat() {
        let (p, m) = read("a: 1\nb: 2\na: 3\n", Limits::default()).unwrap_err();
        assert_eq!(p, Pos { line: 3, column: 1 }, "{m}");
        assert!(m.contains("first at line 1, column 1"), "{m}");
        let many: String = (0..20).map(|i| format!("k{i}: 1\n")).collect();
        let (p, _) = read(&format!("{many}k3: 2\n"), Limits::default()).unwrap_err();
        assert_eq!(p.line, 21);
    }

    #[test]
    fn syntax_errors_in_words() {
        let (p, m) = read("a:\n\t- b\n", Limits::default()).unwrap_err();
        assert!(m.contains("tab"), "{p} {m}");
        let (p, m) = read("a: 1\nb: [1, 2,\n  3\nc: 4\n", Limits::default()).unwrap_err();
        assert_eq!(p, Pos { line: 2, column: 4 }, "{m}");
        assert!(m.contains("never closed"), "{m}");
    }
}
