//! Tables as CSV (UTF-8, formulas defused) or XLSX downloads.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, AppResult};

fn csv_field(s: &str) -> String {
    // Quote when needed, and defuse spreadsheet formulas.
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A count or a year is a number in the sheet; "+221…", "007" or "CCP-000123" stay text.
fn plain_integer(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let ok = !digits.is_empty()
        && digits.len() <= 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !(digits.len() > 1 && digits.starts_with('0'));
    if ok {
        s.parse().ok()
    } else {
        None
    }
}

pub fn csv(table: &[Vec<String>], filename: &str) -> Response {
    let mut out = String::new();
    for row in table {
        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    let disposition = format!("attachment; filename=\"{filename}.csv\"");
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)], out)
        .into_response()
}

pub fn xlsx(table: &[Vec<String>], filename: &str) -> AppResult<Response> {
    let to_err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (r, row) in table.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if r == 0 {
                sheet.write_string_with_format(r, c, value, &bold).map_err(to_err)?;
            } else if let Some(n) = plain_integer(value) {
                sheet.write_number(r, c, n as f64).map_err(to_err)?;
            } else {
                sheet.write_string(r, c, value).map_err(to_err)?;
            }
        }
    }
    let bytes = book.save_to_buffer().map_err(to_err)?;
    let disposition = format!("attachment; filename=\"{filename}.xlsx\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn only_plain_integers_become_numbers() {
        assert_eq!(plain_integer("2016"), Some(2016));
        assert_eq!(plain_integer("0"), Some(0));
        assert_eq!(plain_integer("+221771234567"), None);
        assert_eq!(plain_integer("007"), None);
        assert_eq!(plain_integer("CCP-000123"), None);
    }
}
