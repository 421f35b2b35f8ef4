//! The exercise of a module ("film a one-minute pitch", "map ten people of your network"),
//! done alone or in a team, and when a submission to it is accepted: not before the module
//! opens, on time until the due instant, then late (flagged) or, after a grace period,
//! refused. A submission may be replaced until a tutor grades it.
//!
//! It also holds the automatic part of the reactivity criterion (`reactivity`), the default
//! rubric tutors grade exercises with (teammates' ratings of each other are `peer`'s).

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::attachment::FileType;
use super::form::{AnswerError, Answers, Form};
use super::rubric::{Criterion, Rubric};

/// Teams of 3 to 5 unless the exercise says otherwise.
pub const DEFAULT_TEAM_MIN: u8 = 3;
pub const DEFAULT_TEAM_MAX: u8 = 5;
/// A larger "team" is a cohort, not a team.
pub const MAX_TEAM: u8 = 10;
/// A grace period longer than two weeks overlaps the following modules.
pub const MAX_GRACE_HOURS: u32 = 14 * 24;
/// When late work is accepted without a refusal point, its reactivity reaches 0 this long
/// after the due instant.
pub const LATE_DECAY_HOURS: u32 = 7 * 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Grouping {
    Individual,
    Team { min: u8, max: u8 },
}

impl Default for Grouping {
    fn default() -> Grouping {
        Grouping::Team { min: DEFAULT_TEAM_MIN, max: DEFAULT_TEAM_MAX }
    }
}

/// What the learner hands in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerType {
    Text,
    /// A document or picture sent by resumable upload; `types` empty: any type Tremplin
    /// knows; `max_mb` none: the server's upload limit.
    File {
        #[serde(default)]
        types: Vec<FileType>,
        #[serde(default)]
        max_mb: Option<u32>,
    },
    /// Filmed on the phone (MP4), sent by resumable upload.
    Video {
        #[serde(default)]
        max_mb: Option<u32>,
    },
    Link,
    /// A structured answer, e.g. ten rows of a network map.
    Form {
        form: Form,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum LatePolicy {
    /// Late work is always accepted, and flagged as late.
    AcceptFlagged,
    /// Late work is accepted (flagged) for `hours` after the due instant, then refused.
    RefuseAfterGrace { hours: u32 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exercise {
    pub title: String,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub grouping: Grouping,
    pub answer: AnswerType,
    pub due_at: Timestamp,
    pub late_policy: LatePolicy,
}

/// Where an instant falls for a submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// The module has not opened yet.
    NotOpen,
    /// From the opening to the due instant, both included.
    OnTime,
    /// After the due instant, still accepted, flagged as late.
    Late,
    /// After the grace period: no longer accepted.
    Refused,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExerciseError {
    #[error("the exercise has no title")]
    EmptyTitle,
    #[error("the exercise is due before its module opens")]
    DueBeforeOpening,
    #[error("team sizes must be between 2 and {MAX_TEAM}, the minimum not above the maximum")]
    TeamSize,
    #[error("a grace period longer than {MAX_GRACE_HOURS} hours")]
    GraceTooLong,
    #[error("the answer form has no question or is not valid")]
    BadForm,
}

impl ExerciseError {
    pub fn message_key(&self) -> &'static str {
        match self {
            ExerciseError::EmptyTitle => "error.exercise.empty_title",
            ExerciseError::DueBeforeOpening => "error.exercise.due_before_opening",
            ExerciseError::TeamSize => "error.exercise.team_size",
            ExerciseError::GraceTooLong => "error.exercise.grace_too_long",
            ExerciseError::BadForm => "error.exercise.bad_form",
        }
    }
}

/// The longest text answer, in characters (about ten pages).
pub const MAX_TEXT_CHARS: usize = 20_000;
/// A link is an address, not an essay.
pub const MAX_LINK_CHARS: usize = 2_000;

/// What a learner hands in. Which part counts depends on the exercise's answer type; the
/// others stay empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Work {
    /// A text answer.
    pub text: String,
    /// A link answer (http or https).
    pub link: String,
    /// A finished resumable upload of the learner (file and video answers).
    pub upload: Option<String>,
    /// A structured answer, by question id (form answers).
    #[schema(value_type = Object)]
    pub form: Answers,
}

/// The file of an upload, as the server recognised it once complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SentFile {
    pub file_type: FileType,
    pub bytes: u64,
}

