//! The online course of a programme phase: modules that open week by week at a local date
//! and time in the programme's time zone, each holding short lessons in order. A course is
//! either followed by the selected cohort or open to anyone who enrols (MOOC form), and is
//! edited as a draft before it is published. A course from an earlier edition can be copied
//! onto a new calendar keeping its weekly rhythm.

use std::collections::BTreeSet;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

/// A course longer than a year is a mistake in the calendar, not a course.
pub const MAX_MODULES: usize = 52;
/// Opening dates outside these years are typing errors (2106 for 2016...).
pub const MIN_YEAR: i16 = 2000;
pub const MAX_YEAR: i16 = 2100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseMode {
    /// Followed by the participants of the phase, enrolled by the programme.
    Cohort,
    /// Anyone may enrol themselves (MOOC form); quizzes are graded automatically.
    Open,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Seen by managers and tutors only.
    #[default]
    Draft,
    Published,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LessonKind {
    /// Markdown text, with images.
    Text,
    /// A video, served in a light variant for slow connections.
    Video,
    /// A PDF to download and read offline.
    Pdf,
}

/// A lesson's place in its module; its body is stored apart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    pub position: u32,
    pub kind: LessonKind,
    pub title: String,
    #[serde(default)]
    pub title_en: String,
}

fn midnight() -> Time {
    Time::midnight()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Module {
    /// Order in the course; unique, not necessarily consecutive.
    pub position: u32,
    pub title: String,
    #[serde(default)]
    pub title_en: String,
    /// Local date of opening in the programme's time zone, usually a Monday.
    pub opens_on: Date,
    /// Local time of opening; midnight unless the programme says otherwise.
    #[serde(default = "midnight")]
    pub opens_time: Time,
    #[serde(default)]
    pub lessons: Vec<Lesson>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub title: String,
    #[serde(default)]
    pub title_en: String,
    pub mode: CourseMode,
    #[serde(default)]
    pub status: Status,
    pub modules: Vec<Module>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CourseError {
    #[error("the course has no title")]
    EmptyTitle,
    #[error("a published course needs at least one module")]
    NoModule,
    #[error("more than {MAX_MODULES} modules")]
    TooManyModules,
    #[error("two modules are at position {0}")]
    DuplicatePosition(u32),
    #[error("module {0} has no title")]
    ModuleTitle(u32),
    #[error("module {0} opens before the module placed before it")]
    DatesOutOfOrder(u32),
    #[error("module {0} opens outside {MIN_YEAR}–{MAX_YEAR}")]
    DateOutOfRange(u32),
    #[error("module {module} has two lessons at position {lesson}")]
    DuplicateLesson { module: u32, lesson: u32 },
    #[error("lesson {lesson} of module {module} has no title")]
    LessonTitle { module: u32, lesson: u32 },
    #[error("the course is not published")]
    NotPublished,
    #[error("the course is reserved to the cohort")]
    CohortOnly,
}

impl CourseError {
    pub fn message_key(&self) -> &'static str {
        match self {
            CourseError::EmptyTitle => "error.course.empty_title",
            CourseError::NoModule => "error.course.no_module",
            CourseError::TooManyModules => "error.course.too_many_modules",
            CourseError::DuplicatePosition(_) => "error.course.duplicate_position",
            CourseError::ModuleTitle(_) => "error.course.module_title",
            CourseError::DatesOutOfOrder(_) => "error.course.dates_out_of_order",
            CourseError::DateOutOfRange(_) => "error.course.date_out_of_range",
            CourseError::DuplicateLesson { .. } => "error.course.duplicate_lesson",
            CourseError::LessonTitle { .. } => "error.course.lesson_title",
            CourseError::NotPublished => "error.course.not_published",
            CourseError::CohortOnly => "error.course.cohort_only",
        }
    }
}

/// The Monday of the week holding `d`.
pub fn monday_of(d: Date) -> Date {
    d.checked_sub(i64::from(d.weekday().to_monday_zero_offset()).days()).unwrap_or(d)
}

/// `count` opening dates a week apart from `first`: the default rhythm of a course.
pub fn weekly(first: Date, count: usize) -> Vec<Date> {
    (0..count).map_while(|i| first.checked_add((7 * i as i64).days()).ok()).collect()
}

fn in_range(d: Date) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&d.year())
}

impl Module {
    /// The instant the module opens: its local date and time in the programme's zone. On a
    /// day when clocks change, a time that does not exist is read as the first instant
    /// after the gap and a repeated time as its first occurrence, so the module never opens
    /// an hour early.
    pub fn opens_at(&self, tz: &TimeZone) -> Timestamp {
        // Only dates far beyond the validated years can fail; such a module never opens.
        tz.to_ambiguous_timestamp(self.opens_on.to_datetime(self.opens_time)).compatible().unwrap_or(Timestamp::MAX)
    }

