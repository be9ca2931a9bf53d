//! docs/addresses.md is generated from the model's address rules: the two tables of
//! `wsoracle_model::addr`, the evidence of each cell, and the dual-stack answers that
//! `addr::conflict` gives. Regenerate with
//! `UPDATE_DOCS=1 cargo test -p wsoracle-model --test addresses_doc`.

use std::fmt::Write as _;

use wsoracle_model::addr::{
    conflict, enhanced_evidence, reservations, table, Era, Ip, Share, SockAddr,
};
use wsoracle_model::Fidelity;

const COLUMNS: [(Share, bool); 6] = [
    (Share::Default, true),
    (Share::Default, false),
    (Share::ReuseAddr, true),
    (Share::ReuseAddr, false),
    (Share::Exclusive, true),
    (Share::Exclusive, false),
];

fn label((share, wildcard): (Share, bool)) -> String {
    format!(
        "{} {}",
        share.as_str(),
        if wildcard { "wildcard" } else { "specific" }
    )
}

fn render_table(out: &mut String, era: Era) {
    let _ = write!(out, "| first bind \\ second bind |");
    for c in COLUMNS {
        let _ = write!(out, " {} |", label(c));
    }
    out.push('\n');
    out.push_str("|---|---|---|---|---|---|---|\n");
    for r in COLUMNS {
        let _ = write!(out, "| {} |", label(r));
        for c in COLUMNS {
            let cell = table(era, r, c).as_str();
            let ev = match era {
                Era::Enhanced => enhanced_evidence(r, c),
                Era::Legacy => &[],
            };
            if ev.is_empty() {
                let _ = write!(out, " {cell} (doc:D-REUSE) |");
            } else {
                let _ = write!(out, " {cell} ({}) |", ev.join(", "));
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

fn render_dual(out: &mut String) {
    out.push_str("| first | second | observed | documented | rule |\n|---|---|---|---|---|\n");
    let v6 = |ip: &str| SockAddr::new(ip.parse::<Ip>().unwrap(), 5000);
    let v4 = |ip: &str| SockAddr::new(ip.parse::<Ip>().unwrap(), 5000);
    // (first name, first share, first v6only, second name, second share, second v6only)
    let cases: [(&str, SockAddr, Share, SockAddr, Share); 10] = [
        (
            "AF_INET6 [::] dual-stack",
            v6("::"),
            Share::Default,
            v4("0.0.0.0"),
            Share::Default,
        ),
        (
            "AF_INET6 [::] dual-stack",
            v6("::"),
            Share::Default,
            v4("0.0.0.0"),
            Share::Exclusive,
        ),
        (
            "AF_INET6 [::] dual-stack",
            v6("::"),
            Share::Default,
            v4("0.0.0.0"),
            Share::ReuseAddr,
        ),
        (
            "AF_INET6 [::] dual-stack",
            v6("::"),
            Share::Exclusive,
            v4("0.0.0.0"),
            Share::Default,
        ),
        (
            "AF_INET6 [::] dual-stack",
            v6("::"),
            Share::Exclusive,
            v4("127.0.0.1"),
            Share::Default,
        ),
        (
            "AF_INET6 [::] dual-stack",
            v6("::"),
            Share::Exclusive,
            v4("0.0.0.0"),
            Share::ReuseAddr,
        ),
        (
            "AF_INET 127.0.0.1",
            v4("127.0.0.1"),
            Share::Default,
            v6("::"),
            Share::Exclusive,
        ),
        (
            "AF_INET 127.0.0.1",
            v4("127.0.0.1"),
            Share::Default,
            v6("::"),
            Share::Default,
        ),
        (
            "AF_INET 0.0.0.0",
            v4("0.0.0.0"),
            Share::Exclusive,
            v6("::"),
            Share::Default,
        ),
        (
            "AF_INET 127.0.0.1",
            v4("127.0.0.1"),
            Share::Exclusive,
            v6("::"),
            Share::Default,
        ),
    ];
    for (first_label, a, sa, b, sb) in cases {
        let first = reservations(a, true, sa, false);
        let second = reservations(b, true, sb, false);
        let mut answers = [("Success", "-"); 2];
        for (k, fidelity) in [Fidelity::Observed, Fidelity::Documented]
            .into_iter()
            .enumerate()
        {
            for e in first.iter().flatten() {
                for n in second.iter().flatten() {
                    if e.overlaps(n) {
                        let (r, rule) = conflict(Era::Enhanced, fidelity, e, n);
                        answers[k] = (r.as_str(), rule.id);
                    }
                }
            }
        }
        let second_label = if b.is_v6() {
            "AF_INET6 [::] dual-stack".to_string()
        } else {
            format!("AF_INET {}", b.ip)
        };
        let _ = writeln!(
            out,
            "| {first_label}, {} | {second_label}, {} | {} | {} | `{}` |",
            sa.as_str(),
            sb.as_str(),
            answers[0].0,
            answers[1].0,
            answers[0].1
        );
    }
    out.push('\n');
}

fn render() -> String {
    let mut out = String::new();
    out.push_str(
        "# Addresses: who may bind a port, per version

This page is generated from the model (`crates/wsoracle-model/src/addr.rs`) by
`crates/wsoracle-model/tests/addresses_doc.rs`; regenerate it with
`UPDATE_DOCS=1 cargo test -p wsoracle-model --test addresses_doc`. Every cell names its evidence:
`options:` cases and `primary:` facts observed on real Windows (Windows 7 to 11, by Wine's
conformance test), or `doc:D-REUSE`, Microsoft's \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\",
where no test looked.

A second bind meets a first one when both hold the same port for the same protocol (TCP and UDP
ports are separate) on the same IP stack, and their addresses overlap: the same specific address,
or one of them the wildcard. Two different specific addresses never conflict. INUSE is
WSAEADDRINUSE, ACCESS is WSAEACCES. One process is one user account, so the same-user table
applies. The tables are written for stream sockets; the model applies them to datagram sockets
too (the page speaks of both).

## Windows Server 2003 and later

",
    );
    render_table(&mut out, Era::Enhanced);
    out.push_str(
        "## Windows XP and earlier

The first socket does not protect its port from SO_REUSEADDR, and wildcard and specific binds of
one port do not coexist. SO_EXCLUSIVEADDRUSE needs an administrator (`process: {elevated: true}`);
the page does not say which call fails for a standard user, or with what error, so a standard
user's setsockopt switching it on answers \"not modelled\" (assumption A64).

",
    );
    render_table(&mut out, Era::Legacy);
    out.push_str(
        "## IPv4-mapped addresses and dual stack (Vista and later)

An AF_INET6 socket bound to an IPv4-mapped address (`[::ffff:127.0.0.1]`, `[::ffff:0.0.0.0]`)
holds that IPv4 address on the IPv4 stack, and the table above applies as if it were an AF_INET
socket (options:O322, O328, O329, O330). An AF_INET6 socket and an AF_INET socket on `[::1]` and
`127.0.0.1` never meet (options:O321, O331). IPV6_V6ONLY is on by default: an AF_INET6 socket on
`[::]` then holds only the IPv6 stack (options:O350). With IPV6_V6ONLY off (a dual-stack socket),
a bind to `[::]` also holds the port on the IPv4 stack, but not as an AF_INET socket would:

",
    );
    render_dual(&mut out);
    out.push_str(
        "Observed and documented differ in one case: Microsoft's dual-stack paragraph says WSAEACCES
where Windows answers WSAEADDRINUSE (options:O319). The orders no test covers are assumption A61.

## Ephemeral ports, closed sockets, listeners

- Port 0 (and the implicit bind of `connect` by name and of `sendto`) takes the next free port of
  the version's range after the last one handed out: 1025-5000 before Vista, 49152-65535 from
  Vista (convention:ephemeral). With none free: WSAENOBUFS (assumption A62).
- A connection to an address of the host goes to the listening socket bound to that specific
  address before one on the wildcard (options:O302, O303, O308), then to the one that started
  listening first among those still open (options:O301, O307; primary:P72). With none: refused,
  WSAECONNREFUSED.
- A closed socket frees its address and port at once; a socket `accept` returned reserves nothing
  (assumption A60: TIME_WAIT and unsent data are outside the model).
- The host owns `0.0.0.0`, `127.0.0.0/8`, `::`, `::1`, their IPv4-mapped forms, and the scenario's
  `host: {addresses}`; any other address fails with WSAEADDRNOTAVAIL (doc:bind).
",
    );
    out
}

#[test]
fn docs_addresses_md_is_generated_from_the_model() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/addresses.md");
    let want = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).expect("write docs/addresses.md");
        return;
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/addresses.md is stale: run `UPDATE_DOCS=1 cargo test -p wsoracle-model --test addresses_doc`"
    );
}

#[test]
fn the_tables_match_the_observed_rows_they_cite() {
    use wsoracle_model::addr::BindResult::*;
    use Share::*;
    // options:O300 (default specific, then SO_REUSEADDR specific), O313, O318, O302, O303.
    let cases = [
        ((Default, false), (ReuseAddr, false), Access),
        ((Exclusive, true), (Default, false), Access),
        ((Default, false), (Exclusive, true), InUse),
        ((Default, true), (Default, false), Success),
        ((Default, false), (Default, true), Success),
        ((Default, true), (Default, true), InUse),
    ];
    for (first, second, want) in cases {
        assert_eq!(
            table(Era::Enhanced, first, second),
            want,
            "{first:?} {second:?}"
        );
    }
    // XP: the first default socket does not protect its port.
    assert_eq!(
        table(Era::Legacy, (Default, false), (ReuseAddr, false)),
        Success
    );
}
