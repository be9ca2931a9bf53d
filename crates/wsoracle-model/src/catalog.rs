//! Every rule of the model in one list: the process, socket and keep-alive rules of `rules.rs`,
//! the option layer's common rules, and the rules each option of the table names. It sits above
//! both, so neither imports the other.

use crate::provenance::Rule;

/// Every rule, each once, in a fixed order (rules.rs, sockopt/rules.rs, the address rules of addr.rs and net.rs, then the table).
pub fn all_rules() -> impl Iterator<Item = &'static Rule> {
    let mut seen: Vec<&'static str> = Vec::new();
    crate::rules::ALL
        .iter()
        .copied()
        .chain(crate::sockopt::rules::ALL.iter().copied())
        .chain(crate::addr::ALL.iter().copied())
        .chain(crate::net::ALL.iter().copied())
        .chain(
            crate::sockopt::table::OPTIONS
                .iter()
                .flat_map(|d| d.rules()),
        )
        .filter(move |r| {
            if seen.contains(&r.id) {
                false
            } else {
                seen.push(r.id);
                true
            }
        })
}
