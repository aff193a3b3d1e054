//! The command line: argument parsing, one file per command, printing and exit codes. The
//! only module that prints, reads the clock or the environment.

mod build;
mod check;
mod demo;
mod diff;
mod history;
mod import;
mod init;
mod new;
mod release;
mod serve;

use crate::error::Error;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Turns a git repository of Markdown files into the static dashboard of a go-live ledger.
#[derive(Debug, Parser)]
#[command(name = "opsledger", version, about, propagate_version = true)]
pub struct Cli {
    /// The ledger repository to work in.
    #[arg(short = 'C', global = true, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the example ledger with a month of replayed git history, build it, say where to open it.
    Demo(demo::Args),
    /// Check the ledger, read its history from git and write the static site.
    Build(build::Args),
    /// Validate every file of the ledger; exit 1 on any error.
    Check(check::Args),
    /// Write an example ledger repository into DIR (default: -C DIR).
    Init(init::Args),
    /// Create an entry, requirement or release with the next free id.
    New(new::Args),
    /// Show the history mined from git: one file's timeline, or a summary.
    History(history::Args),
    /// Summarise what the changes since REF do to the ledger (for a pull-request comment).
    Diff(diff::Args),
    /// Release commands: `release notes <id>`, the test-complete mail to the PM.
    Release(release::Args),
    /// Turn the team's spreadsheet (.xlsx or .csv) into entry files, one per row.
    Import(import::Args),
    /// Build, serve on 127.0.0.1, rebuild and reload the browser when the ledger changes.
    Serve(serve::Args),
}

/// What a command ended with.
pub enum Outcome {
    Ok,
    /// The content has errors (exit 1).
    ContentErrors,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    #[cfg(debug_assertions)]
    test_faults();
    let result = match &cli.command {
        Command::Demo(a) => demo::run(&cli.dir, a),
        Command::Build(a) => build::run(&cli.dir, a),
        Command::Check(a) => check::run(&cli.dir, a),
        Command::Init(a) => init::run(&cli.dir, a),
        Command::New(a) => new::run(&cli.dir, a),
        Command::History(a) => history::run(&cli.dir, a),
        Command::Diff(a) => diff::run(&cli.dir, a),
        Command::Release(a) => release::run(&cli.dir, a),
        Command::Import(a) => import::run(&cli.dir, a),
        Command::Serve(a) => serve::run(&cli.dir, a),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::ContentErrors) => ExitCode::from(1),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Debug builds only (the tests' binary): `OPSLEDGER_TEST_ABORT_AFTER_MOVES=N` makes a build
/// abort, as if killed, once it has moved N files into its output folder.
#[cfg(debug_assertions)]
fn test_faults() {
    let n = std::env::var("OPSLEDGER_TEST_ABORT_AFTER_MOVES");
    if let Some(n) = n.ok().and_then(|n| n.parse().ok()) {
        crate::site::output::journal::fault::abort_after_moves(n);
    }
}

/// Prints each of the library's `warnings` (about the tool's own files, not the content).
fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// Writes to stdout; a closed pipe is not an error worth a message.
fn out(text: &str) -> crate::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::io("<stdout>", e))
}

/// Today in the local time zone (the only clock read of a command that needs "today").
fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// "1 entry", "3 entries".
fn count(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}
