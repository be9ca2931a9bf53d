//! `docs/spec.md` is generated, rust-analyzer "sourcegen" style: this test rebuilds the whole
//! page and compares it with the committed file.
//!
//! - The prose comes from `docs/spec.template.md`, whose `{{normative}}`, `{{informative}}` and
//!   `{{facts}}` lines the tables replace.
//! - The clauses and their paraphrases come from `wsoracle_model::spec::CLAUSES`; the rules
//!   citing each clause from `wsoracle_model::rules::ALL`.
//! - The model tests citing a clause are found by scanning the test code of
//!   `crates/wsoracle-model` (`tests/**/*.rs`, and the `#[cfg(test)]` modules of `src/**/*.rs`)
//!   for clause ids in comments (`// so_keepalive#42a54-165, 166, 168` cites all three numbers;
//!   so does `42a54-142 (…) and 173`, and `169–172` is a range) and in function names
//!   (`fn …_42a54_157_158`). A citation belongs to the function it sits in, or to the function
//!   directly below a comment block written above it.
//! - The scenarios covering a clause or fact come from the corpus' `covers:` (`scenarios/`).
//! - The evidence facts and their paraphrases are listed in [`FACTS`], checked against
//!   `spec::EVIDENCE_IDS` and `spec::PRIMARY_FACTS`.
//!
//! When the page is out of date the test fails; `UPDATE_DOCS=1 cargo test --test spec_doc`
//! rewrites it instead (never in CI: with `CI` set it only compares).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use wsoracle::model::Source;
use wsoracle::model::{rules, spec};
use wsoracle::scenario::{discover, Scenario};

const DOC: &str = "docs/spec.md";
const TEMPLATE: &str = "docs/spec.template.md";
const MODEL: &str = "crates/wsoracle-model";
const REGENERATE: &str = "UPDATE_DOCS=1 cargo test --test spec_doc";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file's text with `\r\n` read as `\n` (a checkout with `core.autocrlf`).
fn read(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("\r\n", "\n")
}

/// `path` relative to `base`, with `/` separators.
fn rel(path: &Path, base: &Path) -> String {
    let p = path.strip_prefix(base).unwrap_or(path);
    p.to_string_lossy().replace('\\', "/")
}

// ---- Evidence facts ------------------------------------------------------------------------

