//! The loader and the runner never panic on any input file: mutated copies of the bundled corpus
//! (lines deleted, duplicated, swapped, a value replaced by a hostile one, the file cut short)
//! either load and run, or fail with a message that has a line and a column.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use wsoracle_scenario::{discover, run, RunOptions, Scenario};

/// Values that stress the loader: wrong types, out-of-range numbers, other forms.
const HOSTILE: &[&str] = &[
    "-1",
    "0",
    "0x7fffffff",
    "0xffffffffffffffff",
    "99999999999999999999999",
    "null",
    "{}",
    "[]",
    "[1, 2]",
    "\"zz zz\"",
    "\"01 ??\"",
    "SO_KEEPALIVE",
    "SOL_SOCKET",
    "INVALID_SOCKET",
    "WSAEFAULT",
    "{dword: -5}",
    "{bytes: 100000000}",
    "{pointer: 0}",
    "{pointer: 1}",
    "{tcp_keepalive: {onoff: 1}}",
    "9223372036854775807ms",
    "0ms",
    "1d2h3m4s5ms",
    "..6.0",
    "10.0.19044..",
    "true",
    "~",
    "&a x",
    "*a",
    "!!binary AAAA",
];

fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    discover(&root)
        .expect("the bundled corpus")
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a corpus file");
            (p, text)
        })
        .collect()
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    /// Replace the text after the last `: ` of a line (or the whole line) with a hostile value.
    Replace(usize, usize),
    Truncate(usize),
    Indent(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Replace(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::Indent),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for m in mutations {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match *m {
            Mutation::Delete(i) => {
                lines.remove(i % n);
            }
            Mutation::Duplicate(i) => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::Swap(a, b) => lines.swap(a % n, b % n),
            Mutation::Replace(i, v) => {
                let line = &mut lines[i % n];
                let value = HOSTILE[v % HOSTILE.len()];
                *line = match line.rfind(": ") {
                    Some(at) => format!("{}: {value}", &line[..at]),
                    None => value.to_string(),
                };
            }
            Mutation::Truncate(i) => {
                let joined = lines.join("\n");
                let mut cut = i % (joined.len() + 1);
                while !joined.is_char_boundary(cut) {
                    cut -= 1;
                }
                lines = joined[..cut].lines().map(str::to_string).collect();
            }
            Mutation::Indent(i) => {
                let line = &mut lines[i % n];
                line.insert_str(0, "  ");
            }
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_never_panic(file in any::<usize>(), mutations in prop::collection::vec(mutation(), 1..4)) {
        let corpus = corpus();
        let (path, text) = &corpus[file % corpus.len()];
        let mutated = apply(text, &mutations);
        match Scenario::from_yaml_str(path, &mutated) {
            Ok(scenario) => {
                // It loaded: running it on its profiles must not panic either.
                let _ = run(&scenario, &RunOptions::default());
            }
            Err(e) => {
                prop_assert!(e.pos.line >= 1, "no line in: {e}");
                prop_assert!(e.pos.column >= 1, "no column in: {e}");
                prop_assert!(!e.message.is_empty());
            }
        }
    }
}
