//! The address facts the repository records are covered by the corpus: every `options:` case of
//! the SO_REUSEADDR / SO_EXCLUSIVEADDRUSE bind matrix, of IPV6_V6ONLY and of SO_BROADCAST's
//! effect that a rule cites, and the primary facts read for the address rules, are named by some
//! scenario's `covers:`, and the XP-versus-2003 difference is exercised.

use std::collections::BTreeSet;
use std::path::PathBuf;

use wsoracle::model::spec::PRIMARY_ADDRESS_FACTS;
use wsoracle::scenario::{discover, Scenario};

/// The `options:` cases of the reuse (O300–O310), exclusive-use (O313–O333), IPV6_V6ONLY (O350)
/// and SO_BROADCAST (O367) sections that the evidence file lists.
const ADDRESS_CASES: &[&str] = &[
    "O300", "O301", "O302", "O303", "O304", "O306", "O307", "O308", "O310", "O313", "O316", "O318",
    "O319", "O321", "O322", "O324", "O325", "O326", "O328", "O329", "O330", "O331", "O332", "O333",
    "O350", "O367",
];

fn corpus() -> Vec<Scenario> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    discover(&root)
        .expect("scenarios/ is readable")
        .into_iter()
        .filter_map(|f| Scenario::from_path(&f).ok())
        .collect()
}

#[test]
fn every_address_fact_is_covered_by_a_scenario() {
    let covered: BTreeSet<String> = corpus().into_iter().flat_map(|s| s.covers).collect();
    let missing: Vec<String> = ADDRESS_CASES
        .iter()
        .map(|id| format!("options:{id}"))
        .chain(PRIMARY_ADDRESS_FACTS.iter().map(|p| format!("primary:{p}")))
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "address facts no scenario covers: {missing:?}"
    );
}

#[test]
fn the_xp_and_2003_tables_are_both_exercised() {
    // A scenario with an expectation for XP and earlier (`..5.2`) on a bind.
    let found = corpus().iter().any(|s| {
        s.steps.iter().any(|st| {
            st.call.name() == "bind" && st.expect_on.iter().any(|(k, _)| k.text() == "..5.2")
        })
    });
    assert!(found, "no scenario checks a bind under the XP table");
}
