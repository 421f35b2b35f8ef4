//! Account use cases, shared by the pages, the JSON API and the CLI: register, confirm the
//! address, sign in, reset and change the password. Each one validates with the domain
//! types, writes in one transaction (the e-mail goes into the outbox in that same
//! transaction), and returns an [`AppError`] the caller shows as it likes.

use crate::app::App;
use crate::domain::email::Email;
use crate::domain::locale::Locale;
use crate::domain::password::NewPassword;
use crate::domain::person::PersonName;
use crate::domain::throttle::{self, Verdict};
use crate::domain::time::{unix_now, TimeZoneName};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::I18n;
use crate::mail::compose;
use crate::store::accounts::{self, NewAccount, TokenPurpose, UserRow};
use crate::store::{outbox, sessions, throttle as throttle_store};

pub struct Registration<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password: &'a str,
    pub locale: Locale,
}

/// Parses the three fields together so the person sees every problem at once.
fn parse_registration(r: &Registration) -> Result<(Email, PersonName, NewPassword), FieldErrors> {
    let mut errors = FieldErrors::new();
    let email = Email::parse(r.email).map_err(|e| errors.insert("email", e.message_key())).ok();
    let name = PersonName::parse(r.name).map_err(|e| errors.insert("name", e.message_key())).ok();
    let password =
        NewPassword::parse(r.password, email.as_ref()).map_err(|e| errors.insert("password", e.message_key())).ok();
    match (email, name, password) {
        (Some(e), Some(n), Some(p)) if errors.is_empty() => Ok((e, n, p)),
        _ => Err(errors),
    }
}

/// Creates an unconfirmed account and sends the confirmation link.
pub async fn register(app: &App, r: Registration<'_>) -> AppResult<UserRow> {
    let (email, name, password) = parse_registration(&r).map_err(AppError::Invalid)?;
    let taken = || AppError::Conflict { field: "email", key: "error.email.taken" };
    if accounts::email_taken(&app.db, &email).await? {
        return Err(taken());
    }
    let hash = accounts::hash_password(&password).await?;
    let mut tx = app.db.begin().await?;
    let account = NewAccount {
        email: &email,
        name: &name,
        password_hash: &hash,
        locale: r.locale,
        is_admin: false,
        confirmed: false,
    };
    let Some(user_id) = accounts::insert_user(&mut tx, account).await? else {
        return Err(taken());
    };
    let secret = accounts::issue_token(&mut tx, user_id, TokenPurpose::Confirm, accounts::CONFIRM_TTL_SECS).await?;
    let msg = compose::confirm_address(I18n::new(r.locale), name.as_str(), &app.link(&confirm_path(&secret)));
    outbox::enqueue(&mut tx, email.as_str(), &msg.subject, &msg.body).await?;
    tx.commit().await?;
    app.mail_wake.notify_one();
    tracing::info!(user_id, "account registered");
    accounts::find_by_id(&app.db, user_id).await?.ok_or(AppError::NotFound)
}

pub fn confirm_path(secret: &str) -> String {
    format!("/confirmation?jeton={secret}")
}

pub fn reset_path(secret: &str) -> String {
    format!("/reinitialisation?jeton={secret}")
}

/// Confirms the address behind a link. A second click on a used link of an already
/// confirmed account is not an error for the person: the account is confirmed.
pub async fn confirm(app: &App, secret: &str) -> AppResult<UserRow> {
    let mut tx = app.db.begin().await?;
    let user_id = accounts::consume_token(&mut tx, secret, TokenPurpose::Confirm).await?.map_err(AppError::Link)?;
    accounts::mark_confirmed(&mut tx, user_id).await?;
    tx.commit().await?;
    accounts::find_by_id(&app.db, user_id).await?.ok_or(AppError::NotFound)
}

/// Sends a new confirmation link when the address belongs to an unconfirmed account; says
/// nothing either way, so the form cannot be used to learn who has an account.
pub async fn resend_confirmation(app: &App, email: &str) -> AppResult<()> {
    let email = Email::parse(email).map_err(|e| AppError::field("email", e.message_key()))?;
    let Some(user) = accounts::find_by_email(&app.db, &email).await? else { return Ok(()) };
    if user.is_confirmed() {
        return Ok(());
    }
    let mut tx = app.db.begin().await?;
    let secret = accounts::issue_token(&mut tx, user.id, TokenPurpose::Confirm, accounts::CONFIRM_TTL_SECS).await?;
    let msg = compose::confirm_address(I18n::new(user.locale()), &user.name, &app.link(&confirm_path(&secret)));
    outbox::enqueue(&mut tx, &user.email, &msg.subject, &msg.body).await?;
    tx.commit().await?;
    app.mail_wake.notify_one();
    Ok(())
}

