//! `ledger.xlsx`: the spreadsheet columns as one worksheet with real number and date cells, a
//! frozen header, an autofilter and the team's column widths; strings are written as strings.
//! Must not know the columns' contents (`columns` does) nor touch the other exports.

use super::columns::{COLUMNS, Cell, cell, headers};
use super::{ExportInput, OutputFile, entries_by_id};
use crate::config::Language;
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

/// `ledger.xlsx`: one worksheet (台帐 / Ledger) with a bold frozen header row, an autofilter,
/// real date cells, wrapped long text; the document's creation time is `generated_at` (or the
/// Unix epoch), so the bytes depend on the content only.
pub fn ledger_xlsx(input: &ExportInput) -> crate::Result<OutputFile> {
    let bytes =
        xlsx_bytes(input).map_err(|e| crate::Error::io("ledger.xlsx", std::io::Error::other(e)))?;
    Ok(OutputFile {
        path: "ledger.xlsx".into(),
        bytes,
    })
}

fn xlsx_bytes(input: &ExportInput) -> Result<Vec<u8>, XlsxError> {
    let lang = input.config.language;
    let mut wb = Workbook::new();
    let created = timestamp_or_epoch(input.generated_at)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .datetime();
    let props = DocProperties::new()
        .set_title(&input.config.title)
        .set_creation_datetime(&created);
    wb.set_properties(&props);

    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border_bottom(FormatBorder::Thin);
    let plain = Format::new().set_align(FormatAlign::Top);
    let wrap = plain.clone().set_text_wrap();
    let date = plain.clone().set_num_format("yyyy-mm-dd");

    let ws = wb.add_worksheet();
    ws.set_name(if lang == Language::ZhCn {
        "台帐"
    } else {
        "Ledger"
    })?;
    for (c, (name, &(key, _, _))) in headers(lang).into_iter().zip(COLUMNS).enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, name, &header)?;
        ws.set_column_width(c, column_layout(key).0)?;
    }
    let entries = entries_by_id(input.ledger);
    for (r, e) in entries.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, &(key, _, _)) in COLUMNS.iter().enumerate() {
            let c = c as u16;
            let format = if column_layout(key).1 { &wrap } else { &plain };
            match cell(e, key, lang) {
                Cell::Number(n) => {
                    ws.write_number_with_format(row, c, f64::from(n), format)?;
                }
                Cell::Text(t) => {
                    if !t.is_empty() {
                        ws.write_string_with_format(row, c, fit_cell(&t), format)?;
                    }
                }
                // Excel's 1900 date system starts in 1900; other years stay text.
                Cell::Date(Some(d)) if (1900..=9999).contains(&d.year()) => {
                    ws.write_datetime_with_format(row, c, d, &date)?;
                }
                Cell::Date(Some(d)) => {
                    ws.write_string_with_format(row, c, d.to_string(), format)?;
                }
                Cell::Date(None) => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, entries.len() as u32, (COLUMNS.len() - 1) as u16)?;
    wb.save_to_buffer()
}

/// `s` cut to Excel's limit of 32,767 UTF-16 units a cell.
fn fit_cell(s: &str) -> &str {
    const MAX: usize = 32_767;
    let mut units = 0;
    for (i, ch) in s.char_indices() {
        units += ch.len_utf16();
        if units > MAX {
            return &s[..i];
        }
    }
    s
}

/// Column width in characters (a CJK character counts about two) and whether it wraps.
fn column_layout(key: &str) -> (f64, bool) {
    match key {
        "id" => (7.0, false),
        "description" => (50.0, true),
        "expected_solution" | "technical_solution" => (32.0, true),
        "business_feedback" | "resolution_notes" | "test_opinion" => (26.0, true),
        "title" => (30.0, true),
        "feature" | "module" => (16.0, true),
        "related_systems" => (16.0, true),
        "has_sql" => (10.0, false),
        "proposed_on" | "planned_start" | "planned_finish" | "test_start" | "test_finish" => {
            (13.0, false)
        }
        "status" => (12.0, false),
        "release" | "requirement" => (12.0, false),
        _ => (10.0, false),
    }
}

