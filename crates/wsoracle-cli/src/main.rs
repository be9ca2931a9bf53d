//! `wsoracle`: runs scenario files against the Winsock keep-alive model, lists the Windows
//! profiles, and prints the scenario format's JSON Schema.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// `println!` that ignores a closed stdout (`wsoracle run | head`) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that ignores a closed stdout, as `outln!` does.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod diff;
mod explain;
mod explain_option;
mod explore;
mod guard;
mod profiles;
mod run;

#[derive(Parser, Debug)]
#[command(
    name = "wsoracle",
    version,
    about = "A simulator and test oracle for Winsock keep-alive"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run scenario files on their profiles and check their expectations.
    Run(run::RunArgs),
    /// List the Windows profiles (presets) and what differs between them.
    Profiles(profiles::ProfilesArgs),
    /// Print the JSON Schema of the scenario format (for editors).
    Schema,
    /// Explain a keep-alive answer.
    Explain(explain::ExplainArgs),
    /// Compare the model with another backend.
    Diff(diff::DiffArgs),
    /// Search the model's states exhaustively, walk them at random, or diff two presets.
    ///
    /// Exits with 1 when the search or the walk breaks an invariant, or when a search of every
    /// group, preset and fidelity leaves a rule unreached without a stated reason (a dead rule).
    Explore(explore::ExploreArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match &cli.command {
        Command::Run(args) => run::run(args),
        Command::Profiles(args) => profiles::run(args),
        Command::Schema => schema(),
        Command::Explain(args) => explain::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Explore(args) => explore::run(args),
    };
    ExitCode::from(u8::try_from(status).unwrap_or(2))
}

fn schema() -> i32 {
    match serde_json::to_string_pretty(&wsoracle_scenario::json_schema()) {
        Ok(text) => {
            outln!("{text}");
            0
        }
        Err(e) => {
            eprintln!("wsoracle schema: {e}");
            2
        }
    }
}
