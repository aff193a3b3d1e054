//! The site's data exports: `ledger.csv` and `ledger.xlsx` (the spreadsheet the team used to
//! keep, same columns), `ledger.json` (the versioned contract for other tools), `feed.xml`
//! (Atom) and `search-index.json`.
//!
//! Pure: every function turns the loaded [`Ledger`], its mined [`History`] and the [`Config`]
//! into bytes. No file IO, no printing, no clock: the only time written anywhere is
//! [`ExportInput::generated_at`] (the HEAD commit's time), so the same commit always gives
//! byte-identical files.
//!
//! # `ledger.json`, schema version 1
//!
//! One JSON object, keys always in this order (compact, UTF-8, ends with a newline):
//!
//! ```text
//! {
//!   "schema_version": 1,
//!   "generated_at": "2019-03-14T22:05:00+08:00",   // HEAD commit time (RFC 3339), or null without git
//!   "title": "小贷 运维台帐",                        // opsledger.toml `title`
//!   "entries":      [ ENTRY, ... ],                  // by id
//!   "requirements": [ REQUIREMENT, ... ],            // by id
//!   "releases":     [ RELEASE, ... ],                // by id
//!   "runbooks":     [ RUNBOOK, ... ],                // by slug
//!   "metrics":      METRICS                          // delivery metrics from history
//! }
//! ```
//!
//! Each item has every front-matter field under its own key, in the order of the model
//! (an empty text is `""`, a missing date or reference is `null`, an empty list is `[]`; dates are
//! `"YYYY-MM-DD"`; keywords such as `status` are the front-matter words, e.g. `"sit"`), then:
//!
//! - `"path"`: the file's repository-relative path (`content/entries/0020-repayment-file.md`);
//! - `"body"`: the Markdown body as written;
//! - `"history"`: the file's changes from git, oldest first, `[]` without history:
//!
//! ```text
//! {
//!   "commit": "<full hash>",            // "" on the working-tree step
//!   "author": "琳琳", "email": "linlin@example.com",
//!   "time": "2019-03-11T10:00:00+08:00",        // author time, RFC 3339 with offset
//!   "message": "<full commit message>",
//!   "landed_commit": "<full hash>",    // the first-parent commit of HEAD that brought it in
//!   "landed_time": "2019-03-11T18:30:00+08:00",
//!   "changes": [ {"field": "status", "from": "submitted", "to": "sit"} ],  // dotted field paths; from/to any JSON value, null when absent
//!   "body_changed": false,
//!   "path": "content/entries/0020-repayment-file.md",   // the file's path at that commit
//!   "working_tree": true               // only present, and then true, on the uncommitted-edits step
//! }
//! ```
//!
//! ENTRY fields: `id` (number), `title`, `system`, `subsystem`, `module`, `feature`,
//! `category`, `priority`, `status`, `proposer`, `proposed_on`, `has_sql` (bool),
//! `sql_scripts` (list), `expected_solution`, `technical_solution`, `business_feedback`,
//! `resolution_notes`, `planned_start`, `planned_finish`, `tech_lead`, `test_start`,
//! `test_finish`, `test_lead`, `test_opinion`, `related_systems` (list), `requirement`,
//! `release`, `tests` (`{"sit"|"uat"|"preprod": {"result", "date", "by"}}`).
//! REQUIREMENT: `id`, `title`, `system`, `owner`, `status`, `version`, `created`.
//! RELEASE: `id`, `title`, `date`, `status`, `approver`, `approved_on`, `strategy`, `phases`
//! (`[{"percent", "exit_criteria"}]`), `goals`, `steps` (`[{"name", "owner", "after"}]`),
//! `rollback` (`{"trigger", "plan", "owner"}`), `environment_checklist`, `data_migration`
//! (`{"backup", "scripts"}`), `verification`, `monitoring`, `docs_updates`, `runbook`.
//! RUNBOOK: `slug`, `title`, `system`, `owner`, `updated`.
//!
//! METRICS (computed by [`crate::metrics::compute`]; definitions in the README, "Metrics"):
//!
//! ```text
//! {
//!   "today": "2019-03-14",             // the generation date stuck entries are measured against, or null
//!   "stuck_after_days": 14,
//!   "weeks":   [ ROW, ... ],           // key "2019-W10": ISO week of the landing time, oldest first
//!   "systems": [ ROW, ... ],           // key: the entries' system, by name
//!   "stages":  [ {"status": "sit", "count": 4, "median_days": 1.5, "p90_days": 3.0}, ... ],
//!   "stuck":   [ {"id", "title", "system", "status", "since": "YYYY-MM-DD", "days",
//!                 "tech_lead", "test_lead"}, ... ]   // longest first
//! }
//! ROW: "key", "releases" (release documents released), "released" (entry releases),
//!   "lead_median_days", "lead_p90_days", "rolled_back", "change_failure_rate",
//!   "restore_median_hours", "bounce_backs", "sit_entries", "bounce_back_rate", "on_time",
//!   "with_plan", "on_time_rate", "carried_over", "on_train", "carry_over_rate"
//!   (rates are fractions 0–1 rounded to 3 places; a median, p90 or rate is null without data)
//! ```
//!
//! A new key may be added within version 1; removing or changing the meaning of one raises
//! `schema_version`.
//!
//! This file holds the shared input, [`all`] and the helpers several exports use; each export
//! has its own file (`csv`, `xlsx`, `json`, `atom`, `search`), the spreadsheet columns and
//! keyword labels theirs (`columns`, `labels`).

