//! Who takes part in each phase of a programme. A call's selection fills the phase it
//! recruits for (`selection::confirm` keeps it in step with the decisions); a manager may
//! also enrol people by hand — a coach's protégé, a participant of an earlier edition —
//! and take them out again. A person the selection brought in leaves through the selection
//! (a declined place), so that decisions and participants never disagree.

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::domain::email::Email;
use crate::error::{AppError, AppResult};
use crate::store::accounts::{self, UserRow};
use crate::store::participants::{self as store, ParticipantRow};
use crate::store::programmes::{PhaseRow, ProgrammeRow};

/// A participant, as the API shows her.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Participant {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    /// selection (brought in by a call's decision) or manager (enrolled by hand)
    pub source: String,
    /// The call whose selection brought her in.
    pub call: Option<String>,
    pub added_at: i64,
}

impl From<ParticipantRow> for Participant {
    fn from(r: ParticipantRow) -> Participant {
        Participant {
            user_id: r.user_id,
            name: r.name,
            email: r.email,
            source: r.source,
            call: r.call_title,
            added_at: r.added_at,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct Enrolment {
    /// The e-mail address of her Tremplin account.
    pub email: String,
}

/// A phase of a programme the user manages (404 for a phase of another programme).
pub async fn phase(app: &App, user: &UserRow, slug: &str, phase_id: i64) -> AppResult<(ProgrammeRow, PhaseRow)> {
    let p = crate::programmes::managed(app, user, slug).await?;
    let phase = crate::store::programmes::phases(&app.db, p.id)
        .await?
        .into_iter()
        .find(|ph| ph.id == phase_id)
        .ok_or(AppError::NotFound)?;
    Ok((p, phase))
}

pub async fn list(
    app: &App,
    user: &UserRow,
    slug: &str,
    phase_id: i64,
) -> AppResult<(ProgrammeRow, PhaseRow, Vec<ParticipantRow>)> {
    let (p, phase) = phase(app, user, slug, phase_id).await?;
    let people = store::of_phase(&app.db, phase.id).await?;
    Ok((p, phase, people))
}

/// Enrols the person with this account by hand.
pub async fn add(app: &App, user: &UserRow, slug: &str, phase_id: i64, input: &Enrolment) -> AppResult<UserRow> {
    let (_, phase) = phase(app, user, slug, phase_id).await?;
    let email = Email::parse(&input.email).map_err(|e| AppError::field("email", e.message_key()))?;
    let person = accounts::find_by_email(&app.db, &email)
        .await?
        .ok_or(AppError::field("email", "error.participants.no_account"))?;
    let mut tx = app.db.begin().await?;
    let added = store::add(&mut tx, phase.id, person.id, user.id).await?;
    tx.commit().await?;
    if !added {
        return Err(AppError::Conflict { field: "email", key: "error.participants.already" });
    }
    tracing::info!(phase = phase.id, participant = person.id, by = user.id, "participant enrolled");
    Ok(person)
}

/// Takes out someone enrolled by hand.
pub async fn remove(app: &App, user: &UserRow, slug: &str, phase_id: i64, person: i64) -> AppResult<()> {
    let (_, phase) = phase(app, user, slug, phase_id).await?;
    let people = store::of_phase(&app.db, phase.id).await?;
    let who = people.iter().find(|p| p.user_id == person).ok_or(AppError::NotFound)?;
    if who.source == "selection" {
        return Err(AppError::field("participant", "error.participants.selected"));
    }
    let mut tx = app.db.begin().await?;
    store::remove_manual(&mut tx, phase.id, person).await?;
    tx.commit().await?;
    tracing::info!(phase = phase.id, participant = person, by = user.id, "participant removed");
    Ok(())
}
