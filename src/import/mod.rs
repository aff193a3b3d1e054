//! `import`: the team's existing spreadsheet (台帐 `.xlsx` or `.csv`) → entry files, one per row.
//!
//! The header row names the columns, in Chinese or English and in any order (the headers of the
//! `ledger.csv`/`ledger.xlsx` export, see [`columns`]). Each data row is mapped to an [`Entry`]
//! ([`values`] reads keywords, booleans, dates and lists as people type them) and rendered with
//! every key present, the same layout as `new` ([`crate::scaffold::entry_document`]).
//!
//! A row is refused, with a diagnostic at its row and column, when anything in it cannot be
//! mapped (an unknown system, a bad date or keyword, a missing value, an id used by an earlier
//! row or by an existing entry), or when the file it would become does not load or does not
//! pass [`crate::check`] together with the ledger already there. Good rows are written; nothing
//! is written for a bad one, and an existing file is never overwritten. A row whose file already
//! exists with the same bytes (an earlier import of the same row) is left as it is, so importing
//! the file again after fixing the refused rows works.
//!
//! Reading the spreadsheet and writing the files are the only IO here ([`read`], [`write`]);
//! the command line prints.

pub mod columns;
pub mod read;
mod row;
pub mod values;
mod xlsx;

pub use read::{Cell, Row, Sheet, read};

use crate::check::{self, RepoFiles};
use crate::config::{self, Config};
use crate::diag::{self, Code, Diagnostic, Pos};
use crate::error::{Error, Result};
use crate::load::{self, Kind, Loaded, Parsed};
use crate::model::{Ledger, entry_file_id};
use crate::scaffold;
use row::RowCx;
use std::collections::BTreeMap;
use std::path::Path;

/// One file an import writes (or would write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The spreadsheet row it comes from.
    pub row: u32,
    /// Repository-relative path, `content/entries/NNNN-slug.md`.
    pub path: String,
    pub text: String,
    /// The file exists already with exactly this text (imported before): nothing to write.
    pub unchanged: bool,
}

/// What importing a sheet does: the files, the refused rows and every diagnostic.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The spreadsheet as the user named it.
    pub file: String,
    /// Data rows (blank rows not counted).
    pub rows: usize,
    pub files: Vec<Planned>,
    /// Row numbers of the rows that are not imported.
    pub refused: Vec<u32>,
    /// Sorted by row and column.
    pub diagnostics: Vec<Diagnostic>,
}

