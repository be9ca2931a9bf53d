//! `wsoracle diff`: runs scenarios on the model and through a backend (the probe on real
//! Windows, or under Wine), compares them step by step, and classifies every divergence as
//! known (an entry of `divergences.toml`) or new. `--record DIR` saves the backend's answers
//! as traces; `--replay DIR` compares recorded traces with the model, with no backend.
//! `docs/differential.md` describes the protocol, the files and the Wine run.

mod backend;
mod compare;
mod divergences;
mod glob;
mod model;
mod proto;
mod trace;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use wsoracle_model::WindowsVersion;
use wsoracle_scenario::{parse_profile, run_profile, Scenario, Step};

use backend::Backend;
use compare::{compare, summary, FieldDiff};
use divergences::{Divergences, Entry, Site};
use model::ModelAnswer;
use proto::{strip_id, RawAnswer, Results, Status};

/// The divergence file read when `--divergences` is not given (if it exists).
const DEFAULT_DIVERGENCES: &str = "divergences.toml";

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// Arguments of `wsoracle diff`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit status: 0 when every divergence is a known one, 1 when a \
    divergence is new (or the backend failed on a step), 2 on a usage or load error.\n\n\
    Example (Wine): scripts/wine-probe.sh exec target/release/wsoracle diff --backend @BACKEND@ \
    --profile win11 scenarios"
)]
pub struct DiffArgs {
    /// Scenario files, or folders searched recursively for *.yaml [default: scenarios]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The backend command line: a probe that speaks protocol 1 on stdin/stdout. It is split
    /// into words with POSIX shell rules and run without a shell; one process per profile
    /// serves the whole corpus.
    #[arg(long, value_name = "CMD")]
    pub backend: Option<String>,

    /// The Windows version the model answers as: a preset name or MAJOR.MINOR.BUILD
    /// (repeatable; one backend process each).
    #[arg(long, value_name = "NAME|VERSION")]
    pub profile: Vec<String>,

    /// Save the backend's answers as traces under DIR/<backend>/<profile>/.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,

    /// Compare the traces recorded under DIR with the model, with no backend. The scenarios
    /// their headers name are looked up in PATH (the corpus; default: the `scenarios` folder of
    /// the nearest folder above DIR that has one, else ./scenarios), and nowhere else.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["backend", "record", "profile"])]
    pub replay: Option<PathBuf>,

    /// The known divergences [default: divergences.toml, when it exists].
    #[arg(long, value_name = "FILE")]
    pub divergences: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Seconds to wait for each answer of the backend, its greeting included [default: 30 for
    /// an answer, 120 for the greeting].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
}

/// What became of one step.
#[derive(Debug)]
enum Verdict {
    Agreed,
    Diverged {
        diffs: Vec<FieldDiff>,
        /// The known-divergence entry that explains it.
        known: Option<usize>,
    },
    /// Not compared: the backend skipped it, or it follows a step the backend could not
    /// reproduce.
    Skipped(String),
    /// The model answers "not modelled".
    NotModelled,
    /// A scenario action with nothing to compare (`incoming`, `complete_connect`, ...).
    Action,
    /// The backend answered `error` (a driver bug).
    BackendError(String),
}

#[derive(Debug)]
struct StepResult {
    /// 1-based, as reports and `divergences.toml` count.
    number: usize,
    line: usize,
    c: String,
    verdict: Verdict,
    model: Option<Results>,
    backend: Option<Results>,
    /// The model's rule, basis and sources.
    provenance: String,
    rule: String,
    rule_summary: String,
    /// What the other fidelity answers, when it differs.
    other: Option<String>,
}

#[derive(Debug, Default)]
struct ScenarioResult {
    file: String,
    profile: String,
    steps: Vec<StepResult>,
    /// A failure that stopped the scenario: a load error, a misuse, the backend dying.
    problems: Vec<Problem>,
    /// Notes that do not change the exit status (a stale trace).
    notes: Vec<String>,
}

#[derive(Debug)]
struct Problem {
    /// Usage/load (exit 2) or run (exit 1).
    load: bool,
    message: String,
}

#[derive(Default, Debug)]
struct Summary {
    scenarios: usize,
    steps: usize,
    compared: usize,
    agreed: usize,
    known: usize,
    new: usize,
    skipped: usize,
    not_modelled: usize,
    actions: usize,
    backend_errors: usize,
    load_errors: usize,
    run_errors: usize,
}

/// Which sockets the backend no longer mirrors: after a step it skipped, its state and the
/// model's part ways.
#[derive(Default)]
struct Taint {
    /// Everything after (a skipped `condition` or `advance`).
    all: Option<String>,
    /// Socket names, with the step that made them unreliable.
    names: Vec<(String, String)>,
}

impl Taint {
    fn why(&self, name: Option<&str>) -> Option<String> {
        if let Some(w) = &self.all {
            return Some(w.clone());
        }
        let name = name?;
        self.names
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, w)| w.clone())
    }

    fn add(&mut self, name: &str, why: String) {
        if !self.names.iter().any(|(n, _)| n == name) {
            self.names.push((name.to_string(), why));
        }
    }

    fn remove(&mut self, name: &str) {
        self.names.retain(|(n, _)| n != name);
    }
}

