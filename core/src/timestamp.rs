//! [`Timestamp`]: a UTC instant, written as RFC 3339 and read tolerantly.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A point in time (UTC). Written as RFC 3339 (`2026-11-25T14:37:36.1234567Z`), read tolerantly:
/// 0–9 fraction digits, `Z`/`z` or a numeric offset, or no offset at all (then UTC).
///
/// Always between [`Timestamp::MIN`] and [`Timestamp::MAX`]: years 0001–9999 in UTC, to the
/// microsecond at the top — what RFC 3339 can write and every binding's date type can hold
/// (Python's `datetime` starts at year 1 and rounds to microseconds). Parsing refuses instants
/// outside years 0001–9999 in UTC; an instant in the last microsecond of 9999 (such as .NET's
/// `DateTime.MaxValue`, `9999-12-31T23:59:59.9999999Z`) reads as `MAX`; arithmetic saturates.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
// In TypeScript a timestamp is its RFC 3339 text.
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "string"))]
pub struct Timestamp(OffsetDateTime);

/// `0001-01-01T00:00:00Z` as Unix nanoseconds.
const MIN_NANOS: i128 = -62_135_596_800_000_000_000;
/// `9999-12-31T23:59:59.999999Z` as Unix nanoseconds.
const MAX_NANOS: i128 = 253_402_300_799_999_999_000;
/// `10000-01-01T00:00:00Z` as Unix nanoseconds (the first instant refused).
const END_NANOS: i128 = 253_402_300_800_000_000_000;

impl Timestamp {
    /// Parses a timestamp as the API sends it (tolerant: offset optional, any fraction length).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if has_offset(text) {
            Self::parse_rfc3339(text)
        } else {
            Self::parse_rfc3339(&format!("{text}Z"))
        }
    }

    /// Parses a strict RFC 3339 timestamp: date, time and an offset are required.
    /// Years 0001–9999 are required of the instant in UTC (`0001-01-01T00:00:00+01:00` and
    /// `9999-12-31T23:59:59-01:00` are refused).
    pub fn parse_rfc3339(text: &str) -> Result<Self, String> {
        let parsed = OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|e| format!("not an RFC 3339 timestamp ({e})"))?;
        let nanos = parsed.unix_timestamp_nanos();
        if !(MIN_NANOS..END_NANOS).contains(&nanos) {
            return Err("out of range: the instant in UTC must fall in years 0001-9999".into());
        }
        Ok(Self::saturating_from_nanos(nanos))
    }

    /// The earliest instant: `0001-01-01T00:00:00Z`.
    pub const MIN: Timestamp = Timestamp(time::macros::datetime!(0001-01-01 0:00 UTC));

    /// The latest instant: `9999-12-31T23:59:59.999999Z`.
    pub const MAX: Timestamp = Timestamp(time::macros::datetime!(9999-12-31 23:59:59.999_999 UTC));

    /// From Unix nanoseconds; `None` outside [`Timestamp::MIN`]..=[`Timestamp::MAX`].
    fn from_nanos(nanos: i128) -> Option<Self> {
        if !(MIN_NANOS..=MAX_NANOS).contains(&nanos) {
            return None;
        }
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .map(Timestamp)
    }

    /// From Unix nanoseconds, clamped into [`Timestamp::MIN`]..=[`Timestamp::MAX`].
    fn saturating_from_nanos(nanos: i128) -> Self {
        Self::from_nanos(nanos.clamp(MIN_NANOS, MAX_NANOS)).unwrap_or(Timestamp::MAX)
    }

    /// From milliseconds since the Unix epoch; `None` outside years 0001–9999.
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        Self::from_nanos(i128::from(millis).checked_mul(1_000_000)?)
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(&self) -> i64 {
        // Within years 0001–9999 the value fits an i64 (about ±3e14 ms).
        i64::try_from(self.0.unix_timestamp_nanos().div_euclid(1_000_000)).unwrap_or(i64::MAX)
    }

    /// From a `std::time::SystemTime` (values before 1970 are supported; clamped to years
    /// 0001–9999).
    pub fn from_system_time(t: std::time::SystemTime) -> Self {
        let nanos = match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => i128::try_from(after.as_nanos()).unwrap_or(i128::MAX),
            Err(before) => i128::try_from(before.duration().as_nanos())
                .map(i128::saturating_neg)
                .unwrap_or(i128::MIN),
        };
        Self::saturating_from_nanos(nanos)
    }

    /// As a `std::time::SystemTime`.
    pub fn to_system_time(self) -> std::time::SystemTime {
        std::time::SystemTime::from(self.0)
    }

    /// RFC 3339 in UTC with `Z`, fraction digits only as needed (trailing zeros dropped, no
    /// fraction for a whole second). Written by hand rather than with `time`'s formatter, which
    /// would add its formatting code to the wasm; every `Timestamp` is UTC in years 0001–9999.
    pub fn to_rfc3339(&self) -> String {
        let t = self.0;
        let mut text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year().clamp(0, 9999),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
        );
        let nanos = t.nanosecond();
        if nanos != 0 {
            text.push('.');
            text.push_str(format!("{nanos:09}").trim_end_matches('0'));
        }
        text.push('Z');
        text
    }

    /// This instant plus `d` (saturating at [`Timestamp::MAX`]).
    pub fn add(&self, d: Duration) -> Self {
        let d = i128::try_from(d.as_nanos()).unwrap_or(i128::MAX);
        Self::saturating_from_nanos(self.0.unix_timestamp_nanos().saturating_add(d))
    }

    /// This instant minus `d` (saturating at [`Timestamp::MIN`]).
    pub fn sub(&self, d: Duration) -> Self {
        let d = i128::try_from(d.as_nanos()).unwrap_or(i128::MAX);
        Self::saturating_from_nanos(self.0.unix_timestamp_nanos().saturating_sub(d))
    }

    /// Time from `earlier` to `self`, zero when `earlier` is later.
    pub fn since(&self, earlier: Timestamp) -> Duration {
        let nanos = self
            .0
            .unix_timestamp_nanos()
            .saturating_sub(earlier.0.unix_timestamp_nanos());
        u64::try_from(nanos.div_euclid(1_000_000_000))
            .ok()
            .zip(u32::try_from(nanos.rem_euclid(1_000_000_000)).ok())
            .map_or(Duration::ZERO, |(secs, sub)| Duration::new(secs, sub))
    }
}