/// The evidence facts, family by family: the table's title, then each fact with what it says.
/// Every id of `spec::EVIDENCE_IDS` (as `wine:ID`) and `primary:P01` … `primary:PNN`
/// (`spec::PRIMARY_FACTS`) appears exactly once.
const FACTS: &[(&str, &[(&str, &str)])] = &[
    (
        "SO_KEEPALIVE on a fresh TCP socket (wine:K)",
        &[
            ("wine:K01", "The default reads with optlen 4 (value not asserted)."),
            ("wine:K02", "An 8-byte optval (`01 00 00 00 ff ff ff ff`) is accepted; last error 0."),
            ("wine:K03", "getsockopt with an 8-byte buffer reports optlen 1 (2003: 4)."),
            ("wine:K06", "setsockopt with optlen 0 → WSAEFAULT, every version."),
            ("wine:K07", "getsockopt with *optlen 0 → WSAEFAULT, every version."),
            ("wine:K08", "0x100 turns keep-alive off from Vista on (`00 be ad de`, optlen 1); 2003 reads back `01 00 00 00`, optlen 4."),
            ("wine:K09", "optlen 1 works for set and get: `01 be ad de`, optlen 1, every version."),
            ("wine:K11", "optlen 4: Vista+ writes one byte (`01 be ad de`, optlen 1); 2003 writes `01 00 00 00`, optlen 4."),
            ("wine:K14", "No Windows test of SO_KEEPALIVE on UDP, before WSAStartup or during a pending connect."),
        ],
    ),
    (
        "Generic optlen and pointer rules (wine:G)",
        &[
            ("wine:G01", "\"bool_value\" options (SO_BROADCAST, SO_REUSEADDR, …) accept optlen 0; SO_KEEPALIVE does not."),
            ("wine:G02", "Those options write two bytes for optlen 2 and normalise 0x100 to 1."),
            ("wine:G03", "SOL_SOCKET options whose full size is 4 accept optlen −1; SO_KEEPALIVE (size 1 from Vista on) does not."),
            ("wine:G04", "getsockopt with *optlen −1 → WSAEFAULT, optlen stays −1."),
            ("wine:G05", "getsockopt with *optlen 0 → WSAEFAULT."),
            ("wine:G06", "SO_RCVBUF/SO_SNDBUF/SO_LINGER: short optlen fails and zeroes the buffer."),
            ("wine:G07", "SO_RCVTIMEO/SO_SNDTIMEO/SO_OPENTYPE: short optlen fails, buffer untouched."),
            ("wine:G08", "SO_DONTROUTE behaves like SO_KEEPALIVE."),
            ("wine:G09", "TCP_NODELAY follows the SO_KEEPALIVE pattern; 2003 takes the whole DWORD."),
            ("wine:G10", "A NULL optval with a length (or with 0) → WSAEFAULT."),
            ("wine:G11", "An integer passed as the optval pointer → WSAEFAULT."),
            ("wine:G12", "A successful set/get sets the last error to 0."),
        ],
    ),
    (
        "Handles, process, errors and connect (wine:E)",
        &[
            ("wine:E01", "getsockopt on a closed socket → WSAENOTSOCK, buffer untouched."),
            ("wine:E05", "An invalid level → WSAEINVAL."),
            ("wine:E06", "An unknown optname at a known level → WSAENOPROTOOPT."),
            ("wine:E07", "getsockopt(SO_LINGER) on UDP → WSAENOPROTOOPT (the nearest tested analogue of the datagram clause)."),
            ("wine:E08", "Read-only options reject setsockopt."),
            ("wine:E09", "SO_ERROR can be set and read; optlen below 4 → WSAEFAULT."),
            ("wine:E10", "SO_DEBUG details."),
            ("wine:E11", "Before WSAStartup: socket and WSACleanup → WSANOTINITIALISED."),
            ("wine:E13", "A non-blocking connect → WSAEWOULDBLOCK; a second connect → WSAEALREADY."),
            ("wine:E14", "IP_HDRINCL error codes change between 2003 and Vista."),
            ("wine:E15", "Unknown ioctls → WSAEOPNOTSUPP (2003: WSAEINVAL)."),
        ],
    ),
    (
        "IPPROTO_TCP options and SIO_KEEPALIVE_VALS (wine:T, wine:S)",
        &[
            ("wine:T01", "TCP_KEEPALIVE stores and returns a value."),
            ("wine:T02", "TCP_KEEP* reject short optlen."),
            ("wine:T03", "TCP_KEEP* with optlen 4 and 8."),
            ("wine:T06", "TCP_KEEPCNT rejects 256."),
            ("wine:T07", "TCP_KEEPCNT/TCP_KEEPINTVL exist from Windows 10 on; before → WSAENOPROTOOPT."),
            ("wine:T09", "On 2003, option 16 means something else."),
            ("wine:T10", "2003 has no IPPROTO_TCP table data."),
            ("wine:S01", "SIO_KEEPALIVE_VALS with cbInBuffer 0 → WSAEFAULT (2003: WSAEINVAL)."),
            ("wine:S03", "A valid all-zero structure succeeds."),
            ("wine:S06", "A short input buffer fails without touching the OVERLAPPED."),
            ("wine:S07", "A valid overlapped call completes through the port."),
            ("wine:S08", "Other valid settings (0 ms, 100 ms, 1 s, 10 s) succeed."),
            ("wine:S09", "An APC completion routine works."),
            ("wine:S10", "No test with an output buffer, UDP or a connected socket."),
        ],
    ),
    (
        "Where Windows and the page differ (wine:D)",
        &[
            ("wine:D1", "optlen below a DWORD: only 0 fails on Windows."),
            ("wine:D2", "getsockopt returns a one-byte BOOLEAN from Vista on."),
            ("wine:D3", "Only the low byte counts from Vista on."),
            ("wine:D5", "Datagram → WSAENOPROTOOPT is untested."),
            ("wine:D6", "WSAEINVAL while connecting is untested."),
            ("wine:D7", "Default FALSE: not asserted by Wine (see primary:P30)."),
            ("wine:D8", "Probe counts: only TCP_KEEPCNT is tested."),
            ("wine:D9", "Default time and interval: not asserted by Wine (see primary:P30)."),
            ("wine:D10", "SIO_KEEPALIVE_VALS short input: error code by version."),
        ],
    ),
    (
        "Wine and ReactOS implementation notes (wine:W, wine:R)",
        &[
            ("wine:W01", "Wine getsockopt check order."),
            ("wine:W02", "Wine getsockopt SO_KEEPALIVE reports optlen 1."),
            ("wine:W03", "Wine setsockopt checks the pointer before the socket."),
            ("wine:W04", "Wine IPPROTO_TCP setsockopt."),
            ("wine:W05", "Wine TCP_KEEP* getsockopt."),
            ("wine:W06", "Wine WSAIoctl."),
            ("wine:W07", "Wine does not check the socket type or a pending connect."),
            ("wine:R01", "ReactOS setsockopt check order (NULL optval before the socket)."),
            ("wine:R02", "ReactOS getsockopt check order."),
            ("wine:R03", "ReactOS msafd/wshtcpip SO_KEEPALIVE (DWORD required)."),
            ("wine:R04", "ReactOS SIO_KEEPALIVE_VALS helper."),
        ],
    ),
    (
        "Primary-source facts (primary:P)",
        &[
            ("primary:P01", "The exact call sequence of the option-length loop."),
            ("primary:P02", "The SO_KEEPALIVE row on Windows 7+, step by step (optlen −1: WSAEFAULT up to 21H1, WSAENOBUFS from 21H2)."),
            ("primary:P03", "The SO_KEEPALIVE row on Server 2003: DWORD-sized; optlen −1 succeeds; optlen 2 writes `01 00 ad de` and reports 1."),
            ("primary:P04", "The TCP_NODELAY row (contrast)."),
            ("primary:P05", "The TCP_KEEPALIVE row."),
            ("primary:P06", "The TCP_KEEPCNT row."),
            ("primary:P07", "The TCP_KEEPINTVL row."),
            ("primary:P08", "TCP_KEEPALIVE/TCP_KEEPCNT/TCP_KEEPINTVL round trip."),
            ("primary:P09", "A failed set (optlen 0 or −1) leaves TCP_NODELAY unchanged."),
            ("primary:P10", "A closed socket → WSAENOTSOCK, buffer untouched."),
            ("primary:P11", "getsockopt: INVALID_SOCKET beats NULL pointers; NULL pointers on a valid socket → WSAEFAULT."),
            ("primary:P12", "A file handle → WSAENOTSOCK before the optname check."),
            ("primary:P13", "Unknown optname / bad level on a valid socket."),
            ("primary:P14", "Integer-as-pointer → WSAEFAULT."),
            ("primary:P15", "NULL optval → WSAEFAULT."),
            ("primary:P16", "Other never-issued or invalid handles → WSAENOTSOCK."),
            ("primary:P17", "An accepted socket inherits SO_KEEPALIVE set on the listener before bind/listen."),
            ("primary:P18", "Listening socket: a second listen succeeds; listen on UDP → WSAEOPNOTSUPP; unbound → WSAEINVAL."),
            ("primary:P19", "Connect in progress: WSAEWOULDBLOCK, then WSAEALREADY; no sockopt call tested."),
            ("primary:P20", "SO_ERROR after a refused non-blocking connect is WSAECONNREFUSED, not cleared by reading; a successful connect resets it."),
            ("primary:P21", "connect on a connected socket → WSAEISCONN."),
            ("primary:P22", "SIO_KEEPALIVE_VALS, every call in order."),
            ("primary:P23", "Generic WSAIoctl behaviour."),
            ("primary:P24", "Before WSAStartup: WSANOTINITIALISED."),
            ("primary:P25", "The last WSACleanup destroys sockets; a new WSAStartup does not bring them back; one cleanup too many → WSANOTINITIALISED."),
            ("primary:P26", "Start-up is a reference count."),
            ("primary:P27", "SO_KEEPALIVE on other socket types or states: untested."),
            ("primary:P28", "2003 summary for the sockopt paths."),
            ("primary:P29", "\"Old\" markers."),
            ("primary:P30", ".NET: SO_KEEPALIVE is 0 by default; default time 7200 s and interval 1 s; TCP_KEEPCNT from 1703."),
            ("primary:P31", "test_optsize loop: the bytes and *optlen of the short-length checks, per class."),
            ("primary:P32", "SO_LINGER values read back; NULL optval → WSAEFAULT for SO_LINGER and SO_DONTLINGER."),
            ("primary:P33", "TCP_NODELAY: any positive optlen, first byte only; optlen 0 and −1 fail and change nothing."),
            ("primary:P34", "SO_RCVBUF 0 reads back 0; 1024 on an accepted socket reads back 1024."),
            ("primary:P35", "SO_ERROR: a set value reads back; *optlen 1 → WSAEFAULT; a closed socket → WSAENOTSOCK."),
            ("primary:P36", "SO_PROTOCOL_INFOA/W: 372 and 628 bytes; a short buffer → WSAEFAULT with the size."),
            ("primary:P37", "SO_DEBUG: 0 by default; a set 2 reads back 1."),
            ("primary:P38", "SO_CONNECT_TIME: 0xffffffff unconnected (success), 0 just connected."),
            ("primary:P39", "SO_RCVTIMEO 100: a blocking recv with nothing to read → WSAETIMEDOUT."),
            ("primary:P40", "SO_BROADCAST gates sendto to the broadcast address; connect to it succeeds without it."),
            ("primary:P41", "SO_MAX_MSG_SIZE 65507 or 65527; bad levels → WSAEINVAL; SO_LINGER on UDP → WSAENOPROTOOPT; SO_DONTLINGER = !l_onoff."),
            ("primary:P42", "SO_ACCEPTCONN: 0, then 1 after listen; set → WSAENOPROTOOPT."),
            ("primary:P43", "SO_TYPE reads the type; set → WSAENOPROTOOPT (TCP), WSAEINVAL (UDP)."),
        ],
    ),
];

