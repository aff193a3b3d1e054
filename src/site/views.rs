//! View structs: what templates see. Built from the model, the history and the config;
//! serialisable, with display-ready values (labels, URLs relative to the site root, rendered
//! Markdown). Pure: no IO.

use super::i18n;
pub use super::rows::Rows;
use crate::config::{Config, Language, Train};
use crate::history::{History, Timeline, facts};
use crate::model::{Entry, Env, Keyword, Ledger, Release};
use crate::slug::slug;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;

/// Site-root-relative URLs of things: each names the page's file (`entries/20/index.html`),
/// so a link works from `file://` as well as from any server. Every folder named after a name
/// or an id is [`slug`]ged (see [`crate::slug`]), so no two names share a page.
pub fn entry_url(id: u32) -> String {
    page_url("entries", &id.to_string())
}
pub fn requirement_url(id: &str) -> String {
    page_url("requirements", id)
}
pub fn release_url(id: &str) -> String {
    page_url("releases", id)
}
pub fn system_url(name: &str) -> String {
    page_url("systems", name)
}
pub fn person_url(name: &str) -> String {
    page_url("people", name)
}
pub fn runbook_url(slug: &str) -> String {
    page_url("runbooks", slug)
}

/// The page of `name` in `folder`: `folder/<slug of name>/index.html`; also its file's path.
pub fn page_url(folder: &str, name: &str) -> String {
    format!("{folder}/{}/index.html", slug(name))
}

/// A link: text and site-root-relative URL.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    pub text: String,
    pub url: String,
}

/// An entry as a row of the ledger, a card of the board, or a page.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView<'a> {
    #[serde(flatten)]
    pub e: &'a Entry,
    pub url: String,
    pub late: bool,
    /// The description as plain text, for tables and search.
    pub summary: String,
    pub system_url: String,
    pub tech_lead_url: Option<String>,
    pub test_lead_url: Option<String>,
    pub release_url: Option<String>,
    pub requirement_link: Option<Link>,
    /// SIT, UAT, pre-prod results, in order: (env, result, date, by).
    pub test_runs: Vec<TestRunView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestRunView {
    pub env: &'static str,
    pub result: &'static str,
    pub date: Option<Date>,
    pub by: String,
}

/// Late on `today` (see [`crate::metrics::is_late`]); never without a generation date.
pub fn is_late(e: &Entry, today: Option<Date>, train: &Train) -> bool {
    today.is_some_and(|t| crate::metrics::is_late(e, t, train))
}

/// Markdown as plain text, whitespace collapsed, at most `max` characters.
pub fn plain(markdown: &str, max: usize) -> String {
    let mut raw = String::new();
    crate::markdown::text_of(markdown, &mut raw);
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > max {
        return text.chars().take(max).collect::<String>() + "…";
    }
    text
}

pub fn entry_view<'a>(
    e: &'a Entry,
    ledger: &Ledger,
    today: Option<Date>,
    train: &Train,
) -> EntryView<'a> {
    let opt_person = |s: &str| (!s.is_empty()).then(|| person_url(s));
    EntryView {
        e,
        url: entry_url(e.id),
        late: is_late(e, today, train),
        summary: plain(&e.body, 200),
        system_url: system_url(&e.system),
        tech_lead_url: opt_person(&e.tech_lead),
        test_lead_url: opt_person(&e.test_lead),
        release_url: e
            .release
            .as_deref()
            .filter(|r| ledger.release(r).is_some())
            .map(release_url),
        requirement_link: e
            .requirement
            .as_deref()
            .and_then(|r| ledger.requirement(r))
            .map(|r| Link {
                text: format!("{} {}", r.id, r.title),
                url: requirement_url(&r.id),
            }),
        test_runs: Env::ALL
            .iter()
            .map(|&env| {
                let run = e.tests.get(env);
                TestRunView {
                    env: env.as_str(),
                    result: run.result.as_str(),
                    date: run.date,
                    by: run.by.clone(),
                }
            })
            .collect(),
    }
}

