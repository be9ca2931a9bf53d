//! Effective keep-alive settings: the idle time, interval and probe count a connection uses,
//! each with the rule that produced it.

use crate::provenance::Rule;
use crate::registry::Registry;
use crate::rules;
use crate::socket::{Origin, Socket};
use crate::version::{threshold, WindowsVersion};

/// A number together with the rule that produced it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub rule: &'static Rule,
}

/// Per-socket keep-alive overrides, as set by `SIO_KEEPALIVE_VALS` or the `IPPROTO_TCP`
/// options. `None` means the system default applies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    pub idle_ms: Option<Sourced<u64>>,
    pub interval_ms: Option<Sourced<u64>>,
    pub count: Option<Sourced<u32>>,
}

/// The settings a connection's keep-alive runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effective {
    /// Idle time before the first probe, in ms.
    pub idle_ms: Sourced<u64>,
    /// Time between unanswered probes, in ms.
    pub interval_ms: Sourced<u64>,
    /// Unanswered probes before the connection drops; 0 sends no probes.
    pub count: Sourced<u32>,
}

/// The system-wide idle time: `KeepAliveTime`, or 2 hours (so_keepalive#42a54-157, 161).
pub fn system_idle_ms(registry: &Registry) -> Sourced<u64> {
    match registry.keep_alive_time {
        Some(ms) => Sourced {
            value: u64::from(ms),
            rule: &rules::KA_IDLE_REGISTRY,
        },
        None => Sourced {
            value: u64::from(Registry::DEFAULT_KEEP_ALIVE_TIME_MS),
            rule: &rules::KA_IDLE_DEFAULT,
        },
    }
}

/// The system-wide interval: `KeepAliveInterval`, or 1 second (so_keepalive#42a54-157, 162).
pub fn system_interval_ms(registry: &Registry) -> Sourced<u64> {
    match registry.keep_alive_interval {
        Some(ms) => Sourced {
            value: u64::from(ms),
            rule: &rules::KA_INTERVAL_REGISTRY,
        },
        None => Sourced {
            value: u64::from(Registry::DEFAULT_KEEP_ALIVE_INTERVAL_MS),
            rule: &rules::KA_INTERVAL_DEFAULT,
        },
    }
}

/// The system-wide probe count for this version.
///
/// - Vista and later: 10, whatever the registry says (so_keepalive#42a54-163).
/// - 2000/XP/2003: the larger of `TcpMaxDataRetransmissions` and
///   `PPTPTcpMaxDataRetransmissions` (so_keepalive#42a54-165, 166), 5 when neither is set
///   (so_keepalive#42a54-164), adjusted down to 255 (so_keepalive#42a54-168); 0 means no probes
///   (so_keepalive#42a54-167). A value that is absent takes no part in the maximum
///   (assumption A08).
pub fn system_probe_count(version: WindowsVersion, registry: &Registry) -> Sourced<u32> {
    if version.at_least(threshold::VISTA) {
        return Sourced {
            value: Registry::FIXED_PROBE_COUNT,
            rule: &rules::KA_COUNT_FIXED,
        };
    }
    let set = [
        registry.tcp_max_data_retransmissions,
        registry.pptp_tcp_max_data_retransmissions,
    ];
    match set.into_iter().flatten().max() {
        None => Sourced {
            value: Registry::LEGACY_DEFAULT_PROBE_COUNT,
            rule: &rules::KA_COUNT_LEGACY_DEFAULT,
        },
        Some(n) => Sourced {
            value: n.min(Registry::LEGACY_MAX_PROBE_COUNT),
            rule: &rules::KA_COUNT_LEGACY_REGISTRY,
        },
    }
}

/// The effective settings of a socket: its overrides where it has them, the system values
/// otherwise (so_keepalive#42a54-160).
pub fn effective(version: WindowsVersion, registry: &Registry, overrides: &Overrides) -> Effective {
    Effective {
        idle_ms: overrides
            .idle_ms
            .unwrap_or_else(|| system_idle_ms(registry)),
        interval_ms: overrides
            .interval_ms
            .unwrap_or_else(|| system_interval_ms(registry)),
        count: overrides
            .count
            .unwrap_or_else(|| system_probe_count(version, registry)),
    }
}