    pub fn is_open(&self, tz: &TimeZone, now: Timestamp) -> bool {
        now >= self.opens_at(tz)
    }

    /// The lessons in reading order.
    pub fn ordered_lessons(&self) -> Vec<&Lesson> {
        let mut v: Vec<&Lesson> = self.lessons.iter().collect();
        v.sort_by_key(|l| l.position);
        v
    }

    fn validate(&self) -> Result<(), CourseError> {
        if self.title.trim().is_empty() {
            return Err(CourseError::ModuleTitle(self.position));
        }
        if !in_range(self.opens_on) {
            return Err(CourseError::DateOutOfRange(self.position));
        }
        let mut seen = BTreeSet::new();
        for l in &self.lessons {
            if !seen.insert(l.position) {
                return Err(CourseError::DuplicateLesson { module: self.position, lesson: l.position });
            }
            if l.title.trim().is_empty() {
                return Err(CourseError::LessonTitle { module: self.position, lesson: l.position });
            }
        }
        Ok(())
    }
}

/// The modules in course order.
pub fn ordered(modules: &[Module]) -> Vec<&Module> {
    let mut v: Vec<&Module> = modules.iter().collect();
    v.sort_by_key(|m| m.position);
    v
}

/// Positions 1, 2, 3... in the current order, e.g. after a module was removed or moved.
/// The same for each module's lessons.
pub fn renumber(modules: &mut [Module]) {
    modules.sort_by_key(|m| m.position);
    for (i, m) in modules.iter_mut().enumerate() {
        m.position = i as u32 + 1;
        m.lessons.sort_by_key(|l| l.position);
        for (j, l) in m.lessons.iter_mut().enumerate() {
            l.position = j as u32 + 1;
        }
    }
}

/// Checks the structure of a list of modules: at most `MAX_MODULES`, unique positions,
/// titles, dates within `MIN_YEAR..=MAX_YEAR` that never go back in time from one position
/// to the next (two modules may open the same day), and well-formed lessons.
pub fn validate_modules(modules: &[Module]) -> Result<(), CourseError> {
    if modules.len() > MAX_MODULES {
        return Err(CourseError::TooManyModules);
    }
    let mut previous: Option<&Module> = None;
    for m in ordered(modules) {
        if previous.is_some_and(|p| p.position == m.position) {
            return Err(CourseError::DuplicatePosition(m.position));
        }
        m.validate()?;
        if previous.is_some_and(|p| (m.opens_on, m.opens_time) < (p.opens_on, p.opens_time)) {
            return Err(CourseError::DatesOutOfOrder(m.position));
        }
        previous = Some(m);
    }
    Ok(())
}

/// The modules moved to a new calendar keeping their rhythm: every module moves by the
/// same whole number of weeks, the one between the week of the earliest module and the
/// week of `first_week` (any day of it; usually its Monday). Weekdays, times and gaps
/// between modules stay as they were.
pub fn shift(modules: &[Module], first_week: Date) -> Result<Vec<Module>, CourseError> {
    let Some(first) = modules.iter().map(|m| m.opens_on).min() else { return Ok(vec![]) };
    let days = monday_of(first).until(monday_of(first_week)).map(|s| s.get_days()).unwrap_or(0);
    modules
        .iter()
        .map(|m| {
            let opens_on = m.opens_on.checked_add(i64::from(days).days()).ok().filter(|d| in_range(*d));
            match opens_on {
                Some(opens_on) => Ok(Module { opens_on, ..m.clone() }),
                None => Err(CourseError::DateOutOfRange(m.position)),
            }
        })
        .collect()
}

impl CourseMode {
    pub fn self_enrolment(self) -> bool {
        self == CourseMode::Open
    }
}

impl Course {
    /// Checks a course before it is saved; a draft may still have no module.
    pub fn validate(&self) -> Result<(), CourseError> {
        if self.title.trim().is_empty() {
            return Err(CourseError::EmptyTitle);
        }
        if self.status == Status::Published && self.modules.is_empty() {
            return Err(CourseError::NoModule);
        }
        validate_modules(&self.modules)
    }

    /// A copy for a new edition starting the week of `first_week`, as a draft.
    pub fn copy_for(&self, first_week: Date) -> Result<Course, CourseError> {
        Ok(Course { status: Status::Draft, modules: shift(&self.modules, first_week)?, ..self.clone() })
    }

    /// Whether someone may enrol themselves: only in a published open course.
    pub fn check_self_enrolment(&self) -> Result<(), CourseError> {
        if !self.mode.self_enrolment() {
            return Err(CourseError::CohortOnly);
        }
        if self.status != Status::Published {
            return Err(CourseError::NotPublished);
        }
        Ok(())
    }

