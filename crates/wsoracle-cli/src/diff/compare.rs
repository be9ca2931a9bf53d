//! Field-by-field comparison of the model's results with a backend's.

use wsoracle_model::WsaError;

use super::proto::{hex, Completion, LastError, Ptr, Results, RetVal};

/// One field where the two sides differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDiff {
    /// `ret`, `error`, `optval`, `optlen`, `lpcbBytesReturned`, `lpvOutBuffer`, `completion`.
    pub field: &'static str,
    pub model: String,
    pub backend: String,
}

/// The fields compared, in report order.
pub const FIELDS: &[&str] = &[
    "ret",
    "error",
    "optval",
    "optlen",
    "lpcbBytesReturned",
    "lpvOutBuffer",
    "completion",
];

pub fn show_error(e: LastError) -> String {
    match e {
        LastError::Untouched => "untouched".to_string(),
        LastError::Code(n) => match WsaError(n).name() {
            Some(name) => format!("{name} ({n})"),
            None => n.to_string(),
        },
    }
}

pub fn show_ret(r: RetVal) -> String {
    match r {
        RetVal::Int(-1) => "SOCKET_ERROR".to_string(),
        RetVal::Int(n) => n.to_string(),
        RetVal::Handle { valid: false, .. } => "INVALID_SOCKET".to_string(),
        RetVal::Handle { valid: true, .. } => "a socket".to_string(),
        RetVal::Pending => "pending".to_string(),
    }
}

