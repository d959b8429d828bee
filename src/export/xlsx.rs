//! A ward's week as a spreadsheet grid: staff down, days across, shift codes in the cells;
//! below, one row per shift/role/skill with assigned/required, shortfalls highlighted.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::WardWeek;

/// Build one workbook with a sheet per ward-week.
pub fn write(weeks: &[WardWeek]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_align(FormatAlign::Center).set_border(FormatBorder::Thin);
    let cell = Format::new().set_align(FormatAlign::Center).set_border(FormatBorder::Thin);
    let short = Format::new()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0x00F4_CCCC))
        .set_bold();
    for (n, week) in weeks.iter().enumerate() {
        let sheet = book.add_worksheet();
        // Sheet names: at most 31 characters, unique.
        let name: String = format!("{} {}", week.ward, week.week_start.format("%d %b")).chars().take(28).collect();
        sheet.set_name(format!("{name}{}", if n > 0 { format!(" {n}") } else { String::new() }))?;
        sheet.write_string_with_format(0, 0, format!("{} — week of {}", week.ward_name, week.week_start), &bold)?;
        sheet.write_string_with_format(1, 0, "Employee", &header)?;
        sheet.write_string_with_format(1, 1, "Name", &header)?;
        let days = week.days();
        for (i, day) in days.iter().enumerate() {
            let col = u16::try_from(i + 2).unwrap_or(u16::MAX);
            sheet.write_string_with_format(1, col, day.format("%a %d %b").to_string(), &header)?;
        }
        let mut row = 2u32;
        for (number, name) in &week.staff {
            sheet.write_string(row, 0, number)?;
            sheet.write_string(row, 1, name)?;
            for (i, day) in days.iter().enumerate() {
                let col = u16::try_from(i + 2).unwrap_or(u16::MAX);
                let codes: Vec<&str> = week
                    .shifts
                    .iter()
                    .filter(|s| &s.employee_number == number && s.date == *day)
                    .map(|s| s.shift_code.as_str())
                    .collect();
                sheet.write_string_with_format(row, col, codes.join("/"), &cell)?;
            }
            row += 1;
        }
        row += 1;
        sheet.write_string_with_format(row, 0, "Coverage", &bold)?;
        sheet.write_string_with_format(row, 1, "assigned / required", &bold)?;
        row += 1;
        let mut lines: Vec<(String, String, Option<String>)> =
            week.cover.iter().map(|c| (c.shift_code.clone(), c.role.clone(), c.skill.clone())).collect();
        lines.sort();
        lines.dedup();
        for (shift, role, skill) in lines {
            let label = match &skill {
                Some(s) => format!("{shift} {role}+{s}"),
                None => format!("{shift} {role}"),
            };
            sheet.write_string(row, 0, &label)?;
            for (i, day) in days.iter().enumerate() {
                let col = u16::try_from(i + 2).unwrap_or(u16::MAX);
                if let Some(c) = week
                    .cover
                    .iter()
                    .find(|c| c.date == *day && c.shift_code == shift && c.role == role && c.skill == skill)
                {
                    let format = if c.assigned < c.required { &short } else { &cell };
                    sheet.write_string_with_format(row, col, format!("{}/{}", c.assigned, c.required), format)?;
                }
            }
            row += 1;
        }
        sheet.set_column_width(0, 14)?;
        sheet.set_column_width(1, 24)?;
        for i in 0..7u16 {
            sheet.set_column_width(i + 2, 11)?;
        }
    }
    book.save_to_buffer()
}
