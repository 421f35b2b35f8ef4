//! Progress through a course: the status of each participant's work week by week (the
//! participant's board and the cohort × week matrix), the flags that tell managers who is
//! falling behind, and the `Signals` summarising a participant's course, stored as JSON for
//! the selection of the next phase (30 → 15) to read.
//!
//! At-risk rules:
//! - **missed deadlines**: two or more weeks whose due instant passed with nothing handed
//!   in (`Overdue` or `Missed`). Late work that did come in no longer counts;
//! - **falling scores**, over the grades in week order: the last three each lower than the
//!   one before, or the last at least `DROP_POINTS` (20) points below the mean of at
//!   least two earlier grades.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::exercise::{classify, reactivity, LatePolicy, Timing, LATE_DECAY_HOURS};

/// Missed deadlines that flag a participant.
pub const MISSED_AT_RISK: u32 = 2;
/// A grade this far below the participant's earlier mean flags falling scores.
pub const DROP_POINTS: f64 = 20.0;

/// One participant's exercise of one week, as the store reads it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Week {
    pub opened_at: Timestamp,
    pub due_at: Timestamp,
    pub late_policy: LatePolicy,
    /// When the version being graded came in.
    pub submitted_at: Option<Timestamp>,
    /// The tutor's weighted rubric score, 0 to 100, once graded.
    pub grade: Option<f64>,
}

/// The status of one week's work.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Cell {
    NotOpen,
    /// Open, nothing handed in, still on time.
    Due,
    /// Past due, nothing handed in, still accepted.
    Overdue,
    /// Handed in on time, not graded yet.
    Done,
    /// Handed in late, not graded yet.
    Late,
    /// Nothing handed in and no longer accepted: after the grace period, or, when late work
    /// is always accepted, once it would earn no reactivity (`LATE_DECAY_HOURS` past due).
    Missed,
    Graded {
        score: f64,
        late: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "risk", rename_all = "snake_case")]
pub enum Risk {
    MissedDeadlines { count: u32 },
    FallingScores,
}

/// A participant's course in figures, for the board and for the next selection.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Signals {
    /// Weeks open so far.
    pub weeks_open: u32,
    /// Work handed in on time (graded or not).
    pub on_time: u32,
    /// Work handed in late (graded or not).
    pub late: u32,
    /// Deadlines passed with nothing handed in.
    pub missed: u32,
    /// Mean of the tutors' grades, 0 to 100.
    pub mean_grade: Option<f64>,
    /// Mean automatic reactivity, 0 to 100, over the work handed in and the deadlines
    /// passed without work (which count what the work would earn if sent now: 0 once
    /// missed).
    pub mean_reactivity: Option<f64>,
    /// Teamwork as teammates rated it, 0 to 100 (from `peer::aggregate`, the scale mapped to 0–100).
    pub peer_teamwork: Option<f64>,
    pub risks: Vec<Risk>,
}

fn missed_after(w: &Week) -> Timestamp {
    w.late_policy.refused_after(w.due_at).unwrap_or_else(|| {
        w.due_at.checked_add(SignedDuration::from_hours(LATE_DECAY_HOURS.into())).unwrap_or(Timestamp::MAX)
    })
}

impl Week {
    pub fn cell(&self, now: Timestamp) -> Cell {
        let late = self.submitted_at.is_some_and(|t| t > self.due_at);
        if let Some(score) = self.grade {
            return Cell::Graded { score, late };
        }
        if self.submitted_at.is_some() {
            return if late { Cell::Late } else { Cell::Done };
        }
        match classify(self.opened_at, self.due_at, self.late_policy, now) {
            Timing::NotOpen => Cell::NotOpen,
            Timing::OnTime => Cell::Due,
            Timing::Late if now <= missed_after(self) => Cell::Overdue,
            Timing::Late | Timing::Refused => Cell::Missed,
        }
    }

