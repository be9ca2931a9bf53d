//! The JSON Schema of `wsoracle schema` against the loader: every file of `scenarios/`
//! validates; each file of a set of wrong ones is rejected by both the schema and the loader;
//! and, call by call, the schema accepts exactly the expectation fields the loader accepts.
//!
//! The validator below implements the part of JSON Schema draft 07 the schema uses, and a test
//! checks that the schema uses no keyword outside that part, so nothing is skipped silently.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use fancy_regex::Regex;
use serde_json::{json, Value};
use wsoracle::scenario::json_schema::expect_fields;
use wsoracle::scenario::schema::CALL_KEYS;
use wsoracle::scenario::{discover, json_schema, Scenario};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---- a small draft-07 validator ----------------------------------------------------------------

/// The keywords the validator checks, and the annotations it may ignore.
const CHECKED: &[&str] = &[
    "$ref",
    "type",
    "enum",
    "const",
    "pattern",
    "minLength",
    "minimum",
    "maximum",
    "required",
    "properties",
    "additionalProperties",
    "propertyNames",
    "minProperties",
    "dependencies",
    "items",
    "minItems",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "if",
    "then",
    "else",
];
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "title",
    "description",
    "default",
    "definitions",
    "format",
];

struct Validator<'a> {
    root: &'a Value,
    regexes: RefCell<BTreeMap<String, Regex>>,
}

impl<'a> Validator<'a> {
    fn new(root: &'a Value) -> Self {
        Validator {
            root,
            regexes: RefCell::new(BTreeMap::new()),
        }
    }

    fn matches(&self, pattern: &str, text: &str) -> bool {
        let mut cache = self.regexes.borrow_mut();
        let re = cache
            .entry(pattern.to_string())
            .or_insert_with(|| Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}")));
        re.is_match(text).unwrap_or(false)
    }

    fn resolve(&self, reference: &str) -> &'a Value {
        let name = reference
            .strip_prefix("#/definitions/")
            .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
        &self.root["definitions"][name]
    }

    /// Ok, or the first reason `v` does not validate against `schema`, with its path.
    fn check(&self, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
        let s = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => return Err(format!("{at}: nothing is allowed here")),
            Value::Object(s) => s,
            other => panic!("not a schema: {other}"),
        };
        let fail = |why: String| Err(format!("{at}: {why}"));
        if let Some(Value::String(r)) = s.get("$ref") {
            self.check(self.resolve(r), v, at)?;
        }
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                Value::String(one) => vec![one.as_str()],
                Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                _ => panic!("bad type {t}"),
            };
            if !types.iter().any(|t| has_type(v, t)) {
                return fail(format!("{v} is not of type {types:?}"));
            }
        }
        if let Some(Value::Array(options)) = s.get("enum") {
            if !options.iter().any(|o| same(o, v)) {
                return fail(format!("{v} is none of {}", Value::Array(options.clone())));
            }
        }
        if let Some(c) = s.get("const") {
            if !same(c, v) {
                return fail(format!("{v} is not {c}"));
            }
        }
        if let Value::String(text) = v {
            if let Some(Value::String(p)) = s.get("pattern") {
                if !self.matches(p, text) {
                    return fail(format!("{text:?} does not match {p}"));
                }
            }
            if let Some(n) = s.get("minLength").and_then(Value::as_u64) {
                if (text.chars().count() as u64) < n {
                    return fail(format!("{text:?} is shorter than {n}"));
                }
            }
        }
        if let Some(x) = v.as_f64() {
            if let Some(min) = s.get("minimum").and_then(Value::as_f64) {
                if x < min {
                    return fail(format!("{v} is below {min}"));
                }
            }
            if let Some(max) = s.get("maximum").and_then(Value::as_f64) {
                if x > max {
                    return fail(format!("{v} is above {max}"));
                }
            }
        }
        if let Value::Object(map) = v {
            if let Some(Value::Array(req)) = s.get("required") {
                for r in req.iter().filter_map(Value::as_str) {
                    if !map.contains_key(r) {
                        return fail(format!("`{r}` is required"));
                    }
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, value) in map {
                let here = format!("{at}/{k}");
                if let Some(p) = props.and_then(|p| p.get(k)) {
                    self.check(p, value, &here)?;
                } else if let Some(extra) = s.get("additionalProperties") {
                    if extra == &Value::Bool(false) {
                        return fail(format!("unknown key `{k}`"));
                    }
                    self.check(extra, value, &here)?;
                }
                if let Some(names) = s.get("propertyNames") {
                    self.check(names, &Value::String(k.clone()), &here)?;
                }
            }
            if let Some(n) = s.get("minProperties").and_then(Value::as_u64) {
                if (map.len() as u64) < n {
                    return fail(format!("fewer than {n} keys"));
                }
            }
            if let Some(Value::Object(deps)) = s.get("dependencies") {
                for (k, dep) in deps {
                    if map.contains_key(k) {
                        match dep {
                            Value::Array(keys) => {
                                for d in keys.iter().filter_map(Value::as_str) {
                                    if !map.contains_key(d) {
                                        return fail(format!("`{k}` needs `{d}`"));
                                    }
                                }
                            }
                            schema => self
                                .check(schema, v, at)
                                .map_err(|e| format!("{e} (because of `{k}`)"))?,
                        }
                    }
                }
            }
        }
        if let Value::Array(items) = v {
            if let Some(n) = s.get("minItems").and_then(Value::as_u64) {
                if (items.len() as u64) < n {
                    return fail(format!("fewer than {n} items"));
                }
            }
            if let Some(item) = s.get("items") {
                for (i, x) in items.iter().enumerate() {
                    self.check(item, x, &format!("{at}/{i}"))?;
                }
            }
        }
        if let Some(Value::Array(all)) = s.get("allOf") {
            for sub in all {
                self.check(sub, v, at)?;
            }
        }
        if let Some(Value::Array(any)) = s.get("anyOf") {
            let errors: Vec<String> = any
                .iter()
                .filter_map(|sub| self.check(sub, v, at).err())
                .collect();
            if errors.len() == any.len() {
                return fail(format!("no alternative fits: {}", errors.join(" | ")));
            }
        }
        if let Some(Value::Array(one)) = s.get("oneOf") {
            let fits = one
                .iter()
                .filter(|sub| self.check(sub, v, at).is_ok())
                .count();
            if fits != 1 {
                return fail(format!("{fits} alternatives fit, exactly one must"));
            }
        }
        if let Some(not) = s.get("not") {
            if self.check(not, v, at).is_ok() {
                return fail("matches a forbidden schema".into());
            }
        }
        if let Some(cond) = s.get("if") {
            let branch = if self.check(cond, v, at).is_ok() {
                s.get("then")
            } else {
                s.get("else")
            };
            if let Some(b) = branch {
                self.check(b, v, at)?;
            }
        }
        Ok(())
    }

    fn validate(&self, v: &Value) -> Result<(), String> {
        self.check(self.root, v, "")
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        other => panic!("unknown type {other}"),
    }
}

