//! The JSON Schema that `wsoracle schema` prints, for editors: the schema generated from the
//! file types ([`crate::schema`]), tightened so that it catches what the loader catches wherever
//! JSON Schema (draft 07) can say it:
//!
//! - the names of every vocabulary (levels, option names, address families, socket types,
//!   protocols, control codes, WSA errors, return values), besides integers;
//! - integers written as text (`0x10`), hex buffers, hex patterns with `??`, durations, profile
//!   names and versions, `expect_on` keys (names, versions, ranges);
//! - exactly one call per step, `as` only on `socket` and `accept`, and for each call only the
//!   expectation fields that apply to it;
//! - no unknown key anywhere, no null where the loader wants a value.
//!
//! What it cannot say stays the loader's: a name bound earlier, lengths against buffers, numeric
//! ranges of names, empty ranges. `tests/schema.rs` checks it against the corpus and a set of
//! wrong files, and that it agrees with the loader on which expectation fields each call takes.

use serde_json::{json, Map, Value};
use wsoracle_model::codes::{AddressFamily, IoctlCode, Level, OptName, Protocol, SocketType};
use wsoracle_model::{WsaError, PRESETS};

use crate::schema::CALL_KEYS;
use crate::values::{Vocabulary, MAX_BUFFER};

/// An integer written as text: decimal or `0x` hex, optionally negative.
pub const INT_TEXT: &str = r"^\s*-?(0[xX][0-9a-fA-F_]+|[0-9]+)\s*$";
/// Hex bytes, spaces anywhere (`"01 00 00 00"`, `"01000000"`).
pub const HEX: &str = r"^\s*([0-9a-fA-F]\s*[0-9a-fA-F]\s*)*$";
/// Hex bytes where `??` matches any byte.
pub const HEX_PATTERN: &str = r"^\s*(([0-9a-fA-F]\s*[0-9a-fA-F]|\?\s*\?)\s*)*$";
/// A duration: integers with units, `2h5s`.
pub const DURATION: &str = r"^\s*([0-9]+(ms|s|m|h|d))+\s*$";
/// A dotted IPv4 address.
pub const IPV4: &str = r"^([0-9]{1,3}\.){3}[0-9]{1,3}$";

/// One alternative of the generated `Buffer`: hex gets its pattern; a map form takes exactly
/// its one key, `{dword: N}` any integer form, `{bytes: N}` at most [`MAX_BUFFER`].
fn tighten_buffer_form(form: &mut Value) {
    let Some(f) = form.as_object_mut() else {
        return;
    };
    if f.get("type") == Some(&json!("string")) {
        f.insert("pattern".into(), json!(HEX));
        return;
    }
    let Some(props) = f.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    if props.contains_key("dword") {
        props.insert("dword".into(), ref_to("Integer"));
    }
    if props.contains_key("bytes") {
        props.insert(
            "bytes".into(),
            json!({"anyOf": [
                {"type": "integer", "minimum": 0, "maximum": MAX_BUFFER},
                {"type": "string", "pattern": INT_TEXT}
            ]}),
        );
    }
    f.insert("additionalProperties".into(), json!(false));
}

/// For each named level, the option names it defines: `if` the step's level is that name or
/// number, `then` its optname is one of them or an integer. (At a level written as text such
/// as "0x6", or at a level that is no name, the loader's own rules apply; the schema leaves it.)
fn options_per_level() -> Vec<Value> {
    let mut rules = Vec::new();
    for (level, level_name, _) in Level::NAMED {
        let mut names: Vec<&str> = wsoracle_model::codes::OPTION_NAMES
            .iter()
            .filter(|o| o.level == *level)
            .map(|o| o.name)
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            continue;
        }
        rules.push(json!({
            "if": {"required": ["level"], "properties": {"level": {"enum": [level_name, level.0]}}},
            "then": {"properties": {"optname": {"anyOf": [
                {"type": "integer"},
                {"type": "string", "pattern": INT_TEXT},
                {"enum": names}
            ]}}}
        }));
    }
    rules
}

/// The expectation fields a step may check, by call key: the loader's rule, restated.
pub fn expect_fields(call_key: &str) -> Vec<&'static str> {
    let mut f = Vec::new();
    let not_winsock = [
        "incoming",
        "complete_connect",
        "condition",
        "advance",
        "peer",
        "peer_sends",
        "keepalive_status",
    ];
    if !not_winsock.contains(&call_key) || call_key == "complete_connect" {
        f.push("ret");
        if call_key != "WSAStartup" {
            f.push("error");
        }
    }
    match call_key {
        "getsockopt" | "setsockopt" => f.extend(["optval", "optlen"]),
        "WSAIoctl" => f.extend(["lpcbBytesReturned", "lpvOutBuffer", "completion"]),
        "keepalive_status" => f.extend([
            "enabled",
            "idle_ms",
            "interval_ms",
            "probe_count",
            "probes_sent",
            "state",
            "dropped_at",
        ]),
        "getsockname" | "getpeername" => f.push("name"),
        "recvfrom" => f.push("from"),
        _ => {}
    }
    f.push("completions");
    f
}

