//! Every rule of the model, in one table. An outcome names exactly one of these; `ALL` lets the
//! docs and the coverage tests check that every normative clause is cited by some rule.

use crate::provenance::{rules, Basis, Source};

use Basis::*;
use Source::{
    Assumption as A, Clause as C, Convention as Conv, Doc as D, Evidence as E, Primary as P,
};

rules! {
    // ---- Process: WSAStartup / WSACleanup -------------------------------------------------
    STARTUP = "WSAStartup.count", Documented,
        "WSAStartup adds one to the process's start-up count and returns 0", [D("WSAStartup")];
    STARTUP_VERSION = "WSAStartup.version", Documented,
        "a requested version below 1.0 fails with WSAVERNOTSUPPORTED", [D("WSAStartup")];
    CLEANUP = "WSACleanup.count", Observed,
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
    SOCKET_CREATED = "socket.created", Observed,
        "socket creates a socket in the created state, with SO_KEEPALIVE off",
        [D("socket"), C("42a54-152"), P("P30")];
    SOCKET_NOT_MODELLED = "socket.not-modelled", Convention,
        "only AF_INET/AF_INET6 stream (TCP), datagram (UDP) and raw sockets are modelled", [Conv("scope")];
    SOCKET_RAW_ACCESS = "socket.raw.access", Documented,
        "a raw socket needs administrator rights: from Vista on a standard user's socket(SOCK_RAW) fails with WSAEACCES",
        [D("D-RAW"), Source::Options("O229"), Source::Options("O232")];
    SOCKET_RAW_LEGACY = "socket.raw.legacy", Convention,
        "before Vista the rights of a raw socket are checked by the calls after socket (doc:D-RAW), which are not modelled",
        [Conv("scope"), D("D-RAW")];
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
    ACCEPT = "accept.ok", Observed,
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
    KA_PROBES = "keepalive.probes", Documented,
        "with keep-alive on, an idle connection sends keep-alive probes", [C("42a54-153"), C("42a54-156")];

    // ---- Keep-alive over time: IPPROTO_TCP options (tcpopt.rs) --------------------------------
    TCPKA_IDLE_UNAVAILABLE_LEGACY = "tcp_keepalive.unavailable-2003", Inferred,
        "up to Server 2003, TCP_KEEPALIVE (3) fails with WSAENOPROTOOPT (2003 by the ROS-T skip; 2000/XP by its <= WS03 condition)",
        [E("T01"), P("P08"), P("P28")];
    TCPKA_IDLE_UNAVAILABLE_DOC = "tcp_keepalive.unavailable-doc", Documented,
        "TCP_KEEPIDLE (3) is documented from Windows 10 1709; before that an unsupported option gives WSAENOPROTOOPT",
        [D("D-TCP"), D("D-GET")];
    TCPKA_CNT_UNAVAILABLE = "tcp_keepcnt.unavailable", Observed,
        "before Windows 10 1703, TCP_KEEPCNT (16) fails with WSAENOPROTOOPT (set and get)",
        [E("T07"), P("P06"), P("P08"), P("P30"), D("D-TCP")];
    TCPKA_INTVL_UNAVAILABLE = "tcp_keepintvl.unavailable", Observed,
        "before Windows 10 1709, TCP_KEEPINTVL (17) fails with WSAENOPROTOOPT (set and get)",
        [E("T07"), P("P07"), D("D-TCP")];
    TCPKA_16_LEGACY_SET = "tcp_keepcnt.legacy-16-set", Observed,
        "up to Server 2003, setsockopt(IPPROTO_TCP, 16) succeeds but means something else: the probe count does not change",
        [E("T09"), P("P08"), P("P28")];
    TCPKA_16_LEGACY_GET = "tcp_keepcnt.legacy-16-get", Assumption,
        "up to Server 2003, getsockopt(IPPROTO_TCP, 16) reads an option of unknown meaning: not modelled",
        [E("T09"), A("A25")];
    TCPKA_DATAGRAM = "tcp_keepalive.datagram", Assumption,
        "TCP_KEEPALIVE, TCP_KEEPCNT and TCP_KEEPINTVL on a datagram socket fail with WSAENOPROTOOPT",
        [A("A20"), D("D-SOKA"), E("E07")];
    TCPKA_SET_OPTLEN_SHORT = "setsockopt.tcp_keep.optlen-short", Observed,
        "setsockopt of TCP_KEEPALIVE/TCP_KEEPCNT/TCP_KEEPINTVL with optlen 0, 1, 2 (or 3) fails with WSAEFAULT",
        [E("T02"), P("P05"), P("P06"), P("P07")];
    TCPKA_SET_OPTLEN_NEGATIVE_EFAULT = "setsockopt.tcp_keep.optlen-negative-efault", Observed,
        "optlen -1 fails with WSAEFAULT up to Windows 10 21H1",
        [P("P05"), A("A02")];
    TCPKA_SET_OPTLEN_NEGATIVE_ENOBUFS = "setsockopt.tcp_keep.optlen-negative-enobufs", Observed,
        "optlen -1 fails with WSAENOBUFS from Windows 10 21H2 on", [P("P05"), A("A02")];
    TCPKA_SET_OPTLEN_SHORT_DOC = "setsockopt.tcp_keep.optlen-short-doc", Documented,
        "the option is a DWORD: an optlen below 4 fails with WSAEFAULT", [D("D-TCP"), D("D-SET")];
    TCPKA_CNT_TOO_LARGE = "setsockopt.tcp_keepcnt.above-255", Observed,
        "TCP_KEEPCNT above 255 fails with WSAEINVAL", [E("T06"), P("P06"), D("D-TCP")];
    TCPKA_ZERO_REJECTED = "setsockopt.tcp_keep.zero-rejected", Assumption,
        "from Windows 10 1809 (Server 2019) on, TCP_KEEPALIVE or TCP_KEEPINTVL of 0 fails with WSAEINVAL; earlier builds accept it",
        [A("A26")];
    TCPKA_SET_IDLE = "setsockopt.tcp_keepalive", Observed,
        "TCP_KEEPALIVE sets the connection's idle time in seconds; the value reads back exactly; keep-alive is not switched on",
        [E("T01"), E("T03"), P("P05"), P("P08"), P("P30"), D("D-TCP"), A("A22"), A("A23")];
    TCPKA_SET_INTVL = "setsockopt.tcp_keepintvl", Observed,
        "TCP_KEEPINTVL sets the connection's probe interval in seconds; the value reads back exactly; keep-alive is not switched on",
        [E("T03"), P("P07"), P("P08"), P("P30"), D("D-TCP"), A("A22"), A("A23")];
    TCPKA_SET_CNT = "setsockopt.tcp_keepcnt", Observed,
        "TCP_KEEPCNT (0..=255) sets the connection's probe count; keep-alive is not switched on",
        [E("T03"), P("P06"), P("P08"), P("P30"), D("D-TCP"), A("A23")];
    TCPKA_SET_DOC = "setsockopt.tcp_keep.doc", Documented,
        "the IPPROTO_TCP keep-alive options take a DWORD: seconds for TCP_KEEPIDLE/TCP_KEEPINTVL, a count for TCP_KEEPCNT",
        [D("D-TCP")];
    TCPKA_GET_SHORT = "getsockopt.tcp_keep.optlen-short", Observed,
        "getsockopt of TCP_KEEPALIVE/TCP_KEEPCNT/TCP_KEEPINTVL with *optlen 1..3 fails with WSAEFAULT, sets *optlen to 0 and leaves the buffer",
        [E("T02"), P("P05"), P("P06"), P("P07")];
    TCPKA_GET_SHORT_DOC = "getsockopt.tcp_keep.optlen-short-doc", Documented,
        "*optlen below 4 fails with WSAEFAULT", [D("D-GET"), D("D-TCP")];
    TCPKA_GET_SOCKET_VALUE = "getsockopt.tcp_keep.value", Observed,
        "getsockopt reads the connection's own value as a DWORD and sets *optlen to 4 (seconds for the times)",
        [E("T01"), E("T03"), P("P05"), P("P08"), P("P30"), A("A22")];
    TCPKA_GET_DEFAULT_1709 = "getsockopt.tcp_keep.default-1709", Observed,
        "from Windows 10 1709 on, a fresh socket reads TCP_KEEPALIVE 7200 and TCP_KEEPINTVL 1",
        [P("P30")];
    TCPKA_GET_SYSTEM_VALUE = "getsockopt.tcp_keep.system-value", Assumption,
        "a socket without its own value reads the system value: KeepAliveTime/KeepAliveInterval (ms) in whole seconds, rounded down",
        [A("A21"), P("P30")];
    TCPKA_GET_COUNT_DEFAULT = "getsockopt.tcp_keepcnt.default", Documented,
        "a socket without its own TCP_KEEPCNT reads the version's probe count (10 from Vista on)",
        [D("D-TCP"), C("42a54-163")];

    // ---- Keep-alive over time: WSAIoctl (ioctl.rs) --------------------------------------------
    IOCTL_BYTES_RETURNED_NULL = "wsaioctl.bytes-returned-null", Observed,
        "a NULL lpcbBytesReturned fails with WSAEFAULT in every mode (non-overlapped, overlapped, with a completion routine)",
        [P("P22"), P("P23"), E("E15"), E("S09")];
    IOCTL_BYTES_RETURNED_BAD_POINTER = "wsaioctl.bytes-returned-bad-pointer", Inferred,
        "an lpcbBytesReturned outside the address space fails with WSAEFAULT, as a NULL one does",
        [C("42a54-136"), P("P22"), P("P23"), E("E15")];
    IOCTL_UNSUPPORTED = "wsaioctl.unsupported", Observed,
        "an ioctl code the provider does not support fails with WSAEOPNOTSUPP and *lpcbBytesReturned 0; overlapped: WSA_IO_PENDING, then a completion that fails",
        [E("E15"), P("P23"), A("A29")];
    IOCTL_UNSUPPORTED_2003 = "wsaioctl.unsupported-2003", Observed,
        "up to Server 2003 an unsupported ioctl code fails at once with WSAEINVAL, *lpcbBytesReturned untouched, no completion",
        [E("E15"), P("P23"), P("P28"), A("A29")];
    IOCTL_UNSUPPORTED_DOC = "wsaioctl.unsupported-doc", Documented,
        "an invalid command fails with WSAEINVAL", [D("D-SIO"), A("A29")];
    IOCTL_NOT_MODELLED = "wsaioctl.not-modelled", Convention,
        "an ioctl that exists but lies outside the model's scope answers not modelled", [Conv("scope"), A("A29")];
    IOCTL_FIONBIO = "wsaioctl.fionbio", Observed,
        "WSAIoctl(FIONBIO) with a 4-byte (or larger) input selects the blocking mode; *lpcbBytesReturned 0 in every mode; the output buffer is ignored",
        [P("P23"), D("ioctlsocket"), A("A38")];
    IOCTL_FIONBIO_SHORT = "wsaioctl.fionbio.short", Observed,
        "WSAIoctl(FIONBIO) with an input under 4 bytes, or none, fails with WSAEFAULT", [P("P23"), A("A38")];
    SIO_KA_SHORT = "sio_keepalive_vals.short-input", Observed,
        "from Vista on, an input under 12 bytes or a NULL input fails with WSAEFAULT; *lpcbBytesReturned becomes 0 unless the call is overlapped without a completion routine",
        [E("S01"), E("S06"), E("D10"), P("P22"), A("A01")];
    SIO_KA_SHORT_2003 = "sio_keepalive_vals.short-input-2003", Observed,
        "up to Server 2003, an input under 12 bytes fails with WSAEINVAL; *lpcbBytesReturned untouched",
        [E("S01"), E("S06"), E("D10"), E("R04"), P("P22"), P("P28")];
    SIO_KA_NULL_2003 = "sio_keepalive_vals.null-input-2003", Observed,
        "up to Server 2003, a NULL input fails with WSAEFAULT; *lpcbBytesReturned untouched",
        [P("P22"), P("P28"), P("P29")];
    SIO_KA_BAD_POINTER = "sio_keepalive_vals.bad-input-pointer", Inferred,
        "an lpvInBuffer outside the address space fails with WSAEFAULT, as a NULL one does",
        [C("42a54-136"), E("G11"), P("P22")];
    SIO_KA_NULL_DOC = "sio_keepalive_vals.null-input-doc", Documented,
        "an input buffer outside the user address space (NULL included) fails with WSAEFAULT", [D("WSAIoctl"), D("D-SIO")];
    IOCTL_IN_PAST_BUFFER = "wsaioctl.in-past-buffer", Assumption,
        "a cbInBuffer larger than the memory lpvInBuffer points to reaches outside it: WSAEFAULT", [A("A05")];
    SIO_KA_SHORT_DOC = "sio_keepalive_vals.short-input-doc", Documented,
        "cbInBuffer must be at least sizeof(struct tcp_keepalive); unacceptable input fails with WSAEINVAL",
        [D("D-SIO")];
    SIO_KA_OUT_BUFFER_DOC = "sio_keepalive_vals.out-buffer-doc", Documented,
        "lpvOutBuffer is unused and cbOutBuffer must be 0; otherwise WSAEINVAL (unacceptable input)",
        [D("D-SIO"), A("A27")];
    SIO_KA_DATAGRAM = "sio_keepalive_vals.datagram", Documented,
        "SIO_KEEPALIVE_VALS on a datagram socket fails with WSAENOPROTOOPT", [D("D-SIO"), E("S10"), A("A28")];
    SIO_KA_FAIL_WRITES_ZERO = "sio_keepalive_vals.failure-writes-zero", Inferred,
        "from Vista on, a SIO_KEEPALIVE_VALS that fails where both fidelities give one error (a datagram socket: WSAENOPROTOOPT; a connection reset: WSAENOTCONN, or timed out: WSAENETRESET; an input past its buffer: WSAEFAULT) also sets *lpcbBytesReturned to 0, as its observed failures do, unless the call is overlapped without a completion routine",
        [P("P22"), E("S01"), E("E15"), E("S10"), D("D-SIO"), A("A28"), A("A33"), A("A05")];
    SIO_KA_OK = "sio_keepalive_vals.ok", Observed,
        "SIO_KEEPALIVE_VALS succeeds for any values, zero and sub-second included; it sets keep-alive on or off and, when on, the connection's time and interval (ms); *lpcbBytesReturned 0 unless overlapped without a routine; an overlapped call queues a completion {0, 0 bytes}",
        [C("42a54-159"), C("42a54-160"), E("S03"), E("S07"), E("S08"), E("S09"), P("P22"), D("D-SIO"), A("A24"), A("A27")];
    SIO_KA_OK_2003 = "sio_keepalive_vals.ok-2003", Observed,
        "up to Server 2003, SIO_KEEPALIVE_VALS succeeds the same way but never writes *lpcbBytesReturned",
        [C("42a54-159"), C("42a54-160"), E("S03"), E("S08"), E("S09"), P("P22"), P("P28"), D("D-SIO"), A("A24")];
    SIO_KA_OK_DOC = "sio_keepalive_vals.ok-doc", Documented,
        "SIO_KEEPALIVE_VALS enables or disables keep-alive and, when enabled, sets the connection's time and interval in ms; *lpcbBytesReturned is 0",
        [C("42a54-159"), C("42a54-160"), D("D-SIO")];
    SIO_KA_NO_READ_BACK = "sio_keepalive_vals.write-only", Observed,
        "there is no way to read the values back: the output buffer is never written",
        [D("D-SIO"), E("S10"), A("A27")];

    // ---- Keep-alive over time: the timeline (timeline.rs) -------------------------------------
    KA_SOCKET_VALS = "keepalive.per-socket.sio", Documented,
        "SIO_KEEPALIVE_VALS set this connection's time or interval, overriding the system value",
        [C("42a54-159"), C("42a54-160"), D("D-SIO")];
    KA_SOCKET_TCPOPT = "keepalive.per-socket.tcp-option", Observed,
        "an IPPROTO_TCP option set this connection's time, interval or count",
        [E("T01"), P("P08"), D("D-TCP"), A("A22")];
    KA_ZERO_AS_ONE_MS = "keepalive.zero-is-1ms", Assumption,
        "an idle time or interval of 0 ms is taken as 1 ms", [Conv("timeline"), A("A30")];
    TL_SCHEDULE = "timeline.schedule", Convention,
        "probes at T, T+I, ..., T+(N-1)I after the idle period starts; the connection drops at T+N*I; N = 0 never drops; a responsive peer answers at once and the idle period restarts",
        [Conv("timeline"), C("42a54-153"), C("42a54-157"), C("42a54-158"), C("42a54-167")];
    TL_PEER = "timeline.peer", Convention,
        "the peer of a connected socket answers probes, stays silent or resets from now on", [Conv("peer")];
    TL_PEER_SENDS = "timeline.peer-sends", Convention,
        "data from the peer restarts the idle period and completes a pending recv", [Conv("timeline"), C("42a54-153")];
    TL_DROP_PENDING = "timeline.drop.pending", Documented,
        "a call in progress when keep-alive drops the connection fails with WSAENETRESET",
        [D("D-ERR"), D("D-GET"), A("A32")];
    TL_DROPPED_LATER = "timeline.drop.later-calls", Documented,
        "after a keep-alive drop, later send/recv fail with WSAECONNRESET (D-ERR; D-GET says WSAENOTCONN)",
        [D("D-ERR"), A("A32")];
    TL_RESET = "timeline.reset", Assumption,
        "a peer that resets drops the connection at the next probe or send; a pending recv and later calls fail with WSAECONNRESET",
        [A("A31"), D("D-ERR")];
    TL_SET_AFTER_TIMEOUT = "setsockopt.keepalive.after-timeout", Documented,
        "setting keep-alive on a connection keep-alive has timed out fails with WSAENETRESET", [D("D-SET"), A("A33")];
    TL_SET_AFTER_RESET = "setsockopt.keepalive.after-reset", Documented,
        "setting keep-alive on a connection that has been reset fails with WSAENOTCONN", [D("D-SET"), A("A33")];
    TL_SEND_OK = "send.ok", Documented,
        "send on a connected socket returns the number of bytes sent; sending does not restart the idle period",
        [D("send"), Conv("timeline"), A("A35")];
    TL_SEND_RESET = "send.reset-peer", Assumption,
        "send to a peer that resets succeeds, and the RST drops the connection at that instant", [A("A35"), A("A31")];
    TL_NOT_CONNECTED = "send-recv.not-connected", Observed,
        "send or recv on a socket that is not connected fails with WSAENOTCONN", [D("send"), D("recv"), P("P19")];
    TL_RECV_OK = "recv.ok", Documented,
        "recv returns the bytes waiting, at most len", [D("recv")];
    TL_RECV_WOULDBLOCK = "recv.would-block", Documented,
        "recv on a non-blocking socket with nothing to read fails with WSAEWOULDBLOCK", [D("recv")];
    TL_RECV_PENDING = "recv.pending", Convention,
        "a blocking recv with nothing to read stays pending until data arrives or the connection drops",
        [Conv("recv"), D("recv")];
    TL_RECV_PENDING_TIMEOUT = "recv.pending.timeout", Observed,
        "a blocking recv with nothing to read and SO_RCVTIMEO set stays pending for that many milliseconds",
        [D("D-SOL"), Source::Options("O368"), Conv("recv")];
    TL_RECV_TIMED_OUT = "recv.timed-out", Observed,
        "a pending blocking recv whose SO_RCVTIMEO runs out completes with WSAETIMEDOUT",
        [Source::Options("O368"), D("D-SOL")];
    TL_RECV_COMPLETED = "recv.completed", Documented,
        "a pending recv completes with the bytes that arrived (at most len)", [D("recv")];
    TL_RECV_SECOND_PENDING = "recv.second-pending", Assumption,
        "a second blocking recv while one is pending on the same socket is not modelled", [A("A34")];
    TL_NOT_MODELLED_DGRAM = "send-recv.datagram", Convention,
        "send on datagram sockets is not modelled", [Conv("scope")];
    UDP_RECV_UNBOUND = "recv.udp.unbound", Documented,
        "recv on a UDP socket that is not bound fails with WSAEINVAL", [D("recv")];
    UDP_RECV_CONNRESET = "recv.udp.port-unreachable", Inferred,
        "after an ICMP port-unreachable, the next recv on the UDP socket fails with WSAECONNRESET while SIO_UDP_CONNRESET reporting is on (the default)",
        [D("D-IOCTL"), Source::Report("tokio-rs/tokio#2017"), Source::Report("golang/go#5834"), Source::Report("tailscale/tailscale#12927"), A("A54")];
    UDP_ICMP_REPORTED = "icmp.port-unreachable.reported", Convention,
        "an ICMP port-unreachable answers what the UDP socket sent; with reporting on, the next recv reports it",
        [Conv("scope"), D("D-IOCTL"), A("A54")];
    UDP_ICMP_IGNORED = "icmp.port-unreachable.ignored", Documented,
        "with SIO_UDP_CONNRESET set to FALSE, an ICMP port-unreachable is not reported",
        [D("D-IOCTL"), Source::Report("tokio-rs/tokio#2017"), A("A54")];
    UDP_RECV_NETRESET = "recv.udp.ttl-expired", Inferred,
        "after an ICMP time-exceeded (TTL expired), the next recv on the UDP socket fails with WSAENETRESET while SIO_UDP_NETRESET reporting is on (the default)",
        [D("D-IOCTL"), Source::Report("golang/go#68614"), Source::Report("golang/go#68615"), Source::Report("coder/coder#14549"), A("A54")];
    UDP_TTL_REPORTED = "icmp.ttl-expired.reported", Convention,
        "an ICMP time-exceeded answers what the UDP socket sent; with reporting on, the next recv reports it",
        [Conv("scope"), D("D-IOCTL"), A("A54")];
    UDP_TTL_IGNORED = "icmp.ttl-expired.ignored", Documented,
        "with SIO_UDP_NETRESET set to FALSE, an ICMP time-exceeded is not reported",
        [D("D-IOCTL"), Source::Report("golang/go#68615"), A("A54")];
    IOCTL_UDP_CONNRESET = "wsaioctl.sio-udp-connreset", Documented,
        "SIO_UDP_CONNRESET switches the reporting of ICMP port-unreachable on a UDP socket (on by default); it returns 0",
        [D("D-IOCTL"), Source::Options("O379"), Source::Report("tailscale/tailscale#12927"), Source::Report("golang/go#5834")];
    IOCTL_UDP_NETRESET = "wsaioctl.sio-udp-netreset", Documented,
        "SIO_UDP_NETRESET switches the reporting of ICMP TTL-expired on a UDP socket (on by default); it returns 0",
        [D("D-IOCTL"), Source::Options("O380"), Source::Report("golang/go#68615"), Source::Report("godotengine/godot#22332")];
    IOCTL_UDP_REPORTS_NOT_MODELLED = "wsaioctl.sio-udp-reports.not-modelled", Convention,
        "SIO_UDP_CONNRESET / SIO_UDP_NETRESET on a TCP or raw socket, with a short input, or before Windows XP (NETRESET: Vista) are in no source",
        [Conv("scope"), D("D-IOCTL")];
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
