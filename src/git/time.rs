//! Commit times (seconds since the epoch and minutes east of UTC, as git stores them) as RFC
//! 3339 in their own offset, for every time whose local date falls in the years 0000–9999
//! (jiff's `Timestamp` stops a day short of that at both ends, so the local date is computed
//! from the civil calendar).

/// `2019-03-01T10:00:00+08:00`; `None` when the local date is outside the years 0000–9999 or
/// the offset is not one.
pub fn rfc3339(secs: i64, offset_minutes: i32) -> Option<String> {
    let off = jiff::tz::Offset::from_seconds(offset_minutes.checked_mul(60)?).ok()?;
    let local = secs.checked_add(i64::from(offset_minutes) * 60)?;
    let epoch = jiff::civil::date(1970, 1, 1).at(0, 0, 0, 0);
    let dt = epoch
        .checked_add(jiff::SignedDuration::from_secs(local))
        .ok()?;
    if !(0..=9999).contains(&dt.year()) {
        return None;
    }
    let (h, m) = (offset_minutes.abs() / 60, offset_minutes.abs() % 60);
    let sign = if off.is_negative() { '-' } else { '+' };
    Some(format!(
        "{}{sign}{h:02}:{m:02}",
        dt.strftime("%Y-%m-%dT%H:%M:%S")
    ))
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn times_keep_their_offset_at_both_ends_of_the_calendar() {
        let t = |s, o| rfc3339(s, o).unwrap_or_default();
        assert_eq!(t(1_551_405_600, 480), "2019-03-01T10:00:00+08:00");
        assert_eq!(t(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(t(-2_208_988_800, 480), "1900-01-01T08:00:00+08:00");
        assert_eq!(t(253_402_250_399, 840), "9999-12-31T23:59:59+14:00");
        assert_eq!(t(-62_167_219_200, 0), "0000-01-01T00:00:00+00:00");
        assert_eq!(t(100, -90), "1969-12-31T22:31:40-01:30");
        assert_eq!(rfc3339(253_402_300_800, 0), None, "year 10000");
        assert_eq!(rfc3339(-62_167_219_201, 0), None, "year -1");
        assert_eq!(rfc3339(i64::MAX, 0), None);
        assert_eq!(rfc3339(0, 26 * 60), None, "no such offset");
    }
}
