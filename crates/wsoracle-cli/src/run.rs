//! `wsoracle run`: the contract's command. Exit 0 when every expectation holds, 1 when one
//! fails, 2 when a scenario cannot be loaded or is used wrongly (2 wins over 1).
//!
//! Output is streamed: each step's answer is checked, and in JSON written, as the runner
//! produces it, so a scenario of a million steps runs in memory that does not grow with its
//! steps (`--trace`, which puts every profile side by side, keeps one scenario's runs). The
//! JSON document keeps one shape (`docs/json.md`); the keys known only at the end of a scenario
//! (`status`, `failures`, `errors`) and of the run (`summary`, `exit_status`) come last.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use wsoracle_model::{Fidelity, WindowsVersion};
use wsoracle_scenario::json::{ProfileHeadJson, RuleCache, StepJson, JSON_FORMAT_VERSION};
use wsoracle_scenario::{
    check_step, is_known_cover, parse_profile, profile_label, run_profile_each, side_by_side,
    Failure, ProfileRun, RunOptions, Scenario, ScenarioError, Step, StepRecord,
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

/// The default corpus: `scenarios/` in the current folder; inside the source tree this binary
/// was built from (e.g. `cargo run` from a crate folder), that tree's `scenarios/`. Anywhere
/// else there is no default: the error says what to give instead.
fn default_paths() -> Result<Vec<PathBuf>, String> {
    let here = PathBuf::from("scenarios");
    if here.is_dir() {
        return Ok(vec![here]);
    }
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
    if let (Ok(root), Ok(cwd)) = (tree.canonicalize(), cwd) {
        if cwd.starts_with(&root) && root.join("scenarios").is_dir() {
            return Ok(vec![root.join("scenarios")]);
        }
    }
    Err(
        "no scenarios/ folder here, and no path given. Give scenario files or folders: \
         `wsoracle run my-question.yaml` (docs/first-scenario.md writes one), or \
         `wsoracle run path/to/wsoracle/scenarios` for the bundled corpus of a wsoracle checkout."
            .to_string(),
    )
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
        match default_paths() {
            Ok(p) => p,
            Err(msg) => {
                eprintln!("wsoracle run: {msg}");
                return 2;
            }
        }
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

    let mut out = Sink::new(args.format);
    let mut summary = Summary::default();
    let mut steps_run = 0;
    let mut status = 0;
    out.json(&format!(
        "{{\"format_version\":{JSON_FORMAT_VERSION},\"scenarios\":["
    ));
    for (i, file) in files.iter().enumerate() {
        if i > 0 {
            out.json(",");
        }
        let (file_status, ran) = run_file(file, args, &options, &limits, &mut out, &mut summary);
        status = status.max(file_status);
        steps_run += ran;
    }
    // A run that ran no step checked nothing: it cannot pass.
    let nothing_ran = steps_run == 0 && status == 0;
    if nothing_ran {
        status = 2;
    }
    match args.format {
        Format::Json => {
            out.json("\n],\"summary\":");
            out.json_value(&summary);
            out.json(&format!(",\"exit_status\":{status}}}\n"));
        }
        Format::Text => {
            out.text("\n");
            out.text(&format!(
                "{} scenarios: {} passed, {} failed, {} errors, {} skipped\n",
                files.len(),
                summary.passed,
                summary.failed,
                summary.errors,
                summary.skipped
            ));
        }
    }
    out.flush();
    if nothing_ran {
        crate::guard::nothing_ran("run");
    }
    status
}

/// Where the output goes: stdout, buffered. A closed stdout ends the writing quietly; the run
/// goes on so that its exit status stays right.
struct Sink {
    w: std::io::BufWriter<std::io::Stdout>,
    open: bool,
    format: Format,
    /// The rules the steps cite, each serialised once.
    rules: RuleCache,
}

impl Sink {
    fn new(format: Format) -> Self {
        Sink {
            // 64 KiB a write: the JSON of the corpus is megabytes.
            w: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()),
            open: true,
            format,
            rules: RuleCache::default(),
        }
    }

    /// One step's answer ([`StepJson`]).
    fn json_step(&mut self, step: &Step, record: &StepRecord, fidelity: Fidelity) {
        if self.format == Format::Json {
            let json = StepJson::citing(step, record, fidelity, &mut self.rules);
            self.json_value(&json);
        }
    }

    fn put(&mut self, s: &str) {
        if self.open && self.w.write_all(s.as_bytes()).is_err() {
            self.open = false;
        }
    }

    /// Text output only.
    fn text(&mut self, s: &str) {
        if self.format == Format::Text {
            self.put(s);
        }
    }

    /// JSON output only.
    fn json(&mut self, s: &str) {
        if self.format == Format::Json {
            self.put(s);
        }
    }

    fn json_value(&mut self, v: &impl Serialize) {
        if self.format == Format::Json && self.open {
            // Straight into the buffered writer: no string per value.
            match serde_json::to_writer(&mut self.w, v) {
                Ok(()) => {}
                // A failed write is a closed stdout: quiet, as in `put`.
                Err(e) if e.is_io() => self.open = false,
                // Serialising these plain structs cannot fail; say so loudly if it ever does.
                Err(e) => self.put(&format!(
                    "{{\"error\":\"wsoracle cannot print JSON: {e}\"}}"
                )),
            }
        }
    }

    /// `v`'s JSON object without its closing brace, for keys that follow it.
    fn json_open(&mut self, v: &impl Serialize) {
        if self.format == Format::Json {
            let mut text = serde_json::to_string(v).unwrap_or_default();
            text.pop(); // the closing `}`
            self.put(&text);
        }
    }

    /// `v`'s JSON object without its opening brace, to close an object begun by `json_open`.
    fn json_close(&mut self, v: &impl Serialize) {
        if self.format == Format::Json {
            let text = serde_json::to_string(v).unwrap_or_default();
            self.put(text.strip_prefix('{').unwrap_or(&text));
        }
    }

    fn flush(&mut self) {
        if self.open && self.w.flush().is_err() {
            self.open = false;
        }
    }
}

