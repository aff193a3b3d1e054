//! `opsledger release notes <id>`: the test-complete mail to the PM as Markdown, HTML or a
//! draft `.eml` ([`crate::notes`]), on stdout or into `--out FILE`.

use super::{Outcome, out};
use crate::error::Error;
use crate::load;
use crate::notes::{Envelope, Format, Notes};
use crate::report::Summary;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ReleaseCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ReleaseCommand {
    /// The test-complete mail to the PM: every entry, its tests and test opinion, risks,
    /// rollback.
    Notes(NotesArgs),
}

#[derive(Debug, clap::Args)]
pub struct NotesArgs {
    /// The release id (e.g. 2019-03-14).
    pub id: String,
    /// Output format; `eml` is a draft message a mail client opens.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: NotesFormat,
    /// A recipient of the `eml` draft (`pm@example.com` or `周建国 <pm@example.com>`);
    /// repeatable.
    #[arg(long = "to", value_name = "ADDR")]
    pub to: Vec<String>,
    /// The sender of the `eml` draft.
    #[arg(long, value_name = "ADDR")]
    pub from: Option<String>,
    /// Write to FILE (relative to -C) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NotesFormat {
    Markdown,
    Html,
    Eml,
}

pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    match &args.command {
        ReleaseCommand::Notes(a) => notes(dir, a),
    }
}

fn notes(dir: &Path, args: &NotesArgs) -> crate::Result<Outcome> {
    let format = match args.format {
        NotesFormat::Markdown => Format::Markdown,
        NotesFormat::Html => Format::Html,
        NotesFormat::Eml => Format::Eml,
    };
    if format != Format::Eml && (args.from.is_some() || !args.to.is_empty()) {
        return Err(Error::Usage(
            "--to and --from are for --format eml".to_owned(),
        ));
    }
    let path = args.out.as_ref().map(|file| match file.is_absolute() {
        true => file.clone(),
        false => dir.join(file),
    });
    if let Some(path) = &path {
        crate::paths::check_out(dir, path, "the notes", "notes.md")?;
    }
    let loaded = load::load(dir)?;
    let notes = Notes::build(&loaded.ledger, &loaded.config, &args.id)?;
    let envelope = Envelope {
        from: args.from.clone(),
        to: args.to.clone(),
    };
    let text = notes.render(format, &envelope)?;
    let errors = Summary::of(&crate::build::diagnostics(dir, &loaded)?).errors;
    if errors > 0 {
        eprintln!(
            "warning: the ledger has {} (run `opsledger check`); the notes show what loaded",
            super::count(errors, "error")
        );
    }
    match &path {
        Some(path) => {
            crate::paths::replace(path, text.as_bytes())?;
            out(&format!("wrote {}\n", path.display()))?;
        }
        None => out(&text)?,
    }
    Ok(Outcome::Ok)
}
