//! Recorded traces (trace format version 1, `docs/differential.md`): a backend's answers to one
//! scenario, saved by `wsoracle diff --record DIR` and replayed against the model by
//! `wsoracle diff --replay DIR` (and the replay test) with no backend present.
//!
//! One file per scenario, backend and profile:
//! `DIR/<backend id>/<profile>/<scenario path>.trace.jsonl`, UTF-8 JSON lines: a header, then
//! one line per step.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::proto::{Greeting, RawAnswer, Status, PROTOCOL_VERSION};

/// The largest trace file read (a trace holds one line per step, a few hundred bytes each).
pub const MAX_TRACE_BYTES: u64 = 1 << 30;

/// The longest line of a trace read: a step record holds one request and one answer, whose
/// largest buffers (1 MiB, the protocol's bound) are 2 MiB of hex each.
pub const MAX_LINE_BYTES: usize = 8 << 20;

/// The trace format version this binary writes and reads.
pub const FORMAT_VERSION: u64 = 1;

/// The first line of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub protocol: u64,
    /// `wine` or `windows`.
    pub backend: String,
    /// `wine-8.0`, `windows-10.0.20348`: what `divergences.toml` matches.
    pub backend_id: String,
    pub greeting: String,
    pub windows: String,
    pub wine: Option<String>,
    /// The `--profile` the diff ran with.
    pub profile: String,
    /// The fidelity the model answered in.
    pub fidelity: String,
    /// The scenario's path, `/`-separated, relative to the directory the diff ran in.
    pub scenario: String,
    pub scenario_sha256: String,
    pub recorded_by: String,
}

/// One step's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// The 0-based index in the scenario's `steps` (reports say step `index + 1`).
    pub index: usize,
    pub call: String,
    /// The call in C form.
    pub c: String,
    /// The request line sent, id included.
    pub request: String,
    pub answer: RawAnswer,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    pub header: Header,
    pub steps: Vec<StepRecord>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A path as `/`-separated text.
pub fn slash_path(p: &Path) -> String {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".to_string()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Where the trace of `scenario` goes under `dir`.
pub fn trace_path(dir: &Path, backend_id: &str, profile: &str, scenario: &str) -> PathBuf {
    let mut p = dir.join(sanitize(backend_id)).join(sanitize(profile));
    // Only plain components: a trace never escapes DIR.
    let parts: Vec<&str> = scenario
        .split('/')
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            let stem = part
                .strip_suffix(".yaml")
                .or_else(|| part.strip_suffix(".yml"))
                .unwrap_or(part);
            p.push(format!("{stem}.trace.jsonl"));
        } else {
            p.push(part);
        }
    }
    p
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl Header {
    pub fn new(
        greeting: &Greeting,
        profile: &str,
        fidelity: &str,
        scenario: &str,
        scenario_bytes: &[u8],
    ) -> Header {
        Header {
            protocol: u64::from(PROTOCOL_VERSION),
            backend: greeting.kind().to_string(),
            backend_id: greeting.backend_id(),
            greeting: greeting.line.clone(),
            windows: greeting.windows.clone(),
            wine: greeting.wine.clone(),
            profile: profile.to_string(),
            fidelity: fidelity.to_string(),
            scenario: scenario.to_string(),
            scenario_sha256: sha256_hex(scenario_bytes),
            recorded_by: format!("wsoracle {}", env!("CARGO_PKG_VERSION")),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "format_version": FORMAT_VERSION,
            "kind": "header",
            "protocol": self.protocol,
            "backend": self.backend,
            "backend_id": self.backend_id,
            "greeting": self.greeting,
            "windows": self.windows,
            "wine": self.wine,
            "profile": self.profile,
            "fidelity": self.fidelity,
            "scenario": self.scenario,
            "scenario_sha256": self.scenario_sha256,
            "recorded_by": self.recorded_by,
        })
    }
}

/// The answer's fields as JSON: integers as numbers, `error` a number or `"untouched"`,
/// buffers as hex strings, `null` for NULL, `completion` as `{"error", "bytes"}`, `null` (none)
/// or `"pending"`; other fields as strings. Skipped answers carry `reason` and `message`.
pub fn answer_json(a: &RawAnswer) -> Value {
    let mut m = Map::new();
    for (k, v) in &a.fields {
        let value = match (k.as_str(), v.as_str()) {
            (_, "null") => Value::Null,
            ("completion", "none") => Value::Null,
            ("completion", "pending") => Value::String("pending".into()),
            ("completion", c) => match c.split_once(',') {
                Some((e, n)) => match (e.parse::<i64>(), n.parse::<u64>()) {
                    (Ok(e), Ok(n)) => json!({"error": e, "bytes": n}),
                    _ => Value::String(c.into()),
                },
                None => Value::String(c.into()),
            },
            ("ret" | "error" | "optlen" | "lpcbBytesReturned" | "closed" | "cleanups", n) => {
                match n.parse::<i64>() {
                    Ok(n) => json!(n),
                    Err(_) => Value::String(n.into()),
                }
            }
            (_, s) => Value::String(s.into()),
        };
        m.insert(k.clone(), value);
    }
    if let Some(msg) = &a.message {
        m.insert("message".into(), Value::String(msg.clone()));
    }
    Value::Object(m)
}