/// JSON equality, with numbers compared by value (1 and 1.0 are the same).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Every keyword of `schema` (recursively), for the check that the validator knows them all.
fn keywords(schema: &Value, out: &mut Vec<String>) {
    let Value::Object(s) = schema else { return };
    for (k, v) in s {
        out.push(k.clone());
        match k.as_str() {
            "properties" | "definitions" | "dependencies" => {
                for sub in v.as_object().into_iter().flat_map(|m| m.values()) {
                    keywords(sub, out);
                }
            }
            "anyOf" | "oneOf" | "allOf" => {
                for sub in v.as_array().into_iter().flatten() {
                    keywords(sub, out);
                }
            }
            "items" | "additionalProperties" | "propertyNames" | "not" | "if" | "then" | "else" => {
                keywords(v, out)
            }
            _ => {}
        }
    }
}

// ---- the schema against the loader ------------------------------------------------------------

fn schema() -> Value {
    json_schema()
}

/// A YAML document as the JSON an editor validates (YAML 1.2: `0x10` is an integer).
fn as_json(yaml: &str) -> Value {
    let docs = yaml_rust2::YamlLoader::load_from_str(yaml)
        .unwrap_or_else(|e| panic!("not YAML ({e}):\n{yaml}"));
    docs.first().map_or(Value::Null, yaml_to_json)
}

fn yaml_to_json(y: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::Real(r) => r
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(r.clone()), Value::Number),
        Yaml::Integer(i) => json!(i),
        Yaml::String(s) => json!(s),
        Yaml::Boolean(b) => json!(b),
        Yaml::Array(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Hash(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(i) => i.to_string(),
                        Yaml::Real(r) => r.clone(),
                        Yaml::Boolean(b) => b.to_string(),
                        other => panic!("unsupported key {other:?}"),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Yaml::Null => Value::Null,
        other => panic!("unsupported YAML node {other:?}"),
    }
}

