//! UI text of the site in zh-CN and en: page labels, field names, and the names of statuses,
//! categories and priorities. Content is never translated; only the tool's own words.

use crate::config::Language;
use std::collections::BTreeMap;

/// (key, zh-CN, en) for every UI string the templates use as `t.<key>`.
const UI: &[(&str, &str, &str)] = &[
    ("dashboard", "看板", "Dashboard"),
    ("ledger", "台帐", "Ledger"),
    ("board", "状态看板", "Board"),
    ("releases", "投产期次", "Releases"),
    ("release", "期次", "Release"),
    ("requirements", "需求文档", "Requirements"),
    ("requirement", "需求文档", "Requirement"),
    ("systems", "系统", "Systems"),
    ("people", "人员", "People"),
    ("runbooks", "运维手册", "Runbooks"),
    ("history", "历史", "History"),
    ("this_week", "本周投产列车", "This week's train"),
    ("next_release", "下一次投产", "Next release"),
    ("open_entries", "未完成条目", "Open entries"),
    ("by_status", "按状态", "By status"),
    ("by_system", "按系统", "By system"),
    ("by_priority", "按优先级", "By priority"),
    ("late", "已逾期", "Late"),
    ("late_entries", "逾期条目", "Late entries"),
    ("none", "无", "None"),
    ("entries", "条目", "Entries"),
    ("description", "问题描述", "Description"),
    ("fields", "字段", "Fields"),
    ("timeline", "变更历史", "Timeline"),
    ("landed_in", "合入", "landed in"),
    ("working_tree", "工作区未提交修改", "uncommitted changes"),
    ("body_changed", "描述已修改", "description changed"),
    (
        "does_not_parse",
        "此版本无法解析",
        "this version does not parse",
    ),
    ("no_history", "没有 git 历史", "no git history"),
    ("sql_scripts", "SQL 脚本", "SQL scripts"),
    ("launch_plan", "投产方案", "Launch plan"),
    ("goals", "目标", "Goals"),
    ("strategy", "投产策略", "Strategy"),
    ("phases", "灰度阶段", "Phases"),
    ("steps", "投产步骤", "Steps"),
    ("after", "前置步骤", "After"),
    ("owner", "负责人", "Owner"),
    ("rollback", "回退方案", "Rollback plan"),
    ("trigger", "触发条件", "Trigger"),
    ("plan", "方案", "Plan"),
    (
        "environment_checklist",
        "环境检查清单",
        "Environment checklist",
    ),
    ("data_migration", "数据迁移", "Data migration"),
    ("backup", "备份", "Backup"),
    ("verification", "验证", "Verification"),
    ("monitoring", "监控告警", "Monitoring"),
    ("docs_updates", "文档更新", "Document updates"),
    ("runbook", "运维手册", "Runbook"),
    ("test_matrix", "测试矩阵", "Test matrix"),
    ("approval", "审批", "Approval"),
    ("approver", "审批人", "Approver"),
    ("approved_on", "审批日期", "Approved on"),
    ("released_at", "实际投产时间", "Released at"),
    ("readiness", "就绪情况", "Readiness"),
    ("all_passed", "全部测试通过", "all tests passed"),
    ("not_passed", "未通过测试", "not passed"),
    ("notes", "说明", "Notes"),
    ("date", "日期", "Date"),
    ("status", "状态", "Status"),
    ("title", "标题", "Title"),
    ("id", "编号", "ID"),
    ("search", "搜索", "Search"),
    ("filter", "筛选", "Filter"),
    ("all", "全部", "All"),
    ("exports", "导出", "Exports"),
    ("activity", "动态", "Activity"),
    ("generated_at", "生成于", "Generated at"),
    ("not_found", "页面不存在", "Page not found"),
    ("back_home", "返回看板", "Back to the dashboard"),
    ("tech_lead_of", "技术负责", "Tech lead of"),
    ("test_lead_of", "测试负责", "Test lead of"),
    ("proposed", "提出", "Proposed"),
    ("count", "数量", "Count"),
    ("charts", "图表", "Charts"),
    ("releases_per_week", "每周投产次数", "Releases per week"),
    ("lead_time", "交付周期（天）", "Lead time (days)"),
    ("version", "版本", "Version"),
    ("created", "创建日期", "Created"),
    ("updated", "更新日期", "Updated"),
    (
        "partial_history",
        "浅克隆：历史不完整",
        "shallow clone: history is partial",
    ),
    ("submit", "提测", "Submit"),
    ("created_file", "创建", "created"),
    ("deleted_file", "已删除", "deleted"),
    ("renamed_file", "重命名为", "renamed to"),
    ("metrics", "指标", "Metrics"),
    ("train", "投产列车", "Release train"),
    ("trains", "各周投产列车", "Release trains"),
    ("train_of", "投产列车", "Train"),
    ("week", "周", "Week"),
    ("released_changes", "上线条目数", "Changes released"),
    (
        "lead_median",
        "交付周期中位数（天）",
        "Lead time, median (days)",
    ),
    ("lead_p90", "交付周期 P90（天）", "Lead time, p90 (days)"),
    (
        "change_failure_rate",
        "变更失败率（%）",
        "Change failure rate (%)",
    ),
    ("rolled_back_count", "回退", "Rolled back"),
    (
        "restore_hours",
        "恢复时长中位数（小时）",
        "Time to restore, median (hours)",
    ),
    ("bounce_back_rate", "退回率", "Bounce-back rate"),
    ("bounce_backs", "退回次数", "Bounce-backs"),
    ("on_time_rate", "按期率", "On-time rate"),
    ("carry_over_rate", "顺延率（%）", "Carry-over rate (%)"),
    (
        "time_per_stage",
        "各阶段停留中位数（天）",
        "Time per stage, median (days)",
    ),
    ("stages", "各阶段停留时间", "Time per stage"),
    ("median_days", "中位数（天）", "Median (days)"),
    ("p90_days", "P90（天）", "p90 (days)"),
    ("per_week", "按周", "Per week"),
    ("per_system", "按系统", "Per system"),
    ("stuck_entries", "停滞条目", "Stuck entries"),
    (
        "stuck_note",
        "状态未变化超过（天）",
        "No status move for more than (days)",
    ),
    ("days", "天数", "Days"),
    ("days_unit", "天", "days"),
    ("since", "自", "Since"),
    ("cut_off", "提测截止", "Cut-off"),
    ("due", "本次列车条目", "Due on this train"),
    (
        "missed_cut_off",
        "错过本次列车（顺延）",
        "Missed this train (carried over)",
    ),
    ("went_on", "随后投产于", "went out on"),
    ("in_env", "各环境在测", "In each environment"),
    ("as_of", "截至", "as of"),
    ("bounced_back", "退回开发", "Bounced back to developing"),
    ("run_sheet", "投产当晚执行单", "Run sheet for the night"),
    (
        "sql_in_order",
        "SQL 脚本（按执行顺序）",
        "SQL scripts, in order",
    ),
    ("ready", "就绪", "Ready"),
    ("not_ready", "未就绪", "Not ready"),
    ("on_train", "上车条目", "On the train"),
    ("carried", "顺延", "Carried over"),
    ("prev", "上一班", "Previous"),
    ("next", "下一班", "Next"),
    (
        "definitions",
        "指标定义见 README",
        "Definitions are in the README",
    ),
];

