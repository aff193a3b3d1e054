//! Release notes: the Thursday-evening mail from the test lead to the PM about one release —
//! its date and strategy, every entry with its SIT/UAT/pre-prod results and test opinion, the
//! SQL scripts and backup, the rollback plan, the open risks and a link to the release page.
//!
//! [`Notes::build`] turns a [`Ledger`], a [`Config`] and a release id into [`Notes`]; the
//! renderers turn those into Markdown ([`Notes::markdown`]), a self-contained HTML document
//! ([`Notes::html`]: every value escaped, inline styles, no script) and an RFC 5322 draft
//! ([`Notes::eml`]).
//!
//! Pure: it must not do IO, print, or read the clock or the environment; the same ledger gives
//! the same bytes (the mail's `Date` is the release's date and time of the `[train]`). Labels
//! come from [`crate::site::i18n`] in the configured language; content is shown as written.

mod eml;
mod html;
mod markdown;

pub use eml::{Envelope, base64, encode_words};

use crate::config::{Config, Language};
use crate::error::{Error, Result};
use crate::model::{Entry, Env, Keyword, Ledger, Release, TestResult};
use crate::site::{i18n, views};

/// Output formats of `opsledger release notes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Eml,
}

/// Everything the mail says about one release.
#[derive(Debug, Clone)]
pub struct Notes<'a> {
    pub lang: Language,
    pub release: &'a Release,
    /// The release's entries, by id.
    pub entries: Vec<&'a Entry>,
    /// Entries whose SIT, UAT and pre-prod all passed.
    pub passed: usize,
    /// Entry scripts and `data_migration.scripts`, each once, in that order.
    pub sql: Vec<SqlScript>,
    pub risks: Vec<Risk>,
    /// The release page: `{base_url}releases/<id>/`.
    pub url: String,
    /// The host of `base_url` (or `opsledger.invalid`), for the Message-ID and default From.
    pub host: String,
    /// `Date` of the mail: the release date at the `[train]` release time and time zone.
    pub sent_at: jiff::Zoned,
}

/// One SQL script and who runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlScript {
    pub path: String,
    pub used_by: Vec<SqlUse>,
}

/// Where a script is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlUse {
    Entry(u32),
    DataMigration,
}

/// Something the PM should know before approving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Risk {
    /// The release has no entries.
    NoEntries,
    /// An entry has not passed every stage: the stages that did not pass, with their result.
    NotPassed {
        id: u32,
        title: String,
        stages: Vec<(Env, TestResult)>,
    },
    /// An entry without a test opinion.
    NoTestOpinion {
        id: u32,
        title: String,
    },
    /// SQL scripts run while `data_migration.backup` is empty.
    SqlWithoutBackup {
        scripts: Vec<String>,
    },
    NoApprover,
    NoRollbackPlan,
}

impl<'a> Notes<'a> {
    /// The notes of release `id`; an unknown id is a usage error naming the ids that exist.
    pub fn build(ledger: &'a Ledger, config: &Config, id: &str) -> Result<Notes<'a>> {
        let Some(release) = ledger.release(id) else {
            return Err(unknown_release(ledger, id));
        };
        let entries: Vec<&Entry> = ledger.entries_of_release(&release.id).collect();
        let passed = entries.iter().filter(|e| all_passed(e)).count();
        let sql = scripts(release, &entries);
        let risks = risks(release, &entries, &sql);
        let base = crate::config::with_slash(&config.base_url);
        let t = &config.train;
        let time = jiff::civil::time(
            (t.release_time / 60).min(23) as i8,
            (t.release_time % 60) as i8,
            0,
            0,
        );
        let sent_at = release
            .date
            .to_datetime(time)
            .to_zoned(jiff::tz::TimeZone::fixed(t.timezone))
            .map_err(|e| Error::Usage(format!("release `{id}`: {e}")))?;
        Ok(Notes {
            lang: config.language,
            release,
            passed,
            sql,
            risks,
            url: format!("{base}{}", views::release_url(&release.id)),
            host: host_of(&config.base_url),
            sent_at,
            entries,
        })
    }

    /// The mail's subject: `【投产审批】<title> 测试完成报告` / `[Release approval] <title> test report`.
    pub fn subject(&self) -> String {
        let title = if self.release.title.trim().is_empty() {
            &self.release.id
        } else {
            &self.release.title
        };
        let title = one_line(title);
        match self.lang {
            Language::ZhCn => format!("【投产审批】{title} 测试完成报告"),
            Language::En => format!("[Release approval] {title} test report"),
        }
    }

    /// The one-sentence summary under the heading.
    pub fn summary(&self) -> String {
        let (n, p, r) = (self.entries.len(), self.passed, self.risks.len());
        match self.lang {
            Language::ZhCn => {
                format!("本期次共 {n} 个条目，{p} 个全部测试通过，{r} 项风险待关注。")
            }
            Language::En => format!(
                "{n} {} in this release, {p} passed in every stage, {r} open {}.",
                if n == 1 { "entry" } else { "entries" },
                if r == 1 { "risk" } else { "risks" }
            ),
        }
    }

    /// The notes in `format` (`eml` with `envelope`).
    pub fn render(&self, format: Format, envelope: &Envelope) -> Result<String> {
        Ok(match format {
            Format::Markdown => self.markdown(),
            Format::Html => self.html(),
            Format::Eml => self.eml(envelope)?,
        })
    }

    /// A UI label from [`i18n`].
    fn ui(&self, key: &str) -> &'static str {
        i18n::ui(self.lang).get(key).copied().unwrap_or("")
    }

