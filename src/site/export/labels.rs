//! The display words of the spreadsheet exports: keyword labels (`SIT测试` for `sit` in
//! `zh-CN`, the word itself in `en`) and 是/否. Must not hold the site's UI labels (the theme's
//! i18n does) nor build any file.

use crate::config::Language;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Keyword, Priority, Status};

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
}
