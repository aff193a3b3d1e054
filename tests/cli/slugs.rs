//! Names that make pages, links that work from `file://`, and cells that a spreadsheet
//! would run: what issue #10's adversarial tests found about the site's paths and exports.

use crate::harness::{Ledger, entry, entry_path};

fn build(l: &Ledger) -> (i32, String, String) {
    l.run(&["build"])
}

/// `ledger.csv`, read back with the csv crate (not our writer's own reader).
fn csv_rows(l: &Ledger) -> Vec<csv::StringRecord> {
    let bytes = std::fs::read(l.path("public/ledger.csv")).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn no_cell_of_the_csv_starts_a_formula() {
    let l = Ledger::minimal()
        .file(
            &entry_path(2, "formula"),
            entry(
                2,
                "module: \"-1+1\"\nfeature: \"-cmd|' /C calc'!A0\"\ntech_lead: \"=1+1\"\n",
            ),
        )
        .commit("formulas");
    let (code, out, err) = build(&l);
    assert_eq!(code, 0, "{out}{err}");
    let rows = csv_rows(&l);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows.iter().find(|r| &r[0] == "2").expect("entry 2");
    assert_eq!(&row[col("所属模块")], "'-1+1");
    assert_eq!(&row[col("涉及功能")], "'-cmd|' /C calc'!A0");
    assert_eq!(&row[col("技术负责人")], "'=1+1");
    for r in &rows {
        for cell in r {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula reaches the spreadsheet: {cell:?}"
            );
        }
    }
}
