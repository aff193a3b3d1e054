//! The notes as Markdown: also the text/plain part of the mail, so it reads well unrendered.
//! Content is written as is, except that table cells are kept on one line with `|` escaped.

use super::{Notes, one_line};
use crate::model::{Env, Keyword};
use std::fmt::Write;

impl Notes<'_> {
    /// The notes as Markdown.
    pub fn markdown(&self) -> String {
        let r = self.release;
        let mut s = String::new();
        let _ = writeln!(s, "# {}\n\n{}\n", self.subject(), self.summary());

        let _ = writeln!(s, "## {}\n", self.ui("release"));
        let title = self.release_name();
        let _ = writeln!(s, "- {}", self.kv(self.ui("release"), &title));
        let _ = writeln!(
            s,
            "- {}",
            self.kv(self.label("release_date"), &r.date.to_string())
        );
        let status = self.value("release_status", r.status.as_str());
        let _ = writeln!(s, "- {}", self.kv(self.ui("status"), status));
        let _ = writeln!(
            s,
            "- {}",
            self.kv(self.ui("strategy"), &self.strategy_text())
        );
        for p in &r.phases {
            let _ = writeln!(
                s,
                "  - {}",
                item(&self.kv(&format!("{}%", p.percent), &p.exit_criteria))
            );
        }
        let approver = match (r.approver.trim(), r.approved_on) {
            ("", _) => self.ui("none").to_owned(),
            (a, Some(d)) => self.paren(a, &d.to_string()),
            (a, None) => a.to_owned(),
        };
        let _ = writeln!(s, "- {}", self.kv(self.ui("approver"), &approver));
        let _ = writeln!(s, "- {}\n", self.kv(self.label("release_page"), &self.url));

        let _ = writeln!(s, "## {}\n", self.ui("entries"));
        if self.entries.is_empty() {
            let _ = writeln!(s, "{}\n", self.ui("none"));
        } else {
            let mut head: Vec<&str> = ["id", "title", "system", "module", "category", "priority"]
                .iter()
                .map(|k| crate::site::i18n::field(self.lang, k))
                .collect();
            head.extend(Env::ALL.iter().map(|e| self.value("env", e.as_str())));
            let _ = writeln!(s, "| {} |", head.join(" | "));
            let _ = writeln!(s, "|{}", "---|".repeat(head.len()));
            for e in &self.entries {
                let mut row = vec![
                    format!("#{}", e.id),
                    e.title.clone(),
                    self.system_text(e),
                    e.module.clone(),
                    self.value("category", e.category.as_str()).to_owned(),
                    self.value("priority", e.priority.as_str()).to_owned(),
                ];
                row.extend(Env::ALL.iter().map(|&env| self.run_text(e, env)));
                let row: Vec<String> = row.iter().map(|c| cell(c)).collect();
                let _ = writeln!(s, "| {} |", row.join(" | "));
            }
            let _ = writeln!(s);

            let _ = writeln!(
                s,
                "## {}\n",
                crate::site::i18n::field(self.lang, "test_opinion")
            );
            for e in &self.entries {
                let opinion = match e.test_opinion.trim() {
                    "" => self.ui("none"),
                    o => o,
                };
                let who = format!("#{} {}", e.id, one_line(&e.title));
                let _ = writeln!(s, "- {}", item(&self.kv(&who, opinion)));
            }
            let _ = writeln!(s);
        }

        let _ = writeln!(s, "## {}\n", self.ui("sql_scripts"));
        if self.sql.is_empty() {
            let _ = writeln!(s, "- {}", self.ui("none"));
        }
        for script in &self.sql {
            let path = format!("`{}`", script.path.replace('`', "'"));
            let _ = writeln!(s, "- {}", self.paren(&path, &self.uses_text(script)));
        }
        let backup = match r.data_migration.backup.trim() {
            "" => self.ui("none"),
            b => b,
        };
        let _ = writeln!(s, "- {}\n", item(&self.kv(self.ui("backup"), backup)));

        let _ = writeln!(s, "## {}\n", self.ui("rollback"));
        let rb = &r.rollback;
        for (key, v) in [
            ("trigger", &rb.trigger),
            ("plan", &rb.plan),
            ("owner", &rb.owner),
        ] {
            let v = match v.trim() {
                "" => self.ui("none"),
                v => v,
            };
            let _ = writeln!(s, "- {}", item(&self.kv(self.ui(key), v)));
        }
        let _ = writeln!(s);

        let _ = writeln!(s, "## {}\n", self.label("open_risks"));
        if self.risks.is_empty() {
            let _ = writeln!(s, "{}", self.label("no_risks"));
        }
        for risk in &self.risks {
            let _ = writeln!(s, "- {}", item(&self.risk_text(risk)));
        }
        s
    }
}

/// A list item's text: later lines indented so they stay in the item.
fn item(text: &str) -> String {
    text.trim()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n  ")
}

/// A table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}
