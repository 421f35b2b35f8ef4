//! Progress use cases: the learner's board (her work week by week, grades and feedback once
//! released), the cohort × week matrix with the at-risk flags for managers and tutors, its
//! CSV/XLSX export, and each learner's `Signals` stored in `course_signals` for the
//! selection of the next phase. The rules (cells, risks, signals) live in
//! `domain::progress`; `board` below is a plain function of the course's data, so that the
//! 1,000-learner board is measured without a server (`benches/cohort_board.rs`).

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use serde::Serialize;
use tokio::sync::watch;

use crate::app::App;
use crate::courses::{self, Access};
use crate::domain::peer::{self, Rating};
use crate::domain::progress::{signals, Cell, Risk, Signals, Week};
use crate::error::{AppError, AppResult};
use crate::exercises::{parsed, percent, PEER_SCALE};
use crate::store::accounts::UserRow;
use crate::store::courses::CourseRow;
use crate::store::exercises::{self as store, ExerciseRow, WorkLine};
use crate::store::teams::Which;

/// A column of the board: one published exercise, in course order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Column {
    pub exercise_id: i64,
    /// The module's position: the week.
    pub week: i64,
    pub title: String,
    pub title_en: String,
    pub opens_at: i64,
    pub due_at: i64,
    pub team: bool,
}

/// One learner's line of the board.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Row {
    pub user_id: i64,
    pub name: String,
    pub team: Option<i64>,
    /// One per column: not_open, due, overdue, done, late, missed or graded (with score).
    #[schema(value_type = Vec<Object>)]
    pub cells: Vec<Cell>,
    #[schema(value_type = Object)]
    pub signals: Signals,
    pub at_risk: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Board {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Learners flagged at risk.
    pub at_risk: usize,
}

/// What the board is computed from, read in a handful of queries.
pub struct CourseData {
    pub columns: Vec<(Column, Week)>,
    /// (user id, name), in name order.
    pub learners: Vec<(i64, String)>,
    /// (team number, user id)
    pub teams: Vec<(i64, i64)>,
    pub work: Vec<WorkLine>,
    /// (exercise, rater, ratee, score)
    pub ratings: Vec<(i64, i64, i64, i64)>,
}

fn instant(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap_or(Timestamp::MAX)
}

/// Each learner's teamwork as rated by teammates, 0 to 100: the mean over team exercises
/// of her damped peer score, the scale mapped onto 0–100.
fn peer_teamwork(d: &CourseData) -> HashMap<i64, f64> {
    let mut teams: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (n, u) in &d.teams {
        teams.entry(*n).or_default().push(*u);
    }
    let team_of: HashMap<i64, i64> = d.teams.iter().map(|(n, u)| (*u, *n)).collect();
    // Each team's ratings apart (by the rater's team; `aggregate` drops any other), so that
    // a cohort of 250 teams is not 250 passes over every rating.
    let mut by_team: BTreeMap<(i64, i64), Vec<Rating>> = BTreeMap::new();
    for &(e, rater, ratee, score) in &d.ratings {
        if let Some(&n) = team_of.get(&rater) {
            by_team.entry((e, n)).or_default().push(Rating { rater, ratee, score: score as i32 });
        }
    }
    let mut sums: HashMap<i64, (f64, u32)> = HashMap::new();
    let (min, width) = (f64::from(PEER_SCALE.min()), PEER_SCALE.width());
    for ((_, n), ratings) in &by_team {
        let Some(team) = teams.get(n) else { continue };
        for r in peer::aggregate(team, ratings, PEER_SCALE) {
            if let Some(score) = r.score {
                let e = sums.entry(r.member).or_default();
                e.0 += (score - min) / width * 100.0;
                e.1 += 1;
            }
        }
    }
    sums.into_iter().map(|(u, (sum, n))| (u, sum / f64::from(n))).collect()
}

/// The board at `now`. `released_only`: grades count once released (what a learner sees);
/// managers and tutors see every grade.
pub fn board(d: &CourseData, now: Timestamp, released_only: bool) -> Board {
    let column_of: HashMap<i64, usize> = d.columns.iter().enumerate().map(|(i, (c, _))| (c.exercise_id, i)).collect();
    let mut work: HashMap<i64, Vec<(usize, &WorkLine)>> = HashMap::new();
    for w in &d.work {
        if let Some(&i) = column_of.get(&w.exercise_id) {
            work.entry(w.user_id).or_default().push((i, w));
        }
    }
    let team_of: HashMap<i64, i64> = d.teams.iter().map(|(n, u)| (*u, *n)).collect();
    let teamwork = peer_teamwork(d);
    let rows: Vec<Row> = d
        .learners
        .iter()
        .map(|(user_id, name)| {
            let mut weeks: Vec<Week> = d.columns.iter().map(|(_, w)| *w).collect();
            for (i, w) in work.get(user_id).map(Vec::as_slice).unwrap_or(&[]) {
                let week = &mut weeks[*i];
                // Two submissions for one learner (a rebuilt team): the earlier counts.
                if week.submitted_at.is_none_or(|t| t.as_second() > w.sent_at) {
                    week.submitted_at = Some(instant(w.sent_at));
                    week.grade = w.score_milli.filter(|_| !released_only || w.released_at.is_some()).map(percent);
                }
            }
            let s = signals(&weeks, teamwork.get(user_id).copied(), now);
            Row {
                user_id: *user_id,
                name: name.clone(),
                team: team_of.get(user_id).copied(),
                cells: weeks.iter().map(|w| w.cell(now)).collect(),
                at_risk: !s.risks.is_empty(),
                signals: s,
            }
        })
        .collect();
    Board {
        columns: d.columns.iter().map(|(c, _)| c.clone()).collect(),
        at_risk: rows.iter().filter(|r| r.at_risk).count(),
        rows,
    }
}