/// The per-socket overrides of a socket, each tagged with the rule of the call that set it:
/// `SIO_KEEPALIVE_VALS` (so_keepalive#42a54-159, 160) or an `IPPROTO_TCP` option (wine:T01,
/// doc:D-TCP). The two share one pair of values; the last call wins (assumption A22).
pub fn socket_overrides(sock: &Socket) -> Overrides {
    let tag = |ms: u64, origin: Origin| match origin {
        Origin::System => None,
        Origin::KeepAliveVals => Some(Sourced {
            value: ms,
            rule: &rules::KA_SOCKET_VALS,
        }),
        Origin::TcpOption => Some(Sourced {
            value: ms,
            rule: &rules::KA_SOCKET_TCPOPT,
        }),
    };
    Overrides {
        idle_ms: tag(sock.idle_ms, sock.idle_origin),
        interval_ms: tag(sock.interval_ms, sock.interval_origin),
        count: sock.keepcnt.map(|n| Sourced {
            value: u32::from(n),
            rule: &rules::KA_SOCKET_TCPOPT,
        }),
    }
}

/// The settings a socket's keep-alive runs with, as configured (an idle time or interval of 0
/// stays 0 here; see [`in_force`]).
pub fn for_socket(version: WindowsVersion, registry: &Registry, sock: &Socket) -> Effective {
    effective(version, registry, &socket_overrides(sock))
}

/// The settings the timeline runs with: an idle time or interval of 0 ms is taken as 1 ms
/// (convention:timeline, assumption A30), so that no schedule ever loops on a zero period.
pub fn in_force(e: Effective) -> Effective {
    let at_least_1 = |s: Sourced<u64>| {
        if s.value == 0 {
            Sourced {
                value: 1,
                rule: &rules::KA_ZERO_AS_ONE_MS,
            }
        } else {
            s
        }
    };
    Effective {
        idle_ms: at_least_1(e.idle_ms),
        interval_ms: at_least_1(e.interval_ms),
        count: e.count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RegistryValue::*;
    use crate::version::PRESETS;

    fn legacy() -> WindowsVersion {
        WindowsVersion::new(5, 1, 2600)
    }

    #[test]
    fn defaults_are_two_hours_and_one_second_on_every_preset() {
        // so_keepalive#42a54-157; the counts: 158, 163 (Vista on) and 164 (up to 2003)
        for p in PRESETS {
            let e = effective(p.version, &Registry::default(), &Overrides::default());
            assert_eq!(e.idle_ms.value, 7_200_000, "{}", p.name);
            assert_eq!(e.interval_ms.value, 1_000, "{}", p.name);
            let expected = if p.version.at_least(threshold::VISTA) {
                10
            } else {
                5
            };
            assert_eq!(e.count.value, expected, "{}", p.name); // so_keepalive#42a54-158
        }
    }

    #[test]
    fn legacy_count_is_the_larger_registry_value_capped_at_255() {
        // so_keepalive#42a54-165, 166, 168
        let r = Registry::default()
            .with(TcpMaxDataRetransmissions, 3)
            .with(PPTPTcpMaxDataRetransmissions, 7);
        assert_eq!(system_probe_count(legacy(), &r).value, 7);
        let r = Registry::default().with(TcpMaxDataRetransmissions, 1000);
        assert_eq!(system_probe_count(legacy(), &r).value, 255);
        // so_keepalive#42a54-167: 0 means no probes.
        let r = Registry::default().with(TcpMaxDataRetransmissions, 0);
        assert_eq!(system_probe_count(legacy(), &r).value, 0);
    }

    #[test]
    fn from_vista_on_the_registry_does_not_change_the_count() {
        // so_keepalive#42a54-163
        let r = Registry::default()
            .with(TcpMaxDataRetransmissions, 0)
            .with(PPTPTcpMaxDataRetransmissions, 99);
        for p in PRESETS
            .iter()
            .filter(|p| p.version.at_least(threshold::VISTA))
        {
            assert_eq!(system_probe_count(p.version, &r).value, 10, "{}", p.name);
        }
    }

    #[test]
    fn registry_times_apply_on_every_preset() {
        // so_keepalive#42a54-161, 162
        let r = Registry::default()
            .with(KeepAliveTime, 30_000)
            .with(KeepAliveInterval, 500);
        for p in PRESETS {
            let e = effective(p.version, &r, &Overrides::default());
            assert_eq!(
                (e.idle_ms.value, e.interval_ms.value),
                (30_000, 500),
                "{}",
                p.name
            );
        }
    }
}
