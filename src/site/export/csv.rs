//! `ledger.csv`: the spreadsheet columns as UTF-8 CSV with a BOM, cells that a spreadsheet
//! would run as a formula defused. Must not know the columns' contents (`columns` does) nor
//! touch the other exports.

use super::columns::{COLUMNS, cell, headers};
use super::{ExportInput, OutputFile, entries_by_id};

/// `ledger.csv`: UTF-8 with a BOM (so Excel reads the Chinese headers), `\n` line ends, one
/// row per entry by id, the columns of [`COLUMNS`]. A cell that a spreadsheet would read as a
/// formula (text starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
/// `'`.
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
                .map(|(key, _, _)| defuse(cell(e, key, lang).to_text()))
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

/// Guards against formula injection (the OWASP rule): text starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'`, so a spreadsheet shows it as text instead of
/// running it. That includes a description that starts with a Markdown list: `-cmd|…` is a
/// formula to Excel, and no rule on what follows the `-` is safe in every spreadsheet.
fn defuse(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::site::export::fixtures::*;

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
    fn formulas_are_defused() {
        let (config, mut ledger, history) = (config(Language::En), ledger(), history());
        let e = &mut ledger.entries[0];
        e.title = "=HYPERLINK(\"https://evil.example\",\"x\")".into();
        e.feature = "+1+1".into();
        e.module = "@SUM(A1:A9)".into();
        e.expected_solution = "\t=1".into();
        e.technical_solution = "\r=1".into();
        e.business_feedback = "-1+1".into();
        e.resolution_notes = "a = b, @x".into();
        e.body = "- 一\n- 二\n".into();
        e.subsystem = "-cmd|' /C calc'!A0".into();
        let out = ledger_csv(&ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: None,
            base_url: "/",
        });
        let rows = read_csv(&out.bytes);
        let r = &rows[1];
        assert_eq!(r[col("id")], "20");
        assert_eq!(
            r[col("title")],
            "'=HYPERLINK(\"https://evil.example\",\"x\")"
        );
        assert_eq!(r[col("feature")], "'+1+1");
        assert_eq!(r[col("module")], "'@SUM(A1:A9)");
        assert_eq!(r[col("expected_solution")], "'\t=1");
        assert_eq!(r[col("technical_solution")], "'\r=1");
        // `-` starts a formula too (OWASP): even a Markdown list is shown with the `'`. A
        // formula character anywhere but first is left alone.
        assert_eq!(r[col("business_feedback")], "'-1+1");
        assert_eq!(r[col("subsystem")], "'-cmd|' /C calc'!A0");
        assert_eq!(r[col("description")], "'- 一\n- 二");
        assert_eq!(r[col("resolution_notes")], "a = b, @x");
        assert_eq!(rows[0], headers(Language::En));
        assert_eq!(rows[2][col("title")], "Password policy");
        assert_eq!(defuse(String::new()), "");
        assert_eq!(defuse("'=x".into()), "'=x");
    }
}
