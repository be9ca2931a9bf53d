//! Every rule of the model, in one table. An outcome names exactly one of these; `ALL` lets the
//! docs and the coverage tests check that every normative clause is cited by some rule.

use crate::provenance::{Basis, Rule, Source};

use Basis::*;
use Source::{
    Assumption as A, Clause as C, Convention as Conv, Doc as D, Evidence as E, Primary as P,
};

/// Declares each rule as a `pub static` and lists them all in `ALL`.
macro_rules! rules {
    ( $( $name:ident = $id:literal, $basis:expr, $summary:literal, [ $($src:expr),* $(,)? ]; )* ) => {
        $( pub static $name: Rule = Rule { id: $id, basis: $basis, summary: $summary, sources: &[ $($src),* ] }; )*
        /// Every rule, in declaration order.
        pub static ALL: &[&Rule] = &[ $( &$name, )* ];
    };
}

rules! {
    // ---- Process: WSAStartup / WSACleanup -------------------------------------------------
    STARTUP = "WSAStartup.count", Documented,
        "WSAStartup adds one to the process's start-up count and returns 0", [D("WSAStartup")];
    STARTUP_VERSION = "WSAStartup.version", Documented,
        "a requested version below 1.0 fails with WSAVERNOTSUPPORTED", [D("WSAStartup")];
    CLEANUP = "WSACleanup.count", Documented,
        "WSACleanup subtracts one; the last one closes every socket of the process", [D("WSACleanup"), P("P25")];
    CLEANUP_NOT_STARTED = "WSACleanup.not-initialised", Observed,
        "WSACleanup with a count of 0 fails with WSANOTINITIALISED", [E("E11")];
    NOT_INITIALISED = "process.not-initialised", Documented,
        "a call before WSAStartup (or after the last WSACleanup) fails with WSANOTINITIALISED",
        [C("42a54-132"), D("D-SET"), D("D-GET")];
    SOCKET_NOT_INITIALISED = "socket.not-initialised", Observed,
        "socket before WSAStartup returns INVALID_SOCKET with WSANOTINITIALISED", [E("E11")];
    NETWORK_DOWN = "process.network-down", Documented,
        "with the network subsystem failed, the call fails with WSAENETDOWN", [C("42a54-134")];
    IN_PROGRESS = "process.blocking-call-in-progress", Documented,
        "with a Winsock 1.1 blocking call in progress, the call fails with WSAEINPROGRESS", [C("42a54-139")];
    CHECK_ORDER = "process.check-order", Assumption,
        "process-level checks come first: not initialised, then network down, then a blocking call", [A("A03")];
    NOT_A_SOCKET = "handle.not-a-socket", Observed,
        "a closed, never-issued or INVALID_SOCKET handle is not a socket: WSAENOTSOCK, buffers untouched",
        [C("42a54-147"), E("E01"), P("P10"), P("P11"), P("P16"), P("P25")];
    BEFORE_WIN2000 = "version.before-win2000", Documented,
        "the page applies from Windows 2000; earlier versions are not modelled", [C("42a54-179"), C("42a54-181")];

    // ---- Sockets and their states ---------------------------------------------------------
    SOCKET_CREATED = "socket.created", Documented,
        "socket creates a socket in the created state, with SO_KEEPALIVE off", [D("socket"), C("42a54-152")];
    SOCKET_NOT_MODELLED = "socket.not-modelled", Convention,
        "only AF_INET/AF_INET6 stream (TCP) and datagram (UDP) sockets are modelled", [Conv("scope")];
    SOCKET_BAD_PROTOCOL = "socket.bad-protocol", Documented,
        "a protocol that does not fit the type fails with WSAEPROTOTYPE", [D("socket")];
    CLOSESOCKET = "closesocket.ok", Documented,
        "closesocket closes the socket; the handle stops being a socket", [D("closesocket"), E("E01")];
    BIND = "bind.ok", Documented, "bind moves a created socket to bound", [D("bind")];
    BIND_AGAIN = "bind.already-bound", Documented,
        "bind on a socket that is already bound fails with WSAEINVAL", [D("bind")];
    LISTEN = "listen.ok", Observed,
        "listen moves a bound stream socket to listening; a second listen succeeds", [D("listen"), P("P18")];
    LISTEN_NOT_BOUND = "listen.not-bound", Observed,
        "listen on an unbound socket fails with WSAEINVAL", [D("listen"), P("P18")];
    LISTEN_DGRAM = "listen.datagram", Observed,
        "listen on a datagram socket fails with WSAEOPNOTSUPP", [D("listen"), P("P18")];
    LISTEN_CONNECTED = "listen.connected", Documented,
        "listen on a connected or connecting socket fails with WSAEISCONN", [D("listen")];
    INCOMING = "incoming.queued", Convention,
        "a peer's connection waits in the listener's backlog", [Conv("incoming")];
    ACCEPT = "accept.ok", Documented,
        "accept returns a connected socket that inherits the listener's options",
        [D("accept"), P("P17")];
    ACCEPT_WOULDBLOCK = "accept.would-block", Documented,
        "accept on a non-blocking listener with nothing waiting fails with WSAEWOULDBLOCK", [D("accept")];
    ACCEPT_NOT_LISTENING = "accept.not-listening", Documented,
        "accept on a socket that is not listening fails with WSAEINVAL", [D("accept")];
    ACCEPT_DGRAM = "accept.datagram", Documented,
        "accept on a datagram socket fails with WSAEOPNOTSUPP", [D("accept")];
    FIONBIO = "ioctlsocket.fionbio", Documented,
        "ioctlsocket(FIONBIO) selects blocking (0) or non-blocking (non-zero) mode", [D("ioctlsocket")];
    IOCTLSOCKET_NOT_MODELLED = "ioctlsocket.not-modelled", Convention,
        "ioctlsocket commands other than FIONBIO are not modelled", [Conv("scope")];
    CONNECT_OK = "connect.accepted", Documented,
        "a blocking connect to a peer that accepts returns 0 and the socket is connected", [D("connect")];
    CONNECT_REFUSED = "connect.refused", Documented,
        "a connect the peer refuses fails with WSAECONNREFUSED", [D("connect")];
    CONNECT_TIMED_OUT = "connect.timed-out", Documented,
        "a connect the peer never answers fails with WSAETIMEDOUT", [D("connect")];
    CONNECT_WOULDBLOCK = "connect.would-block", Observed,
        "a non-blocking connect returns SOCKET_ERROR/WSAEWOULDBLOCK and the socket is connecting", [E("E13")];
    CONNECT_ALREADY = "connect.already", Observed,
        "connect on a socket whose connect is pending fails with WSAEALREADY", [E("E13")];
    CONNECT_ISCONN = "connect.is-connected", Observed,
        "connect on a connected socket fails with WSAEISCONN", [D("connect"), P("P21")];
    CONNECT_LISTENING = "connect.listening", Documented,
        "connect on a listening socket fails with WSAEINVAL", [D("connect")];
    CONNECT_DGRAM = "connect.datagram", Convention,
        "connect on a datagram socket (setting a default peer) is not modelled", [Conv("scope")];
    COMPLETE_CONNECT = "connect.completed", Convention,
        "a pending connect completes as its peer answers; a failure leaves the error in SO_ERROR",
        [Conv("complete_connect"), D("connect"), P("P20")];

    // ---- setsockopt / getsockopt: common checks -------------------------------------------
    SOCKOPT_LEVEL_UNKNOWN = "sockopt.level-unknown", Observed,
        "an unknown level fails with WSAEINVAL", [C("42a54-141"), E("E05")];
    SOCKOPT_OPTNAME_UNKNOWN = "sockopt.optname-unknown", Observed,
        "an option the level does not know fails with WSAENOPROTOOPT", [C("42a54-144"), E("E06")];
    SOCKOPT_NOT_MODELLED = "sockopt.not-modelled", Convention,
        "a real option outside the model's scope answers not modelled", [Conv("scope")];
    SETSOCKOPT_OPTVAL_BAD_POINTER = "setsockopt.optval-bad-pointer", Inferred,
        "an optval that points outside the address space fails with WSAEFAULT, before the socket is looked up",
        [C("42a54-136"), E("G11"), A("A04")];
    SETSOCKOPT_OPTVAL_NULL = "setsockopt.optval-null", Inferred,
        "a NULL optval fails with WSAEFAULT", [C("42a54-136"), E("G10")];
    OPTLEN_PAST_BUFFER = "sockopt.optlen-past-buffer", Assumption,
        "an optlen larger than the memory optval points to reaches outside the buffer: WSAEFAULT", [C("42a54-136"), A("A05")];
    GETSOCKOPT_OPTLEN_BAD_POINTER = "getsockopt.optlen-bad-pointer", Documented,
        "a NULL or invalid optlen pointer fails with WSAEFAULT", [C("42a54-136")];
    GETSOCKOPT_OPTLEN_NOT_POSITIVE = "getsockopt.optlen-not-positive", Observed,
        "*optlen of 0 or less fails with WSAEFAULT; *optlen and the buffer are left alone",
        [C("42a54-137"), E("K07"), E("G04"), E("G05")];
    GETSOCKOPT_OPTVAL_BAD_POINTER = "getsockopt.optval-bad-pointer", Documented,
        "a NULL or invalid optval fails with WSAEFAULT", [C("42a54-136")];

    // ---- SO_KEEPALIVE -----------------------------------------------------------------------
    KEEPALIVE_DATAGRAM = "so_keepalive.datagram", Documented,
        "SO_KEEPALIVE on a datagram socket fails with WSAENOPROTOOPT",
        [C("42a54-145"), C("42a54-156"), E("K14")];
    KEEPALIVE_SET_OPTLEN_ZERO = "setsockopt.so_keepalive.optlen-zero", Observed,
        "setsockopt(SO_KEEPALIVE) with optlen 0 fails with WSAEFAULT", [C("42a54-137"), E("K06")];
    KEEPALIVE_SET_OPTLEN_SHORT_DOC = "setsockopt.so_keepalive.optlen-short", Documented,
        "an optlen below the size of a DWORD fails with WSAEFAULT",
        [C("42a54-121"), C("42a54-125"), C("42a54-137")];
    KEEPALIVE_SET_OPTLEN_NEGATIVE_EFAULT = "setsockopt.so_keepalive.optlen-negative-efault", Observed,
        "optlen -1 fails with WSAEFAULT (Vista up to Windows 10 21H1)",
        [E("G03"), P("P02"), A("A01"), A("A02")];
    KEEPALIVE_SET_OPTLEN_NEGATIVE_ENOBUFS = "setsockopt.so_keepalive.optlen-negative-enobufs", Observed,
        "optlen -1 fails with WSAENOBUFS (Windows 10 21H2 and later)", [E("G03"), P("P02"), A("A02")];
    KEEPALIVE_SET_OPTLEN_NEGATIVE_2003 = "setsockopt.so_keepalive.optlen-negative-2003", Observed,
        "up to Server 2003 a negative optlen reads the whole DWORD and succeeds",
        [P("P03"), E("G09"), A("A07")];
    KEEPALIVE_SET_CONNECTING = "setsockopt.so_keepalive.connecting", Documented,
        "from Vista on, setting SO_KEEPALIVE while a connect is in progress fails with WSAEINVAL",
        [C("42a54-142"), C("42a54-169"), C("42a54-170"), C("42a54-171"), C("42a54-172")];
    KEEPALIVE_SET_CONNECTING_LEGACY = "setsockopt.so_keepalive.connecting-legacy", Documented,
        "up to Server 2003 SO_KEEPALIVE can be set while a connect is in progress", [C("42a54-173")];
    KEEPALIVE_SET_LOW_BYTE = "setsockopt.so_keepalive.low-byte", Observed,
        "from Vista on, only the first byte of optval counts: 0x100 turns keep-alive off; any optlen of 1 or more is accepted",
        [C("42a54-108"), C("42a54-115"), C("42a54-118"), C("42a54-127"), C("42a54-151"), E("K02"), E("K08"), E("K09"), E("K11"), P("P02"), A("A01")];
    KEEPALIVE_SET_DWORD_LEGACY = "setsockopt.so_keepalive.dword-2003", Observed,
        "up to Server 2003 the whole DWORD (as much of it as optlen gives) is the BOOL: 0x100 turns keep-alive on",
        [C("42a54-127"), C("42a54-151"), E("K08"), E("K09"), P("P03"), A("A07")];
    KEEPALIVE_SET_DOC = "setsockopt.so_keepalive.bool", Documented,
        "optval is a DWORD BOOL: zero disables, non-zero enables; setsockopt returns 0",
        [C("42a54-108"), C("42a54-115"), C("42a54-118"), C("42a54-122"), C("42a54-127"), C("42a54-151")];
    KEEPALIVE_GET_SHORT_DOC = "getsockopt.so_keepalive.optlen-short", Documented,
        "*optlen below the size of a DWORD fails with WSAEFAULT", [C("42a54-125"), C("42a54-137")];
    KEEPALIVE_GET_BOOLEAN = "getsockopt.so_keepalive.boolean", Observed,
        "from Vista on, getsockopt writes one BOOLEAN byte and sets *optlen to 1, whatever the buffer size",
        [C("42a54-105"), C("42a54-149"), C("42a54-152"), E("K01"), E("K03"), E("K08"), E("K09"), E("K11"), P("P02"), P("P30"), A("A01")];
    KEEPALIVE_GET_DWORD_LEGACY = "getsockopt.so_keepalive.dword-2003", Observed,
        "up to Server 2003 getsockopt writes the DWORD BOOL and sets *optlen to 4 from *optlen 4 on; below that it writes *optlen bytes of it and sets 1",
        [C("42a54-105"), C("42a54-149"), E("K03"), E("K08"), E("K09"), E("K11"), P("P03"), A("A07")];
    KEEPALIVE_GET_DOC = "getsockopt.so_keepalive.bool", Documented,
        "getsockopt writes the DWORD BOOL and sets *optlen to 4",
        [C("42a54-105"), C("42a54-122"), C("42a54-127"), C("42a54-149"), C("42a54-152")];
    SO_ERROR_SET = "setsockopt.so_error", Observed,
        "setsockopt(SO_ERROR) stores the value as the pending error", [E("E09")];
    SO_ERROR_GET = "getsockopt.so_error", Observed,
        "getsockopt(SO_ERROR) reads the pending error as a DWORD and does not clear it", [E("E09"), P("P20")];
    SO_ERROR_SHORT = "sockopt.so_error.optlen-short", Observed,
        "SO_ERROR with optlen below 4 fails with WSAEFAULT", [E("E09")];
    FAILURE_RETURNS_SOCKET_ERROR = "call.failure", Documented,
        "a failed call returns SOCKET_ERROR and WSAGetLastError gives the reason; a successful one returns 0 and sets it to 0",
        [C("42a54-127"), C("42a54-128"), E("G12")];

    // ---- Effective keep-alive settings --------------------------------------------------
    KA_IDLE_DEFAULT = "keepalive.idle.default", Documented,
        "the default keep-alive time is 2 hours", [C("42a54-157"), D("R-KAT")];
    KA_IDLE_REGISTRY = "keepalive.idle.registry", Documented,
        "KeepAliveTime (ms) sets the system-wide keep-alive time", [C("42a54-161"), D("R-KAT")];
    KA_INTERVAL_DEFAULT = "keepalive.interval.default", Documented,
        "the default keep-alive interval is 1 second", [C("42a54-157"), D("R-KAI")];
    KA_INTERVAL_REGISTRY = "keepalive.interval.registry", Documented,
        "KeepAliveInterval (ms) sets the system-wide keep-alive interval", [C("42a54-162"), D("R-KAI")];
    KA_COUNT_FIXED = "keepalive.count.fixed-10", Documented,
        "from Vista on, the probe count is 10 and the registry cannot change it",
        [C("42a54-158"), C("42a54-163")];
    KA_COUNT_LEGACY_DEFAULT = "keepalive.count.legacy-default", Documented,
        "up to Server 2003, the probe count defaults to 5", [C("42a54-158"), C("42a54-164")];
    KA_COUNT_LEGACY_REGISTRY = "keepalive.count.legacy-registry", Documented,
        "up to Server 2003, the probe count is the larger of TcpMaxDataRetransmissions and PPTPTcpMaxDataRetransmissions, at most 255; 0 sends no probes",
        [C("42a54-165"), C("42a54-166"), C("42a54-167"), C("42a54-168"), D("R-TMDR"), D("R-PPTP")];
    KA_SOCKET_OVERRIDE = "keepalive.per-socket", Documented,
        "SIO_KEEPALIVE_VALS changes the keep-alive time and interval of one connection; otherwise the system defaults apply",
        [C("42a54-159"), C("42a54-160"), D("D-SIO")];
    KA_PROBES = "keepalive.probes", Documented,
        "with keep-alive on, an idle connection sends keep-alive probes", [C("42a54-153"), C("42a54-156")];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = ALL.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate rule id");
    }

    #[test]
    fn every_rule_cites_a_source() {
        for r in ALL {
            assert!(!r.sources.is_empty(), "{} cites nothing", r.id);
        }
    }

    #[test]
    fn assumptions_cite_an_assumption_and_conventions_a_convention() {
        for r in ALL {
            match r.basis {
                Basis::Assumption => assert!(
                    r.sources.iter().any(|s| matches!(s, Source::Assumption(_))),
                    "{}",
                    r.id
                ),
                Basis::Convention => assert!(
                    r.sources.iter().any(|s| matches!(s, Source::Convention(_))),
                    "{}",
                    r.id
                ),
                _ => {}
            }
        }
    }
}