fn socket_name(step: &Step) -> Option<&str> {
    match step.call.socket() {
        Some(wsoracle_scenario::values::SockRef::Name(n)) => Some(n.as_str()),
        _ => None,
    }
}

/// Context for classifying steps.
struct Ctx<'a> {
    backend_id: &'a str,
    fidelity: &'a str,
    scenario: &'a str,
    divergences: &'a Divergences,
}

/// Compares one step's backend answer with the model's record.
fn classify(
    ctx: &Ctx<'_>,
    step: &Step,
    record: &wsoracle_scenario::StepRecord,
    answer: &RawAnswer,
    taint: &mut Taint,
) -> StepResult {
    let call_name = step.call.name();
    let name = socket_name(step);
    let mut result = StepResult {
        number: step.index + 1,
        line: step.pos.line,
        c: record.call.clone(),
        verdict: Verdict::Action,
        model: None,
        backend: None,
        provenance: String::new(),
        rule: String::new(),
        rule_summary: String::new(),
        other: None,
    };
    let model_answer = model::answer(&step.call, record);
    if let ModelAnswer::Call {
        results,
        rule,
        provenance,
        summary,
        other,
    } = &model_answer
    {
        result.model = Some(results.clone());
        result.rule = rule.to_string();
        result.provenance = provenance.clone();
        result.rule_summary = summary.to_string();
        result.other = other.clone();
    }
    if let ModelAnswer::NotModelled { provenance } = &model_answer {
        result.provenance = provenance.clone();
    }
    let here = format!("step {} `{}`", step.index + 1, record.call);
    let tainted = taint.why(name);
    let is_complete = call_name == "complete_connect";
    let is_state_free = call_name == "keepalive_status";

    match answer.status {
        Status::Skipped => {
            let reason = answer.get("reason").unwrap_or("?").to_string();
            let msg = answer.message.clone().unwrap_or_default();
            result.verdict = Verdict::Skipped(format!("backend: {reason}: {msg}"));
            if !is_state_free {
                let why = format!("{here} was skipped by the backend ({reason})");
                match name {
                    Some(n) => {
                        taint.add(n, why.clone());
                        if let Some(b) = &step.bind_as {
                            taint.add(b, why);
                        }
                    }
                    None => {
                        if let Some(b) = &step.bind_as {
                            taint.add(b, why);
                        } else if taint.all.is_none() {
                            taint.all = Some(why);
                        }
                    }
                }
            }
            return result;
        }
        Status::NotPending => {
            result.verdict = Verdict::Skipped(
                "backend: not-pending: the connect completed at once, so the pending state \
                 cannot be held"
                    .to_string(),
            );
            if let Some(n) = name {
                if is_complete {
                    taint.remove(n);
                } else {
                    taint.add(n, format!("{here} was not held pending by the backend"));
                }
            }
            return result;
        }
        Status::Error => {
            let msg = answer.message.clone().unwrap_or_default();
            result.verdict = match tainted {
                Some(w) => Verdict::Skipped(format!("after {w} (backend: {msg})")),
                None => Verdict::BackendError(msg),
            };
            return result;
        }
        Status::Ok => {}
    }
    let backend = match Results::from_answer(call_name, answer) {
        Ok(r) => r,
        Err(e) => {
            result.verdict = Verdict::BackendError(format!("undecodable answer: {e}"));
            return result;
        }
    };
    result.backend = Some(backend.clone());
    if let Some(w) = tainted {
        result.verdict = Verdict::Skipped(format!("not compared: follows {w}"));
        if is_complete {
            if let Some(n) = name {
                taint.remove(n);
            }
        }
        return result;
    }
    result.verdict = match &model_answer {
        ModelAnswer::Action => Verdict::Action,
        ModelAnswer::NotModelled { .. } => Verdict::NotModelled,
        ModelAnswer::Call { results, rule, .. } => {
            let diffs = compare(results, &backend);
            if diffs.is_empty() {
                Verdict::Agreed
            } else {
                let site = Site {
                    backend: ctx.backend_id,
                    scenario: ctx.scenario,
                    step: step.index + 1,
                    c: &record.call,
                    rule,
                    fidelity: ctx.fidelity,
                    diffs: &diffs,
                };
                let known = ctx.divergences.find(&site);
                Verdict::Diverged { diffs, known }
            }
        }
    };
    result
}

