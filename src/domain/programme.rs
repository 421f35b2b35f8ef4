//! What a programme is made of: themes, status, phases, countries, and the rules on them.

use super::time::YearMonth;

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Option<$name> {
                match code.trim() { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Catalogue key of the label, e.g. `theme.numerique`.
            pub fn label_key(self) -> String {
                format!("{}.{}", stringify!($name).to_ascii_lowercase(), self.code())
            }
        }
    };
}

code_enum!(
    /// Themes under which the report groups programmes.
    Theme {
        Gouvernance = "gouvernance",
        Jeunesse = "jeunesse",
        Numerique = "numerique",
        Egalite = "egalite",
        Medias = "medias",
        Education = "education",
        Culture = "culture",
        Entrepreneuriat = "entrepreneuriat",
        Sante = "sante",
        Environnement = "environnement",
    }
);

code_enum!(
    /// Where a programme stands.
    Status {
        Planned = "planned",
        Active = "active",
        Completed = "completed",
        Archived = "archived",
    }
);

code_enum!(
    /// The kinds of phases a programme goes through.
    PhaseKind {
        Call = "call",
        OnlineCourse = "online_course",
        Coaching = "coaching",
        Internship = "internship",
        Camp = "camp",
        Residency = "residency",
        FinalSession = "final_session",
        Incubation = "incubation",
        Alumni = "alumni",
    }
);

code_enum!(
    /// The African Union's five regions, and "other" for countries outside Africa: what a
    /// selection's regional minimums count (see `Country::region`).
    Region {
        North = "north",
        West = "west",
        Central = "central",
        East = "east",
        Southern = "southern",
        Other = "other",
    }
);

/// Parses a comma-separated list of codes, refusing unknown ones; sorted, no duplicates.
pub fn parse_codes<T: Copy + Ord>(input: &[String], parse: impl Fn(&str) -> Option<T>) -> Result<Vec<T>, String> {
    let mut out = vec![];
    for raw in input.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
        out.push(parse(raw).ok_or_else(|| raw.to_owned())?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// An ISO 3166-1 alpha-2 country code among those Tremplin knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country(&'static str);

impl Country {
    pub fn parse(code: &str) -> Option<Country> {
        let up = code.trim().to_ascii_uppercase();
        COUNTRIES.iter().find(|(c, _, _)| *c == up).map(|(c, _, _)| Country(c))
    }
    pub fn code(self) -> &'static str {
        self.0
    }
    /// The African Union region of the country (`Other` outside Africa).
    pub fn region(self) -> Region {
        match self.0 {
            "DZ" | "EG" | "LY" | "MR" | "MA" | "TN" => Region::North,
            "BJ" | "BF" | "CV" | "CI" | "GM" | "GH" | "GN" | "GW" | "LR" | "ML" | "NE" | "NG" | "SN" | "SL" | "TG" => {
                Region::West
            }
            "BI" | "CM" | "CF" | "TD" | "CG" | "CD" | "GQ" | "GA" | "ST" => Region::Central,
            "KM" | "DJ" | "ER" | "ET" | "KE" | "MG" | "MU" | "RW" | "SC" | "SO" | "SS" | "SD" | "TZ" | "UG" => {
                Region::East
            }
            "AO" | "BW" | "SZ" | "LS" | "MW" | "MZ" | "NA" | "ZA" | "ZM" | "ZW" => Region::Southern,
            _ => Region::Other,
        }
    }
    pub fn name(self, english: bool) -> &'static str {
        COUNTRIES
            .iter()
            .find(|(c, _, _)| *c == self.0)
            .map(|(_, fr, en)| if english { *en } else { *fr })
            .unwrap_or(self.0)
    }
}

