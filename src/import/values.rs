//! Spreadsheet cell text → entry values: keywords in English or Chinese, booleans, dates in the
//! ways people type them, lists of systems, the title from a description. Pure.

use crate::config::Language;
use crate::model::Keyword;
use crate::site::export::label;
use jiff::civil::Date;

/// The Chinese label of `k` in the spreadsheet export (`新功能`, `处理中`, `中`, …), if it has one.
/// `kind` is the export's label kind: `category`, `priority` or `status`.
fn zh_label<K: Keyword>(kind: &str, k: K) -> Option<&'static str> {
    Some(label(kind, k.as_str(), Language::ZhCn)).filter(|l| *l != k.as_str())
}

/// The value of a keyword column, written as its front-matter word (any case, `_` or a space for
/// `-`) or as its Chinese label of the spreadsheet export, so an exported `ledger.xlsx` reads
/// back. `kind` is the export's label kind: `category`, `priority` or `status`.
pub fn keyword<K: Keyword>(kind: &str, s: &str) -> Option<K> {
    let s = s.trim();
    let word = s.to_lowercase().replace([' ', '_'], "-");
    K::parse(&word).or_else(|| {
        K::ALL
            .iter()
            .copied()
            .find(|&k| zh_label(kind, k).is_some_and(|l| l.eq_ignore_ascii_case(s)))
    })
}

/// Every spelling [`keyword`] accepts for `kind`, e.g. `medium (中)`, for "allowed values" hints.
pub fn keyword_spellings<K: Keyword>(kind: &str) -> Vec<String> {
    K::ALL
        .iter()
        .map(|&k| match zh_label(kind, k) {
            Some(l) => format!("{} ({l})", k.as_str()),
            None => k.as_str().to_owned(),
        })
        .collect()
}

/// Every word and label [`keyword`] accepts for `kind`, for "did you mean".
pub fn keyword_words<K: Keyword>(kind: &str) -> Vec<&'static str> {
    K::ALL
        .iter()
        .flat_map(|&k| std::iter::once(k.as_str()).chain(zh_label(kind, k)))
        .collect()
}