    /// The module of the moment: the last one (in course order) already open.
    pub fn current(&self, tz: &TimeZone, now: Timestamp) -> Option<&Module> {
        ordered(&self.modules).into_iter().rev().find(|m| m.is_open(tz, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn module(position: u32, opens_on: Date) -> Module {
        Module {
            position,
            title: format!("Semaine {position}"),
            title_en: format!("Week {position}"),
            opens_on,
            opens_time: Time::midnight(),
            lessons: vec![],
        }
    }

    fn six_weeks(first: Date) -> Vec<Module> {
        weekly(first, 6).into_iter().enumerate().map(|(i, d)| module(i as u32 + 1, d)).collect()
    }

    fn course() -> Course {
        Course {
            title: "Réseaux et financement".into(),
            title_en: "Networks and funding".into(),
            mode: CourseMode::Cohort,
            status: Status::Published,
            modules: six_weeks(date(2016, 10, 3)),
        }
    }

    #[test]
    fn modules_open_at_local_midnight() {
        let dakar = TimeZone::get("Africa/Dakar").unwrap();
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let m = module(1, date(2016, 10, 3));
        assert_eq!(m.opens_at(&dakar), "2016-10-03T00:00:00Z".parse::<Timestamp>().unwrap());
        // Paris is on summer time (UTC+2) in early October.
        assert_eq!(m.opens_at(&paris), "2016-10-02T22:00:00Z".parse::<Timestamp>().unwrap());
        assert!(!m.is_open(&dakar, "2016-10-02T23:59:59Z".parse().unwrap()));
        assert!(m.is_open(&dakar, "2016-10-03T00:00:00Z".parse().unwrap()));
        // A module opening at 08:00 local time.
        let m = Module { opens_time: Time::constant(8, 0, 0, 0), ..m };
        assert_eq!(m.opens_at(&paris), "2016-10-03T06:00:00Z".parse::<Timestamp>().unwrap());
    }

    #[test]
    fn a_time_skipped_by_the_clocks_opens_after_the_gap() {
        // Paris went from 02:00 to 03:00 on 27 March 2016.
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let m = Module { opens_time: Time::constant(2, 30, 0, 0), ..module(1, date(2016, 3, 27)) };
        assert_eq!(m.opens_at(&paris), "2016-03-27T01:30:00Z".parse::<Timestamp>().unwrap());
    }

    #[test]
    fn a_good_course_passes_and_serialises() {
        let c = course();
        assert_eq!(c.validate(), Ok(()));
        assert!(c.modules.iter().all(|m| m.opens_on.weekday() == jiff::civil::Weekday::Monday));
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains("\"mode\":\"cohort\""));
        assert_eq!(serde_json::from_str::<Course>(&json).unwrap(), c);
        // The opening time may be left out: midnight.
        let m: Module = serde_json::from_str(r#"{"position":1,"title":"S1","opens_on":"2016-10-03"}"#).unwrap();
        assert_eq!(m.opens_time, Time::midnight());
    }

    #[test]
    fn bad_structures_are_refused() {
        let with = |f: &dyn Fn(&mut Course)| {
            let mut c = course();
            f(&mut c);
            c.validate().unwrap_err()
        };
        assert_eq!(with(&|c| c.title = " ".into()), CourseError::EmptyTitle);
        assert_eq!(with(&|c| c.modules.clear()), CourseError::NoModule);
        assert_eq!(with(&|c| c.modules[3].position = 2), CourseError::DuplicatePosition(2));
        assert_eq!(with(&|c| c.modules[2].title = "".into()), CourseError::ModuleTitle(3));
        assert_eq!(with(&|c| c.modules[4].opens_on = date(2016, 10, 10)), CourseError::DatesOutOfOrder(5));
        assert_eq!(with(&|c| c.modules[0].opens_on = date(1916, 10, 3)), CourseError::DateOutOfRange(1));
        assert_eq!(
            with(&|c| c.modules = weekly(date(2016, 1, 4), 53).into_iter().map(|d| module(1, d)).collect()),
            CourseError::TooManyModules
        );
        let lesson = |position, title: &str| Lesson {
            position,
            kind: LessonKind::Text,
            title: title.into(),
            title_en: "".into(),
        };
        assert_eq!(
            with(&|c| c.modules[1].lessons = vec![lesson(1, "Pitch"), lesson(1, "Vidéo")]),
            CourseError::DuplicateLesson { module: 2, lesson: 1 }
        );
        assert_eq!(
            with(&|c| c.modules[1].lessons = vec![lesson(1, "")]),
            CourseError::LessonTitle { module: 2, lesson: 1 }
        );
        assert_eq!(CourseError::DatesOutOfOrder(5).message_key(), "error.course.dates_out_of_order");
        // Two modules the same day, and positions with gaps, are fine; so is an empty draft.
        let mut c = course();
        c.modules[1].opens_on = c.modules[0].opens_on;
        c.modules[5].position = 60;
        assert_eq!(c.validate(), Ok(()));
        c.modules.clear();
        c.status = Status::Draft;
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn ordering_and_renumbering() {
        let mut modules =
            vec![module(7, date(2016, 10, 17)), module(2, date(2016, 10, 3)), module(4, date(2016, 10, 10))];
        modules[0].lessons = vec![
            Lesson { position: 9, kind: LessonKind::Pdf, title: "Fiche".into(), title_en: "".into() },
            Lesson { position: 3, kind: LessonKind::Video, title: "Vidéo".into(), title_en: "".into() },
        ];
        assert_eq!(ordered(&modules).iter().map(|m| m.position).collect::<Vec<_>>(), [2, 4, 7]);
        assert_eq!(modules[0].ordered_lessons()[0].title, "Vidéo");
        renumber(&mut modules);
        assert_eq!(
            modules.iter().map(|m| (m.position, m.opens_on.day())).collect::<Vec<_>>(),
            [(1, 3), (2, 10), (3, 17)]
        );
        assert_eq!(
            modules[2].lessons.iter().map(|l| (l.position, l.kind)).collect::<Vec<_>>(),
            [(1, LessonKind::Video), (2, LessonKind::Pdf)]
        );
    }

    #[test]
    fn copying_an_edition_keeps_the_weekly_rhythm() {
        let mut old = course();
        old.modules[5].opens_on = date(2016, 11, 9); // a Wednesday, two days after week 6's Monday
        let new = old.copy_for(date(2017, 10, 2)).unwrap();
        assert_eq!(new.status, Status::Draft);
        assert_eq!(new.modules[0].opens_on, date(2017, 10, 2));
        assert_eq!(new.modules[4].opens_on, date(2017, 10, 30));
        assert_eq!(new.modules[5].opens_on, date(2017, 11, 8));
        assert_eq!(new.modules[5].opens_on.weekday(), jiff::civil::Weekday::Wednesday);
        // Any day of the target week gives the same calendar.
        assert_eq!(old.copy_for(date(2017, 10, 5)).unwrap(), new);
        assert_eq!(shift(&old.modules, date(2100, 12, 20)).unwrap_err(), CourseError::DateOutOfRange(3));
        assert_eq!(shift(&[], date(2017, 10, 2)), Ok(vec![]));
    }

    #[test]
    fn enrolment_and_current_module() {
        let mut c = course();
        assert_eq!(c.check_self_enrolment(), Err(CourseError::CohortOnly));
        c.mode = CourseMode::Open;
        assert_eq!(c.check_self_enrolment(), Ok(()));
        c.status = Status::Draft;
        assert_eq!(c.check_self_enrolment(), Err(CourseError::NotPublished));
        let tz = TimeZone::get("Africa/Abidjan").unwrap();
        assert_eq!(c.current(&tz, "2016-10-01T12:00:00Z".parse().unwrap()), None);
        assert_eq!(c.current(&tz, "2016-10-12T12:00:00Z".parse().unwrap()).map(|m| m.position), Some(2));
        assert_eq!(c.current(&tz, "2017-01-01T00:00:00Z".parse().unwrap()).map(|m| m.position), Some(6));
    }

    proptest! {
        #[test]
        fn shifted_courses_stay_valid_and_keep_their_gaps(
            gaps in proptest::collection::vec(0i64..15, 1..12),
            start in 0i64..3000,
            target in 0i64..3000,
        ) {
            let base = date(2005, 1, 3);
            let mut d = base.checked_add(start.days()).unwrap();
            let mut modules = vec![];
            for (i, g) in gaps.iter().enumerate() {
                d = d.checked_add(g.days()).unwrap();
                modules.push(module(i as u32 + 1, d));
            }
            prop_assert!(validate_modules(&modules).is_ok());
            let to = base.checked_add(target.days()).unwrap();
            let moved = shift(&modules, to).unwrap();
            prop_assert!(validate_modules(&moved).is_ok());
            prop_assert_eq!(monday_of(moved[0].opens_on), monday_of(to));
            for (a, b) in modules.iter().zip(&moved) {
                prop_assert_eq!(a.opens_on.weekday(), b.opens_on.weekday());
                prop_assert_eq!(
                    modules[0].opens_on.until(a.opens_on).unwrap().get_days(),
                    moved[0].opens_on.until(b.opens_on).unwrap().get_days()
                );
            }
        }
    }
}