fn has_offset(text: &str) -> bool {
    let Some((_, time_part)) = text.split_once(['T', 't', ' ']) else {
        return false;
    };
    time_part.ends_with(['Z', 'z']) || time_part.contains(['+', '-'])
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "uniffi")]
uniffi::custom_type!(Timestamp, std::time::SystemTime, {
    lower: |t| t.to_system_time(),
    try_lift: |t| Ok(Timestamp::from_system_time(t)),
});

/// Serde helper: `Option<Duration>` as whole milliseconds.
pub(crate) mod opt_millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_millis))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn dotnet_seven_digits_parse() {
        let t = Timestamp::parse("2026-11-25T14:37:36.1234567Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-25T14:37:36.1234567Z");
    }

    #[test]
    fn no_offset_means_utc() {
        let a = Timestamp::parse("2026-11-25T14:37:36.12").unwrap();
        let b = Timestamp::parse("2026-11-25T14:37:36.12Z").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn offset_is_normalised_to_utc() {
        let t = Timestamp::parse("2026-11-25T15:37:36+01:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-25T14:37:36Z");
    }

    #[test]
    fn strict_requires_offset() {
        assert!(Timestamp::parse_rfc3339("2026-11-25T14:37:36").is_err());
        assert!(Timestamp::parse("not a date").is_err());
    }

    #[test]
    fn instants_outside_years_0001_to_9999_in_utc_are_refused() {
        for text in [
            "9999-12-31T23:59:59-01:00",
            "0000-01-01T00:00:00+01:00",
            "0000-01-01T12:00:00Z",
            "0001-01-01T00:59:59.999+01:00",
        ] {
            assert!(Timestamp::parse(text).is_err(), "{text}");
        }
        // .NET's DateTime.MaxValue reads as the last microsecond of 9999.
        assert_eq!(
            Timestamp::parse("9999-12-31T23:59:59.9999999Z").unwrap(),
            Timestamp::MAX
        );
        assert_eq!(
            Timestamp::parse("9999-12-31T23:59:59.999999Z").unwrap(),
            Timestamp::MAX
        );
        assert_eq!(
            Timestamp::parse("0001-01-01T01:00:00+01:00").unwrap(),
            Timestamp::MIN
        );
        assert!(Timestamp::from_unix_millis(i64::MAX).is_none());
        assert!(Timestamp::from_unix_millis(i64::MIN).is_none());
    }

    #[test]
    fn arithmetic_saturates_inside_the_range_and_always_formats_as_rfc3339() {
        let huge = Duration::from_secs(u64::MAX);
        assert_eq!(Timestamp::MAX.add(huge), Timestamp::MAX);
        assert_eq!(Timestamp::MIN.sub(huge), Timestamp::MIN);
        assert_eq!(Timestamp::MAX.to_rfc3339(), "9999-12-31T23:59:59.999999Z");
        assert_eq!(
            Timestamp::MIN.sub(huge).to_rfc3339(),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::MAX.since(Timestamp::MIN).as_secs(),
            315_537_897_599
        );
        assert_eq!(Timestamp::MIN.since(Timestamp::MAX), Duration::ZERO);
        let far = std::time::UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(Timestamp::from_system_time(far), Timestamp::MAX);
    }

    #[test]
    fn millis_round_trip() {
        let t = Timestamp::parse("2026-11-25T14:37:36.5Z").unwrap();
        assert_eq!(Timestamp::from_unix_millis(t.unix_millis()).unwrap(), t);
    }

    #[test]
    fn hand_written_rfc3339_matches_the_time_formatter() {
        // Deterministic sweep over the whole range, plus whole seconds and 1–9 fraction digits.
        let mut nanos = MIN_NANOS;
        let step = (MAX_NANOS - MIN_NANOS) / 4999 + 7_654_321;
        let mut checked = 0;
        while nanos <= MAX_NANOS {
            for n in [
                nanos,
                nanos - nanos.rem_euclid(1_000_000_000),
                nanos - nanos.rem_euclid(1_000),
            ] {
                let Some(t) = Timestamp::from_nanos(n) else {
                    continue;
                };
                assert_eq!(t.to_rfc3339(), t.0.format(&Rfc3339).unwrap(), "{n}");
                checked += 1;
            }
            nanos += step;
        }
        assert!(checked > 10_000);
        for t in [
            Timestamp::MIN,
            Timestamp::MAX,
            Timestamp::parse("2026-01-02T03:04:05.1Z").unwrap(),
        ] {
            assert_eq!(t.to_rfc3339(), t.0.format(&Rfc3339).unwrap());
        }
    }
}
