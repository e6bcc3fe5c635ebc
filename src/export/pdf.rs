//! PDF export: tagged, to the project's PDF standards (PDF/A-2b and PDF/UA-1
//! by default), reproducible.

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::Diagnostic;
use crate::load::config::Standard;
use crate::load::project::BuildTime;
use crate::model::common::PartialDate;
use crate::typeset::TYPST_VERSION;

/// Exports a laid-out document. The same input gives the same bytes: the
/// timestamp is the run's fixed time (`SOURCE_DATE_EPOCH`) or the
/// document's `date`, and the PDF identifier comes from its `id`.
pub fn export(
    document: &PagedDocument,
    id: &str,
    date: PartialDate,
    standards: &[Standard],
    time: BuildTime,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let list: Vec<PdfStandard> = standards.iter().map(|s| standard(*s)).collect();
    let standards = PdfStandards::new(&list).map_err(|err| {
        vec![Diagnostic::error(format!(
            "PDF standards: {}",
            err.message()
        ))]
    })?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("briefpress/{id}")),
        creator: Smart::Custom(Some(format!(
            "briefpress {} (Typst {TYPST_VERSION})",
            env!("CARGO_PKG_VERSION")
        ))),
        timestamp: Some(Timestamp::new_utc(timestamp(date, time)?)),
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    typst_pdf::pdf(document, &options).map_err(|errors| {
        errors
            .iter()
            .map(|e| {
                let mut diag =
                    Diagnostic::error(format!("PDF export: {}", e.message)).with_code("pdf-export");
                for hint in &e.hints {
                    diag = diag.with_hint(hint.v.to_string());
                }
                diag
            })
            .collect()
    })
}

/// Typst's name for a standard.
fn standard(standard: Standard) -> PdfStandard {
    match standard {
        Standard::A2a => PdfStandard::A_2a,
        Standard::A2b => PdfStandard::A_2b,
        Standard::A2u => PdfStandard::A_2u,
        Standard::A3a => PdfStandard::A_3a,
        Standard::A3b => PdfStandard::A_3b,
        Standard::A3u => PdfStandard::A_3u,
        Standard::Ua1 => PdfStandard::Ua_1,
    }
}

/// The PDF's timestamp as W3C date and time in UTC
/// (`CCYY-MM-DDThh:mm:ssZ`), for editions that carry the same one.
pub fn modified(date: PartialDate, time: BuildTime) -> Result<String, Vec<Diagnostic>> {
    let stamp = timestamp(date, time)?;
    let part = |value: Option<u8>| value.unwrap_or(0);
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        stamp.year().unwrap_or(1980),
        part(stamp.month()),
        part(stamp.day()),
        part(stamp.hour()),
        part(stamp.minute()),
        part(stamp.second())
    ))
}

fn timestamp(date: PartialDate, time: BuildTime) -> Result<Datetime, Vec<Diagnostic>> {
    if time.fixed {
        return from_unix(time.seconds).ok_or_else(|| {
            vec![Diagnostic::error(format!(
                "SOURCE_DATE_EPOCH `{}` is out of range",
                time.seconds
            ))]
        });
    }
    let (year, month, day) = date.first_day();
    Datetime::from_ymd_hms(year, month, day, 0, 0, 0)
        .ok_or_else(|| vec![Diagnostic::error("the document date is out of range")])
}

/// Seconds since 1970-01-01 UTC -> calendar date and time (proleptic
/// Gregorian; Howard Hinnant's days-to-civil algorithm).
fn from_unix(seconds: i64) -> Option<Datetime> {
    let (year, month, day) = crate::model::common::civil_from_days(seconds.div_euclid(86_400));
    let secs = seconds.rem_euclid(86_400);
    Datetime::from_ymd_hms(
        i32::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
        u8::try_from(secs / 3600).ok()?,
        u8::try_from(secs / 60 % 60).ok()?,
        u8::try_from(secs % 60).ok()?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_time_to_calendar() {
        assert_eq!(from_unix(0), Datetime::from_ymd_hms(1970, 1, 1, 0, 0, 0));
        assert_eq!(
            from_unix(1_706_140_800 + 3661),
            Datetime::from_ymd_hms(2024, 1, 25, 1, 1, 1)
        );
        assert_eq!(
            from_unix(951_782_400),
            Datetime::from_ymd_hms(2000, 2, 29, 0, 0, 0)
        );
    }
}