mod atom;
mod columns;
mod csv;
#[cfg(test)]
mod fixtures;
mod json;
mod labels;
mod search;
mod xlsx;

use crate::config::Config;
use crate::history::History;
use crate::model::{Entry, Ledger};

pub use self::csv::ledger_csv;
pub use atom::{feed_atom, xml_escape};
pub use columns::{COLUMNS, headers};
pub use json::ledger_json;
pub use labels::{label, yes_no};
pub use search::search_index;
pub use xlsx::ledger_xlsx;

/// One generated output file: its path relative to the site root and its bytes. The same type
/// the site writer takes ([`super::output::OutputFile`]), so exports and pages go out together.
pub use super::output::OutputFile;

/// Everything the exports need.
#[derive(Debug, Clone, Copy)]
pub struct ExportInput<'a> {
    pub config: &'a Config,
    pub ledger: &'a Ledger,
    pub history: &'a History,
    /// When the site was generated: the HEAD commit's time (RFC 3339), never the clock; None
    /// without git.
    pub generated_at: Option<&'a str>,
    /// Absolute base URL of the site (config.base_url or --base-url), for the Atom feed's links.
    pub base_url: &'a str,
}

/// The `schema_version` of `ledger.json`.
pub const SCHEMA_VERSION: u32 = 1;

/// How many status changes the Atom feed carries (the most recent ones).
pub const FEED_STATUS_CHANGES: usize = 100;

/// Longest `text` of a search-index document, in characters.
pub const SEARCH_TEXT_MAX: usize = 2000;

/// One export: the path of its file and how to write the file. Each can run on its own (in
/// parallel), and writes as it goes where it can (`ledger.json`), so that a site writer holds
/// only the files being made.
#[derive(Clone, Copy)]
pub struct Export {
    pub path: &'static str,
    pub write: fn(&ExportInput, &mut dyn std::io::Write) -> crate::Result<()>,
}

/// Every export, in the order [`all`] returns them.
pub const EXPORTS: [Export; 5] = [
    Export {
        path: "ledger.csv",
        write: |i, w| bytes_to(w, &ledger_csv(i).bytes),
    },
    Export {
        path: "ledger.xlsx",
        write: |i, w| bytes_to(w, &ledger_xlsx(i)?.bytes),
    },
    Export {
        path: "ledger.json",
        write: json::write_ledger_json,
    },
    Export {
        path: "feed.xml",
        write: |i, w| bytes_to(w, &feed_atom(i).bytes),
    },
    Export {
        path: "search-index.json",
        write: |i, w| bytes_to(w, &search_index(i)?.bytes),
    },
];

fn bytes_to(w: &mut dyn std::io::Write, bytes: &[u8]) -> crate::Result<()> {
    w.write_all(bytes)
        .map_err(|e| crate::Error::io("(export)", e))
}

/// Every export, in the order of [`EXPORTS`].
pub fn all(input: &ExportInput) -> crate::Result<Vec<OutputFile>> {
    EXPORTS
        .iter()
        .map(|x| {
            let mut bytes = Vec::new();
            (x.write)(input, &mut bytes)?;
            Ok(OutputFile {
                path: x.path.into(),
                bytes,
            })
        })
        .collect()
}

/// The entries, by id (then path).
fn entries_by_id(ledger: &Ledger) -> Vec<&Entry> {
    let mut v: Vec<&Entry> = ledger.entries.iter().collect();
    v.sort_by(|a, b| (a.id, &a.doc.path).cmp(&(b.id, &b.doc.path)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::site::export::fixtures::{bare, config, read_csv, with};

    #[test]
    fn deterministic_bytes() {
        for lang in [Language::ZhCn, Language::En] {
            let a = with(lang, |i| all(i).unwrap());
            let b = with(lang, |i| all(i).unwrap());
            let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(
                paths,
                [
                    "ledger.csv",
                    "ledger.xlsx",
                    "ledger.json",
                    "feed.xml",
                    "search-index.json"
                ]
            );
            for (x, y) in a.iter().zip(&b) {
                assert!(x.bytes == y.bytes, "{} differs between two builds", x.path);
            }
        }
    }

    #[test]
    fn empty_ledger() {
        let config = config(Language::ZhCn);
        let ledger = Ledger::default();
        let history = History::default();
        let files = all(&bare(&config, &ledger, &history)).unwrap();
        assert_eq!(files.len(), 5);
        assert_eq!(read_csv(&files[0].bytes).len(), 1);
    }
}