fn problem(load: bool, message: String) -> Problem {
    Problem { load, message }
}

/// Loads the divergences: the given file (which must exist), or the default one if present.
fn load_divergences(path: Option<&Path>) -> Result<Divergences, String> {
    match path {
        Some(p) => Divergences::load(p),
        None => {
            let p = Path::new(DEFAULT_DIVERGENCES);
            if p.exists() {
                Divergences::load(p)
            } else {
                Ok(Divergences::default())
            }
        }
    }
}

/// Runs `wsoracle diff`; returns the exit status.
pub fn run(args: &DiffArgs) -> i32 {
    let divergences = match load_divergences(args.divergences.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("wsoracle diff: {e}");
            return 2;
        }
    };
    if let Some(dir) = &args.replay {
        return replay(
            dir,
            &args.paths,
            args.divergences.is_some(),
            divergences,
            args.format,
        );
    }
    let command = match &args.backend {
        Some(c) => c.clone(),
        None => {
            eprintln!("wsoracle diff: --backend CMD is required (or --replay DIR)");
            return 2;
        }
    };
    if args.profile.is_empty() {
        eprintln!("wsoracle diff: --profile NAME|VERSION is required (e.g. --profile win11)");
        return 2;
    }
    let mut profiles = Vec::new();
    for p in &args.profile {
        match parse_profile(p) {
            Ok(v) => profiles.push((p.clone(), v)),
            Err(e) => {
                eprintln!("wsoracle diff: --profile {p}: {e}");
                return 2;
            }
        }
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for p in &paths {
        match crate::guard::discover("diff", p) {
            Ok(found) => files.extend(found),
            Err(e) => {
                eprintln!("wsoracle diff: {}: {e}", p.display());
                return 2;
            }
        }
    }
    if files.is_empty() {
        eprintln!(
            "wsoracle diff: no scenario files under {}",
            show_paths(&paths)
        );
        return 2;
    }
    let mut results: Vec<ScenarioResult> = Vec::new();
    let mut scenarios = Vec::new();
    for f in &files {
        let file = trace::slash_path(f);
        match Scenario::from_path(f) {
            Ok(s) => scenarios.push((file, s)),
            Err(e) => results.push(ScenarioResult {
                file,
                problems: vec![problem(true, e.to_string())],
                ..ScenarioResult::default()
            }),
        }
    }
    let (timeout, greeting_timeout) = match args.timeout {
        Some(t) => (Duration::from_secs(t.max(1)), Duration::from_secs(t.max(1))),
        None => (backend::DEFAULT_ANSWER_TIMEOUT, backend::GREETING_TIMEOUT),
    };
    let spawn = || Backend::spawn_with(&command, timeout, greeting_timeout);
    let mut backend_ids = BTreeSet::new();
    for (label, version) in &profiles {
        let mut backend = match spawn() {
            Ok(b) => b,
            Err(e) => {
                eprintln!("wsoracle diff: {e}");
                return 2;
            }
        };
        if args.format == Format::Text {
            eprintln!(
                "wsoracle diff: backend `{}` ({}); model profile {label} ({version})",
                backend.greeting.line,
                backend.greeting.backend_id()
            );
        }
        backend_ids.insert(backend.greeting.backend_id());
        for (file, scenario) in &scenarios {
            if backend.is_broken() {
                match spawn() {
                    Ok(b) => backend = b,
                    Err(e) => {
                        eprintln!("wsoracle diff: restarting the backend: {e}");
                        return 2;
                    }
                }
            }
            let r = live_scenario(
                &mut backend,
                file,
                scenario,
                label,
                *version,
                &divergences,
                args.record.as_deref(),
            );
            results.push(r);
        }
        backend.shutdown();
    }
    let unused = unused_entries(&divergences, &results, &backend_ids);
    report(&results, &divergences, args.format, &unused)
}

