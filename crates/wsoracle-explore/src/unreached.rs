//! The rules the whole search does not reach, each with the reason it cannot under the search's
//! design, and where else it is exercised. A rule the search does not reach and this list does
//! not explain is a dead rule: a finding (the report lists it apart, and `wsoracle explore`
//! exits with 1). A rule listed here that the search does reach is reported as stale.
//!
//! Kept as data so that the reasons are reviewed like code: adding an entry needs a reason that
//! holds for the whole search, not for one group.

/// Why a rule is out of the search's reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// A rule that states a behaviour across calls (the order of checks, the return
    /// convention, that probes are sent): the spec's clause map or an assumption cites it, and
    /// each outcome names the specific rule instead.
    Umbrella,
    /// The search runs each preset with its default registry; registry values are the
    /// scenarios' (a registry is an input, not a call).
    Registry,
    /// No preset is that version.
    NoPreset,
    /// Outside the alphabet or the bounds, for the reason given; a scenario or a model test
    /// covers it.
    OutsideAlphabet,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Umbrella => "umbrella rule",
            Why::Registry => "registry",
            Why::NoPreset => "no preset",
            Why::OutsideAlphabet => "outside the alphabet",
        }
    }
}

/// The rules the search is not meant to reach: (rule id, why, the reason in words and where it
/// is exercised instead).
pub const EXPECTED: &[(&str, Why, &str)] = &[
    ("process.check-order", Why::Umbrella, "the order of the process checks; each failure names its own check (assumption A03)"),
    ("call.failure", Why::Umbrella, "the SOCKET_ERROR convention, cited by the spec's clause map (so_keepalive#42a54-128)"),
    ("keepalive.probes", Why::Umbrella, "that probes are sent; each keep-alive event names the schedule or the drop it comes to (so_keepalive#42a54-153)"),
    ("timeline.peer-sends", Why::Umbrella, "data restarting the idle period; a recv it completes names recv.completed (so_keepalive#42a54-153)"),
    ("sio_keepalive_vals.write-only", Why::Umbrella, "that nothing reads SIO_KEEPALIVE_VALS back; scenarios/keepalive/sio_keepalive_vals/no-read-back.yaml"),
    ("keepalive.idle.registry", Why::Registry, "KeepAliveTime set; scenarios/registry/keepalive-time-interval.yaml"),
    ("keepalive.interval.registry", Why::Registry, "KeepAliveInterval set; scenarios/registry/keepalive-time-interval.yaml"),
    ("keepalive.count.legacy-registry", Why::Registry, "TcpMaxDataRetransmissions set up to Server 2003; scenarios/keepalive/timeline/registry-count.yaml"),
    ("version.before-win2000", Why::NoPreset, "a version before Windows 2000; scenarios/profiles/before-windows-2000.yaml"),
    ("wsaioctl.in-past-buffer", Why::OutsideAlphabet, "a cbInBuffer past the memory given: the alphabet passes the buffer it describes"),
    ("bind.ephemeral-exhausted", Why::OutsideAlphabet, "every ephemeral port held: thousands of sockets, past the bound of two"),
    ("connect.name.remote", Why::OutsideAlphabet, "a stream connect by name to an address the host does not own: the address-reuse group connects to its own listeners"),
    ("getsockopt.so-protocol-info.content", Why::OutsideAlphabet, "a buffer as large as WSAPROTOCOL_INFO: the alphabet's buffers stop at 255 bytes; scenarios/sol_socket/so_protocol_info.yaml"),
    ("setsockopt.hdrincl", Why::OutsideAlphabet, "a raw socket of an elevated process: the search runs a standard user; scenarios/ipproto_ip/raw-sockets-elevated.yaml"),
    ("getsockopt.hdrincl", Why::OutsideAlphabet, "as setsockopt.hdrincl; scenarios/ipproto_ip/raw-sockets-elevated.yaml"),
    ("setsockopt.membership.join", Why::OutsideAlphabet, "an ip_mreq / ipv6_mreq with a multicast group: the alphabet sets DWORD values; scenarios/ipproto_ip/membership.yaml"),
    ("setsockopt.membership.twice", Why::OutsideAlphabet, "as setsockopt.membership.join; scenarios/ipproto_ip/membership.yaml"),
    ("setsockopt.membership.not-joined", Why::OutsideAlphabet, "as setsockopt.membership.join; scenarios/ipproto_ip/membership.yaml"),
    ("setsockopt.membership.leave", Why::OutsideAlphabet, "as setsockopt.membership.join; scenarios/ipproto_ipv6/membership.yaml"),
    ("setsockopt.membership.full", Why::OutsideAlphabet, "a fifth join on one socket: five distinct groups, which the alphabet does not make"),
];

/// What the search's rule coverage means: the rules never reached with their reason, the ones
/// without a reason (dead: a finding), and the listed ones the search reached after all.
#[derive(Debug, Default)]
pub struct Coverage {
    pub explained: Vec<(&'static wsoracle_model::Rule, Why, &'static str)>,
    pub dead: Vec<&'static wsoracle_model::Rule>,
    pub stale: Vec<&'static str>,
}

/// Sorts the rules the search did not reach into explained and dead, and finds stale entries.
pub fn coverage(reached: &std::collections::BTreeSet<&'static str>) -> Coverage {
    let mut out = Coverage::default();
    for r in wsoracle_model::catalog::all_rules() {
        if reached.contains(r.id) {
            continue;
        }
        match EXPECTED.iter().find(|(id, ..)| *id == r.id) {
            Some((_, why, reason)) => out.explained.push((r, *why, reason)),
            None => out.dead.push(r),
        }
    }
    out.stale = EXPECTED
        .iter()
        .map(|(id, ..)| *id)
        .filter(|id| reached.contains(id))
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_rule_is_a_rule_of_the_model_once() {
        for (i, (id, ..)) in EXPECTED.iter().enumerate() {
            assert!(
                wsoracle_model::catalog::all_rules().any(|r| r.id == *id),
                "{id} is not a rule of the model: remove it from EXPECTED"
            );
            assert!(
                EXPECTED[i + 1..].iter().all(|(other, ..)| other != id),
                "{id} is listed twice"
            );
        }
    }

    #[test]
    fn an_unlisted_unreached_rule_is_dead_and_a_reached_listed_rule_is_stale() {
        let mut reached: std::collections::BTreeSet<&'static str> =
            wsoracle_model::catalog::all_rules().map(|r| r.id).collect();
        // Nothing unreached: nothing explained, nothing dead; every listed rule is stale.
        let all = coverage(&reached);
        assert!(all.explained.is_empty() && all.dead.is_empty());
        assert_eq!(all.stale.len(), EXPECTED.len());
        // One listed and one unlisted rule not reached.
        reached.remove("call.failure");
        reached.remove("bind.name");
        let c = coverage(&reached);
        assert_eq!(c.explained.len(), 1);
        assert_eq!(c.explained[0].0.id, "call.failure");
        assert_eq!(
            c.dead.iter().map(|r| r.id).collect::<Vec<_>>(),
            ["bind.name"]
        );
        assert!(!c.stale.contains(&"call.failure"));
    }
}