/// What is wrong with a piece of work, by field (`text`, `link`, `upload`, or a form
/// question's id).
pub type WorkErrors = BTreeMap<String, &'static str>;

impl AnswerType {
    /// The largest file, in bytes, given the server's own limit.
    pub fn max_bytes(&self, server_max: u64) -> u64 {
        let own = match self {
            AnswerType::File { max_mb, .. } | AnswerType::Video { max_mb } => *max_mb,
            _ => None,
        };
        own.map(|mb| u64::from(mb) * 1024 * 1024).unwrap_or(server_max).min(server_max)
    }

    /// The file types accepted (empty for answers without a file).
    pub fn file_types(&self) -> Vec<FileType> {
        match self {
            AnswerType::File { types, .. } if types.is_empty() => FileType::ALL.to_vec(),
            AnswerType::File { types, .. } => types.clone(),
            AnswerType::Video { .. } => vec![FileType::Mp4],
            _ => vec![],
        }
    }

    pub fn takes_file(&self) -> bool {
        matches!(self, AnswerType::File { .. } | AnswerType::Video { .. })
    }

    pub fn code(&self) -> &'static str {
        match self {
            AnswerType::Text => "text",
            AnswerType::File { .. } => "file",
            AnswerType::Video { .. } => "video",
            AnswerType::Link => "link",
            AnswerType::Form { .. } => "form",
        }
    }
}

/// Checks work against the answer type and keeps only the part that counts, cleaned. A
/// draft (`complete == false`) may be empty or half-filled; work sent to the tutor must be
/// whole. `file` is the upload the work names, as the server recognised it; `server_max`
/// the server's upload limit. Limits (length, type, size) hold for drafts too: a draft is
/// what will be sent.
pub fn check_work(
    answer: &AnswerType,
    work: &Work,
    file: Option<SentFile>,
    server_max: u64,
    complete: bool,
) -> Result<Work, WorkErrors> {
    let mut errors = WorkErrors::new();
    let mut clean = Work::default();
    match answer {
        AnswerType::Text => {
            let text = work.text.trim();
            if text.chars().count() > MAX_TEXT_CHARS {
                errors.insert("text".into(), "error.work.too_long");
            } else if complete && text.is_empty() {
                errors.insert("text".into(), "error.work.empty");
            }
            clean.text = text.to_owned();
        }
        AnswerType::Link => {
            let link = work.link.trim();
            if link.is_empty() {
                if complete {
                    errors.insert("link".into(), "error.work.empty");
                }
            } else {
                match url::Url::parse(link) {
                    Ok(u)
                        if link.len() <= MAX_LINK_CHARS
                            && matches!(u.scheme(), "http" | "https")
                            && u.host().is_some() =>
                    {
                        clean.link = u.to_string()
                    }
                    _ => {
                        errors.insert("link".into(), "error.work.bad_link");
                    }
                }
            }
        }
        AnswerType::File { .. } | AnswerType::Video { .. } => match (&work.upload, file) {
            (None, _) => {
                if complete {
                    errors.insert("upload".into(), "error.work.no_file");
                }
            }
            (Some(_), None) => {
                errors.insert("upload".into(), "error.work.unknown_upload");
            }
            (Some(id), Some(f)) => {
                if !answer.file_types().contains(&f.file_type) {
                    let key = if matches!(answer, AnswerType::Video { .. }) {
                        "error.work.not_a_video"
                    } else {
                        "error.work.file_type"
                    };
                    errors.insert("upload".into(), key);
                } else if f.bytes > answer.max_bytes(server_max) {
                    errors.insert("upload".into(), "error.work.too_big");
                }
                clean.upload = Some(id.clone());
            }
        },
        AnswerType::Form { form } => match form.check(&work.form, complete) {
            Ok(answers) => clean.form = answers,
            Err(e) => {
                errors.extend(e.into_iter().map(|(q, e): (String, AnswerError)| (q, e.message_key())));
            }
        },
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

/// Why a submission is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    #[error("the module is not open yet")]
    NotOpen,
    #[error("the grace period is over")]
    Refused,
    #[error("the submission is graded and can no longer be replaced")]
    AlreadyGraded,
    #[error("a team of {given} where this exercise asks for {min} to {max}")]
    TeamSize { given: usize, min: u8, max: u8 },
}

impl SubmitError {
    pub fn message_key(self) -> &'static str {
        match self {
            SubmitError::NotOpen => "error.submission.not_open",
            SubmitError::Refused => "error.submission.refused",
            SubmitError::AlreadyGraded => "error.submission.already_graded",
            SubmitError::TeamSize { .. } => "error.submission.team_size",
        }
    }
}

