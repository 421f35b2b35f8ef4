//! Calls for applications: their status, their window in a stated reference time zone,
//! and how a deadline reads ("28 décembre 2025 à 24:00 GMT", "encore 3 jours et 4 heures").

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::time::TimeZoneName;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallStatus {
    Draft,
    Open,
    Closed,
    Archived,
}

impl CallStatus {
    pub const ALL: [CallStatus; 4] = [CallStatus::Draft, CallStatus::Open, CallStatus::Closed, CallStatus::Archived];

    pub fn code(self) -> &'static str {
        match self {
            CallStatus::Draft => "draft",
            CallStatus::Open => "open",
            CallStatus::Closed => "closed",
            CallStatus::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<CallStatus> {
        Self::ALL.into_iter().find(|c| c.code() == s.trim())
    }

    /// Draft calls are seen only by the programme's managers.
    pub fn is_public(self) -> bool {
        self != CallStatus::Draft
    }
}

/// Where a call stands for an applicant at a given instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Published but not open yet.
    Upcoming,
    /// Accepting applications; `secs_left` until the closing instant.
    Accepting { secs_left: i64 },
    /// Past the closing instant, or closed or archived by the manager.
    Over,
    /// Not published.
    Draft,
}

/// The rule, measured on the server's clock: open from `opens_at` included to `closes_at`
/// excluded — one second late is late.
pub fn phase(status: CallStatus, opens_at: i64, closes_at: i64, now: i64) -> Phase {
    match status {
        CallStatus::Draft => Phase::Draft,
        CallStatus::Closed | CallStatus::Archived => Phase::Over,
        CallStatus::Open if now < opens_at => Phase::Upcoming,
        CallStatus::Open if now < closes_at => Phase::Accepting { secs_left: closes_at - now },
        CallStatus::Open => Phase::Over,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    #[error("bad date")]
    Date,
    #[error("bad time")]
    Time,
}

/// The instant of a date and a time of day ("24:00" is the end of that day) in `zone`.
pub fn instant_in_zone(date: &str, time: &str, zone: &TimeZoneName) -> Result<i64, LocalTimeError> {
    let d: Date = date.trim().parse().map_err(|_| LocalTimeError::Date)?;
    let time = time.trim();
    let (d, t) = if time == "24:00" {
        (d.tomorrow().map_err(|_| LocalTimeError::Date)?, Time::midnight())
    } else {
        (d, time.parse::<Time>().map_err(|_| LocalTimeError::Time)?)
    };
    let zoned = DateTime::from_parts(d, t).to_zoned(zone.zone()).map_err(|_| LocalTimeError::Time)?;
    Ok(zoned.timestamp().as_second())
}

/// Date and time of day of an instant in `zone`, as a form shows them back; midnight is
/// given as "24:00" of the day before, as deadlines are announced.
pub fn local_parts(instant: i64, zone: &TimeZone) -> (String, String) {
    let Ok(ts) = Timestamp::from_second(instant) else { return (String::new(), String::new()) };
    let z = ts.to_zoned(zone.clone());
    if z.hour() == 0 && z.minute() == 0 {
        let day_before = z.date().yesterday().unwrap_or(z.date());
        (day_before.to_string(), "24:00".into())
    } else {
        (z.date().to_string(), format!("{:02}:{:02}", z.hour(), z.minute()))
    }
}

/// Whole days and hours in a number of seconds, for a countdown.
pub fn days_hours(secs: i64) -> (i64, i64) {
    let secs = secs.max(0);
    (secs / 86_400, (secs % 86_400) / 3_600)
}

/// A countdown is shown during the last days before the deadline.
pub const COUNTDOWN_SECS: i64 = 7 * 86_400;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_second_late_is_late() {
        let (open, close) = (1_000, 2_000);
        assert_eq!(phase(CallStatus::Open, open, close, 999), Phase::Upcoming);
        assert_eq!(phase(CallStatus::Open, open, close, 1_000), Phase::Accepting { secs_left: 1_000 });
        assert_eq!(phase(CallStatus::Open, open, close, 1_999), Phase::Accepting { secs_left: 1 });
        assert_eq!(phase(CallStatus::Open, open, close, 2_000), Phase::Over);
        assert_eq!(phase(CallStatus::Closed, open, close, 1_500), Phase::Over);
        assert_eq!(phase(CallStatus::Draft, open, close, 1_500), Phase::Draft);
    }

    #[test]
    fn midnight_deadlines_in_a_stated_zone() {
        let gmt = TimeZoneName::parse("Africa/Abidjan").unwrap();
        let t = instant_in_zone("2025-12-28", "24:00", &gmt).unwrap();
        assert_eq!(t, 1_766_966_400, "29 December 2025 00:00 UTC");
        assert_eq!(local_parts(t, &gmt.zone()), ("2025-12-28".into(), "24:00".into()));
        let paris = TimeZoneName::parse("Europe/Paris").unwrap();
        assert_eq!(local_parts(t, &paris.zone()), ("2025-12-29".into(), "01:00".into()));
        assert_eq!(instant_in_zone("2025-12-28", "18:30", &paris).unwrap(), 1_766_943_000);
        assert!(instant_in_zone("2025-02-30", "10:00", &gmt).is_err());
        assert!(instant_in_zone("2025-02-10", "25:00", &gmt).is_err());
        assert_eq!(days_hours(3 * 86_400 + 4 * 3_600 + 59), (3, 4));
    }
}
