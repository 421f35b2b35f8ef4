//! Eligibility rules of a call, evaluated on an applicant's answers: an age range on a
//! given date, allowed countries, required languages, and custom rules on any answer. The
//! applicant sees which rule she fails before she submits; managers may override with a
//! reason (recorded by the store).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::form::Answers;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    /// Age between `min` and `max` (inclusive) on `on`, read from the date question `question`.
    pub age: Option<AgeRule>,
    /// The country question and the countries allowed (ISO codes).
    pub countries: Option<ListRule>,
    /// The languages question and the languages every applicant must have ticked.
    pub languages: Option<ListRule>,
    /// Any other answer that must be among `allowed`.
    #[serde(default)]
    pub custom: Vec<CustomRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgeRule {
    pub question: String,
    pub min: u8,
    pub max: u8,
    pub on: Date,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListRule {
    pub question: String,
    pub values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomRule {
    pub question: String,
    pub allowed: Vec<String>,
    /// What the applicant reads when she fails it, in French and English.
    pub message: String,
    #[serde(default)]
    pub message_en: String,
}

/// A failed rule, with what to tell the applicant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    Age { min: u8, max: u8, on: Date },
    Country { allowed: Vec<String> },
    Language { required: Vec<String> },
    Custom { message: String, message_en: String },
}

/// Full years between a birth date and a day.
pub fn age_on(birth: Date, day: Date) -> i64 {
    let mut years = day.year() as i64 - birth.year() as i64;
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

fn values(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => vec![],
    }
}

impl Rules {
    /// The rules the answers fail. Unanswered questions fail nothing here: the form's
    /// required flags deal with them.
    pub fn evaluate(&self, answers: &Answers) -> Vec<Failure> {
        let mut out = vec![];
        if let Some(r) = &self.age {
            let birth = answers.get(&r.question).and_then(|v| v.as_str()).and_then(|s| s.parse::<Date>().ok());
            if let Some(b) = birth {
                let age = age_on(b, r.on);
                if age < r.min as i64 || age > r.max as i64 {
                    out.push(Failure::Age { min: r.min, max: r.max, on: r.on });
                }
            }
        }
        if let Some(r) = &self.countries {
            let given = values(answers.get(&r.question));
            if given.iter().any(|c| !r.values.contains(c)) {
                out.push(Failure::Country { allowed: r.values.clone() });
            }
        }
        if let Some(r) = &self.languages {
            let given = values(answers.get(&r.question));
            if !given.is_empty() && r.values.iter().any(|l| !given.contains(l)) {
                out.push(Failure::Language { required: r.values.clone() });
            }
        }
        for c in &self.custom {
            let given = values(answers.get(&c.question));
            if !given.is_empty() && given.iter().any(|v| !c.allowed.contains(v)) {
                out.push(Failure::Custom { message: c.message.clone(), message_en: c.message_en.clone() });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules() -> Rules {
        Rules {
            age: Some(AgeRule { question: "born".into(), min: 18, max: 35, on: "2025-12-28".parse().unwrap() }),
            countries: Some(ListRule {
                question: "country".into(),
                values: vec!["SN".into(), "BJ".into(), "CI".into()],
            }),
            languages: Some(ListRule { question: "languages".into(), values: vec!["fr".into()] }),
            custom: vec![CustomRule {
                question: "has_project".into(),
                allowed: vec!["yes".into()],
                message: "Il faut porter un projet.".into(),
                message_en: "You need a project.".into(),
            }],
        }
    }

    fn answers(v: serde_json::Value) -> Answers {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn ages_are_counted_in_full_years_on_the_reference_day() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(age_on(d("2007-12-28"), d("2025-12-28")), 18);
        assert_eq!(age_on(d("2007-12-29"), d("2025-12-28")), 17);
        assert_eq!(age_on(d("1990-12-28"), d("2025-12-28")), 35);
        assert_eq!(age_on(d("1990-12-27"), d("2025-12-28")), 35);
        assert_eq!(age_on(d("1989-12-28"), d("2025-12-28")), 36);
    }

    #[test]
    fn an_eligible_applicant_fails_nothing() {
        let a =
            answers(json!({"born": "2000-05-01", "country": "SN", "languages": ["fr", "wo"], "has_project": "yes"}));
        assert!(rules().evaluate(&a).is_empty());
    }

    #[test]
    fn each_failed_rule_is_named() {
        let a = answers(json!({"born": "2008-01-01", "country": "FR", "languages": ["en"], "has_project": "no"}));
        let f = rules().evaluate(&a);
        assert_eq!(f.len(), 4);
        assert!(matches!(f[0], Failure::Age { min: 18, max: 35, .. }));
        assert!(matches!(&f[1], Failure::Country { allowed } if allowed.len() == 3));
        assert!(matches!(&f[2], Failure::Language { .. }));
        assert!(matches!(&f[3], Failure::Custom { message, .. } if message.contains("projet")));
        assert!(rules().evaluate(&Answers::new()).is_empty(), "nothing answered yet: nothing failed");
    }
}