impl Grouping {
    /// A team submission is sent for all its members; an individual one for one person.
    pub fn check_size(self, members: usize) -> Result<(), SubmitError> {
        let (min, max) = match self {
            Grouping::Individual => (1, 1),
            Grouping::Team { min, max } => (min, max),
        };
        if (min as usize..=max as usize).contains(&members) {
            Ok(())
        } else {
            Err(SubmitError::TeamSize { given: members, min, max })
        }
    }
}

impl LatePolicy {
    /// The first instant at which work is refused, if any.
    pub fn refused_after(self, due_at: Timestamp) -> Option<Timestamp> {
        match self {
            LatePolicy::AcceptFlagged => None,
            LatePolicy::RefuseAfterGrace { hours } => {
                Some(due_at.checked_add(SignedDuration::from_hours(hours.into())).unwrap_or(Timestamp::MAX))
            }
        }
    }

    /// How long after the due instant late work keeps some reactivity.
    fn decay(self) -> SignedDuration {
        match self {
            LatePolicy::AcceptFlagged => SignedDuration::from_hours(LATE_DECAY_HOURS.into()),
            LatePolicy::RefuseAfterGrace { hours } => SignedDuration::from_hours(hours.into()),
        }
    }
}

impl Exercise {
    /// Checks an exercise against the opening of its module.
    pub fn validate(&self, opens_at: Timestamp) -> Result<(), ExerciseError> {
        if self.title.trim().is_empty() {
            return Err(ExerciseError::EmptyTitle);
        }
        if self.due_at <= opens_at {
            return Err(ExerciseError::DueBeforeOpening);
        }
        if let Grouping::Team { min, max } = self.grouping {
            if min < 2 || min > max || max > MAX_TEAM {
                return Err(ExerciseError::TeamSize);
            }
        }
        if matches!(self.late_policy, LatePolicy::RefuseAfterGrace { hours } if hours > MAX_GRACE_HOURS) {
            return Err(ExerciseError::GraceTooLong);
        }
        if let AnswerType::Form { form } = &self.answer {
            if form.questions().next().is_none() || form.validate_definition().is_err() {
                return Err(ExerciseError::BadForm);
            }
        }
        Ok(())
    }

    pub fn classify(&self, opened_at: Timestamp, now: Timestamp) -> Timing {
        classify(opened_at, self.due_at, self.late_policy, now)
    }
}

/// Where `now` falls: before the opening, on time up to the due instant included, late up
/// to the end of the grace period included, refused after it.
pub fn classify(opened_at: Timestamp, due_at: Timestamp, policy: LatePolicy, now: Timestamp) -> Timing {
    if now < opened_at {
        Timing::NotOpen
    } else if now <= due_at {
        Timing::OnTime
    } else if policy.refused_after(due_at).is_some_and(|end| now > end) {
        Timing::Refused
    } else {
        Timing::Late
    }
}