/// Checks the credentials under the per-account and per-address limits and opens a
/// session. Unknown address and wrong password give the same answer, in the same time.
pub async fn sign_in(app: &App, email: &str, password: &str, client: &str) -> AppResult<(UserRow, String)> {
    let now = unix_now();
    let email = Email::parse(email).map_err(|_| AppError::BadCredentials)?;
    let account_key = format!("account:{email}");
    let address_key = format!("address:{client}");
    for (key, policy) in [(&account_key, throttle::PER_ACCOUNT), (&address_key, throttle::PER_ADDRESS)] {
        if let Verdict::Blocked { retry_after_secs } = throttle_store::verdict(&app.db, key, policy, now).await? {
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
    }
    let user = accounts::find_by_email(&app.db, &email).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| accounts::DUMMY_HASH.clone());
    let ok = accounts::verify_password(password, &hash).await && user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        throttle_store::record_failure(&app.db, &account_key, throttle::PER_ACCOUNT, now).await?;
        throttle_store::record_failure(&app.db, &address_key, throttle::PER_ADDRESS, now).await?;
        return Err(AppError::BadCredentials);
    };
    if !user.is_confirmed() {
        return Err(AppError::NotConfirmed);
    }
    throttle_store::clear(&app.db, &account_key).await?;
    let secret = sessions::create(&app.db, user.id).await?;
    Ok((user, secret))
}

/// Sends a reset link when the address has an account; always answers the same.
pub async fn request_reset(app: &App, email: &str) -> AppResult<()> {
    let email = Email::parse(email).map_err(|e| AppError::field("email", e.message_key()))?;
    let Some(user) = accounts::find_by_email(&app.db, &email).await? else {
        tracing::info!("password reset requested for an unknown address");
        return Ok(());
    };
    let i = I18n::new(user.locale());
    let mut tx = app.db.begin().await?;
    let secret = accounts::issue_token(&mut tx, user.id, TokenPurpose::Reset, accounts::RESET_TTL_SECS).await?;
    let expires = i.datetime(unix_now() + accounts::RESET_TTL_SECS, &user.time_zone().zone());
    let msg = compose::reset_password(i, &user.name, &app.link(&reset_path(&secret)), &expires);
    outbox::enqueue(&mut tx, &user.email, &msg.subject, &msg.body).await?;
    tx.commit().await?;
    app.mail_wake.notify_one();
    Ok(())
}

/// Sets a new password from a reset link; the link is used up, every session is closed.
/// A reset also proves the address, so an unconfirmed account becomes confirmed.
pub async fn complete_reset(app: &App, secret: &str, new_password: &str) -> AppResult<()> {
    let user_id = accounts::peek_token(&app.db, secret, TokenPurpose::Reset).await?.map_err(AppError::Link)?;
    let user = accounts::find_by_id(&app.db, user_id).await?.ok_or(AppError::Link(accounts::LinkProblem::Unknown))?;
    let email = Email::parse(&user.email).ok();
    let password =
        NewPassword::parse(new_password, email.as_ref()).map_err(|e| AppError::field("password", e.message_key()))?;
    let hash = accounts::hash_password(&password).await?;
    let mut tx = app.db.begin().await?;
    let consumed = accounts::consume_token(&mut tx, secret, TokenPurpose::Reset).await?.map_err(AppError::Link)?;
    debug_assert_eq!(consumed, user_id);
    accounts::set_password(&mut tx, user_id, &hash).await?;
    accounts::mark_confirmed(&mut tx, user_id).await?;
    notify_password_changed(app, &mut tx, &user).await?;
    tx.commit().await?;
    app.mail_wake.notify_one();
    Ok(())
}

