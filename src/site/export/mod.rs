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
//!   "runbooks":     [ RUNBOOK, ... ]                 // by slug
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
//! A new key may be added within version 1; removing or changing the meaning of one raises
//! `schema_version`.

use crate::config::{Config, Language};
use crate::history::{History, Step, Timeline};
use crate::model::{Entry, Keyword, Ledger, Release, Requirement, Runbook};
use jiff::civil::Date;
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::borrow::Cow;
use std::fmt::Write as _;

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

/// Every export, in the order [`all`] returns them.
pub fn all(input: &ExportInput) -> crate::Result<Vec<OutputFile>> {
    Ok(vec![
        ledger_csv(input),
        ledger_xlsx(input)?,
        ledger_json(input)?,
        feed_atom(input),
        search_index(input)?,
    ])
}

// ---------------------------------------------------------------------------------------------
// Labels

/// Chinese labels of the closed vocabularies: (kind, front-matter word, label).
const LABELS: &[(&str, &str, &str)] = &[
    ("category", "feature", "新功能"),
    ("category", "defect", "缺陷"),
    ("category", "improvement", "优化"),
    ("category", "data-fix", "数据修复"),
    ("category", "config", "配置"),
    ("priority", "high", "高"),
    ("priority", "medium", "中"),
    ("priority", "low", "低"),
    ("status", "registered", "已登记"),
    ("status", "developing", "处理中"),
    ("status", "submitted", "已提测"),
    ("status", "sit", "SIT测试"),
    ("status", "uat", "UAT测试"),
    ("status", "preprod", "预投产测试"),
    ("status", "approved", "已审批"),
    ("status", "released", "已投产"),
    ("status", "rolled-back", "已回退"),
    ("status", "on-hold", "挂起"),
    ("status", "closed", "已关闭"),
    ("release_status", "planning", "计划中"),
    ("release_status", "testing", "测试中"),
    ("release_status", "approved", "已审批"),
    ("release_status", "released", "已投产"),
    ("release_status", "rolled-back", "已回退"),
    ("release_status", "cancelled", "已取消"),
    ("requirement_status", "draft", "草稿"),
    ("requirement_status", "approved", "已批准"),
    ("requirement_status", "superseded", "已作废"),
    ("strategy", "full", "全量"),
    ("strategy", "phased", "灰度"),
    ("test_result", "pass", "通过"),
    ("test_result", "fail", "不通过"),
    ("test_result", "pending", "待测"),
];

/// The display label of a keyword in the spreadsheet exports: the Chinese label in `zh-CN`, the
/// front-matter word itself in `en`. `kind` is one of `category`, `priority`, `status`,
/// `release_status`, `requirement_status`, `strategy`, `test_result`; an unknown kind or value
/// comes back unchanged. (UI labels of the site proper belong to the theme's i18n.)
pub fn label<'a>(kind: &str, value: &'a str, lang: Language) -> &'a str {
    if lang == Language::En {
        return value;
    }
    LABELS
        .iter()
        .find(|(k, v, _)| *k == kind && *v == value)
        .map_or(value, |l| l.2)
}

/// 是/否 in `zh-CN`, yes/no in `en`.
pub fn yes_no(b: bool, lang: Language) -> &'static str {
    match (lang, b) {
        (Language::ZhCn, true) => "是",
        (Language::ZhCn, false) => "否",
        (Language::En, true) => "yes",
        (Language::En, false) => "no",
    }
}

// ---------------------------------------------------------------------------------------------
// Spreadsheet columns

/// The spreadsheet columns: (key, Chinese header, English header) in the team's order, then
/// title, release and requirement (not in the team's template, useful all the same).
/// `description` is the entry's Markdown body.
pub const COLUMNS: &[(&str, &str, &str)] = &[
    ("id", "编号", "ID"),
    ("system", "系统", "System"),
    ("subsystem", "子系统", "Subsystem"),
    ("module", "所属模块", "Module"),
    ("feature", "涉及功能", "Feature"),
    ("category", "问题分类", "Category"),
    ("description", "问题描述", "Description"),
    ("has_sql", "是否有SQL脚本", "Has SQL script"),
    ("expected_solution", "期望解决方案", "Expected solution"),
    ("technical_solution", "技术实现方案", "Technical solution"),
    ("proposer", "提出人", "Proposer"),
    ("proposed_on", "提出日期", "Proposed on"),
    ("priority", "优先级", "Priority"),
    ("status", "问题状态", "Status"),
    ("business_feedback", "业务部门反馈", "Business feedback"),
    ("resolution_notes", "解决情况备注", "Resolution notes"),
    ("planned_start", "计划开始时间", "Planned start"),
    ("planned_finish", "计划完成时间", "Planned finish"),
    ("tech_lead", "技术负责人", "Tech lead"),
    ("test_start", "测试计划开始时间", "Test start"),
    ("test_finish", "测试计划完成时间", "Test finish"),
    ("test_lead", "测试负责人", "Test lead"),
    ("test_opinion", "测试意见", "Test opinion"),
    ("related_systems", "关联系统", "Related systems"),
    ("title", "标题", "Title"),
    ("release", "期次", "Release"),
    ("requirement", "需求文档", "Requirement"),
];

/// The header row in `lang`.
pub fn headers(lang: Language) -> Vec<&'static str> {
    COLUMNS
        .iter()
        .map(|&(_, zh, en)| if lang == Language::ZhCn { zh } else { en })
        .collect()
}

/// One cell of the spreadsheet.
enum Cell<'a> {
    Number(u32),
    Text(Cow<'a, str>),
    Date(Option<Date>),
}