/// One step of a timeline, display-ready.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    pub commit: String,
    pub author: String,
    pub time: String,
    /// `time` in the configured time zone, `YYYY-MM-DD HH:MM`.
    pub local_time: String,
    pub message: String,
    pub landed_commit: String,
    pub landed_time: String,
    /// `landed_time` in the configured time zone, `YYYY-MM-DD HH:MM`.
    pub landed_local: String,
    pub landed_elsewhere: bool,
    pub changes: Vec<ChangeView>,
    pub body_changed: bool,
    pub path: String,
    pub kind: String,
    pub note: Option<String>,
    pub working_tree: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub field: String,
    pub label: String,
    pub from: String,
    pub to: String,
    pub is_status: bool,
}

/// A value of a field change as text in `lang`.
fn show(lang: Language, field: &str, v: &Value) -> String {
    let kind = match field {
        "status" | "category" | "priority" => Some(field),
        f if f.ends_with(".result") => Some("result"),
        "strategy" => Some("strategy"),
        _ => None,
    };
    match v {
        Value::Null => String::new(),
        Value::String(s) => kind.map_or_else(|| s.clone(), |k| i18n::value(lang, k, s).to_owned()),
        Value::Bool(b) => i18n::value(lang, "bool", if *b { "true" } else { "false" }).to_owned(),
        Value::Array(items) => items
            .iter()
            .map(|i| show(lang, "", i))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => v.to_string(),
        Value::Number(n) => n.to_string(),
    }
}

/// The field label of a dotted change path (`tests.sit.result` → `SIT 测试结果`-like).
fn change_label(lang: Language, field: &str) -> String {
    match field.split_once('.') {
        Some(("tests", rest)) => {
            let (env, key) = rest.split_once('.').unwrap_or((rest, ""));
            let key = match (key, lang) {
                ("result", Language::ZhCn) => "结果",
                ("date", Language::ZhCn) => "日期",
                ("by", Language::ZhCn) => "测试人",
                ("by", Language::En) => "tester",
                (k, _) => k,
            };
            format!("{} {key}", i18n::value(lang, "env", env))
        }
        _ => i18n::field(lang, field).to_owned(),
    }
}

/// A timeline, newest step first.
pub fn timeline_view(config: &Config, t: Option<&Timeline>) -> Vec<StepView> {
    let lang = config.language;
    let Some(t) = t else { return Vec::new() };
    let mut steps: Vec<StepView> = t
        .steps
        .iter()
        .map(|s| {
            let mut changes: Vec<ChangeView> = s
                .changes
                .iter()
                .map(|c| ChangeView {
                    field: c.field.clone(),
                    label: change_label(lang, &c.field),
                    from: show(lang, &c.field, &c.from),
                    to: show(lang, &c.field, &c.to),
                    is_status: c.field == "status",
                })
                .collect();
            changes.sort_by_key(|c| !c.is_status);
            // A new file "changes" every field from nothing: its status is what matters.
            if s.kind == crate::git::ChangeKind::Added {
                changes.retain(|c| c.is_status);
            }
            StepView {
                commit: s.commit.clone(),
                author: s.author.clone(),
                local_time: local_time(config, &s.time),
                time: s.time.clone(),
                message: s.message.lines().next().unwrap_or("").to_owned(),
                landed_commit: s.landed_commit.clone(),
                landed_time: s.landed_time.clone(),
                landed_local: local_time(config, &s.landed_time),
                landed_elsewhere: !s.working_tree && s.landed_commit != s.commit,
                changes,
                body_changed: s.body_changed,
                path: s.path.clone(),
                kind: format!("{:?}", s.kind).to_lowercase(),
                note: s.note.clone(),
                working_tree: s.working_tree,
            }
        })
        .collect();
    steps.reverse();
    steps
}