// ---- Model tests citing clauses ------------------------------------------------------------

/// What the model's test code cites.
#[derive(Default)]
struct Citations {
    /// Clause id (`42a54-157`) → tests (`wsoracle-model/src/keepalive.rs::fn_name`).
    by_clause: BTreeMap<String, BTreeSet<String>>,
    /// `file:line: 42a54-NNN` for an explicit id that names no clause of the page.
    unknown: Vec<String>,
}

/// The three digits at the start of `s`, when a fourth digit does not follow.
fn three_digits(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    (b.len() >= 3
        && b[..3].iter().all(u8::is_ascii_digit)
        && !b.get(3).is_some_and(u8::is_ascii_digit))
    .then(|| &s[..3])
}

/// The clause numbers cited in a comment: each explicit `42a54-NNN` (first list) and the
/// numbers chained after it (second list): `42a54-165, 166 and 168`, `42a54-122 (…), 105`,
/// `42a54-169–172`.
fn cited_numbers(text: &str) -> (Vec<u32>, Vec<u32>) {
    let (mut explicit, mut chained) = (Vec::new(), Vec::new());
    for (at, _) in text.match_indices("42a54-") {
        let mut rest = &text[at + "42a54-".len()..];
        let Some(first) = three_digits(rest) else {
            continue;
        };
        let mut last: u32 = first.parse().unwrap();
        explicit.push(last);
        rest = &rest[3..];
        loop {
            // An aside in parentheses does not end the list: `172 (Vista+ WSAEINVAL) and 173`.
            let mut r = rest.trim_start();
            if r.starts_with('(') {
                match r.find(')') {
                    Some(end) => r = r[end + 1..].trim_start(),
                    None => break,
                }
            }
            let (is_range, after) = if let Some(a) = r.strip_prefix('–') {
                (true, a)
            } else if let Some(a) = r.strip_prefix(',') {
                let a = a.trim_start();
                (false, a.strip_prefix("and ").unwrap_or(a))
            } else if let Some(a) = r.strip_prefix("and ") {
                (false, a)
            } else {
                break;
            };
            let after = after.trim_start();
            let Some(n) = three_digits(after) else { break };
            let n: u32 = n.parse().unwrap();
            if is_range && n > last {
                chained.extend(last + 1..=n);
            } else {
                chained.push(n);
            }
            last = n;
            rest = &after[3..];
        }
    }
    (explicit, chained)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The function a line declares: `fn name`, after `pub`, `pub(crate)`, `async`, `const`,
/// `unsafe`.
fn fn_name(line: &str) -> Option<&str> {
    let mut t = line.trim_start();
    loop {
        let before = t;
        for prefix in [
            "pub(crate) ",
            "pub(super) ",
            "pub ",
            "async ",
            "const ",
            "unsafe ",
        ] {
            t = t.strip_prefix(prefix).unwrap_or(t);
        }
        if t == before {
            break;
        }
    }
    let t = t.strip_prefix("fn ")?;
    let end = t
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    (end > 0).then(|| &t[..end])
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with("//")
}

/// The function a comment starting on `lines[at]` belongs to: the `fn` directly below its
/// block (attributes in between) when the block sits at item level, else the innermost `fn`
/// around it. The code is rustfmt-formatted, so nesting reads from the indentation.
fn owner<'a>(lines: &[&'a str], at: usize, block_end: usize) -> Option<&'a str> {
    let k = indent(lines[at]);
    if is_comment(lines[at]) {
        let below = lines[block_end..]
            .iter()
            .find(|l| !l.trim_start().starts_with("#["));
        if let Some(name) = below.filter(|l| indent(l) == k).and_then(|l| fn_name(l)) {
            return Some(name);
        }
    }
    let mut k = k;
    for line in lines[..at].iter().rev() {
        if line.trim().is_empty() || is_comment(line) || indent(line) >= k {
            continue;
        }
        if let Some(name) = fn_name(line) {
            return Some(name);
        }
        k = indent(line);
    }
    None
}

