//! Scenario loading from arbitrary bytes (UTF-8 or not, YAML or not), then a run of what loads
//! on up to two of its profiles and the traces rendered. Small limits keep each input cheap; the
//! loader must answer every input with a scenario or a load error, never a panic or a blow-up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsoracle_scenario::{run, side_by_side, Limits, RunOptions, Scenario};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        file_bytes: 1 << 16,
        nodes: 20_000,
        depth: 32,
        steps: 200,
        names: 64,
        value_nodes: 4096,
    };
    match Scenario::from_bytes_with("fuzz.yaml", data, &limits) {
        Ok(s) => {
            let profiles = s.default_profiles().into_iter().take(2).collect();
            let report = run(
                &s,
                &RunOptions {
                    profiles: Some(profiles),
                },
            );
            let _ = side_by_side(&s, &report.runs);
            for f in &report.failures {
                let _ = f.describe();
            }
        }
        Err(e) => {
            // Every error has a position inside the file.
            assert!(e.pos.line >= 1 && e.pos.column >= 1, "{e}");
            let _ = e.to_string();
        }
    }
});