/// The inverse of [`answer_json`].
pub fn answer_from_json(id: &str, status: Status, v: &Value) -> Result<RawAnswer, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| "`answer` is not an object".to_string())?;
    let mut fields = Vec::new();
    let mut message = None;
    for (k, v) in obj {
        if k == "message" {
            message = v.as_str().map(str::to_string);
            continue;
        }
        let text = match (k.as_str(), v) {
            ("completion", Value::Null) => "none".to_string(),
            ("completion", Value::Object(c)) => match (
                c.get("error").and_then(Value::as_i64),
                c.get("bytes").and_then(Value::as_u64),
            ) {
                (Some(e), Some(n)) => format!("{e},{n}"),
                _ => return Err(format!("completion {v} is not {{error, bytes}}")),
            },
            (_, Value::Null) => "null".to_string(),
            (_, Value::Number(n)) => n.to_string(),
            (_, Value::String(s)) => s.clone(),
            _ => return Err(format!("answer field `{k}` has an unexpected value {v}")),
        };
        fields.push((k.clone(), text));
    }
    // Fields keep their JSON order; the decoder does not depend on it.
    Ok(RawAnswer {
        id: id.to_string(),
        status,
        fields,
        message,
    })
}

impl StepRecord {
    fn to_json(&self) -> Value {
        json!({
            "format_version": FORMAT_VERSION,
            "kind": "step",
            "index": self.index,
            "call": self.call,
            "c": self.c,
            "request": self.request,
            "status": self.answer.status.as_str(),
            "answer": answer_json(&self.answer),
        })
    }
}

impl Trace {
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.header.to_json().to_string());
        out.push('\n');
        for s in &self.steps {
            out.push_str(&s.to_json().to_string());
            out.push('\n');
        }
        out
    }

    pub fn write(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
        }
        std::fs::write(path, self.to_jsonl())
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))
    }

    /// Reads a trace file: a regular file (never a FIFO or device) of at most
    /// [`MAX_TRACE_BYTES`].
    pub fn read(path: &Path) -> Result<Trace, String> {
        use std::io::Read as _;
        let cannot = |e: std::io::Error| format!("{}: cannot read: {e}", path.display());
        let meta = std::fs::metadata(path).map_err(cannot)?;
        if !meta.is_file() {
            return Err(format!("{}: not a regular file; not read", path.display()));
        }
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_TRACE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(cannot)?;
        if bytes.len() as u64 > MAX_TRACE_BYTES {
            return Err(format!(
                "{}: larger than {MAX_TRACE_BYTES} bytes, more than any trace of a scenario the loader accepts; not read",
                path.display()
            ));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "{}: not UTF-8 (at byte {})",
                path.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        Trace::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Trace, String> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        if let Some((i, _)) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.len() > MAX_LINE_BYTES)
        {
            return Err(format!(
                "line {}: longer than {MAX_LINE_BYTES} bytes, more than any trace line; not a trace",
                i + 1
            ));
        }
        let (_, first) = lines.next().ok_or("empty trace")?;
        let h: Value = serde_json::from_str(first).map_err(|e| format!("line 1: not JSON: {e}"))?;
        check_version(&h, 1)?;
        if h.get("kind").and_then(Value::as_str) != Some("header") {
            return Err("line 1 is not the header (`\"kind\": \"header\"`)".into());
        }
        let s = |k: &str| -> Result<String, String> {
            h.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("header: missing string `{k}`"))
        };
        let protocol = h
            .get("protocol")
            .and_then(Value::as_u64)
            .ok_or("header: missing `protocol`")?;
        if protocol != u64::from(PROTOCOL_VERSION) {
            return Err(format!(
                "the trace was recorded with protocol version {protocol}; this wsoracle reads \
                 version {PROTOCOL_VERSION}"
            ));
        }
        let header = Header {
            protocol,
            backend: s("backend")?,
            backend_id: s("backend_id")?,
            greeting: s("greeting")?,
            windows: s("windows")?,
            wine: h.get("wine").and_then(Value::as_str).map(str::to_string),
            profile: s("profile")?,
            fidelity: s("fidelity")?,
            scenario: s("scenario")?,
            scenario_sha256: s("scenario_sha256")?,
            recorded_by: s("recorded_by").unwrap_or_default(),
        };
        let mut steps = Vec::new();
        for (i, line) in lines {
            let n = i + 1;
            let v: Value =
                serde_json::from_str(line).map_err(|e| format!("line {n}: not JSON: {e}"))?;
            check_version(&v, n)?;
            if v.get("kind").and_then(Value::as_str) != Some("step") {
                return Err(format!("line {n}: not a step (`\"kind\": \"step\"`)"));
            }
            let get = |k: &str| -> Result<String, String> {
                v.get(k)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| format!("line {n}: missing string `{k}`"))
            };
            let index = v
                .get("index")
                .and_then(Value::as_u64)
                .ok_or_else(|| format!("line {n}: missing `index`"))?;
            let index = usize::try_from(index)
                .map_err(|_| format!("line {n}: `index` {index} is larger than any step"))?;
            let status_word = get("status")?;
            let status = Status::from_name(&status_word)
                .ok_or_else(|| format!("line {n}: unknown status `{status_word}`"))?;
            let request = get("request")?;
            let id = request.split(' ').next().unwrap_or("").to_string();
            let answer = answer_from_json(&id, status, v.get("answer").unwrap_or(&Value::Null))
                .map_err(|e| format!("line {n}: {e}"))?;
            steps.push(StepRecord {
                index,
                call: get("call")?,
                c: get("c").unwrap_or_default(),
                request,
                answer,
            });
        }
        Ok(Trace { header, steps })
    }
}