fn ref_to(name: &str) -> Value {
    json!({ "$ref": format!("#/definitions/{name}") })
}

/// A vocabulary: an integer, an integer as text, or one of its names.
fn vocabulary<T: Vocabulary>(what: &str) -> Value {
    let mut names = T::names();
    names.sort_unstable();
    names.dedup();
    json!({
        "description": format!("A {what}: a Winsock name or an integer (decimal or 0x hex)."),
        "anyOf": [
            {"type": "integer"},
            {"type": "string", "pattern": INT_TEXT},
            {"enum": names},
        ]
    })
}

fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

/// `expect_on` keys: a preset, a version, or a range `A..B` whose ends are presets or partial
/// versions, either optional.
fn profile_key_pattern() -> String {
    let presets = preset_names()
        .iter()
        .map(|n| n.replace('-', "\\-"))
        .collect::<Vec<_>>()
        .join("|");
    let version = r"[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?";
    let bound = format!(r"\s*({presets}|[0-9]+(\.[0-9]+){{0,3}})?\s*");
    format!(r"^(({presets})|{version}|{bound}\.\.{bound})$")
}

fn definitions(root: &mut Value) -> &mut Map<String, Value> {
    root.get_mut("definitions")
        .and_then(Value::as_object_mut)
        .expect("schemars writes a definitions object") // the generator's own output
}

/// Sets `definitions.<def>.properties.<prop>` to `schema`.
fn set_property(defs: &mut Map<String, Value>, def: &str, prop: &str, schema: Value) {
    if let Some(p) = defs
        .get_mut(def)
        .and_then(|d| d.get_mut("properties"))
        .and_then(Value::as_object_mut)
    {
        p.insert(prop.to_string(), schema);
    }
}