fn show_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[allow(clippy::too_many_arguments)]
fn live_scenario(
    backend: &mut Backend,
    file: &str,
    scenario: &Scenario,
    label: &str,
    version: WindowsVersion,
    divergences: &Divergences,
    record: Option<&Path>,
) -> ScenarioResult {
    let mut result = ScenarioResult {
        file: file.to_string(),
        profile: label.to_string(),
        ..ScenarioResult::default()
    };
    let backend_id = backend.greeting.backend_id();
    let ctx = Ctx {
        backend_id: &backend_id,
        fidelity: scenario.fidelity.as_str(),
        scenario: file,
        divergences,
    };
    let run = run_profile(scenario, version);
    let mut taint = Taint::default();
    let mut recorded = Vec::new();
    for (step, rec) in scenario.steps.iter().zip(&run.steps) {
        let request = model::request(&step.call, step.bind_as.as_deref());
        // Ids do not depend on the corpus order, so that a re-recorded trace only changes where an
        // answer did.
        let id = (step.index + 1).to_string();
        match backend.call(&id, &request) {
            Ok((line, answer)) => {
                result
                    .steps
                    .push(classify(&ctx, step, rec, &answer, &mut taint));
                recorded.push(trace::StepRecord {
                    index: step.index,
                    call: step.call.name().to_string(),
                    c: rec.call.clone(),
                    request: line,
                    answer,
                });
            }
            Err(e) => {
                result.problems.push(problem(
                    false,
                    format!("step {} `{}`: {e}", step.index + 1, rec.call),
                ));
                break;
            }
        }
    }
    if let Some(m) = &run.misuse {
        result.problems.push(problem(true, m.to_string()));
    }
    if !backend.is_broken() {
        if let Err(e) = backend.reset("reset") {
            result.problems.push(problem(false, format!("reset: {e}")));
        }
    }
    if let Some(dir) = record {
        let bytes = std::fs::read(&scenario.file).unwrap_or_default();
        let header = trace::Header::new(
            &backend.greeting,
            label,
            scenario.fidelity.as_str(),
            file,
            &bytes,
        );
        let path = trace::trace_path(dir, &backend_id, label, file);
        let t = trace::Trace {
            header,
            steps: recorded,
        };
        if let Err(e) = t.write(&path) {
            result.problems.push(problem(true, e));
        }
    }
    result
}

/// Every `*.trace.jsonl` under `dir`, sorted (regular files only, no folder twice).
fn find_traces(dir: &Path) -> std::io::Result<wsoracle_scenario::Discovery> {
    wsoracle_scenario::walk(dir, &|p: &Path| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(".trace.jsonl"))
    })
}

/// The folder a replay's corpus defaults to: the nearest folder at or above `dir` that holds
/// a `scenarios` folder (the repository root for the committed fixtures), so that a replay
/// gives the same result from any working directory.
fn corpus_root(dir: &Path) -> Option<PathBuf> {
    let start = dir.canonicalize().ok()?;
    start
        .ancestors()
        .find(|a| a.join("scenarios").is_dir())
        .map(Path::to_path_buf)
}

/// The scenario files a replay may read, by the `/`-separated path a trace header names them
/// with. A header path is only ever looked up here: a trace cannot make the replay read any
/// other file.
struct Corpus {
    /// (slash path of the file as discovered, the file).
    files: Vec<(String, PathBuf)>,
    /// What the corpus was built from, for messages.
    roots: String,
}

impl Corpus {
    fn discover(roots: &[PathBuf]) -> Result<Corpus, String> {
        let mut files = Vec::new();
        for root in roots {
            let found = wsoracle_scenario::discover_all(root)
                .map_err(|e| format!("{}: {e}", root.display()))?;
            for f in found.files {
                files.push((trace::slash_path(&f), f));
            }
        }
        Ok(Corpus {
            files,
            roots: show_paths(roots),
        })
    }

    /// The corpus file a header names: the one whose path is the name, or ends with `/name`
    /// (the corpus given as an absolute or longer path). None when no file, or more than one,
    /// matches.
    fn find(&self, name: &str) -> Result<&Path, String> {
        let plain = name
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..");
        if !plain {
            return Err(format!(
                "the trace names the scenario `{name}`, which is not a plain relative path inside a corpus"
            ));
        }
        let suffix = format!("/{name}");
        let mut matches = self
            .files
            .iter()
            .filter(|(p, _)| *p == name || p.ends_with(&suffix));
        match (matches.next(), matches.next()) {
            (Some((_, f)), None) => Ok(f),
            (None, _) => Err(format!(
                "the trace's scenario `{name}` is not in the corpus ({}): give the corpus as `wsoracle diff --replay DIR PATH`, or re-record the trace",
                self.roots
            )),
            (Some(_), Some(_)) => Err(format!(
                "the trace's scenario `{name}` matches more than one file of the corpus ({}); give a narrower PATH",
                self.roots
            )),
        }
    }
}

