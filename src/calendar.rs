//! Dates and weeks as the ledger counts them: the local date of an instant in the ledger's
//! time zone (`train.timezone`), and ISO week labels (`2019-W10`). Pure: it never reads the
//! clock.

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};

/// The local date of an instant (seconds since the epoch) at offset `tz`.
pub fn local_date(secs: i64, tz: Offset) -> Date {
    jiff::Timestamp::from_second(secs)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(TimeZone::fixed(tz))
        .date()
}

/// The local date at offset `tz` of an RFC 3339 time; `None` when it is not one.
pub fn local_date_of(rfc3339: &str, tz: Offset) -> Option<Date> {
    let ts: jiff::Timestamp = rfc3339.parse().ok()?;
    Some(ts.to_zoned(TimeZone::fixed(tz)).date())
}

/// The ISO week label (`2019-W10`) of a date.
pub fn week_label(d: Date) -> String {
    let w = d.iso_week_date();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The ISO week label of an instant at offset `tz`.
pub fn week_of(secs: i64, tz: Offset) -> String {
    week_label(local_date(secs, tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_and_local_dates() {
        assert_eq!(week_label(jiff::civil::date(2019, 3, 7)), "2019-W10");
        // 2018-12-31 is in the first ISO week of 2019.
        assert_eq!(week_label(jiff::civil::date(2018, 12, 31)), "2019-W01");
        let tz = Offset::constant(8);
        assert_eq!(
            local_date_of("2019-03-10T16:30:00Z", tz),
            Some(jiff::civil::date(2019, 3, 11))
        );
        assert_eq!(local_date_of("not a time", tz), None);
        assert_eq!(local_date(0, Offset::UTC), jiff::civil::date(1970, 1, 1));
    }
}