    /// A label of the notes themselves (not used by the site, so not in [`i18n`]).
    fn label(&self, key: &str) -> &'static str {
        let (zh, en) = match key {
            "release_date" => ("投产日期", "Release date"),
            "release_page" => ("期次页面", "Release page"),
            "open_risks" => ("待关注风险", "Open risks"),
            "no_risks" => ("未发现风险", "No open risks"),
            "used_by" => ("使用方", "used by"),
            _ => ("", ""),
        };
        self.pick(zh, en)
    }

    fn pick(&self, zh: &'static str, en: &'static str) -> &'static str {
        match self.lang {
            Language::ZhCn => zh,
            Language::En => en,
        }
    }

    /// `label：value` / `label: value`.
    fn kv(&self, label: &str, value: &str) -> String {
        format!("{label}{}{value}", self.pick("：", ": "))
    }

    /// `a（b）` / `a (b)`.
    fn paren(&self, a: &str, b: &str) -> String {
        match self.lang {
            Language::ZhCn => format!("{a}（{b}）"),
            Language::En => format!("{a} ({b})"),
        }
    }

    fn join(&self, items: &[String]) -> String {
        items.join(self.pick("、", ", "))
    }

    /// A keyword's display name.
    fn value(&self, kind: &str, v: &'static str) -> &'static str {
        i18n::value(self.lang, kind, v)
    }

    /// The release's title, with its id when the title does not say it.
    fn release_name(&self) -> String {
        let (title, id) = (one_line(&self.release.title), &self.release.id);
        match title.as_str() {
            "" => id.clone(),
            t if t.contains(id.as_str()) => title,
            t => self.paren(t, id),
        }
    }

    /// `通过 2019-03-12 陈晨`: a stage's result with its date and tester.
    fn run_text(&self, e: &Entry, env: Env) -> String {
        let run = e.tests.get(env);
        let mut parts = vec![self.value("result", run.result.as_str()).to_owned()];
        parts.extend(run.date.map(|d| d.to_string()));
        if !run.by.trim().is_empty() {
            parts.push(one_line(&run.by));
        }
        parts.join(" ")
    }

    /// `网银 / 企业网银`.
    fn system_text(&self, e: &Entry) -> String {
        if e.subsystem.trim().is_empty() {
            e.system.clone()
        } else {
            format!("{} / {}", e.system, e.subsystem)
        }
    }

    /// The strategy's name, with the phase ramp when phased (`灰度（30% → 100%）`).
    fn strategy_text(&self) -> String {
        let r = self.release;
        let Some(s) = r.strategy else {
            return self.ui("none").to_owned();
        };
        let name = self.value("strategy", s.as_str());
        if r.phases.is_empty() {
            return name.to_owned();
        }
        let ramp: Vec<String> = r.phases.iter().map(|p| format!("{}%", p.percent)).collect();
        self.paren(name, &ramp.join(" → "))
    }

    /// `sql/x.sql（#15、数据迁移）`'s parenthesis: who lists the script.
    fn uses_text(&self, s: &SqlScript) -> String {
        let uses: Vec<String> = s
            .used_by
            .iter()
            .map(|u| match u {
                SqlUse::Entry(id) => format!("#{id}"),
                SqlUse::DataMigration => self.ui("data_migration").to_owned(),
            })
            .collect();
        self.join(&uses)
    }

    /// One risk as a sentence.
    pub fn risk_text(&self, risk: &Risk) -> String {
        match risk {
            Risk::NoEntries => self
                .pick("本期次没有条目", "the release has no entries")
                .into(),
            Risk::NotPassed { id, title, stages } => {
                let stages: Vec<String> = stages
                    .iter()
                    .map(|(env, res)| {
                        format!(
                            "{} {}",
                            self.value("env", env.as_str()),
                            self.value("result", res.as_str())
                        )
                    })
                    .collect();
                let what = self.pick("未在所有环境测试通过", "not passed in every stage");
                self.kv(
                    &format!("#{id} {}", one_line(title)),
                    &self.paren(what, &self.join(&stages)),
                )
            }
            Risk::NoTestOpinion { id, title } => self.kv(
                &format!("#{id} {}", one_line(title)),
                self.pick("缺少测试意见", "no test opinion"),
            ),
            Risk::SqlWithoutBackup { scripts } => self.kv(
                self.pick(
                    "SQL 脚本没有备份（数据迁移未写备份）",
                    "SQL scripts without a backup (data_migration.backup is empty)",
                ),
                &self.join(scripts),
            ),
            Risk::NoApprover => self.pick("未指定审批人", "no approver").into(),
            Risk::NoRollbackPlan => self.pick("没有回退方案", "no rollback plan").into(),
        }
    }
}