/// The schema `wsoracle schema` prints.
pub fn strict_schema() -> Value {
    let generated = schemars::schema_for!(crate::schema::ScenarioFile);
    let mut root = serde_json::to_value(generated).unwrap_or(Value::Null);
    if !root.is_object() {
        return root;
    }
    let defs = definitions(&mut root);

    // Vocabularies, each with its names.
    defs.insert("Level".into(), vocabulary::<Level>("level"));
    defs.insert("OptName".into(), vocabulary::<OptName>("option name"));
    defs.insert(
        "AddressFamily".into(),
        vocabulary::<AddressFamily>("address family"),
    );
    defs.insert("SocketType".into(), vocabulary::<SocketType>("socket type"));
    defs.insert("Protocol".into(), vocabulary::<Protocol>("protocol"));
    defs.insert("IoctlCode".into(), vocabulary::<IoctlCode>("control code"));
    defs.insert("WsaError".into(), vocabulary::<WsaError>("WSA error"));
    set_property(defs, "SocketArgs", "af", ref_to("AddressFamily"));
    set_property(defs, "SocketArgs", "type", ref_to("SocketType"));
    set_property(defs, "SocketArgs", "protocol", ref_to("Protocol"));
    set_property(defs, "SockoptArgs", "level", ref_to("Level"));
    set_property(defs, "SockoptArgs", "optname", ref_to("OptName"));
    set_property(defs, "IoctlsocketArgs", "cmd", ref_to("IoctlCode"));
    set_property(
        defs,
        "WsaIoctlArgsFile",
        "dwIoControlCode",
        ref_to("IoctlCode"),
    );

    // Plain values.
    defs.insert(
        "Integer".into(),
        json!({
            "description": "An integer, decimal or 0x hex (also as text).",
            "anyOf": [{"type": "integer"}, {"type": "string", "pattern": INT_TEXT}]
        }),
    );
    defs.insert(
        "ErrorSet".into(),
        json!({
            "description": "WSAGetLastError() after the call: a name, a number, 0, or a list meaning any one of them.",
            "anyOf": [
                ref_to("WsaError"),
                {"type": "array", "minItems": 1, "items": ref_to("WsaError")}
            ]
        }),
    );
    defs.insert(
        "Ret".into(),
        json!({
            "description": "An int, SOCKET_ERROR, INVALID_SOCKET or pending.",
            "anyOf": [
                {"type": "integer"},
                {"type": "string", "pattern": INT_TEXT},
                {"enum": ["SOCKET_ERROR", "INVALID_SOCKET", "pending"]}
            ]
        }),
    );
    defs.insert(
        "SocketRef".into(),
        json!({
            "description": "A name bound earlier with `as`, INVALID_SOCKET, or an integer.",
            "anyOf": [{"type": "integer"}, {"type": "string", "minLength": 1}]
        }),
    );
    defs.insert(
        "Duration".into(),
        json!({
            "description": "An integer and a unit (ms, s, m, h, d), or a sum of them: 2h5s.",
            "type": "string",
            "pattern": DURATION
        }),
    );
    defs.insert(
        "HexPattern".into(),
        json!({
            "description": "Hex bytes of the whole buffer after the call; `??` matches any byte.",
            "type": "string",
            "pattern": HEX_PATTERN
        }),
    );
    // Buffers: the generated forms (hex, null, {dword}, {bytes}, {tcp_keepalive}, {linger},
    // {ip_mreq}, {ipv6_mreq}, {pointer}), each made exact: hex digits in pairs, one key per map.
    if let Some(forms) = defs
        .get_mut("Buffer")
        .and_then(|b| b.get_mut("anyOf"))
        .and_then(Value::as_array_mut)
    {
        for form in forms.iter_mut() {
            tighten_buffer_form(form);
        }
    }
    if let Some(p) = defs
        .get_mut("IpMreqFields")
        .and_then(|d| d.get_mut("properties"))
        .and_then(Value::as_object_mut)
    {
        for field in ["imr_multiaddr", "imr_interface"] {
            p.insert(field.into(), json!({"type": "string", "pattern": IPV4}));
        }
    }
    defs.insert(
        "IntPointer".into(),
        json!({
            "description": "The int the pointer points to, null for a NULL pointer, or {pointer: N}.",
            "anyOf": [ref_to("Integer"), {"type": "null"}, ref_to("Pointer")]
        }),
    );
    defs.insert(
        "Pointer".into(),
        json!({
            "description": "An integer passed as the pointer (memory the caller does not own); 0 is `null`.",
            "type": "object",
            "required": ["pointer"],
            "additionalProperties": false,
            "properties": {"pointer": {"anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "pattern": INT_TEXT}
            ]}}
        }),
    );
    if let Some(args) = defs.get_mut("SockoptArgs").and_then(Value::as_object_mut) {
        args.insert("allOf".into(), Value::Array(options_per_level()));
    }
    if let Some(c) = defs.get_mut("ConditionArgs").and_then(Value::as_object_mut) {
        c.insert("minProperties".into(), json!(1));
    }

    // Steps: exactly one call key, never null; `as` only on socket and accept; per call, the
    // expectation fields that apply.
    let mut per_call = Vec::new();
    if let Some(step) = defs.get_mut("StepFile").and_then(Value::as_object_mut) {
        if let Some(props) = step.get_mut("properties").and_then(Value::as_object_mut) {
            for key in CALL_KEYS {
                if let Some(p) = props.get_mut(*key) {
                    // `anyOf: [{$ref}, {type: null}]` → the `$ref` alone.
                    if let Some(first) = p.get("anyOf").and_then(|a| a.get(0)).cloned() {
                        *p = first;
                    }
                }
            }
            props.insert(
                "as".into(),
                json!({"description": "Binds the SOCKET that `socket` or `accept` returns to a name.",
                       "type": "string", "minLength": 1}),
            );
        }
        step.insert(
            "oneOf".into(),
            Value::Array(CALL_KEYS.iter().map(|k| json!({"required": [k]})).collect()),
        );
        step.insert(
            "dependencies".into(),
            json!({"as": {"anyOf": [{"required": ["socket"]}, {"required": ["accept"]}]}}),
        );
        for key in CALL_KEYS {
            let fields = expect_fields(key);
            per_call.push(json!({
                "if": {"required": [key]},
                "then": {"properties": {
                    "expect": {"anyOf": [{"type": "null"}, {"propertyNames": {"enum": fields}}]},
                    "expect_on": {"anyOf": [
                        {"type": "null"},
                        {"additionalProperties": {"propertyNames": {"enum": fields}}}
                    ]}
                }}
            }));
        }
        step.insert("allOf".into(), Value::Array(per_call));
        if let Some(on) = step
            .get_mut("properties")
            .and_then(|p| p.get_mut("expect_on"))
            .and_then(Value::as_object_mut)
        {
            on.insert(
                "propertyNames".into(),
                json!({"pattern": profile_key_pattern()}),
            );
        }
    }

    // The file: the format version, profile names and versions.
    let top = root.as_object_mut().expect("checked above");
    if let Some(props) = top.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert(
            "format".into(),
            json!({"description": "The format version (default 1); a newer one is a load error.",
                   "anyOf": [{"enum": [1]}, {"type": "string", "pattern": r"^\s*0*1\s*$"}]}),
        );
        props.insert(
            "profiles".into(),
            json!({"description": "Preset names or MAJOR.MINOR.BUILD[.UBR]; default: every preset.",
            "type": ["array", "null"],
            "minItems": 1,
            "items": {"anyOf": [
                {"enum": preset_names()},
                {"type": "string", "pattern": r"^[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?$"}
            ]}}),
        );
    }
    root
}
