//! Reads a spreadsheet file into rows of typed cells, numbered as the spreadsheet shows them:
//! a `.csv` (UTF-8, with or without a BOM) with the `csv` crate, a `.xlsx` through [`super::xlsx`]
//! (real date cells become dates). A file that cannot be read, or that is past the bounds
//! import reads within, is the tool's failure.

use super::xlsx::{MAX_CELLS, MAX_COLUMN, MAX_ROW};
use crate::error::{Error, Result};
use jiff::civil::Date;
use std::io::Read;
use std::path::Path;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A cell formatted as a date (xlsx).
    Date(Date),
    /// A formula error such as `#N/A` (xlsx).
    Error(String),
}

impl Cell {
    /// The cell as text: numbers without a needless `.0`, dates `YYYY-MM-DD`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(f) => number_text(*f),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Error(e) => e.clone(),
        }
    }

    /// True for an empty cell or one of blanks only.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// One row of the sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row number the spreadsheet shows (1-based).
    pub number: u32,
    /// The cells from the sheet's first column on.
    pub cells: Vec<Cell>,
}

/// A sheet read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The file as the user named it, for diagnostics.
    pub file: String,
    /// The column number (1-based) of the first cell of every row.
    pub first_column: u32,
    /// The rows in order; blank ones may be left out (an xlsx lists only rows with a value).
    pub rows: Vec<Row>,
}

/// The kinds of file `import` reads, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

impl FileKind {
    pub fn of(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(FileKind::Csv),
            "xlsx" | "xlsm" => Some(FileKind::Xlsx),
            _ => None,
        }
    }
}

/// Reads `path` (named `file` in diagnostics); `sheet` picks a worksheet of an xlsx (default:
/// the first).
pub fn read(path: &Path, file: &str, sheet: Option<&str>) -> Result<Sheet> {
    let kind = FileKind::of(path).ok_or_else(|| {
        Error::Usage(format!(
            "{file}: import reads .xlsx and .csv files; save the spreadsheet as one of them"
        ))
    })?;
    match kind {
        FileKind::Csv => {
            if sheet.is_some() {
                return Err(Error::Usage(format!(
                    "{file}: --sheet picks a worksheet of an .xlsx file; a .csv has just one"
                )));
            }
            let bytes = read_bounded(path, super::xlsx::MAX_FILE_BYTES)?;
            csv_rows(&bytes, file).map_err(|msg| Error::io(path, invalid(msg)))
        }
        FileKind::Xlsx => super::xlsx::rows(path, file, sheet),
    }
}

/// The bytes of `path`, refused when there are more than `max`.
fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > max {
        return Err(Error::io(
            path,
            invalid(format!(
                "the file is larger than {} MB, the most import reads: import the ledger in parts",
                max >> 20
            )),
        ));
    }
    Ok(bytes)
}

/// Refuses row `number` of a CSV when it lies past the bounds an xlsx is read within: its row,
/// a value past column ZZ, or more cells with a value than are left of [`MAX_CELLS`].
fn bounded(number: u32, record: &csv::StringRecord, cells_left: usize) -> Result<(), String> {
    if number > MAX_ROW {
        return Err(format!(
            "row {number} has a value: import reads rows 1 to {MAX_ROW}; import the ledger in parts"
        ));
    }
    if let Some(last) = (0..record.len()).rev().find(|&i| !record[i].is_empty())
        && last as u32 >= MAX_COLUMN
    {
        return Err(format!(
            "row {number} has a value in column {}: import reads columns A to ZZ",
            super::values::column_letters(last as u32 + 1)
        ));
    }
    if record.iter().filter(|f| !f.is_empty()).count() > cells_left {
        return Err(format!(
            "the file has more than {MAX_CELLS} cells with a value: import the ledger in parts"
        ));
    }
    Ok(())
}

fn invalid(msg: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, msg)
}

/// Parses CSV bytes. Rows are numbered as a spreadsheet program shows the file: a quoted line
/// break stays in its cell, and a blank line is a blank row.
pub fn csv_rows(bytes: &[u8], file: &str) -> std::result::Result<Sheet, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        format!(
            "the file is not UTF-8 text (line {line}): save it as \"CSV UTF-8\" (in Excel: \
             Save As → CSV UTF-8), or import the .xlsx itself; GBK/GB18030 files are not read"
        )
    })?;
    // One kind of line end, so a blank line is exactly an empty line.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut number = 0u32;
    let mut cells_left = MAX_CELLS;
    for record in reader.records() {
        let record = record.map_err(|e| format!("not a readable CSV file: {e}"))?;
        // The reader skips blank lines after the position it gives, and a line break inside
        // quotes stays in its cell: count rows as a spreadsheet program shows them.
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let blank = text.as_bytes()[start.min(text.len())..]
            .iter()
            .take_while(|&&b| b == b'\n')
            .count();
        number += 1 + blank as u32;
        let filled = record.iter().filter(|f| !f.is_empty()).count();
        if filled > 0 {
            bounded(number, &record, cells_left)?;
        }
        cells_left = cells_left.saturating_sub(filled);
        let cells = record
            .iter()
            .map(|f| {
                if f.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(f.to_owned())
                }
            })
            .collect();
        rows.push(Row { number, cells });
    }
    Ok(Sheet {
        file: file.to_owned(),
        first_column: 1,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &Sheet) -> Vec<(u32, Vec<String>)> {
        s.rows
            .iter()
            .map(|r| (r.number, r.cells.iter().map(Cell::text).collect()))
            .collect()
    }

    #[test]
    fn csv_with_bom_quoted_breaks_and_blank_lines() {
        let csv = "\u{feff}编号,问题描述\r\n1,\"两行\r\n描述\"\n\n3,c\r\n\r\n\n4,\n";
        let s = csv_rows(csv.as_bytes(), "t.csv").unwrap();
        assert_eq!(
            texts(&s),
            [
                (1, vec!["编号".into(), "问题描述".into()]),
                (2, vec!["1".into(), "两行\n描述".into()]),
                (4, vec!["3".into(), "c".into()]),
                (7, vec!["4".into(), "".into()]),
            ]
        );
        assert_eq!(s.rows[3].cells[1], Cell::Empty);
    }

    #[test]
    fn csv_that_is_not_utf8_says_so() {
        let gbk = b"\xb1\xe0\xba\xc5,x\n";
        let e = csv_rows(gbk, "t.csv").unwrap_err();
        assert!(e.contains("not UTF-8") && e.contains("CSV UTF-8"), "{e}");
    }

    #[test]
    fn number_cells_read_as_text_without_fraction() {
        assert_eq!(Cell::Number(20.0).text(), "20");
        assert_eq!(Cell::Number(2.5).text(), "2.5");
        assert_eq!(
            Cell::Date(jiff::civil::date(2019, 3, 7)).text(),
            "2019-03-07"
        );
    }

    #[test]
    fn extensions() {
        assert_eq!(FileKind::of(Path::new("a/台帐.XLSX")), Some(FileKind::Xlsx));
        assert_eq!(FileKind::of(Path::new("a.csv")), Some(FileKind::Csv));
        assert_eq!(FileKind::of(Path::new("a.xls")), None);
        assert_eq!(FileKind::of(Path::new("a")), None);
    }
}