/// Changes the password of a signed-in person who knows the current one. Other sessions
/// are closed; the caller opens a fresh one for the current device.
pub async fn change_password(app: &App, user: &UserRow, current: &str, new_password: &str) -> AppResult<()> {
    if !accounts::verify_password(current, &user.password_hash).await {
        return Err(AppError::field("current_password", "error.password.wrong_current"));
    }
    let email = Email::parse(&user.email).ok();
    let password = NewPassword::parse(new_password, email.as_ref())
        .map_err(|e| AppError::field("new_password", e.message_key()))?;
    let hash = accounts::hash_password(&password).await?;
    let mut tx = app.db.begin().await?;
    accounts::set_password(&mut tx, user.id, &hash).await?;
    notify_password_changed(app, &mut tx, user).await?;
    tx.commit().await?;
    app.mail_wake.notify_one();
    Ok(())
}

async fn notify_password_changed(
    _app: &App,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user: &UserRow,
) -> AppResult<()> {
    let i = I18n::new(user.locale());
    let when = i.datetime(unix_now(), &user.time_zone().zone());
    let msg = compose::password_changed(i, &user.name, &when);
    outbox::enqueue(tx, &user.email, &msg.subject, &msg.body).await?;
    Ok(())
}

/// What a person may change about themselves; a field left out (`None`) keeps its value.
#[derive(Default)]
pub struct Settings<'a> {
    pub language: Option<&'a str>,
    pub time_zone: Option<&'a str>,
    /// Self-declared, optional: female, male, other, undisclosed, or "" (not said).
    pub gender: Option<&'a str>,
    /// Country of residence, ISO code or "".
    pub country: Option<&'a str>,
}

