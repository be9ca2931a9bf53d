//! What the IPPROTO_IP and IPPROTO_IPV6 descriptors share: the per-socket-kind fit with its
//! WSAEINVAL, and availability as the pages' support tables give it (doc:D-IP, doc:D-IP6) or,
//! where no source gives a first version, from the newest preset on (assumption A51).
//!
//! Wine's `test_sockopt_validity` (wine-mirror/wine `dlls/ws2_32/tests/sock.c`, run on real
//! Windows 7 to 11) reads every IP-level option on a fresh TCP, UDP and raw socket and sets back
//! what it read; an option that does not fit the kind answers WSAEINVAL, and every row also
//! accepts WSAENOPROTOOPT from builds older than the option (options:O400–O585).

use crate::codes::{Level, OptName};
use crate::outcome::Reason;
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Rule, Source::Assumption as A, Source::Doc as D, Source::Options as O,
};
use crate::sockopt::def::{base, Availability, KindFit, OptionDef, Since, Sockets};
use crate::sockopt::rules::IP_WRONG_SOCKET;
use crate::version::{threshold, WindowsVersion};

rules! {
    UNAVAILABLE = "sockopt.ip.unavailable", Documented,
        "the option is not in the IPPROTO_IP / IPPROTO_IPV6 page's support table for this version: WSAENOPROTOOPT",
        [D("D-IP"), D("D-IP6")];
    UNPINNED = "sockopt.ip.unpinned", Inferred,
        "no source gives the option's first version: present on the newest preset, WSAENOPROTOOPT before (the answer Wine's validity test accepts from older builds)",
        [O("O401"), O("O427"), O("O458"), A("A51")];
    OBSERVED_EARLIER = "sockopt.ip.observed-earlier", Inferred,
        "the page lists the option later than the conformance tests show it (every Windows 7+ build): present from Vista on, WSAENOPROTOOPT before",
        [O("O112"), O("O110"), O("O228"), D("D-IP"), A("A52")];
}

/// An IP-level option that fits the socket kinds `fit`, refusing the others with WSAEINVAL.
pub(crate) const fn ip(
    level: Level,
    optname: OptName,
    name: &'static str,
    fit: KindFit,
    set: &'static Rule,
    get: &'static Rule,
) -> OptionDef {
    OptionDef {
        sockets: Sockets::Ip(fit),
        wrong_socket: (Reason::InvalidArgument, &IP_WRONG_SOCKET),
        ..base(level, optname, name, set, get)
    }
}

/// Present from `v` on, as the page's table says (both fidelities).
pub(crate) const fn since(v: WindowsVersion) -> Availability {
    Availability {
        observed: Since::From(v),
        documented: Since::From(v),
        missing: &UNAVAILABLE,
    }
}

/// No source gives the first version (assumption A51).
pub(crate) const UNPINNED_SINCE: Availability = Availability {
    observed: Since::From(threshold::NEWEST_PRESET),
    documented: Since::From(threshold::NEWEST_PRESET),
    missing: &UNPINNED,
};

/// Observed from Vista on (assumption A52); documented from `doc` (or never, when the page does
/// not list it: `None`).
pub(crate) const fn observed_from_vista(doc: Option<WindowsVersion>) -> Availability {
    Availability {
        observed: Since::From(threshold::VISTA),
        documented: match doc {
            Some(v) => Since::From(v),
            None => Since::From(threshold::VISTA),
        },
        missing: &OBSERVED_EARLIER,
    }
}
