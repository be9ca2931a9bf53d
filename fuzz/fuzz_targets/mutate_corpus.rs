//! Structured mutations of the bundled corpus (`scenarios/`): a corpus file, then line and
//! token edits drawn from the format's own vocabulary (keys, constants, numbers, YAML
//! punctuation, anchors and aliases, tabs). The mutants stay close to valid scenarios, so they
//! reach the loader's checks and the runner far more often than random bytes do.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wsoracle_scenario::{discover, run, Limits, RunOptions, Scenario};

fn corpus() -> &'static [String] {
    static FILES: OnceLock<Vec<String>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        discover(&dir)
            .unwrap_or_default()
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect()
    })
}

/// Words a mutation may write: the format's keys and values, and YAML that bends it.
const WORDS: &[&str] = &[
    "0",
    "1",
    "-1",
    "4",
    "0x7fffffff",
    "0xffffffff",
    "4294967296",
    "-2147483649",
    "99999999999999999999",
    "null",
    "~",
    "true",
    "\"\"",
    "''",
    "[]",
    "{}",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "- ",
    "&a ",
    "*a",
    "&b [1, 2]",
    "*b",
    "\t",
    "  ",
    "#",
    "---",
    "...",
    "|",
    "!!str",
    "!tag",
    "\u{feff}",
    "é",
    "s",
    "INVALID_SOCKET",
    "SOL_SOCKET",
    "IPPROTO_TCP",
    "SO_KEEPALIVE",
    "TCP_KEEPCNT",
    "TCP_KEEPIDLE",
    "SO_ERROR",
    "FIONBIO",
    "SIO_KEEPALIVE_VALS",
    "AF_INET",
    "AF_INET6",
    "SOCK_STREAM",
    "SOCK_DGRAM",
    "WSAEINVAL",
    "optval",
    "optlen",
    "expect",
    "expect_on",
    "as",
    "profiles",
    "format",
    "registry",
    "fidelity",
    "{dword: 1}",
    "{bytes: 70000}",
    "{pointer: 1}",
    "{tcp_keepalive: {onoff: 1, keepalivetime: 1, keepaliveinterval: 1}}",
    "\"01 ?? ff\"",
    "\"zz\"",
    "win2003",
    "win11",
    "..6.0",
    "6.0..",
    "10.0.1..5.0",
    "6.0.6002.99",
    "1ms",
    "2h",
    "18446744073709551615ms",
    "documented",
    "observed",
];

#[derive(Arbitrary, Debug)]
enum Edit {
    DeleteLine(u16),
    DuplicateLine(u16),
    SwapLines(u16, u16),
    /// Replace the n-th whitespace-separated token of a line with a word.
    ReplaceToken(u16, u8, u8),
    /// Insert a word at a byte offset of a line (on a char boundary).
    InsertWord(u16, u8, u8),
    /// Indent or dedent a line by n spaces.
    Indent(u16, i8),
    /// Repeat a line n times (a longer scenario).
    RepeatLine(u16, u8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    file: u16,
    edits: Vec<Edit>,
}

fn apply(lines: &mut Vec<String>, edit: &Edit) {
    if lines.is_empty() {
        return;
    }
    let at = |i: u16| usize::from(i) % lines.len();
    match *edit {
        Edit::DeleteLine(i) => {
            lines.remove(at(i));
        }
        Edit::DuplicateLine(i) => {
            let i = at(i);
            lines.insert(i, lines[i].clone());
        }
        Edit::SwapLines(a, b) => {
            let (a, b) = (at(a), at(b));
            lines.swap(a, b);
        }
        Edit::ReplaceToken(i, t, w) => {
            let i = at(i);
            let word = WORDS[usize::from(w) % WORDS.len()];
            let tokens: Vec<&str> = lines[i].split(' ').collect();
            let t = usize::from(t) % tokens.len();
            let mut out: Vec<&str> = tokens.clone();
            out[t] = word;
            lines[i] = out.join(" ");
        }
        Edit::InsertWord(i, off, w) => {
            let i = at(i);
            let word = WORDS[usize::from(w) % WORDS.len()];
            let line = &lines[i];
            let mut off = usize::from(off) % (line.len() + 1);
            while !line.is_char_boundary(off) {
                off -= 1;
            }
            lines[i] = format!("{}{word}{}", &line[..off], &line[off..]);
        }
        Edit::Indent(i, n) => {
            let i = at(i);
            if n >= 0 {
                lines[i] = format!(
                    "{}{}",
                    " ".repeat(usize::from(n.unsigned_abs() % 9)),
                    lines[i]
                );
            } else {
                let strip = usize::from(n.unsigned_abs() % 9);
                let trimmed = lines[i].trim_start_matches(' ');
                let have = lines[i].len() - trimmed.len();
                lines[i] = lines[i][have.min(strip)..].to_string();
            }
        }
        Edit::RepeatLine(i, n) => {
            let i = at(i);
            let line = lines[i].clone();
            for _ in 0..(n % 32) {
                lines.insert(i, line.clone());
            }
        }
    }
}

fuzz_target!(|input: Input| {
    let files = corpus();
    assert!(!files.is_empty(), "the corpus is readable");
    let source = &files[usize::from(input.file) % files.len()];
    let mut lines: Vec<String> = source.lines().map(str::to_string).collect();
    for edit in input.edits.iter().take(16) {
        apply(&mut lines, edit);
    }
    let text = lines.join("\n") + "\n";
    let limits = Limits {
        file_bytes: 1 << 18,
        nodes: 50_000,
        depth: 32,
        steps: 2_000,
        names: 256,
        value_nodes: 4096,
    };
    match Scenario::from_yaml_str_with("mutant.yaml", &text, &limits) {
        Ok(s) => {
            let profiles = s.default_profiles().into_iter().take(3).collect();
            let report = run(
                &s,
                &RunOptions {
                    profiles: Some(profiles),
                },
            );
            for f in &report.failures {
                let _ = f.describe();
            }
        }
        Err(e) => {
            assert!(e.pos.line >= 1 && e.pos.column >= 1, "{e}");
            // A position is inside the file (the line after the last is the end of input).
            assert!(e.pos.line <= lines.len() + 2, "{e} ({} lines)", lines.len());
        }
    }
});
