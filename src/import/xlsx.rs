//! Reads one worksheet of an `.xlsx` workbook into rows, within fixed bounds: the file's size,
//! the size its parts decompress to (checked by decompressing, not by trusting the sizes the
//! archive claims), and the number and position of the cells. A workbook past a bound is
//! refused before calamine reads it, so a hostile or broken file costs bounded memory and
//! time. It never writes anything.

use super::read::{Cell, Row, Sheet};
use crate::error::{Error, Result};
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// The largest `.xlsx` file read. A ledger of 10,000 rows is about 1 MB.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// The most the workbook's parts may decompress to, all together.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 128 << 20;
/// The most parts (files inside the archive) a workbook may have.
pub const MAX_PARTS: usize = 10_000;
/// The most non-empty cells read from the worksheet.
pub const MAX_CELLS: usize = 2_000_000;
/// The last row (1-based) and column (1-based, `ZZ` = 702) a non-empty cell may be in.
pub const MAX_ROW: u32 = 200_000;
pub const MAX_COLUMN: u32 = 702;

/// Reads worksheet `sheet` (default: the first) of the workbook at `path`, named `file` in
/// messages.
pub fn rows(path: &Path, file: &str, sheet: Option<&str>) -> Result<Sheet> {
    within_bounds(path)?;
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path)
        .map_err(|e| invalid(path, format!("not a readable .xlsx file: {e}")))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| {
            let hint = crate::diag::did_you_mean(s, names.iter().map(String::as_str))
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            Error::Usage(format!(
                "{file}: no worksheet is named `{s}`; {hint}the worksheets are: {}",
                names.join(", ")
            ))
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| invalid(path, "the workbook has no worksheet".into()))?,
    };
    let cannot =
        |e: calamine::XlsxError| invalid(path, format!("cannot read worksheet `{name}`: {e}"));
    let mut reader = wb.worksheet_cells_reader(&name).map_err(cannot)?;
    // (row, column) → cell, both 0-based; only non-empty cells.
    let mut cells: BTreeMap<(u32, u32), Cell> = BTreeMap::new();
    while let Some(c) = reader.next_cell().map_err(cannot)? {
        let (r, col) = c.get_position();
        let value = cell(c.get_value());
        if value == Cell::Empty {
            continue;
        }
        if r >= MAX_ROW || col >= MAX_COLUMN {
            return Err(invalid(
                path,
                format!(
                    "worksheet `{name}` has a value in row {}, column {}: import reads rows 1 to \
                     {MAX_ROW} and columns A to ZZ; delete what lies beyond, or save the ledger \
                     part of the sheet as its own file",
                    r + 1,
                    super::values::column_letters(col + 1)
                ),
            ));
        }
        if cells.len() == MAX_CELLS {
            return Err(invalid(
                path,
                format!(
                    "worksheet `{name}` has more than {MAX_CELLS} cells with a value: import the \
                     ledger in parts"
                ),
            ));
        }
        cells.insert((r, col), value);
    }
    Ok(sheet_of(file, cells))
}

/// The rows of the non-empty `cells`, each from the first column any cell is in to its own
/// last cell. Rows without any cell are left out (they are blank).
fn sheet_of(file: &str, cells: BTreeMap<(u32, u32), Cell>) -> Sheet {
    let first_col = cells.keys().map(|&(_, c)| c).min().unwrap_or(0);
    let mut rows: Vec<Row> = Vec::new();
    for ((r, c), value) in cells {
        if rows.last().is_none_or(|row| row.number != r + 1) {
            rows.push(Row {
                number: r + 1,
                cells: Vec::new(),
            });
        }
        let row = rows.last_mut().expect("pushed above");
        let at = (c - first_col) as usize;
        row.cells.resize(at, Cell::Empty);
        row.cells.push(value);
    }
    Sheet {
        file: file.to_owned(),
        first_column: first_col + 1,
        rows,
    }
}

/// Refuses a workbook that is too large, has too many parts, or whose parts decompress to more
/// than [`MAX_UNCOMPRESSED_BYTES`] (each part is decompressed into nothing, counting bytes).
fn within_bounds(path: &Path) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if len > MAX_FILE_BYTES {
        return Err(invalid(
            path,
            format!(
                "the file is {} MB; import reads workbooks of up to {} MB: save the ledger sheet \
                 alone, or as .csv",
                len >> 20,
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| invalid(path, format!("not a readable .xlsx file: {e}")))?;
    if zip.len() > MAX_PARTS {
        return Err(invalid(
            path,
            format!(
                "the workbook has {} parts, more than the {MAX_PARTS} import reads",
                zip.len()
            ),
        ));
    }
    let mut left = MAX_UNCOMPRESSED_BYTES;
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| invalid(path, format!("not a readable .xlsx file: {e}")))?;
        let name = part
            .name()
            .map_or_else(|_| format!("#{i}"), |n| n.escape_debug().to_string());
        let n = std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink())
            .map_err(|e| invalid(path, format!("part `{name}` cannot be decompressed: {e}")))?;
        if n > left {
            return Err(invalid(
                path,
                format!(
                    "the workbook decompresses to more than {} MB (at part `{name}`): import \
                     refuses it; save the ledger sheet alone, or as .csv",
                    MAX_UNCOMPRESSED_BYTES >> 20
                ),
            ));
        }
        left -= n;
    }
    Ok(())
}

fn invalid(path: &Path, msg: String) -> Error {
    Error::io(
        path,
        std::io::Error::new(std::io::ErrorKind::InvalidData, msg),
    )
}

fn cell(d: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef;
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match Date::new(y as i16, m as i8, d as i8) {
                Ok(date) => Cell::Date(date),
                Err(_) => Cell::Error(format!("{y:04}-{m:02}-{d:02} (not a real day)")),
            }
        }
        DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        DataRef::DateTimeIso(s) => match s.get(..10).and_then(|d| d.parse::<Date>().ok()) {
            Some(date) => Cell::Date(date),
            None => Cell::Text(s.clone()),
        },
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_cells_make_rows_from_the_first_column() {
        let mut cells = BTreeMap::new();
        cells.insert((2, 1), Cell::Text("编号".into()));
        cells.insert((2, 3), Cell::Text("系统".into()));
        cells.insert((5, 2), Cell::Number(7.0));
        let s = sheet_of("t.xlsx", cells);
        assert_eq!(s.first_column, 2);
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[0].number, 3);
        assert_eq!(
            s.rows[0].cells,
            [
                Cell::Text("编号".into()),
                Cell::Empty,
                Cell::Text("系统".into())
            ]
        );
        assert_eq!(s.rows[1].number, 6);
        assert_eq!(s.rows[1].cells, [Cell::Empty, Cell::Number(7.0)]);
    }
}
