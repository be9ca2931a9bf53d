//! The seed specification's clauses (`docs/seed-clauses.md`) and the evidence ids the
//! oracle knows, so that docs and tests can check every normative clause is implemented and
//! covered. Paraphrases are the oracle's own words.

/// One clause of the seed page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clause {
    /// The segment id, e.g. `42a54-172`; cite as `so_keepalive#42a54-172`.
    pub id: &'static str,
    /// True when the clause states behaviour the oracle must reproduce.
    pub normative: bool,
    /// What the clause says, in the oracle's words.
    pub paraphrase: &'static str,
}

macro_rules! clauses {
    ( $( $id:literal $n:ident $text:literal; )* ) => {
        /// Every clause of the seed page, in page order.
        pub static CLAUSES: &[Clause] = &[ $( Clause { id: $id, normative: clauses!(@n $n), paraphrase: $text }, )* ];
    };
    (@n N) => { true };
    (@n I) => { false };
}

clauses! {
    "42a54-103" I "Title: the SO_KEEPALIVE socket option.";
    "42a54-104" I "The option lets an application turn on keep-alive packets for a connection.";
    "42a54-105" I "getsockopt reads the option.";
    "42a54-106" I "setsockopt sets the option.";
    "42a54-107" I "Heading: the option's value.";
    "42a54-108" N "SO_KEEPALIVE is the number 0x0008.";
    "42a54-109" I "Heading: syntax.";
    "42a54-110" I "Heading: parameters.";
    "42a54-111" I "Parameter s.";
    "42a54-112" I "s names the socket.";
    "42a54-113" I "Parameter level.";
    "42a54-114" I "level is where the option is defined.";
    "42a54-115" N "The level is SOL_SOCKET.";
    "42a54-116" I "Parameter optname.";
    "42a54-117" I "optname is the option to set.";
    "42a54-118" N "The option name is SO_KEEPALIVE.";
    "42a54-119" I "Parameter optval.";
    "42a54-120" I "optval points to the value.";
    "42a54-121" N "The buffer must hold at least a DWORD.";
    "42a54-122" N "The value is a boolean: zero disables, anything else enables.";
    "42a54-123" I "Parameter optlen.";
    "42a54-124" I "optlen points to the buffer's size in bytes.";
    "42a54-125" N "That size must be at least the size of a DWORD.";
    "42a54-126" I "Heading: return value.";
    "42a54-127" N "Success returns 0.";
    "42a54-128" N "Failure returns SOCKET_ERROR; WSAGetLastError gives the code.";
    "42a54-129" I "Heading: error code.";
    "42a54-130" I "Heading: meaning.";
    "42a54-131" I "WSANOTINITIALISED.";
    "42a54-132" N "Before a successful WSAStartup the call fails with WSANOTINITIALISED.";
    "42a54-133" I "WSAENETDOWN.";
    "42a54-134" N "A failed network subsystem gives WSAENETDOWN.";
    "42a54-135" I "WSAEFAULT.";
    "42a54-136" N "An optval or optlen pointer outside the user address space gives WSAEFAULT.";
    "42a54-137" N "So does an optlen smaller than a DWORD.";
    "42a54-138" I "WSAEINPROGRESS.";
    "42a54-139" N "A Winsock 1.1 blocking call in progress, or a provider busy in a callback, gives WSAEINPROGRESS.";
    "42a54-140" I "WSAEINVAL.";
    "42a54-141" N "An unknown or invalid level gives WSAEINVAL.";
    "42a54-142" N "From Vista on, a socket in a transitional state also gives WSAEINVAL.";
    "42a54-143" I "WSAENOPROTOOPT.";
    "42a54-144" N "An option the protocol family does not know or support gives WSAENOPROTOOPT.";
    "42a54-145" N "So does a datagram socket.";
    "42a54-146" I "WSAENOTSOCK.";
    "42a54-147" N "A handle that is not a socket gives WSAENOTSOCK.";
    "42a54-148" I "Heading: remarks.";
    "42a54-149" N "getsockopt reads whether keep-alive is on.";
    "42a54-150" I "To turn keep-alive on, an application just calls setsockopt.";
    "42a54-151" N "setsockopt turns keep-alive packets on for a connection.";
    "42a54-152" N "Keep-alive is off on a new socket.";
    "42a54-153" N "With keep-alive on, TCP sends keep-alive packets when nothing has been received on the connection for an interval.";
    "42a54-154" I "RFC 1122 section 4.2.3.6 describes keep-alive.";
    "42a54-155" I "(The RFC may be in English only.)";
    "42a54-156" N "The option applies only to connection-oriented protocols.";
    "42a54-157" N "TCP's defaults: 2 hours of idleness before the first probe, 1 second between probes.";
    "42a54-158" N "The default probe count depends on the Windows version.";
    "42a54-159" N "SIO_KEEPALIVE_VALS turns keep-alive on or off and sets the time and interval for one connection.";
    "42a54-160" N "SO_KEEPALIVE uses the system time and interval unless SIO_KEEPALIVE_VALS changed them for the connection.";
    "42a54-161" N "The registry value KeepAliveTime (ms) sets the system-wide time.";
    "42a54-162" N "The registry value KeepAliveInterval (ms) sets the system-wide interval.";
    "42a54-163" N "From Vista on, the probe count is 10 and cannot be changed.";
    "42a54-164" N "On 2000, XP and Server 2003 the default probe count is 5.";
    "42a54-165" N "There, TcpMaxDataRetransmissions and PPTPTcpMaxDataRetransmissions control the count.";
    "42a54-166" N "The count is the larger of the two.";
    "42a54-167" N "A count of 0 sends no probes.";
    "42a54-168" N "A count above 255 is taken as 255.";
    "42a54-169" N "From Vista on, SO_KEEPALIVE can be set only in a well-known state, not a transitional one.";
    "42a54-170" N "For TCP, set it before connect (any connect function) or after the connection completes.";
    "42a54-171" N "After an asynchronous connect, wait for completion before setting it.";
    "42a54-172" N "Setting it while a connection request is in progress fails with WSAEINVAL.";
    "42a54-173" N "On 2000, XP and Server 2003 it can be set during a pending connect as well.";
    "42a54-174" I "Ws2def.h comes in through Winsock2.h and is not included directly.";
    "42a54-175" I "Heading: requirements.";
    "42a54-176" I "Heading: requirement.";
    "42a54-177" I "Heading: value.";
    "42a54-178" I "Minimum supported client.";
    "42a54-179" N "The minimum client is Windows 2000 Professional.";
    "42a54-180" I "Minimum supported server.";
    "42a54-181" N "The minimum server is Windows 2000 Server.";
    "42a54-182" I "Header.";
    "42a54-183" I "Ws2def.h (include Winsock2.h).";
    "42a54-184" I "See also.";
    "42a54-185" I "getsockopt.";
    "42a54-186" I "setsockopt.";
    "42a54-187" I "KeepAliveTime.";
    "42a54-188" I "KeepAliveInterval.";
    "42a54-189" I "PPTPTcpMaxDataRetransmissions.";
    "42a54-190" I "socket.";
    "42a54-191" I "SIO_KEEPALIVE_VALS.";
    "42a54-192" I "TcpMaxDataRetransmissions.";
    "42a54-193" I "WSAGetLastError.";
}