fn replay(
    dir: &Path,
    paths: &[PathBuf],
    divergences_given: bool,
    divergences: Divergences,
    format: Format,
) -> i32 {
    let found = match find_traces(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("wsoracle diff: --replay {}: {e}", dir.display());
            return 2;
        }
    };
    for (p, why) in &found.skipped {
        eprintln!("wsoracle diff: skipped {}: {why}", p.display());
    }
    let files = found.files;
    if files.is_empty() {
        eprintln!("wsoracle diff: no *.trace.jsonl under {}", dir.display());
        return 2;
    }
    let root = corpus_root(dir);
    let roots: Vec<PathBuf> = if !paths.is_empty() {
        paths.to_vec()
    } else if let Some(r) = &root {
        vec![r.join("scenarios")]
    } else {
        vec![PathBuf::from("scenarios")]
    };
    // The divergences beside the corpus, when none was given and none is here.
    let divergences = match (&root, divergences_given) {
        (Some(r), false) if !Path::new(DEFAULT_DIVERGENCES).exists() => {
            let p = r.join(DEFAULT_DIVERGENCES);
            if p.is_file() {
                match Divergences::load(&p) {
                    Ok(d) => d,
                    Err(e) => {
                        eprintln!("wsoracle diff: {e}");
                        return 2;
                    }
                }
            } else {
                divergences
            }
        }
        _ => divergences,
    };
    let corpus = match Corpus::discover(&roots) {
        Ok(c) if !c.files.is_empty() => c,
        Ok(c) => {
            eprintln!(
                "wsoracle diff: --replay: no scenario files under {} to replay the traces against; give the corpus as `wsoracle diff --replay DIR PATH`",
                c.roots
            );
            return 2;
        }
        Err(e) => {
            eprintln!(
                "wsoracle diff: --replay: the corpus {e}; give it as `wsoracle diff --replay DIR PATH`"
            );
            return 2;
        }
    };
    let mut results = Vec::new();
    let mut backend_ids = BTreeSet::new();
    for f in &files {
        results.push(replay_one(f, &corpus, &divergences, &mut backend_ids));
    }
    let unused = unused_entries(&divergences, &results, &backend_ids);
    report(&results, &divergences, format, &unused)
}