/// Maps every row of `sheet` onto the ledger `loaded` from the repository at `root`.
/// `taken_elsewhere` are entry file names on other branches, whose ids are taken too.
pub fn plan(
    root: &Path,
    files: &dyn RepoFiles,
    loaded: &Loaded,
    sheet: &Sheet,
    taken_elsewhere: &[String],
) -> Plan {
    let mut plan = Plan {
        diagnostics: loaded
            .diagnostics
            .iter()
            .filter(|d| d.file == config::FILE)
            .cloned()
            .collect(),
        file: sheet.file.clone(),
        ..Plan::default()
    };
    let Some((header_at, layout)) = columns::layout(sheet, &mut plan.diagnostics) else {
        diag::sort(&mut plan.diagnostics);
        return plan;
    };
    let data: Vec<&Row> = sheet.rows[header_at + 1..]
        .iter()
        .filter(|r| !r.cells.iter().all(Cell::is_blank))
        .collect();
    plan.rows = data.len();
    if !layout.usable {
        plan.refused = data.iter().map(|r| r.number).collect();
        diag::sort(&mut plan.diagnostics);
        return plan;
    }

    let taken = Taken::new(root, &loaded.ledger, taken_elsewhere);
    let mut claimed: BTreeMap<u32, u32> = BTreeMap::new();
    let mut candidates = Vec::new();
    for row in data {
        let mut cx = RowCx {
            sheet,
            layout: &layout,
            row,
            config: &loaded.config,
            problems: Vec::new(),
        };
        let (id, e) = cx.entry();
        let path = format!(
            "content/entries/{:04}-{}.md",
            e.id,
            scaffold::slug(&e.title, "entry")
        );
        let text = scaffold::entry_document(&e);
        let unchanged = cx.problems.is_empty() && same_file(&root.join(&path), &text);
        if let Some(id) = id {
            match claimed.get(&id) {
                Some(first) => cx.problem(
                    "id",
                    format!("id {id} is also on row {first}"),
                    "give every row its own id; the first row with an id is the one imported",
                ),
                None => {
                    claimed.insert(id, row.number);
                    if !unchanged && let Some(whose) = taken.by(id) {
                        cx.problem(
                            "id",
                            format!("id {id} is already taken by {whose}"),
                            "an existing entry is never overwritten: give the row a free id, \
                             or leave the row out if it is that entry",
                        );
                    }
                }
            }
        }
        if cx.problems.is_empty() {
            cx.loads(&path, &text, loaded.config.max_file_size);
        }
        if cx.problems.is_empty() {
            candidates.push(Planned {
                row: row.number,
                path,
                text,
                unchanged,
            });
        } else {
            refuse(&mut plan, row.number, &mut cx.problems);
        }
    }

    // The safety net: each new file, added to the ledger that is there, must pass `check`.
    let mut ledger = loaded.ledger.clone();
    let baseline = check::check(&loaded.config, &ledger, files);
    for p in candidates {
        if p.unchanged {
            // Already in the ledger as it is, and checked with it.
            plan.files.push(p);
            continue;
        }
        let problems = check_with(&loaded.config, &mut ledger, files, &baseline, &p);
        if problems.is_empty() {
            plan.files.push(p);
            continue;
        }
        let row = sheet
            .rows
            .iter()
            .find(|r| r.number == p.row)
            .expect("a candidate comes from a row of the sheet");
        let mut cx = RowCx {
            sheet,
            layout: &layout,
            row,
            config: &loaded.config,
            problems: Vec::new(),
        };
        for d in problems {
            let key = if d.file == p.path {
                field_at_line(&p.text, d.line)
            } else if d.code == Code::UnfinishedEntry {
                "status"
            } else {
                "id"
            };
            let help = spreadsheet_help(&d).map_or(d.help.unwrap_or_default(), str::to_owned);
            cx.problem(cx.column_for(key), d.message, help);
        }
        refuse(&mut plan, p.row, &mut cx.problems);
    }
    plan.refused.sort_unstable();
    let hidden = plan.refused.len().saturating_sub(MAX_REPORTED_ROWS);
    if hidden > 0 {
        plan.diagnostics.push(
            Diagnostic::new(
                Code::ImportRow,
                &plan.file,
                Pos::START,
                format!("{hidden} more refused rows are not described here"),
            )
            .with_help(format!(
                "the problems of the first {MAX_REPORTED_ROWS} refused rows are shown: fix them \
                 and import the file again"
            )),
        );
    }
    diag::sort(&mut plan.diagnostics);
    plan
}

/// The most refused rows whose problems are kept: a sheet of 200,000 bad rows is reported in
/// bounded memory (the others are counted, and named by number in the summary).
pub const MAX_REPORTED_ROWS: usize = 500;

/// Refuses row `row`, keeping its `problems` while fewer than [`MAX_REPORTED_ROWS`] rows have
/// been refused.
fn refuse(plan: &mut Plan, row: u32, problems: &mut Vec<Diagnostic>) {
    plan.refused.push(row);
    if plan.refused.len() <= MAX_REPORTED_ROWS {
        plan.diagnostics.append(problems);
    } else {
        problems.clear();
    }
}

/// A hint in the spreadsheet's terms for the `check` rules whose own hint speaks of front matter.
fn spreadsheet_help(d: &Diagnostic) -> Option<&'static str> {
    Some(match d.code {
        Code::SqlMissing => {
            "the spreadsheet has no column for the scripts: write their paths in 是否有SQL脚本 \
             instead of 是, e.g. sql/0020_add_table.sql (the files must exist)"
        }
        Code::NoTestOpinion => {
            "fill in 测试意见 (Test opinion): approved and released entries need one"
        }
        Code::ReleaseNotApproved if d.message.contains("names no `release`") => {
            "fill in 期次 (Release) with the id of the release that ships it; the release must be \
             approved or released, so create it under content/releases/ first"
        }
        _ => return None,
    })
}