/// The published exercises of the course as columns, with their week's timing.
async fn columns(app: &App, c: &CourseRow) -> AppResult<Vec<(Column, Week)>> {
    let openings = courses::openings(app, c).await?;
    let exercises: Vec<ExerciseRow> =
        store::of_course(&app.db, c.id).await?.into_iter().filter(ExerciseRow::is_published).collect();
    Ok(exercises
        .iter()
        .filter_map(|e| {
            let &(week, opened_at) = openings.get(&e.module_id)?;
            let p = parsed(e);
            let column = Column {
                exercise_id: e.id,
                week,
                title: e.title.clone(),
                title_en: e.title_en.clone(),
                opens_at: opened_at.as_second(),
                due_at: e.due_at,
                team: p.grouping != crate::domain::exercise::Grouping::Individual,
            };
            let w = Week {
                opened_at,
                due_at: instant(e.due_at),
                late_policy: p.late_policy,
                submitted_at: None,
                grade: None,
            };
            Some((column, w))
        })
        .collect())
}

/// Everything the board of the course needs; `only` narrows it to some learners (one
/// learner's own board, or the members of a piece of work whose signals change), read
/// without going through the whole cohort.
pub async fn course_data(app: &App, c: &CourseRow, only: Option<&[i64]>) -> AppResult<CourseData> {
    let keep = |u: i64| only.is_none_or(|o| o.contains(&u));
    let learners: Vec<(i64, String)> = match only {
        None => {
            let mut all: Vec<(i64, String)> = crate::store::teams::learners(&app.db, c.id, Which::All)
                .await?
                .into_iter()
                .map(|l| (l.user_id, l.name))
                .collect();
            all.dedup_by_key(|l| l.0);
            all
        }
        Some(ids) => store::names(&app.db, ids).await?,
    };
    let work = match only {
        Some([one]) => store::work_of_learner(&app.db, c.id, *one).await?,
        _ => store::work_of_course(&app.db, c.id).await?.into_iter().filter(|w| keep(w.user_id)).collect(),
    };
    let mut teams = crate::store::teams::members(&app.db, c.id).await?;
    if only.is_some() {
        // Only the teams of these learners: their teammates' ratings of them count.
        let theirs: Vec<i64> = teams.iter().filter(|(_, u)| keep(*u)).map(|(n, _)| *n).collect();
        teams.retain(|(n, _)| theirs.contains(n));
    }
    Ok(CourseData {
        columns: columns(app, c).await?,
        learners,
        teams,
        work,
        ratings: store::ratings_of_course(&app.db, c.id, only).await?,
    })
}

/// The cohort × week matrix, for managers and tutors.
pub async fn cohort(app: &App, user: &UserRow, slug: &str) -> AppResult<(CourseRow, Board)> {
    let c = match courses::access(app, user, slug).await? {
        (c, Access::Manager | Access::Tutor) => c,
        _ => return Err(AppError::Forbidden),
    };
    let d = course_data(app, &c, None).await?;
    Ok((c, board(&d, Timestamp::now(), false)))
}

/// The signed-in learner's own line: her weeks, released grades only.
pub async fn mine(app: &App, user: &UserRow, slug: &str) -> AppResult<(CourseRow, Board)> {
    let c = match courses::access(app, user, slug).await? {
        (c, Access::Learner) => c,
        _ => return Err(AppError::Refused("error.progress.learners_only")),
    };
    let d = course_data(app, &c, Some(&[user.id])).await?;
    Ok((c, board(&d, Timestamp::now(), true)))
}

/// Recomputes and stores the signals of these learners of the course (all of them when
/// `users` is empty): called when work is sent, graded, released or rated, and hourly.
pub async fn refresh(app: &App, course_id: i64, users: &[i64]) -> AppResult<()> {
    let Some(c) = crate::store::courses::by_id(&app.db, course_id).await? else { return Ok(()) };
    let d = course_data(app, &c, (!users.is_empty()).then_some(users)).await?;
    let b = board(&d, Timestamp::now(), false);
    let rows: Vec<(i64, String, bool)> =
        b.rows.iter().map(|r| (r.user_id, serde_json::to_string(&r.signals).unwrap_or_default(), r.at_risk)).collect();
    let mut tx = app.db.begin().await?;
    store::store_signals(&mut tx, c.id, &rows).await?;
    tx.commit().await?;
    Ok(())
}