/// Checks every field first, then saves them all in one statement.
pub async fn save_settings(app: &App, user: &UserRow, s: Settings<'_>) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let locale = match s.language {
        None => Some(user.locale()),
        Some(l) => Locale::parse(l).or_else(|| {
            errors.insert("language", "error.language.unknown");
            None
        }),
    };
    let zone = match s.time_zone {
        None => Some(user.time_zone()),
        Some(z) => TimeZoneName::parse(z).or_else(|| {
            errors.insert("time_zone", "error.time_zone.unknown");
            None
        }),
    };
    let gender = match s.gender.map(str::trim) {
        None => user.gender.clone(),
        Some(g @ ("" | "female" | "male" | "other" | "undisclosed")) => g.to_owned(),
        Some(_) => {
            errors.insert("gender", "error.gender.unknown");
            String::new()
        }
    };
    let country = match s.country.map(str::trim) {
        None => user.country.clone(),
        Some("") => String::new(),
        Some(c) => crate::domain::programme::Country::parse(c).map(|c| c.code().to_owned()).unwrap_or_else(|| {
            errors.insert("country", "error.programme.country");
            String::new()
        }),
    };
    let (Some(locale), Some(zone)) = (locale, zone) else { return Err(AppError::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    accounts::set_settings(&app.db, user.id, locale, &zone, &gender, &country).await?;
    Ok(())
}

/// Creates a confirmed account from the command line or the demo loader.
pub async fn create_confirmed(
    app: &App,
    email: &str,
    name: &str,
    password: &str,
    is_admin: bool,
    locale: Locale,
) -> AppResult<i64> {
    let (email, name, password) =
        parse_registration(&Registration { email, name, password, locale }).map_err(AppError::Invalid)?;
    let hash = accounts::hash_password(&password).await?;
    let mut tx = app.db.begin().await?;
    let account = NewAccount { email: &email, name: &name, password_hash: &hash, locale, is_admin, confirmed: true };
    let id = accounts::insert_user(&mut tx, account)
        .await?
        .ok_or(AppError::Conflict { field: "email", key: "error.email.taken" })?;
    tx.commit().await?;
    Ok(id)
}

/// Everything Tremplin holds about a person, for her to download (JSON).
pub async fn export_data(app: &App, user: &UserRow) -> AppResult<serde_json::Value> {
    let memberships = accounts::memberships(&app.db, user.id).await?;
    let tokens = crate::store::api_tokens::list(&app.db, user.id).await?;
    /// (call, status, answers, receipt, submitted_at, id)
    type AppRow = (String, String, String, Option<String>, Option<i64>, i64);
    let apps: Vec<AppRow> = sqlx::query_as(
        "SELECT c.slug, a.status, a.answers, a.receipt, a.submitted_at, a.id FROM applications a JOIN calls c ON c.id = a.call_id \
         WHERE a.user_id = $1 ORDER BY a.id",
    )
    .bind(user.id)
    .fetch_all(&app.db.pool)
    .await?;
    let mut applications = vec![];
    for (call, status, answers, receipt, submitted_at, id) in apps {
        let versions: Vec<(String, i64)> = sqlx::query_as(
            "SELECT answers, submitted_at FROM application_versions WHERE application_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&app.db.pool)
        .await?;
        let files: Vec<serde_json::Value> = crate::store::attachments::of_application(&app.db, id)
            .await?
            .into_iter()
            .map(|f| {
                serde_json::json!({
                    "id": f.id, "question": f.question_id, "name": f.name, "type": f.file_type, "size": f.size,
                    "sha256": f.sha256, "url": f.url(),
                })
            })
            .collect();
        applications.push(serde_json::json!({
            "call": call, "status": status, "receipt": receipt, "submitted_at": submitted_at, "files": files,
            "answers": serde_json::from_str::<serde_json::Value>(&answers).unwrap_or_default(),
            "submitted_versions": versions.into_iter().map(|(a, t)| serde_json::json!({
                "submitted_at": t, "answers": serde_json::from_str::<serde_json::Value>(&a).unwrap_or_default()
            })).collect::<Vec<_>>(),
        }));
    }
    Ok(serde_json::json!({
        "account": {
            "email": user.email, "name": user.name, "language": user.locale().code(), "time_zone": user.time_zone,
            "gender": user.gender, "country": user.country, "created_at": user.created_at,
            "email_confirmed_at": user.email_confirmed_at, "administrator": user.is_admin(),
        },
        "roles": memberships.into_iter().map(|(p, _, r)| serde_json::json!({"programme": p, "role": r})).collect::<Vec<_>>(),
        "api_tokens": tokens.into_iter().map(|t| serde_json::json!({"name": t.name, "created_at": t.created_at, "last_used_at": t.last_used_at})).collect::<Vec<_>>(),
        "applications": applications,
        "course_work": course_work(app, user).await?,
        "uploads": crate::store::uploads::all_of(&app.db, user.id).await?.into_iter().map(|u| serde_json::json!({
            "id": u.id, "name": u.filename, "size": u.upload_length, "type": u.detected_type,
            "created_at": u.created_at, "completed_at": u.completed_at,
        })).collect::<Vec<_>>(),
    }))
}

/// Her work on course exercises (alone or with her team), its released grades and the
/// ratings she gave her teammates.
async fn course_work(app: &App, user: &UserRow) -> AppResult<serde_json::Value> {
    /// (course, exercise, state, sent_at, late, work, score, comment, released)
    type WorkRow = (String, String, String, Option<i64>, i64, String, Option<i64>, Option<String>, Option<i64>);
    let work: Vec<WorkRow> = sqlx::query_as(
        "SELECT c.slug, e.title, s.state, s.sent_at, s.late, s.work, g.score_milli, g.comment, g.released_at \
         FROM submissions s JOIN submission_members sm ON sm.submission_id = s.id JOIN exercises e ON e.id = s.exercise_id \
         JOIN course_modules m ON m.id = e.module_id JOIN courses c ON c.id = m.course_id \
         LEFT JOIN submission_grades g ON g.submission_id = s.id WHERE sm.user_id = $1 ORDER BY s.id",
    )
    .bind(user.id)
    .fetch_all(&app.db.pool)
    .await?;
    let ratings: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT e.title, u.name, r.score FROM peer_ratings r JOIN exercises e ON e.id = r.exercise_id \
         JOIN users u ON u.id = r.ratee_id WHERE r.rater_id = $1 ORDER BY r.exercise_id, u.name",
    )
    .bind(user.id)
    .fetch_all(&app.db.pool)
    .await?;
    Ok(serde_json::json!({
        "submissions": work.into_iter().map(|(course, exercise, state, sent_at, late, w, score, comment, released)| {
            let released = released.is_some();
            serde_json::json!({
                "course": course, "exercise": exercise, "state": state, "sent_at": sent_at, "late": late == 1,
                "work": serde_json::from_str::<serde_json::Value>(&w).unwrap_or_default(),
                "grade": released.then(|| serde_json::json!({"score": score.map(|m| m as f64 / 1000.0), "comment": comment})),
            })
        }).collect::<Vec<_>>(),
        "peer_ratings_given": ratings.into_iter().map(|(exercise, teammate, score)| serde_json::json!({
            "exercise": exercise, "teammate": teammate, "score": score,
        })).collect::<Vec<_>>(),
    }))
}

/// Deletes an account after checking the password. What the programmes must keep (sent
/// applications) stays, without anything identifying: the identifying answers are removed,
/// the account becomes an anonymous shell; drafts, sessions, tokens and links are deleted.
pub async fn delete_account(app: &App, user: &UserRow, password: &str) -> AppResult<()> {
    if !accounts::verify_password(password, &user.password_hash).await {
        return Err(AppError::field("password", "error.password.wrong_current"));
    }
    let sent: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, call_id FROM applications WHERE user_id = $1 AND status <> 'draft'")
            .bind(user.id)
            .fetch_all(&app.db.pool)
            .await?;
    // Files go with the answers they belong to: all those of drafts, and those answering
    // identifying questions of sent applications. Their bytes are removed once the rows are.
    let mut files_gone: Vec<String> = sqlx::query_scalar(
        "SELECT t.id FROM attachments t JOIN applications a ON a.id = t.application_id \
         WHERE a.user_id = $1 AND a.status = 'draft'",
    )
    .bind(user.id)
    .fetch_all(&app.db.pool)
    .await?;
    let mut tx = app.db.begin().await?;
    for (application_id, call_id) in sent {
        let (_, form) = crate::store::forms::current(&app.db, call_id).await?;
        let identifying: Vec<String> = form.questions().filter(|q| q.identifying).map(|q| q.id.clone()).collect();
        for f in crate::store::attachments::of_application(&app.db, application_id).await? {
            if identifying.contains(&f.question_id) {
                sqlx::query("DELETE FROM attachments WHERE id = $1").bind(&f.id).execute(&mut **tx).await?;
                files_gone.push(f.id);
            }
        }
        let strip = |json: &str| -> String {
            let mut v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
            for id in &identifying {
                v.remove(id);
            }
            serde_json::Value::Object(v).to_string()
        };
        let answers: String = sqlx::query_scalar("SELECT answers FROM applications WHERE id = $1")
            .bind(application_id)
            .fetch_one(&mut **tx)
            .await?;
        sqlx::query("UPDATE applications SET answers = $1, conflict_answers = NULL WHERE id = $2")
            .bind(strip(&answers))
            .bind(application_id)
            .execute(&mut **tx)
            .await?;
        let versions: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, answers FROM application_versions WHERE application_id = $1")
                .bind(application_id)
                .fetch_all(&mut **tx)
                .await?;
        for (vid, a) in versions {
            sqlx::query("UPDATE application_versions SET answers = $1 WHERE id = $2")
                .bind(strip(&a))
                .bind(vid)
                .execute(&mut **tx)
                .await?;
        }
    }
    sqlx::query(
        "DELETE FROM attachments WHERE application_id IN \
         (SELECT id FROM applications WHERE user_id = $1 AND status = 'draft')",
    )
    .bind(user.id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM applications WHERE user_id = $1 AND status = 'draft'")
        .bind(user.id)
        .execute(&mut **tx)
        .await?;
    // Drafts of her own course work go; work sent stays with the course, under the
    // anonymous shell (a team's work is also her teammates').
    sqlx::query("DELETE FROM submissions WHERE owner = $1 AND state = 'draft'")
        .bind(format!("u{}", user.id))
        .execute(&mut **tx)
        .await?;
    for table in ["sessions", "api_tokens", "account_tokens", "programme_members"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(user.id).execute(&mut **tx).await?;
    }
    sqlx::query(
        "UPDATE users SET email = $1, name = $2, password_hash = '!', gender = '', country = '', is_admin = 0, \
         email_confirmed_at = NULL, updated_at = $3 WHERE id = $4",
    )
    .bind(format!("deleted-{}@deleted.invalid", user.id))
    .bind("—")
    .bind(unix_now())
    .bind(user.id)
    .execute(&mut **tx)
    .await?;
    tx.commit().await?;
    crate::attachments::remove_files(app, &files_gone).await;
    // Her uploads go with the account, finished ones included (videos of her, her files).
    crate::uploads::forget_all(app, user.id).await?;
    tracing::info!(user_id = user.id, "account deleted and anonymised");
    Ok(())
}
