//! Instants, time zones and calendar months.

use jiff::{tz::TimeZone, Timestamp};

/// A time-zone name from the IANA database ("Africa/Dakar", "Europe/Paris", "UTC").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(name: &str) -> Option<TimeZoneName> {
        let name = name.trim();
        if name.is_empty() || name.len() > 64 {
            return None;
        }
        TimeZone::get(name).ok().map(|_| TimeZoneName(name.to_owned()))
    }

    pub fn utc() -> TimeZoneName {
        TimeZoneName("UTC".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn zone(&self) -> TimeZone {
        TimeZone::get(&self.0).unwrap_or(TimeZone::UTC)
    }
}

/// Zones offered in the settings form: where participants, juries and coaches live.
pub const OFFERED_ZONES: &[&str] = &[
    "UTC",
    "Africa/Abidjan",
    "Africa/Accra",
    "Africa/Algiers",
    "Africa/Bamako",
    "Africa/Bangui",
    "Africa/Brazzaville",
    "Africa/Casablanca",
    "Africa/Conakry",
    "Africa/Dakar",
    "Africa/Douala",
    "Africa/Kinshasa",
    "Africa/Lagos",
    "Africa/Libreville",
    "Africa/Lome",
    "Africa/Lubumbashi",
    "Africa/Ndjamena",
    "Africa/Niamey",
    "Africa/Nouakchott",
    "Africa/Ouagadougou",
    "Africa/Porto-Novo",
    "Africa/Tunis",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Africa/Kigali",
    "Africa/Bujumbura",
    "Africa/Johannesburg",
    "Indian/Antananarivo",
    "Indian/Comoro",
    "Indian/Mauritius",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/London",
    "America/Montreal",
    "Asia/Yangon",
];

/// Current time in whole seconds since the Unix epoch: the unit stored in the database.
pub fn unix_now() -> i64 {
    Timestamp::now().as_second()
}

/// A calendar month, e.g. September 2016, as used by programme calendars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i16,
    pub month: u8,
}

impl YearMonth {
    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<YearMonth> {
        let (y, m) = s.trim().split_once('-')?;
        let year: i16 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        ((1900..=2200).contains(&year) && (1..=12).contains(&month)).then_some(YearMonth { year, month })
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_and_months() {
        assert!(TimeZoneName::parse("Africa/Dakar").is_some());
        assert!(TimeZoneName::parse("Mars/Olympus").is_none());
        for z in OFFERED_ZONES {
            assert!(TimeZoneName::parse(z).is_some(), "{z}");
        }
        let m = YearMonth::parse("2016-09").unwrap();
        assert_eq!(m, YearMonth { year: 2016, month: 9 });
        assert!(m < YearMonth::parse("2017-06").unwrap());
        assert!(YearMonth::parse("2016-13").is_none());
        assert_eq!(m.iso(), "2016-09");
    }
}