/// How often the stored signals follow the deadlines that passed.
const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Every hour, the signals of the courses whose deadlines still move them (an exercise due
/// in the last two weeks or later).
pub async fn worker(app: App, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        let since = Timestamp::now().as_second() - 14 * 24 * 3600;
        match store::live_courses(&app.db, since).await {
            Ok(ids) => {
                for id in ids {
                    if let Err(e) = refresh(&app, id, &[]).await {
                        tracing::warn!(course = id, error = %e, "cannot refresh progress signals");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot list courses for progress signals"),
        }
        tokio::select! {
            _ = tokio::time::sleep(REFRESH_EVERY) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// The stored signals of the course's learners, as selection reads them.
pub async fn stored_signals(app: &App, course_id: i64) -> AppResult<Vec<(i64, Signals)>> {
    Ok(store::signals(&app.db, course_id)
        .await?
        .into_iter()
        .map(|(u, json, _)| (u, serde_json::from_str(&json).unwrap_or_default()))
        .collect())
}

/// The short code of a cell, for exports and the page's classes.
pub fn cell_code(c: &Cell) -> &'static str {
    match c {
        Cell::NotOpen => "not_open",
        Cell::Due => "due",
        Cell::Overdue => "overdue",
        Cell::Done => "done",
        Cell::Late => "late",
        Cell::Missed => "missed",
        Cell::Graded { late: false, .. } => "graded",
        Cell::Graded { late: true, .. } => "graded_late",
    }
}

pub fn risk_code(r: &Risk) -> &'static str {
    match r {
        Risk::MissedDeadlines { .. } => "missed_deadlines",
        Risk::FallingScores => "falling_scores",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::exercise::LatePolicy;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn data() -> CourseData {
        let week = |n: i64| {
            let opened_at = at("2026-10-05T00:00:00Z").checked_add(jiff::SignedDuration::from_hours(168 * n)).unwrap();
            let due_at = opened_at.checked_add(jiff::SignedDuration::from_hours(167)).unwrap();
            (
                Column {
                    exercise_id: 10 + n,
                    week: n + 1,
                    title: format!("E{n}"),
                    title_en: String::new(),
                    opens_at: opened_at.as_second(),
                    due_at: due_at.as_second(),
                    team: n == 1,
                },
                Week {
                    opened_at,
                    due_at,
                    late_policy: LatePolicy::RefuseAfterGrace { hours: 24 },
                    submitted_at: None,
                    grade: None,
                },
            )
        };
        let sent = |exercise_id, user_id, day: &str, score: Option<i64>, released: bool| WorkLine {
            exercise_id,
            user_id,
            sent_at: at(day).as_second(),
            score_milli: score,
            released_at: released.then_some(1),
        };
        CourseData {
            columns: (0..3).map(week).collect(),
            learners: vec![(1, "Awa".into()), (2, "Binta".into()), (3, "Chaka".into())],
            teams: vec![(1, 1), (1, 2), (1, 3)],
            work: vec![
                sent(10, 1, "2026-10-06T10:00:00Z", Some(80_000), true),
                sent(11, 1, "2026-10-13T10:00:00Z", Some(70_000), false),
                sent(11, 2, "2026-10-13T10:00:00Z", Some(70_000), false),
                sent(11, 3, "2026-10-13T10:00:00Z", Some(70_000), false),
                sent(10, 2, "2026-10-12T12:00:00Z", None, false),
            ],
            ratings: vec![(11, 1, 2, 5), (11, 3, 2, 4), (11, 2, 1, 3), (11, 3, 1, 3)],
        }
    }

    #[test]
    fn the_board_shows_each_week_and_flags_who_falls_behind() {
        let now = at("2026-10-24T00:00:00Z");
        let b = board(&data(), now, false);
        assert_eq!(b.columns.len(), 3);
        let awa = &b.rows[0];
        assert_eq!(awa.cells[0], Cell::Graded { score: 80.0, late: false });
        assert_eq!(awa.cells[1], Cell::Graded { score: 70.0, late: false });
        assert_eq!(awa.cells[2], Cell::Due, "opened 19 October, due the 25th");
        let chaka = &b.rows[2];
        assert_eq!(chaka.cells[0], Cell::Missed);
        assert!(!chaka.at_risk, "one missed deadline and one due");
        // Peer teamwork: Binta rated 5 and 4 → 4.5 on 1–5 → 87.5.
        let binta = &b.rows[1];
        assert_eq!(binta.signals.peer_teamwork, Some(87.5));
        assert_eq!(binta.cells[0], Cell::Late);
        assert_eq!(b.at_risk, b.rows.iter().filter(|r| r.at_risk).count());
        // A learner sees released grades only.
        let mine = board(&data(), now, true);
        assert_eq!(mine.rows[0].cells[1], Cell::Done);
        // A week later both open weeks are missed for Chaka.
        let later = board(&data(), at("2026-11-05T00:00:00Z"), false);
        assert!(later.rows[2].at_risk);
        assert_eq!(later.rows[2].signals.risks, vec![Risk::MissedDeadlines { count: 2 }]);
    }
}