#[test]
fn the_schema_uses_only_keywords_the_validator_checks() {
    let mut found = Vec::new();
    keywords(&schema(), &mut found);
    found.sort();
    found.dedup();
    let unknown: Vec<&String> = found
        .iter()
        .filter(|k| !CHECKED.contains(&k.as_str()) && !ANNOTATIONS.contains(&k.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "keywords the validator does not check: {unknown:?}"
    );
}

#[test]
fn every_file_of_the_corpus_validates() {
    let schema = schema();
    let v = Validator::new(&schema);
    let files = discover(&root().join("scenarios")).expect("scenarios/");
    assert!(files.len() > 10);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        if let Err(e) = v.validate(&as_json(&text)) {
            panic!("{}: {e}", f.display());
        }
    }
}

const HEAD: &str = "name: wrong\nprofiles: [win11]\nsteps:\n  - WSAStartup: {}\n  - socket: {af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}\n    as: s\n";

/// Files with one mistake each, and what the mistake is.
fn wrong_files() -> Vec<(&'static str, String)> {
    let step = |s: &str| format!("{HEAD}{s}");
    vec![
        ("unknown top-level key", format!("{HEAD}expct: {{}}\n")),
        ("no name", "steps:\n  - WSAStartup: {}\n".into()),
        ("no steps", "name: x\n".into()),
        ("a newer format", format!("format: 2\n{HEAD}")),
        ("unknown fidelity", format!("fidelity: observd\n{HEAD}")),
        ("no profile", "name: x\nprofiles: []\nsteps:\n  - WSAStartup: {}\n".into()),
        ("unknown profile", "name: x\nprofiles: [winxx]\nsteps:\n  - WSAStartup: {}\n".into()),
        ("partial version as a profile", "name: x\nprofiles: [\"6.0\"]\nsteps:\n  - WSAStartup: {}\n".into()),
        ("unknown registry value", format!("registry: {{KeepAliveTyme: 1}}\n{HEAD}")),
        ("unknown step key", step("  - WSACleanup: {}\n    expct: {ret: 0}\n")),
        ("two calls in one step", step("  - WSACleanup: {}\n    closesocket: {s: s}\n")),
        ("no call in a step", step("  - expect: {ret: 0}\n")),
        ("a null call", step("  - WSACleanup:\n")),
        ("unknown call", step("  - closesock: {s: s}\n")),
        ("missing argument", step("  - socket: {af: AF_INET, type: SOCK_STREAM}\n")),
        ("unknown argument", step("  - closesocket: {s: s, how: 1}\n")),
        ("unknown level", step("  - getsockopt: {s: s, level: SOL_SOCKETT, optname: SO_KEEPALIVE}\n")),
        ("unknown optname", step("  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIV}\n")),
        ("an optname as the level", step("  - getsockopt: {s: s, level: SO_KEEPALIVE, optname: SO_KEEPALIVE}\n")),
        ("unknown address family", step("  - socket: {af: AF_INETT, type: SOCK_STREAM, protocol: IPPROTO_TCP}\n")),
        ("unknown control code", step("  - WSAIoctl: {s: s, dwIoControlCode: SIO_KEEPALIVE}\n")),
        ("unknown error name", step("  - closesocket: {s: s}\n    expect: {error: WSAEFAULTT}\n")),
        ("an empty error list", step("  - closesocket: {s: s}\n    expect: {error: []}\n")),
        ("unknown return word", step("  - closesocket: {s: s}\n    expect: {ret: SOCKET_ERR}\n")),
        ("not hex", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: \"0g 00\"}\n")),
        ("odd hex", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: \"012\"}\n")),
        ("?? in an input buffer", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: \"01 ??\"}\n")),
        ("a bare number as a buffer", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: 1}\n")),
        ("unknown buffer form", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {dwrd: 1}}\n")),
        ("a buffer form with two keys", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {dword: 1, bytes: 4}}\n")),
        ("a null pointer written as {pointer: 0}", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {pointer: 0}, optlen: 4}\n")),
        ("too large a buffer", step("  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {bytes: 100000}}\n")),
        ("an incomplete tcp_keepalive", step("  - WSAIoctl: {s: s, dwIoControlCode: SIO_KEEPALIVE_VALS, lpvInBuffer: {tcp_keepalive: {onoff: 1}}}\n")),
        ("a duration without a unit", step("  - advance: 5\n")),
        ("a duration with an unknown unit", step("  - advance: 5x\n")),
        ("unknown peer answer", step("  - connect: {s: s, peer: accept}\n")),
        ("unknown peer state", step("  - peer: {s: s, state: dead}\n")),
        ("an empty condition", step("  - condition: {}\n")),
        ("`as` on a call that returns no socket", step("  - closesocket: {s: s}\n    as: t\n")),
        ("a field that does not apply: optval on socket", step("  - closesocket: {s: s}\n    expect: {optval: \"00\"}\n")),
        ("a field that does not apply: error on WSAStartup", step("  - WSAStartup: {}\n    expect: {error: 0}\n")),
        ("a field that does not apply: ret on advance", step("  - advance: 1s\n    expect: {ret: 0}\n")),
        ("a field that does not apply, in expect_on", step("  - closesocket: {s: s}\n    expect_on:\n      win11: {state: idle}\n")),
        ("unknown expectation field", step("  - closesocket: {s: s}\n    expect: {rett: 0}\n")),
        ("unknown keep-alive state", step("  - keepalive_status: {s: s}\n    expect: {state: asleep}\n")),
        ("unknown expect_on key", step("  - closesocket: {s: s}\n    expect_on:\n      winxx: {ret: 0}\n")),
        ("a bad hex pattern", step("  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE}\n    expect: {optval: \"0?\"}\n")),
        ("not an integer", step("  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optlen: four}\n")),
        ("an option name at a level that does not define it", step("  - getsockopt: {s: s, level: SOL_SOCKET, optname: TCP_KEEPCNT}\n")),
        ("an option name at a level written as its number", step("  - getsockopt: {s: s, level: 6, optname: SO_KEEPALIVE}\n")),
        ("a linger with an unknown field", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_LINGER, optval: {linger: {l_onoff: 1, l_linger: 2, l_extra: 3}}}\n")),
        ("a linger without l_linger", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_LINGER, optval: {linger: {l_onoff: 1}}}\n")),
        ("an ip_mreq with a bad address", step("  - setsockopt: {s: s, level: IPPROTO_IP, optname: IP_ADD_MEMBERSHIP, optval: {ip_mreq: {imr_multiaddr: \"224.0.0\", imr_interface: \"0.0.0.0\"}}}\n")),
        ("unknown process key", format!("process: {{admin: true}}\n{HEAD}")),
    ]
}

