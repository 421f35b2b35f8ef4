//! Application forms: sections of typed questions (French labels, optional English ones),
//! conditional questions, and the checking of answers against them. A form is stored as
//! JSON with each call (versioned by the store), so these types are its schema.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::attachment::{self, FileType};
use super::email::Email;
use super::programme::Country;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// Stable value stored in answers.
    pub value: String,
    pub label: String,
    #[serde(default)]
    pub label_en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    ShortText {
        max_chars: u32,
    },
    LongText {
        max_words: Option<u32>,
        max_chars: Option<u32>,
    },
    SingleChoice {
        options: Vec<Choice>,
    },
    MultipleChoice {
        options: Vec<Choice>,
        max_selected: Option<u32>,
    },
    Number {
        min: Option<i64>,
        max: Option<i64>,
    },
    Date,
    Country,
    Email,
    /// International format (E.164), e.g. +221771234567.
    Phone,
    Url,
    /// Accepted types and size limit; the answer is the id of a file the applicant sent
    /// (see `attachment`), checked against her own files when she saves.
    File {
        types: Vec<FileType>,
        max_bytes: u64,
    },
    YesNo,
}

/// Show a question only when an earlier one has a given answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub question: String,
    pub equals: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub label_en: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub help_en: String,
    #[serde(default)]
    pub required: bool,
    pub kind: Kind,
    #[serde(default)]
    pub show_if: Option<Condition>,
    /// Hidden from reviewers when the call is blind (name, photo, gender, e-mail...).
    #[serde(default)]
    pub identifying: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub title_en: String,
    pub questions: Vec<Question>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Form {
    pub sections: Vec<Section>,
}

/// Answers by question id: a string, a list of strings (multiple choice) or a number.
pub type Answers = BTreeMap<String, Value>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerError {
    Required,
    TooLong,
    TooManyWords,
    NotAChoice,
    TooManyChoices,
    NotANumber,
    OutOfRange,
    BadDate,
    BadCountry,
    BadEmail,
    BadPhone,
    BadUrl,
    BadYesNo,
    UnknownQuestion,
    /// Not one of the files this applicant sent for this question.
    UnknownFile,
    FileType,
    FileTooLarge,
    EmptyFile,
}

impl AnswerError {
    pub fn message_key(self) -> &'static str {
        match self {
            AnswerError::Required => "error.answer.required",
            AnswerError::TooLong => "error.answer.too_long",
            AnswerError::TooManyWords => "error.answer.too_many_words",
            AnswerError::NotAChoice => "error.answer.not_a_choice",
            AnswerError::TooManyChoices => "error.answer.too_many_choices",
            AnswerError::NotANumber => "error.answer.not_a_number",
            AnswerError::OutOfRange => "error.answer.out_of_range",
            AnswerError::BadDate => "error.answer.date",
            AnswerError::BadCountry => "error.programme.country",
            AnswerError::BadEmail => "error.email.invalid",
            AnswerError::BadPhone => "error.answer.phone",
            AnswerError::BadUrl => "error.answer.url",
            AnswerError::BadYesNo => "error.answer.yes_no",
            AnswerError::UnknownQuestion => "error.answer.unknown_question",
            AnswerError::UnknownFile => "error.answer.unknown_file",
            AnswerError::FileType => "error.answer.file_type",
            AnswerError::FileTooLarge => "error.answer.file_too_large",
            AnswerError::EmptyFile => "error.answer.empty_file",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    #[error("question or section id {0:?} is used twice")]
    DuplicateId(String),
    #[error("question {0:?} has an empty label")]
    EmptyLabel(String),
    #[error("question {0:?} offers no choice")]
    NoChoice(String),
    #[error("question {0:?} depends on a question that does not come before it")]
    BadCondition(String),
    #[error("question {0:?} has a minimum above its maximum")]
    BadRange(String),
    #[error("question {0:?} accepts no file type or has a size limit out of bounds")]
    BadFileLimits(String),
}

/// Text as a person typed it, or nothing.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().replace("\r\n", "\n")),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.into()),
        _ => None,
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(text).collect(),
        other => text(other).into_iter().collect(),
    }
}

fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.iter().all(|x| text(x).is_none()),
        _ => false,
    }
}

/// E.164: a plus, then 8 to 15 digits, the first not zero; spaces, dots and dashes ignored.
pub fn parse_phone(s: &str) -> Option<String> {
    let compact: String = s.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let digits = compact.strip_prefix('+')?;
    let ok = (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
    ok.then_some(compact)
}

impl Question {
    /// Checks and normalises one non-empty answer.
    fn check(&self, v: &Value) -> Result<Value, AnswerError> {
        let one = || text(v).ok_or(AnswerError::Required);
        match &self.kind {
            Kind::ShortText { max_chars } => {
                let s = one()?;
                if s.chars().count() > *max_chars as usize || s.contains('\n') {
                    return Err(AnswerError::TooLong);
                }
                Ok(Value::String(s))
            }
            Kind::LongText { max_words, max_chars } => {
                let s = one()?;
                if max_chars.is_some_and(|m| s.chars().count() > m as usize) {
                    return Err(AnswerError::TooLong);
                }
                if max_words.is_some_and(|m| s.split_whitespace().count() > m as usize) {
                    return Err(AnswerError::TooManyWords);
                }
                Ok(Value::String(s))
            }
            Kind::SingleChoice { options } => {
                let s = one()?;
                options
                    .iter()
                    .find(|o| o.value == s)
                    .map(|o| Value::String(o.value.clone()))
                    .ok_or(AnswerError::NotAChoice)
            }
            Kind::MultipleChoice { options, max_selected } => {
                let mut chosen = strings(v);
                chosen.sort();
                chosen.dedup();
                if chosen.iter().any(|c| !options.iter().any(|o| o.value == *c)) {
                    return Err(AnswerError::NotAChoice);
                }
                if max_selected.is_some_and(|m| chosen.len() > m as usize) {
                    return Err(AnswerError::TooManyChoices);
                }
                Ok(Value::Array(chosen.into_iter().map(Value::String).collect()))
            }
            Kind::Number { min, max } => {
                let n: i64 =
                    one()?.replace([' ', '\u{202f}', '\u{a0}'], "").parse().map_err(|_| AnswerError::NotANumber)?;
                if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                    return Err(AnswerError::OutOfRange);
                }
                Ok(Value::from(n))
            }
            Kind::Date => {
                let d: jiff::civil::Date = one()?.parse().map_err(|_| AnswerError::BadDate)?;
                Ok(Value::String(d.to_string()))
            }
            Kind::Country => {
                Country::parse(&one()?).map(|c| Value::String(c.code().into())).ok_or(AnswerError::BadCountry)
            }
            Kind::Email => {
                Email::parse(&one()?).map(|e| Value::String(e.as_str().into())).map_err(|_| AnswerError::BadEmail)
            }
            Kind::Phone => parse_phone(&one()?).map(Value::String).ok_or(AnswerError::BadPhone),
            Kind::Url => {
                let s = one()?;
                match url::Url::parse(&s) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                        Ok(Value::String(u.to_string()))
                    }
                    _ => Err(AnswerError::BadUrl),
                }
            }
            // The file itself is checked when it arrives; here, the shape of its id.
            Kind::File { .. } => {
                let id = one()?;
                if attachment::is_id(&id) {
                    Ok(Value::String(id))
                } else {
                    Err(AnswerError::UnknownFile)
                }
            }
            Kind::YesNo => match one()?.to_ascii_lowercase().as_str() {
                "yes" | "oui" | "true" => Ok(Value::String("yes".into())),
                "no" | "non" | "false" => Ok(Value::String("no".into())),
                _ => Err(AnswerError::BadYesNo),
            },
        }
    }
}

