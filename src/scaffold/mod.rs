//! Writes new files into a ledger: the example repository (`init`) and a new entry,
//! requirement or release with the next free id (`new`). It never overwrites a file.

use crate::embedded;
use crate::error::{Error, Result};
use crate::model::{Category, Doc, Entry, Env, Keyword, Priority, Status, Tests, entry_file_id};
use jiff::civil::{Date, Weekday};
use std::path::{Path, PathBuf};

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitReport {
    pub written: Vec<String>,
    /// Files that already existed and were left alone.
    pub kept: Vec<String>,
    /// Files not written because a folder on their way is a symbolic link (which could lead
    /// out of the repository).
    pub behind_links: Vec<String>,
    /// Lines added to an existing `.gitignore` (the site and the cache must not be committed).
    pub ignored: Vec<String>,
}

/// Writes the example ledger and the scaffold (CI workflows, .gitignore) into `dir`.
pub fn write_example(dir: &Path) -> Result<InitReport> {
    let mut report = InitReport::default();
    for (rel, bytes) in embedded::EXAMPLE.iter().chain(embedded::SCAFFOLD) {
        let path = dir.join(rel);
        if *rel == ".gitignore" && path.is_file() && !path.is_symlink() {
            report.ignored = add_ignores(&path, bytes)?;
        }
        if path.exists() || path.is_symlink() {
            report.kept.push((*rel).to_owned());
            continue;
        }
        if through_link(dir, rel) {
            report.behind_links.push((*rel).to_owned());
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

/// Appends to the `.gitignore` at `path` the lines of `ours` it lacks (as `cargo init` does);
/// returns them.
fn add_ignores(path: &Path, ours: &[u8]) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let have: Vec<&str> = text.lines().map(str::trim).collect();
    let missing: Vec<String> = String::from_utf8_lossy(ours)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !have.contains(l))
        .map(str::to_owned)
        .collect();
    if !missing.is_empty() {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let add = format!(
            "{sep}# opsledger: the built site and the history cache\n{}\n",
            missing.join("\n")
        );
        f.write_all(add.as_bytes())
            .map_err(|e| Error::io(path, e))?;
    }
    Ok(missing)
}

/// Whether a folder of `rel` (relative to `dir`) is a symbolic link.
fn through_link(dir: &Path, rel: &str) -> bool {
    let mut at = dir.to_path_buf();
    let folders = rel.split('/').collect::<Vec<_>>();
    folders[..folders.len().saturating_sub(1)]
        .iter()
        .any(|part| {
            at.push(part);
            std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
        })
}

/// Creates `path` with `bytes`, failing if it exists (no race with another writer) and leaving
/// no cut-off file when the write fails ([`crate::paths::write_new`]).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::paths::write_new(path, bytes)
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
    /// For an entry: the values given for its other keys.
    pub entry: EntryValues,
}

/// Values of a new entry's keys; what is not given is left empty (or the default).
#[derive(Debug, Clone, Default)]
pub struct EntryValues {
    pub subsystem: Option<String>,
    pub module: Option<String>,
    pub feature: Option<String>,
    pub category: Option<Category>,
    pub priority: Option<Priority>,
    pub tech_lead: Option<String>,
    pub test_lead: Option<String>,
    pub planned_start: Option<Date>,
    pub planned_finish: Option<Date>,
    pub requirement: Option<String>,
    pub release: Option<String>,
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
            let is_taken = |d: Date| taken.iter().any(|n| *n == format!("{d}.md"));
            let date = match opts.date {
                Some(d) if is_taken(d) => {
                    return Err(Error::Usage(format!(
                        "release {d} already exists; pass --date for another day"
                    )));
                }
                Some(d) => d,
                // The next release day no release has taken yet.
                None => {
                    let day = opts.release_day.unwrap_or(Weekday::Thursday);
                    let mut d = next_weekday(opts.today, day);
                    while is_taken(d) {
                        d = next_weekday(
                            d.tomorrow().map_err(|e| Error::Usage(e.to_string()))?,
                            day,
                        );
                    }
                    d
                }
            };
            let id = date.to_string();
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

/// The longest slug [`slug`] makes, in bytes: with a 10-digit id and `.md`, a file name stays
/// far below the 255 bytes file systems allow, whatever the title.
pub const MAX_SLUG: usize = 48;

/// An ASCII file-name slug of `title` (its first six words, at most [`MAX_SLUG`] bytes, a word
/// cut if it must be), or `fallback` when it has no ASCII words (e.g. Chinese).
pub fn slug(title: &str, fallback: &str) -> String {
    let mut out = String::new();
    let words = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6);
    for w in words {
        let room = MAX_SLUG.saturating_sub(out.len() + usize::from(!out.is_empty()));
        if room == 0 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        // ASCII only, so any byte count is a char boundary.
        out.push_str(&w[..w.len().min(room)].to_ascii_lowercase());
    }
    if out.is_empty() {
        fallback.to_owned()
    } else {
        out
    }
}

