//! Windows versions as data, the named presets, and the thresholds that version-dependent rules
//! are keyed on. Any version gets an answer: a rule asks "is this version at or above the
//! threshold?", never "is this one of the presets?".

use core::fmt;
use core::str::FromStr;

/// A Windows version: major, minor, build and an optional update build revision (UBR).
///
/// Versions order by (major, minor, build, ubr); a missing UBR sorts before any UBR, so
/// `10.0.19044` is the first version of build 19044.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct WindowsVersion {
    pub major: u32,
    pub minor: u32,
    pub build: u32,
    pub ubr: Option<u32>,
}

impl WindowsVersion {
    pub const fn new(major: u32, minor: u32, build: u32) -> Self {
        WindowsVersion {
            major,
            minor,
            build,
            ubr: None,
        }
    }

    pub const fn with_ubr(self, ubr: u32) -> Self {
        WindowsVersion {
            ubr: Some(ubr),
            ..self
        }
    }

    /// True when this version is at or above `threshold`.
    pub fn at_least(self, threshold: WindowsVersion) -> bool {
        self >= threshold
    }

    /// The preset with exactly this version, if any.
    pub fn preset(self) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.version == self)
    }

    /// The preset name for this version, or the dotted version.
    pub fn label(self) -> String {
        match self.preset() {
            Some(p) => p.name.to_string(),
            None => self.to_string(),
        }
    }
}

impl fmt::Display for WindowsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.build)?;
        if let Some(ubr) = self.ubr {
            write!(f, ".{ubr}")?;
        }
        Ok(())
    }
}

/// Why a version string could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseVersionError(pub String);

impl fmt::Display for ParseVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for WindowsVersion {
    type Err = ParseVersionError;

    /// Reads a preset name (`winxp`) or `MAJOR.MINOR.BUILD[.UBR]`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(p) = Preset::by_name(s) {
            return Ok(p.version);
        }
        let parts: Vec<&str> = s.split('.').collect();
        if !(3..=4).contains(&parts.len()) {
            return Err(ParseVersionError(format!(
                "`{s}` is neither a preset ({}) nor a version MAJOR.MINOR.BUILD[.UBR]",
                Preset::names().collect::<Vec<_>>().join(", ")
            )));
        }
        let mut nums = [0u32; 4];
        for (i, part) in parts.iter().enumerate() {
            nums[i] = part.parse().map_err(|_| {
                ParseVersionError(format!("`{part}` in `{s}` is not a whole number"))
            })?;
        }
        let v = WindowsVersion::new(nums[0], nums[1], nums[2]);
        Ok(if parts.len() == 4 {
            v.with_ubr(nums[3])
        } else {
            v
        })
    }
}

/// A named version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    pub name: &'static str,
    pub version: WindowsVersion,
    pub description: &'static str,
}

impl Preset {
    pub fn by_name(name: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.name == name)
    }

    pub fn names() -> impl Iterator<Item = &'static str> {
        PRESETS.iter().map(|p| p.name)
    }
}

/// The presets of the scenario contract, oldest first.
pub static PRESETS: &[Preset] = &[
    Preset {
        name: "win2000",
        version: WindowsVersion::new(5, 0, 2195),
        description: "Windows 2000",
    },
    Preset {
        name: "winxp",
        version: WindowsVersion::new(5, 1, 2600),
        description: "Windows XP",
    },
    Preset {
        name: "win2003",
        version: WindowsVersion::new(5, 2, 3790),
        description: "Windows Server 2003",
    },
    Preset {
        name: "vista",
        version: WindowsVersion::new(6, 0, 6002),
        description: "Windows Vista (the page's \"Windows Vista and later\")",
    },
    Preset {
        name: "win7",
        version: WindowsVersion::new(6, 1, 7601),
        description: "Windows 7 SP1",
    },
    Preset {
        name: "win10-1607",
        version: WindowsVersion::new(10, 0, 14393),
        description: "Windows 10 1607, Server 2016",
    },
    Preset {
        name: "win10-1703",
        version: WindowsVersion::new(10, 0, 15063),
        description: "Windows 10 1703",
    },
    Preset {
        name: "win10-1709",
        version: WindowsVersion::new(10, 0, 16299),
        description: "Windows 10 1709",
    },
    Preset {
        name: "win10-21h2",
        version: WindowsVersion::new(10, 0, 19044),
        description: "Windows 10 21H2",
    },
    Preset {
        name: "ws2022",
        version: WindowsVersion::new(10, 0, 20348),
        description: "Windows Server 2022",
    },
    Preset {
        name: "win11",
        version: WindowsVersion::new(10, 0, 26100),
        description: "Windows 11 24H2, Server 2025",
    },
];