/// Whether a (new version of a) submission is accepted at `timing`, and how it is flagged
/// (`OnTime` or `Late`). A replacement is judged at the time it is sent, like a first
/// version, since the tutor grades the latest one: replacing on-time work after the due
/// instant makes it late. Once graded, work is no longer replaced.
pub fn check_submission(timing: Timing, graded: bool) -> Result<Timing, SubmitError> {
    if graded {
        return Err(SubmitError::AlreadyGraded);
    }
    match timing {
        Timing::NotOpen => Err(SubmitError::NotOpen),
        Timing::Refused => Err(SubmitError::Refused),
        t => Ok(t),
    }
}

/// The automatic part of reactivity, 0 to 100: how early the work came in.
///
/// - Work on time earns `50 + 50 × (share of the window opening → due still left)`: 100 at
///   the opening, 75 halfway, 50 at the due instant.
/// - Late work goes on losing linearly, from 50 at the due instant to 0 at the end of the
///   grace period (`RefuseAfterGrace`), or `LATE_DECAY_HOURS` (7 days) after the due
///   instant (`AcceptFlagged`); a zero grace period gives 0 at once.
///
/// So earlier never scores lower, on-time work never scores below late work, and
/// submitting a day late with a week's tolerance costs less than half the window's worth.
pub fn reactivity(opened_at: Timestamp, due_at: Timestamp, policy: LatePolicy, submitted_at: Timestamp) -> f64 {
    if submitted_at <= opened_at {
        return 100.0;
    }
    if submitted_at <= due_at {
        let window = due_at.duration_since(opened_at).as_secs_f64();
        let left = due_at.duration_since(submitted_at).as_secs_f64();
        return 50.0 + 50.0 * (left / window);
    }
    let decay = policy.decay().as_secs_f64();
    if decay <= 0.0 {
        return 0.0;
    }
    let late = submitted_at.duration_since(due_at).as_secs_f64();
    (50.0 * (1.0 - late / decay)).clamp(0.0, 50.0)
}

/// A 0–100 figure placed on a criterion's integer scale, rounded to the nearest step: what
/// the automatic reactivity suggests beside the tutor's own score.
pub fn on_scale(percent: f64, criterion: &Criterion) -> i32 {
    let span = (criterion.scale_max - criterion.scale_min) as f64;
    criterion.scale_min + (percent.clamp(0.0, 100.0) / 100.0 * span).round() as i32
}

fn criterion(id: &str, label: &str, label_en: &str, description: &str, description_en: &str) -> Criterion {
    Criterion {
        id: id.into(),
        label: label.into(),
        label_en: label_en.into(),
        description: description.into(),
        description_en: description_en.into(),
        scale_min: 0,
        scale_max: 5,
        weight: 1,
        required: true,
    }
}

