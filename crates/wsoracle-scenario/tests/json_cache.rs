//! `wsoracle run --format json` writes each step with the rules it cites rendered once per run
//! (`RuleCache`); the documented shape is `StepJson` with each rule built afresh (`RuleJson`).
//! Over every step of every profile of the bundled corpus, with one cache for the whole corpus
//! (so that rules come back from it under both fidelities, in `rule` and in `other.rule`), the
//! two write the same bytes.

use std::path::Path;

use wsoracle_scenario::json::{RuleCache, StepJson};
use wsoracle_scenario::{discover, run_profile_each, RunOptions, Scenario};

#[test]
fn cached_rules_write_the_same_bytes_as_fresh_ones() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let files = discover(&corpus).expect("the bundled corpus is readable");
    assert!(files.len() > 100, "the corpus was not found: {files:?}");
    let mut cache = RuleCache::default();
    let (mut steps, mut others, mut completions) = (0, 0, 0);
    for file in &files {
        let Ok(scenario) = Scenario::from_path(file) else {
            continue;
        };
        for version in RunOptions::default().profiles_for(&scenario) {
            run_profile_each(&scenario, version, |step, record| {
                let fresh = StepJson::new(step, &record, scenario.fidelity);
                let cached = StepJson::citing(step, &record, scenario.fidelity, &mut cache);
                let fresh = serde_json::to_string(&fresh).expect("a step serialises");
                assert_eq!(
                    serde_json::to_string(&cached).expect("a step serialises"),
                    fresh,
                    "{}: step {}",
                    file.display(),
                    step.index + 1
                );
                steps += 1;
                others += usize::from(fresh.contains("\"other\":{"));
                completions += usize::from(!fresh.contains("\"completions\":[]"));
            });
        }
    }
    // The comparison reached the parts that cite a rule under the other fidelity and the
    // completions, not only the plain answers.
    assert!(steps > 10_000 && others > 0 && completions > 0);
}