    /// The automatic reactivity of this week, if it has one yet.
    fn reactivity(&self, now: Timestamp) -> Option<f64> {
        let at = match self.submitted_at {
            Some(t) => t,
            None if now > self.due_at => now,
            None => return None,
        };
        Some(reactivity(self.opened_at, self.due_at, self.late_policy, at))
    }
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Whether grades in week order are falling (see the module documentation).
pub fn falling(grades: &[f64]) -> bool {
    let n = grades.len();
    let three_down = n >= 3 && grades[n - 3] > grades[n - 2] && grades[n - 2] > grades[n - 1];
    let drop = n >= 3 && mean(&grades[..n - 1]).is_some_and(|m| m - grades[n - 1] >= DROP_POINTS);
    three_down || drop
}

/// The at-risk flags of a participant's cells, in week order.
pub fn risks(cells: &[Cell]) -> Vec<Risk> {
    let mut out = vec![];
    let missed = cells.iter().filter(|c| matches!(c, Cell::Overdue | Cell::Missed)).count() as u32;
    if missed >= MISSED_AT_RISK {
        out.push(Risk::MissedDeadlines { count: missed });
    }
    let grades: Vec<f64> =
        cells.iter().filter_map(|c| if let Cell::Graded { score, .. } = c { Some(*score) } else { None }).collect();
    if falling(&grades) {
        out.push(Risk::FallingScores);
    }
    out
}

/// A participant's signals at `now` from their weeks in course order.
pub fn signals(weeks: &[Week], peer_teamwork: Option<f64>, now: Timestamp) -> Signals {
    let cells: Vec<Cell> = weeks.iter().map(|w| w.cell(now)).collect();
    let count = |f: fn(&Cell) -> bool| cells.iter().filter(|c| f(c)).count() as u32;
    let grades: Vec<f64> = weeks.iter().filter_map(|w| w.grade).collect();
    let reactivities: Vec<f64> = weeks.iter().filter_map(|w| w.reactivity(now)).collect();
    Signals {
        weeks_open: count(|c| *c != Cell::NotOpen),
        on_time: count(|c| matches!(c, Cell::Done | Cell::Graded { late: false, .. })),
        late: count(|c| matches!(c, Cell::Late | Cell::Graded { late: true, .. })),
        missed: count(|c| matches!(c, Cell::Overdue | Cell::Missed)),
        mean_grade: mean(&grades),
        mean_reactivity: mean(&reactivities),
        peer_teamwork,
        risks: risks(&cells),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::ToSpan;
    use proptest::prelude::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// Week `n` (from 0) of a course opening on Monday 3 October 2016, due the next Monday.
    fn week(n: i64, policy: LatePolicy) -> Week {
        let opened_at = at("2016-10-03T00:00:00Z").checked_add((7 * 24 * n).hours()).unwrap();
        Week {
            opened_at,
            due_at: opened_at.checked_add(168.hours()).unwrap(),
            late_policy: policy,
            submitted_at: None,
            grade: None,
        }
    }

    const GRACE: LatePolicy = LatePolicy::RefuseAfterGrace { hours: 48 };

    #[test]
    fn cells_through_a_week() {
        let w = week(0, GRACE);
        assert_eq!(w.cell(at("2016-10-02T12:00:00Z")), Cell::NotOpen);
        assert_eq!(w.cell(at("2016-10-05T12:00:00Z")), Cell::Due);
        assert_eq!(w.cell(at("2016-10-11T12:00:00Z")), Cell::Overdue);
        assert_eq!(w.cell(at("2016-10-12T00:00:01Z")), Cell::Missed);
        let flagged = week(0, LatePolicy::AcceptFlagged);
        assert_eq!(flagged.cell(at("2016-10-16T12:00:00Z")), Cell::Overdue);
        assert_eq!(flagged.cell(at("2016-10-17T00:00:01Z")), Cell::Missed);

        let on_time = Week { submitted_at: Some(at("2016-10-07T18:00:00Z")), ..w };
        assert_eq!(on_time.cell(at("2016-10-20T00:00:00Z")), Cell::Done);
        let late = Week { submitted_at: Some(at("2016-10-10T08:00:00Z")), ..w };
        assert_eq!(late.cell(at("2016-10-20T00:00:00Z")), Cell::Late);
        assert_eq!(
            Week { grade: Some(72.5), ..late }.cell(at("2016-10-20T00:00:00Z")),
            Cell::Graded { score: 72.5, late: true }
        );
        assert_eq!(
            serde_json::to_string(&Cell::Graded { score: 72.5, late: false }).unwrap(),
            r#"{"status":"graded","score":72.5,"late":false}"#
        );
    }

    #[test]
    fn falling_scores() {
        assert!(!falling(&[]));
        assert!(!falling(&[80.0, 50.0]), "two grades are not a trend");
        assert!(falling(&[80.0, 70.0, 65.0]));
        assert!(!falling(&[80.0, 70.0, 70.0]));
        assert!(!falling(&[60.0, 80.0, 70.0, 75.0]));
        // 20 points below the mean of the earlier grades (80).
        assert!(falling(&[70.0, 90.0, 60.0]));
        assert!(!falling(&[70.0, 90.0, 60.1]));
        assert!(falling(&[90.0, 40.0, 95.0, 85.0, 60.0]));
    }

    #[test]
    fn signals_of_a_participant() {
        let now = at("2016-11-01T12:00:00Z"); // week 4 (from 0) open, week 3 due 31 Oct, 2 days' grace
        let mut weeks: Vec<Week> = (0..6).map(|n| week(n, GRACE)).collect();
        // Week 0: sent at opening, graded 80. Week 1: sent at the due instant, graded 55.
        weeks[0].submitted_at = Some(weeks[0].opened_at);
        weeks[0].grade = Some(80.0);
        weeks[1].submitted_at = Some(weeks[1].due_at);
        weeks[1].grade = Some(55.0);
        // Week 2: nothing, refused since 26 Oct. Week 3: nothing, in its grace period.
        let s = signals(&weeks, Some(62.5), now);
        let cells: Vec<Cell> = weeks.iter().map(|w| w.cell(now)).collect();
        assert_eq!(
            cells,
            [
                Cell::Graded { score: 80.0, late: false },
                Cell::Graded { score: 55.0, late: false },
                Cell::Missed,
                Cell::Overdue,
                Cell::Due,
                Cell::NotOpen
            ]
        );
        assert_eq!((s.weeks_open, s.on_time, s.late, s.missed), (5, 2, 0, 2));
        assert_eq!(s.mean_grade, Some(67.5));
        // 100, 50, 0 (missed), and week 3 as if sent now, 36 h into 48 h of grace: 12.5.
        assert_eq!(s.mean_reactivity, Some((100.0 + 50.0 + 0.0 + 12.5) / 4.0));
        assert_eq!(s.peer_teamwork, Some(62.5));
        assert_eq!(s.risks, vec![Risk::MissedDeadlines { count: 2 }]);

        // Selection reads them back, even from an older record without some fields.
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#""risks":[{"risk":"missed_deadlines","count":2}]"#), "{json}");
        assert_eq!(serde_json::from_str::<Signals>(&json).unwrap(), s);
        let old: Signals = serde_json::from_str(r#"{"on_time":3,"missed":1}"#).unwrap();
        assert_eq!((old.on_time, old.missed, old.mean_grade, old.risks.len()), (3, 1, None, 0));

        // Late work that came in no longer counts as missed; three falling grades flag.
        weeks[2].submitted_at = Some(at("2016-10-24T06:00:00Z"));
        weeks[2].grade = Some(50.0);
        weeks[3].submitted_at = Some(at("2016-10-30T06:00:00Z"));
        let s = signals(&weeks, None, now);
        assert_eq!((s.on_time, s.late, s.missed), (3, 1, 0));
        assert_eq!(s.risks, vec![Risk::FallingScores]);
        assert_eq!(signals(&[], None, now), Signals::default());
    }

    fn policy() -> impl Strategy<Value = LatePolicy> {
        prop_oneof![
            Just(LatePolicy::AcceptFlagged),
            (0u32..400).prop_map(|hours| LatePolicy::RefuseAfterGrace { hours })
        ]
    }

    fn rank(c: Cell) -> u8 {
        match c {
            Cell::NotOpen => 0,
            Cell::Due => 1,
            Cell::Overdue => 2,
            Cell::Missed => 3,
            other => panic!("work appeared from nowhere: {other:?}"),
        }
    }

    proptest! {
        #[test]
        fn an_empty_week_only_moves_forward(policy in policy(), a in 0i64..(40 * 86_400), b in 0i64..(40 * 86_400)) {
            let w = week(1, policy);
            let start = at("2016-10-01T00:00:00Z");
            let t = |s: i64| start.checked_add(SignedDuration::from_secs(s)).unwrap();
            prop_assert!(rank(w.cell(t(a.min(b)))) <= rank(w.cell(t(a.max(b)))));
        }

        #[test]
        fn signals_add_up(
            subs in proptest::collection::vec((proptest::option::of(-86_400i64..(14 * 86_400)), proptest::option::of(0.0f64..=100.0)), 0..8),
            now in 0i64..(80 * 86_400),
            policy in policy(),
        ) {
            let weeks: Vec<Week> = subs.iter().enumerate().map(|(n, (sub, grade))| {
                let w = week(n as i64, policy);
                let submitted_at = sub.map(|s| w.opened_at.checked_add(SignedDuration::from_secs(s.max(0))).unwrap());
                Week { submitted_at, grade: submitted_at.and(*grade), ..w }
            }).collect();
            let now = at("2016-10-03T00:00:00Z").checked_add(SignedDuration::from_secs(now)).unwrap();
            let s = signals(&weeks, None, now);
            prop_assert!(s.on_time + s.late + s.missed <= weeks.len() as u32);
            prop_assert!(s.mean_reactivity.is_none_or(|r| (0.0..=100.0).contains(&r)));
            prop_assert!(s.mean_grade.is_none_or(|g| (0.0..=100.0).contains(&g)));
            prop_assert_eq!(s.risks.contains(&Risk::MissedDeadlines { count: s.missed }), s.missed >= MISSED_AT_RISK);
        }
    }
}