impl Form {
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// Whether a question applies, given the answers so far.
    pub fn is_shown(&self, q: &Question, answers: &Answers) -> bool {
        match &q.show_if {
            None => true,
            Some(c) => answers.get(&c.question).is_some_and(|v| strings(v).contains(&c.equals)),
        }
    }

    /// Checks a form definition made by a manager.
    pub fn validate_definition(&self) -> Result<(), DefinitionError> {
        let mut seen = std::collections::HashSet::new();
        for s in &self.sections {
            if !seen.insert(format!("section:{}", s.id)) {
                return Err(DefinitionError::DuplicateId(s.id.clone()));
            }
        }
        let mut before: Vec<&str> = vec![];
        for q in self.questions() {
            if !seen.insert(q.id.clone()) {
                return Err(DefinitionError::DuplicateId(q.id.clone()));
            }
            if q.label.trim().is_empty() {
                return Err(DefinitionError::EmptyLabel(q.id.clone()));
            }
            match &q.kind {
                Kind::SingleChoice { options } | Kind::MultipleChoice { options, .. } if options.is_empty() => {
                    return Err(DefinitionError::NoChoice(q.id.clone()))
                }
                Kind::Number { min: Some(a), max: Some(b) } if a > b => {
                    return Err(DefinitionError::BadRange(q.id.clone()))
                }
                Kind::File { types, max_bytes }
                    if types.is_empty()
                        || !(attachment::MIN_FILE_BYTES..=attachment::MAX_FILE_BYTES).contains(max_bytes) =>
                {
                    return Err(DefinitionError::BadFileLimits(q.id.clone()))
                }
                _ => {}
            }
            if let Some(c) = &q.show_if {
                if !before.contains(&c.question.as_str()) {
                    return Err(DefinitionError::BadCondition(q.id.clone()));
                }
            }
            before.push(&q.id);
        }
        Ok(())
    }

