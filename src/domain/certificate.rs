//! Course certificates: when a learner has completed a course (every quiz passed at a
//! minimum score, enough exercises done), and the code printed on the certificate that
//! anyone can type into the public verification page.
//!
//! The code carries 80 random bits as 16 Crockford base-32 characters (digits and capital
//! letters without I, L, O and U, so nothing reads as another character or a word), plus
//! a check character, grouped by four: `K7QD-3M9X-A2BC-EFGH-7`. Reading it back forgives
//! what people do when copying a code by hand: lower case, missing or extra dashes and
//! spaces, O for 0, I or L for 1. The check character is a Luhn mod 32 of the 16 others,
//! so a single mistyped character (and most swaps of two neighbours) is caught as a typo
//! instead of reported as an unknown certificate.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::quiz::passes;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Every quiz of the course must have been passed at this score (best attempt), in %.
    pub min_quiz_percent: u8,
    /// At least this many exercises done (submitted and accepted; the caller counts them).
    pub min_exercises: u32,
}

/// Something a learner still lacks for the certificate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "missing", rename_all = "snake_case")]
pub enum Missing {
    /// A quiz whose best score is below the rule (`None`: never attempted).
    Quiz {
        quiz: i64,
        best: Option<f64>,
        needed: u8,
    },
    Exercises {
        done: u32,
        needed: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    pub complete: bool,
    /// Quizzes in id order, then exercises; empty when complete.
    pub missing: Vec<Missing>,
}

/// Whether a certificate still stands; a revoked one says so on the public page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Standing {
    Valid,
    Revoked { reason: String },
}

pub const MAX_REASON_CHARS: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("a minimum quiz score above 100%")]
    QuizPercent,
    #[error("more exercises required than the course has")]
    TooManyExercises,
    #[error("a revocation needs a reason of at most {MAX_REASON_CHARS} characters")]
    RevocationReason,
}

impl CertificateError {
    pub fn message_key(self) -> &'static str {
        match self {
            CertificateError::QuizPercent => "error.certificate.quiz_percent",
            CertificateError::TooManyExercises => "error.certificate.too_many_exercises",
            CertificateError::RevocationReason => "error.certificate.revocation_reason",
        }
    }
}

impl Rules {
    /// Checks the rules of a course that has `exercises` exercises.
    pub fn validate(&self, exercises: u32) -> Result<(), CertificateError> {
        if self.min_quiz_percent > 100 {
            return Err(CertificateError::QuizPercent);
        }
        if self.min_exercises > exercises {
            return Err(CertificateError::TooManyExercises);
        }
        Ok(())
    }
}

/// Checks a learner against the rules: `quiz_best_scores` holds every quiz of the course
/// with the learner's best score (`None` if never attempted), `exercises_done` the
/// exercises that count.
pub fn evaluate(rules: &Rules, quiz_best_scores: &BTreeMap<i64, Option<f64>>, exercises_done: u32) -> Completion {
    let mut missing: Vec<Missing> = quiz_best_scores
        .iter()
        .filter(|(_, best)| !best.is_some_and(|b| passes(b, rules.min_quiz_percent)))
        .map(|(&quiz, &best)| Missing::Quiz { quiz, best, needed: rules.min_quiz_percent })
        .collect();
    if exercises_done < rules.min_exercises {
        missing.push(Missing::Exercises { done: exercises_done, needed: rules.min_exercises });
    }
    Completion { complete: missing.is_empty(), missing }
}

/// Checks the reason recorded with a revocation, and gives the standing it leads to.
pub fn revoke(reason: &str) -> Result<Standing, CertificateError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(CertificateError::RevocationReason);
    }
    Ok(Standing::Revoked { reason: reason.into() })
}

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DATA_CHARS: usize = 16;
const CODE_CHARS: usize = DATA_CHARS + 1;

/// The code of a certificate: always well formed, shown as `XXXX-XXXX-XXXX-XXXX-C`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VerificationCode([u8; 10]);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a code has {CODE_CHARS} characters")]
    Length,
    #[error("{0:?} is not a character of a code")]
    Character(char),
    #[error("the check character does not match: a character was mistyped")]
    Check,
}

