//! The notes as one self-contained HTML document for a mail client: inline styles only (mail
//! clients drop `<style>` and external sheets), no script, no external resource, every value
//! escaped, and a link only to an `http(s)` or site-relative release page.

use super::{Notes, one_line};
use crate::config::Language;
use crate::model::{Entry, Env, Keyword, TestResult};
use crate::theme::escape;
use std::fmt::Write;

const BODY: &str = "margin:0;padding:16px;background:#ffffff;color:#1f2328;font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',Arial,sans-serif;font-size:14px;line-height:1.5";
const H1: &str = "font-size:20px;margin:0 0 8px 0";
const H2: &str =
    "font-size:16px;margin:20px 0 8px 0;padding-bottom:4px;border-bottom:1px solid #d0d7de";
const TABLE: &str = "border-collapse:collapse;font-size:13px";
const TH: &str = "border:1px solid #d0d7de;padding:4px 8px;background:#f6f8fa;text-align:left;white-space:nowrap";
const TD: &str = "border:1px solid #d0d7de;padding:4px 8px;vertical-align:top";
const RISK: &str = "color:#cf222e";

impl Notes<'_> {
    /// The notes as an HTML document.
    pub fn html(&self) -> String {
        let r = self.release;
        let lang = match self.lang {
            Language::ZhCn => "zh-CN",
            Language::En => "en",
        };
        let mut s = String::new();
        let subject = escape(&self.subject());
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{subject}</title>\n</head>\n<body style=\"{BODY}\">\n\
             <div style=\"max-width:1100px\">\n<h1 style=\"{H1}\">{subject}</h1>\n<p>{}</p>\n",
            escape(&self.summary())
        );

        h2(&mut s, self.ui("release"));
        let _ = writeln!(s, "<table style=\"{TABLE}\">");
        let mut row = |label: &str, value_html: String| {
            let _ = writeln!(
                s,
                "<tr><th style=\"{TH}\">{}</th><td style=\"{TD}\">{value_html}</td></tr>",
                escape(label)
            );
        };
        row(self.ui("release"), escape(&self.release_name()));
        row(self.label("release_date"), r.date.to_string());
        row(
            self.ui("status"),
            escape(self.value("release_status", r.status.as_str())),
        );
        let mut strategy = escape(&self.strategy_text());
        if !r.phases.is_empty() {
            strategy.push_str("<ul style=\"margin:4px 0;padding-left:20px\">");
            for p in &r.phases {
                let _ = write!(
                    strategy,
                    "<li>{}</li>",
                    text(&self.kv(&format!("{}%", p.percent), &p.exit_criteria))
                );
            }
            strategy.push_str("</ul>");
        }
        row(self.ui("strategy"), strategy);
        let approver = match (r.approver.trim(), r.approved_on) {
            ("", _) => format!("<span style=\"{RISK}\">{}</span>", escape(self.ui("none"))),
            (a, Some(d)) => escape(&self.paren(a, &d.to_string())),
            (a, None) => escape(a),
        };
        row(self.ui("approver"), approver);
        row(self.label("release_page"), link(&self.url));
        s.push_str("</table>\n");

        h2(&mut s, self.ui("entries"));
        if self.entries.is_empty() {
            let _ = writeln!(s, "<p style=\"{RISK}\">{}</p>", escape(self.ui("none")));
        } else {
            self.entries_table(&mut s);
        }

        h2(&mut s, self.ui("sql_scripts"));
        s.push_str("<ul>\n");
        if self.sql.is_empty() {
            let _ = writeln!(s, "<li>{}</li>", escape(self.ui("none")));
        }
        for script in &self.sql {
            let code = format!("<code>{}</code>", escape(&script.path));
            let uses = escape(&self.uses_text(script));
            let _ = writeln!(s, "<li>{}</li>", self.paren(&code, &uses));
        }
        let backup = match r.data_migration.backup.trim() {
            "" => self.ui("none"),
            b => b,
        };
        let _ = writeln!(
            s,
            "<li>{}</li>\n</ul>",
            text(&self.kv(self.ui("backup"), backup))
        );

        h2(&mut s, self.ui("rollback"));
        let rb = &r.rollback;
        if rb.plan.trim().is_empty() {
            let _ = writeln!(s, "<p style=\"{RISK}\">{}</p>", escape(self.ui("none")));
        }
        let _ = writeln!(s, "<table style=\"{TABLE}\">");
        for (key, v) in [
            ("trigger", &rb.trigger),
            ("plan", &rb.plan),
            ("owner", &rb.owner),
        ] {
            let _ = writeln!(
                s,
                "<tr><th style=\"{TH}\">{}</th><td style=\"{TD}\">{}</td></tr>",
                escape(self.ui(key)),
                text(v)
            );
        }
        s.push_str("</table>\n");

        h2(&mut s, self.label("open_risks"));
        if self.risks.is_empty() {
            let _ = writeln!(s, "<p>{}</p>", escape(self.label("no_risks")));
        } else {
            let _ = writeln!(s, "<ul style=\"{RISK}\">");
            for risk in &self.risks {
                let _ = writeln!(s, "<li>{}</li>", text(&self.risk_text(risk)));
            }
            s.push_str("</ul>\n");
        }
        s.push_str("</div>\n</body>\n</html>\n");
        s
    }

    /// The entry × stage table, then each entry's test opinion.
    fn entries_table(&self, s: &mut String) {
        let _ = writeln!(s, "<table style=\"{TABLE}\">\n<tr>");
        let keys = ["id", "title", "system", "module", "category", "priority"];
        for k in keys {
            let label = crate::site::i18n::field(self.lang, k);
            let _ = write!(s, "<th style=\"{TH}\">{}</th>", escape(label));
        }
        for env in Env::ALL {
            let _ = write!(
                s,
                "<th style=\"{TH}\">{}</th>",
                escape(self.value("env", env.as_str()))
            );
        }
        s.push_str("\n</tr>\n");
        for e in &self.entries {
            let _ = write!(
                s,
                "<tr><td style=\"{TD};white-space:nowrap\">#{}</td><td style=\"{TD}\">{}</td>\
                 <td style=\"{TD}\">{}</td><td style=\"{TD}\">{}</td><td style=\"{TD}\">{}</td>\
                 <td style=\"{TD}\">{}</td>",
                e.id,
                escape(&one_line(&e.title)),
                escape(&self.system_text(e)),
                escape(&one_line(&e.module)),
                escape(self.value("category", e.category.as_str())),
                escape(self.value("priority", e.priority.as_str())),
            );
            for env in Env::ALL {
                let _ = write!(s, "{}", self.run_cell(e, *env));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</table>\n");
        h2(s, crate::site::i18n::field(self.lang, "test_opinion"));
        s.push_str("<ul>\n");
        for e in &self.entries {
            let opinion = match e.test_opinion.trim() {
                "" => format!("<span style=\"{RISK}\">{}</span>", escape(self.ui("none"))),
                o => text(o),
            };
            let who = escape(&self.kv(&format!("#{} {}", e.id, one_line(&e.title)), ""));
            let _ = writeln!(s, "<li>{who}{opinion}</li>");
        }
        s.push_str("</ul>\n");
    }

    /// A stage's cell, coloured by its result.
    fn run_cell(&self, e: &Entry, env: Env) -> String {
        let colour = match e.tests.get(env).result {
            TestResult::Pass => "background:#dafbe1;color:#116329",
            TestResult::Fail => "background:#ffebe9;color:#a40e26",
            TestResult::Pending => "background:#fff8c5;color:#7d4e00",
        };
        format!(
            "<td style=\"{TD};white-space:nowrap;{colour}\">{}</td>",
            escape(&self.run_text(e, env))
        )
    }
}

fn h2(s: &mut String, title: &str) {
    let _ = writeln!(s, "<h2 style=\"{H2}\">{}</h2>", escape(title));
}

/// Content text: escaped, line breaks kept.
fn text(t: &str) -> String {
    escape(t.trim()).replace("\r\n", "\n").replace('\n', "<br>")
}

/// The release page as a link when its URL is `http(s)` or site-relative; as text otherwise.
fn link(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let safe =
        lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with('/');
    if safe {
        format!(
            "<a href=\"{0}\" style=\"color:#0969da\">{0}</a>",
            escape(url)
        )
    } else {
        escape(url)
    }
}