impl Cell<'_> {
    fn to_text(&self) -> String {
        match self {
            Cell::Number(n) => n.to_string(),
            Cell::Text(t) => t.to_string(),
            Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

/// The value of column `key` for `e`.
fn cell<'a>(e: &'a Entry, key: &str, lang: Language) -> Cell<'a> {
    let text = |s: &'a str| Cell::Text(Cow::Borrowed(s));
    match key {
        "id" => Cell::Number(e.id),
        "system" => text(&e.system),
        "subsystem" => text(&e.subsystem),
        "module" => text(&e.module),
        "feature" => text(&e.feature),
        "category" => text(label("category", e.category.as_str(), lang)),
        "description" => text(e.body.trim()),
        "has_sql" => text(yes_no(e.has_sql, lang)),
        "expected_solution" => text(&e.expected_solution),
        "technical_solution" => text(&e.technical_solution),
        "proposer" => text(&e.proposer),
        "proposed_on" => Cell::Date(Some(e.proposed_on)),
        "priority" => text(label("priority", e.priority.as_str(), lang)),
        "status" => text(label("status", e.status.as_str(), lang)),
        "business_feedback" => text(&e.business_feedback),
        "resolution_notes" => text(&e.resolution_notes),
        "planned_start" => Cell::Date(e.planned_start),
        "planned_finish" => Cell::Date(e.planned_finish),
        "tech_lead" => text(&e.tech_lead),
        "test_start" => Cell::Date(e.test_start),
        "test_finish" => Cell::Date(e.test_finish),
        "test_lead" => text(&e.test_lead),
        "test_opinion" => text(&e.test_opinion),
        "related_systems" => Cell::Text(Cow::Owned(
            e.related_systems
                .join(if lang == Language::ZhCn { "、" } else { ", " }),
        )),
        "title" => text(&e.title),
        "release" => text(e.release.as_deref().unwrap_or("")),
        "requirement" => text(e.requirement.as_deref().unwrap_or("")),
        _ => text(""),
    }
}

/// Column width in characters (a CJK character counts about two) and whether it wraps.
fn column_layout(key: &str) -> (f64, bool) {
    match key {
        "id" => (7.0, false),
        "description" => (50.0, true),
        "expected_solution" | "technical_solution" => (32.0, true),
        "business_feedback" | "resolution_notes" | "test_opinion" => (26.0, true),
        "title" => (30.0, true),
        "feature" | "module" => (16.0, true),
        "related_systems" => (16.0, true),
        "has_sql" => (10.0, false),
        "proposed_on" | "planned_start" | "planned_finish" | "test_start" | "test_finish" => {
            (13.0, false)
        }
        "status" => (12.0, false),
        "release" | "requirement" => (12.0, false),
        _ => (10.0, false),
    }
}

/// The entries, by id (then path).
fn entries_by_id(ledger: &Ledger) -> Vec<&Entry> {
    let mut v: Vec<&Entry> = ledger.entries.iter().collect();
    v.sort_by(|a, b| (a.id, &a.doc.path).cmp(&(b.id, &b.doc.path)));
    v
}

/// `ledger.csv`: UTF-8 with a BOM (so Excel reads the Chinese headers), `\n` line ends, one
/// row per entry by id, the columns of [`COLUMNS`].
pub fn ledger_csv(input: &ExportInput) -> OutputFile {
    let lang = input.config.language;
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(&mut out);
        // Writing into a Vec cannot fail.
        let _ = w.write_record(headers(lang));
        for e in entries_by_id(input.ledger) {
            let row: Vec<String> = COLUMNS
                .iter()
                .map(|(key, _, _)| cell(e, key, lang).to_text())
                .collect();
            let _ = w.write_record(&row);
        }
        let _ = w.flush();
    }
    OutputFile {
        path: "ledger.csv".into(),
        bytes: out,
    }
}

/// `ledger.xlsx`: one worksheet (台帐 / Ledger) with a bold frozen header row, an autofilter,
/// real date cells, wrapped long text; the document's creation time is `generated_at` (or the
/// Unix epoch), so the bytes depend on the content only.
pub fn ledger_xlsx(input: &ExportInput) -> crate::Result<OutputFile> {
    let bytes =
        xlsx_bytes(input).map_err(|e| crate::Error::io("ledger.xlsx", std::io::Error::other(e)))?;
    Ok(OutputFile {
        path: "ledger.xlsx".into(),
        bytes,
    })
}

fn xlsx_bytes(input: &ExportInput) -> Result<Vec<u8>, XlsxError> {
    let lang = input.config.language;
    let mut wb = Workbook::new();
    let created = timestamp_or_epoch(input.generated_at)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .datetime();
    let props = DocProperties::new()
        .set_title(&input.config.title)
        .set_creation_datetime(&created);
    wb.set_properties(&props);

    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border_bottom(FormatBorder::Thin);
    let plain = Format::new().set_align(FormatAlign::Top);
    let wrap = plain.clone().set_text_wrap();
    let date = plain.clone().set_num_format("yyyy-mm-dd");

    let ws = wb.add_worksheet();
    ws.set_name(if lang == Language::ZhCn {
        "台帐"
    } else {
        "Ledger"
    })?;
    for (c, (name, &(key, _, _))) in headers(lang).into_iter().zip(COLUMNS).enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, name, &header)?;
        ws.set_column_width(c, column_layout(key).0)?;
    }
    let entries = entries_by_id(input.ledger);
    for (r, e) in entries.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, &(key, _, _)) in COLUMNS.iter().enumerate() {
            let c = c as u16;
            let format = if column_layout(key).1 { &wrap } else { &plain };
            match cell(e, key, lang) {
                Cell::Number(n) => {
                    ws.write_number_with_format(row, c, f64::from(n), format)?;
                }
                Cell::Text(t) => {
                    if !t.is_empty() {
                        ws.write_string_with_format(row, c, fit_cell(&t), format)?;
                    }
                }
                // Excel's 1900 date system starts in 1900; other years stay text.
                Cell::Date(Some(d)) if (1900..=9999).contains(&d.year()) => {
                    ws.write_datetime_with_format(row, c, d, &date)?;
                }
                Cell::Date(Some(d)) => {
                    ws.write_string_with_format(row, c, d.to_string(), format)?;
                }
                Cell::Date(None) => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, entries.len() as u32, (COLUMNS.len() - 1) as u16)?;
    wb.save_to_buffer()
}