/// The usage error for a release id that is not in the ledger.
fn unknown_release(ledger: &Ledger, id: &str) -> Error {
    if ledger.broken.releases.iter().any(|b| b == id) {
        return Error::Usage(format!(
            "release `{id}` does not load; run `opsledger check` to see why"
        ));
    }
    let ids: Vec<&str> = ledger.releases.iter().map(|r| r.id.as_str()).collect();
    Error::Usage(if ids.is_empty() {
        format!("no release `{id}`: the ledger has no releases")
    } else {
        format!("no release `{id}`; the releases are: {}", ids.join(", "))
    })
}

fn all_passed(e: &Entry) -> bool {
    Env::ALL
        .iter()
        .all(|&env| e.tests.get(env).result == TestResult::Pass)
}

/// Entry scripts (by entry) then `data_migration.scripts`, each path once.
fn scripts(r: &Release, entries: &[&Entry]) -> Vec<SqlScript> {
    let mut out: Vec<SqlScript> = Vec::new();
    let listed = entries
        .iter()
        .flat_map(|e| e.sql_scripts.iter().map(|p| (p, SqlUse::Entry(e.id))))
        .chain(
            r.data_migration
                .scripts
                .iter()
                .map(|p| (p, SqlUse::DataMigration)),
        );
    for (path, used) in listed {
        match out.iter_mut().find(|s| &s.path == path) {
            Some(s) if !s.used_by.contains(&used) => s.used_by.push(used),
            Some(_) => {}
            None => out.push(SqlScript {
                path: path.clone(),
                used_by: vec![used],
            }),
        }
    }
    out
}

/// The open risks: per entry (by id) stages not passed and a missing test opinion; then SQL
/// without a backup, no approver, no rollback plan.
fn risks(r: &Release, entries: &[&Entry], sql: &[SqlScript]) -> Vec<Risk> {
    let mut out = Vec::new();
    if entries.is_empty() {
        out.push(Risk::NoEntries);
    }
    for e in entries {
        let stages: Vec<(Env, TestResult)> = Env::ALL
            .iter()
            .map(|&env| (env, e.tests.get(env).result))
            .filter(|(_, res)| *res != TestResult::Pass)
            .collect();
        if !stages.is_empty() {
            out.push(Risk::NotPassed {
                id: e.id,
                title: e.title.clone(),
                stages,
            });
        }
        if e.test_opinion.trim().is_empty() {
            out.push(Risk::NoTestOpinion {
                id: e.id,
                title: e.title.clone(),
            });
        }
    }
    if !sql.is_empty() && r.data_migration.backup.trim().is_empty() {
        out.push(Risk::SqlWithoutBackup {
            scripts: sql.iter().map(|s| s.path.clone()).collect(),
        });
    }
    if r.approver.trim().is_empty() {
        out.push(Risk::NoApprover);
    }
    if r.rollback.plan.trim().is_empty() {
        out.push(Risk::NoRollbackPlan);
    }
    out
}

/// The host of `base_url` (`https://ops.example.com:8443/ledger/` → `ops.example.com`), or
/// `opsledger.invalid` when there is none or it is not a plain DNS name.
pub fn host_of(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or("", |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("").to_ascii_lowercase();
    let ok = !host.is_empty()
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if ok { host } else { "opsledger.invalid".into() }
}

/// `text` on one line: line breaks and tabs become spaces.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n', '\t'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests;
