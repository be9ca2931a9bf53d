//! # wsoracle-explore
//!
//! Offline exploration of the wsoracle model (docs/explore.md):
//!
//! - [`search`]: for each preset and fidelity, a breadth-first search over the states the model
//!   reaches from a fresh process, one group of interacting options at a time, to a fixpoint,
//!   with the invariants of [`exec::check`] on every transition;
//! - [`walk`]: seeded random walks past the exhaustive bound, with the same generator
//!   ([`alphabet::full`]) as the proptest strategies of the tests;
//! - [`matrix`]: the version matrix (docs/matrix.md, docs/matrix.json) and `--diff`;
//! - [`scenario`]: a call sequence written as a ready-to-run scenario file.
//!
//! The model stays pure: randomness and threads live here.

pub mod alphabet;
pub mod exec;
pub mod matrix;
pub mod scenario;
pub mod search;
pub mod unreached;
pub mod walk;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Instant;

use wsoracle_model::{Config, Fidelity, Preset, PRESETS};

pub use search::{groups, Group, Violation};

/// What to explore.
#[derive(Clone, Debug)]
pub struct Plan {
    pub presets: Vec<&'static Preset>,
    pub fidelities: Vec<Fidelity>,
    /// Only the groups whose name contains one of these (all when empty).
    pub groups: Vec<String>,
    /// Worker threads.
    pub threads: usize,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            presets: PRESETS.iter().collect(),
            fidelities: Fidelity::ALL.to_vec(),
            groups: Vec::new(),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
        }
    }
}

impl Plan {
    /// Every group, preset and fidelity.
    pub fn is_whole(&self) -> bool {
        self.groups.is_empty()
            && self.presets.len() == PRESETS.len()
            && Fidelity::ALL.iter().all(|f| self.fidelities.contains(f))
    }

    /// The group names a filter does not match, if any (for a clear error before searching).
    pub fn unmatched_groups(&self) -> Vec<String> {
        let names: Vec<String> = groups().into_iter().map(|g| g.name).collect();
        self.groups
            .iter()
            .filter(|f| !names.iter().any(|n| n.contains(f.as_str())))
            .cloned()
            .collect()
    }
}

/// The totals of one group over the presets and fidelities searched.
#[derive(Clone, Debug, Default)]
pub struct GroupTotals {
    pub name: String,
    pub states: usize,
    pub transitions: usize,
    /// The largest state count of one search (one preset and fidelity).
    pub max_states: usize,
    pub alphabet: usize,
}

/// What an exploration found.
#[derive(Debug, Default)]
pub struct Report {
    pub groups: Vec<GroupTotals>,
    pub states: usize,
    pub transitions: usize,
    pub searches: usize,
    pub reached: BTreeSet<&'static str>,
    pub violations: Vec<Violation>,
    pub seconds: f64,
    /// The search covered every group, preset and fidelity, so that a rule it did not reach
    /// tells something (a narrowed search leaves rules out by choice).
    pub whole: bool,
}

