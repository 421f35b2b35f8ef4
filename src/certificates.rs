//! Certificates of completion. A learner who meets her course's rules (every published quiz
//! passed at the minimum score, at best attempt; enough exercises done) asks for her
//! certificate; it is issued once, with a verification code anyone can type on the public
//! page, and a PDF the server draws. Managers set the rules and may revoke a certificate,
//! with a reason the public page then shows.

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::courses::{Access, Content};
use crate::domain::certificate::{self, Completion, Rules, VerificationCode};
use crate::domain::time::unix_now;
use crate::error::{AppError, AppResult};
use crate::exercises::Sent;
use crate::quizzes::Progress;
use crate::store::accounts::UserRow;
use crate::store::certificates::{self as store, CertificateRow};
use crate::store::courses::CourseRow;

/// Rules of a course that has not set its own: every quiz at 60 %. (Exercises come with
/// their own rules once a course has them.)
pub const DEFAULT_RULES: Rules = Rules { min_quiz_percent: 60, min_exercises: 0 };

/// A certificate as the public page and the API show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Certificate {
    /// XXXX-XXXX-XXXX-XXXX-C
    pub code: String,
    pub holder: String,
    pub course: String,
    pub programme: String,
    pub issued_at: i64,
    pub valid: bool,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
}

impl From<&CertificateRow> for Certificate {
    fn from(c: &CertificateRow) -> Certificate {
        Certificate {
            code: VerificationCode::parse(&c.code).map(|v| v.to_string()).unwrap_or_else(|_| c.code.clone()),
            holder: c.holder_name.clone(),
            course: c.course_title.clone(),
            programme: c.programme_title.clone(),
            issued_at: c.issued_at,
            valid: c.revoked_at.is_none(),
            revoked_at: c.revoked_at,
            revoke_reason: c.revoke_reason.clone(),
        }
    }
}

/// Where a learner stands: what she still lacks, and her certificate once issued.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Standing {
    pub complete: bool,
    /// Quizzes below the minimum (title and best score), exercises missing.
    pub missing: Vec<String>,
    pub certificate: Option<Certificate>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RulesInput {
    pub min_quiz_percent: u8,
    pub min_exercises: u32,
}

pub async fn rules_of(app: &App, course_id: i64) -> AppResult<Rules> {
    Ok(rules_from(store::rules(&app.db, course_id).await?))
}

/// The rules stored for a course (minimum quiz percent, minimum exercises), or the default.
fn rules_from(stored: Option<(i64, i64)>) -> Rules {
    match stored {
        Some((q, e)) => Rules { min_quiz_percent: q.clamp(0, 100) as u8, min_exercises: e.max(0) as u32 },
        None => DEFAULT_RULES,
    }
}

async fn managed(app: &App, user: &UserRow, slug: &str) -> AppResult<CourseRow> {
    match crate::courses::access(app, user, slug).await? {
        (c, Access::Manager) => Ok(c),
        _ => Err(AppError::Forbidden),
    }
}

/// Sets a course's rules: no more exercises required than the course has published.
pub async fn set_rules(app: &App, user: &UserRow, slug: &str, input: RulesInput) -> AppResult<Rules> {
    let course = managed(app, user, slug).await?;
    let rules = Rules { min_quiz_percent: input.min_quiz_percent, min_exercises: input.min_exercises };
    let exercises = crate::store::exercises::published_count(&app.db, course.id).await?;
    rules.validate(exercises.max(0) as u32).map_err(|e| {
        let field = match e {
            certificate::CertificateError::QuizPercent => "min_quiz_percent",
            _ => "min_exercises",
        };
        AppError::field(field, e.message_key())
    })?;
    store::save_rules(&app.db, course.id, rules.min_quiz_percent as i64, rules.min_exercises as i64).await?;
    Ok(rules)
}

/// The learner's completion of the course, from her quiz progress and work.
fn completion_from(content: &Content, progress: &Progress, work: &Sent) -> (Completion, Vec<String>) {
    let rules = rules_from(content.certificate_rules);
    let c = certificate::evaluate(&rules, &progress.best_scores(content), work.done(content));
    let missing = c
        .missing
        .iter()
        .map(|m| match m {
            certificate::Missing::Quiz { quiz, best, needed } => {
                let title =
                    content.quizzes.iter().find(|q| q.id == *quiz).map(|q| q.title.as_str()).unwrap_or_default();
                match best {
                    Some(b) => format!("{title} : {b:.0} % / {needed} %"),
                    None => format!("{title} : — / {needed} %"),
                }
            }
            certificate::Missing::Exercises { done, needed } => format!("{done} / {needed}"),
        })
        .collect();
    (c, missing)
}

/// The learner's completion of the course (two queries: her attempts and her work).
async fn completion(app: &App, course: &CourseRow, user: &UserRow) -> AppResult<(Completion, Vec<String>)> {
    let content = crate::courses::content(app, course).await?;
    let progress = Progress::of(app, &content, course.id, user.id).await?;
    let work = Sent::of(app, &content, course.id, user.id).await?;
    Ok(completion_from(&content, &progress, &work))
}

/// Where the signed-in learner stands in the course.
pub async fn standing(app: &App, user: &UserRow, slug: &str) -> AppResult<Standing> {
    let (course, access) = crate::courses::access(app, user, slug).await?;
    if access != Access::Learner {
        return Err(AppError::Forbidden);
    }
    let content = crate::courses::content(app, &course).await?;
    let progress = Progress::of(app, &content, course.id, user.id).await?;
    let work = Sent::of(app, &content, course.id, user.id).await?;
    standing_from(app, &course, &content, &progress, &work, user).await
}

