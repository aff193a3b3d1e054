//! The values of `opsledger.toml` that are more than a string: the base URL pages link to, a
//! weekday, a UTC offset, a release time. Pure functions, no diagnostics (the caller places them).

use jiff::civil::Weekday;

/// What a valid `base_url` looks like, for the help of a bad one.
pub const BASE_URL_HELP: &str =
    "write an http(s) URL like \"https://ops.example.com/ledger/\" or a path like \"/ledger/\"";

/// Whether `url` may be the site's base URL (of `opsledger.toml` or `--base-url`): an
/// `http://` or `https://` URL with a host, or an absolute path. Pages and the feed link to
/// it, so anything else (`javascript:`, `data:`, `//other.host`, spaces or quotes) is refused
/// with the reason.
pub fn check_base_url(url: &str) -> Result<(), String> {
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\' | '`'))
    {
        return Err(format!("must not contain {c:?}"));
    }
    let lower = url.to_ascii_lowercase();
    let rest = ["http://", "https://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit('@').next().unwrap_or("");
            if host.is_empty() || host.starts_with(':') {
                return Err(format!("`{url}` has no host"));
            }
            Ok(())
        }
        None if url.starts_with('/') && !url.starts_with("//") => Ok(()),
        None => Err(format!(
            "`{url}` is neither an http(s) URL nor a path starting with `/`"
        )),
    }
}

/// `url` as pages join paths to it: ending in `/`.
pub fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    }
}

/// `Mon`, `monday`, `周一` … → weekday.
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    let s = s.trim().to_lowercase();
    Some(match s.as_str() {
        "mon" | "monday" | "周一" => Weekday::Monday,
        "tue" | "tuesday" | "周二" => Weekday::Tuesday,
        "wed" | "wednesday" | "周三" => Weekday::Wednesday,
        "thu" | "thursday" | "周四" => Weekday::Thursday,
        "fri" | "friday" | "周五" => Weekday::Friday,
        "sat" | "saturday" | "周六" => Weekday::Saturday,
        "sun" | "sunday" | "周日" => Weekday::Sunday,
        _ => return None,
    })
}

/// `+08:00`, `-05:30`, `Z` → offset.
pub fn parse_offset(s: &str) -> Option<jiff::tz::Offset> {
    let s = s.trim();
    if s == "Z" || s == "UTC" {
        return Some(jiff::tz::Offset::UTC);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = s[1..].split_once(':').unwrap_or((&s[1..], "0"));
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    jiff::tz::Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

pub(super) fn parse_release(s: &str) -> Option<(Weekday, u16)> {
    let (day, time) = s.trim().split_once(' ')?;
    let (h, m) = time.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((parse_weekday(day)?, h * 60 + m))
}