fn replay_one(
    path: &Path,
    corpus: &Corpus,
    divergences: &Divergences,
    backend_ids: &mut BTreeSet<String>,
) -> ScenarioResult {
    let mut result = ScenarioResult {
        file: trace::slash_path(path),
        ..ScenarioResult::default()
    };
    let t = match trace::Trace::read(path) {
        Ok(t) => t,
        Err(e) => {
            result.problems.push(problem(true, e));
            return result;
        }
    };
    let h = &t.header;
    result.file = h.scenario.clone();
    result.profile = h.profile.clone();
    backend_ids.insert(h.backend_id.clone());
    let version = match parse_profile(&h.profile) {
        Ok(v) => v,
        Err(e) => {
            result
                .problems
                .push(problem(true, format!("{}: profile: {e}", path.display())));
            return result;
        }
    };
    let shown = path.display();
    // The records must be the steps 0, 1, 2, ... in order: a repeated or missing index means
    // the trace was edited or spliced, and its answers no longer follow one run of a stack.
    for (expected, rec) in t.steps.iter().enumerate() {
        if rec.index != expected {
            let what = if rec.index < expected {
                "repeats an earlier step"
            } else {
                "skips a step"
            };
            result.problems.push(problem(
                true,
                format!(
                    "{shown}: record {} is for step index {}, where index {expected} was due: the trace {what}; re-record it",
                    expected + 1,
                    rec.index
                ),
            ));
            return result;
        }
    }
    if t.steps.is_empty() {
        result.problems.push(problem(
            true,
            format!("{shown}: the trace records no step, so it checks nothing; re-record it"),
        ));
        return result;
    }
    let file = match corpus.find(&h.scenario) {
        Ok(f) => f,
        Err(e) => {
            result.problems.push(problem(true, format!("{shown}: {e}")));
            return result;
        }
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            result.problems.push(problem(
                true,
                format!(
                    "{shown}: its scenario {} cannot be read: {e}",
                    file.display()
                ),
            ));
            return result;
        }
    };
    let scenario =
        match Scenario::from_bytes_with(file, &bytes, &wsoracle_scenario::Limits::default()) {
            Ok(s) => s,
            Err(e) => {
                result.problems.push(problem(true, e.to_string()));
                return result;
            }
        };
    let changed = trace::sha256_hex(&bytes) != h.scenario_sha256;
    let run = run_profile(&scenario, version);
    let ctx = Ctx {
        backend_id: &h.backend_id,
        fidelity: scenario.fidelity.as_str(),
        scenario: &h.scenario,
        divergences,
    };
    let mut taint = Taint::default();
    let mut stale = false;
    for rec in &t.steps {
        let (step, model_rec) = match (scenario.steps.get(rec.index), run.steps.get(rec.index)) {
            (Some(s), Some(m)) => (s, m),
            _ => {
                result.notes.push(format!(
                    "stale trace {shown}: step {} is no longer in the scenario or the model stopped \
                     before it; re-record this fixture",
                    rec.index.saturating_add(1)
                ));
                stale = true;
                break;
            }
        };
        let now = model::request(&step.call, step.bind_as.as_deref()).line("x");
        if strip_id(&now) != strip_id(&rec.request) {
            result.notes.push(format!(
                "stale trace {shown}: the scenario changed at step {} (recorded `{}`, now `{}`); \
                 the steps from there on are not replayed: re-record this fixture",
                rec.index.saturating_add(1),
                strip_id(&rec.request),
                strip_id(&now)
            ));
            stale = true;
            break;
        }
        result
            .steps
            .push(classify(&ctx, step, model_rec, &rec.answer, &mut taint));
    }
    // A trace of the very file it was recorded from covers the run: fewer records than the
    // steps the model ran means the trace was cut short.
    if !changed && !stale && t.steps.len() < run.steps.len() {
        result.problems.push(problem(
            true,
            format!(
                "{shown}: the trace ends after step {} of the {} its (unchanged) scenario runs: it was cut short; re-record it",
                t.steps.len(),
                run.steps.len()
            ),
        ));
    }
    let compared = result
        .steps
        .iter()
        .filter(|s| matches!(s.verdict, Verdict::Agreed | Verdict::Diverged { .. }))
        .count();
    if compared == 0 && result.problems.is_empty() {
        result.problems.push(problem(
            false,
            format!("{shown}: no step of this trace was compared with the model, so it checks nothing; re-record it"),
        ));
    }
    if changed && result.notes.is_empty() {
        result.notes.push(format!(
            "trace {shown}: the scenario file changed since it was recorded (its requests did not); \
             consider re-recording"
        ));
    }
    if let Some(m) = &run.misuse {
        result.problems.push(problem(true, m.to_string()));
    }
    result
}

/// Entries for the backends seen that explained nothing.
fn unused_entries<'a>(
    divergences: &'a Divergences,
    results: &[ScenarioResult],
    backend_ids: &BTreeSet<String>,
) -> Vec<&'a Entry> {
    let mut used = vec![false; divergences.entries.len()];
    for r in results {
        for s in &r.steps {
            if let Verdict::Diverged { known: Some(k), .. } = s.verdict {
                used[k] = true;
            }
        }
    }
    divergences
        .entries
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            !used[*i]
                && backend_ids
                    .iter()
                    .any(|b| glob::text_matches(&e.backend, b))
        })
        .map(|(_, e)| e)
        .collect()
}

fn tally(results: &[ScenarioResult]) -> Summary {
    let mut s = Summary {
        scenarios: results.len(),
        ..Summary::default()
    };
    for r in results {
        for p in &r.problems {
            if p.load {
                s.load_errors += 1;
            } else {
                s.run_errors += 1;
            }
        }
        for st in &r.steps {
            s.steps += 1;
            match &st.verdict {
                Verdict::Agreed => {
                    s.compared += 1;
                    s.agreed += 1;
                }
                Verdict::Diverged { known, .. } => {
                    s.compared += 1;
                    if known.is_some() {
                        s.known += 1;
                    } else {
                        s.new += 1;
                    }
                }
                Verdict::Skipped(_) => s.skipped += 1,
                Verdict::NotModelled => s.not_modelled += 1,
                Verdict::Action => s.actions += 1,
                Verdict::BackendError(_) => s.backend_errors += 1,
            }
        }
    }
    s
}