/// Africa, the countries where partner programmes run, and a few others; (code, French, English).
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("DZ", "Algérie", "Algeria"),
    ("AO", "Angola", "Angola"),
    ("BJ", "Bénin", "Benin"),
    ("BW", "Botswana", "Botswana"),
    ("BF", "Burkina Faso", "Burkina Faso"),
    ("BI", "Burundi", "Burundi"),
    ("CV", "Cap-Vert", "Cape Verde"),
    ("CM", "Cameroun", "Cameroon"),
    ("CF", "République centrafricaine", "Central African Republic"),
    ("TD", "Tchad", "Chad"),
    ("KM", "Comores", "Comoros"),
    ("CG", "Congo", "Congo"),
    ("CD", "République démocratique du Congo", "Democratic Republic of the Congo"),
    ("CI", "Côte d’Ivoire", "Côte d’Ivoire"),
    ("DJ", "Djibouti", "Djibouti"),
    ("EG", "Égypte", "Egypt"),
    ("GQ", "Guinée équatoriale", "Equatorial Guinea"),
    ("ER", "Érythrée", "Eritrea"),
    ("SZ", "Eswatini", "Eswatini"),
    ("ET", "Éthiopie", "Ethiopia"),
    ("GA", "Gabon", "Gabon"),
    ("GM", "Gambie", "Gambia"),
    ("GH", "Ghana", "Ghana"),
    ("GN", "Guinée", "Guinea"),
    ("GW", "Guinée-Bissau", "Guinea-Bissau"),
    ("KE", "Kenya", "Kenya"),
    ("LS", "Lesotho", "Lesotho"),
    ("LR", "Liberia", "Liberia"),
    ("LY", "Libye", "Libya"),
    ("MG", "Madagascar", "Madagascar"),
    ("MW", "Malawi", "Malawi"),
    ("ML", "Mali", "Mali"),
    ("MR", "Mauritanie", "Mauritania"),
    ("MU", "Maurice", "Mauritius"),
    ("MA", "Maroc", "Morocco"),
    ("MZ", "Mozambique", "Mozambique"),
    ("NA", "Namibie", "Namibia"),
    ("NE", "Niger", "Niger"),
    ("NG", "Nigeria", "Nigeria"),
    ("RW", "Rwanda", "Rwanda"),
    ("ST", "Sao Tomé-et-Principe", "São Tomé and Príncipe"),
    ("SN", "Sénégal", "Senegal"),
    ("SC", "Seychelles", "Seychelles"),
    ("SL", "Sierra Leone", "Sierra Leone"),
    ("SO", "Somalie", "Somalia"),
    ("ZA", "Afrique du Sud", "South Africa"),
    ("SS", "Soudan du Sud", "South Sudan"),
    ("SD", "Soudan", "Sudan"),
    ("TZ", "Tanzanie", "Tanzania"),
    ("TG", "Togo", "Togo"),
    ("TN", "Tunisie", "Tunisia"),
    ("UG", "Ouganda", "Uganda"),
    ("ZM", "Zambie", "Zambia"),
    ("ZW", "Zimbabwe", "Zimbabwe"),
    ("FR", "France", "France"),
    ("BE", "Belgique", "Belgium"),
    ("CH", "Suisse", "Switzerland"),
    ("CA", "Canada", "Canada"),
    ("HT", "Haïti", "Haiti"),
    ("LB", "Liban", "Lebanon"),
    ("MM", "Birmanie (Myanmar)", "Myanmar"),
    ("KH", "Cambodge", "Cambodia"),
    ("LA", "Laos", "Laos"),
    ("VN", "Viêt Nam", "Vietnam"),
    ("JO", "Jordanie", "Jordan"),
    ("PS", "Palestine", "Palestine"),
    ("IQ", "Irak", "Iraq"),
    ("SY", "Syrie", "Syria"),
    ("AF", "Afghanistan", "Afghanistan"),
    ("UA", "Ukraine", "Ukraine"),
    ("AM", "Arménie", "Armenia"),
    ("GE", "Géorgie", "Georgia"),
];

/// A programme's calendar: the end month may not precede the start month.
pub fn check_span(start: YearMonth, end: YearMonth) -> Result<(), &'static str> {
    if end < start {
        Err("error.programme.end_before_start")
    } else {
        Ok(())
    }
}

/// Whether a programme whose calendar is `start`–`end` was active during `year`.
pub fn active_in(start: YearMonth, end: YearMonth, year: i16) -> bool {
    start.year <= year && year <= end.year
}

/// A text in French with an optional English translation; pages fall back to French.
pub fn localized<'a>(fr: &'a str, en: &'a str, english: bool) -> &'a str {
    if english && !en.trim().is_empty() {
        en
    } else {
        fr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for t in Theme::ALL {
            assert_eq!(Theme::parse(t.code()), Some(*t));
        }
        assert_eq!(Theme::Numerique.label_key(), "theme.numerique");
        assert_eq!(PhaseKind::FinalSession.label_key(), "phasekind.final_session");
        assert_eq!(
            parse_codes(&["jeunesse, numerique".into(), "jeunesse".into()], Theme::parse),
            Ok(vec![Theme::Jeunesse, Theme::Numerique])
        );
        assert_eq!(parse_codes(&["jeunesse,astrologie".into()], Theme::parse), Err("astrologie".into()));
        assert_eq!(Country::parse("sn").map(|c| c.name(false)), Some("Sénégal"));
        assert!(Country::parse("XX").is_none());
        let mut codes: Vec<&str> = COUNTRIES.iter().map(|c| c.0).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), COUNTRIES.len(), "no duplicate country");
    }

    #[test]
    fn every_african_country_has_its_region() {
        assert_eq!(Country::parse("SN").map(Country::region), Some(Region::West));
        assert_eq!(Country::parse("CD").map(Country::region), Some(Region::Central));
        assert_eq!(Country::parse("TN").map(Country::region), Some(Region::North));
        assert_eq!(Country::parse("FR").map(Country::region), Some(Region::Other));
        // Everything listed before France is in Africa, so none of it may fall to "other".
        let africa = COUNTRIES.iter().take_while(|c| c.0 != "FR");
        assert_eq!(africa.clone().count(), 54);
        for (code, ..) in africa {
            assert_ne!(Country::parse(code).map(Country::region), Some(Region::Other), "{code}");
        }
    }

    #[test]
    fn calendar_rules() {
        let ym = |s| YearMonth::parse(s).unwrap();
        assert!(check_span(ym("2016-09"), ym("2017-06")).is_ok());
        assert!(check_span(ym("2017-06"), ym("2016-09")).is_err());
        assert!(active_in(ym("2016-09"), ym("2017-06"), 2016));
        assert!(active_in(ym("2016-09"), ym("2017-06"), 2017));
        assert!(!active_in(ym("2016-09"), ym("2017-06"), 2015));
        assert_eq!(localized("Bonjour", " ", true), "Bonjour");
        assert_eq!(localized("Bonjour", "Hello", true), "Hello");
    }
}
