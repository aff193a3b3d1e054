//! Writes new files into a ledger: the example repository (`init`) and a new entry,
//! requirement or release with the next free id (`new`). It never overwrites a file.

use crate::embedded;
use crate::error::{Error, Result};
use crate::model::entry_file_id;
use jiff::civil::{Date, Weekday};
use std::path::{Path, PathBuf};

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitReport {
    pub written: Vec<String>,
    /// Files that already existed and were left alone.
    pub kept: Vec<String>,
}

/// Writes the example ledger and the scaffold (CI workflows, .gitignore) into `dir`.
pub fn write_example(dir: &Path) -> Result<InitReport> {
    let mut report = InitReport::default();
    for (rel, bytes) in embedded::EXAMPLE.iter().chain(embedded::SCAFFOLD) {
        let path = dir.join(rel);
        if path.exists() || path.is_symlink() {
            report.kept.push((*rel).to_owned());
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        write_new(&path, bytes)?;
        report.written.push((*rel).to_owned());
    }
    Ok(report)
}

/// Creates `path` with `bytes`, failing if it exists (no race with another writer).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))
}

/// The kinds of document `new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    Entry,
    Requirement,
    Release,
}

/// What the user gave `new`.
#[derive(Debug, Clone, Default)]
pub struct NewOptions {
    pub title: Option<String>,
    pub system: Option<String>,
    pub proposer: Option<String>,
    /// For a release: its date (default: the next release day after `today`).
    pub date: Option<Date>,
    pub today: Date,
    pub release_day: Option<Weekday>,
}

/// Creates the document; `taken` are file names already used (work tree and every branch).
/// Returns the path written, relative to `root`.
pub fn new_document(
    root: &Path,
    kind: NewKind,
    opts: &NewOptions,
    taken: &[String],
) -> Result<String> {
    let title = opts.title.clone().unwrap_or_default();
    let (rel, text) = match kind {
        NewKind::Entry => {
            let id = taken
                .iter()
                .filter_map(|n| entry_file_id(n))
                .max()
                .unwrap_or(0)
                + 1;
            let rel = format!("content/entries/{id:04}-{}.md", slug(&title, "entry"));
            (rel, entry_text(id, &title, opts))
        }
        NewKind::Requirement => {
            let n = taken
                .iter()
                .filter_map(|n| n.strip_prefix("REQ-"))
                .filter_map(|n| n.split(['-', '.']).next()?.parse::<u32>().ok())
                .max()
                .unwrap_or(0)
                + 1;
            let id = format!("REQ-{n:04}");
            let rel = format!(
                "content/requirements/{id}-{}.md",
                slug(&title, "requirement")
            );
            (rel, requirement_text(&id, &title, opts))
        }
        NewKind::Release => {
            let date = opts.date.unwrap_or_else(|| {
                next_weekday(opts.today, opts.release_day.unwrap_or(Weekday::Thursday))
            });
            let id = date.to_string();
            if taken.iter().any(|n| n == &format!("{id}.md")) {
                return Err(Error::Usage(format!(
                    "release {id} already exists; pass --date for another day"
                )));
            }
            (
                format!("content/releases/{id}.md"),
                release_text(&id, &title, date),
            )
        }
    };
    let path: PathBuf = root.join(&rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    write_new(&path, text.as_bytes())?;
    Ok(rel)
}

/// `date` itself when it is `day`, else the next such day.
pub fn next_weekday(date: Date, day: Weekday) -> Date {
    let ahead =
        (day.to_monday_zero_offset() - date.weekday().to_monday_zero_offset()).rem_euclid(7);
    date.checked_add(jiff::Span::new().days(ahead as i64))
        .unwrap_or(date)
}

/// An ASCII file-name slug of `title`, or `fallback` when it has no ASCII words (e.g. Chinese).
pub fn slug(title: &str, fallback: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if words.is_empty() {
        fallback.to_owned()
    } else {
        words.join("-")
    }
}

/// A YAML double-quoted scalar.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn entry_text(id: u32, title: &str, o: &NewOptions) -> String {
    format!(
        "---\nid: {id}\ntitle: {}\nsystem: {}\nsubsystem: \"\"\nmodule: \"\"\nfeature: \"\"\ncategory: feature\npriority: medium\nstatus: registered\n\
proposer: {}\nproposed_on: {}\nhas_sql: false\nsql_scripts: []\nexpected_solution: \"\"\ntechnical_solution: \"\"\nbusiness_feedback: \"\"\n\
resolution_notes: \"\"\nplanned_start: null\nplanned_finish: null\ntech_lead: \"\"\ntest_start: null\ntest_finish: null\ntest_lead: \"\"\n\
test_opinion: \"\"\nrelated_systems: []\nrequirement: null\nrelease: null\ntests:\n  sit: {{result: pending}}\n  uat: {{result: pending}}\n  preprod: {{result: pending}}\n---\n\n\
问题描述 (describe the problem or the change here).\n",
        q(title),
        q(o.system.as_deref().unwrap_or("")),
        q(o.proposer.as_deref().unwrap_or("")),
        o.today
    )
}