/// `s` cut to Excel's limit of 32,767 UTF-16 units a cell.
fn fit_cell(s: &str) -> &str {
    const MAX: usize = 32_767;
    let mut units = 0;
    for (i, ch) in s.char_indices() {
        units += ch.len_utf16();
        if units > MAX {
            return &s[..i];
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// ledger.json

/// `ledger.json`, the versioned contract described in the module documentation.
pub fn ledger_json(input: &ExportInput) -> crate::Result<OutputFile> {
    let l = input.ledger;
    let h = input.history;

    let mut requirements: Vec<&Requirement> = l.requirements.iter().collect();
    requirements.sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
    let mut releases: Vec<&Release> = l.releases.iter().collect();
    releases.sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
    let mut runbooks: Vec<&Runbook> = l.runbooks.iter().collect();
    runbooks.sort_by(|a, b| (&a.slug, &a.doc.path).cmp(&(&b.slug, &b.doc.path)));

    let mut root = Map::new();
    root.insert("schema_version".into(), json!(SCHEMA_VERSION));
    root.insert(
        "generated_at".into(),
        input.generated_at.map_or(Value::Null, |s| json!(s)),
    );
    root.insert("title".into(), json!(input.config.title));
    root.insert(
        "entries".into(),
        items(entries_by_id(l), |e| (&e.doc.path, &e.body), h)?,
    );
    root.insert(
        "requirements".into(),
        items(requirements, |r| (&r.doc.path, &r.body), h)?,
    );
    root.insert(
        "releases".into(),
        items(releases, |r| (&r.doc.path, &r.body), h)?,
    );
    root.insert(
        "runbooks".into(),
        items(runbooks, |r| (&r.doc.path, &r.body), h)?,
    );
    let mut bytes = serde_json::to_vec(&Value::Object(root))?;
    bytes.push(b'\n');
    Ok(OutputFile {
        path: "ledger.json".into(),
        bytes,
    })
}

/// The JSON array of `docs`: each document's front matter, then `path`, `body`, `history`.
fn items<T: Serialize>(
    docs: Vec<&T>,
    doc: impl Fn(&T) -> (&String, &String),
    history: &History,
) -> crate::Result<Value> {
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        let (path, body) = doc(d);
        let mut map = match serde_json::to_value(d)? {
            Value::Object(m) => m,
            other => {
                let mut m = Map::new();
                m.insert("value".into(), other);
                m
            }
        };
        map.insert("path".into(), json!(path));
        map.insert("body".into(), json!(body));
        map.insert("history".into(), history_json(history.of(path)));
        out.push(Value::Object(map));
    }
    Ok(Value::Array(out))
}

/// The steps of a timeline with exactly the documented keys.
fn history_json(t: Option<&Timeline>) -> Value {
    let Some(t) = t else {
        return Value::Array(Vec::new());
    };
    Value::Array(t.steps.iter().map(step_json).collect())
}

fn step_json(s: &Step) -> Value {
    let changes: Vec<Value> = s
        .changes
        .iter()
        .map(|c| json!({"field": c.field, "from": c.from, "to": c.to}))
        .collect();
    let mut v = json!({
        "commit": s.commit,
        "author": s.author,
        "email": s.email,
        "time": s.time,
        "message": s.message,
        "landed_commit": s.landed_commit,
        "landed_time": s.landed_time,
        "changes": changes,
        "body_changed": s.body_changed,
        "path": s.path,
    });
    if s.working_tree
        && let Value::Object(m) = &mut v
    {
        m.insert("working_tree".into(), Value::Bool(true));
    }
    v
}

// ---------------------------------------------------------------------------------------------
// feed.xml

/// Escapes text for XML content and attribute values, dropping the characters XML 1.0 cannot
/// carry at all (control characters other than tab, line feed and carriage return).
pub fn xml_escape(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'') || is_xml_illegal(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_xml_illegal(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_xml_illegal(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0B' | '\x0C' | '\x0E'..='\x1F' | '\u{FFFE}' | '\u{FFFF}')
}

/// One `<entry>` of the feed before it is written.
struct FeedItem {
    /// Sort key: seconds since the epoch of `updated`.
    secs: i64,
    /// Tie-breaker: releases (0) before status changes (1), then by this key.
    rank: (u8, String),
    title: String,
    id: String,
    link: String,
    updated: String,
    author: Option<String>,
    summary: String,
}

/// `feed.xml`: an Atom 1.0 feed with one entry per release and one per status change of an
/// entry (the most recent [`FEED_STATUS_CHANGES`], uncommitted edits left out), newest first.
pub fn feed_atom(input: &ExportInput) -> OutputFile {
    let lang = input.config.language;
    let base = with_slash(input.base_url);
    let mut items = Vec::new();

    for r in &input.ledger.releases {
        let landed = input.history.of(&r.doc.path).and_then(|t| {
            t.steps
                .iter()
                .rev()
                .filter(|s| !s.working_tree)
                .find_map(step_time)
        });
        let updated = landed.unwrap_or_else(|| day_start(r.date, input.config));
        let link = format!("{base}releases/{}/", url_segment(&r.id));
        let n = input.ledger.entries_of_release(&r.id).count();
        let status = label("release_status", r.status.as_str(), lang);
        let summary = match lang {
            Language::ZhCn => format!("期次 {} · {} · {} · 条目 {n} 个", r.id, r.date, status),
            Language::En => format!("Release {} · {} · {} · {n} entries", r.id, r.date, status),
        };
        items.push(FeedItem {
            secs: secs_of(&updated),
            rank: (0, r.id.clone()),
            title: r.title.clone(),
            id: link.clone(),
            link,
            updated,
            author: None,
            summary,
        });
    }

    let mut changes = Vec::new();
    for e in &input.ledger.entries {
        let Some(t) = input.history.of(&e.doc.path) else {
            continue;
        };
        for (i, s) in t.steps.iter().enumerate() {
            if s.working_tree {
                continue;
            }
            let Some(c) = s.changes.iter().find(|c| c.field == "status") else {
                continue;
            };
            let Some(updated) = step_time(s) else {
                continue;
            };
            let to = json_text(&c.to);
            let title = match c.from.as_str() {
                Some(from) => format!("#{} {}: {from} → {to}", e.id, e.title),
                None => format!("#{} {}: {to}", e.id, e.title),
            };
            let link = format!("{base}entries/{}/", e.id);
            let message = s.message.lines().next().unwrap_or("").trim();
            let summary = [s.author.as_str(), &updated, message]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            changes.push(FeedItem {
                secs: secs_of(&updated),
                rank: (1, format!("{:010}/{:06}", e.id, usize::MAX - i)),
                title,
                id: format!(
                    "{link}#{}",
                    if s.commit.is_empty() {
                        &s.landed_commit
                    } else {
                        &s.commit
                    }
                ),
                link,
                updated,
                author: Some(s.author.clone()).filter(|a| !a.is_empty()),
                summary,
            });
        }
    }
    let newest_first =
        |a: &FeedItem, b: &FeedItem| b.secs.cmp(&a.secs).then_with(|| a.rank.cmp(&b.rank));
    changes.sort_by(newest_first);
    changes.truncate(FEED_STATUS_CHANGES);
    items.extend(changes);
    items.sort_by(newest_first);

    let updated = input
        .generated_at
        .filter(|s| s.parse::<jiff::Timestamp>().is_ok())
        .unwrap_or("1970-01-01T00:00:00Z");
    let title = xml_escape(&input.config.title);
    let lang_tag = match lang {
        Language::ZhCn => "zh-CN",
        Language::En => "en",
    };
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang_tag}\">"
    );
    let _ = writeln!(x, "  <title>{title}</title>");
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&base));
    let _ = writeln!(x, "  <link href=\"{}\"/>", xml_escape(&base));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}feed.xml\"/>",
        xml_escape(&base)
    );
    let _ = writeln!(x, "  <updated>{}</updated>", xml_escape(updated));
    let _ = writeln!(x, "  <author><name>{title}</name></author>");
    x.push_str("  <generator>opsledger</generator>\n");
    for it in &items {
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <title>{}</title>", xml_escape(&it.title));
        let _ = writeln!(x, "    <id>{}</id>", xml_escape(&it.id));
        let _ = writeln!(x, "    <link href=\"{}\"/>", xml_escape(&it.link));
        let _ = writeln!(x, "    <updated>{}</updated>", xml_escape(&it.updated));
        if let Some(a) = &it.author {
            let _ = writeln!(x, "    <author><name>{}</name></author>", xml_escape(a));
        }
        let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(&it.summary));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    OutputFile {
        path: "feed.xml".into(),
        bytes: x.into_bytes(),
    }
}

