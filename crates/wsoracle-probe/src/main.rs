//! Placeholder: the probe is being written.
fn main() {
    eprintln!("wsoracle-probe runs only on Windows");
    std::process::exit(2);
}