impl Report {
    /// The rules the search did not reach and [`unreached::EXPECTED`] does not explain: dead
    /// rules, a finding. Meaningful for a whole search (every group, preset and fidelity).
    pub fn dead_rules(&self) -> Vec<&'static wsoracle_model::Rule> {
        unreached::coverage(&self.reached).dead
    }

    pub fn rule_count(&self) -> usize {
        wsoracle_model::catalog::all_rules().count()
    }

    /// The one summary line the text output ends with.
    pub fn summary(&self) -> String {
        let total = self.rule_count();
        let reached = wsoracle_model::catalog::all_rules()
            .filter(|r| self.reached.contains(r.id))
            .count();
        format!(
            "explored: {} states, {} transitions, {} of {} rules reached, in {:.2} s",
            self.states, self.transitions, reached, total, self.seconds
        )
    }

    /// The rules a whole search did not reach: each with its reason, then the dead ones.
    fn render_coverage(&self, out: &mut String, cov: &unreached::Coverage) {
        let _ = writeln!(
            out,
            "rules never reached: {} ({} outside the search by design, {} dead)",
            cov.explained.len() + cov.dead.len(),
            cov.explained.len(),
            cov.dead.len()
        );
        for (r, why, reason) in &cov.explained {
            let _ = writeln!(
                out,
                "  {} ({}): {}: {}",
                r.id,
                r.basis,
                why.as_str(),
                reason
            );
        }
        if !cov.dead.is_empty() {
            let _ = writeln!(
                out,
                "dead rules (a finding: no call of the search reaches them and unreached.rs gives no reason): {}",
                cov.dead.len()
            );
            for r in &cov.dead {
                let _ = writeln!(out, "  {} ({}): {}", r.id, r.basis, r.summary);
            }
        }
        if !cov.stale.is_empty() {
            let _ = writeln!(
                out,
                "reached although unreached.rs says they cannot be (remove them there): {}",
                cov.stale.join(", ")
            );
        }
    }

    /// The text report.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let (o, g, p) = (
            exec::Bounds::OPTIONS,
            exec::Bounds::GROUP,
            exec::Bounds::PROCESS,
        );
        let _ = writeln!(
            out,
            "bounds: single options: {} WSAStartup, one socket() at a time plus the connection it accepts ({} sockets), backlog {}; option groups: {} socket; process group: {} WSAStartup, {} socket; IPv4 stands for IPv6 where no option of the group is at an IP or UDP level; address reuse: {} TCP sockets, bind by name on 127.0.0.1, 0.0.0.0, [::1], [::] at port {} and 127.0.0.1 at port 0; datagrams: {} UDP sockets, {} datagram waiting; stream names: {} TCP sockets ({} created at a time, one accepted), {} unread byte; ICMP: {} UDP socket",
            o.startups, o.sockets, o.backlog, g.sockets, p.startups, p.sockets, exec::Bounds::ADDRESSES.sockets, alphabet::PORT,
            exec::Bounds::DATAGRAMS.sockets, exec::Bounds::DATAGRAMS.datagrams,
            exec::Bounds::STREAMS.sockets, exec::Bounds::STREAMS.create_below, exec::Bounds::STREAMS.unread,
            exec::Bounds::ICMP.sockets
        );
        let _ = writeln!(
            out,
            "{} searches (group x preset x fidelity), each to its fixpoint: complete for these bounds",
            self.searches
        );
        for g in &self.groups {
            let _ = writeln!(
                out,
                "  {:<48} {:>4} calls {:>8} states {:>10} transitions (largest search {} states)",
                g.name, g.alphabet, g.states, g.transitions, g.max_states
            );
        }
        let cov = unreached::coverage(&self.reached);
        if self.whole {
            self.render_coverage(&mut out, &cov);
        } else {
            let _ = writeln!(
                out,
                "rules not reached by this narrowed search: {} (the whole search tells which are dead)",
                cov.explained.len() + cov.dead.len()
            );
        }
        let _ = writeln!(out, "invariant violations: {}", self.violations.len());
        for v in &self.violations {
            let _ = writeln!(
                out,
                "  [{}] {} on {} {}: {} (rule {}; {} calls)",
                v.group,
                v.broken.invariant.as_str(),
                v.config.version.label(),
                v.config.fidelity,
                v.broken.detail,
                v.broken.rule.unwrap_or("-"),
                v.path.len()
            );
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }
}

/// Runs the plan: every selected group, preset and fidelity, on `plan.threads` threads.
pub fn explore(plan: &Plan) -> Report {
    let started = Instant::now();
    let groups: Vec<Group> = search::groups()
        .into_iter()
        .filter(|g| plan.groups.is_empty() || plan.groups.iter().any(|n| g.name.contains(n)))
        .collect();
    let alphabets: Vec<Vec<alphabet::Call>> = groups.iter().map(search::alphabet).collect();
    let mut jobs: Vec<(usize, Config)> = Vec::new();
    for (gi, _) in groups.iter().enumerate() {
        for p in &plan.presets {
            for f in &plan.fidelities {
                jobs.push((gi, Config::new(p.version).with_fidelity(*f)));
            }
        }
    }
    // Largest groups first, so the threads finish together (a stable sort: presets stay in
    // order within a group).
    jobs.sort_by_key(|(gi, _)| std::cmp::Reverse(alphabets[*gi].len()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(usize, usize, search::Found)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..plan.threads.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let j = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((gi, config)) = jobs.get(j) else {
                            break;
                        };
                        mine.push((
                            j,
                            *gi,
                            search::search(*config, &groups[*gi], &alphabets[*gi]),
                        ));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut report = Report {
        groups: groups
            .iter()
            .zip(&alphabets)
            .map(|(g, a)| GroupTotals {
                name: g.name.clone(),
                alphabet: a.len(),
                ..GroupTotals::default()
            })
            .collect(),
        searches: jobs.len(),
        whole: plan.is_whole(),
        ..Report::default()
    };
    let mut seen_violations = BTreeSet::new();
    let mut results = results;
    // In job order (groups largest first, then presets oldest first, observed before
    // documented), so that the report does not depend on which thread finished first.
    results.sort_by_key(|(j, _, _)| *j);
    for (_, gi, found) in results {
        let t = &mut report.groups[gi];
        t.states += found.states;
        t.transitions += found.transitions;
        t.max_states = t.max_states.max(found.states);
        report.states += found.states;
        report.transitions += found.transitions;
        report.reached.extend(found.rules);
        for v in found.violations {
            // One report per (invariant, rule, group): the shortest path among the presets.
            let k = (v.broken.invariant, v.broken.rule, v.group.clone());
            if seen_violations.insert(k) {
                report.violations.push(v);
            } else if let Some(old) = report.violations.iter_mut().find(|o| {
                o.broken.invariant == v.broken.invariant
                    && o.broken.rule == v.broken.rule
                    && o.group == v.group
            }) {
                if v.path.len() < old.path.len() {
                    *old = v;
                }
            }
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
}