fn exit_status(s: &Summary) -> i32 {
    if s.load_errors > 0 {
        2
    } else if s.new > 0 || s.backend_errors > 0 || s.run_errors > 0 {
        1
    } else {
        0
    }
}

fn report(
    results: &[ScenarioResult],
    divergences: &Divergences,
    format: Format,
    unused: &[&Entry],
) -> i32 {
    let s = tally(results);
    match format {
        Format::Text => out!("{}", text_report(results, divergences, &s, unused)),
        Format::Json => outln!("{}", json_report(results, divergences, &s, unused)),
    }
    exit_status(&s)
}

fn text_report(
    results: &[ScenarioResult],
    divergences: &Divergences,
    s: &Summary,
    unused: &[&Entry],
) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for r in results {
        for st in &r.steps {
            match &st.verdict {
                Verdict::Diverged { diffs, known } => {
                    let tag = match known {
                        Some(k) => format!("KNOWN [{}]", divergences.entries[*k].id),
                        None => "NEW".to_string(),
                    };
                    let _ = writeln!(
                        out,
                        "{tag} {} step {} (line {}) on {}: {}",
                        r.file, st.number, st.line, r.profile, st.c
                    );
                    if let Some(m) = &st.model {
                        let _ = writeln!(out, "    model:   {}", summary(m));
                    }
                    if let Some(b) = &st.backend {
                        let _ = writeln!(out, "    backend: {}", summary(b));
                    }
                    for d in diffs {
                        let _ = writeln!(
                            out,
                            "    {}: model {}, backend {}",
                            d.field, d.model, d.backend
                        );
                    }
                    let _ = writeln!(out, "    rule:    {}", st.provenance);
                    if !st.rule_summary.is_empty() {
                        let _ = writeln!(out, "             {}", st.rule_summary);
                    }
                    if let Some(o) = &st.other {
                        let _ = writeln!(out, "    note:    {o}");
                    }
                    if let Some(k) = known {
                        let e = &divergences.entries[*k];
                        let _ = writeln!(
                            out,
                            "    known:   {} (Windows side: {}{}{})",
                            e.difference,
                            e.windows_side.as_str(),
                            if e.evidence.is_empty() { "" } else { ": " },
                            e.evidence.join(", ")
                        );
                    }
                }
                Verdict::BackendError(m) => {
                    let _ = writeln!(
                        out,
                        "ERROR {} step {} (line {}) on {}: {}\n    the backend answered error: {m}",
                        r.file, st.number, st.line, r.profile, st.c
                    );
                }
                _ => {}
            }
        }
        for p in &r.problems {
            let _ = writeln!(out, "ERROR {}: {}", r.file, p.message);
        }
        for n in &r.notes {
            let _ = writeln!(out, "note: {n}");
        }
    }
    for e in unused {
        let _ = writeln!(
            out,
            "note: divergence `{}` ({}) matched nothing in this run",
            e.id, e.backend
        );
    }
    let _ = writeln!(
        out,
        "wsoracle diff: {} scenarios, {} steps: {} compared, {} agreed, {} known divergences, \
         {} new; {} skipped, {} not modelled, {} actions not compared, {} backend errors, \
         {} scenario errors",
        s.scenarios,
        s.steps,
        s.compared,
        s.agreed,
        s.known,
        s.new,
        s.skipped,
        s.not_modelled,
        s.actions,
        s.backend_errors,
        s.load_errors + s.run_errors
    );
    out
}

