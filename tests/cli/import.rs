//! `opsledger import`: a spreadsheet (xlsx written here with rust_xlsxwriter, or CSV) becomes
//! entry files; bad rows are refused with their row and column, nothing is overwritten.

use crate::harness::{Ledger, MINIMAL_ENTRY, MINIMAL_ENTRY_PATH, assert_no_panic, entry, names_in};
use rust_xlsxwriter::{Format, Workbook};

/// The ledger's entry file names.
fn entries(l: &Ledger) -> Vec<String> {
    names_in(&l.path("content/entries"))
}

/// One xlsx cell as the test writes it.
enum X {
    S(&'static str),
    N(f64),
    D(i16, i8, i8),
}

/// Writes `rows` (the first is the header row) as the first worksheet of `path`, and an empty
/// second worksheet named `说明`.
fn write_xlsx(path: &std::path::Path, rows: &[Vec<X>]) {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("台帐").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                X::S("") => {}
                X::S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                X::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                X::D(y, m, d) => {
                    let day = jiff::civil::date(*y, *m, *d);
                    ws.write_datetime_with_format(r, c, day, &date).unwrap();
                }
            }
        }
    }
    wb.add_worksheet().set_name("说明").unwrap();
    wb.save(path).unwrap();
}

/// Chinese headers in an order of their own (not the export's), then 4 good rows and 3 bad ones.
fn team_spreadsheet() -> Vec<Vec<X>> {
    use X::*;
    let header = [
        "问题状态",
        "提出日期",
        "系统",
        "编号",
        "问题描述",
        "优先级",
        "子系统",
        "提出人",
        "问题分类",
        "关联系统",
        "标题",
        "计划开始时间",
        "计划完成时间",
        "期次",
        "是否有SQL脚本",
        "测试负责人",
    ];
    let mut rows = vec![header.iter().map(|&h| S(h)).collect::<Vec<_>>()];
    rows.extend([
        // Row 2: a real date cell, the title from the description, a related system.
        vec![
            S("处理中"),
            D(2019, 3, 1),
            S("小贷"),
            N(2.0),
            S("还款文件增加逾期天数字段\n核心需要逾期天数。"),
            S("中"),
            S("账务"),
            S("琳琳"),
            S("新功能"),
            S("信用卡"),
            S(""),
            S("2019/3/4"),
            S("2019-03-08"),
            S(""),
            S("否"),
            S(""),
        ],
        // Row 3: English keywords, a text date with slashes, an English title.
        vec![
            S("registered"),
            S("2019/03/02"),
            S("信用卡"),
            S("3"),
            S("账单短信增加最低还款额"),
            S("high"),
            S("发卡"),
            S("何欢"),
            S("defect"),
            S(""),
            S("Card bill SMS"),
            S(""),
            S(""),
            S(""),
            S("no"),
            S(""),
        ],
        // Row 4: a system opsledger.toml does not declare.
        vec![
            S("处理中"),
            S("2019-03-02"),
            S("支付"),
            N(4.0),
            S("支付路由调整"),
            S("中"),
            S(""),
            S("王五"),
            S("优化"),
            S(""),
            S(""),
            S(""),
            S(""),
            S(""),
            S("否"),
            S(""),
        ],
        // Row 5: in SIT, in a release, a date with dots.
        vec![
            S("SIT测试"),
            S("2019.3.5"),
            S("小贷"),
            N(5.0),
            S("放款接口超时调整"),
            S("低"),
            S("核心"),
            S("琳琳"),
            S("优化"),
            S("信用卡、小贷"),
            S(""),
            S(""),
            S(""),
            S("2019-03-07"),
            S("N"),
            S("孙强"),
        ],
        // Row 6: February has no 30th.
        vec![
            S("已登记"),
            S("2019-02-30"),
            S("小贷"),
            N(6.0),
            S("日期不对"),
            S("中"),
            S(""),
            S("琳琳"),
            S("配置"),
            S(""),
            S(""),
            S(""),
            S(""),
            S(""),
            S(""),
            S(""),
        ],
        // Row 7: the id of row 3 again.
        vec![
            S("已登记"),
            S("2019-03-06"),
            S("小贷"),
            N(3.0),
            S("重复编号"),
            S("中"),
            S(""),
            S("琳琳"),
            S("配置"),
            S(""),
            S(""),
            S(""),
            S(""),
            S(""),
            S(""),
            S(""),
        ],
        // Row 8: in UAT, so SIT has passed.
        vec![
            S("UAT测试"),
            D(2019, 3, 6),
            S("信用卡"),
            N(8.0),
            S("账单日数据修复"),
            S("高"),
            S("清算"),
            S("何欢"),
            S("数据修复"),
            S(""),
            S(""),
            S(""),
            S(""),
            S(""),
            S("否"),
            S("孙强"),
        ],
    ]);
    rows
}

