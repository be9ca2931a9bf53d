//! The option table: one line per option, each naming the descriptor in its file under
//! `options/`. The macro derives from the same lines the list of descriptors ([`OPTIONS`], in
//! table order) and [`lookup`], a `match` on the level and the number, so that a call costs no
//! search.

use crate::codes::{Level, OptName};

use super::def::OptionDef;
use super::options::*;
use super::store::OptionValues;

/// What the model knows about a (level, optname) pair.
#[derive(Clone, Copy, Debug)]
pub enum Lookup {
    /// An option of the table.
    Found(&'static OptionDef),
    /// An option Windows defines at this level (its name is in `codes::OPTION_NAMES`) that the
    /// model does not answer.
    NotModelled,
    /// A number this level does not define.
    UnknownOption,
    /// A level Windows does not know: WSAEINVAL (wine:E05).
    UnknownLevel,
}

macro_rules! option_table {
    ( $( $level:ident $optname:ident => $def:path; )* ) => {
        /// Every option the model answers, in table order.
        pub static OPTIONS: &[&OptionDef] = &[ $( &$def, )* ];

        /// The descriptor of (level, optname), or why there is none.
        pub fn lookup(level: Level, optname: OptName) -> Lookup {
            match (level, optname) {
                $( (Level::$level, OptName::$optname) => Lookup::Found(&$def), )*
                _ => classify_other(level, optname),
            }
        }
    };
}

/// The values `accept` copies from a listener: those of the options marked inherited
/// (options:O369).
pub fn inherited_values(listener: &OptionValues) -> OptionValues {
    let mut out = OptionValues::EMPTY;
    for def in OPTIONS.iter().filter(|d| d.inherited) {
        if let Some(v) = listener.get(def.slot) {
            out.set(def.slot, v);
        }
    }
    out
}

/// A pair outside the table: a known level's named option is not modelled, an unnamed number is
/// unknown, and a level other than the five is unknown.
fn classify_other(level: Level, optname: OptName) -> Lookup {
    match level {
        Level::SOL_SOCKET
        | Level::IPPROTO_TCP
        | Level::IPPROTO_UDP
        | Level::IPPROTO_IP
        | Level::IPPROTO_IPV6 => {
            if optname.is_named_at(level) {
                Lookup::NotModelled
            } else {
                Lookup::UnknownOption
            }
        }
        _ => Lookup::UnknownLevel,
    }
}

option_table! {
    SOL_SOCKET SO_DEBUG => so_debug::DEF;
    SOL_SOCKET SO_ACCEPTCONN => so_acceptconn::DEF;
    SOL_SOCKET SO_REUSEADDR => so_reuse::REUSEADDR;
    SOL_SOCKET SO_KEEPALIVE => so_keepalive::DEF;
    SOL_SOCKET SO_DONTROUTE => so_dontroute::DEF;
    SOL_SOCKET SO_BROADCAST => so_broadcast::DEF;
    SOL_SOCKET SO_USELOOPBACK => so_lowat::USELOOPBACK;
    SOL_SOCKET SO_LINGER => so_linger::DEF;
    SOL_SOCKET SO_OOBINLINE => so_oobinline::DEF;
    SOL_SOCKET SO_DONTLINGER => so_linger::DONTLINGER;
    SOL_SOCKET SO_EXCLUSIVEADDRUSE => so_reuse::EXCLUSIVEADDRUSE;
    SOL_SOCKET SO_SNDBUF => so_buffers::SNDBUF;
    SOL_SOCKET SO_RCVBUF => so_buffers::RCVBUF;
    SOL_SOCKET SO_SNDLOWAT => so_lowat::SNDLOWAT;
    SOL_SOCKET SO_RCVLOWAT => so_lowat::RCVLOWAT;
    SOL_SOCKET SO_SNDTIMEO => so_timeouts::SNDTIMEO;
    SOL_SOCKET SO_RCVTIMEO => so_timeouts::RCVTIMEO;
    SOL_SOCKET SO_ERROR => so_error::DEF;
    SOL_SOCKET SO_TYPE => so_type::DEF;
    SOL_SOCKET SO_MAX_MSG_SIZE => so_max_msg_size::DEF;
    SOL_SOCKET SO_PROTOCOL_INFOA => so_protocol_info::INFOA;
    SOL_SOCKET SO_PROTOCOL_INFOW => so_protocol_info::INFOW;
    SOL_SOCKET SO_CONDITIONAL_ACCEPT => so_documented::CONDITIONAL_ACCEPT;
    SOL_SOCKET SO_RANDOMIZE_PORT => so_documented::RANDOMIZE_PORT;
    SOL_SOCKET SO_PORT_SCALABILITY => so_documented::PORT_SCALABILITY;
    SOL_SOCKET SO_REUSE_UNICASTPORT => so_documented::REUSE_UNICASTPORT;
    SOL_SOCKET SO_REUSE_MULTICASTPORT => so_documented::REUSE_MULTICASTPORT;
    SOL_SOCKET SO_OPENTYPE => so_opentype::DEF;
    SOL_SOCKET SO_UPDATE_ACCEPT_CONTEXT => so_update_context::ACCEPT;
    SOL_SOCKET SO_CONNECT_TIME => so_connect_time::DEF;
    SOL_SOCKET SO_UPDATE_CONNECT_CONTEXT => so_update_context::CONNECT;
    IPPROTO_TCP TCP_NODELAY => tcp_nodelay::DEF;
    IPPROTO_TCP TCP_EXPEDITED_1122 => tcp_urgent::EXPEDITED_1122;
    IPPROTO_TCP TCP_KEEPALIVE => tcp_keepalive::IDLE;
    IPPROTO_TCP TCP_MAXSEG => tcp_maxseg::DEF;
    IPPROTO_TCP TCP_MAXRT => tcp_maxrt::DEF;
    IPPROTO_TCP TCP_TIMESTAMPS => tcp_timestamps::DEF;
    IPPROTO_TCP TCP_FASTOPEN => tcp_fastopen::DEF;
    IPPROTO_TCP TCP_KEEPCNT => tcp_keepalive::CNT;
    IPPROTO_TCP TCP_KEEPINTVL => tcp_keepalive::INTVL;
    IPPROTO_TCP TCP_BSDURGENT => tcp_urgent::BSDURGENT;
    IPPROTO_IPV6 IPV6_V6ONLY => ipv6_v6only::DEF;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sockopt::store::Slot;

    #[test]
    fn each_descriptor_sits_at_its_own_level_and_number() {
        for def in OPTIONS {
            match lookup(def.level, def.optname) {
                Lookup::Found(found) => assert!(core::ptr::eq(found, *def), "{}", def.name),
                other => panic!("{} is not found: {other:?}", def.name),
            }
            assert_eq!(
                def.optname.name_at(def.level),
                Some(def.name),
                "{} is not the SDK's name for it",
                def.name
            );
        }
    }

    #[test]
    fn no_two_options_share_a_store_slot() {
        // SO_DONTLINGER reads and writes SO_LINGER's l_onoff: the one shared slot.
        let mut seen: Vec<(Slot, &str)> = Vec::new();
        for def in OPTIONS.iter().filter(|d| d.slot != Slot::None) {
            if let Some((_, other)) = seen.iter().find(|(s, _)| *s == def.slot) {
                let pair = [*other, def.name];
                assert!(
                    pair == ["SO_LINGER", "SO_DONTLINGER"],
                    "{} and {} share {:?}",
                    other,
                    def.name,
                    def.slot
                );
            }
            seen.push((def.slot, def.name));
        }
    }

    #[test]
    fn names_outside_the_table_are_not_modelled_and_numbers_unknown() {
        assert!(matches!(
            lookup(Level::IPPROTO_TCP, OptName::TCP_NOSYNRETRIES),
            Lookup::NotModelled
        ));
        assert!(matches!(
            lookup(Level::SOL_SOCKET, OptName(0x7777)),
            Lookup::UnknownOption
        ));
        assert!(matches!(
            lookup(Level(0x1234), OptName::SO_KEEPALIVE),
            Lookup::UnknownLevel
        ));
        // 16 is SO_DONTROUTE at SOL_SOCKET and TCP_KEEPCNT at IPPROTO_TCP.
        let Lookup::Found(d) = lookup(Level::SOL_SOCKET, OptName(16)) else {
            panic!()
        };
        assert_eq!(d.name, "SO_DONTROUTE");
    }
}
