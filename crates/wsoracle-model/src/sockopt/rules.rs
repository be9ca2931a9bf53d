//! The option layer's common rules: the short-length classes, availability, the socket kind,
//! read-only and set-only options, a connect in progress, and unknown option numbers. Each
//! option's own rules live in its file under `options/`.

use crate::provenance::rules;
use crate::provenance::{Basis, Source};

use Basis::*;
use Source::{Assumption as A, Doc as D, Options as O, Report as R};

rules! {
    // ---- Availability and fit -------------------------------------------------------------
    UNAVAILABLE = "sockopt.unavailable", Documented,
        "the option does not exist on this version: WSAENOPROTOOPT", [D("D-SOL"), D("D-TCP"), D("D-GET")];
    WRONG_SOCKET = "sockopt.wrong-socket-kind", Observed,
        "a SOL_SOCKET or IPPROTO_TCP option of another socket kind fails with WSAENOPROTOOPT (SO_LINGER on UDP)",
        [Source::Primary("P41"), D("D-GET"), A("A40")];
    IP_WRONG_SOCKET = "sockopt.ip.wrong-socket-kind", Observed,
        "an IPPROTO_IP or IPPROTO_IPV6 option that does not fit the socket kind (TCP, UDP, raw) fails with WSAEINVAL, set or get",
        [O("O402"), O("O406"), O("O407"), O("O411"), O("O412"), O("O421"), O("O433"), O("O495"), O("O497"), O("O498"), O("O499"), O("O503"), O("O504"), O("O526"), D("D-IP"), D("D-IP6")];
    IP_OTHER_FAMILY = "sockopt.ip.other-family", Convention,
        "an IPPROTO_IP option on an AF_INET6 socket, or an IPPROTO_IPV6 option on an AF_INET one, is not modelled: no source tests it",
        [Source::Convention("scope")];
    WRITE_ONLY_GET = "getsockopt.set-only", Convention,
        "reading a set-only option is not modelled: no source says what Windows answers", [Source::Convention("scope")];
    DEFAULT_UNKNOWN = "getsockopt.default-unknown", Convention,
        "the option's value on a fresh socket is not given by any source: not modelled until set",
        [Source::Convention("scope")];
    CONNECTING = "sockopt.connecting", Inferred,
        "from Vista on, an IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6 or IPPROTO_UDP option set or read while a connect is in progress fails with WSAEINVAL (IP_TTL: byedpi#146, mio#1120)",
        [D("D-CONN"), R("tokio-rs/mio#1120"), R("tokio-rs/mio#1079"), R("hufrea/byedpi#146"), R("envoyproxy/envoy#11793"), A("A41")];
    UNKNOWN_SOL_SOCKET = "sockopt.unknown-sol-socket", Inferred,
        "from Vista on, an option number SOL_SOCKET does not define fails with WSAEINVAL (measured on Windows 11; SO_RCVLOWAT's page gives WSAEINVAL from Vista)",
        [D("SNARE"), D("D-SOL"), A("A42")];

    // ---- Lengths: setsockopt ---------------------------------------------------------------
    SET_SHORT_STRICT = "setsockopt.short", Observed,
        "a strict option (classes C, D, E) set with optlen 0 to 3 fails with WSAEFAULT",
        [O("O013"), O("O038"), O("O063"), O("O078"), D("D-SET")];
    SET_SHORT_DOC = "setsockopt.short.documented", Documented,
        "an optlen smaller than the option's size fails with WSAEFAULT", [D("D-SET")];
    SET_NEGATIVE_ENOBUFS = "setsockopt.negative.enobufs", Observed,
        "optlen -1 on any other option fails with WSAENOBUFS from Windows 10 21H2 on",
        [O("O067"), O("O072"), O("O077"), A("A02")];
    SET_NEGATIVE_EFAULT = "setsockopt.negative.efault", Observed,
        "optlen -1 on any other option fails with WSAEFAULT from Windows 7 to Windows 10 21H1",
        [O("O067"), O("O072"), O("O077"), A("A02")];
    SET_NULL = "setsockopt.optval-null-short", Observed,
        "a NULL optval fails with WSAEFAULT whatever optlen (SO_LINGER and SO_DONTLINGER with optlen 0 included)",
        [O("O013"), D("D-SET")];
    SET_TOO_LARGE = "setsockopt.above-bound", Observed,
        "a value above the option's bound fails with WSAEINVAL", [D("D-TCP"), D("D-IP")];

    // ---- Lengths: getsockopt ---------------------------------------------------------------
    GET_CLASS_B_SHORT = "getsockopt.class-b.short", Observed,
        "a class-B option read with optlen 1 to 3 reports *optlen 1 (SOL_SOCKET writes optlen bytes, the IP levels one)",
        [O("O005"), O("O010"), O("O020"), O("O050"), O("O090"), A("A44")];
    GET_SHORT_ZEROED = "getsockopt.class-c.short", Observed,
        "a class-C option read with optlen 1 to 3 fails with WSAEFAULT and zeroes those bytes",
        [O("O025"), O("O055"), O("O012")];
    GET_SHORT_UNTOUCHED = "getsockopt.class-d.short", Observed,
        "a class-D option read with optlen 1 to 3 fails with WSAEFAULT and writes nothing",
        [O("O039"), O("O059"), O("O065")];
    GET_SHORT_OPTLEN_ZERO = "getsockopt.class-e.short", Observed,
        "a class-E option read with optlen 1 to 3 fails with WSAEFAULT and sets *optlen to 0",
        [O("O075"), O("O085")];
    GET_BOOLEAN_AS_DWORD_DOC = "getsockopt.boolean.documented", Documented,
        "the pages give a BOOLEAN option as a DWORD: a get writes 4 bytes and *optlen 4", [D("D-GET"), D("D-TCP"), D("D-IP6")];
    GET_SHORT_DOC = "getsockopt.short.documented", Documented,
        "a buffer smaller than the option's size fails with WSAEFAULT", [D("D-GET")];
}
