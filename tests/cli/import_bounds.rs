//! `opsledger import` on hostile or oversized spreadsheets: a title too long for a file name, a
//! workbook that decompresses to far more than it weighs, cells far away from the ledger. Each is
//! refused (the row, or the whole file as the tool's failure) without running out of memory,
//! and the other rows are still imported.

use crate::harness::{Ledger, assert_no_panic, names_in};
use std::io::Write;

const HEADER: &str = "编号,系统,问题分类,问题描述,提出人,提出日期,优先级,问题状态,标题";

#[test]
fn a_very_long_title_makes_a_bounded_file_name_and_every_row_is_imported() {
    let long = "Repayment".repeat(40); // 360 characters, one ASCII word
    let csv = format!(
        "{HEADER}\n\
         2,小贷,新功能,还款文件,琳琳,2019-03-01,中,处理中,{long}\n\
         3,小贷,缺陷,对账文件,琳琳,2019-03-02,低,处理中,Reconcile file\n"
    );
    let l = Ledger::minimal().file("t.csv", csv);
    let (code, out, err) = l.run(&["import", "t.csv"]);
    assert_no_panic(&err);
    assert_eq!(code, 0, "{out}{err}");
    let names = names_in(&l.path("content/entries"));
    let two = names
        .iter()
        .find(|n| n.starts_with("0002-"))
        .expect("row 2 written");
    assert!(two.len() < 64, "{two}");
    assert!(
        names.contains(&"0003-reconcile-file.md".to_owned()),
        "{names:?}"
    );
    assert!(out.ends_with("imported 2 of 2 rows\n"), "{out}");
    // The title itself is kept whole.
    let text = l.read(&format!("content/entries/{two}"));
    assert!(text.contains(&format!("\ntitle: \"{long}\"\n")), "{text}");
    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
}

/// A workbook whose first sheet is `xml`, with the parts a reader needs.
fn workbook(path: &std::path::Path, sheet_xml: &mut dyn FnMut(&mut dyn Write)) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="台帐" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, deflate).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", deflate).unwrap();
    sheet_xml(&mut zip);
    zip.finish().unwrap();
}

const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_END: &str = "</sheetData></worksheet>";

/// An inline-string cell.
fn cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn a_workbook_that_decompresses_past_the_bound_is_refused() {
    let l = Ledger::minimal();
    // 150 MB of blanks between two rows: about 0.2 MB on disk.
    workbook(&l.path("bomb.xlsx"), &mut |w| {
        w.write_all(SHEET_START.as_bytes()).unwrap();
        w.write_all(format!("<row r=\"1\">{}</row>", cell("A1", "编号")).as_bytes())
            .unwrap();
        let blanks = vec![b' '; 1 << 20];
        for _ in 0..150 {
            w.write_all(&blanks).unwrap();
        }
        w.write_all(SHEET_END.as_bytes()).unwrap();
    });
    let size = std::fs::metadata(l.path("bomb.xlsx")).unwrap().len();
    assert!(size < 4 << 20, "{size}");
    let (code, out, err) = l.run(&["import", "bomb.xlsx"]);
    assert_no_panic(&err);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("decompresses to more than 128 MB") && err.contains("sheet1.xml"),
        "{err}"
    );
    assert_eq!(
        names_in(&l.path("content/entries")),
        ["0001-repayment-file.md"]
    );
}

#[test]
fn a_value_far_beyond_the_ledger_is_refused_not_allocated() {
    let l = Ledger::minimal();
    for (name, far) in [("rows.xlsx", "A1000001"), ("columns.xlsx", "XFD2")] {
        workbook(&l.path(name), &mut |w| {
            let header: String = HEADER
                .split(',')
                .enumerate()
                .map(|(i, h)| cell(&format!("{}1", (b'A' + i as u8) as char), h))
                .collect();
            let far_row = far.trim_start_matches(|c: char| c.is_ascii_uppercase());
            let xml = format!(
                "{SHEET_START}<row r=\"1\">{header}</row><row r=\"{far_row}\">{}</row>{SHEET_END}",
                cell(far, "x")
            );
            w.write_all(xml.as_bytes()).unwrap();
        });
        let (code, out, err) = l.run(&["import", name]);
        assert_no_panic(&err);
        assert_eq!(code, 2, "{name}: {out}{err}");
        let (row, col) = if name == "rows.xlsx" {
            ("row 1000001", "column A")
        } else {
            ("row 2", "column XFD")
        };
        assert!(err.contains(row) && err.contains(col), "{err}");
        assert!(
            err.contains("rows 1 to 200000 and columns A to ZZ"),
            "{err}"
        );
    }
}

