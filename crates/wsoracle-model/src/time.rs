//! Virtual time. Nothing in the model reads a clock: time is a value the caller passes in.

use core::fmt;
use core::str::FromStr;

/// A span of virtual time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u64);

/// A point of virtual time: milliseconds since the scenario's time zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub u64);

/// The largest duration the contract allows: 2^63 − 1 ms.
pub const MAX_MS: u64 = i64::MAX as u64;

impl Duration {
    pub const ZERO: Duration = Duration(0);

    pub const fn from_millis(ms: u64) -> Self {
        Duration(ms)
    }

    pub const fn from_secs(s: u64) -> Self {
        Duration(s.saturating_mul(1000))
    }

    pub const fn as_millis(self) -> u64 {
        self.0
    }
}

impl Instant {
    pub const ZERO: Instant = Instant(0);

    /// `self + d`, saturating at the largest representable instant.
    pub fn saturating_add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(d.0))
    }

    pub fn since_zero(self) -> Duration {
        Duration(self.0)
    }
}

const UNITS: [(&str, u64); 5] = [
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

impl fmt::Display for Duration {
    /// Prints the largest units first, e.g. `2h5s`, `1d2h`, `250ms`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, ms) in UNITS {
            let n = rest / ms;
            if n > 0 {
                write!(f, "{n}{unit}")?;
                rest -= n * ms;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}", Duration(self.0))
    }
}

/// Why a duration could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDurationError(pub String);

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Duration {
    type Err = ParseDurationError;

    /// Reads an integer and a unit (`ms`, `s`, `m`, `h`, `d`), or a sum of them (`2h5s`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why: &str| {
            ParseDurationError(format!(
                "`{s}` is not a duration: {why} (write an integer and a unit ms, s, m, h or d, or a sum such as 2h5s)"
            ))
        };
        let text = s.trim();
        if text.is_empty() {
            return Err(err("it is empty"));
        }
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut total: u64 = 0;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if start == i {
                return Err(err("a unit must follow a number"));
            }
            let n: u64 = text[start..i]
                .parse()
                .map_err(|_| err("a number is too large"))?;
            let ustart = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let unit = &text[ustart..i];
            let ms = match unit {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                "" => return Err(err("a number has no unit")),
                _ => return Err(err(&format!("unknown unit `{unit}`"))),
            };
            total = n
                .checked_mul(ms)
                .and_then(|v| total.checked_add(v))
                .filter(|v| *v <= MAX_MS)
                .ok_or_else(|| err("it is longer than 2^63-1 ms"))?;
        }
        Ok(Duration(total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_compare_by_value() {
        assert_eq!(
            "7205s".parse::<Duration>().unwrap(),
            "2h5s".parse::<Duration>().unwrap()
        );
        assert_eq!("1d".parse::<Duration>().unwrap(), Duration(86_400_000));
        assert_eq!("250ms".parse::<Duration>().unwrap(), Duration(250));
        assert_eq!(Duration(7_205_000).to_string(), "2h5s");
        assert_eq!(Duration(0).to_string(), "0s");
    }

    #[test]
    fn bad_durations_are_errors() {
        for bad in [
            "",
            "5",
            "h",
            "5x",
            "9223372036854775808ms",
            "106751991167301d",
        ] {
            assert!(bad.parse::<Duration>().is_err(), "{bad}");
        }
        assert_eq!(
            "9223372036854775807ms".parse::<Duration>().unwrap().0,
            MAX_MS
        );
    }
}