/// The comment of a line of code (`x; // so_keepalive#42a54-158`): what follows the first `//`
/// outside a string.
fn trailing_comment(line: &str) -> Option<&str> {
    let mut in_str = false;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '/' if !in_str && prev == '/' => return Some(&line[i + 1..]),
            _ => {}
        }
        prev = c;
    }
    None
}

impl Citations {
    fn add(&mut self, clause: String, test: String) {
        self.by_clause.entry(clause).or_default().insert(test);
    }

    /// Scans `lines[range]`, the test code of `label` (`wsoracle-model/tests/x.rs`).
    fn scan(&mut self, label: &str, lines: &[&str], range: std::ops::Range<usize>) {
        let known = |n: u32| spec::clause(&format!("42a54-{n}")).map(|c| c.id.to_string());
        let mut i = range.start;
        while i < range.end {
            let line = lines[i];
            // A function's own name: `fn zero_count_never_drops_42a54_167()`.
            if let Some(name) = fn_name(line) {
                if let Some(at) = name.find("42a54_") {
                    for n in name[at + 6..].split('_').filter_map(|p| three_digits(p)) {
                        match known(n.parse().unwrap()) {
                            Some(id) => self.add(id, format!("{label}::{name}")),
                            None => self.unknown.push(format!("{label}:{}: fn {name}", i + 1)),
                        }
                    }
                }
            }
            // A block of whole-line comments reads as one text; a trailing comment alone.
            let (text, end) = if is_comment(line) {
                let mut end = i;
                while end < range.end && is_comment(lines[end]) {
                    end += 1;
                }
                let text: Vec<&str> = lines[i..end]
                    .iter()
                    .map(|l| {
                        l.trim_start()
                            .trim_start_matches('/')
                            .trim_start_matches('!')
                    })
                    .collect();
                (text.join(" "), end)
            } else {
                (trailing_comment(line).unwrap_or("").to_string(), i + 1)
            };
            let (explicit, chained) = cited_numbers(&text);
            if !explicit.is_empty() {
                let owner = owner(lines, i, end);
                for n in &explicit {
                    if known(*n).is_none() {
                        self.unknown.push(format!("{label}:{}: 42a54-{n}", i + 1));
                    }
                }
                if let Some(owner) = owner {
                    for id in explicit.iter().chain(&chained).filter_map(|n| known(*n)) {
                        self.add(id, format!("{label}::{owner}"));
                    }
                }
            }
            i = end;
        }
    }
}

