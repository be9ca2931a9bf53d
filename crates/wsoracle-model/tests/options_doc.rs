//! docs/options.md is generated from the option table and checked here: every option name the
//! Windows SDK defines at the five levels, modelled or not, with its value kind, length class,
//! default per version, availability and rules. `UPDATE_DOCS=1 cargo test -p wsoracle-model
//! --test options_doc` rewrites it.

use std::fmt::Write as _;

use wsoracle_model::codes::{Level, OPTION_NAMES};
use wsoracle_model::sockopt::def::{Access, DefaultValue, OptionDef, Since};
use wsoracle_model::sockopt::table::{lookup, Lookup};
use wsoracle_model::{Fidelity, PRESETS};

fn since(s: Since) -> String {
    match s {
        Since::Always => "always".into(),
        Since::Never => "never".into(),
        Since::From(v) => {
            let preset = PRESETS.iter().find(|p| p.version.at_least(v));
            match preset {
                Some(p) => format!("{v} ({} on)", p.name),
                None => v.to_string(),
            }
        }
    }
}

/// The default on each preset, runs of equal values merged: `8192 (win2000–win7), 65536 (…)`.
fn defaults(def: &OptionDef) -> String {
    match def.default {
        DefaultValue::Computed => return "computed".into(),
        DefaultValue::Unknown => return "unknown (a get before a set is not modelled)".into(),
        _ => {}
    }
    let mut runs: Vec<(String, &str, &str)> = Vec::new();
    for p in PRESETS {
        let v = def
            .default_at(p.version)
            .map_or_else(|| "–".to_string(), |v| v.to_string());
        match runs.last_mut() {
            Some((last, _, to)) if *last == v => *to = p.name,
            _ => runs.push((v, p.name, p.name)),
        }
    }
    if runs.len() == 1 {
        return runs[0].0.clone();
    }
    runs.iter()
        .map(|(v, from, to)| {
            if from == to {
                format!("{v} ({from})")
            } else {
                format!("{v} ({from}–{to})")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn render() -> String {
    let mut out = String::new();
    out.push_str("# Socket options\n\n");
    out.push_str(
        "Generated from the option table (`crates/wsoracle-model/src/sockopt/table.rs`) by \
         `crates/wsoracle-model/tests/options_doc.rs`; a test fails when this page is stale \
         (`UPDATE_DOCS=1 cargo test -p wsoracle-model --test options_doc` rewrites it).\n\n\
         Every option name the Windows SDK headers define at the five levels is listed (the set \
         of the `windows-sys` crate 0.61.2), each either **modelled** (simulated: the model acts \
         on it; stored: kept and read back with Windows' answers; documented only: answered from \
         Microsoft's page, marked unverified) or **not modelled** (the call answers \"not \
         modelled\", never a made-up error). An option number a level does not define answers \
         what Windows answers (WSAENOPROTOOPT; WSAEINVAL at SOL_SOCKET from Vista on, \
         assumption A42).\n\n\
         Length classes (docs/evidence-options.md): A, a BOOLEAN of one byte; B, a DWORD that \
         accepts short input; C, strict, a short get zeroes the buffer; D, strict, a short get \
         writes nothing; E, strict, a short get sets `*optlen` to 0; documented, strict and \
         unmeasured. `explain --option NAME` prints one option with what each short length \
         does.\n\n",
    );
    for (level, title) in [
        (Level::SOL_SOCKET, "SOL_SOCKET (0xffff)"),
        (Level::IPPROTO_TCP, "IPPROTO_TCP (6)"),
        (Level::IPPROTO_UDP, "IPPROTO_UDP (17)"),
        (Level::IPPROTO_IP, "IPPROTO_IP (0)"),
        (Level::IPPROTO_IPV6, "IPPROTO_IPV6 (41)"),
    ] {
        let _ = writeln!(out, "## {title}\n");
        out.push_str("| option | number | model | value | length class | sockets | default | from (observed / documented) | access | accept copies | rules |\n");
        out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for n in OPTION_NAMES.iter().filter(|n| n.level == level) {
            let name = match n.alias_of {
                Some(of) => format!("`{}` (= `{of}`)", n.name),
                None => format!("`{}`", n.name),
            };
            let number = if n.optname.0 < 0 {
                format!("{} (~{})", n.optname.0, !n.optname.0)
            } else {
                format!("{} ({:#x})", n.optname.0, n.optname.0)
            };
            match lookup(level, n.optname) {
                Lookup::Found(def) => {
                    let access = match def.access {
                        Access::ReadWrite => "get, set",
                        Access::ReadOnly { .. } => "get only",
                        Access::WriteOnly => "set only",
                    };
                    let rules: Vec<String> = def.rules().map(|r| format!("`{}`", r.id)).collect();
                    let _ = writeln!(
                        out,
                        "| {name} | {number} | {} — {} | {} | {} | {} | {} | {} / {} | {access} | {} | {} |",
                        def.modelling.as_str(),
                        def.summary,
                        def.value.as_str(),
                        def.class.as_str(),
                        def.sockets.as_str(),
                        defaults(def),
                        since(def.availability.since(Fidelity::Observed)),
                        since(def.availability.since(Fidelity::Documented)),
                        if def.inherited { "yes" } else { "no" },
                        rules.join(", "),
                    );
                }
                _ => {
                    let _ = writeln!(out, "| {name} | {number} | not modelled | | | | | | | | |");
                }
            }
        }
        out.push('\n');
    }
    out
}

#[test]
fn docs_options_md_is_generated_from_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/options.md");
    let want = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).expect("write docs/options.md");
        return;
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/options.md is stale: run `UPDATE_DOCS=1 cargo test -p wsoracle-model --test options_doc`"
    );
}

#[test]
fn every_name_of_the_five_levels_is_listed() {
    let page = render();
    for n in OPTION_NAMES {
        assert!(
            page.contains(&format!("`{}`", n.name)),
            "{} missing",
            n.name
        );
    }
    assert!(page.contains("| `SO_LINGER` | 128 (0x80) | stored"));
}
