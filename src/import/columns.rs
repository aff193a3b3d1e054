//! The header row: which spreadsheet column holds which entry column. Headers are the Chinese
//! or English names of the export's [`COLUMNS`] (or the front-matter key), in any order, matched
//! ignoring case, spaces and a required-field `*`; [`layout`] finds the header row and reports
//! unknown, missing and repeated columns. Pure.

use super::read::{Cell, Row, Sheet};
use super::values;
use crate::diag::{Code, Diagnostic, Pos, did_you_mean};
use crate::site::export::COLUMNS;
use std::collections::BTreeMap;

/// How many rows from the top may come before the header row (a title line, a blank line).
const HEADER_SEARCH_ROWS: usize = 10;

/// The columns without which no row can be imported (`title` may come from `description`).
pub const REQUIRED: &[&str] = &[
    "id",
    "system",
    "category",
    "priority",
    "status",
    "proposer",
    "proposed_on",
];

/// A header as compared: lowercase, no whitespace (line breaks in a header cell are common),
/// no `*` marking a required column.
fn normalise(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The entry column (a key of [`COLUMNS`]) a header names, if any.
pub fn key_of(header: &str) -> Option<&'static str> {
    let h = normalise(header);
    if h.is_empty() {
        return None;
    }
    COLUMNS
        .iter()
        .find(|(key, zh, en)| [*zh, *en, *key].iter().any(|n| normalise(n) == h))
        .map(|c| c.0)
}

/// The Chinese and English header of column `key`, e.g. `系统 (System)`.
pub fn display(key: &str) -> String {
    COLUMNS
        .iter()
        .find(|c| c.0 == key)
        .map_or_else(|| key.to_owned(), |(_, zh, en)| format!("{zh} ({en})"))
}

/// Every header [`key_of`] knows, Chinese then English, for "did you mean" hints.
pub fn known_headers() -> impl Iterator<Item = &'static str> {
    COLUMNS
        .iter()
        .map(|c| c.1)
        .chain(COLUMNS.iter().map(|c| c.2))
}

/// Whether row `cells` looks like the header row: at least two cells name a known column.
pub fn looks_like_header(cells: &[String]) -> bool {
    cells.iter().filter(|c| key_of(c).is_some()).count() >= 2
}

/// Where each entry column is in the sheet.
pub(super) struct Layout {
    /// Column key → index of its cell in a row.
    pub at: BTreeMap<&'static str, usize>,
    /// The header text of each cell index, as written.
    pub headers: Vec<String>,
    /// False when a required column is missing or repeated: no row can be imported.
    pub usable: bool,
}

