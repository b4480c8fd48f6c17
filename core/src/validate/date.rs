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