/// Display names of the field keys that are not spreadsheet columns; the others come from the
/// export's [`crate::site::export::COLUMNS`], one table for the site and the spreadsheets.
const FIELDS: &[(&str, &str, &str)] = &[
    ("sql_scripts", "SQL 脚本", "SQL scripts"),
    ("tests", "测试结果", "Tests"),
];

/// Every field's display names: the spreadsheet columns, then the rest.
fn all_fields() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    crate::site::export::COLUMNS.iter().chain(FIELDS)
}

/// Names of keyword values: (kind, value, zh-CN, en).
const VALUES: &[(&str, &str, &str, &str)] = &[
    ("category", "feature", "新功能", "Feature"),
    ("category", "defect", "缺陷", "Defect"),
    ("category", "improvement", "优化", "Improvement"),
    ("category", "data-fix", "数据修复", "Data fix"),
    ("category", "config", "配置", "Config"),
    ("priority", "high", "高", "High"),
    ("priority", "medium", "中", "Medium"),
    ("priority", "low", "低", "Low"),
    ("status", "registered", "已登记", "Registered"),
    ("status", "developing", "处理中", "Developing"),
    ("status", "submitted", "已提测", "Submitted"),
    ("status", "sit", "SIT测试", "SIT"),
    ("status", "uat", "UAT测试", "UAT"),
    ("status", "preprod", "预投产测试", "Pre-prod"),
    ("status", "approved", "已审批", "Approved"),
    ("status", "released", "已投产", "Released"),
    ("status", "rolled-back", "已回退", "Rolled back"),
    ("status", "on-hold", "挂起", "On hold"),
    ("status", "closed", "已关闭", "Closed"),
    ("result", "pass", "通过", "Pass"),
    ("result", "fail", "不通过", "Fail"),
    ("result", "pending", "待测", "Pending"),
    ("release_status", "planning", "计划中", "Planning"),
    ("release_status", "testing", "测试中", "Testing"),
    ("release_status", "approved", "已审批", "Approved"),
    ("release_status", "released", "已投产", "Released"),
    ("release_status", "rolled-back", "已回退", "Rolled back"),
    ("release_status", "cancelled", "已取消", "Cancelled"),
    ("requirement_status", "draft", "草稿", "Draft"),
    ("requirement_status", "approved", "已批准", "Approved"),
    ("requirement_status", "superseded", "已作废", "Superseded"),
    ("strategy", "full", "全量", "Full"),
    ("strategy", "phased", "灰度", "Phased"),
    ("env", "sit", "SIT", "SIT"),
    ("env", "uat", "UAT", "UAT"),
    ("env", "preprod", "预投产", "Pre-prod"),
    ("bool", "true", "是", "Yes"),
    ("bool", "false", "否", "No"),
];