/// Finds the header row and the columns; reports unknown, missing and repeated columns. `None`
/// when the sheet has no row at all.
pub(super) fn layout(sheet: &Sheet, diags: &mut Vec<Diagnostic>) -> Option<(usize, Layout)> {
    let texts = |r: &Row| r.cells.iter().map(|c| c.text()).collect::<Vec<String>>();
    let non_blank: Vec<usize> = sheet
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.cells.iter().all(Cell::is_blank))
        .map(|(i, _)| i)
        .take(HEADER_SEARCH_ROWS)
        .collect();
    let Some(&first) = non_blank.first() else {
        diags.push(
            Diagnostic::new(
                Code::ImportHeader,
                &sheet.file,
                Pos::START,
                "the sheet is empty: there is no header row and no row to import",
            )
            .with_help(format!(
                "the first row names the columns, e.g. {}",
                REQUIRED
                    .iter()
                    .map(|k| display(k))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        return None;
    };
    let header_at = non_blank
        .iter()
        .copied()
        .find(|&i| looks_like_header(&texts(&sheet.rows[i])))
        .unwrap_or(first);
    let header = &sheet.rows[header_at];
    let headers: Vec<String> = texts(header).iter().map(|h| h.trim().to_owned()).collect();
    let width = sheet.rows[header_at..]
        .iter()
        .map(|r| r.cells.len())
        .max()
        .unwrap_or(0);
    let has_data = |j: usize| {
        sheet.rows[header_at + 1..]
            .iter()
            .any(|r| r.cells.get(j).is_some_and(|c| !c.is_blank()))
    };
    let mut layout = Layout {
        at: BTreeMap::new(),
        headers: headers.clone(),
        usable: true,
    };
    let letters = |j: usize| values::column_letters(sheet.first_column + j as u32);
    let pos = |j: usize| Pos::new(header.number, sheet.first_column + j as u32);
    for j in 0..width {
        let h = headers.get(j).map_or("", String::as_str);
        match key_of(h) {
            Some(key) => {
                if let Some(&before) = layout.at.get(key) {
                    diags.push(
                        Diagnostic::new(
                            Code::ImportHeader,
                            &sheet.file,
                            pos(j),
                            format!(
                                "column {} (`{h}`) repeats column {} (`{}`): nothing is imported",
                                letters(j),
                                letters(before),
                                headers[before]
                            ),
                        )
                        .with_help("keep one of the two columns"),
                    );
                    layout.usable = false;
                } else {
                    layout.at.insert(key, j);
                }
            }
            None if h.is_empty() => {
                if has_data(j) {
                    diags.push(
                        Diagnostic::new(
                            Code::ImportUnknownColumn,
                            &sheet.file,
                            pos(j),
                            format!(
                                "column {} has no header: its values are not imported",
                                letters(j)
                            ),
                        )
                        .with_help("name the column in the header row, or delete it"),
                    );
                }
            }
            None => {
                let help = match did_you_mean(h, known_headers()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the entry columns are: {}",
                        known_headers()
                            .take(COLUMNS.len())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                diags.push(
                    Diagnostic::new(
                        Code::ImportUnknownColumn,
                        &sheet.file,
                        pos(j),
                        format!(
                            "column {} (`{h}`) is not an entry column: its values are not imported",
                            letters(j)
                        ),
                    )
                    .with_help(help),
                );
            }
        }
    }
    let mut missing: Vec<String> = REQUIRED
        .iter()
        .filter(|k| !layout.at.contains_key(*k))
        .map(|k| display(k))
        .collect();
    if !layout.at.contains_key("title") && !layout.at.contains_key("description") {
        missing.push(format!(
            "{} or {}",
            display("title"),
            display("description")
        ));
    }
    for m in missing {
        diags.push(
            Diagnostic::new(
                Code::ImportHeader,
                &sheet.file,
                Pos::new(header.number, sheet.first_column),
                format!(
                    "row {} has no {m} column, which every entry needs: nothing is imported",
                    header.number
                ),
            )
            .with_help("add the column to the header row (Chinese or English names, in any order)"),
        );
        layout.usable = false;
    }
    Some((header_at, layout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_headers_in_any_case_and_spacing() {
        assert_eq!(key_of("编号"), Some("id"));
        assert_eq!(key_of("ID"), Some("id"));
        assert_eq!(key_of(" id "), Some("id"));
        assert_eq!(key_of("系统"), Some("system"));
        assert_eq!(key_of("SYSTEM"), Some("system"));
        assert_eq!(key_of("是否有SQL脚本"), Some("has_sql"));
        assert_eq!(key_of("是否有sql脚本"), Some("has_sql"));
        assert_eq!(key_of("has sql script"), Some("has_sql"));
        assert_eq!(key_of("计划开始\n时间"), Some("planned_start"));
        assert_eq!(key_of("测试计划 完成时间"), Some("test_finish"));
        assert_eq!(key_of("*提出日期"), Some("proposed_on"));
        assert_eq!(key_of("问题描述"), Some("description"));
        assert_eq!(key_of("标题"), Some("title"));
        assert_eq!(key_of("Release"), Some("release"));
        assert_eq!(key_of("需求文档"), Some("requirement"));
        assert_eq!(key_of("proposed_on"), Some("proposed_on"));
        assert_eq!(key_of("Tech lead"), Some("tech_lead"));
    }

    #[test]
    fn every_export_header_is_recognised() {
        for (key, zh, en) in COLUMNS {
            assert_eq!(key_of(zh), Some(*key), "{zh}");
            assert_eq!(key_of(en), Some(*key), "{en}");
        }
    }

    #[test]
    fn unknown_and_empty_headers() {
        assert_eq!(key_of("负责人"), None);
        assert_eq!(key_of("备注"), None);
        assert_eq!(key_of(""), None);
        assert_eq!(key_of("  "), None);
        assert_eq!(
            crate::diag::did_you_mean("系铳", known_headers()),
            Some("系统")
        );
        assert_eq!(
            crate::diag::did_you_mean("Proposed", known_headers()),
            Some("Proposer")
        );
    }

    #[test]
    fn header_rows() {
        let row = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(looks_like_header(&row(&["编号", "系统", "x"])));
        assert!(!looks_like_header(&row(&["小贷 运维台帐", "", ""])));
        assert!(!looks_like_header(&row(&["1", "小贷", "账务"])));
    }
}