fn check_version(v: &Value, line: usize) -> Result<(), String> {
    match v.get("format_version").and_then(Value::as_u64) {
        Some(FORMAT_VERSION) => Ok(()),
        Some(n) => Err(format!(
            "line {line}: trace format_version {n}; this wsoracle reads version {FORMAT_VERSION} \
             (a newer wsoracle recorded it)"
        )),
        None => Err(format!("line {line}: missing `format_version`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Trace {
        let g = Greeting::parse("wsoracle-probe 1 windows=6.1.7601 wine=8.0 pending=x").unwrap();
        let header = Header::new(
            &g,
            "win11",
            "observed",
            "scenarios/a/b.yaml",
            b"steps: []\n",
        );
        let answers = [
            "0.1 ok ret=0 error=untouched wVersion=0x0202",
            "0.2 ok ret=-1 error=10014 optval= optlen=null",
            "0.3 ok ret=0 error=0 lpcbBytesReturned=0 lpvOutBuffer=null completion=0,0 overlapped=0x0,0x0",
            "0.4 ok ret=-1 error=10014 lpcbBytesReturned=null lpvOutBuffer=cc completion=none",
            "0.5 skipped reason=not-reproducible message=a real stack: cannot",
            "0.6 not-pending ret=-1 error=10035 state=connected",
        ];
        let steps = answers
            .iter()
            .enumerate()
            .map(|(i, a)| StepRecord {
                index: i,
                call: "WSAIoctl".into(),
                c: "WSAIoctl(s, ...)".into(),
                request: format!("0.{} WSAIoctl s=@s", i + 1),
                answer: RawAnswer::parse(a).unwrap(),
            })
            .collect();
        Trace { header, steps }
    }

    #[test]
    fn round_trips() {
        let t = sample();
        let text = t.to_jsonl();
        let back = Trace::parse(&text).unwrap();
        assert_eq!(back.header, t.header);
        assert_eq!(back.steps.len(), t.steps.len());
        for (a, b) in back.steps.iter().zip(&t.steps) {
            let mut fa = a.answer.fields.clone();
            let mut fb = b.answer.fields.clone();
            fa.sort();
            fb.sort();
            assert_eq!(fa, fb);
            assert_eq!(a.answer.status, b.answer.status);
            assert_eq!(a.answer.message, b.answer.message);
            assert_eq!(a.request, b.request);
        }
        assert!(text.starts_with("{\"backend\":\"wine\""));
        assert!(text.contains("\"completion\":{\"bytes\":0,\"error\":0}"));
        assert!(text.contains("\"error\":\"untouched\""));
    }

    #[test]
    fn checks_versions() {
        let text = sample()
            .to_jsonl()
            .replacen("\"format_version\":1", "\"format_version\":2", 1);
        let e = Trace::parse(&text).unwrap_err();
        assert!(e.contains("format_version 2"), "{e}");
        let text = sample()
            .to_jsonl()
            .replacen("\"protocol\":1", "\"protocol\":3", 1);
        assert!(Trace::parse(&text)
            .unwrap_err()
            .contains("protocol version 3"));
        assert!(Trace::parse("").is_err());
        let long = format!("{}\n", "x".repeat(MAX_LINE_BYTES + 1));
        assert!(Trace::parse(&long)
            .unwrap_err()
            .contains("line 1: longer than"));
    }

    #[test]
    fn paths() {
        let p = trace_path(Path::new("t"), "wine-8.0", "win11", "scenarios/x/y.yaml");
        assert_eq!(p, Path::new("t/wine-8.0/win11/scenarios/x/y.trace.jsonl"));
        let p = trace_path(Path::new("t"), "a/b", "10.0.1", "../../etc/y.yaml");
        assert_eq!(p, Path::new("t/a_b/10.0.1/etc/y.trace.jsonl"));
    }
}