#[test]
fn each_wrong_file_is_rejected_by_the_schema_and_the_loader() {
    let schema = schema();
    let v = Validator::new(&schema);
    let mut problems = Vec::new();
    for (what, yaml) in wrong_files() {
        if Scenario::from_yaml_str("wrong.yaml", &yaml).is_ok() {
            problems.push(format!("the loader accepts: {what}"));
        }
        if v.validate(&as_json(&yaml)).is_ok() {
            problems.push(format!("the schema accepts: {what}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Files that use each form right, which both must accept.
fn right_files() -> Vec<(&'static str, String)> {
    let step = |s: &str| format!("{HEAD}{s}");
    vec![
        ("the base of the wrong files", HEAD.to_string()),
        ("a linger", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_LINGER, optval: {linger: {l_onoff: 1, l_linger: 2}}}\n")),
        ("an ip_mreq", step("  - setsockopt: {s: s, level: IPPROTO_IP, optname: IP_ADD_MEMBERSHIP, optval: {ip_mreq: {imr_multiaddr: \"224.0.0.1\", imr_interface: \"0.0.0.0\"}}}\n")),
        ("an ipv6_mreq", step("  - setsockopt: {s: s, level: IPPROTO_IPV6, optname: IPV6_ADD_MEMBERSHIP, optval: {ipv6_mreq: {ipv6mr_multiaddr: \"ff02::1\", ipv6mr_interface: 0}}}\n")),
        ("an alias at its level", step("  - getsockopt: {s: s, level: IPPROTO_TCP, optname: TCP_KEEPIDLE}\n")),
        ("a level by number", step("  - getsockopt: {s: s, level: 0xffff, optname: SO_KEEPALIVE}\n")),
        ("an integer optname at any level", step("  - getsockopt: {s: s, level: SOL_SOCKET, optname: 16}\n")),
        ("an option name at a level that is no name", step("  - getsockopt: {s: s, level: 0x1234, optname: SO_KEEPALIVE}\n")),
        ("an elevated process", format!("process: {{elevated: true}}\n{HEAD}")),
        ("hex with spaces anywhere", step("  - setsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: \"0 1 00 0000\"}\n")),
        ("a buffer of bytes as hex text", step("  - getsockopt: {s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: {bytes: \"0x4\"}}\n")),
        ("every expect_on key form", format!("{}  - closesocket: {{s: s}}\n    expect_on:\n      win11: {{ret: 0}}\n      10.0.26100: {{ret: 0}}\n      ..6.0: {{ret: 0}}\n      vista..win10-1703: {{ret: 0}}\n      10.0.15063..: {{ret: 0}}\n", HEAD.replace("profiles: [win11]", "profiles: [winxp, vista, win10-1607, win11]"))),
    ]
}

#[test]
fn each_right_file_is_accepted_by_the_schema_and_the_loader() {
    let schema = schema();
    let v = Validator::new(&schema);
    let mut problems = Vec::new();
    for (what, yaml) in right_files() {
        if let Err(e) = Scenario::from_yaml_str("right.yaml", &yaml) {
            problems.push(format!("the loader rejects {what}: {e}"));
        }
        if let Err(e) = v.validate(&as_json(&yaml)) {
            problems.push(format!("the schema rejects {what}: {e}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One valid step per call key (after HEAD's WSAStartup and socket `s`).
fn sample_step(key: &str) -> String {
    let args = match key {
        "WSAStartup" | "WSACleanup" => "{}",
        "socket" => "{af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}",
        "ioctlsocket" => "{s: s, cmd: FIONBIO, argp: 1}",
        "connect" => "{s: s, peer: accepts}",
        "setsockopt" => "{s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE, optval: \"01 00 00 00\"}",
        "getsockopt" => "{s: s, level: SOL_SOCKET, optname: SO_KEEPALIVE}",
        "condition" => "{network: up}",
        "WSAIoctl" => "{s: s, dwIoControlCode: FIONBIO}",
        "advance" => "1s",
        "peer" => "{s: s, state: silent}",
        "sendto" => "{s: s, to: \"127.0.0.1:5000\"}",
        _ => "{s: s}",
    };
    format!("  - {key}: {args}\n")
}

/// A value of the right type for each expectation field.
const FIELD_SAMPLES: &[(&str, &str)] = &[
    ("ret", "INVALID_SOCKET"),
    ("error", "0"),
    ("optval", "\"01 00 00 00\""),
    ("optlen", "4"),
    ("lpcbBytesReturned", "0"),
    ("lpvOutBuffer", "\"\""),
    ("completion", "null"),
    ("completions", "[]"),
    ("enabled", "true"),
    ("idle_ms", "1"),
    ("interval_ms", "1"),
    ("probe_count", "1"),
    ("probes_sent", "0"),
    ("state", "idle"),
    ("dropped_at", "null"),
    ("name", "\"127.0.0.1:5000\""),
    ("from", "\"127.0.0.1:5000\""),
];

#[test]
fn schema_and_loader_agree_on_the_fields_each_call_checks() {
    let schema = schema();
    let v = Validator::new(&schema);
    let mut disagreements = Vec::new();
    for key in CALL_KEYS {
        let plain = format!("{HEAD}{}", sample_step(key));
        assert!(
            Scenario::from_yaml_str("x.yaml", &plain).is_ok(),
            "the sample step of {key} loads"
        );
        v.validate(&as_json(&plain))
            .unwrap_or_else(|e| panic!("the sample step of {key}: {e}"));
        for (field, sample) in FIELD_SAMPLES {
            let yaml = format!("{plain}    expect: {{{field}: {sample}}}\n");
            let loader = Scenario::from_yaml_str("x.yaml", &yaml).is_ok();
            let schema_ok = v.validate(&as_json(&yaml)).is_ok();
            let documented = expect_fields(key).contains(field);
            if loader != schema_ok || loader != documented {
                disagreements.push(format!(
                    "{key} + {field}: loader {loader}, schema {schema_ok}, expect_fields {documented}"
                ));
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn the_validator_rejects_what_it_should() {
    let s = json!({
        "type": "object",
        "required": ["a"],
        "additionalProperties": false,
        "properties": {"a": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^x+$"}]}},
        "oneOf": [{"required": ["a"]}, {"required": ["b"]}]
    });
    let v = Validator::new(&s);
    assert!(v.validate(&json!({"a": 1})).is_ok());
    assert!(v.validate(&json!({"a": "xx"})).is_ok());
    assert!(v.validate(&json!({"a": "y"})).is_err());
    assert!(v.validate(&json!({"a": 1, "c": 2})).is_err());
    assert!(v.validate(&json!({})).is_err());
}
