//! Indicators for donors: how many people reached each stage of a programme, broken down
//! by gender and by country. Only counts leave this module; never a person.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    Applicants,
    Selected,
    Completed,
    Certified,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::Applicants, Stage::Selected, Stage::Completed, Stage::Certified];
    pub fn code(self) -> &'static str {
        match self {
            Stage::Applicants => "applicants",
            Stage::Selected => "selected",
            Stage::Completed => "completed",
            Stage::Certified => "certified",
        }
    }
}

/// A self-declared gender as stored on the account; unknown values count as undisclosed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gender {
    Female,
    Male,
    Other,
    Undisclosed,
}

impl Gender {
    pub const ALL: [Gender; 4] = [Gender::Female, Gender::Male, Gender::Other, Gender::Undisclosed];
    pub fn parse(s: &str) -> Gender {
        match s {
            "female" => Gender::Female,
            "male" => Gender::Male,
            "other" => Gender::Other,
            _ => Gender::Undisclosed,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
            Gender::Undisclosed => "undisclosed",
        }
    }
}

/// One count: so many people of this gender and country reached this stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    pub programme: String,
    pub year: i64,
    pub stage: Stage,
    pub gender: Gender,
    /// ISO code, or "" when not declared.
    pub country: String,
    pub people: i64,
}

/// Totals of one programme and year: per stage, by gender and by country.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Breakdown {
    pub by_gender: BTreeMap<(Stage, Gender), i64>,
    pub by_country: BTreeMap<(Stage, String), i64>,
    pub per_stage: BTreeMap<Stage, i64>,
}

impl Breakdown {
    pub fn gender(&self, stage: Stage, g: Gender) -> i64 {
        self.by_gender.get(&(stage, g)).copied().unwrap_or(0)
    }
    pub fn stage(&self, stage: Stage) -> i64 {
        self.per_stage.get(&stage).copied().unwrap_or(0)
    }
    /// Share of women among the people of a stage, in per cent (integer), when any.
    pub fn women_percent(&self, stage: Stage) -> Option<i64> {
        let total = self.stage(stage);
        (total > 0).then(|| self.gender(stage, Gender::Female) * 100 / total)
    }
}

/// Groups counts per (programme, year).
pub fn breakdown(counts: &[Count]) -> BTreeMap<(String, i64), Breakdown> {
    let mut out: BTreeMap<(String, i64), Breakdown> = BTreeMap::new();
    for c in counts {
        let b = out.entry((c.programme.clone(), c.year)).or_default();
        *b.by_gender.entry((c.stage, c.gender)).or_default() += c.people;
        *b.by_country.entry((c.stage, c.country.clone())).or_default() += c.people;
        *b.per_stage.entry(c.stage).or_default() += c.people;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakdowns_add_up() {
        let c = |g, country: &str, people| Count {
            programme: "cc".into(),
            year: 2016,
            stage: Stage::Selected,
            gender: g,
            country: country.into(),
            people,
        };
        let b = breakdown(&[c(Gender::Female, "SN", 2), c(Gender::Male, "SN", 1), c(Gender::Female, "BJ", 1)]);
        let b = &b[&("cc".to_owned(), 2016)];
        assert_eq!(b.stage(Stage::Selected), 4);
        assert_eq!(b.gender(Stage::Selected, Gender::Female), 3);
        assert_eq!(b.by_country[&(Stage::Selected, "SN".to_owned())], 3);
        assert_eq!(b.women_percent(Stage::Selected), Some(75));
        assert_eq!(b.women_percent(Stage::Certified), None);
        assert_eq!(Gender::parse("zz"), Gender::Undisclosed);
    }
}
