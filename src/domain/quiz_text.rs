//! The quiz editor's text format: a manager types questions as plain lines, with no
//! JavaScript and no form per option (light on a phone, easy to paste from a document).
//!
//! ```text
//! ? Combien de mots dit-on en une minute ? || How many words are spoken in a minute?
//! - 50
//! > Trop peu : on parle plus vite que cela.
//! + 150
//! > Oui : de quoi dire trois phrases.
//! > Explication de la question (après les choix, une ligne « > » seule après une ligne vide)
//!
//! ?? Quelles règles protègent vos sources ? (« ?? » : plusieurs réponses possibles)
//! + Un code de verrouillage
//! + Désactiver la géolocalisation
//! - Publier tous les visages
//!
//! ? Comment s'appelle la carte des acteurs d'un projet ?
//! = carte des parties prenantes
//! = parties prenantes
//! > Explication, montrée après la réponse
//! ```
//!
//! - `?` starts a single-choice question (multiple choice when it has several `+`), `??` a
//!   multiple-choice one even with a single right option;
//! - `-` a wrong option, `+` a right one, `=` an accepted short answer (a question with `=`
//!   lines is a short-answer question);
//! - `>` right after an option is that option's feedback; after the question line, after
//!   accepted answers, or after a blank line following options, it is the question's
//!   explanation (shown once the answers may be seen);
//! - `||` separates the French text from its English translation on any line;
//! - blank lines separate questions and are otherwise ignored.
//!
//! Ids are given by position (`q1`, `q2`…; options `a`, `b`…), so re-typing a quiz keeps the
//! ids of the questions that stay in place. The result still has to pass `Quiz::validate`.

use super::quiz::{Choice, Kind, Question, Quiz};

/// What is wrong with a line of the editor, with its number (from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("line {0}: a line starts with ?, ??, -, +, = or >")]
    UnknownMark(usize),
    #[error("line {0}: an option or answer before any question")]
    BeforeQuestion(usize),
    #[error("line {0}: a question mixes options and accepted answers")]
    Mixed(usize),
}

impl TextError {
    pub fn message_key(self) -> &'static str {
        match self {
            TextError::UnknownMark(_) => "error.quiz.text_mark",
            TextError::BeforeQuestion(_) => "error.quiz.text_before_question",
            TextError::Mixed(_) => "error.quiz.text_mixed",
        }
    }

    pub fn line(self) -> usize {
        match self {
            TextError::UnknownMark(n) | TextError::BeforeQuestion(n) | TextError::Mixed(n) => n,
        }
    }
}

/// "Texte || Text" → ("Texte", "Text").
fn bilingual(s: &str) -> (String, String) {
    match s.split_once("||") {
        Some((fr, en)) => (fr.trim().to_owned(), en.trim().to_owned()),
        None => (s.trim().to_owned(), String::new()),
    }
}

fn option_id(n: usize) -> String {
    // a…z, then a27, a28…: more than 26 options is unlikely but must not collide.
    if n < 26 {
        ((b'a' + n as u8) as char).to_string()
    } else {
        format!("a{}", n + 1)
    }
}

/// A question being read: its options or accepted answers, and where a `>` goes.
struct Draft {
    q: Question,
    multiple: bool,
    options: Vec<Choice>,
    accepted: Vec<String>,
    /// A `>` now is an option's feedback (`true`) or the explanation.
    after_option: bool,
}

impl Draft {
    fn finish(self) -> Question {
        let mut q = self.q;
        let right = self.options.iter().filter(|o| o.correct).count();
        q.kind = if !self.accepted.is_empty() {
            Kind::Short { accepted: self.accepted }
        } else if self.multiple || right > 1 {
            Kind::Multiple { options: self.options }
        } else {
            Kind::Single { options: self.options }
        };
        q
    }
}

fn append(to: &mut String, text: &str) {
    if !to.is_empty() {
        to.push(' ');
    }
    to.push_str(text);
}

/// Reads the questions typed in the editor; the pass mark and attempts come from their
/// own fields.
pub fn parse(text: &str, pass_percent: u8, max_attempts: Option<u32>) -> Result<Quiz, TextError> {
    let mut questions = vec![];
    let mut current: Option<Draft> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            if let Some(d) = current.as_mut() {
                d.after_option = false;
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix('?') {
            questions.extend(current.take().map(Draft::finish));
            let (multiple, rest) = match rest.strip_prefix('?') {
                Some(r) => (true, r),
                None => (false, rest),
            };
            let (prompt, prompt_en) = bilingual(rest);
            let q = Question {
                id: format!("q{}", questions.len() + 1),
                prompt,
                prompt_en,
                kind: Kind::Short { accepted: vec![] },
                points: 1,
                explanation: String::new(),
                explanation_en: String::new(),
            };
            current = Some(Draft { q, multiple, options: vec![], accepted: vec![], after_option: false });
            continue;
        }
        let (mark, rest) = line.split_at(1);
        let Some(d) = current.as_mut() else {
            return Err(if "-+=>".contains(mark) { TextError::BeforeQuestion(n) } else { TextError::UnknownMark(n) });
        };
        let (fr, en) = bilingual(rest);
        match mark {
            "-" | "+" => {
                if !d.accepted.is_empty() {
                    return Err(TextError::Mixed(n));
                }
                let id = option_id(d.options.len());
                d.options.push(Choice {
                    id,
                    label: fr,
                    label_en: en,
                    correct: mark == "+",
                    feedback: String::new(),
                    feedback_en: String::new(),
                });
                d.after_option = true;
            }
            "=" => {
                if !d.options.is_empty() {
                    return Err(TextError::Mixed(n));
                }
                d.accepted.push(fr);
                d.after_option = false;
            }
            ">" => match (d.after_option, d.options.last_mut()) {
                (true, Some(o)) => {
                    append(&mut o.feedback, &fr);
                    append(&mut o.feedback_en, &en);
                }
                _ => {
                    append(&mut d.q.explanation, &fr);
                    append(&mut d.q.explanation_en, &en);
                }
            },
            _ => return Err(TextError::UnknownMark(n)),
        }
    }
    questions.extend(current.take().map(Draft::finish));
    Ok(Quiz { questions, pass_percent, max_attempts })
}

