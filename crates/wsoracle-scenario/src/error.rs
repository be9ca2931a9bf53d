//! Load and run errors: each names the file, the line and column, what is wrong and what would
//! be right.

use core::fmt;
use std::path::PathBuf;

use crate::positions::Pos;
use crate::values::closest;

/// A scenario that cannot be loaded, or a step used wrongly (exit status 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub file: PathBuf,
    pub pos: Pos,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl ScenarioError {
    pub fn new(file: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.into(),
            pos,
            message: message.into(),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.pos.line,
            self.pos.column,
            self.message
        )
    }
}

impl std::error::Error for ScenarioError {}

/// serde says "unknown field `expcet`, expected one of `a`, `b`"; add the closest valid key.
pub(crate) fn improve_unknown_field(message: String) -> String {
    let Some(start) = message.find("unknown field `") else {
        return message;
    };
    let rest = &message[start + "unknown field `".len()..];
    let Some(end) = rest.find('`') else {
        return message;
    };
    let unknown = &rest[..end];
    let valid: Vec<&str> = rest[end + 1..].split('`').skip(1).step_by(2).collect();
    let mut out = message.replace("unknown field", "unknown key");
    if unknown.to_ascii_lowercase().starts_with("expect") && !valid.contains(&unknown) {
        out.push_str("; expectations are written `expect:` or `expect_on:`");
    }
    if let Some(best) = closest(unknown, valid.iter().copied()) {
        out = format!("{out}; did you mean `{best}`?");
    } else if valid.is_empty() {
        out.push_str("; this map takes no keys");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_get_the_closest_valid_key() {
        let msg = improve_unknown_field(
            "steps[0]: unknown field `expcet`, expected one of `as`, `expect`, `expect_on`".into(),
        );
        assert!(msg.contains("did you mean `expect`?"), "{msg}");
        assert!(msg.contains("unknown key `expcet`"), "{msg}");
    }
}
