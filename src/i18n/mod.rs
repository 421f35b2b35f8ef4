//! French and English catalogues. Every piece of text a person reads comes from
//! `fr.toml` / `en.toml` (embedded in the binary); a unit test checks that both catalogues
//! hold the same keys and that every key the code and templates use exists.

use std::collections::HashMap;
use std::sync::LazyLock;

use jiff::{tz::TimeZone, Timestamp};

pub use crate::domain::locale::Locale;
use crate::domain::time::YearMonth;

static FR_SRC: &str = include_str!("fr.toml");
static EN_SRC: &str = include_str!("en.toml");

fn load(src: &str) -> HashMap<String, String> {
    let table: toml::Table = toml::from_str(src).expect("catalogue is valid TOML");
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out),
            other => panic!("catalogue value of {key} must be a string, got {other}"),
        }
    }
}

static FR: LazyLock<HashMap<String, String>> = LazyLock::new(|| load(FR_SRC));
static EN: LazyLock<HashMap<String, String>> = LazyLock::new(|| load(EN_SRC));

fn catalogue(locale: Locale) -> &'static HashMap<String, String> {
    match locale {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

/// The translator handed to every template: `{{ i.t("nav.programmes") }}`.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    pub locale: Locale,
}

impl I18n {
    pub fn new(locale: Locale) -> I18n {
        I18n { locale }
    }

    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }

    /// The text of `key`; falls back to French, then to the key itself (logged), so a
    /// missing translation never breaks a page.
    pub fn t(&self, key: &str) -> &'static str {
        if let Some(s) = catalogue(self.locale).get(key).or_else(|| FR.get(key)) {
            return s.as_str();
        }
        tracing::warn!(key, "missing translation");
        // Leak once per missing key is acceptable: keys are a finite set from the code.
        Box::leak(key.to_owned().into_boxed_str())
    }

    /// `t` with `{name}` placeholders replaced.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_owned();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// `tf` with one placeholder, handy in templates: `i.tf1("report.title", "year", y)`.
    pub fn tf1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.tf(key, &[(name, &value.to_string())])
    }

    fn month_name(&self, month: u8) -> &'static str {
        self.t(&format!("month.{month}"))
    }

    /// "28 décembre 2025 à 14:05 GMT" / "28 December 2025 at 14:05 GMT": the instant in
    /// the viewer's zone, with the zone named.
    pub fn datetime(&self, unix_secs: i64, zone: &TimeZone) -> String {
        let Ok(ts) = Timestamp::from_second(unix_secs) else { return String::new() };
        let z = ts.to_zoned(zone.clone());
        let abbrev = z.time_zone().to_offset_info(ts).abbreviation().to_string();
        self.tf(
            "format.datetime",
            &[
                ("day", &z.day().to_string()),
                ("month", self.month_name(z.month() as u8)),
                ("year", &z.year().to_string()),
                ("time", &format!("{:02}:{:02}", z.hour(), z.minute())),
                ("zone", &abbrev),
            ],
        )
    }

    /// A deadline in its reference zone, midnight read as "24:00" of the day before:
    /// "28 décembre 2025 à 24:00 GMT".
    pub fn deadline(&self, unix_secs: i64, zone: &TimeZone) -> String {
        let Ok(ts) = Timestamp::from_second(unix_secs) else { return String::new() };
        let z = ts.to_zoned(zone.clone());
        if z.hour() != 0 || z.minute() != 0 {
            return self.datetime(unix_secs, zone);
        }
        let day = z.date().yesterday().unwrap_or(z.date());
        let abbrev = z.time_zone().to_offset_info(ts).abbreviation().to_string();
        self.tf(
            "format.datetime",
            &[
                ("day", &day.day().to_string()),
                ("month", self.month_name(day.month() as u8)),
                ("year", &day.year().to_string()),
                ("time", "24:00"),
                ("zone", &abbrev),
            ],
        )
    }

    /// "septembre 2016" / "September 2016".
    pub fn month_year(&self, ym: YearMonth) -> String {
        let name = self.month_name(ym.month);
        match self.locale {
            Locale::Fr => format!("{} {}", name, ym.year),
            Locale::En => format!("{} {}", name, ym.year),
        }
    }

    /// "Septembre 2016 – Juin 2017": a calendar span with an initial capital.
    pub fn month_span(&self, from: YearMonth, to: YearMonth) -> String {
        format!("{} – {}", capitalise(&self.month_year(from)), capitalise(&self.month_year(to)))
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Every key of a catalogue, for the consistency tests.
pub fn keys(locale: Locale) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = catalogue(locale).keys().map(|k| k.as_str()).collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_have_the_same_keys() {
        assert_eq!(keys(Locale::Fr), keys(Locale::En));
    }

    /// Every literal key used as `t("...")` or `tf("...")` in templates and code exists.
    #[test]
    fn every_used_key_exists() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut sources = vec![];
        for dir in ["templates", "src"] {
            collect(&std::path::Path::new(root).join(dir), &mut sources);
        }
        let known: std::collections::HashSet<&str> = keys(Locale::Fr).into_iter().collect();
        let mut missing = vec![];
        for (path, text) in sources {
            for pat in [".t(\"", ".tf(\"", ".tf1(\"", "_key(\""] {
                for (i, _) in text.match_indices(pat) {
                    let rest = &text[i + pat.len()..];
                    let key = &rest[..rest.find('"').unwrap_or(0)];
                    if key.contains('.') && !key.ends_with('.') && !known.contains(key) {
                        missing.push(format!("{path}: {key}"));
                    }
                }
            }
            // Message keys returned by domain errors are written as string literals starting with error-dot.
            for (i, _) in text.match_indices("\"error.") {
                let rest = &text[i + 1..];
                let key = &rest[..rest.find('"').unwrap_or(0)];
                if !key.ends_with('.') && !key.ends_with(".html") && !known.contains(key) {
                    missing.push(format!("{path}: {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "missing catalogue keys: {missing:#?}");
    }

    fn collect(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                collect(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs" || e == "html" || e == "txt") {
                out.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }

    #[test]
    fn dates_name_the_zone() {
        // 2025-12-28T23:59:59Z
        let ts = 1_766_966_399;
        let fr = I18n::new(Locale::Fr);
        assert_eq!(fr.datetime(ts, &TimeZone::UTC), "28 décembre 2025 à 23:59 UTC");
        let en = I18n::new(Locale::En);
        let paris = TimeZone::get("Europe/Paris").unwrap();
        assert_eq!(en.datetime(ts, &paris), "29 December 2025 at 00:59 CET");
        assert_eq!(
            fr.deadline(1_766_966_400, &TimeZone::get("Africa/Abidjan").unwrap()),
            "28 décembre 2025 à 24:00 GMT"
        );
        let ym = |s| YearMonth::parse(s).unwrap();
        assert_eq!(fr.month_span(ym("2016-09"), ym("2017-06")), "Septembre 2016 – Juin 2017");
    }
}
