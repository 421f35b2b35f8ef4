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
use crate::store::teams::{self as store, Which};

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

/// Learners listed on one page of the teams page (and of the API's list).
pub const PAGE: i64 = 200;

/// The course's learners (all of them, a page, or some teams') with their country, gender
/// and team.
pub async fn learners(app: &App, course: &CourseRow, which: Which<'_>) -> AppResult<Vec<Learner>> {
    let rows = store::learners(&app.db, course.id, which).await?;
    // What each call's applications say, read once per call.
    let mut from_applications: HashMap<i64, (String, String)> = HashMap::new();
    let calls: std::collections::BTreeSet<i64> = rows.iter().filter_map(|r| r.call_id).collect();
    for call_id in calls {
        let Some(call) = crate::store::calls::by_id(&app.db, call_id).await? else { continue };
        let (_, apps) = crate::applications::rows_of_call(app, &call, &Default::default()).await?;
        from_applications.extend(apps.into_iter().map(|a| (a.listed.id, (a.country, a.gender))));
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let declared = r.application_id.and_then(|a| from_applications.get(&a)).cloned().unwrap_or_default();
            let pick = |own: String, declared: String| if own.is_empty() { declared } else { own };
            Learner {
                team: r.team,
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

/// One page of a course's learners, for managers and tutors.
pub struct Overview {
    pub course: CourseRow,
    /// The teams of the learners on this page, whole.
    pub teams: Vec<Team>,
    /// This page's learners (by name), with those in no team.
    pub learners: Vec<Learner>,
    pub paging: crate::courses::Paging,
    /// Learners in a team, and teams, in the whole course.
    pub placed: i64,
    pub team_count: i64,
}

/// Page `page` of the learners (`PAGE` a page, by name) with their teams. An open course
/// may have 10,000 learners: the page reads and shows one page of them, and the counts.
pub async fn overview(app: &App, user: &UserRow, slug: &str, page: Option<i64>) -> AppResult<Overview> {
    let course = course_for_staff(app, user, slug, false).await?;
    let (total, placed, team_count) = store::counts(&app.db, course.id).await?;
    let paging = crate::courses::Paging::new(page, PAGE, total);
    let learners = learners(app, &course, Which::Page { offset: paging.offset(), limit: paging.per_page }).await?;
    let teams = if paging.pages == 1 {
        grouped(&learners)
    } else {
        let ids: Vec<i64> = learners.iter().map(|l| l.user_id).collect();
        let team_ids = store::teams_of(&app.db, course.id, &ids).await?;
        grouped(&self::learners(app, &course, Which::Teams(&team_ids)).await?)
    };
    Ok(Overview { course, teams, learners, paging, placed, team_count })
}

/// Forms every team anew, balanced by country and gender.
pub async fn form_automatically(app: &App, user: &UserRow, slug: &str, i: I18n, b: Bounds) -> AppResult<Vec<Team>> {
    let course = course_for_staff(app, user, slug, true).await?;
    let learners = learners(app, &course, Which::All).await?;
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
    let learners = learners(app, &course, Which::All).await?;
    let names: HashMap<i64, &str> = learners.iter().map(|l| (l.user_id, l.name.as_str())).collect();
    teams::check_manual(teams, &members(&learners), b.min, b.max).map_err(|errors| {
        // A course of thousands may have thousands of faults: the first ones, and how many.
        const SHOWN: usize = 20;
        let mut text: Vec<String> = errors
            .iter()
            .take(SHOWN)
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
        if errors.len() > SHOWN {
            text.push(format!("… (+{})", errors.len() - SHOWN));
        }
        AppError::Infeasible(text.join(" "))
    })?;
    save(app, &course, teams, user).await
}

async fn save(app: &App, course: &CourseRow, teams: &[Vec<i64>], by: &UserRow) -> AppResult<Vec<Team>> {
    let mut tx = app.db.begin().await?;
    store::replace(&mut tx, course.id, teams).await?;
    tx.commit().await?;
    tracing::info!(course = course.id, teams = teams.len(), by = by.id, "teams formed");
    Ok(grouped(&learners(app, course, Which::All).await?))
}

/// The signed-in learner's team (none yet: `None`).
pub async fn mine(app: &App, user: &UserRow, slug: &str) -> AppResult<Option<Team>> {
    let (course, _) = crate::courses::access(app, user, slug).await?;
    if !crate::courses::content(app, &course).await?.has_teams {
        return Ok(None);
    }
    mine_in(app, &course, user).await
}

/// Her team in a course already read: one small query, and the team's members only (her
/// course page shows it; reading every learner took a tenth of a second in a course of
/// 10,000).
pub async fn mine_in(app: &App, course: &CourseRow, user: &UserRow) -> AppResult<Option<Team>> {
    let Some((team, number)) = store::team_of(&app.db, course.id, user.id).await? else {
        return Ok(None);
    };
    let members = learners(app, course, Which::Teams(&[team])).await?;
    Ok(grouped(&members).into_iter().find(|t| t.number == number))
}
