//! `opsledger new entry|requirement|release`: create a document with the next free id.

use super::{Outcome, out, today};
use crate::load::{self, Kind};
use crate::model::{Category, Keyword, Priority};
use crate::scaffold::{self, EntryValues, NewKind, NewOptions};
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
    /// For a release: its date, YYYY-MM-DD (default: the next free release day).
    #[arg(long)]
    pub date: Option<jiff::civil::Date>,
    #[command(flatten)]
    pub entry: EntryArgs,
}

/// The values `new entry` can fill in besides the title, system and proposer.
#[derive(Debug, Default, clap::Args)]
#[command(next_help_heading = "Entry values")]
pub struct EntryArgs {
    #[arg(long)]
    pub subsystem: Option<String>,
    #[arg(long)]
    pub module: Option<String>,
    #[arg(long)]
    pub feature: Option<String>,
    /// feature, defect, data-fix, … (see the README's front-matter reference).
    #[arg(long, value_parser = keyword::<Category>)]
    pub category: Option<Category>,
    /// high, medium or low.
    #[arg(long, value_parser = keyword::<Priority>)]
    pub priority: Option<Priority>,
    #[arg(long, value_name = "NAME")]
    pub tech_lead: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub test_lead: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub planned_start: Option<jiff::civil::Date>,
    #[arg(long, value_name = "DATE")]
    pub planned_finish: Option<jiff::civil::Date>,
    /// The requirement document's id, e.g. REQ-0001.
    #[arg(long, value_name = "ID")]
    pub requirement: Option<String>,
    /// The release's id, e.g. 2019-03-07.
    #[arg(long, value_name = "ID")]
    pub release: Option<String>,
}

/// A keyword of the front matter, for clap.
fn keyword<K: Keyword>(s: &str) -> Result<K, String> {
    K::parse(s).ok_or_else(|| format!("use one of: {}", K::words().join(", ")))
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
        entry: EntryValues {
            subsystem: args.entry.subsystem.clone(),
            module: args.entry.module.clone(),
            feature: args.entry.feature.clone(),
            category: args.entry.category,
            priority: args.entry.priority,
            tech_lead: args.entry.tech_lead.clone(),
            test_lead: args.entry.test_lead.clone(),
            planned_start: args.entry.planned_start,
            planned_finish: args.entry.planned_finish,
            requirement: args.entry.requirement.clone(),
            release: args.entry.release.clone(),
        },
    };
    let rel = scaffold::new_document(dir, args.kind, &opts, &taken)?;
    out(&format!("created {rel}\n"))?;
    Ok(Outcome::Ok)
}