fn join(fr: &str, en: &str) -> String {
    if en.trim().is_empty() {
        fr.to_owned()
    } else {
        format!("{fr} || {en}")
    }
}

/// A quiz written back in the editor's format (what `parse` reads, ids aside).
pub fn to_text(quiz: &Quiz) -> String {
    let mut out = String::new();
    for (i, q) in quiz.questions.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mark = if matches!(q.kind, Kind::Multiple { .. }) { "??" } else { "?" };
        out.push_str(&format!("{mark} {}\n", join(&q.prompt, &q.prompt_en)));
        match &q.kind {
            Kind::Single { options } | Kind::Multiple { options } => {
                for o in options {
                    out.push_str(&format!("{} {}\n", if o.correct { "+" } else { "-" }, join(&o.label, &o.label_en)));
                    if !o.feedback.is_empty() {
                        out.push_str(&format!("> {}\n", join(&o.feedback, &o.feedback_en)));
                    }
                }
                if !q.explanation.is_empty() {
                    // The blank line makes the next `>` the question's explanation.
                    out.push_str(&format!("\n> {}\n", join(&q.explanation, &q.explanation_en)));
                }
            }
            Kind::Short { accepted } => {
                for a in accepted {
                    out.push_str(&format!("= {a}\n"));
                }
                if !q.explanation.is_empty() {
                    out.push_str(&format!("> {}\n", join(&q.explanation, &q.explanation_en)));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "? Combien de mots en une minute ? || How many words in a minute?\n\
        - 50\n\
        > Trop peu. || Too few.\n\
        + 150\n\
        > Oui.\n\
        \n\
        > Environ 2,5 mots par seconde.\n\
        \n\
        ?? Quelles règles protègent vos sources ?\n\
        + Un code de verrouillage\n\
        - Publier les visages\n\
        \n\
        ? Deux bonnes réponses\n\
        + un\n\
        + deux\n\
        - trois\n\
        \n\
        ? La carte des acteurs d’un projet ?\n\
        = parties prenantes || stakeholders\n\
        = carte des parties prenantes\n\
        > Voir la semaine 2.\n";

    #[test]
    fn the_format_reads_every_kind_with_feedback_and_english() {
        let quiz = parse(SAMPLE, 60, Some(3)).unwrap();
        quiz.validate().unwrap();
        assert_eq!(quiz.questions.len(), 4);
        let q1 = &quiz.questions[0];
        assert_eq!(
            (q1.id.as_str(), q1.prompt.as_str(), q1.prompt_en.as_str()),
            ("q1", "Combien de mots en une minute ?", "How many words in a minute?")
        );
        let Kind::Single { options } = &q1.kind else { panic!("{q1:?}") };
        assert_eq!(options[0].id, "a");
        assert_eq!((options[0].feedback.as_str(), options[0].feedback_en.as_str()), ("Trop peu.", "Too few."));
        assert!(options[1].correct && options[1].feedback == "Oui.");
        assert_eq!(q1.explanation, "Environ 2,5 mots par seconde.");
        assert!(
            matches!(&quiz.questions[1].kind, Kind::Multiple { options } if options.len() == 2),
            "?? forces multiple"
        );
        assert!(matches!(&quiz.questions[2].kind, Kind::Multiple { .. }), "two right options make it multiple");
        let q4 = &quiz.questions[3];
        assert!(matches!(&q4.kind, Kind::Short { accepted } if accepted.len() == 2));
        assert_eq!(q4.explanation, "Voir la semaine 2.");
        assert_eq!((quiz.pass_percent, quiz.max_attempts), (60, Some(3)));
    }

    #[test]
    fn written_back_it_reads_the_same() {
        let quiz = parse(SAMPLE, 60, Some(3)).unwrap();
        assert_eq!(parse(&to_text(&quiz), 60, Some(3)).unwrap(), quiz);
    }

    #[test]
    fn bad_lines_are_told_by_number() {
        assert_eq!(parse("- orphelin", 50, None), Err(TextError::BeforeQuestion(1)));
        assert_eq!(parse("? Q\n+ a\n* b", 50, None), Err(TextError::UnknownMark(3)));
        assert_eq!(parse("Une question sans marque", 50, None), Err(TextError::UnknownMark(1)));
        assert_eq!(parse("? Q\n= oui\n+ non", 50, None), Err(TextError::Mixed(3)));
        assert_eq!(parse("? Q\n+ oui\n= non", 50, None).unwrap_err().line(), 3);
        // Well formed but not a valid quiz: left to Quiz::validate.
        let q = parse("? Q\n+ seule option", 50, None).unwrap();
        assert!(q.validate().is_err());
        assert!(parse("", 50, None).unwrap().validate().is_err());
    }
}