/// Every `*.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for p in entries.flatten().map(|e| e.path()) {
            if p.is_dir() {
                pending.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

/// The line ranges of `#[cfg(test)] mod name { … }` in a rustfmt-formatted file, and the files
/// of `#[cfg(test)] mod name;`.
fn test_code(path: &Path, lines: &[&str]) -> (Vec<std::ops::Range<usize>>, Vec<PathBuf>) {
    let (mut ranges, mut files) = (Vec::new(), Vec::new());
    for (i, line) in lines.iter().enumerate() {
        if line.trim() != "#[cfg(test)]" {
            continue;
        }
        let Some(next) = lines.get(i + 1) else {
            continue;
        };
        let Some(module) = next.trim().strip_prefix("mod ") else {
            continue;
        };
        if let Some(name) = module.strip_suffix(';') {
            let dir = path.parent().unwrap();
            let stem = path.file_stem().unwrap().to_string_lossy();
            let dir = if ["lib", "main", "mod"].contains(&stem.as_ref()) {
                dir.to_path_buf()
            } else {
                dir.join(stem.as_ref())
            };
            let file = dir.join(format!("{name}.rs"));
            files.push(if file.is_file() {
                file
            } else {
                dir.join(name).join("mod.rs")
            });
        } else {
            let close = format!("{}}}", &next[..indent(next)]);
            let end = (i + 2..lines.len())
                .find(|&j| lines[j] == close)
                .unwrap_or(lines.len());
            ranges.push(i..end);
        }
    }
    (ranges, files)
}

fn model_test_citations(root: &Path) -> Citations {
    let model = root.join(MODEL);
    let crates = root.join("crates");
    let mut cites = Citations::default();
    for path in rust_files(&model.join("tests")) {
        let text = read(&path);
        let lines: Vec<&str> = text.lines().collect();
        cites.scan(&rel(&path, &crates), &lines, 0..lines.len());
    }
    let sources = rust_files(&model.join("src"));
    let mut test_files = BTreeSet::new();
    for path in &sources {
        let text = read(path);
        let lines: Vec<&str> = text.lines().collect();
        let (ranges, files) = test_code(path, &lines);
        test_files.extend(files);
        for range in ranges {
            cites.scan(&rel(path, &crates), &lines, range);
        }
    }
    for path in test_files {
        let text = read(&path);
        let lines: Vec<&str> = text.lines().collect();
        cites.scan(&rel(&path, &crates), &lines, 0..lines.len());
    }
    cites
}

// ---- The corpus ----------------------------------------------------------------------------

/// `covers:` id → the scenario files (`scenarios/a/b.yaml`) that list it.
fn corpus_covers(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files = discover(&root.join("scenarios")).expect("scenarios/ is readable");
    let mut covers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        // A file that does not load fails `tests/scenarios.rs` with the reason; here it would
        // silently drop its `covers:` from the page.
        let s = Scenario::from_path(&file).unwrap_or_else(|e| {
            panic!(
                "{} does not load, so {DOC} cannot list it: {e}",
                file.display()
            )
        });
        for id in s.covers {
            covers.entry(id).or_default().insert(rel(&file, root));
        }
    }
    covers
}

