//! Where every answer comes from: fidelity, the basis of a rule, and the sources it cites.

use core::fmt;

/// Which truth the oracle answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Fidelity {
    /// What real Windows does, as far as the evidence goes; the documented answer, marked
    /// unverified, where there is no observed evidence.
    #[default]
    Observed,
    /// What the Microsoft documentation promises.
    Documented,
}

impl Fidelity {
    pub const ALL: [Fidelity; 2] = [Fidelity::Observed, Fidelity::Documented];

    pub fn other(self) -> Fidelity {
        match self {
            Fidelity::Observed => Fidelity::Documented,
            Fidelity::Documented => Fidelity::Observed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Fidelity::Observed => "observed",
            Fidelity::Documented => "documented",
        }
    }

    pub fn from_name(s: &str) -> Option<Fidelity> {
        match s {
            "observed" => Some(Fidelity::Observed),
            "documented" => Some(Fidelity::Documented),
            _ => None,
        }
    }
}

impl fmt::Display for Fidelity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of knowledge a rule rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Basis {
    /// Observed on real Windows by a conformance test (the evidence file, its primary sources).
    Observed,
    /// Observed on neighbouring versions or options and extended to this case by inference.
    Inferred,
    /// Stated by Microsoft's documentation, not verified on real Windows.
    Documented,
    /// The sources are silent; the model chose. Written in `docs/assumptions.md`.
    Assumption,
    /// The oracle's own convention (the timeline), not a claim about Windows.
    Convention,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Observed => "observed",
            Basis::Inferred => "inferred",
            Basis::Documented => "documented",
            Basis::Assumption => "assumption",
            Basis::Convention => "convention",
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of evidence a rule cites.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// A clause of the seed page: `so_keepalive#42a54-172`.
    Clause(&'static str),
    /// A fact of `docs/evidence-keepalive.md`: `wine:K08`.
    Evidence(&'static str),
    /// A fact of `docs/evidence-primary.md`, read from the primary sources: `primary:P03`.
    Primary(&'static str),
    /// Another Microsoft page, by the key `docs/sources.md` gives it: `doc:D-TCP`.
    Doc(&'static str),
    /// A choice written in `docs/assumptions.md`: `assumption:A01`.
    Assumption(&'static str),
    /// A convention of the scenario contract: `convention:timeline`.
    Convention(&'static str),
    /// A socket-option case observed on real Windows, `docs/evidence-options.md`: `options:O203`.
    Options(&'static str),
    /// A public issue where users report what Windows did (`report:tokio-rs/mio#1120`), listed in
    /// `docs/evidence-options.md`, "What users hit".
    Report(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Clause(id) => write!(f, "so_keepalive#{id}"),
            Source::Evidence(id) => write!(f, "wine:{id}"),
            Source::Primary(id) => write!(f, "primary:{id}"),
            Source::Doc(id) => write!(f, "doc:{id}"),
            Source::Assumption(id) => write!(f, "assumption:{id}"),
            Source::Convention(id) => write!(f, "convention:{id}"),
            Source::Options(id) => write!(f, "options:{id}"),
            Source::Report(id) => write!(f, "report:{id}"),
        }
    }
}

/// A rule of the model: the unit that produces an outcome, with the evidence behind it.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// A stable dotted id, e.g. `getsockopt.keepalive.boolean`.
    pub id: &'static str,
    pub basis: Basis,
    /// One line, in the oracle's words.
    pub summary: &'static str,
    pub sources: &'static [Source],
}

impl Rule {
    /// How the basis reads for an answer given under `fidelity`: an answer given from the
    /// documentation alone under `observed` fidelity is marked unverified.
    pub fn basis_label(&self, fidelity: Fidelity) -> &'static str {
        match (self.basis, fidelity) {
            (Basis::Documented, Fidelity::Observed) => "documented, unverified on real Windows",
            (basis, _) => basis.as_str(),
        }
    }

    /// True when the rule cites this source.
    pub fn cites(&self, source: &Source) -> bool {
        self.sources.contains(source)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}", self.id, self.basis)?;
        for (i, s) in self.sources.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { ", " })?;
            write!(f, "{s}")?;
        }
        f.write_str("]")
    }
}

/// Declares each rule as a `pub static` and lists them all in `ALL`.
macro_rules! rules {
    ( $( $name:ident = $id:literal, $basis:expr, $summary:literal, [ $($src:expr),* $(,)? ]; )* ) => {
        $( pub static $name: $crate::provenance::Rule = $crate::provenance::Rule { id: $id, basis: $basis, summary: $summary, sources: &[ $($src),* ] }; )*
        /// Every rule, in declaration order.
        #[allow(dead_code)]
        pub static ALL: &[&$crate::provenance::Rule] = &[ $( &$name, )* ];
    };
}
pub(crate) use rules;
