//! [`Timestamp`]: a UTC instant, written as RFC 3339 and read tolerantly.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// A point in time (UTC). Written as RFC 3339 (`2026-11-25T14:37:36.1234567Z`), read tolerantly:
/// 0–9 fraction digits, `Z`/`z` or a numeric offset, or no offset at all (then UTC).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

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
    pub fn parse_rfc3339(text: &str) -> Result<Self, String> {
        OffsetDateTime::parse(text, &Rfc3339)
            .map(|t| Timestamp(t.to_offset(UtcOffset::UTC)))
            .map_err(|e| format!("not an RFC 3339 timestamp ({e})"))
    }

    /// From milliseconds since the Unix epoch; `None` when out of range.
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
            .ok()
            .map(Timestamp)
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(&self) -> i64 {
        i64::try_from(self.0.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
    }

    /// From a `std::time::SystemTime` (values before 1970 are supported).
    pub fn from_system_time(t: std::time::SystemTime) -> Self {
        Timestamp(OffsetDateTime::from(t))
    }

    /// As a `std::time::SystemTime`.
    pub fn to_system_time(self) -> std::time::SystemTime {
        std::time::SystemTime::from(self.0)
    }

    /// RFC 3339 in UTC with `Z`, fraction digits only as needed.
    pub fn to_rfc3339(&self) -> String {
        self.0
            .format(&Rfc3339)
            .unwrap_or_else(|_| self.unix_millis().to_string())
    }

    /// This instant plus `d` (saturating at the end of the supported range).
    pub fn add(&self, d: Duration) -> Self {
        Timestamp(self.0.checked_add(to_time(d)).unwrap_or(self.0))
    }

    /// This instant minus `d` (saturating at the start of the supported range).
    pub fn sub(&self, d: Duration) -> Self {
        Timestamp(self.0.checked_sub(to_time(d)).unwrap_or(self.0))
    }

    /// Time from `earlier` to `self`, zero when `earlier` is later.
    pub fn since(&self, earlier: Timestamp) -> Duration {
        let d = self.0 - earlier.0;
        Duration::try_from(d).unwrap_or(Duration::ZERO)
    }
}

fn to_time(d: Duration) -> time::Duration {
    time::Duration::try_from(d).unwrap_or(time::Duration::MAX)
}

fn has_offset(text: &str) -> bool {
    let Some(t_pos) = text.find(['T', 't', ' ']) else {
        return false;
    };
    let time_part = &text[t_pos + 1..];
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
    fn millis_round_trip() {
        let t = Timestamp::parse("2026-11-25T14:37:36.5Z").unwrap();
        assert_eq!(Timestamp::from_unix_millis(t.unix_millis()).unwrap(), t);
    }
}