/// The diagnostics of `check` that adding `p`'s entry to `ledger` brings (those not in
/// `baseline`). `ledger` is left as it was.
fn check_with(
    config: &Config,
    ledger: &mut Ledger,
    files: &dyn RepoFiles,
    baseline: &[Diagnostic],
    p: &Planned,
) -> Vec<Diagnostic> {
    let (parsed, _) = load::parse(Kind::Entry, &p.path, &p.text);
    let Parsed::Entry(e) = parsed else {
        return Vec::new(); // cannot happen: `RowCx::loads` parsed it already
    };
    let at = ledger
        .entries
        .partition_point(|x| (x.id, &x.doc.path) < (e.id, &p.path));
    ledger.entries.insert(at, *e);
    let found = check::check(config, ledger, files);
    ledger.entries.remove(at);
    found
        .into_iter()
        .filter(|d| !baseline.contains(d))
        .collect()
}

/// The front-matter key written on `line` of a generated entry file (`description` for the
/// body). Keys nested under `tests:` are `tests`.
pub(crate) fn field_at_line(text: &str, line: u32) -> &'static str {
    let lines: Vec<&str> = text.lines().collect();
    let close = lines
        .iter()
        .skip(1)
        .position(|l| *l == "---")
        .map_or(lines.len(), |i| i + 1);
    let at = (line.max(1) as usize - 1).min(lines.len().saturating_sub(1));
    if at >= close {
        return "description";
    }
    let key = lines[..=at]
        .iter()
        .rev()
        .find(|l| !l.starts_with(' '))
        .and_then(|l| l.split_once(':'))
        .map_or("", |(k, _)| k);
    crate::schema::RawEntry::FIELDS
        .iter()
        .find(|f| **f == key)
        .copied()
        .unwrap_or("id")
}

/// Whether `path` is a regular file (not a link) holding exactly `text`.
fn same_file(path: &Path, text: &str) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
        && std::fs::read(path).is_ok_and(|b| b == text.as_bytes())
}

/// Ids that exist already, and where.
struct Taken(BTreeMap<u32, String>);

impl Taken {
    fn new(root: &Path, ledger: &Ledger, elsewhere: &[String]) -> Self {
        let mut ids = BTreeMap::new();
        for name in elsewhere {
            if let Some(id) = entry_file_id(name) {
                ids.insert(id, format!("{name} on another branch"));
            }
        }
        if let Ok(rd) = std::fs::read_dir(root.join("content/entries")) {
            for item in rd.flatten() {
                let name = item.file_name().to_string_lossy().into_owned();
                if let Some(id) = entry_file_id(&name) {
                    ids.insert(id, format!("content/entries/{name}"));
                }
            }
        }
        for e in &ledger.entries {
            ids.insert(e.id, e.doc.path.clone());
        }
        for &id in &ledger.broken.entries {
            ids.entry(id)
                .or_insert_with(|| format!("an entry file that does not load (id {id})"));
        }
        Taken(ids)
    }

    fn by(&self, id: u32) -> Option<&str> {
        self.0.get(&id).map(String::as_str)
    }
}

