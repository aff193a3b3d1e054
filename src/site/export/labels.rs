//! The display words of the spreadsheet exports: keyword labels (`SIT测试` for `sit` in
//! `zh-CN`, from the one table in `crate::site::i18n`; the word itself in `en`) and 是/否.
//! Must not keep a table of names of its own nor build any file.

use crate::config::Language;

/// The Chinese label of a keyword (`kind` as in `site::i18n`, plus `test_result`); the word
/// itself in English, so spreadsheets keep the front-matter words.
pub fn label<'a>(kind: &str, value: &'a str, lang: Language) -> &'a str {
    if lang == Language::En {
        return value;
    }
    // One table of names for the site and the exports: `crate::site::i18n`.
    let kind = if kind == "test_result" {
        "result"
    } else {
        kind
    };
    crate::site::i18n::value(lang, kind, value)
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
