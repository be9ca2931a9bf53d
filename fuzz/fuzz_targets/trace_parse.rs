//! The trace parser of `wsoracle diff --replay` (crates/wsoracle-cli/src/diff/trace.rs and the
//! answer parser it uses, compiled in by path): any text is a trace or an error, and a trace
//! that parses writes back to text that parses to the same trace.
#![no_main]

use libfuzzer_sys::fuzz_target;

// `trace.rs` reaches the answer parser as `super::proto`: both sit at the crate root here.
#[allow(dead_code)]
#[path = "../../crates/wsoracle-cli/src/diff/proto.rs"]
mod proto;
#[allow(dead_code)]
#[path = "../../crates/wsoracle-cli/src/diff/trace.rs"]
mod trace;

use proto::{Greeting, RawAnswer};
use trace::Trace;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for line in text.lines() {
        let _ = RawAnswer::parse(line);
        let _ = Greeting::parse(line);
    }
    if let Ok(t) = Trace::parse(text) {
        let again = Trace::parse(&t.to_jsonl()).expect("a written trace parses");
        assert_eq!(again.header, t.header);
        assert_eq!(again.steps.len(), t.steps.len());
        for (a, b) in again.steps.iter().zip(&t.steps) {
            assert_eq!(a.index, b.index);
            assert_eq!(a.request, b.request);
            assert_eq!(a.answer.status, b.answer.status);
        }
    }
});