/// When a step reached HEAD's line: its landing time, else its own time; `None` when neither
/// is a valid RFC 3339 time.
fn step_time(s: &Step) -> Option<String> {
    [&s.landed_time, &s.time]
        .into_iter()
        .find(|t| t.parse::<jiff::Timestamp>().is_ok())
        .cloned()
}

/// Midnight of `date` in the train's time zone, RFC 3339.
fn day_start(date: Date, config: &Config) -> String {
    date.to_zoned(jiff::tz::TimeZone::fixed(config.train.timezone))
        .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_else(|_| format!("{date}T00:00:00Z"))
}

fn secs_of(rfc3339: &str) -> i64 {
    rfc3339
        .parse::<jiff::Timestamp>()
        .map_or(0, |t| t.as_second())
}

fn timestamp_or_epoch(s: Option<&str>) -> jiff::Timestamp {
    s.and_then(|s| s.parse().ok())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// A JSON value as text: strings bare, `null` empty, anything else as JSON.
fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn with_slash(base: &str) -> String {
    if base.ends_with('/') {
        base.to_owned()
    } else {
        format!("{base}/")
    }
}

/// A path segment for a URL: ASCII letters, digits, `-._~` and non-ASCII characters as they
/// are (an IRI), every other byte percent-encoded.
fn url_segment(s: &str) -> Cow<'_, str> {
    let keep =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') || !c.is_ascii();
    if s.chars().all(keep) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if keep(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    Cow::Owned(out)
}

// ---------------------------------------------------------------------------------------------
// search-index.json

/// `search-index.json`: `{"version": 1, "docs": [{"url", "kind", "id", "title", "system",
/// "status", "text"}]}` for entries, requirements, releases and runbooks, in that order, each by
/// id (runbooks by slug). `url` is relative to the site root and ends in `/`; `kind` is `entry`,
/// `requirement`, `release` or `runbook`; `status` is the front-matter word (`""` for
/// runbooks), `system` `""` where there is none; `text` is the title, the main text fields and
/// the body as plain text, whitespace collapsed, at most [`SEARCH_TEXT_MAX`] characters.
pub fn search_index(input: &ExportInput) -> crate::Result<OutputFile> {
    let l = input.ledger;
    let mut docs = Vec::new();
    for e in entries_by_id(l) {
        let mut fields: Vec<&str> = vec![
            &e.title,
            &e.subsystem,
            &e.module,
            &e.feature,
            &e.proposer,
            &e.tech_lead,
            &e.test_lead,
            &e.expected_solution,
            &e.technical_solution,
            &e.business_feedback,
            &e.resolution_notes,
            &e.test_opinion,
        ];
        fields.extend(e.related_systems.iter().map(String::as_str));
        fields.extend(e.release.as_deref());
        fields.extend(e.requirement.as_deref());
        docs.push(search_doc(
            format!("entries/{}/", e.id),
            "entry",
            &e.id.to_string(),
            &e.title,
            &e.system,
            e.status.as_str(),
            &fields,
            &e.body,
        ));
    }
    let mut requirements: Vec<&Requirement> = l.requirements.iter().collect();
    requirements.sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
    for r in requirements {
        docs.push(search_doc(
            format!("requirements/{}/", url_segment(&r.id)),
            "requirement",
            &r.id,
            &r.title,
            &r.system,
            r.status.as_str(),
            &[&r.title, &r.owner, &r.version],
            &r.body,
        ));
    }
    let mut releases: Vec<&Release> = l.releases.iter().collect();
    releases.sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
    for r in releases {
        let mut fields: Vec<&str> = vec![&r.title, &r.approver];
        fields.extend(r.goals.iter().map(String::as_str));
        fields.extend(r.steps.iter().map(|s| s.name.as_str()));
        fields.extend([r.rollback.trigger.as_str(), r.rollback.plan.as_str()]);
        docs.push(search_doc(
            format!("releases/{}/", url_segment(&r.id)),
            "release",
            &r.id,
            &r.title,
            "",
            r.status.as_str(),
            &fields,
            &r.body,
        ));
    }
    let mut runbooks: Vec<&Runbook> = l.runbooks.iter().collect();
    runbooks.sort_by(|a, b| (&a.slug, &a.doc.path).cmp(&(&b.slug, &b.doc.path)));
    for r in runbooks {
        docs.push(search_doc(
            format!("runbooks/{}/", url_segment(&r.slug)),
            "runbook",
            &r.slug,
            &r.title,
            &r.system,
            "",
            &[&r.title, &r.owner],
            &r.body,
        ));
    }
    let mut bytes = serde_json::to_vec(&json!({"version": 1, "docs": docs}))?;
    bytes.push(b'\n');
    Ok(OutputFile {
        path: "search-index.json".into(),
        bytes,
    })
}

#[allow(clippy::too_many_arguments)]
fn search_doc(
    url: String,
    kind: &str,
    id: &str,
    title: &str,
    system: &str,
    status: &str,
    fields: &[&str],
    body: &str,
) -> Value {
    let mut raw = fields.join(" ");
    raw.push(' ');
    markdown_text(body, &mut raw);
    let mut text = String::new();
    for (n, word) in raw.split_whitespace().enumerate() {
        if n > 0 {
            text.push(' ');
        }
        text.push_str(word);
        if text.len() >= SEARCH_TEXT_MAX * 4 {
            break;
        }
    }
    if let Some((i, _)) = text.char_indices().nth(SEARCH_TEXT_MAX) {
        text.truncate(i);
    }
    json!({
        "url": url,
        "kind": kind,
        "id": id,
        "title": title,
        "system": system,
        "status": status,
        "text": text.trim_end(),
    })
}

/// The readable text of Markdown: text and code, blocks separated by spaces, HTML dropped.
fn markdown_text(md: &str, out: &mut String) {
    use pulldown_cmark::{Event, Options, Parser, TagEnd};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    for ev in Parser::new_ext(md, options) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::End(_) => out.push(' '),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::ChangeKind;
    use crate::history::FieldChange;
    use crate::model::{Category, Doc, Priority, ReleaseStatus, RequirementStatus, Status, Tests};
    use jiff::civil::date;
    use std::collections::BTreeMap;

    const GENERATED: &str = "2019-03-14T22:05:00+08:00";

    fn entry(id: u32, title: &str, status: Status, body: &str) -> Entry {
        Entry {
            id,
            title: title.into(),
            system: "小贷".into(),
            subsystem: "账务".into(),
            module: "还款".into(),
            feature: "还款文件".into(),
            category: Category::Feature,
            priority: Priority::High,
            status,
            proposer: "琳琳".into(),
            proposed_on: date(2019, 2, 25),
            has_sql: true,
            sql_scripts: vec!["sql/0020_add_export_table.sql".into()],
            expected_solution: "每日生成还款文件".into(),
            technical_solution: "批量任务, \"quoted\"\n第二行".into(),
            business_feedback: String::new(),
            resolution_notes: String::new(),
            planned_start: Some(date(2019, 3, 1)),
            planned_finish: Some(date(2019, 3, 7)),
            tech_lead: "王工".into(),
            test_start: None,
            test_finish: None,
            test_lead: "李测".into(),
            test_opinion: "通过 <ok> & 好".into(),
            related_systems: vec!["核心".into(), "渠道".into()],
            requirement: Some("REQ-0007".into()),
            release: Some("2019-03-07".into()),
            tests: Tests::default(),
            body: body.into(),
            doc: Doc {
                path: format!("content/entries/{id:04}-x.md"),
                ..Doc::default()
            },
        }
    }

    fn ledger() -> Ledger {
        let mut second = entry(
            21,
            "Password policy",
            Status::Registered,
            "Plain *English* body.\n",
        );
        second.has_sql = false;
        second.release = None;
        second.requirement = None;
        second.related_systems = vec![];
        second.planned_start = None;
        second.planned_finish = None;
        Ledger {
            entries: vec![
                entry(
                    20,
                    "还款文件生成",
                    Status::Uat,
                    "\n## 问题\n\n还款文件  需要**每日**生成。\n\n- 一\n- 二\n\n",
                ),
                second,
            ],
            requirements: vec![Requirement {
                id: "REQ-0007".into(),
                title: "还款文件需求".into(),
                system: "小贷".into(),
                owner: "琳琳".into(),
                status: RequirementStatus::Approved,
                version: "1.0".into(),
                created: Some(date(2019, 2, 20)),
                body: "需求正文".into(),
                doc: Doc {
                    path: "content/requirements/REQ-0007-export.md".into(),
                    ..Doc::default()
                },
            }],
            releases: vec![Release {
                id: "2019-03-07".into(),
                title: "3月7日发版".into(),
                date: date(2019, 3, 7),
                status: ReleaseStatus::Released,
                approver: "张经理".into(),
                approved_on: Some(date(2019, 3, 7)),
                strategy: None,
                phases: vec![],
                goals: vec!["还款文件上线".into()],
                steps: vec![],
                rollback: Default::default(),
                environment_checklist: vec![],
                data_migration: Default::default(),
                verification: vec![],
                monitoring: vec![],
                docs_updates: vec![],
                runbook: Some("content/runbooks/repayment-batch.md".into()),
                body: "发版说明".into(),
                doc: Doc {
                    path: "content/releases/2019-03-07.md".into(),
                    ..Doc::default()
                },
            }],
            runbooks: vec![Runbook {
                slug: "repayment-batch".into(),
                title: "还款批量手册".into(),
                system: "小贷".into(),
                owner: "运维".into(),
                updated: None,
                body: "# 步骤\n\n重跑 `batch.sh`".into(),
                doc: Doc {
                    path: "content/runbooks/repayment-batch.md".into(),
                    ..Doc::default()
                },
            }],
            broken: Default::default(),
        }
    }

    fn step(
        n: u32,
        time: &str,
        path: &str,
        changes: Vec<(&str, Value, Value)>,
        working_tree: bool,
    ) -> Step {
        Step {
            commit: if working_tree {
                String::new()
            } else {
                format!("{n:040}")
            },
            author: if working_tree { "" } else { "琳琳 <&>" }.into(),
            email: "linlin@example.com".into(),
            time: time.into(),
            message: format!("commit {n}\n\nbody"),
            landed_commit: if working_tree {
                String::new()
            } else {
                format!("{:040}", n + 100)
            },
            landed_time: time.into(),
            changes: changes
                .into_iter()
                .map(|(f, from, to)| FieldChange {
                    field: f.into(),
                    from,
                    to,
                })
                .collect(),
            body_changed: n == 2,
            path: path.into(),
            kind: ChangeKind::Modified,
            note: None,
            working_tree,
        }
    }

    fn history() -> History {
        let e20 = "content/entries/0020-x.md";
        let rel = "content/releases/2019-03-07.md";
        let mut files = BTreeMap::new();
        files.insert(
            e20.to_owned(),
            Timeline {
                path: e20.into(),
                deleted: false,
                steps: vec![
                    step(
                        1,
                        "2019-03-01T10:00:00+08:00",
                        e20,
                        vec![("status", Value::Null, json!("registered"))],
                        false,
                    ),
                    step(
                        2,
                        "2019-03-11T10:00:00+08:00",
                        e20,
                        vec![
                            ("status", json!("sit"), json!("uat")),
                            ("tests.sit.result", json!("pending"), json!("pass")),
                        ],
                        false,
                    ),
                    step(
                        3,
                        "",
                        e20,
                        vec![("status", json!("uat"), json!("preprod"))],
                        true,
                    ),
                ],
            },
        );
        files.insert(
            rel.to_owned(),
            Timeline {
                path: rel.into(),
                deleted: false,
                steps: vec![step(
                    4,
                    "2019-03-07T22:00:00+08:00",
                    rel,
                    vec![("status", json!("approved"), json!("released"))],
                    false,
                )],
            },
        );
        History {
            head: Some("f".repeat(40)),
            partial: false,
            files,
        }
    }

    fn config(language: Language) -> Config {
        Config {
            title: "小贷 运维台帐".into(),
            language,
            ..Config::default()
        }
    }

    fn with<R>(language: Language, f: impl FnOnce(&ExportInput) -> R) -> R {
        let (config, ledger, history) = (config(language), ledger(), history());
        f(&ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: Some(GENERATED),
            base_url: "https://ops.example.com/ledger",
        })
    }

    fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(body)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    fn col(key: &str) -> usize {
        COLUMNS.iter().position(|c| c.0 == key).unwrap()
    }

    #[test]
    fn labels() {
        assert_eq!(label("status", "sit", Language::ZhCn), "SIT测试");
        assert_eq!(label("status", "sit", Language::En), "sit");
        assert_eq!(label("category", "data-fix", Language::ZhCn), "数据修复");
        assert_eq!(label("priority", "medium", Language::ZhCn), "中");
        assert_eq!(label("status", "nonsense", Language::ZhCn), "nonsense");
        for s in Status::ALL {
            assert_ne!(label("status", s.as_str(), Language::ZhCn), s.as_str());
        }
        for c in Category::ALL {
            assert_ne!(label("category", c.as_str(), Language::ZhCn), c.as_str());
        }
        for p in Priority::ALL {
            assert_ne!(label("priority", p.as_str(), Language::ZhCn), p.as_str());
        }
    }

    #[test]
    fn every_column_has_a_value() {
        let mut e = entry(20, "t", Status::Sit, "body");
        e.business_feedback = "ok".into();
        e.resolution_notes = "done".into();
        e.test_start = Some(date(2019, 3, 4));
        e.test_finish = Some(date(2019, 3, 6));
        for (key, _, _) in COLUMNS {
            assert!(!cell(&e, key, Language::ZhCn).to_text().is_empty(), "{key}");
        }
        assert_eq!(COLUMNS.len(), 27);
    }

    #[test]
    fn csv_zh() {
        let out = with(Language::ZhCn, ledger_csv);
        assert_eq!(out.path, "ledger.csv");
        assert!(out.bytes.starts_with(b"\xEF\xBB\xBF"));
        assert!(!out.bytes.contains(&b'\r'));
        let rows = read_csv(&out.bytes);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][0], "编号");
        assert_eq!(rows[0][6], "问题描述");
        assert_eq!(rows[0], headers(Language::ZhCn));
        let r = &rows[1];
        assert_eq!(r[col("id")], "20");
        assert_eq!(r[col("category")], "新功能");
        assert_eq!(r[col("status")], "UAT测试");
        assert_eq!(r[col("priority")], "高");
        assert_eq!(r[col("has_sql")], "是");
        assert_eq!(r[col("proposed_on")], "2019-02-25");
        assert_eq!(r[col("test_start")], "");
        assert_eq!(r[col("related_systems")], "核心、渠道");
        assert_eq!(
            r[col("description")],
            "## 问题\n\n还款文件  需要**每日**生成。\n\n- 一\n- 二"
        );
        assert_eq!(r[col("technical_solution")], "批量任务, \"quoted\"\n第二行");
        assert_eq!(r[col("title")], "还款文件生成");
        assert_eq!(r[col("release")], "2019-03-07");
        assert_eq!(r[col("requirement")], "REQ-0007");
        assert_eq!(rows[2][col("has_sql")], "否");
        assert_eq!(rows[2][col("release")], "");
    }

    #[test]
    fn csv_en_sorted_by_id() {
        let (config, mut ledger, history) = (config(Language::En), ledger(), history());
        ledger.entries.reverse();
        let out = ledger_csv(&ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: None,
            base_url: "/",
        });
        let rows = read_csv(&out.bytes);
        assert_eq!(rows[0][0], "ID");
        assert_eq!(rows[0][col("has_sql")], "Has SQL script");
        assert_eq!(rows[1][0], "20");
        assert_eq!(rows[2][0], "21");
        assert_eq!(rows[1][col("status")], "uat");
        assert_eq!(rows[1][col("category")], "feature");
        assert_eq!(rows[1][col("has_sql")], "yes");
        assert_eq!(rows[2][col("has_sql")], "no");
        assert_eq!(rows[1][col("related_systems")], "核心, 渠道");
    }

    #[test]
    fn xlsx_reads_back() {
        use calamine::{Data, Reader, Xlsx};
        let out = with(Language::ZhCn, |i| ledger_xlsx(i).unwrap());
        assert_eq!(out.path, "ledger.xlsx");
        assert!(out.bytes.starts_with(b"PK"));
        let mut wb = Xlsx::new(std::io::Cursor::new(out.bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["台帐"]);
        let range = wb.worksheet_range("台帐").unwrap();
        assert_eq!(range.get_size(), (3, COLUMNS.len()));
        assert_eq!(range.get((0, 0)), Some(&Data::String("编号".into())));
        assert_eq!(range.get((0, 13)), Some(&Data::String("问题状态".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::Float(20.0)));
        assert_eq!(
            range.get((1, col("status"))),
            Some(&Data::String("UAT测试".into()))
        );
        match range.get((1, col("proposed_on"))) {
            Some(Data::DateTime(d)) => {
                assert!(d.is_datetime());
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                assert_eq!((y, m, day), (2019, 2, 25));
            }
            other => panic!("not a date cell: {other:?}"),
        }
        assert_eq!(range.get((1, col("test_start"))), Some(&Data::Empty));
        assert_eq!(
            range.get((2, col("title"))),
            Some(&Data::String("Password policy".into()))
        );
    }

    #[test]
    fn xlsx_en_sheet_and_created_time() {
        use calamine::{Data, Reader, Xlsx};
        let out = with(Language::En, |i| ledger_xlsx(i).unwrap());
        let mut wb = Xlsx::new(std::io::Cursor::new(out.bytes.clone())).unwrap();
        assert_eq!(wb.sheet_names(), ["Ledger"]);
        let range = wb.worksheet_range("Ledger").unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("ID".into())));
        // The creation time is the generation time in UTC, not the clock.
        let mut zip = zip_core_xml(&out.bytes);
        assert!(zip.contains("2019-03-14T14:05:00Z"), "{zip}");
        let epoch = {
            let (config, ledger, history) = (config(Language::En), ledger(), history());
            ledger_xlsx(&ExportInput {
                config: &config,
                ledger: &ledger,
                history: &history,
                generated_at: None,
                base_url: "/",
            })
            .unwrap()
        };
        zip = zip_core_xml(&epoch.bytes);
        assert!(zip.contains("1970-01-01T00:00:00Z"), "{zip}");
    }

    /// `docProps/core.xml` of an xlsx, where the creation time is.
    fn zip_core_xml(bytes: &[u8]) -> String {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut f = z.by_name("docProps/core.xml").unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn json_shape() {
        let out = with(Language::ZhCn, |i| ledger_json(i).unwrap());
        assert_eq!(out.path, "ledger.json");
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            top,
            [
                "schema_version",
                "generated_at",
                "title",
                "entries",
                "requirements",
                "releases",
                "runbooks"
            ]
        );
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["generated_at"], GENERATED);
        assert_eq!(v["title"], "小贷 运维台帐");

        let e = &v["entries"][0];
        let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        let expected = [
            "id",
            "title",
            "system",
            "subsystem",
            "module",
            "feature",
            "category",
            "priority",
            "status",
            "proposer",
            "proposed_on",
            "has_sql",
            "sql_scripts",
            "expected_solution",
            "technical_solution",
            "business_feedback",
            "resolution_notes",
            "planned_start",
            "planned_finish",
            "tech_lead",
            "test_start",
            "test_finish",
            "test_lead",
            "test_opinion",
            "related_systems",
            "requirement",
            "release",
            "tests",
            "path",
            "body",
            "history",
        ];
        assert_eq!(keys, expected);
        assert_eq!(e["id"], 20);
        assert_eq!(e["status"], "uat");
        assert_eq!(e["category"], "feature");
        assert_eq!(e["proposed_on"], "2019-02-25");
        assert_eq!(e["test_start"], Value::Null);
        assert_eq!(e["tests"]["sit"]["result"], "pending");
        assert_eq!(e["path"], "content/entries/0020-x.md");
        assert!(e["body"].as_str().unwrap().contains("每日"));

        let h = e["history"].as_array().unwrap();
        assert_eq!(h.len(), 3);
        let step_keys = [
            "commit",
            "author",
            "email",
            "time",
            "message",
            "landed_commit",
            "landed_time",
            "changes",
            "body_changed",
            "path",
        ];
        for s in &h[..2] {
            let k: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(k, step_keys);
        }
        let wt: Vec<&str> = h[2]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(wt[..10], step_keys);
        assert_eq!(wt[10..], ["working_tree"]);
        assert_eq!(h[2]["working_tree"], true);
        assert_eq!(h[0]["time"], "2019-03-01T10:00:00+08:00");
        assert_eq!(h[1]["commit"], format!("{:040}", 2));
        assert_eq!(h[1]["body_changed"], true);
        assert_eq!(
            h[1]["changes"],
            json!([
                {"field": "status", "from": "sit", "to": "uat"},
                {"field": "tests.sit.result", "from": "pending", "to": "pass"}
            ])
        );
        assert_eq!(h[0]["changes"][0]["from"], Value::Null);

        // An entry without history has an empty list.
        assert_eq!(v["entries"][1]["history"], json!([]));
        assert_eq!(v["entries"][1]["release"], Value::Null);

        let r = &v["requirements"][0];
        assert_eq!(r["id"], "REQ-0007");
        assert_eq!(r["status"], "approved");
        assert_eq!(r["path"], "content/requirements/REQ-0007-export.md");
        assert_eq!(r["history"], json!([]));
        let rel = &v["releases"][0];
        for k in [
            "id",
            "title",
            "date",
            "status",
            "approver",
            "approved_on",
            "strategy",
            "phases",
            "goals",
            "steps",
            "rollback",
            "environment_checklist",
            "data_migration",
            "verification",
            "monitoring",
            "docs_updates",
            "runbook",
            "path",
            "body",
            "history",
        ] {
            assert!(rel.get(k).is_some(), "release lacks {k}");
        }
        assert_eq!(rel["history"][0]["changes"][0]["to"], "released");
        assert_eq!(
            rel["rollback"],
            json!({"trigger": "", "plan": "", "owner": ""})
        );
        let rb = &v["runbooks"][0];
        assert_eq!(rb["slug"], "repayment-batch");
        assert_eq!(rb["path"], "content/runbooks/repayment-batch.md");
    }

    #[test]
    fn json_without_git() {
        let (config, ledger) = (config(Language::En), ledger());
        let history = History::default();
        let out = ledger_json(&ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: None,
            base_url: "/",
        })
        .unwrap();
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        assert_eq!(v["generated_at"], Value::Null);
        assert_eq!(v["entries"][0]["history"], json!([]));
        assert_eq!(v["releases"][0]["history"], json!([]));
    }

    #[test]
    fn atom_feed() {
        let out = with(Language::ZhCn, feed_atom);
        assert_eq!(out.path, "feed.xml");
        let text = String::from_utf8(out.bytes).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let ns = "http://www.w3.org/2005/Atom";
        let feed = doc.root_element();
        assert!(feed.has_tag_name((ns, "feed")));
        let child = |n: roxmltree::Node, name: &str| {
            n.children()
                .find(|c| c.has_tag_name((ns, name)))
                .and_then(|c| c.text())
                .map(str::to_owned)
        };
        assert_eq!(child(feed, "title").as_deref(), Some("小贷 运维台帐"));
        assert_eq!(child(feed, "updated").as_deref(), Some(GENERATED));
        assert_eq!(
            child(feed, "id").as_deref(),
            Some("https://ops.example.com/ledger/")
        );
        let entries: Vec<_> = feed
            .children()
            .filter(|c| c.has_tag_name((ns, "entry")))
            .collect();
        // 2 committed status changes of #20 (the working-tree one is left out) + 1 release.
        assert_eq!(entries.len(), 3);
        let titles: Vec<String> = entries
            .iter()
            .map(|e| child(*e, "title").unwrap())
            .collect();
        assert_eq!(
            titles,
            [
                "#20 还款文件生成: sit → uat",
                "3月7日发版",
                "#20 还款文件生成: registered"
            ]
        );
        let link = |e: roxmltree::Node| {
            e.children()
                .find(|c| c.has_tag_name((ns, "link")))
                .and_then(|c| c.attribute("href"))
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            link(entries[0]),
            "https://ops.example.com/ledger/entries/20/"
        );
        assert_eq!(
            link(entries[1]),
            "https://ops.example.com/ledger/releases/2019-03-07/"
        );
        assert_eq!(
            child(entries[0], "updated").as_deref(),
            Some("2019-03-11T10:00:00+08:00")
        );
        assert_eq!(
            child(entries[1], "updated").as_deref(),
            Some("2019-03-07T22:00:00+08:00")
        );
        let author = entries[0]
            .descendants()
            .find(|c| c.has_tag_name((ns, "name")))
            .and_then(|c| c.text());
        assert_eq!(author, Some("琳琳 <&>"));
        let ids: std::collections::BTreeSet<String> =
            entries.iter().map(|e| child(*e, "id").unwrap()).collect();
        assert_eq!(ids.len(), 3, "entry ids are unique");
    }

    #[test]
    fn atom_without_history() {
        let (config, ledger) = (config(Language::En), ledger());
        let history = History::default();
        let out = feed_atom(&ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: None,
            base_url: "https://x.example/",
        });
        let text = String::from_utf8(out.bytes).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let updated: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("updated"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            updated,
            ["1970-01-01T00:00:00Z", "2019-03-07T00:00:00+08:00"]
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml_escape("ok\u{1}\tz"), "ok\tz");
        assert!(matches!(xml_escape("还款"), Cow::Borrowed(_)));
        assert_eq!(url_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(url_segment("还款-手册"), "还款-手册");
    }

    #[test]
    fn search_index_shape() {
        let out = with(Language::ZhCn, |i| search_index(i).unwrap());
        assert_eq!(out.path, "search-index.json");
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        assert_eq!(v["version"], 1);
        let docs = v["docs"].as_array().unwrap();
        let urls: Vec<&str> = docs.iter().map(|d| d["url"].as_str().unwrap()).collect();
        assert_eq!(
            urls,
            [
                "entries/20/",
                "entries/21/",
                "requirements/REQ-0007/",
                "releases/2019-03-07/",
                "runbooks/repayment-batch/"
            ]
        );
        for d in docs {
            let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                ["url", "kind", "id", "title", "system", "status", "text"]
            );
            assert!(d["url"].as_str().unwrap().ends_with('/'));
        }
        let e = &docs[0];
        assert_eq!(e["kind"], "entry");
        assert_eq!(e["id"], "20");
        assert_eq!(e["title"], "还款文件生成");
        assert_eq!(e["system"], "小贷");
        assert_eq!(e["status"], "uat");
        let text = e["text"].as_str().unwrap();
        assert!(text.starts_with("还款文件生成 "), "{text}");
        assert!(
            text.contains("问题 还款文件 需要每日生成。 一 二"),
            "{text}"
        );
        assert!(!text.contains("  ") && !text.contains('\n') && !text.contains("**"));
        assert_eq!(docs[4]["kind"], "runbook");
        assert_eq!(docs[4]["status"], "");
        assert!(docs[4]["text"].as_str().unwrap().ends_with("重跑 batch.sh"));
    }

    #[test]
    fn search_text_is_capped() {
        let (config, mut ledger, history) = (config(Language::En), ledger(), history());
        ledger.entries[0].body = "长".repeat(10_000);
        let out = search_index(&ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: None,
            base_url: "/",
        })
        .unwrap();
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        let n = v["docs"][0]["text"].as_str().unwrap().chars().count();
        assert!(n <= SEARCH_TEXT_MAX && n > SEARCH_TEXT_MAX - 10, "{n}");
    }

    #[test]
    fn huge_cell_fits_excel() {
        let s = "长".repeat(40_000);
        assert_eq!(fit_cell(&s).chars().count(), 32_767);
        let (config, mut ledger, history) = (config(Language::ZhCn), ledger(), history());
        ledger.entries[0].body = "😀".repeat(20_000);
        let input = ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: Some(GENERATED),
            base_url: "/",
        };
        assert!(ledger_xlsx(&input).is_ok());
    }

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
        let input = ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: None,
            base_url: "/",
        };
        let files = all(&input).unwrap();
        assert_eq!(files.len(), 5);
        assert_eq!(read_csv(&files[0].bytes).len(), 1);
    }
}
