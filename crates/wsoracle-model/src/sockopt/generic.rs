//! The decisions every option shares, driven by its descriptor: availability, read-only and
//! set-only, the socket kind, a connect in progress, the short-length class, the value's bound.
//! An option with a hook decides the rest itself.

use crate::abi::{le_prefix, InBuf};
use crate::codes::{AddressFamily, Level};
use crate::outcome::{Reason, Written};
use crate::provenance::Fidelity;
use crate::rules as base_rules;
use crate::socket::SocketState;
use crate::stack::Decision;
use crate::version::threshold;

use super::def::{Access, Ctx, LenClass, OptionDef, Sockets, ValueKind};
use super::rules;
use super::{GetAction, SetAction};

/// The class that applies on this version: a descriptor may name another class before Vista
/// (SO_DONTROUTE is a 4-byte DWORD on Server 2003: options:O161–O164).
pub(crate) fn class_at(def: &OptionDef, ctx: &Ctx<'_>) -> LenClass {
    match def.legacy_class {
        Some(c) if !ctx.version.at_least(threshold::VISTA) => c,
        _ => def.class,
    }
}

/// Availability, then the option's hook or the generic decision.
pub(crate) fn decide_set(
    def: &OptionDef,
    ctx: &Ctx<'_>,
    optval: InBuf<'_>,
    optlen: i32,
) -> Decision<SetAction> {
    if !def.availability.since(ctx.fidelity).has(ctx.version) {
        return Decision::fail(Reason::UnknownOption, def.availability.missing);
    }
    if let Some(hook) = def.set_hook {
        return hook(def, ctx, optval, optlen);
    }
    decide_set_plain(def, ctx, optval, optlen)
}

/// The generic set, after availability: read-only → socket kind → connect in progress → length
/// class → bound. Hooks that add a check call it first.
pub(crate) fn decide_set_plain(
    def: &OptionDef,
    ctx: &Ctx<'_>,
    optval: InBuf<'_>,
    optlen: i32,
) -> Decision<SetAction> {
    if let Access::ReadOnly { reason, rule } = def.access {
        return Decision::fail(reason, rule);
    }
    if let Err(d) = fits(def, ctx) {
        return d;
    }
    let value = match read_value(def, ctx, optval, optlen) {
        Ok(v) => v,
        Err(d) => return d,
    };
    if let ValueKind::Bounded { max } = def.value {
        if value > max {
            return Decision::fail(Reason::InvalidArgument, &rules::SET_TOO_LARGE);
        }
    }
    Decision::ok(
        SetAction::Store(def.slot, def.value.normalise(value)),
        def.set_ok,
    )
}

/// The socket kind, then a connect in progress (IPPROTO_TCP options from Vista on).
pub(crate) fn fits<A>(def: &OptionDef, ctx: &Ctx<'_>) -> Result<(), Decision<A>> {
    if let Sockets::Ip(_) = def.sockets {
        let own = match def.level {
            Level::IPPROTO_IPV6 => AddressFamily::AF_INET6,
            _ => AddressFamily::AF_INET,
        };
        if ctx.sock.address_family() != own {
            // IPPROTO_IP on an AF_INET6 socket (dual stack) and IPPROTO_IPV6 on an AF_INET one:
            // no source in the evidence tests them.
            return Err(Decision::not_modelled(&rules::IP_OTHER_FAMILY));
        }
    }
    if !def.sockets.fits(ctx.sock.socket_type()) {
        let (reason, rule) = def.wrong_socket;
        return Err(Decision::fail(reason, rule));
    }
    if connecting_refused(def.level, ctx) {
        return Err(Decision::fail(Reason::InvalidArgument, &rules::CONNECTING));
    }
    Ok(())
}

