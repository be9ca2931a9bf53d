//! The probe's line protocol (crates/wsoracle-probe/src/proto.rs, compiled in by path): any
//! input line is split or rejected, every argument getter answers a value or an error, and
//! nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/wsoracle-probe/src/proto.rs"]
mod proto;

use proto::{parse_buf, parse_int, parse_line, parse_ptr, render_ptr, Args, Line};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for line in text.split('\n') {
        let _ = parse_int(line);
        let _ = parse_buf(line);
        if let Ok(p) = parse_ptr(line) {
            // A pointer renders (`ptr:0x…`) back to itself.
            assert_eq!(parse_buf(&render_ptr(p)), Ok(proto::Buf::Ptr(p)), "{line}");
        }
        match parse_line(line) {
            Line::Blank | Line::Malformed { .. } => {}
            Line::Request(req) => {
                let keys: Vec<String> = req.args.iter().map(|(k, _)| k.clone()).collect();
                // Each getter on each key, on fresh argument sets (a getter consumes its key).
                for getter in 0..11 {
                    let mut args = Args::new(&req);
                    for k in &keys {
                        match getter {
                            0 => drop(args.int(k)),
                            1 => drop(args.i32_(k)),
                            2 => drop(args.req_i32(k)),
                            3 => drop(args.u32_(k)),
                            4 => drop(args.req_u32(k)),
                            5 => drop(args.nullable_i32(k)),
                            6 => drop(args.int_ptr(k)),
                            7 => drop(args.buf(k)),
                            8 => drop(args.boolean(k)),
                            9 => drop(args.req_sock(k)),
                            _ => drop(args.name(k)),
                        }
                    }
                    let _ = args.finish();
                }
            }
        }
    }
});
