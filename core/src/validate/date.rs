//! Acceptance dates: RFC 3339 with an offset, in years 0001–9999 once in UTC, not in the future.

use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::timestamp::Timestamp;

/// How far in the future an acceptance date may lie (clock skew allowance).
pub const ACCEPTANCE_DATE_SKEW: Duration = Duration::from_secs(5 * 60);

const FORMAT: &str =
    "acceptance date must be an RFC 3339 date-time with offset, e.g. 2026-01-31T09:30:00Z";

/// The instant of a trimmed, non-empty acceptance date, or the violation's detail.
///
/// The UTC year is checked here, before any conversion that could leave the representable range:
/// `0000-01-01T00:00:00+01:00` is year −1 in UTC and `9999-12-31T23:59:59-01:00` is year 10000.
pub(crate) fn acceptance_date(text: &str, now: Timestamp) -> Result<Timestamp, &'static str> {
    let local = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| FORMAT)?;
    let in_range = local
        .checked_to_offset(UtcOffset::UTC)
        .is_some_and(|utc| (1..=9999).contains(&utc.year()));
    if !in_range {
        return Err("acceptance date must fall in the years 0001 to 9999 once converted to UTC");
    }
    let t = Timestamp::parse_rfc3339(text).map_err(|_| FORMAT)?;
    if t > now && t.since(now) > ACCEPTANCE_DATE_SKEW {
        return Err("acceptance date must not be in the future (more than 5 minutes after now)");
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn years_are_checked_once_in_utc() {
        let now = at("2026-11-25T12:00:00Z");
        let ok = |t: &str| acceptance_date(t, now).map(|t| t.to_rfc3339());
        assert_eq!(ok("0001-01-01T00:00:00Z").unwrap(), "0001-01-01T00:00:00Z");
        assert_eq!(
            ok("0000-12-31T23:00:00-01:00").unwrap(),
            "0001-01-01T00:00:00Z"
        );
        assert!(ok("0001-01-01T00:30:00+01:00").is_err());
        assert!(ok("0000-01-01T00:00:00+01:00").is_err());
        let late = at("9999-12-31T23:59:00Z");
        assert!(acceptance_date("9999-12-31T23:59:59Z", late).is_ok());
        assert!(acceptance_date("9999-12-31T23:59:59-01:00", late).is_err());
    }

    #[test]
    fn skew_limit_is_inclusive() {
        let now = at("2026-11-25T12:00:00Z");
        assert!(acceptance_date("2026-11-25T12:05:00Z", now).is_ok());
        assert!(acceptance_date("2026-11-25T12:05:00.000000001Z", now).is_err());
    }

    #[test]
    fn leap_second_is_the_last_instant_of_its_minute() {
        let now = at("2026-11-25T12:00:00Z");
        let t = acceptance_date("2016-12-31T23:59:60Z", now).unwrap();
        assert_eq!(t.to_rfc3339(), "2016-12-31T23:59:59.999999999Z");
        assert!(acceptance_date("2026-11-25T11:59:60Z", now).is_err());
    }
}
