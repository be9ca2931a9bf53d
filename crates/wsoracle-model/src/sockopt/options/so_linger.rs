//! `SO_LINGER` (SOL_SOCKET, 128) and `SO_DONTLINGER` (~128), which share one value: a
//! `struct linger {u_short l_onoff; u_short l_linger}` (doc:D-LINGER). Stream sockets only: a
//! UDP socket answers WSAENOPROTOOPT (primary:P41). `l_onoff` is stored as given, 0x100 reads
//! back 0x100 (options:O014); SO_LINGER is class C (options:O012, O013), SO_DONTLINGER class B
//! and reads `!l_onoff` (doc:D-SOL; options:O007, O010). Both are copied by accept (options:O369).

use crate::abi::InBuf;
use crate::codes::{Level, OptName};
use crate::provenance::rules;
use crate::provenance::{
    Basis::*, Source::Assumption as A, Source::Doc as D, Source::Options as O, Source::Primary as P,
};
use crate::sockopt::def::{
    base, Ctx, DefaultValue, LenClass, Modelling, OptionDef, Sockets, ValueKind,
};
use crate::sockopt::generic;
use crate::sockopt::store::Slot;
use crate::sockopt::{GetAction, SetAction};
use crate::stack::{Decision, Verdict};

rules! {
    SET = "setsockopt.so-linger", Observed, "SO_LINGER stores its struct linger as given (l_onoff 0x100 stays 0x100)", [O("O014"), O("O208"), O("O210"), D("D-LINGER")];
    GET = "getsockopt.so-linger", Observed, "SO_LINGER reads the struct linger last set, {0, 0} on a fresh socket, in 4 bytes", [O("O014"), O("O208"), O("O210"), O("O369"), D("D-CLOSE")];
    WRONG_SOCKET = "sockopt.so-linger.datagram", Observed, "SO_LINGER and SO_DONTLINGER on a datagram socket fail with WSAENOPROTOOPT", [P("P41"), A("A40")];
    DONTLINGER_SET = "setsockopt.so-dontlinger", Observed, "SO_DONTLINGER sets l_onoff to the opposite of its BOOL and keeps l_linger; short input is accepted", [O("O007"), O("O010"), D("D-SOL")];
    CLOSE_ABORTIVE = "closesocket.abortive", Documented, "with SO_LINGER {l_onoff != 0, l_linger 0} closesocket resets the connection (a hard close) and returns at once", [D("D-CLOSE"), A("A50")];
    CLOSE_LINGER = "closesocket.linger", Documented, "with SO_LINGER {l_onoff != 0, l_linger > 0} closesocket lingers for unsent data; the model keeps none, so it returns at once", [D("D-CLOSE"), A("A50")];
    DONTLINGER_GET = "getsockopt.so-dontlinger", Documented, "SO_DONTLINGER reads 1 when l_onoff is 0, else 0 (so 1 on a fresh socket)", [O("O010"), D("D-SOL")];
}

pub static DEF: OptionDef = OptionDef {
    summary: "linger on close for unsent data: {l_onoff, l_linger seconds}",
    value: ValueKind::Linger,
    class: LenClass::C,
    sockets: Sockets::Stream,
    wrong_socket: (crate::outcome::Reason::UnknownOption, &WRONG_SOCKET),
    inherited: true,
    modelling: Modelling::Stored,
    slot: Slot::Word(0),
    extra_rules: &[&CLOSE_ABORTIVE, &CLOSE_LINGER],
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_LINGER,
        "SO_LINGER",
        &SET,
        &GET,
    )
};

pub static DONTLINGER: OptionDef = OptionDef {
    summary: "do not linger on close: the inverse of SO_LINGER's l_onoff",
    value: ValueKind::Flag,
    class: LenClass::B,
    sockets: Sockets::Stream,
    wrong_socket: (crate::outcome::Reason::UnknownOption, &WRONG_SOCKET),
    inherited: true,
    modelling: Modelling::Stored,
    default: DefaultValue::Const(1),
    slot: Slot::Word(0),
    set_hook: Some(set_dontlinger),
    get_hook: Some(get_dontlinger),
    ..base(
        Level::SOL_SOCKET,
        OptName::SO_DONTLINGER,
        "SO_DONTLINGER",
        &DONTLINGER_SET,
        &DONTLINGER_GET,
    )
};

fn set_dontlinger(
    def: &OptionDef,
    ctx: &Ctx<'_>,
    optval: InBuf<'_>,
    optlen: i32,
) -> Decision<SetAction> {
    let d = generic::decide_set_plain(def, ctx, optval, optlen);
    match d.verdict {
        Verdict::Ok(SetAction::Store(_, v)) => Decision::ok(SetAction::DontLinger(v != 0), d.rule),
        _ => d,
    }
}

fn get_dontlinger(def: &OptionDef, ctx: &Ctx<'_>, len: i32) -> Decision<GetAction> {
    if let Err(d) = generic::fits(def, ctx) {
        return d;
    }
    let l_onoff = ctx.stored.unwrap_or(0) & 0xffff;
    generic::write_value(def, ctx, len, u32::from(l_onoff == 0), &DONTLINGER_GET)
}
