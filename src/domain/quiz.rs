//! The quiz of a module: single-choice, multiple-choice and short-answer questions graded
//! automatically, with feedback for each option, a pass mark and a limit on attempts. A quiz
//! is stored as JSON with its module, so these types are its schema.
//!
//! Grading rules:
//! - every question is worth its `points` (1 by default); the score is the share of points
//!   earned, from 0 to 100;
//! - single choice: all the points for the correct option, none otherwise;
//! - multiple choice, partial credit: `(correct options chosen − wrong options chosen) /
//!   correct options`, never below 0. Ticking everything therefore earns nothing on a
//!   question with as many wrong options as right ones, and the full points need exactly
//!   the correct options;
//! - short answer: right when, once case, accents and spaces are folded ("  Côte d'IVOIRE"
//!   is "cote d'ivoire", and a typographic apostrophe is a plain one), it equals one of the
//!   accepted answers folded the same way;
//! - a question left unanswered earns nothing; an answer naming a question or option the
//!   quiz does not have is refused, so a stale or forged form is not graded.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::locale::Locale;
use super::search::fold;

pub const MAX_QUESTIONS: usize = 100;
/// Two floating-point percentages closer than this are equal: 3 points out of 5 is 60%.
const EPSILON: f64 = 1e-9;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// Stable id stored in answers.
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub label_en: String,
    #[serde(default)]
    pub correct: bool,
    /// Shown to whoever chose this option, right or wrong.
    #[serde(default)]
    pub feedback: String,
    #[serde(default)]
    pub feedback_en: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    Single { options: Vec<Choice> },
    Multiple { options: Vec<Choice> },
    Short { accepted: Vec<String> },
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    #[serde(default)]
    pub prompt_en: String,
    pub kind: Kind,
    #[serde(default = "one")]
    pub points: u32,
    /// Shown after the answer whatever it was: why the right answer is right.
    #[serde(default)]
    pub explanation: String,
    #[serde(default)]
    pub explanation_en: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiz {
    pub questions: Vec<Question>,
    /// Passed at this score or above, in percent.
    pub pass_percent: u8,
    /// Attempts allowed to each learner; `None` for as many as they like.
    #[serde(default)]
    pub max_attempts: Option<u32>,
}

/// One answer as the form sends it: an option id or a text, or a list of option ids.
/// A single checked box may arrive as `One`; a single choice as a one-item `Many`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    One(String),
    Many(Vec<String>),
}

/// Answers by question id.
pub type Answers = BTreeMap<String, Answer>;

/// A text to show after grading, in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub text: String,
    #[serde(default)]
    pub text_en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub id: String,
    /// Share of the question's points earned, 0 to 1.
    pub credit: f64,
    /// Full credit.
    pub correct: bool,
    /// The feedback of the options chosen (in option order), then the explanation.
    pub feedback: Vec<Feedback>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Graded {
    /// 0 to 100.
    pub score_percent: f64,
    pub passed: bool,
    /// In quiz order.
    pub per_question: Vec<QuestionResult>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuizError {
    #[error("a quiz needs at least one question")]
    NoQuestion,
    #[error("more than {MAX_QUESTIONS} questions")]
    TooManyQuestions,
    #[error("a question or option has an empty id")]
    EmptyId,
    #[error("question id {0:?} is used twice")]
    DuplicateId(String),
    #[error("question {0:?} has no text")]
    EmptyPrompt(String),
    #[error("question {0:?} offers fewer than two options")]
    TooFewOptions(String),
    #[error("question {0:?} has two options with the same id")]
    DuplicateOption(String),
    #[error("question {0:?} has an option without a label")]
    EmptyOption(String),
    #[error("question {0:?} has no correct option")]
    NoCorrect(String),
    #[error("single-choice question {0:?} has more than one correct option")]
    NotOneCorrect(String),
    #[error("short-answer question {0:?} accepts no answer")]
    NoAcceptedAnswer(String),
    #[error("question {0:?} is worth no points")]
    ZeroPoints(String),
    #[error("the pass mark is above 100%")]
    PassMark,
    #[error("a limit of zero attempts")]
    ZeroAttempts,
}

impl QuizError {
    pub fn message_key(&self) -> &'static str {
        match self {
            QuizError::NoQuestion => "error.quiz.no_question",
            QuizError::TooManyQuestions => "error.quiz.too_many_questions",
            QuizError::EmptyId => "error.quiz.empty_id",
            QuizError::DuplicateId(_) => "error.quiz.duplicate_id",
            QuizError::EmptyPrompt(_) => "error.quiz.empty_prompt",
            QuizError::TooFewOptions(_) => "error.quiz.too_few_options",
            QuizError::DuplicateOption(_) => "error.quiz.duplicate_option",
            QuizError::EmptyOption(_) => "error.quiz.empty_option",
            QuizError::NoCorrect(_) => "error.quiz.no_correct",
            QuizError::NotOneCorrect(_) => "error.quiz.not_one_correct",
            QuizError::NoAcceptedAnswer(_) => "error.quiz.no_accepted_answer",
            QuizError::ZeroPoints(_) => "error.quiz.zero_points",
            QuizError::PassMark => "error.quiz.pass_mark",
            QuizError::ZeroAttempts => "error.quiz.zero_attempts",
        }
    }
}

