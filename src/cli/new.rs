//! `opsledger new entry|requirement|release`: create a document with the next free id.

use super::{Outcome, out, today};
use crate::load::{self, Kind};
use crate::scaffold::{self, NewKind, NewOptions};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to create.
    #[arg(value_enum)]
    pub kind: NewKind,
    /// The title.
    #[arg(long)]
    pub title: Option<String>,
    /// The system (a `[[systems]]` name of opsledger.toml).
    #[arg(long)]
    pub system: Option<String>,
    /// Who proposes it (default: git's user.name).
    #[arg(long)]
    pub proposer: Option<String>,
    /// For a release: its date, YYYY-MM-DD (default: the next release day).
    #[arg(long)]
    pub date: Option<jiff::civil::Date>,
}

pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    let (config, _) = load::load_config(dir)?;
    let kind = match args.kind {
        NewKind::Entry => Kind::Entry,
        NewKind::Requirement => Kind::Requirement,
        NewKind::Release => Kind::Release,
    };
    let folder = format!("content/{}", kind.folder());
    let mut taken: Vec<String> = std::fs::read_dir(dir.join(&folder))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let repo = crate::git::Repo::open(dir)?;
    if let Some(repo) = &repo {
        taken.extend(repo.names_on_branches(&folder)?);
    }
    let proposer = args
        .proposer
        .clone()
        .or_else(|| repo.as_ref().and_then(|r| r.user_name()));
    let opts = NewOptions {
        title: args.title.clone(),
        system: args.system.clone(),
        proposer,
        date: args.date,
        today: today(),
        release_day: Some(config.train.release_day),
    };
    let rel = scaffold::new_document(dir, args.kind, &opts, &taken)?;
    out(&format!("created {rel}\n"))?;
    Ok(Outcome::Ok)
}