fn results_json(r: &Option<Results>) -> Value {
    let r = match r {
        Some(r) => r,
        None => return Value::Null,
    };
    let mut m = serde_json::Map::new();
    // `ret` and `error` as every command writes them (docs/json.md).
    if let Some(v) = r.ret {
        m.insert(
            "ret".into(),
            match v {
                proto::RetVal::Int(n) => json!(n),
                proto::RetVal::Handle { valid: false, .. } => json!("INVALID_SOCKET"),
                proto::RetVal::Handle { valid: true, .. } => json!("a socket"),
                proto::RetVal::Pending => json!("pending"),
            },
        );
    }
    if let Some(e) = r.error {
        m.insert(
            "error".into(),
            match e {
                proto::LastError::Untouched => Value::Null,
                proto::LastError::Code(n) => json!(wsoracle_scenario::json::ErrorJson::from(
                    wsoracle_model::WsaError(n)
                )),
            },
        );
    }
    if let Some(b) = &r.optval {
        m.insert("optval".into(), compare::buf_json(b));
    }
    if let Some(v) = &r.optlen {
        m.insert(
            "optlen".into(),
            match v {
                proto::Ptr::Null => Value::Null,
                proto::Ptr::Bad(p) => json!({ "pointer": p }),
                proto::Ptr::Value(n) => json!(n),
            },
        );
    }
    if let Some(v) = &r.bytes_returned {
        m.insert(
            "lpcbBytesReturned".into(),
            match v {
                proto::Ptr::Null => Value::Null,
                proto::Ptr::Bad(p) => json!({ "pointer": p }),
                proto::Ptr::Value(n) => json!(n),
            },
        );
    }
    if let Some(b) = &r.out_buffer {
        m.insert("lpvOutBuffer".into(), compare::buf_json(b));
    }
    if let Some(c) = r.completion {
        m.insert(
            "completion".into(),
            match c {
                proto::Completion::None => Value::Null,
                proto::Completion::Pending => json!("pending"),
                proto::Completion::Done { error, bytes } => json!({
                    "error": wsoracle_scenario::json::ErrorJson::from(wsoracle_model::WsaError(error)),
                    "bytes": bytes,
                }),
            },
        );
    }
    Value::Object(m)
}

fn json_report(
    results: &[ScenarioResult],
    divergences: &Divergences,
    s: &Summary,
    unused: &[&Entry],
) -> Value {
    let scenarios: Vec<Value> = results
        .iter()
        .map(|r| {
            let steps: Vec<Value> = r
                .steps
                .iter()
                .map(|st| {
                    let (verdict, extra) = match &st.verdict {
                        Verdict::Agreed => ("agreed", json!({})),
                        Verdict::Diverged { diffs, known } => (
                            if known.is_some() { "known" } else { "new" },
                            json!({
                                "differences": diffs.iter().map(|d| json!({
                                    "field": d.field, "model": d.model, "backend": d.backend
                                })).collect::<Vec<_>>(),
                                "known": known.map(|k| {
                                    let e = &divergences.entries[k];
                                    json!({
                                        "id": e.id, "difference": e.difference,
                                        "reason": e.reason,
                                        "windows_side": e.windows_side.as_str(),
                                        "evidence": e.evidence,
                                    })
                                }),
                            }),
                        ),
                        Verdict::Skipped(w) => ("skipped", json!({ "why": w })),
                        Verdict::NotModelled => ("not-modelled", json!({})),
                        Verdict::Action => ("action", json!({})),
                        Verdict::BackendError(m) => ("backend-error", json!({ "message": m })),
                    };
                    let mut v = json!({
                        "step": st.number,
                        "line": st.line,
                        "call": st.c,
                        "verdict": verdict,
                        "model": results_json(&st.model),
                        "backend": results_json(&st.backend),
                        "rule": st.rule,
                        "provenance": st.provenance,
                    });
                    if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
                        m.extend(x);
                    }
                    v
                })
                .collect();
            json!({
                "file": r.file,
                "profile": r.profile,
                "steps": steps,
                "errors": r.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>(),
                "notes": r.notes,
            })
        })
        .collect();
    let doc = DiffJson {
        format_version: wsoracle_scenario::json::JSON_FORMAT_VERSION,
        scenarios,
        unused_divergences: unused.iter().map(|e| e.id.clone()).collect(),
        summary: DiffSummaryJson {
            scenarios: s.scenarios,
            steps: s.steps,
            compared: s.compared,
            agreed: s.agreed,
            known: s.known,
            new: s.new,
            skipped: s.skipped,
            not_modelled: s.not_modelled,
            actions: s.actions,
            backend_errors: s.backend_errors,
            errors: s.load_errors + s.run_errors,
        },
        // The one exit key of every command's JSON (`run` has the same).
        exit_status: exit_status(s),
    };
    serde_json::to_value(doc).unwrap_or(Value::Null)
}

/// `wsoracle diff --format json` (documented in docs/json.md).
#[derive(serde::Serialize)]
struct DiffJson {
    format_version: u32,
    scenarios: Vec<Value>,
    unused_divergences: Vec<String>,
    summary: DiffSummaryJson,
    exit_status: i32,
}

#[derive(serde::Serialize)]
struct DiffSummaryJson {
    scenarios: usize,
    steps: usize,
    compared: usize,
    agreed: usize,
    known: usize,
    new: usize,
    skipped: usize,
    not_modelled: usize,
    actions: usize,
    backend_errors: usize,
    errors: usize,
}