/// User reports (tokio-rs/mio#1120, hufrea/byedpi#146) show TCP- and IP-level options failing
/// with WSAEINVAL while a connect is in progress; the connect page says it is not supported.
/// SOL_SOCKET options are read then (SO_ERROR is how a non-blocking connect is polled), so the
/// rule stays at the protocol levels (assumption A41).
pub(crate) fn connecting_refused(level: Level, ctx: &Ctx<'_>) -> bool {
    level != Level::SOL_SOCKET
        && ctx.sock.state() == SocketState::Connecting
        && ctx.version.at_least(threshold::VISTA)
}

/// Reads the value a setsockopt passes, by the option's length class.
fn read_value(
    def: &OptionDef,
    ctx: &Ctx<'_>,
    optval: InBuf<'_>,
    optlen: i32,
) -> Result<u32, Decision<SetAction>> {
    let bytes = match optval {
        InBuf::Bytes(b) => b,
        // A NULL optval with optlen ≤ 0 is a bad address too (options:O013 for SO_LINGER and
        // SO_DONTLINGER; wine:G10 for SO_KEEPALIVE).
        InBuf::Null => return Err(Decision::fail(Reason::BadAddress, &rules::SET_NULL)),
        InBuf::BadPointer => {
            return Err(Decision::fail(
                Reason::BadAddress,
                &base_rules::SETSOCKOPT_OPTVAL_BAD_POINTER,
            ))
        }
    };
    let class = class_at(def, ctx);
    let documented = ctx.fidelity == Fidelity::Documented || class == LenClass::Documented;
    // The documentation knows no BOOLEAN: its size is the value kind's (doc:D-SET, doc:D-GET).
    let size = def.size_in(if documented {
        LenClass::Documented
    } else {
        class
    });
    if documented {
        // doc:D-SET: at least the option's size.
        if optlen < size as i32 {
            return Err(Decision::fail(Reason::BadAddress, &rules::SET_SHORT_DOC));
        }
        return Ok(le_prefix(bytes, size as usize));
    }
    let sol_socket = def.level == Level::SOL_SOCKET;
    if optlen < 0 {
        if sol_socket && size == 4 {
            // options:O002, O022, O037, O062: the whole DWORD is read.
            if bytes.len() < 4 {
                return Err(Decision::fail(
                    Reason::BadAddress,
                    &base_rules::OPTLEN_PAST_BUFFER,
                ));
            }
            return Ok(le_prefix(bytes, 4));
        }
        return Err(negative_length(ctx));
    }
    match class {
        LenClass::A => {
            if optlen == 0 {
                return Err(Decision::fail(Reason::BadAddress, &rules::SET_SHORT_STRICT));
            }
            Ok(bytes.first().map_or(0, |b| u32::from(*b)))
        }
        LenClass::B => {
            if optlen == 0 && !sol_socket {
                return Err(Decision::fail(Reason::BadAddress, &rules::SET_SHORT_STRICT));
            }
            // options:O005, O213: only optlen bytes are read (none for optlen 0: assumption A43).
            Ok(le_prefix(bytes, optlen as usize))
        }
        LenClass::C | LenClass::D | LenClass::E | LenClass::Documented => {
            if optlen < size as i32 {
                return Err(Decision::fail(Reason::BadAddress, &rules::SET_SHORT_STRICT));
            }
            Ok(le_prefix(bytes, size as usize))
        }
    }
}

/// optlen −1 on an option whose size is not a SOL_SOCKET DWORD (options:O067; assumption A02
/// for the build where WSAEFAULT became WSAENOBUFS).
pub(crate) fn negative_length<A>(ctx: &Ctx<'_>) -> Decision<A> {
    if ctx.version.at_least(threshold::OPTLEN_NEGATIVE_ENOBUFS) {
        Decision::fail(Reason::NegativeLength, &rules::SET_NEGATIVE_ENOBUFS)
    } else {
        Decision::fail(Reason::BadAddress, &rules::SET_NEGATIVE_EFAULT)
    }
}

