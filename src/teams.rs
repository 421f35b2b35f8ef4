//! Teams of a course, for its team exercises: a manager forms them in one click, balanced
//! by country and gender (`domain::teams::form`), or by hand, and may redo them. A learner
//! sees her own team; managers and tutors see them all.
//!
//! A learner's country and gender come from her profile, else from the application that
//! brought her into the cohort (what the selection read).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::courses::Access;
use crate::domain::teams::{self, Member, TeamsError};
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::store::accounts::UserRow;
use crate::store::courses::CourseRow;
use crate::store::teams as store;

/// Teams of 3 to 5 unless the manager says otherwise.
pub const DEFAULT_MIN: usize = crate::domain::exercise::DEFAULT_TEAM_MIN as usize;
pub const DEFAULT_MAX: usize = crate::domain::exercise::DEFAULT_TEAM_MAX as usize;

/// A learner as teams show her.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Learner {
    pub user_id: i64,
    pub name: String,
    pub country: String,
    pub gender: String,
    /// Her team's number, if she has one.
    pub team: Option<i64>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Team {
    pub number: i64,
    pub members: Vec<Learner>,
}

/// Sizes asked for the automatic forming.
#[derive(Clone, Copy, Debug, Deserialize, utoipa::ToSchema)]
pub struct Bounds {
    pub min: usize,
    pub max: usize,
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds { min: DEFAULT_MIN, max: DEFAULT_MAX }
    }
}

/// A refusal of the domain, in the reader's language with its numbers.
fn refusal(i: I18n, e: &TeamsError) -> String {
    let args = e.message_args();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    i.tf(e.message_key(), &args)
}

async fn course_for_staff(app: &App, user: &UserRow, slug: &str, edit: bool) -> AppResult<CourseRow> {
    match crate::courses::access(app, user, slug).await? {
        (c, Access::Manager) => Ok(c),
        (c, Access::Tutor) if !edit => Ok(c),
        _ => Err(AppError::Forbidden),
    }
}

/// The course's learners with their country, gender and team.
pub async fn learners(app: &App, course: &CourseRow) -> AppResult<Vec<Learner>> {
    let rows = store::learners(&app.db, course.id).await?;
    // What each call's applications say, read once per call.
    let mut from_applications: HashMap<i64, (String, String)> = HashMap::new();
    let calls: std::collections::BTreeSet<i64> = rows.iter().filter_map(|r| r.call_id).collect();
    for call_id in calls {
        let Some(call) = crate::store::calls::by_id(&app.db, call_id).await? else { continue };
        let (_, apps) = crate::applications::rows_of_call(app, &call, &Default::default()).await?;
        from_applications.extend(apps.into_iter().map(|a| (a.listed.id, (a.country, a.gender))));
    }
    let team_of: HashMap<i64, i64> =
        store::members(&app.db, course.id).await?.into_iter().map(|(team, user)| (user, team)).collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let declared = r.application_id.and_then(|a| from_applications.get(&a)).cloned().unwrap_or_default();
            let pick = |own: String, declared: String| if own.is_empty() { declared } else { own };
            Learner {
                team: team_of.get(&r.user_id).copied(),
                user_id: r.user_id,
                name: r.name,
                country: pick(r.country, declared.0).to_ascii_uppercase(),
                gender: pick(r.gender, declared.1),
            }
        })
        .collect())
}

fn grouped(learners: &[Learner]) -> Vec<Team> {
    let mut teams: BTreeMap<i64, Vec<Learner>> = BTreeMap::new();
    for l in learners {
        if let Some(n) = l.team {
            teams.entry(n).or_default().push(l.clone());
        }
    }
    teams.into_iter().map(|(number, members)| Team { number, members }).collect()
}

fn members(learners: &[Learner]) -> Vec<Member> {
    learners
        .iter()
        .map(|l| Member { id: l.user_id, country: l.country.clone(), gender: l.gender.clone(), skills: vec![] })
        .collect()
}

/// The teams and the learners (with those in no team), for managers and tutors.
pub async fn overview(app: &App, user: &UserRow, slug: &str) -> AppResult<(CourseRow, Vec<Team>, Vec<Learner>)> {
    let course = course_for_staff(app, user, slug, false).await?;
    let learners = learners(app, &course).await?;
    Ok((course, grouped(&learners), learners))
}

/// Forms every team anew, balanced by country and gender.
pub async fn form_automatically(app: &App, user: &UserRow, slug: &str, i: I18n, b: Bounds) -> AppResult<Vec<Team>> {
    let course = course_for_staff(app, user, slug, true).await?;
    let learners = learners(app, &course).await?;
    let teams = teams::form(&members(&learners), b.min, b.max).map_err(|e| AppError::Infeasible(refusal(i, &e)))?;
    save(app, &course, &teams, user).await
}

/// Saves teams made by hand: every learner in exactly one team, sizes within the bounds.
pub async fn set_by_hand(
    app: &App,
    user: &UserRow,
    slug: &str,
    i: I18n,
    b: Bounds,
    teams: &[Vec<i64>],
) -> AppResult<Vec<Team>> {
    let course = course_for_staff(app, user, slug, true).await?;
    let learners = learners(app, &course).await?;
    let names: HashMap<i64, &str> = learners.iter().map(|l| (l.user_id, l.name.as_str())).collect();
    teams::check_manual(teams, &members(&learners), b.min, b.max).map_err(|errors| {
        let text: Vec<String> = errors
            .iter()
            .map(|e| {
                let who = match e {
                    TeamsError::Unplaced(id) | TeamsError::PlacedTwice(id) | TeamsError::DuplicateMember(id) => {
                        names.get(id).map(|n| format!("{n} : ")).unwrap_or_default()
                    }
                    _ => String::new(),
                };
                format!("{who}{}", refusal(i, e))
            })
            .collect();
        AppError::Infeasible(text.join(" "))
    })?;
    save(app, &course, teams, user).await
}

async fn save(app: &App, course: &CourseRow, teams: &[Vec<i64>], by: &UserRow) -> AppResult<Vec<Team>> {
    let mut tx = app.db.begin().await?;
    store::replace(&mut tx, course.id, teams).await?;
    tx.commit().await?;
    tracing::info!(course = course.id, teams = teams.len(), by = by.id, "teams formed");
    Ok(grouped(&learners(app, course).await?))
}

/// The signed-in learner's team (none yet: `None`).
pub async fn mine(app: &App, user: &UserRow, slug: &str) -> AppResult<Option<Team>> {
    let (course, _) = crate::courses::access(app, user, slug).await?;
    let learners = learners(app, &course).await?;
    let Some(number) = learners.iter().find(|l| l.user_id == user.id).and_then(|l| l.team) else {
        return Ok(None);
    };
    Ok(grouped(&learners).into_iter().find(|t| t.number == number))
}