/// 是/否, 有/无, yes/no, true/false, Y/N, 1/0 (any case).
pub fn boolean(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "是" | "有" | "yes" | "y" | "true" | "1" => Some(true),
        "否" | "无" | "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A date as people type it: `2019-03-07`, `2019/03/07`, `2019.3.7`, `2019-3-7`,
/// `2019年3月7日`, optionally followed by a time (`2019/3/7 0:00`, as Excel writes CSV).
pub fn date(s: &str) -> Option<Date> {
    let s = s.trim();
    let (day, time) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    let time_ok = time
        .trim()
        .chars()
        .all(|c| c.is_ascii_digit() || c == ':' || c == '.');
    if !time_ok {
        return None;
    }
    let parts: Vec<&str> = if let Some(rest) = day.strip_suffix('日') {
        rest.split(['年', '月']).collect()
    } else {
        let sep = day.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        day.split(sep).collect()
    };
    let [y, m, d] = parts[..] else { return None };
    let digits = |p: &str, min: usize, max: usize| {
        (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// A list cell: items split on `、` `,` `，` `;` `；` or line breaks, trimmed, empty ones dropped.
pub fn list(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The longest a title taken from the description is, in characters.
pub const TITLE_MAX: usize = 40;

/// A title from a description: its first non-empty line, cut to [`TITLE_MAX`] characters.
pub fn title_from(description: &str) -> String {
    let line = description
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    line.chars()
        .take(TITLE_MAX)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Text as it may go into a file: `\n` line ends, no control characters but tabs and line
/// breaks, no surrounding whitespace.
pub fn clean(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    s.chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// `1` → `A`, `27` → `AA`: the spreadsheet's name of a column.
pub fn column_letters(mut n: u32) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Priority, Status};
    use jiff::civil::date as d;

    #[test]
    fn every_keyword_in_english_and_chinese() {
        let categories = [
            ("feature", "新功能", Category::Feature),
            ("defect", "缺陷", Category::Defect),
            ("improvement", "优化", Category::Improvement),
            ("data-fix", "数据修复", Category::DataFix),
            ("config", "配置", Category::Config),
        ];
        for (en, zh, want) in categories {
            assert_eq!(keyword::<Category>("category", en), Some(want), "{en}");
            assert_eq!(keyword::<Category>("category", zh), Some(want), "{zh}");
        }
        let priorities = [
            ("high", "高", Priority::High),
            ("medium", "中", Priority::Medium),
            ("low", "低", Priority::Low),
        ];
        for (en, zh, want) in priorities {
            assert_eq!(keyword::<Priority>("priority", en), Some(want), "{en}");
            assert_eq!(keyword::<Priority>("priority", zh), Some(want), "{zh}");
        }
        let statuses = [
            ("registered", "已登记", Status::Registered),
            ("developing", "处理中", Status::Developing),
            ("submitted", "已提测", Status::Submitted),
            ("sit", "SIT测试", Status::Sit),
            ("uat", "UAT测试", Status::Uat),
            ("preprod", "预投产测试", Status::Preprod),
            ("approved", "已审批", Status::Approved),
            ("released", "已投产", Status::Released),
            ("rolled-back", "已回退", Status::RolledBack),
            ("on-hold", "挂起", Status::OnHold),
            ("closed", "已关闭", Status::Closed),
        ];
        assert_eq!(statuses.len(), Status::ALL.len());
        for (en, zh, want) in statuses {
            assert_eq!(keyword::<Status>("status", en), Some(want), "{en}");
            assert_eq!(keyword::<Status>("status", zh), Some(want), "{zh}");
        }
    }

    #[test]
    fn keywords_forgive_case_spaces_and_underscores_only() {
        assert_eq!(keyword::<Status>("status", " SIT "), Some(Status::Sit));
        assert_eq!(keyword::<Status>("status", "sit测试"), Some(Status::Sit));
        assert_eq!(keyword::<Status>("status", "On Hold"), Some(Status::OnHold));
        assert_eq!(
            keyword::<Category>("category", "data_fix"),
            Some(Category::DataFix)
        );
        assert_eq!(keyword::<Status>("status", "已完成"), None);
        // A label of another kind is not accepted: 高 is a priority.
        assert_eq!(keyword::<Status>("status", "高"), None);
        assert_eq!(keyword::<Priority>("priority", ""), None);
    }

    #[test]
    fn spellings_list_word_and_label() {
        let s = keyword_spellings::<Priority>("priority");
        assert_eq!(s, ["high (高)", "medium (中)", "low (低)"]);
    }

    #[test]
    fn booleans() {
        for t in [
            "是", "有", "yes", "Yes", "Y", "y", "true", "TRUE", "1", " 是 ",
        ] {
            assert_eq!(boolean(t), Some(true), "{t}");
        }
        for f in ["否", "无", "no", "NO", "N", "n", "false", "False", "0"] {
            assert_eq!(boolean(f), Some(false), "{f}");
        }
        for bad in ["", "maybe", "是的", "2"] {
            assert_eq!(boolean(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_in_each_format() {
        let want = Some(d(2019, 3, 7));
        for s in [
            "2019-03-07",
            "2019/03/07",
            "2019.3.7",
            "2019.03.07",
            "2019-3-7",
            "2019/3/7",
            "2019年3月7日",
            " 2019-03-07 ",
            "2019/3/7 0:00",
            "2019-03-07 08:30:00",
        ] {
            assert_eq!(date(s), want, "{s}");
        }
        for bad in [
            "",
            "2019-02-30",
            "2019-13-01",
            "19-03-07",
            "2019-03",
            "2019-03-07-01",
            "2019/03-07",
            "07/03/2019",
            "2019-03-07 noon",
            "43531",
            "２０１９-03-07",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }

    #[test]
    fn lists_split_on_every_separator() {
        assert_eq!(
            list("信用卡、核心,支付，渠道;风控；  账务 "),
            ["信用卡", "核心", "支付", "渠道", "风控", "账务"]
        );
        assert_eq!(list(" 、, "), Vec::<String>::new());
        assert_eq!(list("小贷"), ["小贷"]);
    }

    #[test]
    fn titles_from_descriptions() {
        assert_eq!(title_from("\n  还款文件生成  \n第二行"), "还款文件生成");
        let long = "一".repeat(50);
        assert_eq!(title_from(&long).chars().count(), TITLE_MAX);
        assert_eq!(title_from(""), "");
    }

    #[test]
    fn cleaning_and_letters() {
        assert_eq!(clean(" a\r\nb\u{0}\u{7}c\td "), "a\nbc\td");
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
    }
}
