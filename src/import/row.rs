//! One data row → an [`Entry`], every value that cannot be mapped a diagnostic at its row and
//! column; and the safety net that the generated file loads. Pure.

use super::columns::{self, Layout};
use super::read::{Cell, Row, Sheet};
use super::{field_at_line, values};
use crate::config::Config;
use crate::diag::{Code, Diagnostic, Pos, did_you_mean};
use crate::load::{self, Kind, Parsed};
use crate::model::{Category, Doc, Entry, Keyword, Priority, Status, TestResult, TestRun, Tests};
use jiff::civil::Date;

/// What a missing cell reads as.
static EMPTY: Cell = Cell::Empty;

/// Maps one row, collecting its problems as diagnostics.
pub(super) struct RowCx<'a> {
    pub sheet: &'a Sheet,
    pub layout: &'a Layout,
    pub row: &'a Row,
    pub config: &'a Config,
    pub problems: Vec<Diagnostic>,
}

impl<'a> RowCx<'a> {
    /// The cell of column `key`, and its index; `None` when the sheet has no such column.
    fn cell(&self, key: &str) -> Option<(&'a Cell, usize)> {
        let &j = self.layout.at.get(key)?;
        Some((self.row.cells.get(j).unwrap_or(&EMPTY), j))
    }

    /// The column a problem with `key` is shown at: its own, else the id's.
    pub(super) fn column_for<'k>(&self, key: &'k str) -> &'k str {
        let key = match key {
            "tests" => "status",
            "sql_scripts" => "has_sql",
            "title" if !self.layout.at.contains_key("title") => "description",
            k => k,
        };
        if self.layout.at.contains_key(key) {
            key
        } else if matches!(key, "test_opinion" | "release") && self.layout.at.contains_key("status")
        {
            // What the status needs is missing: show it at the status.
            "status"
        } else {
            "id"
        }
    }

    pub(super) fn problem(
        &mut self,
        key: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let j = self
            .layout
            .at
            .get(key)
            .or_else(|| self.layout.at.get("id"))
            .copied()
            .unwrap_or(0);
        let column = self.sheet.first_column + j as u32;
        let header = self.layout.headers.get(j).map_or("", String::as_str);
        let message = format!(
            "row {}, column {} ({header}): {}",
            self.row.number,
            values::column_letters(column),
            message.into()
        );
        let mut d = Diagnostic::new(
            Code::ImportRow,
            &self.sheet.file,
            Pos::new(self.row.number, column),
            message,
        );
        let help = help.into();
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.problems.push(d);
    }

    fn header(&self, key: &str) -> String {
        self.layout
            .at
            .get(key)
            .and_then(|&j| self.layout.headers.get(j))
            .cloned()
            .unwrap_or_else(|| columns::display(key))
    }

    fn missing(&mut self, key: &str) {
        let h = self.header(key);
        self.problem(
            key,
            format!("the cell is empty, and every entry needs its {h}"),
            format!("fill in {h}"),
        );
    }

    /// The cell of `key` as text; a formula error is a problem.
    fn text(&mut self, key: &str) -> String {
        match self.cell(key) {
            None => String::new(),
            Some((Cell::Error(e), _)) => {
                self.problem(
                    key,
                    format!("the cell holds the error `{e}`"),
                    "fix the formula or write the value itself",
                );
                String::new()
            }
            Some((c, _)) => values::clean(&c.text()),
        }
    }

    fn required_text(&mut self, key: &str) -> String {
        let s = self.text(key);
        if s.is_empty() && !matches!(self.cell(key), Some((Cell::Error(_), _))) {
            self.missing(key);
        }
        s
    }

    fn id(&mut self) -> Option<u32> {
        let (cell, _) = self.cell("id")?;
        let parsed = match cell {
            Cell::Number(f) if f.fract() == 0.0 && *f >= 1.0 && *f <= u32::MAX as f64 => {
                Some(*f as u32)
            }
            Cell::Text(s) => s.trim().parse::<u32>().ok().filter(|&n| n > 0),
            _ => None,
        };
        if parsed.is_none() {
            if cell.is_blank() {
                self.missing("id");
            } else {
                let v = cell.text();
                self.problem(
                    "id",
                    format!("`{}` is not an entry id", v.trim()),
                    "write a whole number from 1, e.g. 20",
                );
            }
        }
        parsed
    }

    fn keyword<K: Keyword>(&mut self, key: &str, kind: &str) -> Option<K> {
        let s = self.required_text(key);
        if s.is_empty() {
            return None;
        }
        let k = values::keyword::<K>(kind, &s);
        if k.is_none() {
            let allowed = values::keyword_spellings::<K>(kind).join(", ");
            let help = match did_you_mean(&s, values::keyword_words::<K>(kind)) {
                Some(w) => format!("did you mean `{w}`? write one of: {allowed}"),
                None => format!("write one of: {allowed}"),
            };
            let h = self.header(key);
            self.problem(key, format!("`{s}` is not a {h}"), help);
        }
        k
    }

    fn date(&mut self, key: &str, required: bool) -> Option<Date> {
        let (cell, _) = self.cell(key)?;
        let what = match cell {
            Cell::Date(d) => return Some(*d),
            c if c.is_blank() => {
                if required {
                    self.missing(key);
                }
                return None;
            }
            Cell::Text(s) => match values::date(s) {
                Some(d) => return Some(d),
                None => format!("`{}` is not a date", s.trim()),
            },
            Cell::Number(_) => format!("`{}` is a number, not a date", cell.text()),
            other => format!("`{}` is not a date", other.text()),
        };
        self.problem(
            key,
            what,
            "write the date as YYYY-MM-DD, YYYY/MM/DD or YYYY.M.D, or format the cell as a date",
        );
        None
    }

    /// `是否有SQL脚本`: a yes/no, or the paths of the scripts themselves (`sql/0020_x.sql`).
    fn has_sql(&mut self) -> (bool, Vec<String>) {
        let Some((cell, _)) = self.cell("has_sql") else {
            return (false, Vec::new());
        };
        if let Cell::Bool(b) = cell {
            return (*b, Vec::new());
        }
        let s = self.text("has_sql");
        if s.is_empty() {
            return (false, Vec::new());
        }
        if let Some(b) = values::boolean(&s) {
            return (b, Vec::new());
        }
        let scripts = values::list(&s);
        if scripts
            .iter()
            .all(|p| p.to_ascii_lowercase().ends_with(".sql"))
        {
            return (true, scripts);
        }
        self.problem(
            "has_sql",
            format!("`{s}` is not a yes or no"),
            "write 是/否 (yes/no, Y/N, true/false), or the paths of the SQL scripts, e.g. sql/0020_add_table.sql",
        );
        (false, Vec::new())
    }

    /// A system name that must be declared in opsledger.toml; true when it is.
    fn declared(&mut self, key: &str, name: &str) -> bool {
        if self.config.system(name).is_some() {
            return true;
        }
        let names: Vec<&str> = self
            .config
            .systems
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let help = match did_you_mean(name, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? declared systems: {}", names.join(", ")),
            None if names.is_empty() => {
                "declare the systems under [[systems]] in opsledger.toml".to_owned()
            }
            None => format!(
                "declared systems: {}; declare a new one under [[systems]] in opsledger.toml",
                names.join(", ")
            ),
        };
        self.problem(
            key,
            format!("system `{name}` is not declared in opsledger.toml"),
            help,
        );
        false
    }

    /// The row as an entry (with stand-in values where a value is bad) and its id; the row can
    /// be imported when no problem was recorded.
    pub(super) fn entry(&mut self) -> (Option<u32>, Entry) {
        let id = self.id();
        let system = self.required_text("system");
        let system_ok = !system.is_empty() && self.declared("system", &system);
        let subsystem = self.text("subsystem");
        if system_ok && !subsystem.is_empty() {
            let subs = self
                .config
                .system(&system)
                .map(|s| s.subsystems.clone())
                .unwrap_or_default();
            if !subs.contains(&subsystem) {
                let list = subs.join(", ");
                let help = match did_you_mean(&subsystem, subs.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`? subsystems of {system}: {list}"),
                    None => format!("subsystems of {system}: {list}"),
                };
                self.problem(
                    "subsystem",
                    format!("`{subsystem}` is not a subsystem of {system}"),
                    help,
                );
            }
        }
        let category = self.keyword::<Category>("category", "category");
        let priority = self.keyword::<Priority>("priority", "priority");
        let status = self.keyword::<Status>("status", "status");
        let proposer = self.required_text("proposer");
        let proposed_on = self.date("proposed_on", true);
        let description = self.text("description");
        let mut title = self.text("title");
        if title.is_empty() {
            title = values::title_from(&description);
        }
        if title.is_empty() {
            let key = if self.layout.at.contains_key("title") {
                "title"
            } else {
                "description"
            };
            self.problem(
                key,
                "the row has no title: its title and its description are both empty",
                "fill in the title (标题) or the description (问题描述)",
            );
        }
        let (has_sql, sql_scripts) = self.has_sql();
        let related_systems = values::list(&self.text("related_systems"));
        for s in &related_systems {
            self.declared("related_systems", s);
        }
        let mut e = Entry {
            id: id.unwrap_or(0),
            title,
            system,
            subsystem,
            module: self.text("module"),
            feature: self.text("feature"),
            category: category.unwrap_or(Category::Feature),
            priority: priority.unwrap_or(Priority::Medium),
            status: status.unwrap_or(Status::Registered),
            proposer,
            proposed_on: proposed_on.unwrap_or_default(),
            has_sql,
            sql_scripts,
            expected_solution: self.text("expected_solution"),
            technical_solution: self.text("technical_solution"),
            business_feedback: self.text("business_feedback"),
            resolution_notes: self.text("resolution_notes"),
            planned_start: self.date("planned_start", false),
            planned_finish: self.date("planned_finish", false),
            tech_lead: self.text("tech_lead"),
            test_start: self.date("test_start", false),
            test_finish: self.date("test_finish", false),
            test_lead: self.text("test_lead"),
            test_opinion: self.text("test_opinion"),
            related_systems,
            requirement: Some(self.text("requirement")).filter(|s| !s.is_empty()),
            release: Some(self.text("release")).filter(|s| !s.is_empty()),
            tests: Tests::default(),
            body: if description.is_empty() {
                String::new()
            } else {
                format!("{description}\n")
            },
            doc: Doc::default(),
        };
        // The spreadsheet has no test results; a status past a test stage says it passed.
        for &env in e.status.passed_stages() {
            *e.tests.get_mut(env) = TestRun {
                result: TestResult::Pass,
                ..TestRun::default()
            };
        }
        (id, e)
    }

    /// The safety net: the generated text must load without a diagnostic and fit the size limit.
    pub(super) fn loads(&mut self, path: &str, text: &str, max_size: u64) {
        if text.len() as u64 > max_size {
            self.problem(
                self.column_for("description"),
                format!(
                    "the entry would be {} bytes, over the limit of {max_size} (`max_file_size`)",
                    text.len()
                ),
                "shorten the description, or raise `max_file_size` in opsledger.toml",
            );
        }
        let (parsed, diags) = load::parse(Kind::Entry, path, text);
        for d in diags {
            let key = self.column_for(field_at_line(text, d.line));
            self.problem(
                key,
                format!("the entry file would not load: {}", d.message),
                d.help.unwrap_or_default(),
            );
        }
        if !matches!(parsed, Parsed::Entry(_)) && self.problems.is_empty() {
            self.problem("id", "the entry file would not load", "");
        }
    }
}