/// The version thresholds the rules are keyed on. Each names its evidence; a threshold the
/// evidence does not pin says so and is listed in `docs/assumptions.md`.
pub mod threshold {
    use super::WindowsVersion;

    /// Windows 2000: the page's minimum supported client and server (so_keepalive#42a54-179,
    /// so_keepalive#42a54-181). Earlier versions are outside the model.
    pub const WIN2000: WindowsVersion = WindowsVersion::new(5, 0, 0);

    /// Windows Vista (NT 6.0): the page's "Windows Vista and later" (so_keepalive#42a54-142,
    /// 163, 169); the one-byte BOOLEAN of getsockopt (wine:K03, observed on 7 and later, Vista
    /// by inference: assumption A01).
    pub const VISTA: WindowsVersion = WindowsVersion::new(6, 0, 0);

    /// Windows XP: the first version of several options in the option pages' tables (doc:D-SOL,
    /// doc:D-IP), and the last of the pre-Server 2003 address-reuse rules (doc:D-REUSE).
    pub const WINXP: WindowsVersion = WindowsVersion::new(5, 1, 0);

    /// Windows Server 2003 (NT 5.2): "enhanced socket security", the second of the address-reuse
    /// tables (doc:D-REUSE).
    pub const SERVER_2003: WindowsVersion = WindowsVersion::new(5, 2, 0);

    /// Windows 7 / Server 2008 R2: SO_PORT_SCALABILITY (doc:D-SOL).
    pub const WIN7: WindowsVersion = WindowsVersion::new(6, 1, 0);

    /// Windows 10: SO_REUSE_UNICASTPORT, SO_REUSE_MULTICASTPORT (doc:D-SOL), TCP_MAXSEG
    /// (doc:D-GET), and the larger default socket buffers users report (esnet/iperf#658).
    pub const WIN10: WindowsVersion = WindowsVersion::new(10, 0, 0);

    /// Windows 10 1607: TCP_FASTOPEN (doc:D-TCP).
    pub const WIN10_1607: WindowsVersion = WindowsVersion::new(10, 0, 14393);

    /// Windows 10 1703: `TCP_KEEPCNT` (wine:T07; the IPPROTO_TCP page's support table).
    pub const WIN10_1703: WindowsVersion = WindowsVersion::new(10, 0, 15063);

    /// Windows 10 1709: `TCP_KEEPINTVL` and the documented `TCP_KEEPIDLE` (wine:T07; the
    /// IPPROTO_TCP page's support table).
    pub const WIN10_1709: WindowsVersion = WindowsVersion::new(10, 0, 16299);

    /// setsockopt with optlen −1 answers WSAENOBUFS instead of WSAEFAULT (Wine's test:
    /// "broken between Win7 and Win10 21H1"). Builds 19041–19045 share binaries, so the real
    /// change is an update; the model keys it on build 19044 (21H2): assumption A02.
    pub const OPTLEN_NEGATIVE_ENOBUFS: WindowsVersion = WindowsVersion::new(10, 0, 19044);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_in_version_order() {
        for pair in PRESETS.windows(2) {
            assert!(
                pair[0].version < pair[1].version,
                "{} !< {}",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn parses_names_and_versions() {
        assert_eq!(
            "winxp".parse::<WindowsVersion>().unwrap(),
            WindowsVersion::new(5, 1, 2600)
        );
        assert_eq!(
            "10.0.19045.3803".parse::<WindowsVersion>().unwrap(),
            WindowsVersion::new(10, 0, 19045).with_ubr(3803)
        );
        assert!("10.0".parse::<WindowsVersion>().is_err());
        assert!("win12".parse::<WindowsVersion>().is_err());
        assert!("10.0.x".parse::<WindowsVersion>().is_err());
    }

    #[test]
    fn a_ubr_sorts_after_the_bare_build() {
        let bare = WindowsVersion::new(10, 0, 19044);
        assert!(bare.with_ubr(1) > bare);
        assert!(bare
            .with_ubr(1)
            .at_least(threshold::OPTLEN_NEGATIVE_ENOBUFS));
        assert!(!WindowsVersion::new(10, 0, 19043)
            .with_ubr(9999)
            .at_least(bare));
    }
}