/// The same from what her course page already read (her attempts and work).
pub async fn standing_from(
    app: &App,
    course: &CourseRow,
    content: &Content,
    progress: &Progress,
    work: &Sent,
    user: &UserRow,
) -> AppResult<Standing> {
    let (c, missing) = completion_from(content, progress, work);
    let certificate = store::of_learner(&app.db, course.id, user.id).await?;
    Ok(Standing { complete: c.complete, missing, certificate: certificate.as_ref().map(Certificate::from) })
}

/// Issues the learner's certificate if she meets the rules (422 naming what she lacks);
/// asking again gives the same certificate.
pub async fn claim(app: &App, user: &UserRow, slug: &str) -> AppResult<Certificate> {
    let (course, access) = crate::courses::access(app, user, slug).await?;
    if access != Access::Learner {
        return Err(AppError::Forbidden);
    }
    if let Some(existing) = store::of_learner(&app.db, course.id, user.id).await? {
        return Ok(Certificate::from(&existing));
    }
    let (c, missing) = completion(app, &course, user).await?;
    if !c.complete {
        return Err(AppError::Infeasible(missing.join(" · ")));
    }
    for _ in 0..3 {
        let mut random = [0u8; 10];
        random.copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[..10]);
        let row = CertificateRow {
            id: 0,
            course_id: course.id,
            user_id: user.id,
            code: VerificationCode::generate(random).compact(),
            holder_name: user.name.clone(),
            course_title: course.title.clone(),
            programme_title: course.programme_title.clone(),
            issued_at: unix_now(),
            revoked_at: None,
            revoke_reason: None,
        };
        let mut tx = app.db.begin().await?;
        let issued = store::insert(&mut tx, &row).await?;
        tx.commit().await?;
        // Not issued: a request a moment earlier issued hers, or (once in 2^80) the code
        // was taken and another is drawn.
        if let Some(mine) = store::of_learner(&app.db, course.id, user.id).await? {
            if issued {
                tracing::info!(course = course.id, learner = user.id, "certificate issued");
            }
            return Ok(Certificate::from(&mine));
        }
    }
    Err(AppError::Internal(anyhow::anyhow!("no free certificate code")))
}

/// The certificate with this code, for anyone (a typo in the code is a 422 saying so).
pub async fn verify(app: &App, code: &str) -> AppResult<Certificate> {
    let code = VerificationCode::parse(code).map_err(|e| AppError::field("code", e.message_key()))?;
    let row = store::by_code(&app.db, &code.compact()).await?.ok_or(AppError::NotFound)?;
    Ok(Certificate::from(&row))
}

/// Certificates listed on one page of the managers' list.
pub const PAGE: i64 = 100;

/// The certificates of a course, page `page` (`PAGE` a page, first issued first), and its
/// rules, for its managers.
pub async fn of_course(
    app: &App,
    user: &UserRow,
    slug: &str,
    page: Option<i64>,
) -> AppResult<(CourseRow, Rules, Vec<Certificate>, crate::courses::Paging)> {
    let course = managed(app, user, slug).await?;
    let rules = rules_of(app, course.id).await?;
    let paging = crate::courses::Paging::new(page, PAGE, store::count_of_course(&app.db, course.id).await?);
    let list = store::of_course(&app.db, course.id, paging.offset(), paging.per_page)
        .await?
        .iter()
        .map(Certificate::from)
        .collect();
    Ok((course, rules, list, paging))
}

/// Revokes a certificate of the course, with the reason the public page will show.
pub async fn revoke(app: &App, user: &UserRow, slug: &str, code: &str, reason: &str) -> AppResult<()> {
    let course = managed(app, user, slug).await?;
    let code = VerificationCode::parse(code).map_err(|e| AppError::field("code", e.message_key()))?;
    let reason = match certificate::revoke(reason).map_err(|e| AppError::field("reason", e.message_key()))? {
        certificate::Standing::Revoked { reason } => reason,
        certificate::Standing::Valid => return Err(AppError::field("reason", "error.certificate.revocation_reason")),
    };
    if !store::revoke(&app.db, course.id, &code.compact(), &reason).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(course = course.id, by = user.id, "certificate revoked");
    Ok(())
}

/// The printable certificate.
pub fn pdf(c: &Certificate, i: crate::i18n::I18n, public_url: &str) -> Vec<u8> {
    use crate::web::pdf::{document, Block};
    let date = i.datetime(c.issued_at, &jiff::tz::TimeZone::UTC);
    let mut blocks = vec![
        Block::heading(i.t("certificate.pdf_title"), 26.0),
        Block::para(i.t("certificate.pdf_awarded")),
        Block::heading(c.holder.clone(), 20.0),
        Block::para(i.tf("certificate.pdf_for", &[("course", &c.course), ("programme", &c.programme)])),
        Block::para(i.tf1("certificate.pdf_date", "date", date)),
        Block::heading(c.code.clone(), 14.0),
        Block::para(i.tf1("certificate.pdf_check", "url", format!("{public_url}/certificats/{}", c.code))),
    ];
    if !c.valid {
        blocks.insert(0, Block::heading(i.t("certificate.revoked"), 16.0));
    }
    document(&blocks)
}