impl CodeError {
    pub fn message_key(self) -> &'static str {
        match self {
            CodeError::Length => "error.certificate.code_length",
            CodeError::Character(_) => "error.certificate.code_character",
            CodeError::Check => "error.certificate.code_check",
        }
    }
}

/// The value (0–31) of a character as people type it.
fn value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET.iter().position(|&a| a as char == c).map(|p| p as u8)
}

/// Luhn mod 32 over the data characters: doubling every second value from the right
/// permutes 0–31, so changing any one character changes the sum modulo 32.
fn check_value(data: &[u8]) -> u8 {
    let sum: u32 = data
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| {
            let addend = if i % 2 == 0 { 2 * v as u32 } else { v as u32 };
            addend / 32 + addend % 32
        })
        .sum();
    ((32 - sum % 32) % 32) as u8
}

impl VerificationCode {
    /// A code from 10 random bytes (80 bits: guessing one is hopeless).
    pub fn generate(random_bytes: [u8; 10]) -> VerificationCode {
        VerificationCode(random_bytes)
    }

    pub fn bytes(&self) -> [u8; 10] {
        self.0
    }

    fn values(&self) -> [u8; CODE_CHARS] {
        let mut wide = [0u8; 16];
        wide[6..].copy_from_slice(&self.0);
        let n = u128::from_be_bytes(wide);
        let mut out = [0u8; CODE_CHARS];
        for (i, v) in out.iter_mut().take(DATA_CHARS).enumerate() {
            *v = ((n >> (5 * (DATA_CHARS - 1 - i))) & 31) as u8;
        }
        out[DATA_CHARS] = check_value(&out[..DATA_CHARS]);
        out
    }

    /// The 17 characters without dashes, e.g. for a link.
    pub fn compact(&self) -> String {
        self.values().iter().map(|&v| ALPHABET[v as usize] as char).collect()
    }

    /// Reads a code as typed; see the module documentation for what is forgiven.
    pub fn parse(s: &str) -> Result<VerificationCode, CodeError> {
        let chars: Vec<char> = s.chars().filter(|c| !(c.is_whitespace() || matches!(c, '-' | '‐' | '–'))).collect();
        if chars.len() != CODE_CHARS {
            return Err(CodeError::Length);
        }
        let mut values = [0u8; CODE_CHARS];
        for (v, &c) in values.iter_mut().zip(&chars) {
            *v = value(c).ok_or(CodeError::Character(c))?;
        }
        if check_value(&values[..DATA_CHARS]) != values[DATA_CHARS] {
            return Err(CodeError::Check);
        }
        let n = values[..DATA_CHARS].iter().fold(0u128, |n, &v| n << 5 | v as u128);
        let mut bytes = [0u8; 10];
        bytes.copy_from_slice(&n.to_be_bytes()[6..]);
        Ok(VerificationCode(bytes))
    }
}

impl fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let compact = self.compact();
        let groups: Vec<&str> = [0, 4, 8, 12, 16].windows(2).map(|w| &compact[w[0]..w[1]]).collect();
        write!(f, "{}-{}", groups.join("-"), &compact[DATA_CHARS..])
    }
}

impl From<VerificationCode> for String {
    fn from(c: VerificationCode) -> String {
        c.to_string()
    }
}

impl TryFrom<String> for VerificationCode {
    type Error = CodeError;