/// A YAML double-quoted scalar.
pub fn q(s: &str) -> String {
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
    let v = &o.entry;
    let e = Entry {
        id,
        title: title.to_owned(),
        system: o.system.clone().unwrap_or_default(),
        subsystem: v.subsystem.clone().unwrap_or_default(),
        module: v.module.clone().unwrap_or_default(),
        feature: v.feature.clone().unwrap_or_default(),
        category: v.category.unwrap_or(Category::Feature),
        priority: v.priority.unwrap_or(Priority::Medium),
        status: Status::Registered,
        proposer: o.proposer.clone().unwrap_or_default(),
        proposed_on: o.today,
        has_sql: false,
        sql_scripts: Vec::new(),
        expected_solution: String::new(),
        technical_solution: String::new(),
        business_feedback: String::new(),
        resolution_notes: String::new(),
        planned_start: v.planned_start,
        planned_finish: v.planned_finish,
        tech_lead: v.tech_lead.clone().unwrap_or_default(),
        test_start: None,
        test_finish: None,
        test_lead: v.test_lead.clone().unwrap_or_default(),
        test_opinion: String::new(),
        related_systems: Vec::new(),
        requirement: v.requirement.clone(),
        release: v.release.clone(),
        tests: Tests::default(),
        body: "问题描述 (describe the problem or the change here).\n".into(),
        doc: Doc::default(),
    };
    entry_document(&e)
}

/// The text of an entry file with every key present, in the order of SPEC 2.2 (what `new` and
/// `import` write): text quoted, empty values as `""`, `null` or `[]`, then the body.
pub fn entry_document(e: &Entry) -> String {
    let text_list = |l: &[String]| {
        let items: Vec<String> = l.iter().map(|s| q(s)).collect();
        format!("[{}]", items.join(", "))
    };
    let date = |d: Option<Date>| d.map_or_else(|| "null".to_owned(), |d| d.to_string());
    let opt = |s: &Option<String>| s.as_deref().map_or_else(|| "null".to_owned(), q);
    let mut out = format!(
        "---\nid: {}\ntitle: {}\nsystem: {}\nsubsystem: {}\nmodule: {}\nfeature: {}\ncategory: {}\npriority: {}\nstatus: {}\n\
proposer: {}\nproposed_on: {}\nhas_sql: {}\nsql_scripts: {}\nexpected_solution: {}\ntechnical_solution: {}\nbusiness_feedback: {}\n\
resolution_notes: {}\nplanned_start: {}\nplanned_finish: {}\ntech_lead: {}\ntest_start: {}\ntest_finish: {}\ntest_lead: {}\n\
test_opinion: {}\nrelated_systems: {}\nrequirement: {}\nrelease: {}\ntests:\n",
        e.id,
        q(&e.title),
        q(&e.system),
        q(&e.subsystem),
        q(&e.module),
        q(&e.feature),
        e.category,
        e.priority,
        e.status,
        q(&e.proposer),
        e.proposed_on,
        e.has_sql,
        text_list(&e.sql_scripts),
        q(&e.expected_solution),
        q(&e.technical_solution),
        q(&e.business_feedback),
        q(&e.resolution_notes),
        date(e.planned_start),
        date(e.planned_finish),
        q(&e.tech_lead),
        date(e.test_start),
        date(e.test_finish),
        q(&e.test_lead),
        q(&e.test_opinion),
        text_list(&e.related_systems),
        opt(&e.requirement),
        opt(&e.release),
    );
    for env in Env::ALL {
        let run = e.tests.get(*env);
        let mut fields = vec![format!("result: {}", run.result)];
        if let Some(d) = run.date {
            fields.push(format!("date: {d}"));
        }
        if !run.by.is_empty() {
            fields.push(format!("by: {}", q(&run.by)));
        }
        out.push_str(&format!("  {env}: {{{}}}\n", fields.join(", ")));
    }
    out.push_str("---\n");
    if !e.body.is_empty() {
        out.push('\n');
        out.push_str(&e.body);
    }
    out
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
mod tests;