#[test]
fn an_xlsx_imports_its_good_rows_and_refuses_the_bad_ones() {
    let l = Ledger::minimal();
    write_xlsx(&l.path("台帐.xlsx"), &team_spreadsheet());
    let (code, out, err) = l.run(&["import", "台帐.xlsx"]);
    assert_no_panic(&err);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        entries(&l),
        [
            "0001-repayment-file.md",
            "0002-entry.md",
            "0003-card-bill-sms.md",
            "0005-entry.md",
            "0008-entry.md",
        ],
        "{out}"
    );
    insta::assert_snapshot!("xlsx_report", out);

    // The bad rows, each at its row and column: 系统 is column C, 提出日期 B, 编号 D.
    for (row, col, name) in [(4, 3, "系统"), (6, 2, "提出日期"), (7, 4, "编号")] {
        let at = format!("台帐.xlsx:{row}:{col}");
        assert!(out.contains(&at), "{at} missing:\n{out}");
        assert!(out.contains(&format!("row {row}, column ")), "{out}");
        assert!(out.contains(&format!("({name}):")), "{out}");
    }
    assert!(out.contains("refused 3: rows 4, 6, 7"), "{out}");

    // The files hold every key, the values mapped, and pass `check`.
    let two = l.read("content/entries/0002-entry.md");
    for line in [
        "title: \"还款文件增加逾期天数字段\"",
        "category: feature",
        "priority: medium",
        "status: developing",
        "proposed_on: 2019-03-01",
        "planned_start: 2019-03-04",
        "related_systems: [\"信用卡\"]",
        "has_sql: false",
    ] {
        assert!(two.contains(&format!("\n{line}\n")), "{line}:\n{two}");
    }
    assert!(
        two.ends_with("---\n\n还款文件增加逾期天数字段\n核心需要逾期天数。\n"),
        "{two}"
    );
    for key in opsledger::schema::RawEntry::FIELDS {
        assert!(two.contains(&format!("\n{key}:")), "{key} missing:\n{two}");
    }
    let three = l.read("content/entries/0003-card-bill-sms.md");
    assert!(three.contains("\ncategory: defect\npriority: high\nstatus: registered\n"));
    assert!(three.contains("\nproposed_on: 2019-03-02\n"), "{three}");
    let five = l.read("content/entries/0005-entry.md");
    assert!(five.contains("\nrelease: \"2019-03-07\"\n"), "{five}");
    assert!(
        five.contains("\nrelated_systems: [\"信用卡\", \"小贷\"]\n"),
        "{five}"
    );
    let eight = l.read("content/entries/0008-entry.md");
    assert!(
        eight.contains("\n  sit: {result: pass}\n  uat: {result: pending}\n"),
        "{eight}"
    );

    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ok: 5 entries"), "{out}");
}