fn show_buf(b: &Ptr<Vec<u8>>) -> String {
    match b {
        Ptr::Null => "NULL".to_string(),
        Ptr::Bad(p) => format!("pointer {p:#x}"),
        Ptr::Value(v) if v.is_empty() => "(0 bytes)".to_string(),
        Ptr::Value(v) => v
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

pub fn show_completion(c: Completion) -> String {
    match c {
        Completion::None => "none".to_string(),
        Completion::Pending => "pending".to_string(),
        Completion::Done { error, bytes } => format!(
            "{{error: {}, bytes: {bytes}}}",
            show_error(LastError::Code(error))
        ),
    }
}

/// Two return values agree; handles are opaque, so only their validity counts.
fn same_ret(a: RetVal, b: RetVal) -> bool {
    match (a, b) {
        (RetVal::Handle { valid: x, .. }, RetVal::Handle { valid: y, .. }) => x == y,
        (RetVal::Handle { valid, .. }, RetVal::Int(n))
        | (RetVal::Int(n), RetVal::Handle { valid, .. }) => valid == (n != -1),
        (x, y) => x == y,
    }
}

fn field<T: PartialEq>(
    out: &mut Vec<FieldDiff>,
    name: &'static str,
    model: &Option<T>,
    backend: &Option<T>,
    same: impl Fn(&T, &T) -> bool,
    show: impl Fn(&T) -> String,
) {
    // A field only one side gives is not compared (the model has no wVersion, the probe no
    // completion for a call that has none).
    if let (Some(m), Some(b)) = (model, backend) {
        if !same(m, b) {
            out.push(FieldDiff {
                field: name,
                model: show(m),
                backend: show(b),
            });
        }
    }
}

/// Every field both sides give and on which they differ.
pub fn compare(model: &Results, backend: &Results) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    field(
        &mut out,
        "ret",
        &model.ret,
        &backend.ret,
        |a, b| same_ret(*a, *b),
        |r| show_ret(*r),
    );
    field(
        &mut out,
        "error",
        &model.error,
        &backend.error,
        |a, b| a == b,
        |e| show_error(*e),
    );
    field(
        &mut out,
        "optval",
        &model.optval,
        &backend.optval,
        |a, b| a == b,
        show_buf,
    );
    field(
        &mut out,
        "optlen",
        &model.optlen,
        &backend.optlen,
        |a, b| a == b,
        |v| v.to_string(),
    );
    field(
        &mut out,
        "lpcbBytesReturned",
        &model.bytes_returned,
        &backend.bytes_returned,
        |a, b| a == b,
        |v| match v {
            Ptr::Null => "NULL".to_string(),
            Ptr::Bad(p) => format!("pointer {p:#x}"),
            Ptr::Value(n) if *n >= 0x1000_0000 => format!("{n:#x}"),
            Ptr::Value(n) => n.to_string(),
        },
    );
    field(
        &mut out,
        "lpvOutBuffer",
        &model.out_buffer,
        &backend.out_buffer,
        |a, b| a == b,
        show_buf,
    );
    field(
        &mut out,
        "completion",
        &model.completion,
        &backend.completion,
        |a, b| a == b,
        |c| show_completion(*c),
    );
    out
}

/// A one-line rendering of results, for reports: `SOCKET_ERROR, WSAEFAULT (10014), optlen 0`.
pub fn summary(r: &Results) -> String {
    let mut parts = Vec::new();
    if let Some(v) = r.ret {
        parts.push(format!("ret {}", show_ret(v)));
    }
    if let Some(e) = r.error {
        parts.push(format!("error {}", show_error(e)));
    }
    if let Some(b) = &r.optval {
        parts.push(format!("optval {}", show_buf(b)));
    }
    if let Some(v) = &r.optlen {
        parts.push(format!("optlen {v}"));
    }
    if let Some(v) = &r.bytes_returned {
        parts.push(format!("*lpcbBytesReturned {v}"));
    }
    if let Some(b) = &r.out_buffer {
        parts.push(format!("lpvOutBuffer {}", show_buf(b)));
    }
    if let Some(c) = r.completion {
        parts.push(format!("completion {}", show_completion(c)));
    }
    parts.join(", ")
}

/// Hex of a buffer for JSON (`null` for NULL, `{"pointer": N}` for an integer passed as the
/// pointer).
pub fn buf_json(b: &Ptr<Vec<u8>>) -> serde_json::Value {
    match b {
        Ptr::Null => serde_json::Value::Null,
        Ptr::Bad(p) => serde_json::json!({ "pointer": p }),
        Ptr::Value(v) => serde_json::Value::String(hex(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_only_what_both_sides_give() {
        let model = Results {
            ret: Some(RetVal::Int(-1)),
            error: Some(LastError::Code(10042)),
            optval: Some(Ptr::Value(vec![0xcc; 4])),
            optlen: Some(Ptr::Value(4)),
            ..Results::default()
        };
        let backend = Results {
            ret: Some(RetVal::Int(0)),
            error: Some(LastError::Code(0)),
            optval: Some(Ptr::Value(vec![1, 0xcc, 0xcc, 0xcc])),
            optlen: Some(Ptr::Value(4)),
            completion: Some(Completion::None),
            ..Results::default()
        };
        let d = compare(&model, &backend);
        let names: Vec<_> = d.iter().map(|f| f.field).collect();
        assert_eq!(names, ["ret", "error", "optval"]);
        assert_eq!(d[1].model, "WSAENOPROTOOPT (10042)");
        assert_eq!(d[2].backend, "01 cc cc cc");
    }

    #[test]
    fn handles_are_opaque() {
        let m = Results {
            ret: Some(RetVal::Handle {
                valid: true,
                raw: 0,
            }),
            error: Some(LastError::Untouched),
            ..Results::default()
        };
        let b = Results {
            ret: Some(RetVal::Handle {
                valid: true,
                raw: 52,
            }),
            error: Some(LastError::Untouched),
            ..Results::default()
        };
        assert!(compare(&m, &b).is_empty());
        let b = Results {
            ret: Some(RetVal::Handle {
                valid: false,
                raw: -1,
            }),
            error: Some(LastError::Code(10093)),
            ..Results::default()
        };
        assert_eq!(compare(&m, &b).len(), 2);
    }
}