/// A release with its entries, readiness and real release time.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseView<'a> {
    #[serde(flatten)]
    pub r: &'a Release,
    pub url: String,
    /// The entries' rows (see [`Rows`]).
    pub entries: Vec<minijinja::Value>,
    /// Entries whose three test stages all passed.
    pub passed: usize,
    pub ready: bool,
    /// The landing time of the commit that made it `released`.
    pub released_at: Option<String>,
    pub released_by: Option<String>,
    /// Step indices in dependency order with their `after` names.
    pub ordered_steps: Vec<StepOrderView>,
    pub runbook_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepOrderView {
    pub n: usize,
    pub name: String,
    pub owner: String,
    pub owner_url: Option<String>,
    pub after: Vec<String>,
}

/// A release's steps in dependency order.
pub fn ordered_steps(r: &Release) -> Vec<StepOrderView> {
    r.step_order()
        .into_iter()
        .enumerate()
        .map(|(n, i)| {
            let s = &r.steps[i];
            StepOrderView {
                n: n + 1,
                name: s.name.clone(),
                owner: s.owner.clone(),
                owner_url: (!s.owner.is_empty()).then(|| person_url(&s.owner)),
                after: s.after.clone(),
            }
        })
        .collect()
}

pub fn release_view<'a>(
    r: &'a Release,
    ledger: &'a Ledger,
    history: &History,
    rows: &Rows,
) -> ReleaseView<'a> {
    let mine = rows.entries_of_release(&r.id);
    let passed = mine.iter().filter(|e| e.tests.all_passed()).count();
    let entries: Vec<minijinja::Value> = mine.iter().map(|e| rows.of(e)).collect();
    let released = history.of(&r.doc.path).and_then(facts::released_at);
    let ordered_steps = ordered_steps(r);
    let runbook_url = r.runbook.as_deref().and_then(|p| {
        let slug = p.strip_prefix("content/runbooks/")?.strip_suffix(".md")?;
        ledger
            .runbooks
            .iter()
            .any(|rb| rb.slug == slug)
            .then(|| runbook_url(slug))
    });
    ReleaseView {
        r,
        url: release_url(&r.id),
        ready: !entries.is_empty() && passed == entries.len() && !r.rollback.plan.is_empty(),
        passed,
        entries,
        released_at: released.map(|s| s.landed_time.clone()),
        released_by: released.map(|s| s.author.clone()),
        ordered_steps,
        runbook_url,
    }
}

/// An RFC 3339 time as `YYYY-MM-DD HH:MM` in the configured time zone (as given when it does
/// not parse).
pub fn local_time(config: &Config, rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(ts) => ts
            .to_zoned(jiff::tz::TimeZone::fixed(config.train.timezone))
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => rfc3339.to_owned(),
    }
}

/// The date of an RFC 3339 time in the configured time zone.
pub fn local_date(config: &Config, rfc3339: &str) -> Option<Date> {
    crate::calendar::local_date_of(rfc3339, config.train.timezone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_collapses_and_truncates() {
        assert_eq!(
            plain("## 背景\n\n**重要**：还款 `文件`\n", 100),
            "背景 重要：还款 文件"
        );
        assert_eq!(plain("a b c d", 3), "a b…");
    }

    #[test]
    fn change_values_are_shown_in_the_language() {
        assert_eq!(
            show(Language::ZhCn, "status", &Value::from("sit")),
            "SIT测试"
        );
        assert_eq!(
            show(Language::En, "tests.uat.result", &Value::from("pass")),
            "Pass"
        );
        assert_eq!(
            show(
                Language::ZhCn,
                "related_systems",
                &serde_json::json!(["小贷", "AML"])
            ),
            "小贷, AML"
        );
        assert_eq!(change_label(Language::En, "tests.sit.result"), "SIT result");
    }

    #[test]
    fn times_are_shown_in_the_configured_zone() {
        let c = Config::default();
        assert_eq!(
            local_time(&c, "2019-03-01T02:00:00+00:00"),
            "2019-03-01 10:00"
        );
        assert_eq!(local_time(&c, "not a time"), "not a time");
    }

    #[test]
    fn weeks() {}
}