/// The normative clauses.
pub fn normative() -> impl Iterator<Item = &'static Clause> {
    CLAUSES.iter().filter(|c| c.normative)
}

/// The clause with this id (`42a54-172`), if any.
pub fn clause(id: &str) -> Option<&'static Clause> {
    CLAUSES.iter().find(|c| c.id == id)
}

/// The fact ids of `docs/evidence-keepalive.md` (cite as `wine:ID`). Suffixed variants
/// such as `K08.2003` are accepted by [`is_known_citation`].
pub static EVIDENCE_IDS: &[&str] = &[
    "K01", "K02", "K03", "K06", "K07", "K08", "K09", "K11", "K14", "G01", "G02", "G03", "G04",
    "G05", "G06", "G07", "G08", "G09", "G10", "G11", "G12", "T01", "T02", "T03", "T06", "T07",
    "T09", "T10", "S01", "S03", "S06", "S07", "S08", "S09", "S10", "E01", "E05", "E06", "E07",
    "E08", "E09", "E10", "E11", "E13", "E14", "E15", "W01", "W02", "W03", "W04", "W05", "W06",
    "W07", "R01", "R02", "R03", "R04", "D1", "D2", "D3", "D5", "D6", "D7", "D8", "D9", "D10",
];

/// The number of facts in `docs/evidence-primary.md` (cite as `primary:P01` … ).
pub const PRIMARY_FACTS: u32 = 43;

/// Facts of `docs/evidence-primary.md` read for the address rules (bind, connect, getsockname,
/// sendto), numbered from P70.
pub static PRIMARY_ADDRESS_FACTS: &[&str] = &["P70", "P71", "P72", "P73", "P74", "P75"];

/// True when `citation` names a clause, an evidence fact or a primary fact the oracle knows:
/// `so_keepalive#42a54-172`, `wine:K08`, `wine:K08.2003`, `primary:P17`, `options:O203`
/// (an id of [`crate::facts::OPTION_FACTS`]).
pub fn is_known_citation(citation: &str) -> bool {
    if let Some(id) = citation.strip_prefix("options:") {
        return crate::facts::option_fact(id).is_some();
    }
    if let Some(id) = citation.strip_prefix("so_keepalive#") {
        return clause(id).is_some();
    }
    if let Some(id) = citation.strip_prefix("wine:") {
        let base = id.split('.').next().unwrap_or(id);
        return EVIDENCE_IDS.contains(&base);
    }
    if let Some(n) = citation.strip_prefix("primary:P") {
        return n.len() == 2
            && (n
                .parse::<u32>()
                .is_ok_and(|n| (1..=PRIMARY_FACTS).contains(&n))
                || PRIMARY_ADDRESS_FACTS.iter().any(|p| p[1..] == *n));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provenance::Source;

    #[test]
    fn every_normative_clause_is_cited_by_a_rule() {
        for c in normative() {
            assert!(
                crate::catalog::all_rules().any(|r| r.cites(&Source::Clause(c.id))),
                "so_keepalive#{} is cited by no rule",
                c.id
            );
        }
    }

    #[test]
    fn every_cited_clause_and_fact_exists() {
        for r in crate::catalog::all_rules() {
            for s in r.sources {
                match s {
                    Source::Clause(id) => assert!(clause(id).is_some(), "{}: {s}", r.id),
                    Source::Evidence(_) | Source::Primary(_) => {
                        assert!(is_known_citation(&s.to_string()), "{}: {s}", r.id)
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn citations_parse() {
        assert!(is_known_citation("so_keepalive#42a54-172"));
        assert!(!is_known_citation("so_keepalive#42a54-999"));
        assert!(is_known_citation("wine:K08.2003"));
        assert!(!is_known_citation("wine:K04"));
        assert!(is_known_citation("primary:P43"));
        assert!(!is_known_citation("primary:P44"));
        assert!(is_known_citation("options:O203"));
        assert!(!is_known_citation("options:O006"));
    }
}