/// What is wrong with an answer sheet.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("there is no question {0:?} in this quiz")]
    UnknownQuestion(String),
    #[error("question {question:?} has no option {option:?}")]
    UnknownOption { question: String, option: String },
    #[error("question {0:?} takes one choice only")]
    OneChoiceOnly(String),
    #[error("question {0:?} takes a text")]
    TextExpected(String),
}

impl AnswerError {
    pub fn message_key(&self) -> &'static str {
        match self {
            AnswerError::UnknownQuestion(_) => "error.quiz.unknown_question",
            AnswerError::UnknownOption { .. } => "error.quiz.unknown_option",
            AnswerError::OneChoiceOnly(_) => "error.quiz.one_choice_only",
            AnswerError::TextExpected(_) => "error.quiz.text_expected",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AttemptError {
    #[error("all {limit} attempts are used")]
    NoAttemptLeft { limit: u32 },
    #[error("answers sent for attempt {sent}, the attempt in progress is {current}")]
    OtherAttempt { sent: u32, current: u32 },
}

impl AttemptError {
    pub fn message_key(self) -> &'static str {
        match self {
            AttemptError::NoAttemptLeft { .. } => "error.quiz.no_attempt_left",
            AttemptError::OtherAttempt { .. } => "error.quiz.other_attempt",
        }
    }
}

/// The number (from 1) of the attempt a learner may start after `attempts_used`.
pub fn check_attempt(attempts_used: u32, limit: Option<u32>) -> Result<u32, AttemptError> {
    match limit {
        Some(limit) if attempts_used >= limit => Err(AttemptError::NoAttemptLeft { limit }),
        _ => Ok(attempts_used.saturating_add(1)),
    }
}

/// Answers are graded only for the attempt in progress: a page left open on an earlier
/// attempt must not overwrite, or add to, the current one.
pub fn check_same_attempt(sent: u32, current: u32) -> Result<(), AttemptError> {
    if sent == current {
        Ok(())
    } else {
        Err(AttemptError::OtherAttempt { sent, current })
    }
}

/// A short answer as it is compared: folded case and accents, single spaces, no spaces at
/// either end, and one apostrophe (phones often type the typographic ’ for ').
pub fn normalise(s: &str) -> String {
    fold(s).replace(['\u{2019}', '\u{2018}', '\u{02bc}'], "'").split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Feedback {
    fn of(text: &str, text_en: &str) -> Option<Feedback> {
        (!text.trim().is_empty()).then(|| Feedback { text: text.into(), text_en: text_en.into() })
    }

    /// The text in `locale`, French when there is no English.
    pub fn pick(&self, locale: Locale) -> &str {
        match locale {
            Locale::En if !self.text_en.trim().is_empty() => &self.text_en,
            _ => &self.text,
        }
    }
}

fn check_options(q: &Question, options: &[Choice], single: bool) -> Result<(), QuizError> {
    let id = || q.id.clone();
    if options.len() < 2 {
        return Err(QuizError::TooFewOptions(id()));
    }
    let mut seen = BTreeSet::new();
    for o in options {
        if o.id.trim().is_empty() {
            return Err(QuizError::EmptyId);
        }
        if !seen.insert(o.id.as_str()) {
            return Err(QuizError::DuplicateOption(id()));
        }
        if o.label.trim().is_empty() {
            return Err(QuizError::EmptyOption(id()));
        }
    }
    match options.iter().filter(|o| o.correct).count() {
        0 => Err(QuizError::NoCorrect(id())),
        n if single && n > 1 => Err(QuizError::NotOneCorrect(id())),
        _ => Ok(()),
    }
}

/// The option ids of a choice answer, deduplicated; empty strings are no choice.
fn chosen(a: Option<&Answer>) -> BTreeSet<&str> {
    let items: Vec<&String> = match a {
        None => vec![],
        Some(Answer::One(s)) => vec![s],
        Some(Answer::Many(v)) => v.iter().collect(),
    };
    items.into_iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect()
}

impl Question {
    /// Grades one answer: the credit (0 to 1) and the options chosen, in option order.
    fn grade(&self, answer: Option<&Answer>) -> Result<(f64, Vec<&Choice>), AnswerError> {
        match &self.kind {
            Kind::Single { options } | Kind::Multiple { options } => {
                let ids = chosen(answer);
                if let Some(bad) = ids.iter().find(|id| !options.iter().any(|o| o.id == **id)) {
                    return Err(AnswerError::UnknownOption { question: self.id.clone(), option: bad.to_string() });
                }
                let picked: Vec<&Choice> = options.iter().filter(|o| ids.contains(o.id.as_str())).collect();
                let right = picked.iter().filter(|o| o.correct).count() as f64;
                let wrong = picked.len() as f64 - right;
                let credit = if matches!(self.kind, Kind::Single { .. }) {
                    if picked.len() > 1 {
                        return Err(AnswerError::OneChoiceOnly(self.id.clone()));
                    }
                    right
                } else {
                    let correct = options.iter().filter(|o| o.correct).count().max(1) as f64;
                    ((right - wrong) / correct).max(0.0)
                };
                Ok((credit, picked))
            }
            Kind::Short { accepted } => {
                let given = match answer {
                    None => String::new(),
                    Some(Answer::One(s)) => normalise(s),
                    Some(Answer::Many(_)) => return Err(AnswerError::TextExpected(self.id.clone())),
                };
                let right = !given.is_empty() && accepted.iter().any(|a| normalise(a) == given);
                Ok((if right { 1.0 } else { 0.0 }, vec![]))
            }
        }
    }
}

impl Quiz {
    /// Checks a quiz made by a manager: unique non-empty ids, a text for every question,
    /// at least two labelled options and one correct (exactly one for single choice), at
    /// least one accepted short answer, points, a pass mark up to 100% and at least one
    /// attempt when attempts are limited.
    pub fn validate(&self) -> Result<(), QuizError> {
        if self.questions.is_empty() {
            return Err(QuizError::NoQuestion);
        }
        if self.questions.len() > MAX_QUESTIONS {
            return Err(QuizError::TooManyQuestions);
        }
        if self.pass_percent > 100 {
            return Err(QuizError::PassMark);
        }
        if self.max_attempts == Some(0) {
            return Err(QuizError::ZeroAttempts);
        }
        let mut seen = BTreeSet::new();
        for q in &self.questions {
            if q.id.trim().is_empty() {
                return Err(QuizError::EmptyId);
            }
            if !seen.insert(q.id.as_str()) {
                return Err(QuizError::DuplicateId(q.id.clone()));
            }
            if q.prompt.trim().is_empty() {
                return Err(QuizError::EmptyPrompt(q.id.clone()));
            }
            if q.points == 0 {
                return Err(QuizError::ZeroPoints(q.id.clone()));
            }
            match &q.kind {
                Kind::Single { options } => check_options(q, options, true)?,
                Kind::Multiple { options } => check_options(q, options, false)?,
                Kind::Short { accepted } if accepted.iter().all(|a| normalise(a).is_empty()) => {
                    return Err(QuizError::NoAcceptedAnswer(q.id.clone()))
                }
                Kind::Short { .. } => {}
            }
        }
        Ok(())
    }

    /// Grades an answer sheet (see the module documentation for the rules). The first
    /// problem found is returned: unknown questions first, then questions in quiz order.
    pub fn grade(&self, answers: &Answers) -> Result<Graded, AnswerError> {
        if let Some(id) = answers.keys().find(|id| !self.questions.iter().any(|q| &q.id == *id)) {
            return Err(AnswerError::UnknownQuestion(id.clone()));
        }
        let (mut earned, mut total) = (0.0, 0.0);
        let mut per_question = Vec::with_capacity(self.questions.len());
        for q in &self.questions {
            let (credit, picked) = q.grade(answers.get(&q.id))?;
            earned += credit * q.points as f64;
            total += q.points as f64;
            let mut feedback: Vec<Feedback> =
                picked.iter().filter_map(|o| Feedback::of(&o.feedback, &o.feedback_en)).collect();
            feedback.extend(Feedback::of(&q.explanation, &q.explanation_en));
            per_question.push(QuestionResult { id: q.id.clone(), credit, correct: credit >= 1.0 - EPSILON, feedback });
        }
        let score_percent = if total > 0.0 { (100.0 * earned / total).clamp(0.0, 100.0) } else { 0.0 };
        Ok(Graded { score_percent, passed: passes(score_percent, self.pass_percent), per_question })
    }
}

/// Whether a score reaches a mark, both in percent; exact ratios such as 3/5 = 60% reach 60.
pub fn passes(score_percent: f64, mark_percent: u8) -> bool {
    score_percent + EPSILON >= mark_percent as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn choice(id: &str, correct: bool, feedback: &str) -> Choice {
        Choice {
            id: id.into(),
            label: id.to_uppercase(),
            label_en: String::new(),
            correct,
            feedback: feedback.into(),
            feedback_en: String::new(),
        }
    }

    fn question(id: &str, kind: Kind) -> Question {
        Question {
            id: id.into(),
            prompt: format!("Question {id}"),
            prompt_en: String::new(),
            kind,
            points: 1,
            explanation: String::new(),
            explanation_en: String::new(),
        }
    }

    /// Three questions: where Dakar is, what a financing plan holds, which country.
    fn quiz() -> Quiz {
        let mut q1 = question(
            "capitale",
            Kind::Single {
                options: vec![choice("dakar", true, "Oui !"), choice("thies", false, "Non, c'est une autre ville.")],
            },
        );
        q1.explanation = "Dakar est la capitale du Sénégal.".into();
        q1.explanation_en = "Dakar is the capital of Senegal.".into();
        Quiz {
            questions: vec![
                q1,
                question(
                    "plan",
                    Kind::Multiple {
                        options: vec![
                            choice("depenses", true, ""),
                            choice("recettes", true, ""),
                            choice("calendrier", true, ""),
                            choice("slogan", false, "Un slogan n'est pas un chiffre."),
                        ],
                    },
                ),
                question("pays", Kind::Short { accepted: vec!["Côte d'Ivoire".into(), "RCI".into()] }),
            ],
            pass_percent: 60,
            max_attempts: Some(3),
        }
    }

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    fn one(s: &str) -> Answer {
        Answer::One(s.into())
    }

    fn many(v: &[&str]) -> Answer {
        Answer::Many(v.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn the_example_quiz_is_valid_and_round_trips() {
        let q = quiz();
        assert_eq!(q.validate(), Ok(()));
        let json = serde_json::to_string(&q).unwrap();
        assert!(json.contains("\"type\":\"single\""));
        assert_eq!(serde_json::from_str::<Quiz>(&json).unwrap(), q);
        let sheet: Answers = serde_json::from_str(r#"{"capitale":"dakar","plan":["recettes"]}"#).unwrap();
        assert_eq!(sheet["plan"], many(&["recettes"]));
    }

    #[test]
    fn bad_quizzes_are_refused() {
        let with = |f: &dyn Fn(&mut Quiz)| {
            let mut q = quiz();
            f(&mut q);
            q.validate().unwrap_err()
        };
        let options = |q: &mut Quiz, i: usize| -> Vec<Choice> {
            match &mut q.questions[i].kind {
                Kind::Single { options } | Kind::Multiple { options } => std::mem::take(options),
                Kind::Short { .. } => unreachable!(),
            }
        };
        assert_eq!(with(&|q| q.questions.clear()), QuizError::NoQuestion);
        assert_eq!(with(&|q| q.questions = vec![q.questions[2].clone(); 101]), QuizError::TooManyQuestions);
        assert_eq!(with(&|q| q.questions[1].id = "capitale".into()), QuizError::DuplicateId("capitale".into()));
        assert_eq!(with(&|q| q.questions[1].id = "".into()), QuizError::EmptyId);
        assert_eq!(with(&|q| q.questions[2].prompt = " ".into()), QuizError::EmptyPrompt("pays".into()));
        assert_eq!(with(&|q| q.questions[2].points = 0), QuizError::ZeroPoints("pays".into()));
        assert_eq!(with(&|q| q.pass_percent = 101), QuizError::PassMark);
        assert_eq!(with(&|q| q.max_attempts = Some(0)), QuizError::ZeroAttempts);
        assert_eq!(
            with(&|q| {
                let o = options(q, 0);
                q.questions[0].kind = Kind::Single { options: vec![o[0].clone()] }
            }),
            QuizError::TooFewOptions("capitale".into())
        );
        assert_eq!(
            with(
                &|q| q.questions[0].kind = Kind::Single { options: vec![choice("a", true, ""), choice("b", true, "")] }
            ),
            QuizError::NotOneCorrect("capitale".into())
        );
        assert_eq!(
            with(&|q| q.questions[1].kind =
                Kind::Multiple { options: vec![choice("a", false, ""), choice("b", false, "")] }),
            QuizError::NoCorrect("plan".into())
        );
        assert_eq!(
            with(&|q| q.questions[1].kind =
                Kind::Multiple { options: vec![choice("a", true, ""), choice("a", false, "")] }),
            QuizError::DuplicateOption("plan".into())
        );
        assert_eq!(
            with(&|q| {
                let mut o = options(q, 1);
                o[3].label = "".into();
                q.questions[1].kind = Kind::Multiple { options: o }
            }),
            QuizError::EmptyOption("plan".into())
        );
        assert_eq!(
            with(&|q| q.questions[2].kind = Kind::Short { accepted: vec![" ".into()] }),
            QuizError::NoAcceptedAnswer("pays".into())
        );
        assert_eq!(QuizError::NotOneCorrect("x".into()).message_key(), "error.quiz.not_one_correct");
        // A multiple-choice question may have every option correct.
        let mut q = quiz();
        q.questions[1].kind = Kind::Multiple { options: vec![choice("a", true, ""), choice("b", true, "")] };
        assert_eq!(q.validate(), Ok(()));
    }

    #[test]
    fn grading_with_partial_credit_and_feedback() {
        let q = quiz();
        let all_right = answers(&[
            ("capitale", one("dakar")),
            ("plan", many(&["depenses", "recettes", "calendrier"])),
            ("pays", one("  cote D'IVOIRE ")),
        ]);
        let g = q.grade(&all_right).unwrap();
        assert_eq!(g.score_percent, 100.0);
        assert!(g.passed);
        assert!(g.per_question.iter().all(|r| r.correct));
        assert_eq!(
            g.per_question[0].feedback.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(),
            ["Oui !", "Dakar est la capitale du Sénégal."]
        );
        assert_eq!(g.per_question[0].feedback[1].pick(Locale::En), "Dakar is the capital of Senegal.");
        assert_eq!(g.per_question[0].feedback[0].pick(Locale::En), "Oui !");

        // Two right and one wrong of three correct: (2 − 1) / 3.
        let g = q
            .grade(&answers(&[
                ("capitale", one("thies")),
                ("plan", many(&["depenses", "slogan", "recettes"])),
                ("pays", one("rci")),
            ]))
            .unwrap();
        assert!((g.per_question[1].credit - 1.0 / 3.0).abs() < 1e-12);
        assert!(!g.per_question[1].correct);
        assert_eq!(g.per_question[1].feedback[0].text, "Un slogan n'est pas un chiffre.");
        assert_eq!(g.per_question[0].credit, 0.0);
        assert_eq!(g.per_question[0].feedback[0].text, "Non, c'est une autre ville.");
        assert!((g.score_percent - 100.0 * (0.0 + 1.0 / 3.0 + 1.0) / 3.0).abs() < 1e-9);
        assert!(!g.passed);
        // Ticking everything: (3 − 1) / 3; only the wrong one: floored at 0.
        let g = q.grade(&answers(&[("plan", many(&["depenses", "recettes", "calendrier", "slogan"]))])).unwrap();
        assert!((g.per_question[1].credit - 2.0 / 3.0).abs() < 1e-12);
        let g = q.grade(&answers(&[("plan", one("slogan"))])).unwrap();
        assert_eq!(g.per_question[1].credit, 0.0);
        // Nothing answered: 0, not an error.
        let g = q.grade(&Answers::new()).unwrap();
        assert_eq!((g.score_percent, g.passed), (0.0, false));
        // Points weigh questions; 3 of 5 points reaches a 60% mark exactly.
        let mut q = quiz();
        q.questions[2].points = 3;
        let g = q.grade(&answers(&[("pays", one("Cote  d’Ivoire")), ("capitale", many(&["dakar"]))])).unwrap();
        assert!(g.per_question[2].correct, "a typographic apostrophe is the same answer");
        assert!(g.per_question[0].correct);
        let g = q.grade(&answers(&[("pays", one("RCI"))])).unwrap();
        assert!((g.score_percent - 60.0).abs() < 1e-9);
        assert!(g.passed);
    }

    #[test]
    fn bad_answer_sheets_are_refused() {
        let q = quiz();
        let err = |a: Answers| q.grade(&a).unwrap_err();
        assert_eq!(err(answers(&[("autre", one("x"))])), AnswerError::UnknownQuestion("autre".into()));
        assert_eq!(
            err(answers(&[("plan", many(&["depenses", "budget"]))])),
            AnswerError::UnknownOption { question: "plan".into(), option: "budget".into() }
        );
        assert_eq!(
            err(answers(&[("capitale", many(&["dakar", "thies"]))])),
            AnswerError::OneChoiceOnly("capitale".into())
        );
        assert_eq!(err(answers(&[("pays", many(&["RCI"]))])), AnswerError::TextExpected("pays".into()));
        assert_eq!(AnswerError::UnknownQuestion("x".into()).message_key(), "error.quiz.unknown_question");
        // The same option twice counts once.
        let g = q.grade(&answers(&[("capitale", many(&["dakar", "dakar"]))])).unwrap();
        assert!(g.per_question[0].correct);
    }

    #[test]
    fn attempts() {
        assert_eq!(check_attempt(0, Some(3)), Ok(1));
        assert_eq!(check_attempt(2, Some(3)), Ok(3));
        assert_eq!(check_attempt(3, Some(3)), Err(AttemptError::NoAttemptLeft { limit: 3 }));
        assert_eq!(check_attempt(40, None), Ok(41));
        assert_eq!(check_same_attempt(2, 2), Ok(()));
        assert_eq!(check_same_attempt(1, 2), Err(AttemptError::OtherAttempt { sent: 1, current: 2 }));
        assert_eq!(AttemptError::OtherAttempt { sent: 1, current: 2 }.message_key(), "error.quiz.other_attempt");
        assert_eq!(AttemptError::NoAttemptLeft { limit: 3 }.message_key(), "error.quiz.no_attempt_left");
    }

    proptest! {
        #[test]
        fn multiple_choice_credit_is_bounded_and_monotonic(
            correct in proptest::collection::vec(any::<bool>(), 2..8),
            picked in proptest::collection::vec(any::<bool>(), 8),
            extra in 0usize..8,
        ) {
            prop_assume!(correct.iter().any(|c| *c));
            let options: Vec<Choice> = correct.iter().enumerate().map(|(i, c)| choice(&format!("o{i}"), *c, "")).collect();
            let q = Quiz { questions: vec![question("q", Kind::Multiple { options })], pass_percent: 50, max_attempts: None };
            prop_assert!(q.validate().is_ok());
            let ids = |set: &[usize]| Answers::from([("q".to_string(), Answer::Many(set.iter().map(|i| format!("o{i}")).collect()))]);
            let base: Vec<usize> = (0..correct.len()).filter(|i| picked[*i]).collect();
            let g = q.grade(&ids(&base)).unwrap();
            prop_assert!((0.0..=100.0).contains(&g.score_percent));
            let exact = base.iter().all(|i| correct[*i]) && base.len() == correct.iter().filter(|c| **c).count();
            prop_assert_eq!(g.per_question[0].correct, exact);
            // Adding one more option: a correct one never lowers the credit, a wrong one never raises it.
            let i = extra % correct.len();
            if !base.contains(&i) {
                let mut more = base.clone();
                more.push(i);
                let after = q.grade(&ids(&more)).unwrap().score_percent;
                if correct[i] { prop_assert!(after >= g.score_percent) } else { prop_assert!(after <= g.score_percent) }
            }
        }

        #[test]
        fn short_answers_ignore_case_accents_and_spaces(s in "[a-zA-Zéèàç ]{1,30}") {
            prop_assume!(!s.trim().is_empty());
            let q = Quiz { questions: vec![question("q", Kind::Short { accepted: vec![s.clone()] })], pass_percent: 100, max_attempts: None };
            let typed = format!("  {}  ", s.to_uppercase().replace(' ', "   "));
            prop_assert!(q.grade(&Answers::from([("q".to_string(), Answer::One(typed))])).unwrap().passed);
        }
    }
}