/// The run's totals (`summary` in JSON).
#[derive(Default, Serialize)]
struct Summary {
    passed: usize,
    failed: usize,
    errors: usize,
    skipped: usize,
}

/// The keys of a scenario's entry known before it runs.
#[derive(Serialize)]
struct ScenarioHead<'a> {
    file: String,
    /// null when the file did not load.
    name: Option<&'a str>,
    fidelity: Option<&'static str>,
    profiles: Vec<String>,
    covers: &'a [String],
    unknown_covers: Vec<&'a str>,
}

/// The keys of a scenario's entry known once it ran.
#[derive(Serialize)]
struct ScenarioTail {
    /// `passed`, `failed`, `error` or `skipped`.
    status: &'static str,
    /// Why a scenario was skipped; null otherwise.
    reason: Option<String>,
    failures: Vec<FailureJson>,
    /// Load errors and misuses.
    errors: Vec<ErrorJson>,
    /// With `--trace`: the side-by-side trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<String>,
}

#[derive(Serialize)]
struct FailureJson {
    file: String,
    step: usize,
    line: usize,
    column: usize,
    call: String,
    profile: String,
    version: String,
    field: String,
    expected: String,
    actual: String,
    repro: String,
}

impl FailureJson {
    fn new(file: &Path, f: &Failure) -> Self {
        FailureJson {
            file: file.display().to_string(),
            step: f.step + 1,
            line: f.pos.line,
            column: f.pos.column,
            call: f.call.clone(),
            profile: profile_label(f.profile),
            version: f.profile.to_string(),
            field: f.field.clone(),
            expected: f.expected.clone(),
            actual: f.actual.clone(),
            repro: repro(file, f.profile),
        }
    }
}

#[derive(Serialize)]
struct ErrorJson {
    file: String,
    line: usize,
    column: usize,
    message: String,
}

impl ErrorJson {
    fn new(e: &ScenarioError) -> Self {
        ErrorJson {
            file: e.file.display().to_string(),
            line: e.pos.line,
            column: e.pos.column,
            message: e.message.clone(),
        }
    }
}

/// Writes an entry that has no runs (a load error, a skipped scenario).
fn entry_without_runs(out: &mut Sink, head: &ScenarioHead, tail: &ScenarioTail) {
    out.json("\n");
    out.json_open(head);
    out.json(",\"runs\":[]");
    out.json(",");
    out.json_close(tail);
}

