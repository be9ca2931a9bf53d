//! Seeded random walks past the exhaustive bound: more sockets, more start-ups, every option of
//! the table at once, with the invariants of the search on every step. The generator is
//! [`pick`] over [`alphabet::full`], which the proptest strategies of the tests use too.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use wsoracle_model::{Config, Fidelity, Stack, PRESETS};

use crate::alphabet::{self, Call, Time};
use crate::exec::{self, Bounds, Broken, Invariant};
use crate::search::Violation;

/// The bounds of a walk: past those of the search.
pub const BOUNDS: Bounds = Bounds {
    startups: 3,
    create_below: 3,
    sockets: 4,
    backlog: 2,
    unread: 3,
    datagrams: 3,
};

/// The call `draw` chooses: draws index [`alphabet::full`] until an enabled call comes up (64
/// draws at most, then a zero time step, which is always enabled).
pub fn pick(
    st: &Stack,
    calls: &[Call],
    bounds: &Bounds,
    mut draw: impl FnMut(usize) -> usize,
) -> Call {
    for _ in 0..64 {
        let c = calls[draw(calls.len()) % calls.len()];
        if exec::enabled(st, &c, bounds) {
            return c;
        }
    }
    Call::Advance(Time::Zero)
}

/// The configuration a seed stands for when none is given: a preset and a fidelity.
pub fn config_for(seed: u64) -> Config {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let p = &PRESETS[rng.random_range(0..PRESETS.len())];
    let f = Fidelity::ALL[rng.random_range(0..2usize)];
    Config::new(p.version).with_fidelity(f)
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walked {
    pub steps: usize,
    pub rules: BTreeSet<&'static str>,
    /// The first violation, with the walk up to it.
    pub violation: Option<Violation>,
}

/// Runs `steps` calls drawn from the seeded generator under `config`.
pub fn walk(config: Config, seed: u64, steps: usize) -> Walked {
    let calls = alphabet::full();
    let mut rng = StdRng::seed_from_u64(seed);
    run_walk(config, steps, &calls, |n| rng.random_range(0..n))
}

/// A walk with any source of choices (the proptest strategies pass theirs).
pub fn run_walk(
    config: Config,
    steps: usize,
    calls: &[Call],
    mut draw: impl FnMut(usize) -> usize,
) -> Walked {
    let mut out = Walked::default();
    let mut st = Stack::new(config);
    let mut path = Vec::new();
    for _ in 0..steps {
        let call = pick(&st, calls, &BOUNDS, &mut draw);
        path.push(call);
        out.steps += 1;
        let mut after = st.clone();
        let result = catch_unwind(AssertUnwindSafe(|| {
            let obs = exec::run(&mut after, &call);
            let unchanged = exec::same_state(&st, &after) && exec::same_names(&st, &after);
            let broken = exec::check(&after, &call, &obs, unchanged);
            (obs, broken)
        }));
        let broken = match result {
            Ok((obs, broken)) => {
                out.rules.extend(obs.rules.iter().map(|r| r.id));
                broken
            }
            Err(_) => vec![Broken {
                invariant: Invariant::NoPanic,
                rule: None,
                detail: format!("{} panicked", call.name()),
            }],
        };
        if let Some(b) = broken.into_iter().next() {
            out.violation = Some(Violation {
                config,
                group: "random walk".into(),
                path,
                broken: b,
            });
            return out;
        }
        st = after;
    }
    out
}

/// Whether replaying `path` from a fresh process breaks `invariant` under `rule` on its last
/// call.
fn reproduces(config: Config, path: &[Call], invariant: Invariant, rule: Option<&str>) -> bool {
    let mut st = Stack::new(config);
    for (i, call) in path.iter().enumerate() {
        let mut after = st.clone();
        let result = catch_unwind(AssertUnwindSafe(|| {
            let obs = exec::run(&mut after, call);
            let unchanged = exec::same_state(&st, &after) && exec::same_names(&st, &after);
            exec::check(&after, call, &obs, unchanged)
        }));
        if i + 1 == path.len() {
            return match result {
                Ok(broken) => broken
                    .iter()
                    .any(|b| b.invariant == invariant && b.rule == rule),
                Err(_) => invariant == Invariant::NoPanic,
            };
        }
        if result.is_err() {
            return false;
        }
        st = after;
    }
    false
}

/// A shorter walk that breaks the same invariant under the same rule: chunks of the path are
/// dropped, halving their size, while the violation stays (a simple delta debugging).
pub fn shrink(v: &Violation) -> Violation {
    let (inv, rule) = (v.broken.invariant, v.broken.rule);
    let mut path = v.path.clone();
    let mut chunk = path.len() / 2;
    while chunk >= 1 {
        let mut i = 0;
        while i + 1 < path.len() {
            let end = (i + chunk).min(path.len() - 1);
            let candidate: Vec<Call> = path[..i].iter().chain(&path[end..]).copied().collect();
            if end > i && reproduces(v.config, &candidate, inv, rule) {
                path = candidate;
            } else {
                i += chunk;
            }
        }
        chunk /= 2;
    }
    Violation { path, ..v.clone() }
}
