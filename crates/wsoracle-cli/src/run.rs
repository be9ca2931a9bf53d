//! `wsoracle run`: the contract's command. Exit 0 when every expectation holds, 1 when one
//! fails, 2 when a scenario cannot be loaded or is used wrongly (2 wins over 1).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use wsoracle_model::{Fidelity, WindowsVersion};
use wsoracle_scenario::{
    is_known_cover, parse_profile, profile_label, profile_run_json, run as run_scenario,
    side_by_side, Failure, RunOptions, Scenario, ScenarioError, ScenarioReport,
};

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Scenario files, or folders searched recursively for *.yaml [default: scenarios/]
    paths: Vec<PathBuf>,
    /// A preset name or MAJOR.MINOR.BUILD[.UBR]; repeatable. Replaces each scenario's own list.
    #[arg(long = "profile", value_name = "NAME|VERSION")]
    profiles: Vec<String>,
    /// Run only the scenarios declared with this fidelity; report the others as skipped.
    #[arg(long, value_enum)]
    fidelity: Option<FidelityArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also print each scenario's trace, profiles side by side.
    #[arg(long)]
    trace: bool,
    /// Raise a limit on what one file may cost to load, NAME=N with NAME one of file-bytes,
    /// nodes, depth, steps, names, value-nodes (docs/scenarios.md, "Limits"); repeatable.
    #[arg(long = "limit", value_name = "NAME=N")]
    limits: Vec<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FidelityArg {
    Observed,
    Documented,
}