fn pick<'a>(lang: Language, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Language::ZhCn => zh,
        Language::En => en,
    }
}

/// The UI strings for `lang`, as `t` in templates.
pub fn ui(lang: Language) -> BTreeMap<&'static str, &'static str> {
    UI.iter()
        .map(|(k, zh, en)| (*k, pick(lang, zh, en)))
        .collect()
}

/// Field display names for `lang`, as `f` in templates.
pub fn fields(lang: Language) -> BTreeMap<&'static str, &'static str> {
    all_fields()
        .map(|(k, zh, en)| (*k, pick(lang, zh, en)))
        .collect()
}

/// Keyword display names for `lang`, as `v.<kind>.<value>` in templates.
pub fn values(lang: Language) -> BTreeMap<&'static str, BTreeMap<&'static str, &'static str>> {
    let mut out: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for (kind, value, zh, en) in VALUES {
        out.entry(kind)
            .or_default()
            .insert(value, pick(lang, zh, en));
    }
    out
}

/// The display name of one keyword value (the value itself when unknown).
pub fn value<'a>(lang: Language, kind: &str, value: &'a str) -> &'a str {
    VALUES
        .iter()
        .find(|(k, v, ..)| *k == kind && *v == value)
        .map_or(value, |(_, _, zh, en)| pick(lang, zh, en))
}

/// The display name of a field key (the key itself when unknown).
pub fn field(lang: Language, key: &str) -> &str {
    all_fields()
        .find(|(k, ..)| *k == key)
        .map_or(key, |(_, zh, en)| pick(lang, zh, en))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Keyword, Priority, ReleaseStatus, Status};

    #[test]
    fn every_keyword_has_a_name_in_both_languages() {
        for lang in [Language::ZhCn, Language::En] {
            let v = values(lang);
            for s in Status::ALL {
                assert!(v["status"].contains_key(s.as_str()), "{s}");
            }
            for c in Category::ALL {
                assert!(v["category"].contains_key(c.as_str()), "{c}");
            }
            for p in Priority::ALL {
                assert!(v["priority"].contains_key(p.as_str()), "{p}");
            }
            for r in ReleaseStatus::ALL {
                assert!(v["release_status"].contains_key(r.as_str()), "{r}");
            }
        }
        assert_eq!(value(Language::ZhCn, "status", "developing"), "处理中");
        assert_eq!(value(Language::En, "status", "sit"), "SIT");
        assert_eq!(field(Language::ZhCn, "planned_finish"), "计划完成时间");
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<_> = UI.iter().map(|(k, ..)| k).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