fn timestamp_or_epoch(s: Option<&str>) -> jiff::Timestamp {
    s.and_then(|s| s.parse().ok())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::export::fixtures::*;

    #[test]
    fn xlsx_reads_back() {
        use calamine::{Data, Reader, Xlsx};
        let out = with(Language::ZhCn, |i| ledger_xlsx(i).unwrap());
        assert_eq!(out.path, "ledger.xlsx");
        assert!(out.bytes.starts_with(b"PK"));
        let mut wb = Xlsx::new(std::io::Cursor::new(out.bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["台帐"]);
        let range = wb.worksheet_range("台帐").unwrap();
        assert_eq!(range.get_size(), (3, COLUMNS.len()));
        assert_eq!(range.get((0, 0)), Some(&Data::String("编号".into())));
        assert_eq!(range.get((0, 13)), Some(&Data::String("问题状态".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::Float(20.0)));
        assert_eq!(
            range.get((1, col("status"))),
            Some(&Data::String("UAT测试".into()))
        );
        match range.get((1, col("proposed_on"))) {
            Some(Data::DateTime(d)) => {
                assert!(d.is_datetime());
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                assert_eq!((y, m, day), (2019, 2, 25));
            }
            other => panic!("not a date cell: {other:?}"),
        }
        assert_eq!(range.get((1, col("test_start"))), Some(&Data::Empty));
        assert_eq!(
            range.get((2, col("title"))),
            Some(&Data::String("Password policy".into()))
        );
    }

    #[test]
    fn xlsx_en_sheet_and_created_time() {
        use calamine::{Data, Reader, Xlsx};
        let out = with(Language::En, |i| ledger_xlsx(i).unwrap());
        let mut wb = Xlsx::new(std::io::Cursor::new(out.bytes.clone())).unwrap();
        assert_eq!(wb.sheet_names(), ["Ledger"]);
        let range = wb.worksheet_range("Ledger").unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("ID".into())));
        // The creation time is the generation time in UTC, not the clock.
        let mut zip = zip_core_xml(&out.bytes);
        assert!(zip.contains("2019-03-14T14:05:00Z"), "{zip}");
        let epoch = {
            let (config, ledger, history) = (config(Language::En), ledger(), history());
            ledger_xlsx(&ExportInput {
                config: &config,
                ledger: &ledger,
                history: &history,
                generated_at: None,
                base_url: "/",
            })
            .unwrap()
        };
        zip = zip_core_xml(&epoch.bytes);
        assert!(zip.contains("1970-01-01T00:00:00Z"), "{zip}");
    }

    /// `docProps/core.xml` of an xlsx, where the creation time is.
    fn zip_core_xml(bytes: &[u8]) -> String {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut f = z.by_name("docProps/core.xml").unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        s
    }

    /// The xlsx needs no defusing: every text is a string cell (`write_string`), never a
    /// formula, whatever it starts with, and the text is kept exactly.
    #[test]
    fn formula_text_stays_a_string_cell() {
        use calamine::{Data, Reader, Xlsx};
        use std::io::Read;
        let (config, mut ledger, history) = (config(Language::En), ledger(), history());
        let e = &mut ledger.entries[0];
        e.module = "-1+1".into();
        e.feature = "-cmd|' /C calc'!A0".into();
        e.title = "=HYPERLINK(\"https://evil.example\",\"x\")".into();
        let input = ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: None,
            base_url: "/",
        };
        let out = ledger_xlsx(&input).unwrap();
        let mut wb = Xlsx::new(std::io::Cursor::new(out.bytes.clone())).unwrap();
        let range = wb.worksheet_range("Ledger").unwrap();
        assert_eq!(
            range.get((1, col("module"))),
            Some(&Data::String("-1+1".into()))
        );
        assert_eq!(
            range.get((1, col("feature"))),
            Some(&Data::String("-cmd|' /C calc'!A0".into()))
        );
        let formulas = wb.worksheet_formula("Ledger").unwrap();
        assert!(formulas.used_cells().all(|(.., f)| f.is_empty()));
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(out.bytes)).unwrap();
        let mut sheet = String::new();
        z.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut sheet)
            .unwrap();
        assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "{sheet}");
    }

    #[test]
    fn huge_cell_fits_excel() {
        let s = "长".repeat(40_000);
        assert_eq!(fit_cell(&s).chars().count(), 32_767);
        let (config, mut ledger, history) = (config(Language::ZhCn), ledger(), history());
        ledger.entries[0].body = "😀".repeat(20_000);
        let input = ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: Some(GENERATED),
            base_url: "/",
        };
        assert!(ledger_xlsx(&input).is_ok());
    }
}
