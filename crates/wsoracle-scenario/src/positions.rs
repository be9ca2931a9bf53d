//! Where each node of a YAML file starts, by path (`steps/3/setsockopt/optlen`).
//!
//! serde_yaml reports a position only for errors raised while it deserializes; the checks that
//! look at several fields at once (an optlen larger than its optval, an unknown binding) run
//! afterwards, so they look their position up here, from a second, event-level parse.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A line and column, both 1-based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl core::fmt::Display for Pos {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Node positions by slash-separated path. Both the value (`a/b`) and its key (`a/b#key`) are
/// recorded.
#[derive(Debug, Default)]
pub struct Positions {
    nodes: HashMap<String, Pos>,
}

impl Positions {
    /// Indexes `source`. A file that does not parse gives an empty index (serde_yaml reports
    /// the syntax error itself, with its position).
    pub fn index(source: &str) -> Positions {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(source);
        // A syntax error leaves the index partial; lookups then fall back to a parent or 1:1.
        let _ = parser.load(&mut builder, false);
        Positions {
            nodes: builder.nodes,
        }
    }

    /// The position of the node at `path`, or of its nearest recorded ancestor.
    pub fn of(&self, path: &str) -> Pos {
        let mut p = path;
        loop {
            if let Some(pos) = self.nodes.get(p) {
                return *pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => {
                    return self
                        .nodes
                        .get("")
                        .copied()
                        .unwrap_or(Pos { line: 1, column: 1 })
                }
            }
        }
    }

    /// The position of the key of the node at `path` (for "unknown key" and the like).
    pub fn key_of(&self, path: &str) -> Pos {
        self.nodes
            .get(&format!("{path}#key"))
            .copied()
            .unwrap_or_else(|| self.of(path))
    }
}

enum Frame {
    Map {
        path: String,
        /// The key whose value comes next, or None when a key comes next.
        key: Option<String>,
    },
    Seq {
        path: String,
        index: usize,
    },
}

#[derive(Default)]
struct Builder {
    nodes: HashMap<String, Pos>,
    stack: Vec<Frame>,
}

fn pos(mark: Marker) -> Pos {
    Pos {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}/{child}")
    }
}

impl Builder {
    /// Claims the place of a new node: its path, or None when it is a mapping key (recorded,
    /// and remembered until its value).
    fn place(&mut self, scalar: Option<&str>, mark: Marker) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, index }) => {
                let p = join(path, &index.to_string());
                *index += 1;
                Some(p)
            }
            Some(Frame::Map { path, key }) => match key.take() {
                Some(k) => Some(join(path, &k)),
                None => {
                    // A key. Complex (non-scalar) keys are not used by the format.
                    let k = scalar.unwrap_or("?").to_string();
                    let key_path = format!("{}#key", join(path, &k));
                    self.nodes.insert(key_path, pos(mark));
                    // libyaml-style parsers mark a block mapping after its first key; a map
                    // starts where its first key does.
                    if let Some(map_pos) = self.nodes.get_mut(path.as_str()) {
                        *map_pos = (*map_pos).min(pos(mark));
                    }
                    *key = Some(k);
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                if let Some(p) = self.place(Some(&value), mark) {
                    self.nodes.insert(p, pos(mark));
                }
            }
            Event::Alias(_) => {
                if let Some(p) = self.place(None, mark) {
                    self.nodes.insert(p, pos(mark));
                }
            }
            Event::MappingStart(..) => {
                let p = self.place(None, mark).unwrap_or_default();
                self.nodes.entry(p.clone()).or_insert(pos(mark));
                self.stack.push(Frame::Map { path: p, key: None });
            }
            Event::SequenceStart(..) => {
                let p = self.place(None, mark).unwrap_or_default();
                self.nodes.entry(p.clone()).or_insert(pos(mark));
                self.stack.push(Frame::Seq { path: p, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_steps_and_their_arguments() {
        let src = "name: x\nsteps:\n  - WSAStartup: {}\n  - setsockopt: {s: s, optlen: 5}\n    expect: {ret: 0}\n";
        let p = Positions::index(src);
        assert_eq!(p.of("steps/1"), Pos { line: 4, column: 5 });
        assert_eq!(
            p.of("steps/1/setsockopt/optlen"),
            Pos {
                line: 4,
                column: 32
            }
        );
        assert_eq!(p.key_of("steps/1/expect"), Pos { line: 5, column: 5 });
        assert_eq!(p.of("steps/1/nothing/here"), Pos { line: 4, column: 5 });
    }
}