#[test]
fn a_sheet_that_starts_elsewhere_is_read_from_its_first_cell() {
    let l = Ledger::minimal();
    workbook(&l.path("t.xlsx"), &mut |w| {
        let header: String = HEADER
            .split(',')
            .enumerate()
            .map(|(i, h)| cell(&format!("{}3", (b'C' + i as u8) as char), h))
            .collect();
        let values = [
            "4",
            "小贷",
            "新功能",
            "还款文件",
            "琳琳",
            "2019-03-01",
            "中",
            "处理中",
            "Far file",
        ];
        let row: String = values
            .iter()
            .enumerate()
            .map(|(i, v)| cell(&format!("{}7", (b'C' + i as u8) as char), v))
            .collect();
        let xml =
            format!("{SHEET_START}<row r=\"3\">{header}</row><row r=\"7\">{row}</row>{SHEET_END}");
        w.write_all(xml.as_bytes()).unwrap();
    });
    let (code, out, err) = l.run(&["import", "t.xlsx"]);
    assert_no_panic(&err);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "wrote content/entries/0004-far-file.md (row 7)\nimported 1 of 1 row\n"
    );
}

#[test]
fn a_csv_is_read_within_the_bounds_of_an_xlsx() {
    let mut far = format!("{HEADER}\n");
    far.push_str(&"\n".repeat(200_000));
    far.push_str("2,小贷,新功能,还款文件,琳琳,2019-03-01,中,处理中,x\n");
    let wide = format!("{HEADER}\n2{}x\n", ",".repeat(800));
    let l = Ledger::minimal()
        .file("far.csv", far)
        .file("wide.csv", wide);
    for (file, says) in [
        (
            "far.csv",
            "row 200002 has a value: import reads rows 1 to 200000",
        ),
        ("wide.csv", "column ADU: import reads columns A to ZZ"),
    ] {
        let (code, out, err) = l.run(&["import", file]);
        assert_no_panic(&err);
        assert_eq!(code, 2, "{file}: {out}{err}");
        assert!(err.contains(says), "{file}: {err}");
    }
    assert_eq!(
        names_in(&l.path("content/entries")),
        ["0001-repayment-file.md"]
    );
}

/// Thousands of bad rows are reported in bounded memory and a short summary: the problems of
/// the first 500, then one line for the rest.
#[test]
fn many_bad_rows_are_counted_not_all_described() {
    let mut csv = format!("{HEADER}\n");
    for id in 2..1202 {
        csv.push_str(&format!("{id},,,,,,,,\n"));
    }
    let l = Ledger::minimal().file("bad.csv", csv);
    let (code, out, err) = l.run(&["import", "bad.csv", "--format", "json"]);
    assert_no_panic(&err);
    assert_eq!(code, 1, "{err}");
    let doc = crate::harness::json(&out);
    let diags = doc["diagnostics"].as_array().unwrap();
    let rows: std::collections::BTreeSet<u64> =
        diags.iter().map(|d| d["line"].as_u64().unwrap()).collect();
    assert_eq!(
        rows.len(),
        501,
        "500 rows described and the line for the others"
    );
    let last = diags
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("700 more refused rows")
        })
        .expect("the rest counted");
    assert_eq!(last["line"], 1);
    assert_eq!(
        doc["import"]["refused_rows"].as_array().unwrap().len(),
        1200
    );
    let (_, out, _) = l.run(&["import", "bad.csv"]);
    let summary = out.lines().last().unwrap();
    assert!(
        summary.starts_with("imported 0 of 1200 rows; refused 1200: rows 2, 3,"),
        "{summary}"
    );
    assert!(summary.ends_with(", 21, …"), "{summary}");
}