/// The rubric exercises are graded with unless the programme sets its own: motivation,
/// reactivity and teamwork, each 0 to 5 and of equal weight. Teamwork must be scored for a
/// team exercise and may be left out for an individual one, where it then drops out of the
/// weighted score.
pub fn default_rubric(grouping: Grouping) -> Rubric {
    let mut teamwork = criterion(
        "teamwork",
        "Travail d’équipe",
        "Teamwork",
        "0 : n’a pas pris part au travail commun ; 3 : a fait sa part ; 5 : a fait avancer toute l’équipe.",
        "0: took no part in the shared work; 3: did their share; 5: moved the whole team forward.",
    );
    teamwork.required = grouping != Grouping::Individual;
    Rubric {
        criteria: vec![
            criterion(
                "motivation",
                "Motivation",
                "Motivation",
                "0 : rien de rendu ou hors sujet ; 3 : consigne suivie ; 5 : travail soigné qui va au-delà de la consigne.",
                "0: nothing handed in or off topic; 3: instructions followed; 5: careful work going beyond the instructions.",
            ),
            criterion(
                "reactivity",
                "Réactivité",
                "Reactivity",
                "0 : très en retard ou sans suite aux remarques ; 3 : à l’heure ; 5 : tôt, et les remarques sont reprises. La part automatique (date de remise) est affichée à côté.",
                "0: very late or remarks ignored; 3: on time; 5: early, and remarks taken up. The automatic part (when the work came in) is shown beside it.",
            ),
            teamwork,
        ],
        comment_required: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const OPEN: &str = "2016-10-03T00:00:00Z";
    const DUE: &str = "2016-10-09T23:59:59Z";

    fn exercise() -> Exercise {
        Exercise {
            title: "Filmez le pitch d’une minute de votre projet".into(),
            title_en: "Film a one-minute pitch of your project".into(),
            grouping: Grouping::Individual,
            answer: AnswerType::Video { max_mb: Some(100) },
            due_at: at(DUE),
            late_policy: LatePolicy::RefuseAfterGrace { hours: 48 },
        }
    }

    #[test]
    fn exercises_are_checked_and_round_trip() {
        let e = exercise();
        assert_eq!(e.validate(at(OPEN)), Ok(()));
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""late_policy":{"policy":"refuse_after_grace","hours":48}"#), "{json}");
        assert_eq!(serde_json::from_str::<Exercise>(&json).unwrap(), e);
        assert_eq!(Grouping::default(), Grouping::Team { min: 3, max: 5 });
        let with = |f: &dyn Fn(&mut Exercise)| {
            let mut e = exercise();
            f(&mut e);
            e.validate(at(OPEN)).unwrap_err()
        };
        assert_eq!(with(&|e| e.title = "".into()), ExerciseError::EmptyTitle);
        assert_eq!(with(&|e| e.due_at = at(OPEN)), ExerciseError::DueBeforeOpening);
        assert_eq!(with(&|e| e.grouping = Grouping::Team { min: 1, max: 5 }), ExerciseError::TeamSize);
        assert_eq!(with(&|e| e.grouping = Grouping::Team { min: 4, max: 3 }), ExerciseError::TeamSize);
        assert_eq!(with(&|e| e.grouping = Grouping::Team { min: 3, max: 11 }), ExerciseError::TeamSize);
        assert_eq!(
            with(&|e| e.late_policy = LatePolicy::RefuseAfterGrace { hours: 24 * 15 }),
            ExerciseError::GraceTooLong
        );
        assert_eq!(with(&|e| e.answer = AnswerType::Form { form: Form::default() }), ExerciseError::BadForm);
        assert_eq!(ExerciseError::BadForm.message_key(), "error.exercise.bad_form");
    }

    #[test]
    fn timing_of_a_submission() {
        let (open, due) = (at(OPEN), at(DUE));
        let grace = LatePolicy::RefuseAfterGrace { hours: 48 };
        let c = |policy, now: &str| classify(open, due, policy, at(now));
        assert_eq!(c(grace, "2016-10-02T23:59:59Z"), Timing::NotOpen);
        assert_eq!(c(grace, OPEN), Timing::OnTime);
        assert_eq!(c(grace, DUE), Timing::OnTime);
        assert_eq!(c(grace, "2016-10-10T00:00:00Z"), Timing::Late);
        assert_eq!(c(grace, "2016-10-11T23:59:59Z"), Timing::Late);
        assert_eq!(c(grace, "2016-10-12T00:00:00Z"), Timing::Refused);
        assert_eq!(c(LatePolicy::RefuseAfterGrace { hours: 0 }, "2016-10-10T00:00:00Z"), Timing::Refused);
        assert_eq!(c(LatePolicy::AcceptFlagged, "2017-06-01T00:00:00Z"), Timing::Late);
        assert_eq!(exercise().classify(open, at("2016-10-05T10:00:00Z")), Timing::OnTime);

        assert_eq!(check_submission(Timing::OnTime, false), Ok(Timing::OnTime));
        assert_eq!(check_submission(Timing::Late, false), Ok(Timing::Late));
        assert_eq!(check_submission(Timing::NotOpen, false), Err(SubmitError::NotOpen));
        assert_eq!(check_submission(Timing::Refused, false), Err(SubmitError::Refused));
        assert_eq!(check_submission(Timing::OnTime, true), Err(SubmitError::AlreadyGraded));
        assert_eq!(SubmitError::Refused.message_key(), "error.submission.refused");
    }

    #[test]
    fn team_sizes() {
        let team = Grouping::default();
        assert_eq!(team.check_size(3), Ok(()));
        assert_eq!(team.check_size(5), Ok(()));
        assert_eq!(team.check_size(6), Err(SubmitError::TeamSize { given: 6, min: 3, max: 5 }));
        assert_eq!(Grouping::Individual.check_size(1), Ok(()));
        assert_eq!(Grouping::Individual.check_size(2), Err(SubmitError::TeamSize { given: 2, min: 1, max: 1 }));
    }

    #[test]
    fn reactivity_formula() {
        let (open, due) = (at("2016-10-03T00:00:00Z"), at("2016-10-10T00:00:00Z"));
        let grace = LatePolicy::RefuseAfterGrace { hours: 48 };
        let r = |policy, t: &str| reactivity(open, due, policy, at(t));
        assert_eq!(r(grace, "2016-10-01T00:00:00Z"), 100.0);
        assert_eq!(r(grace, "2016-10-03T00:00:00Z"), 100.0);
        assert_eq!(r(grace, "2016-10-06T12:00:00Z"), 75.0);
        assert_eq!(r(grace, "2016-10-10T00:00:00Z"), 50.0);
        assert_eq!(r(grace, "2016-10-11T00:00:00Z"), 25.0);
        assert_eq!(r(grace, "2016-10-12T00:00:00Z"), 0.0);
        assert_eq!(r(grace, "2016-10-20T00:00:00Z"), 0.0);
        // A week's tolerance: one day late keeps 50 × 6/7.
        assert!((r(LatePolicy::AcceptFlagged, "2016-10-11T00:00:00Z") - 50.0 * 6.0 / 7.0).abs() < 1e-9);
        assert_eq!(r(LatePolicy::AcceptFlagged, "2016-10-17T00:00:00Z"), 0.0);
        assert_eq!(r(LatePolicy::RefuseAfterGrace { hours: 0 }, "2016-10-10T00:00:01Z"), 0.0);
        // Suggested on the reactivity criterion's 0–5 scale.
        let rubric = default_rubric(Grouping::Individual);
        let c = rubric.criterion("reactivity").unwrap();
        assert_eq!(on_scale(100.0, c), 5);
        assert_eq!(on_scale(75.0, c), 4);
        assert_eq!(on_scale(50.0, c), 3);
        assert_eq!(on_scale(0.0, c), 0);
    }

    #[test]
    fn the_default_rubric() {
        let team = default_rubric(Grouping::default());
        assert_eq!(team.validate(), Ok(()));
        let ids: Vec<&str> = team.criteria.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["motivation", "reactivity", "teamwork"]);
        assert!(team.criteria.iter().all(|c| c.required && !c.description_en.is_empty()));
        let alone = default_rubric(Grouping::Individual);
        assert!(!alone.criterion("teamwork").unwrap().required);
        let scores = [("motivation".to_string(), 5), ("reactivity".to_string(), 0)].into_iter().collect();
        assert_eq!(alone.weighted(&scores), Some(50.0));
        assert_eq!(team.weighted(&scores), None);
    }

    #[test]
    fn work_is_checked_against_the_answer_type() {
        let server = 200 * 1024 * 1024;
        let text = |t: &str| Work { text: t.into(), ..Default::default() };
        assert_eq!(check_work(&AnswerType::Text, &text("  Mon plan  "), None, server, true).unwrap().text, "Mon plan");
        assert_eq!(check_work(&AnswerType::Text, &text(" "), None, server, false).unwrap(), Work::default());
        let e = check_work(&AnswerType::Text, &text(" "), None, server, true).unwrap_err();
        assert_eq!(e.get("text"), Some(&"error.work.empty"));
        let long = "a".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            check_work(&AnswerType::Text, &text(&long), None, server, false).unwrap_err()["text"],
            "error.work.too_long"
        );

        let link = |l: &str| Work { link: l.into(), text: "ignored".into(), ..Default::default() };
        let ok = check_work(&AnswerType::Link, &link("https://exemple.org/carte"), None, server, true).unwrap();
        assert_eq!((ok.link.as_str(), ok.text.as_str()), ("https://exemple.org/carte", ""));
        for bad in ["javascript:alert(1)", "exemple.org", "ftp://exemple.org/x"] {
            assert_eq!(
                check_work(&AnswerType::Link, &link(bad), None, server, false).unwrap_err()["link"],
                "error.work.bad_link"
            );
        }

        let video = AnswerType::Video { max_mb: Some(100) };
        let up = Work { upload: Some("ab".repeat(16)), ..Default::default() };
        let mp4 = |mb: u64| Some(SentFile { file_type: FileType::Mp4, bytes: mb * 1024 * 1024 });
        assert_eq!(check_work(&video, &up, mp4(80), server, true).unwrap().upload, up.upload);
        assert_eq!(check_work(&video, &up, mp4(101), server, true).unwrap_err()["upload"], "error.work.too_big");
        let pdf = Some(SentFile { file_type: FileType::Pdf, bytes: 10 });
        assert_eq!(check_work(&video, &up, pdf, server, true).unwrap_err()["upload"], "error.work.not_a_video");
        assert_eq!(check_work(&video, &up, None, server, true).unwrap_err()["upload"], "error.work.unknown_upload");
        assert_eq!(
            check_work(&video, &Work::default(), None, server, true).unwrap_err()["upload"],
            "error.work.no_file"
        );
        assert!(check_work(&video, &Work::default(), None, server, false).is_ok());
        let doc = AnswerType::File { types: vec![FileType::Pdf, FileType::Spreadsheet], max_mb: None };
        assert_eq!(doc.max_bytes(server), server);
        assert_eq!(AnswerType::Video { max_mb: Some(500) }.max_bytes(server), server, "never above the server's limit");
        assert!(check_work(&doc, &up, pdf, server, true).is_ok());
        assert_eq!(check_work(&doc, &up, mp4(1), server, true).unwrap_err()["upload"], "error.work.file_type");
        assert_eq!(AnswerType::File { types: vec![], max_mb: None }.file_types(), FileType::ALL.to_vec());
        let json = serde_json::to_string(&AnswerType::Video { max_mb: None }).unwrap();
        assert_eq!(
            serde_json::from_str::<AnswerType>(r#"{"type":"video"}"#).unwrap(),
            AnswerType::Video { max_mb: None },
            "{json}"
        );
    }

    fn policy() -> impl Strategy<Value = LatePolicy> {
        prop_oneof![
            Just(LatePolicy::AcceptFlagged),
            (0u32..=MAX_GRACE_HOURS).prop_map(|hours| LatePolicy::RefuseAfterGrace { hours })
        ]
    }

    proptest! {
        #[test]
        fn reactivity_is_bounded_and_earlier_never_scores_lower(
            window in 1i64..(60 * 86_400),
            a in -86_400i64..(90 * 86_400),
            b in -86_400i64..(90 * 86_400),
            policy in policy(),
        ) {
            let open = at(OPEN);
            let due = open.checked_add(SignedDuration::from_secs(window)).unwrap();
            let t = |s: i64| open.checked_add(SignedDuration::from_secs(s)).unwrap();
            let (early, late) = (a.min(b), a.max(b));
            let (re, rl) = (reactivity(open, due, policy, t(early)), reactivity(open, due, policy, t(late)));
            prop_assert!((0.0..=100.0).contains(&re) && (0.0..=100.0).contains(&rl));
            prop_assert!(re >= rl);
            // On time is worth at least 50, late work at most 50; refused work is never "on time".
            match classify(open, due, policy, t(late)) {
                Timing::NotOpen => prop_assert_eq!(rl, 100.0),
                Timing::OnTime => prop_assert!(rl >= 50.0),
                Timing::Late => prop_assert!(rl <= 50.0),
                Timing::Refused => prop_assert_eq!(rl, 0.0),
            }
        }
    }
}
