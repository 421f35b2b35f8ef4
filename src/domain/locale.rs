//! The languages of the interface: French first, English second.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Fr,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Fr, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    /// Parses a language tag such as `fr`, `fr-SN` or `EN_gb`.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Locale::Fr),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header, honouring
    /// q-values; `None` when the header names none we support.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (pos, item) in accept_language.split(',').enumerate().take(32) {
            let mut parts = item.split(';');
            let Some(locale) = parts.next().and_then(Locale::parse) else { continue };
            let q = parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            if q <= 0.0 || q.is_nan() {
                continue;
            }
            // Higher q wins; on a tie the earlier entry wins.
            if best.is_none_or(|(bq, _, _)| q > bq) {
                best = Some((q, pos, locale));
            }
        }
        best.map(|(_, _, l)| l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        assert_eq!(Locale::negotiate("en-GB,en;q=0.9,fr;q=0.8"), Some(Locale::En));
        assert_eq!(Locale::negotiate("fr-SN, en;q=0.5"), Some(Locale::Fr));
        assert_eq!(Locale::negotiate("wo, en;q=0.3, fr;q=0.7"), Some(Locale::Fr));
        assert_eq!(Locale::negotiate("de, es"), None);
        assert_eq!(Locale::negotiate("en;q=0, fr;q=0.1"), Some(Locale::Fr));
        assert_eq!(Locale::negotiate(""), None);
        assert_eq!(Locale::parse("EN_gb"), Some(Locale::En));
    }
}