fn requirement_text(id: &str, title: &str, o: &NewOptions) -> String {
    format!(
        "---\nid: {id}\ntitle: {}\nsystem: {}\nowner: {}\nstatus: draft\nversion: \"0.1\"\ncreated: {}\n---\n\n## 背景\n\n## 需求描述\n\n## 验收标准\n",
        q(title),
        q(o.system.as_deref().unwrap_or("")),
        q(o.proposer.as_deref().unwrap_or("")),
        o.today
    )
}

fn release_text(id: &str, title: &str, date: Date) -> String {
    let title = if title.is_empty() {
        format!("{id} 版本投产计划")
    } else {
        title.to_owned()
    };
    format!(
        "---\nid: {}\ntitle: {}\ndate: {date}\nstatus: planning\napprover: \"\"\napproved_on: null\nstrategy: full\nphases: []\ngoals: []\n\
steps:\n  - {{name: 备份数据库, owner: \"\", after: []}}\n  - {{name: 部署应用, owner: \"\", after: [备份数据库]}}\n  - {{name: 冒烟测试, owner: \"\", after: [部署应用]}}\n\
rollback: {{trigger: \"\", plan: \"\", owner: \"\"}}\nenvironment_checklist: []\ndata_migration: {{backup: \"\", scripts: []}}\nverification: []\n\
monitoring: []\ndocs_updates: []\nrunbook: null\n---\n\n投产窗口：\n",
        q(id),
        q(&title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Repayment file: export!", "entry"),
            "repayment-file-export"
        );
        assert_eq!(slug("还款文件", "entry"), "entry");
    }

    #[test]
    fn next_release_day() {
        assert_eq!(
            next_weekday(date(2019, 3, 4), Weekday::Thursday),
            date(2019, 3, 7)
        );
        assert_eq!(
            next_weekday(date(2019, 3, 7), Weekday::Thursday),
            date(2019, 3, 7)
        );
        assert_eq!(
            next_weekday(date(2019, 3, 8), Weekday::Thursday),
            date(2019, 3, 14)
        );
    }

    #[test]
    fn new_entry_parses_back_with_every_key() {
        let o = NewOptions {
            title: Some("a \"quoted\" title".into()),
            system: Some("小贷".into()),
            proposer: Some("琳琳".into()),
            today: date(2019, 3, 1),
            ..Default::default()
        };
        let text = entry_text(7, "a \"quoted\" title", &o);
        let (parsed, diags) =
            crate::load::parse(crate::load::Kind::Entry, "content/entries/0007-a.md", &text);
        assert!(diags.is_empty(), "{diags:?}");
        let crate::load::Parsed::Entry(e) = parsed else {
            panic!()
        };
        assert_eq!(e.title, "a \"quoted\" title");
        for key in crate::schema::RawEntry::FIELDS {
            assert!(text.contains(&format!("\n{key}:")), "{key} missing");
        }
    }
}