/// Loads, runs and reports one file; returns its exit status and how many steps ran.
fn run_file(
    file: &Path,
    args: &RunArgs,
    options: &RunOptions,
    limits: &wsoracle_scenario::Limits,
    out: &mut Sink,
    summary: &mut Summary,
) -> (i32, usize) {
    let shown = file.display().to_string();
    let scenario = match Scenario::from_path_with(file, limits) {
        Ok(s) => s,
        Err(e) => {
            summary.errors += 1;
            out.text(&format!("error {e}\n"));
            let head = ScenarioHead {
                file: shown,
                name: None,
                fidelity: None,
                profiles: Vec::new(),
                covers: &[],
                unknown_covers: Vec::new(),
            };
            let tail = ScenarioTail {
                status: "error",
                reason: None,
                failures: Vec::new(),
                errors: vec![ErrorJson::new(&e)],
                trace: None,
            };
            entry_without_runs(out, &head, &tail);
            return (2, 0);
        }
    };
    let versions = options.profiles_for(&scenario);
    let head = ScenarioHead {
        file: shown.clone(),
        name: Some(&scenario.name),
        fidelity: Some(scenario.fidelity.as_str()),
        profiles: versions.iter().map(|v| profile_label(*v)).collect(),
        covers: &scenario.covers,
        unknown_covers: unknown_covers(&scenario),
    };
    if let Some(only) = args.fidelity.map(FidelityArg::fidelity) {
        if only != scenario.fidelity {
            summary.skipped += 1;
            let reason = format!(
                "written for fidelity {}; --fidelity {only}",
                scenario.fidelity
            );
            out.text(&format!("skip  {shown}  ({reason})\n"));
            let tail = ScenarioTail {
                status: "skipped",
                reason: Some(reason),
                failures: Vec::new(),
                errors: Vec::new(),
                trace: None,
            };
            entry_without_runs(out, &head, &tail);
            return (0, 0);
        }
    }
    if args.format == Format::Text {
        for id in &head.unknown_covers {
            eprintln!("warning: {shown}: covers `{id}`, which wsoracle does not know");
        }
    }

    out.json("\n");
    out.json_open(&head);
    out.json(",\"runs\":[");
    let mut failures: Vec<Failure> = Vec::new();
    let mut misuses: Vec<ScenarioError> = Vec::new();
    let mut kept: Vec<ProfileRun> = Vec::new();
    let (mut failure_count, mut header_printed) = (0, false);
    let mut steps_run = 0;
    for (i, version) in versions.iter().enumerate() {
        out.json(if i > 0 { ",\n" } else { "\n" });
        out.json_open(&ProfileHeadJson::new(*version, scenario.fidelity));
        out.json(",\"steps\":[");
        let mut records = Vec::new();
        let mut first = true;
        let end = run_profile_each(&scenario, *version, |step, record| {
            let before = failures.len();
            check_step(step, &record, *version, &mut failures);
            failure_count += failures.len() - before;
            if args.format == Format::Text {
                // In text the failures are printed as they are found, and not kept.
                for f in failures.drain(..) {
                    if !header_printed {
                        out.text(&format!("FAIL  {shown}\n"));
                        header_printed = true;
                    }
                    out.text(&failure_text(file, &f));
                }
            } else {
                out.json(if first { "\n" } else { ",\n" });
                out.json_step(step, &record, scenario.fidelity);
            }
            first = false;
            if args.trace {
                records.push(record);
            }
        });
        out.json("],\"misuse\":");
        match &end.misuse {
            Some(m) => out.json_value(&wsoracle_scenario::json::MisuseJson {
                line: m.pos.line,
                column: m.pos.column,
                message: m.message.clone(),
            }),
            None => out.json("null"),
        }
        out.json("}");
        if args.trace {
            kept.push(ProfileRun {
                version: end.version,
                fidelity: end.fidelity,
                steps: records,
                misuse: end.misuse.clone(),
            });
        }
        steps_run += end.steps_run;
        misuses.extend(end.misuse);
    }
    out.json("],");

    let failed = failure_count > 0;
    let (status, code) = if !misuses.is_empty() {
        summary.errors += 1;
        ("error", 2)
    } else if failed {
        summary.failed += 1;
        ("failed", 1)
    } else {
        summary.passed += 1;
        ("passed", 0)
    };
    for m in &misuses {
        out.text(&format!("error {m}\n"));
    }
    if !failed && misuses.is_empty() {
        out.text(&format!("ok    {shown}  ({} profiles)\n", versions.len()));
    }
    let trace = args.trace.then(|| side_by_side(&scenario, &kept));
    if let Some(t) = &trace {
        out.text("\n");
        for line in t.lines() {
            out.text(&format!("      {line}\n"));
        }
        out.text("\n");
    }
    out.json_close(&ScenarioTail {
        status,
        reason: None,
        failures: failures.iter().map(|f| FailureJson::new(file, f)).collect(),
        errors: misuses.iter().map(ErrorJson::new).collect(),
        trace,
    });
    out.flush();
    (code, steps_run)
}

/// A failure as the text output prints it: where, what, and the command that reproduces it.
fn failure_text(file: &Path, f: &Failure) -> String {
    format!(
        "      {}:{}:{}: step {} {} on {}: {}: expected {}, got {}\n      repro: {}\n",
        file.display(),
        f.pos.line,
        f.pos.column,
        f.step + 1,
        f.call,
        profile_label(f.profile),
        f.field,
        f.expected,
        f.actual,
        repro(file, f.profile)
    )
}
