//! The spreadsheet columns shared by `ledger.csv` and `ledger.xlsx`: their keys and headers in
//! the team's order, and each entry's value per column as a typed [`Cell`]. Must not write
//! either format (`csv` and `xlsx` do) nor decide column widths.

use super::labels::{label, yes_no};
use crate::config::Language;
use crate::model::{Entry, Keyword};
use jiff::civil::Date;
use std::borrow::Cow;

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
pub(super) enum Cell<'a> {
    Number(u32),
    Text(Cow<'a, str>),
    Date(Option<Date>),
}

impl Cell<'_> {
    pub(super) fn to_text(&self) -> String {
        match self {
            Cell::Number(n) => n.to_string(),
            Cell::Text(t) => t.to_string(),
            Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

/// The value of column `key` for `e`.
pub(super) fn cell<'a>(e: &'a Entry, key: &str, lang: Language) -> Cell<'a> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::site::export::fixtures::entry;
    use jiff::civil::date;

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
}