#[test]
fn a_worksheet_is_picked_by_name() {
    let l = Ledger::minimal();
    write_xlsx(&l.path("台帐.xlsx"), &team_spreadsheet());
    let (code, out, err) = l.run(&["import", "台帐.xlsx", "--sheet", "说明"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("the sheet is empty"), "{out}");
    assert_eq!(entries(&l), ["0001-repayment-file.md"]);

    let (code, out, err) = l.run(&["import", "台帐.xlsx", "--sheet", "台账"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("no worksheet is named `台账`"), "{err}");
    assert!(err.contains("did you mean `台帐`?"), "{err}");
    assert_eq!(entries(&l), ["0001-repayment-file.md"]);
}

const CSV: &str = "\u{feff}编号,系统,子系统,问题分类,问题描述,提出人,提出日期,优先级,问题状态,期望解决方案\r\n\
2,小贷,账务,缺陷,\"还款文件缺少字段\r\n需要补上\",琳琳,2019/3/1,高,已提测,\"方案, 含逗号\"\r\n\
3,信用卡,,配置,调整参数,何欢,2019-03-02,低,挂起,\r\n";

#[test]
fn a_csv_with_a_bom_and_chinese_headers() {
    let l = Ledger::minimal().file("import/台帐.csv", CSV);
    let (code, out, err) = l.run(&["import", "import/台帐.csv"]);
    assert_no_panic(&err);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "wrote content/entries/0002-entry.md (row 2)\n\
         wrote content/entries/0003-entry.md (row 3)\n\
         imported 2 of 2 rows\n"
    );
    let two = l.read("content/entries/0002-entry.md");
    assert!(two.contains("\ntitle: \"还款文件缺少字段\"\n"), "{two}");
    assert!(two.contains("\nstatus: submitted\n"), "{two}");
    assert!(
        two.contains("\nexpected_solution: \"方案, 含逗号\"\n"),
        "{two}"
    );
    assert!(two.ends_with("\n\n还款文件缺少字段\n需要补上\n"), "{two:?}");
    let three = l.read("content/entries/0003-entry.md");
    assert!(three.contains("\nstatus: on-hold\n"), "{three}");
    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");

    // Importing the same file again changes nothing and is not an error.
    let (code, out, err) = l.run(&["import", "import/台帐.csv"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("unchanged content/entries/0002-entry.md (row 2)"),
        "{out}"
    );
    assert!(
        out.ends_with("imported 0 of 2 rows, 2 imported before\n"),
        "{out}"
    );
}

#[test]
fn dry_run_writes_nothing() {
    let l = Ledger::minimal().file("t.csv", CSV);
    let (code, out, err) = l.run(&["import", "t.csv", "--dry-run"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(entries(&l), ["0001-repayment-file.md"]);
    assert!(
        out.starts_with("would write content/entries/0002-entry.md (row 2):\n---\nid: 2\n"),
        "{out}"
    );
    assert!(
        out.contains("would write content/entries/0003-entry.md (row 3):\n"),
        "{out}"
    );
    assert!(
        out.ends_with("would import 2 of 2 rows\ndry run: nothing was written\n"),
        "{out}"
    );
    // What a dry run shows is what an import writes.
    let shown = out
        .split_once("(row 2):\n")
        .unwrap()
        .1
        .split_once("\nwould write")
        .unwrap()
        .0
        .to_owned();
    let (code, out, err) = l.run(&["import", "t.csv"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(l.read("content/entries/0002-entry.md"), shown);
}

#[test]
fn an_existing_id_is_refused_and_its_file_left_alone() {
    let csv = "编号,系统,问题分类,问题描述,提出人,提出日期,优先级,问题状态\n\
               1,小贷,新功能,另一个需求,琳琳,2019-03-01,中,处理中\n\
               42,小贷,新功能,别的分支上有,琳琳,2019-03-01,中,处理中\n\
               7,小贷,新功能,Fresh one,琳琳,2019-03-01,中,处理中\n";
    let l = Ledger::minimal()
        .commit("minimal ledger")
        .branch_with_file(
            "feature/x",
            "content/entries/0042-on-a-branch.md",
            &entry(42, ""),
        )
        .file("t.csv", csv);
    let (code, out, err) = l.run(&["import", "t.csv"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("row 2, column A (编号): id 1 is already taken by content/entries/0001-repayment-file.md"),
        "{out}"
    );
    assert!(
        out.contains("row 3, column A (编号): id 42 is already taken by 0042-on-a-branch.md on another branch"),
        "{out}"
    );
    assert!(out.ends_with("imported 1 of 3 rows; refused 2: rows 2, 3\nfix the refused rows and import the file again: the rows imported now are left as they are\n"), "{out}");
    assert_eq!(l.read(MINIMAL_ENTRY_PATH), MINIMAL_ENTRY);
    assert_eq!(entries(&l), ["0001-repayment-file.md", "0007-fresh-one.md"]);
}

#[test]
fn headers_in_english_unknown_and_missing_columns() {
    // English headers in any case; `Owner` is not an entry column (a warning), the rest imports.
    let csv = "id,SYSTEM,category,Description,proposer,Proposed On,priority,status,Owner,Title\n\
               9,小贷,feature,x,琳琳,2019-03-01,medium,developing,琳琳,Nine\n";
    let l = Ledger::minimal().file("en.csv", csv);
    let (code, out, err) = l.run(&["import", "en.csv"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("warning[W0802]: column I (`Owner`) is not an entry column"),
        "{out}"
    );
    assert_eq!(entries(&l), ["0001-repayment-file.md", "0009-nine.md"]);

    // Without 提出人 no row can be imported.
    let csv = "编号,系统,问题分类,问题描述,提出日期,优先级,问题状态\n10,小贷,新功能,x,2019-03-01,中,处理中\n";
    let l = l.file("missing.csv", csv);
    let (code, out, err) = l.run(&["import", "missing.csv", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let doc = crate::harness::json(&out);
    assert_eq!(doc["diagnostics"][0]["code"], "E0803");
    assert!(
        doc["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("提出人 (Proposer)")
    );
    assert_eq!(doc["import"]["refused_rows"], serde_json::json!([2]));
    assert_eq!(entries(&l), ["0001-repayment-file.md", "0009-nine.md"]);
}

#[test]
fn an_unreadable_file_is_a_tool_failure() {
    let l = Ledger::minimal()
        .file("gbk.csv", b"\xb1\xe0\xba\xc5,x\n1,2\n")
        .file("notes.txt", "x");
    let (code, _, err) = l.run(&["import", "gbk.csv"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("not UTF-8") && err.contains("CSV UTF-8"),
        "{err}"
    );
    let (code, _, err) = l.run(&["import", "nowhere.xlsx"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = l.run(&["import", "notes.txt"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(".xlsx and .csv"), "{err}");
    let l = l.file("broken.xlsx", "not a zip");
    let (code, _, err) = l.run(&["import", "broken.xlsx"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a readable .xlsx file"), "{err}");
    assert_eq!(entries(&l), ["0001-repayment-file.md"]);
}