/// Availability, then the option's hook or the generic decision. `len` is `*optlen`, positive
/// and within the buffer.
pub(crate) fn decide_get(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    if !def.availability.since(ctx.fidelity).has(ctx.version) {
        return Decision::fail(Reason::UnknownOption, def.availability.missing);
    }
    if let Some(hook) = def.get_hook {
        return hook(def, ctx, len);
    }
    decide_get_plain(def, ctx, len)
}

/// The generic get, after availability: set-only → socket kind → connect in progress → the
/// value (set, or the default) → the length class.
pub(crate) fn decide_get_plain(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    if def.access == Access::WriteOnly {
        return Decision::not_modelled(&rules::WRITE_ONLY_GET);
    }
    if let Err(d) = fits(def, ctx) {
        return d;
    }
    let Some(value) = ctx.stored.or_else(|| def.default_at(ctx.version)) else {
        return Decision::not_modelled(&rules::DEFAULT_UNKNOWN);
    };
    write_value(def, ctx, len, value, def.get_ok)
}

/// Writes `value` as the option's class writes it for a buffer of `len` bytes.
pub(crate) fn write_value(
    def: &OptionDef,
    ctx: &Ctx<'_>,
    len: i32,
    value: u32,
    ok_rule: &'static crate::provenance::Rule,
) -> Decision<GetAction> {
    let bytes = value.to_le_bytes();
    let class = class_at(def, ctx);
    let documented = ctx.fidelity == Fidelity::Documented || class == LenClass::Documented;
    // The documentation knows no BOOLEAN: its size is the value kind's (doc:D-SET, doc:D-GET).
    let size = def.size_in(if documented {
        LenClass::Documented
    } else {
        class
    });
    if documented {
        if len < size as i32 {
            return Decision::fail(Reason::BadAddress, &rules::GET_SHORT_DOC);
        }
        let n = (size as usize).min(4);
        // A BOOLEAN the documentation gives as a DWORD: the documented answer is the page's, not
        // the option's observed rule (the two fidelities differ here).
        let rule = if ctx.fidelity == Fidelity::Documented && class == LenClass::A {
            &rules::GET_BOOLEAN_AS_DWORD_DOC
        } else {
            ok_rule
        };
        return Decision::ok(GetAction::Nothing, rule).writing(
            Written::NOTHING
                .with_bytes(&bytes[..n])
                .with_optlen(size as i32),
        );
    }
    let want = len as usize; // len > 0
    match class {
        // options:O026, O066: one byte, *optlen 1, whatever the buffer.
        LenClass::A => Decision::ok(GetAction::Nothing, ok_rule)
            .writing(Written::NOTHING.with_bytes(&bytes[..1]).with_optlen(1)),
        LenClass::B if want >= 4 => Decision::ok(GetAction::Nothing, ok_rule)
            .writing(Written::NOTHING.with_bytes(&bytes).with_optlen(4)),
        LenClass::B => {
            // options:O005: SOL_SOCKET writes the first optlen bytes, the IP levels one byte;
            // *optlen 1 either way (optlen 3 by assumption A44).
            let n = if def.level == Level::SOL_SOCKET {
                want
            } else {
                1
            };
            Decision::ok(GetAction::Nothing, &rules::GET_CLASS_B_SHORT)
                .writing(Written::NOTHING.with_bytes(&bytes[..n]).with_optlen(1))
        }
        LenClass::C | LenClass::D | LenClass::E if want < 4 => match class {
            LenClass::C => Decision::fail(Reason::BadAddress, &rules::GET_SHORT_ZEROED)
                .writing(Written::NOTHING.with_bytes(&[0u8; 4][..want])),
            LenClass::D => Decision::fail(Reason::BadAddress, &rules::GET_SHORT_UNTOUCHED),
            _ => Decision::fail(Reason::BadAddress, &rules::GET_SHORT_OPTLEN_ZERO)
                .writing(Written::NOTHING.with_optlen(0)),
        },
        _ => Decision::ok(GetAction::Nothing, ok_rule)
            .writing(Written::NOTHING.with_bytes(&bytes).with_optlen(4)),
    }
}