impl FidelityArg {
    fn fidelity(self) -> Fidelity {
        match self {
            FidelityArg::Observed => Fidelity::Observed,
            FidelityArg::Documented => Fidelity::Documented,
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

/// What happened to one file.
enum Outcome {
    Ran(Box<Scenario>, ScenarioReport),
    Skipped(Box<Scenario>, Fidelity),
    LoadError(ScenarioError),
}

/// The default corpus: `scenarios/` here, or the workspace's own when run from elsewhere
/// inside it (e.g. `cargo run` from a crate folder).
fn default_paths() -> Vec<PathBuf> {
    let here = PathBuf::from("scenarios");
    if here.exists() {
        return vec![here];
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    if let Ok(found) = workspace.canonicalize() {
        return vec![found];
    }
    vec![here]
}

/// The repro command for a failure: the exact command that reruns that file on that profile.
fn repro(file: &Path, profile: WindowsVersion) -> String {
    let path = file.display().to_string();
    let quoted = if path.contains(' ') {
        format!("'{path}'")
    } else {
        path
    };
    format!("wsoracle run {quoted} --profile {}", profile_label(profile))
}

/// `covers:` ids that are neither known citations nor a convention/assumption/doc id.
fn unknown_covers(scenario: &Scenario) -> Vec<&str> {
    scenario
        .covers
        .iter()
        .map(String::as_str)
        .filter(|id| !is_known_cover(id))
        .collect()
}

pub fn run(args: &RunArgs) -> i32 {
    let mut profiles = Vec::new();
    for p in &args.profiles {
        match parse_profile(p) {
            Ok(v) => profiles.push(v),
            Err(e) => {
                eprintln!("wsoracle run: --profile {p}: {e}");
                return 2;
            }
        }
    }
    let options = RunOptions {
        profiles: (!profiles.is_empty()).then_some(profiles),
    };
    let limits = match crate::guard::limits(&args.limits) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("wsoracle run: --limit {e}");
            return 2;
        }
    };
    let paths = if args.paths.is_empty() {
        default_paths()
    } else {
        args.paths.clone()
    };

    let mut files = Vec::new();
    for path in &paths {
        if !path.exists() {
            eprintln!(
                "wsoracle run: {}: no such file or folder (give scenario files or folders of *.yaml)",
                path.display()
            );
            return 2;
        }
        match crate::guard::discover("run", path) {
            Ok(found) => files.extend(found),
            Err(e) => {
                eprintln!("wsoracle run: {}: {e}", path.display());
                return 2;
            }
        }
    }
    if files.is_empty() {
        let where_: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "wsoracle run: no scenarios found: no *.yaml file under {}. Give a scenario file or a folder that holds some.",
            where_.join(", ")
        );
        return 2;
    }

    let outcomes: Vec<(PathBuf, Outcome)> = files
        .into_iter()
        .map(|file| {
            let outcome = match Scenario::from_path_with(&file, &limits) {
                Err(e) => Outcome::LoadError(e),
                Ok(s) => match args.fidelity.map(FidelityArg::fidelity) {
                    Some(only) if only != s.fidelity => Outcome::Skipped(Box::new(s), only),
                    _ => {
                        let report = run_scenario(&s, &options);
                        Outcome::Ran(Box::new(s), report)
                    }
                },
            };
            (file, outcome)
        })
        .collect();

    let mut status = exit_status(&outcomes);
    let steps_run: usize = outcomes
        .iter()
        .filter_map(|(_, o)| match o {
            Outcome::Ran(_, r) => Some(r.runs.iter().map(|p| p.steps.len()).sum::<usize>()),
            _ => None,
        })
        .sum();
    let nothing_ran = steps_run == 0 && status == 0;
    if nothing_ran {
        status = 2;
    }
    match args.format {
        Format::Text => print_text(&outcomes, args.trace),
        Format::Json => print_json(&outcomes, args.trace, status),
    }
    if nothing_ran {
        crate::guard::nothing_ran("run");
    }
    status
}

fn exit_status(outcomes: &[(PathBuf, Outcome)]) -> i32 {
    let mut status = 0;
    for (_, o) in outcomes {
        match o {
            Outcome::LoadError(_) => return 2,
            Outcome::Ran(_, r) if r.misuses().next().is_some() => return 2,
            Outcome::Ran(_, r) if !r.failures.is_empty() => status = 1,
            _ => {}
        }
    }
    status
}

fn print_text(outcomes: &[(PathBuf, Outcome)], trace: bool) {
    let (mut passed, mut failed, mut errors, mut skipped) = (0, 0, 0, 0);
    for (file, outcome) in outcomes {
        let shown = file.display();
        match outcome {
            Outcome::LoadError(e) => {
                errors += 1;
                outln!("error {e}");
            }
            Outcome::Skipped(s, only) => {
                skipped += 1;
                outln!(
                    "skip  {shown}  (written for fidelity {}; --fidelity {only})",
                    s.fidelity
                );
            }
            Outcome::Ran(s, report) => {
                for id in unknown_covers(s) {
                    eprintln!("warning: {shown}: covers `{id}`, which wsoracle does not know");
                }
                let misuses: Vec<&ScenarioError> = report.misuses().collect();
                if !misuses.is_empty() {
                    errors += 1;
                    for m in misuses {
                        outln!("error {m}");
                    }
                } else if report.failures.is_empty() {
                    passed += 1;
                    outln!("ok    {shown}  ({} profiles)", report.runs.len());
                } else {
                    failed += 1;
                    outln!("FAIL  {shown}");
                }
                print_failures(file, &report.failures);
                if trace {
                    outln!();
                    for line in side_by_side(s, &report.runs).lines() {
                        outln!("      {line}");
                    }
                    outln!();
                }
            }
        }
    }
    outln!();
    outln!(
        "{} scenarios: {passed} passed, {failed} failed, {errors} errors, {skipped} skipped",
        outcomes.len()
    );
}

fn print_failures(file: &Path, failures: &[Failure]) {
    for f in failures {
        outln!(
            "      {}:{}:{}: step {} {} on {}: {}: expected {}, got {}",
            file.display(),
            f.pos.line,
            f.pos.column,
            f.step + 1,
            f.call,
            profile_label(f.profile),
            f.field,
            f.expected,
            f.actual
        );
        outln!("      repro: {}", repro(file, f.profile));
    }
}

fn error_json(e: &ScenarioError) -> Value {
    json!({
        "file": e.file.display().to_string(),
        "line": e.pos.line,
        "column": e.pos.column,
        "message": e.message,
    })
}

fn print_json(outcomes: &[(PathBuf, Outcome)], trace: bool, status: i32) {
    let (mut passed, mut failed, mut errors, mut skipped) = (0, 0, 0, 0);
    let mut scenarios = Vec::new();
    for (file, outcome) in outcomes {
        let path = file.display().to_string();
        scenarios.push(match outcome {
            Outcome::LoadError(e) => {
                errors += 1;
                json!({"file": path, "status": "error", "errors": [error_json(e)]})
            }
            Outcome::Skipped(s, only) => {
                skipped += 1;
                json!({
                    "file": path, "name": s.name, "status": "skipped",
                    "fidelity": s.fidelity.as_str(),
                    "reason": format!("written for fidelity {}; --fidelity {only}", s.fidelity),
                })
            }
            Outcome::Ran(s, report) => {
                let misuses: Vec<Value> = report.misuses().map(error_json).collect();
                let status = if !misuses.is_empty() {
                    errors += 1;
                    "error"
                } else if report.failures.is_empty() {
                    passed += 1;
                    "passed"
                } else {
                    failed += 1;
                    "failed"
                };
                let failures: Vec<Value> = report
                    .failures
                    .iter()
                    .map(|f| {
                        json!({
                            "file": path,
                            "step": f.step + 1,
                            "line": f.pos.line,
                            "column": f.pos.column,
                            "call": f.call,
                            "profile": profile_label(f.profile),
                            "version": f.profile.to_string(),
                            "field": f.field,
                            "expected": f.expected,
                            "actual": f.actual,
                            "repro": repro(file, f.profile),
                        })
                    })
                    .collect();
                let mut entry = json!({
                    "file": path,
                    "name": s.name,
                    "status": status,
                    "fidelity": s.fidelity.as_str(),
                    "profiles": report.runs.iter().map(|r| profile_label(r.version)).collect::<Vec<_>>(),
                    "covers": s.covers,
                    "unknown_covers": unknown_covers(s),
                    "failures": failures,
                    "errors": misuses,
                    // Added in format_version 1: every profile's steps, as data.
                    "runs": report.runs.iter().map(|r| profile_run_json(s, r)).collect::<Vec<_>>(),
                });
                if trace {
                    entry["trace"] = Value::String(side_by_side(s, &report.runs));
                }
                entry
            }
        });
    }
    let doc = json!({
        "format_version": 1,
        "exit_status": status,
        "summary": {"passed": passed, "failed": failed, "errors": errors, "skipped": skipped},
        "scenarios": scenarios,
    });
    match serde_json::to_string_pretty(&doc) {
        Ok(text) => outln!("{text}"),
        Err(e) => eprintln!("wsoracle run: cannot print JSON: {e}"),
    }
}
