//! `wsoracle explore`: the exhaustive search over the model's states (per option group, preset
//! and fidelity), seeded random walks, and the differences between two presets in the version
//! matrix. The engine lives in the `wsoracle-explore` crate (docs/explore.md).

use std::path::PathBuf;

use wsoracle_explore::{matrix, scenario, walk, Plan, Violation};
use wsoracle_model::{Config, Fidelity, Preset, PRESETS};

#[derive(clap::Args, Debug)]
pub struct ExploreArgs {
    /// Search only these presets (all by default).
    #[arg(long = "profile", value_name = "PRESET")]
    profiles: Vec<String>,
    /// Search only this fidelity (both by default).
    #[arg(long, value_name = "observed|documented")]
    fidelity: Option<String>,
    /// Search only the groups whose name contains this (e.g. SO_LINGER, process).
    #[arg(long = "group", value_name = "NAME")]
    groups: Vec<String>,
    /// Worker threads (default: the machine's cores, at most 4).
    #[arg(long)]
    threads: Option<usize>,
    /// Write the shortest violating call sequences as scenario files into this folder.
    #[arg(long, value_name = "DIR")]
    write_findings: Option<PathBuf>,
    /// A seeded random walk instead of the search.
    #[arg(long)]
    random: bool,
    /// The walk's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The walk's length.
    #[arg(long, default_value_t = 10_000)]
    steps: usize,
    /// Print only the rows of the version matrix where two presets differ.
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    diff: Option<Vec<String>>,
}

fn preset(name: &str) -> Result<&'static Preset, String> {
    Preset::by_name(name).ok_or_else(|| {
        format!(
            "unknown preset `{name}`; the presets are {}",
            PRESETS
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

fn fidelities(arg: &Option<String>) -> Result<Vec<Fidelity>, String> {
    match arg {
        None => Ok(Fidelity::ALL.to_vec()),
        Some(f) => Fidelity::from_name(f)
            .map(|f| vec![f])
            .ok_or_else(|| format!("unknown fidelity `{f}` (observed or documented)")),
    }
}

pub fn run(args: &ExploreArgs) -> i32 {
    match run_inner(args) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("wsoracle explore: {e}");
            2
        }
    }
}

fn slug(v: &Violation) -> String {
    let rule = v.broken.rule.unwrap_or("none");
    format!(
        "{}-{}-{}",
        format!("{:?}", v.broken.invariant).to_lowercase(),
        rule.replace(['.', '_'], "-"),
        v.config.version.label()
    )
}

fn write_findings(dir: &PathBuf, violations: &[Violation]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for v in violations {
        let text = scenario::write(
            v.config,
            &v.path,
            &format!("explore finding: {}", v.broken.invariant.as_str()),
            &format!(
                "Found by `wsoracle explore` (group {}): {}. The last step is the transition that \
                 breaks the invariant; its expectation is what the model answers today.",
                v.group, v.broken.detail
            ),
        );
        let path = dir.join(format!("{}.yaml", slug(v)));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        outln!("wrote {}", path.display());
    }
    Ok(())
}

fn run_inner(args: &ExploreArgs) -> Result<i32, String> {
    if let Some(pair) = &args.diff {
        let index = |name: &str| -> Result<usize, String> {
            let p = preset(name)?;
            Ok(PRESETS
                .iter()
                .position(|q| q.name == p.name)
                .unwrap_or_default())
        };
        let (a, b) = (index(&pair[0])?, index(&pair[1])?);
        let sections = matrix::build();
        let (text, n) = matrix::diff(&sections, a, b);
        print!("{text}");
        outln!(
            "{n} rows of the version matrix differ between {} and {}",
            PRESETS[a].name,
            PRESETS[b].name
        );
        return Ok(0);
    }
    let presets = if args.profiles.is_empty() {
        PRESETS.iter().collect()
    } else {
        args.profiles
            .iter()
            .map(|p| preset(p))
            .collect::<Result<Vec<_>, _>>()?
    };
    let fidelities = fidelities(&args.fidelity)?;
    if args.random {
        let config = match (args.profiles.is_empty(), args.fidelity.is_none()) {
            (true, true) => walk::config_for(args.seed),
            _ => Config::new(presets[0].version).with_fidelity(fidelities[0]),
        };
        let repro = format!(
            "wsoracle explore --random --seed {} --steps {} --profile {} --fidelity {}",
            args.seed,
            args.steps,
            config.version.label(),
            config.fidelity
        );
        outln!("repro: {repro}");
        let started = std::time::Instant::now();
        let w = walk::walk(config, args.seed, args.steps);
        let total = wsoracle_model::catalog::all_rules().count();
        let reached = wsoracle_model::catalog::all_rules()
            .filter(|r| w.rules.contains(r.id))
            .count();
        let status = match &w.violation {
            Some(v) => {
                let v = &walk::shrink(v);
                outln!("shrunk to {} calls", v.path.len());
                outln!(
                    "violation after {} steps: {}: {} (rule {})",
                    w.steps,
                    v.broken.invariant.as_str(),
                    v.broken.detail,
                    v.broken.rule.unwrap_or("-")
                );
                if let Some(dir) = &args.write_findings {
                    write_findings(dir, std::slice::from_ref(v))?;
                }
                1
            }
            None => 0,
        };
        outln!(
            "walked: {} steps, {} of {} rules reached, in {:.2} s",
            w.steps,
            reached,
            total,
            started.elapsed().as_secs_f64()
        );
        return Ok(status);
    }
    let mut plan = Plan {
        presets,
        fidelities,
        groups: args.groups.clone(),
        ..Plan::default()
    };
    if let Some(t) = args.threads {
        plan.threads = t.max(1);
    }
    if let Some(bad) = plan.unmatched_groups().first() {
        return Err(format!(
            "no group's name contains `{bad}`; the groups are {}",
            wsoracle_explore::groups()
                .into_iter()
                .map(|g| g.name)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let report = wsoracle_explore::explore(&plan);
    if let Some(dir) = &args.write_findings {
        write_findings(dir, &report.violations)?;
    }
    print!("{}", report.render());
    // A violation is a finding; so is a dead rule, but only a whole search can tell one (a
    // search narrowed to some groups, presets or fidelities leaves rules out by choice).
    let dead = report.whole && !report.dead_rules().is_empty();
    Ok(if report.violations.is_empty() && !dead {
        0
    } else {
        1
    })
}