// ---- The page ------------------------------------------------------------------------------

fn code_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let v: Vec<String> = items.into_iter().map(|x| format!("`{x}`")).collect();
    if v.is_empty() {
        "—".to_string()
    } else {
        v.join(", ")
    }
}

fn scenario_links<'a>(files: impl IntoIterator<Item = &'a String>) -> String {
    let v: Vec<String> = files
        .into_iter()
        .map(|f| format!("[{}](../{f})", f.strip_prefix("scenarios/").unwrap_or(f)))
        .collect();
    if v.is_empty() {
        "—".to_string()
    } else {
        v.join(", ")
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

struct Page {
    text: String,
    /// Normative clauses that no rule cites.
    without_rule: Vec<String>,
}

fn generate(root: &Path) -> Page {
    let cites = model_test_citations(root);
    assert!(
        cites.unknown.is_empty(),
        "model tests cite clause ids the seed page does not have:\n{}",
        cites.unknown.join("\n")
    );
    let covers = corpus_covers(root);
    let none = BTreeSet::new();
    let covering = |id: &str| covers.get(id).unwrap_or(&none);
    let mut without_rule = Vec::new();

    let mut normative = String::new();
    normative
        .push_str("| clause | what it says | rules (`rules.rs`) | model tests | scenarios |\n");
    normative.push_str("|---|---|---|---|---|\n");
    for c in spec::normative() {
        let cite = format!("so_keepalive#{}", c.id);
        let rules: Vec<&str> = rules::ALL
            .iter()
            .filter(|r| r.cites(&Source::Clause(c.id)))
            .map(|r| r.id)
            .collect();
        if rules.is_empty() {
            without_rule.push(cite.clone());
        }
        let tests = cites.by_clause.get(c.id).into_iter().flatten();
        writeln!(
            normative,
            "| `{cite}` | {} | {} | {} | {} |",
            cell(c.paraphrase),
            code_list(rules),
            code_list(tests.map(String::as_str)),
            scenario_links(covering(&cite)),
        )
        .unwrap();
    }

    let mut informative = String::new();
    informative.push_str("| clause | what it says | scenarios |\n|---|---|---|\n");
    for c in spec::CLAUSES.iter().filter(|c| !c.normative) {
        let cite = format!("so_keepalive#{}", c.id);
        writeln!(
            informative,
            "| `{cite}` | {} | {} |",
            cell(c.paraphrase),
            scenario_links(covering(&cite)),
        )
        .unwrap();
    }

    let mut facts = String::new();
    for (i, (title, items)) in FACTS.iter().enumerate() {
        if i > 0 {
            facts.push('\n');
        }
        writeln!(facts, "### {title}\n").unwrap();
        facts.push_str("| fact | what it says | scenarios |\n|---|---|---|\n");
        for (id, says) in *items {
            // A suffixed variant (`wine:K08.2003`) counts for its fact.
            let variant = format!("{id}.");
            let files: BTreeSet<&String> = covering(id)
                .iter()
                .chain(
                    covers
                        .range(variant.clone()..)
                        .take_while(|(k, _)| k.starts_with(&variant))
                        .flat_map(|(_, v)| v),
                )
                .collect();
            writeln!(
                facts,
                "| `{id}` | {} | {} |",
                cell(says),
                scenario_links(files)
            )
            .unwrap();
        }
    }

    let template = read(&root.join(TEMPLATE));
    let mut text = String::new();
    let mut seen = BTreeSet::new();
    for line in template.lines() {
        let table = match line {
            "{{normative}}" => &normative,
            "{{informative}}" => &informative,
            "{{facts}}" => &facts,
            _ => {
                text.push_str(line);
                text.push('\n');
                continue;
            }
        };
        assert!(seen.insert(line), "{TEMPLATE}: {line} appears twice");
        text.push_str(table.trim_end_matches('\n'));
        text.push('\n');
    }
    assert_eq!(
        seen.len(),
        3,
        "{TEMPLATE} must have the lines {{{{normative}}}}, {{{{informative}}}} and {{{{facts}}}}"
    );
    Page { text, without_rule }
}

// ---- The tests -----------------------------------------------------------------------------

#[test]
fn citation_lists_expand() {
    assert_eq!(cited_numbers("so_keepalive#42a54-157"), (vec![157], vec![]));
    assert_eq!(
        cited_numbers("so_keepalive#42a54-165, 166, 168 and 42a54-170"),
        (vec![165, 170], vec![166, 168])
    );
    assert_eq!(
        cited_numbers("42a54-142, 169, 172 (Vista+ WSAEINVAL) and 173 (allowed up to 2003); D6"),
        (vec![142], vec![169, 172, 173])
    );
    assert_eq!(
        cited_numbers("42a54-142, 169–172."),
        (vec![142], vec![169, 170, 171, 172])
    );
    assert_eq!(
        cited_numbers("vs 42a54-137: on Vista..21H1"),
        (vec![137], vec![])
    );
    assert_eq!(cited_numbers("42a54-1370, 42a54-13"), (vec![], vec![]));
}

#[test]
fn facts_list_every_evidence_id_once() {
    let listed: Vec<&str> = FACTS
        .iter()
        .flat_map(|(_, f)| f.iter().map(|(id, _)| *id))
        .collect();
    let mut expected: BTreeSet<String> = spec::EVIDENCE_IDS
        .iter()
        .map(|id| format!("wine:{id}"))
        .collect();
    expected.extend((1..=spec::PRIMARY_FACTS).map(|n| format!("primary:P{n:02}")));
    let mut seen = BTreeSet::new();
    let twice: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|id| !seen.insert(*id))
        .collect();
    let extra: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|id| !expected.contains(*id))
        .collect();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|id| !seen.contains(id.as_str()))
        .collect();
    assert!(
        twice.is_empty() && extra.is_empty() && missing.is_empty(),
        "tests/spec_doc.rs FACTS and spec.rs disagree: listed twice {twice:?}, unknown {extra:?}, \
         missing {missing:?}"
    );
}

#[test]
fn spec_doc_is_up_to_date() {
    let root = root();
    let page = generate(&root);
    assert!(
        page.without_rule.is_empty(),
        "normative clauses with no rule in {DOC}: {}",
        page.without_rule.join(", ")
    );

    let path = root.join(DOC);
    let committed = fs::read_to_string(&path)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    if committed == page.text {
        return;
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if std::env::var("UPDATE_DOCS").as_deref() == Ok("1") && !in_ci {
        fs::write(&path, &page.text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("{DOC} updated");
        return;
    }
    let (line, old, new) = committed
        .lines()
        .chain(std::iter::repeat(""))
        .zip(page.text.lines().chain(std::iter::repeat("")))
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| (i + 1, a, b))
        .unwrap_or((0, "", ""));
    panic!(
        "{DOC} is out of date: run `{REGENERATE}`{}\n\
         first difference, line {line}:\n  committed: {old}\n  generated: {new}",
        if in_ci { " (CI never writes it)" } else { "" }
    );
}