    fn try_from(s: String) -> Result<VerificationCode, CodeError> {
        VerificationCode::parse(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scores(pairs: &[(i64, Option<f64>)]) -> BTreeMap<i64, Option<f64>> {
        pairs.iter().copied().collect()
    }

    const RULES: Rules = Rules { min_quiz_percent: 60, min_exercises: 5 };

    #[test]
    fn completion_rules() {
        assert_eq!(RULES.validate(6), Ok(()));
        assert_eq!(RULES.validate(4), Err(CertificateError::TooManyExercises));
        assert_eq!(Rules { min_quiz_percent: 101, min_exercises: 0 }.validate(6), Err(CertificateError::QuizPercent));

        let all = scores(&[(1, Some(60.0)), (2, Some(100.0)), (3, Some(75.5))]);
        assert_eq!(evaluate(&RULES, &all, 5), Completion { complete: true, missing: vec![] });
        let c = evaluate(&RULES, &scores(&[(1, Some(59.9)), (2, None), (3, Some(80.0))]), 4);
        assert!(!c.complete);
        assert_eq!(
            c.missing,
            vec![
                Missing::Quiz { quiz: 1, best: Some(59.9), needed: 60 },
                Missing::Quiz { quiz: 2, best: None, needed: 60 },
                Missing::Exercises { done: 4, needed: 5 },
            ]
        );
        // 3 of 5 points is 60%, even as a float.
        assert!(evaluate(&RULES, &scores(&[(1, Some(100.0 * 3.0 / 5.0))]), 6).complete);
        // A course without quizzes or exercises is complete at once.
        assert!(evaluate(&Rules { min_quiz_percent: 60, min_exercises: 0 }, &BTreeMap::new(), 0).complete);
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#"{"missing":"exercises","done":4,"needed":5}"#), "{json}");
    }

    #[test]
    fn revocation() {
        assert_eq!(revoke("  Plagiat avéré  "), Ok(Standing::Revoked { reason: "Plagiat avéré".into() }));
        assert_eq!(revoke(" "), Err(CertificateError::RevocationReason));
        assert_eq!(revoke(&"x".repeat(501)), Err(CertificateError::RevocationReason));
        assert_eq!(CertificateError::RevocationReason.message_key(), "error.certificate.revocation_reason");
        assert_eq!(serde_json::to_string(&Standing::Valid).unwrap(), r#"{"status":"valid"}"#);
    }

    #[test]
    fn codes_read_and_write() {
        let zero = VerificationCode::generate([0; 10]);
        assert_eq!(zero.to_string(), "0000-0000-0000-0000-0");
        let ones = VerificationCode::generate([0xff; 10]);
        assert_eq!(ones.compact()[..16], *"ZZZZZZZZZZZZZZZZ");
        let c = VerificationCode::generate(*b"Tremplin!!");
        let shown = c.to_string();
        assert_eq!(shown.len(), 21);
        assert_eq!(shown.matches('-').count(), 4);
        assert!(shown.chars().all(|ch| ch == '-' || ALPHABET.contains(&(ch as u8))));
        assert_eq!(VerificationCode::parse(&shown), Ok(c));
        // Typed by hand: lower case, spaces instead of dashes, O for 0, l for 1.
        let sloppy = shown.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(VerificationCode::parse(&sloppy), Ok(c));
        assert_eq!(VerificationCode::parse(&c.compact()), Ok(c));
        assert_eq!(VerificationCode::parse("0000-0000-0000-0000"), Err(CodeError::Length));
        assert_eq!(VerificationCode::parse("0000-0000-0000-000U-0"), Err(CodeError::Character('U')));
        assert_eq!(VerificationCode::parse("0000-0000-0000-0001-0"), Err(CodeError::Check));
        assert_eq!(CodeError::Check.message_key(), "error.certificate.code_check");
        assert_eq!(CodeError::Length.message_key(), "error.certificate.code_length");
        assert_eq!(CodeError::Character('U').message_key(), "error.certificate.code_character");
        // JSON holds the shown form, and refuses a bad code.
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, format!("\"{shown}\""));
        assert_eq!(serde_json::from_str::<VerificationCode>(&json).unwrap(), c);
        assert!(serde_json::from_str::<VerificationCode>("\"0000-0000-0000-0001-0\"").is_err());
    }

    proptest! {
        #[test]
        fn codes_round_trip(bytes in any::<[u8; 10]>()) {
            let c = VerificationCode::generate(bytes);
            prop_assert_eq!(VerificationCode::parse(&c.to_string()), Ok(c));
            prop_assert_eq!(VerificationCode::parse(&c.to_string()).unwrap().bytes(), bytes);
        }

        #[test]
        fn a_single_changed_character_is_caught(bytes in any::<[u8; 10]>(), at in 0usize..CODE_CHARS, delta in 1u8..32) {
            let c = VerificationCode::generate(bytes);
            let mut chars: Vec<char> = c.compact().chars().collect();
            let v = value(chars[at]).unwrap();
            chars[at] = ALPHABET[((v + delta) % 32) as usize] as char;
            let typo: String = chars.into_iter().collect();
            prop_assert_eq!(VerificationCode::parse(&typo), Err(CodeError::Check));
        }
    }
}