/// Writes the planned files that are not there yet, never overwriting one: a file that appeared
/// since the plan was made refuses its row. Returns the paths written.
pub fn write(root: &Path, plan: &mut Plan) -> Result<Vec<String>> {
    for rel in ["content", "content/entries"] {
        let link = std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.is_symlink());
        if link {
            return Err(Error::Usage(format!(
                "{rel} is a symbolic link, which is never followed: nothing is written"
            )));
        }
    }
    let dir = root.join("content/entries");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut written = Vec::new();
    let mut kept = Vec::new();
    for p in std::mem::take(&mut plan.files) {
        if p.unchanged {
            kept.push(p);
            continue;
        }
        match scaffold::write_new(&root.join(&p.path), p.text.as_bytes()) {
            Ok(()) => {
                written.push(p.path.clone());
                kept.push(p);
            }
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::AlreadyExists => {
                plan.diagnostics.push(
                    Diagnostic::new(
                        Code::ImportRow,
                        &plan.file,
                        Pos::new(p.row, 1),
                        format!(
                            "row {}: {} appeared while importing and is not overwritten",
                            p.row, p.path
                        ),
                    )
                    .with_help("import again"),
                );
                plan.refused.push(p.row);
            }
            Err(e) => return Err(e),
        }
    }
    plan.files = kept;
    plan.refused.sort_unstable();
    diag::sort(&mut plan.diagnostics);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::WorkTree;

    const CONFIG: &str =
        "[[systems]]\nname = \"小贷\"\nsubsystems = [\"账务\"]\nowner = \"琳琳\"\n";

    fn plan_csv(csv: &str) -> Plan {
        let (config, diags) = config::parse(CONFIG);
        assert!(diags.is_empty(), "{diags:?}");
        let loaded = Loaded {
            config,
            ledger: Ledger::default(),
            diagnostics: Vec::new(),
        };
        let sheet = read::csv_rows(csv.as_bytes(), "t.csv").unwrap();
        let root = Path::new("/nonexistent/opsledger-import-test");
        plan(root, &WorkTree::open(root).unwrap(), &loaded, &sheet, &[])
    }

    fn located(p: &Plan) -> Vec<(&str, u32, u32)> {
        p.diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.line, d.column))
            .collect()
    }

    #[test]
    fn the_header_row_may_follow_a_title_and_every_problem_of_a_row_is_reported() {
        let p = plan_csv(
            "小贷 运维台帐,,,,,,,\n\n\
             编号,系统,问题分类,问题描述,提出人,提出日期,优先级,问题状态\n\
             7,小贷,新功能,还款文件,琳琳,2019-03-01,中,处理中\n\
             8,支付,新功,,琳琳,2019-3-32,,处理中\n\
             7,小贷,缺陷,重复,琳琳,2019-03-01,低,已登记\n",
        );
        assert_eq!(p.rows, 3);
        assert_eq!(p.refused, [5, 6]);
        assert_eq!(
            located(&p),
            [
                ("E0801", 5, 2),
                ("E0801", 5, 3),
                ("E0801", 5, 4),
                ("E0801", 5, 6),
                ("E0801", 5, 7),
                ("E0801", 6, 1)
            ],
            "{:#?}",
            p.diagnostics
        );
        assert!(
            p.diagnostics[1]
                .message
                .contains("`新功` is not a 问题分类")
        );
        assert_eq!(
            p.diagnostics[1].help.as_deref(),
            Some(
                "did you mean `新功能`? write one of: feature (新功能), defect (缺陷), \
                 improvement (优化), data-fix (数据修复), config (配置)"
            )
        );
        assert!(p.diagnostics[5].message.contains("id 7 is also on row 4"));
        assert_eq!(p.files.len(), 1);
        assert_eq!(p.files[0].path, "content/entries/0007-entry.md");
        assert_eq!(p.files[0].row, 4);
    }

    #[test]
    fn missing_and_repeated_columns_refuse_every_row() {
        let p = plan_csv(
            "编号,系统,系统,问题描述,提出人,提出日期,优先级\n7,小贷,小贷,x,琳琳,2019-03-01,中\n",
        );
        let got: Vec<_> = p.diagnostics.iter().map(|d| &d.message[..]).collect();
        assert_eq!(p.refused, [2]);
        assert!(p.files.is_empty());
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(
            got.iter()
                .any(|m| m.contains("column C (`系统`) repeats column B"))
        );
        assert!(got.iter().any(|m| m.contains("问题分类 (Category)")));
        assert!(got.iter().any(|m| m.contains("问题状态 (Status)")));
    }

    #[test]
    fn an_empty_sheet_is_reported() {
        let p = plan_csv("");
        assert_eq!(located(&p), [("E0803", 1, 1)]);
        assert_eq!(p.rows, 0);
    }

    #[test]
    fn lines_of_a_generated_file_name_their_key() {
        let text = "---\nid: 7\nstatus: uat\ntests:\n  sit: {result: pass}\n---\n\nbody\n";
        assert_eq!(field_at_line(text, 2), "id");
        assert_eq!(field_at_line(text, 3), "status");
        assert_eq!(field_at_line(text, 5), "tests");
        assert_eq!(field_at_line(text, 8), "description");
        assert_eq!(field_at_line(text, 99), "description");
    }
}