    /// Checks answers. With `complete` (a submission) required questions must be answered;
    /// without (a draft) anything may be missing but what is there must be well-formed.
    /// Answers to hidden questions are dropped; unknown question ids are refused.
    pub fn check(&self, answers: &Answers, complete: bool) -> Result<Answers, BTreeMap<String, AnswerError>> {
        let mut errors = BTreeMap::new();
        for id in answers.keys() {
            if self.question(id).is_none() {
                errors.insert(id.clone(), AnswerError::UnknownQuestion);
            }
        }
        let mut clean = Answers::new();
        for q in self.questions() {
            if !self.is_shown(q, &clean) {
                continue;
            }
            let given = answers.get(&q.id);
            if is_empty(given) {
                if complete && q.required {
                    errors.insert(q.id.clone(), AnswerError::Required);
                }
                continue;
            }
            match q.check(given.expect("not empty")) {
                Ok(v) => {
                    clean.insert(q.id.clone(), v);
                }
                Err(e) => {
                    errors.insert(q.id.clone(), e);
                }
            }
        }
        if errors.is_empty() {
            Ok(clean)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn q(id: &str, required: bool, kind: Kind) -> Question {
        Question {
            id: id.into(),
            label: id.into(),
            label_en: String::new(),
            help: String::new(),
            help_en: String::new(),
            required,
            kind,
            show_if: None,
            identifying: false,
        }
    }

    fn form() -> Form {
        let mut team = q("team_size", true, Kind::Number { min: Some(2), max: Some(5) });
        team.show_if = Some(Condition { question: "in_team".into(), equals: "yes".into() });
        Form {
            sections: vec![Section {
                id: "about".into(),
                title: "Vous".into(),
                title_en: "You".into(),
                questions: vec![
                    q("name", true, Kind::ShortText { max_chars: 100 }),
                    q("pitch", true, Kind::LongText { max_words: Some(5), max_chars: None }),
                    q(
                        "theme",
                        false,
                        Kind::SingleChoice {
                            options: vec![Choice {
                                value: "media".into(),
                                label: "Médias".into(),
                                label_en: String::new(),
                            }],
                        },
                    ),
                    q("country", true, Kind::Country),
                    q("phone", false, Kind::Phone),
                    q("site", false, Kind::Url),
                    q("born", true, Kind::Date),
                    q("in_team", true, Kind::YesNo),
                    team,
                ],
            }],
        }
    }

    #[test]
    fn a_complete_application() {
        let a: Answers = serde_json::from_value(json!({
            "name": " Awa ", "pitch": "Une radio pour mon quartier", "country": "sn", "phone": "+221 77 123 45 67",
            "site": "https://example.org", "born": "1998-04-02", "in_team": "oui", "team_size": "3"
        }))
        .unwrap();
        let clean = form().check(&a, true).unwrap();
        assert_eq!(clean["name"], "Awa");
        assert_eq!(clean["country"], "SN");
        assert_eq!(clean["phone"], "+221771234567");
        assert_eq!(clean["in_team"], "yes");
        assert_eq!(clean["team_size"], 3);
    }

    #[test]
    fn every_problem_at_once_and_drafts_may_be_partial() {
        let a: Answers = serde_json::from_value(json!({
            "pitch": "un deux trois quatre cinq six", "theme": "sport", "country": "XX", "phone": "0771234567",
            "site": "javascript:alert(1)", "born": "1998-02-30", "in_team": "yes", "team_size": "9", "hack": "x"
        }))
        .unwrap();
        let e = form().check(&a, true).unwrap_err();
        assert_eq!(e["name"], AnswerError::Required);
        assert_eq!(e["pitch"], AnswerError::TooManyWords);
        assert_eq!(e["theme"], AnswerError::NotAChoice);
        assert_eq!(e["country"], AnswerError::BadCountry);
        assert_eq!(e["phone"], AnswerError::BadPhone);
        assert_eq!(e["site"], AnswerError::BadUrl);
        assert_eq!(e["born"], AnswerError::BadDate);
        assert_eq!(e["team_size"], AnswerError::OutOfRange);
        assert_eq!(e["hack"], AnswerError::UnknownQuestion);
        // A draft with only a name is fine.
        let draft: Answers = serde_json::from_value(json!({"name": "Awa"})).unwrap();
        assert!(form().check(&draft, false).is_ok());
        assert_eq!(form().check(&draft, true).unwrap_err()["pitch"], AnswerError::Required);
    }

    #[test]
    fn hidden_questions_are_neither_required_nor_kept() {
        let a: Answers = serde_json::from_value(json!({
            "name": "Awa", "pitch": "Radio", "country": "SN", "born": "1998-04-02", "in_team": "no", "team_size": "99"
        }))
        .unwrap();
        let clean = form().check(&a, true).unwrap();
        assert!(!clean.contains_key("team_size"));
    }

    #[test]
    fn definitions_are_checked() {
        assert!(form().validate_definition().is_ok());
        let mut f = form();
        f.sections[0].questions.push(q("name", false, Kind::Email));
        assert_eq!(f.validate_definition(), Err(DefinitionError::DuplicateId("name".into())));
        let mut f = form();
        f.sections[0].questions[0].show_if = Some(Condition { question: "in_team".into(), equals: "yes".into() });
        assert_eq!(f.validate_definition(), Err(DefinitionError::BadCondition("name".into())));
        let json = serde_json::to_string(&form()).unwrap();
        assert_eq!(serde_json::from_str::<Form>(&json).unwrap(), form(), "stored as JSON and read back");
    }

    proptest! {
        #[test]
        fn any_answers_are_handled_without_panic(name in "\\PC{0,50}", n in "\\PC{0,12}", phone in "[+0-9 ]{0,20}") {
            let a: Answers = serde_json::from_value(json!({"name": name, "team_size": n, "phone": phone, "in_team": "yes"})).unwrap();
            let _ = form().check(&a, true);
            let _ = form().check(&a, false);
        }

        #[test]
        fn e164_numbers_round_trip(digits in "[1-9][0-9]{7,14}") {
            let p = format!("+{digits}");
            prop_assert_eq!(parse_phone(&p), Some(p.clone()));
        }
    }
}
