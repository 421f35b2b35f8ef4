//! Server-rendered pages. Each handler is thin: read the context and the form, call the
//! use case, render a template. Pages work without JavaScript.

pub mod account;
pub mod apply;
pub mod call_applications;
pub mod calls;
pub mod certificates;
pub mod courses;
pub mod exercises;
pub mod form;
pub mod home;
pub mod indicators;
pub mod library;
pub mod manage;
pub mod manage_course;
pub mod offline;
pub mod participants;
pub mod progress;
pub mod quiz;
pub mod report;
pub mod review;
pub mod search;
pub mod selection;
pub mod teams;

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::assets;
use super::context::Ctx;
use crate::app::App;
use crate::error::{AppError, FieldErrors};
use crate::i18n::I18n;

pub fn router() -> Router<App> {
    Router::new()
        .route("/", get(home::index))
        .route("/programmes", get(home::all))
        .route("/programmes/{slug}", get(home::programme))
        .route("/inscription", get(account::register_form).post(account::register))
        .route("/confirmation", get(account::confirm))
        .route("/confirmation/renvoyer", post(account::resend_confirmation))
        .route("/connexion", get(account::sign_in_form).post(account::sign_in))
        .route("/deconnexion", post(account::sign_out))
        .route("/mot-de-passe-oublie", get(account::forgot_form).post(account::forgot))
        .route("/reinitialisation", get(account::reset_form).post(account::reset))
        .route("/compte", get(account::settings))
        .route("/compte/preferences", post(account::save_preferences))
        .route("/compte/mot-de-passe", post(account::change_password))
        .route("/compte/jetons", post(account::create_token))
        .route("/compte/jetons/{id}/revoquer", post(account::revoke_token))
        .route("/langue", post(account::switch_language))
        .route("/hors-ligne", get(offline::show))
        .route("/compte/donnees.json", get(account::download_data))
        .route("/compte/supprimer", post(account::delete_account))
        .route("/recherche", get(search::search_page))
        .route("/rapport", get(report::index))
        .route("/rapport/{file}", get(report::year))
        .route("/indicateurs", get(indicators::page))
        .route("/indicateurs.csv", get(indicators::csv))
        .route("/indicateurs.xlsx", get(indicators::xlsx))
        .route("/media/{file}", get(crate::media::serve))
        .route("/gestion", get(manage::index))
        .route("/gestion/programmes", post(manage::create))
        .route("/gestion/programmes/nouveau", get(manage::new_form))
        .route("/gestion/programmes/{slug}", get(manage::edit_form).post(manage::update))
        .route("/gestion/programmes/{slug}/etapes", post(manage::add_phase))
        .route("/gestion/programmes/{slug}/etapes/{id}/supprimer", post(manage::delete_phase))
        .route("/gestion/programmes/{slug}/etapes/{id}/deplacer", post(manage::move_phase))
        .route("/gestion/programmes/{slug}/etapes/{id}/participants", get(participants::show).post(participants::add))
        .route(
            "/gestion/programmes/{slug}/medias",
            get(library::show)
                .post(library::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::library::MAX_BYTES as usize + 64 * 1024)),
        )
        .route("/gestion/programmes/{slug}/medias/{id}/supprimer", post(library::delete))
        .route("/gestion/cours/{slug}/equipes", get(teams::show).post(teams::by_hand))
        .route("/certificats", get(certificates::check))
        .route("/certificats/verifier", get(certificates::lookup))
        .route("/certificats/{code}", get(certificates::show))
        .route("/certificats/{code}/pdf", get(certificates::pdf))
        .route("/cours/{slug}/certificat", post(certificates::claim))
        .route("/gestion/cours/{slug}/certificats", get(certificates::manage))
        .route("/gestion/cours/{slug}/certificats/regles", post(certificates::save_rules))
        .route("/gestion/cours/{slug}/certificats/{code}/revoquer", post(certificates::revoke))
        .route("/gestion/cours/{slug}/equipes/automatique", post(teams::automatic))
        .route("/medias/{id}", get(library::light))
        .route("/medias/{id}/original", get(library::original))
        .route("/gestion/programmes/{slug}/etapes/{id}/participants/{user}/retirer", post(participants::remove))
        .route("/gestion/programmes/{slug}/couts", post(manage::set_cost))
        .route("/gestion/programmes/{slug}/budget", post(manage::add_budget_line))
        .route("/gestion/programmes/{slug}/budget/{id}/supprimer", post(manage::delete_budget_line))
        .route("/gestion/programmes/{slug}/temoignages", post(manage::add_testimonial))
        .route("/gestion/programmes/{slug}/temoignages/{id}/consentement", post(manage::set_consent))
        .route("/gestion/programmes/{slug}/temoignages/{id}/supprimer", post(manage::delete_testimonial))
        .route(
            "/gestion/programmes/{slug}/couverture",
            post(manage::upload_cover)
                .layer(axum::extract::DefaultBodyLimit::max(crate::media::MAX_UPLOAD + 64 * 1024)),
        )
        .route(
            "/gestion/programmes/{slug}/temoignages/{id}/photo",
            post(manage::upload_photo)
                .layer(axum::extract::DefaultBodyLimit::max(crate::media::MAX_UPLOAD + 64 * 1024)),
        )
        .route("/appels", get(calls::list))
        .route("/appels/{slug}", get(calls::show))
        .route(
            "/appels/{slug}/candidature",
            get(apply::show).post(apply::post).layer(axum::extract::DefaultBodyLimit::max(apply::BODY_LIMIT)),
        )
        .route("/fichiers/{id}", get(crate::web::api::attachments::download))
        .route("/evaluations", get(review::home))
        .route("/evaluations/{slug}", get(review::queue))
        .route("/evaluations/{slug}/{application}", get(review::show).post(review::post))
        .route("/evaluations/{slug}/{application}/conflit", post(review::conflict))
        .route("/gestion/appels/{slug}/evaluation", get(review::manage))
        .route("/gestion/appels/{slug}/evaluation/reglages", post(review::save_settings))
        .route("/gestion/appels/{slug}/evaluation/evaluateurs", post(review::add_reviewer))
        .route("/gestion/appels/{slug}/evaluation/evaluateurs/{id}/retirer", post(review::drop_reviewer))
        .route("/gestion/appels/{slug}/evaluation/repartition", post(review::assign))
        .route("/gestion/appels/{slug}/evaluation/classement.csv", get(review::ranking_csv))
        .route("/gestion/appels/{slug}/evaluation/classement.xlsx", get(review::ranking_xlsx))
        .route("/gestion/appels/{slug}/selection", get(selection::show).post(selection::post))
        .route("/gestion/appels/{slug}/selection/envoi", post(selection::notify))
        .route("/gestion/appels/{slug}/selection/messages", get(selection::messages).post(selection::messages_post))
        .route("/gestion/appels/{slug}/selection/decisions/{application}/desistement", post(selection::decline))
        .route("/gestion/appels/{slug}/selection/decisions.csv", get(selection::decisions_csv))
        .route("/gestion/appels/{slug}/selection/decisions.xlsx", get(selection::decisions_xlsx))
        .route("/gestion/appels/{slug}/evaluation/notes.csv", get(review::scores_csv))
        .route("/gestion/appels/{slug}/evaluation/notes.xlsx", get(review::scores_xlsx))
        .route("/gestion/programmes/{slug}/appels/nouveau", get(manage::new_call_form))
        .route("/gestion/programmes/{slug}/appels", post(manage::create_call))
        .route("/gestion/appels/{slug}", get(manage::edit_call_form).post(manage::update_call))
        .route("/gestion/appels/{slug}/formulaire", get(manage::form_builder))
        .route("/gestion/appels/{slug}/candidatures", get(call_applications::list))
        .route("/gestion/appels/{slug}/candidatures.csv", get(call_applications::csv))
        .route("/gestion/appels/{slug}/candidatures.xlsx", get(call_applications::xlsx))
        .route("/gestion/appels/{slug}/candidatures/{id}", get(call_applications::one))
        .route("/gestion/appels/{slug}/candidatures/{id}/derogation", post(call_applications::set_override))
        .route("/gestion/appels/{slug}/candidatures/{id}/evaluateur", post(call_applications::move_review))
        .route(
            "/gestion/appels/{slug}/eligibilite",
            get(call_applications::rules_form).post(call_applications::save_rules),
        )
        .route("/gestion/appels/{slug}/formulaire/questions", post(manage::add_question))
        .route("/gestion/appels/{slug}/formulaire/questions/{qid}/supprimer", post(manage::delete_question))
        .route("/gestion/appels/{slug}/formulaire/sections", post(manage::add_section))
        .route("/gestion/appels/{slug}/formulaire/copier", post(manage::copy_form))
        .route("/gestion/rapports/{year}", get(manage::report_form).post(manage::save_report))
        .route("/cours", get(courses::mine))
        .route("/cours/{slug}", get(courses::show))
        .route("/cours/{slug}/inscription", post(courses::enrol))
        .route("/cours/{slug}/lecons/{id}", get(courses::lesson))
        .route("/cours/{slug}/quiz/{id}", get(quiz::show).post(quiz::submit))
        .route(
            "/cours/{slug}/exercices/{id}",
            get(exercises::show)
                .post(exercises::post)
                .layer(axum::extract::DefaultBodyLimit::max(exercises::PLAIN_FILE_LIMIT + 64 * 1024)),
        )
        .route("/cours/{slug}/exercices/{id}/equipe", post(exercises::rate))
        .route("/cours/{slug}/exercices/{id}/fichier", get(exercises::file))
        .route("/cours/{slug}/progression", get(progress::mine))
        .route("/gestion/cours/{slug}/modules/{id}/exercice", get(exercises::new_form).post(exercises::create))
        .route("/gestion/cours/{slug}/exercices/{id}", get(exercises::edit_form).post(exercises::save))
        .route("/gestion/cours/{slug}/exercices/{id}/supprimer", post(exercises::delete))
        .route("/gestion/cours/{slug}/exercices/{id}/copies", get(exercises::submissions))
        .route("/gestion/cours/{slug}/exercices/{id}/publier-notes", post(exercises::release))
        .route("/gestion/cours/{slug}/corrections", get(exercises::queue))
        .route("/gestion/cours/{slug}/corrections/{id}", get(exercises::grade_form).post(exercises::grade))
        .route("/gestion/cours/{slug}/progression", get(progress::cohort))
        .route("/gestion/cours/{slug}/progression.csv", get(progress::csv))
        .route("/gestion/cours/{slug}/progression.xlsx", get(progress::xlsx))
        .route("/gestion/cours/{slug}/modules/{id}/quiz", get(quiz::new_form).post(quiz::create))
        .route("/gestion/cours/{slug}/quiz/{id}", get(quiz::edit_form).post(quiz::save))
        .route("/gestion/cours/{slug}/quiz/{id}/statut", post(quiz::set_status))
        .route("/gestion/cours/{slug}/quiz/{id}/supprimer", post(quiz::delete))
        .route("/gestion/programmes/{slug}/etapes/{id}/cours", post(manage_course::create))
        .route("/gestion/cours/{slug}", get(manage_course::show).post(manage_course::update))
        .route("/gestion/cours/{slug}/statut", post(manage_course::set_status))
        .route("/gestion/cours/{slug}/copie", post(manage_course::copy))
        .route("/gestion/cours/{slug}/tuteurs", post(manage_course::add_tutor))
        .route("/gestion/cours/{slug}/tuteurs/{id}/retirer", post(manage_course::remove_tutor))
        .route("/gestion/cours/{slug}/modules", post(manage_course::add_module))
        .route("/gestion/cours/{slug}/modules/{id}", post(manage_course::update_module))
        .route("/gestion/cours/{slug}/modules/{id}/deplacer", post(manage_course::move_module))
        .route("/gestion/cours/{slug}/modules/{id}/supprimer", post(manage_course::delete_module))
        .route("/gestion/cours/{slug}/modules/{id}/lecons", post(manage_course::add_lesson))
        .route("/gestion/cours/{slug}/lecons/{id}", get(manage_course::lesson_form).post(manage_course::save_lesson))
        .route("/gestion/cours/{slug}/lecons/{id}/deplacer", post(manage_course::move_lesson))
        .route("/gestion/cours/{slug}/lecons/{id}/supprimer", post(manage_course::delete_lesson))
}

/// What the layout needs on every page.
pub struct PageCtx {
    pub i: I18n,
    pub title: String,
    pub css: String,
    pub csrf: String,
    pub path: String,
    pub user_name: Option<String>,
    pub is_admin: bool,
    pub has_courses: bool,
}

impl PageCtx {
    pub fn new(ctx: &Ctx, title: &str) -> PageCtx {
        PageCtx {
            i: ctx.i18n(),
            title: title.to_owned(),
            css: assets::css_url(),
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            user_name: ctx.user.as_ref().map(|u| u.name.clone()),
            is_admin: ctx.user.as_ref().is_some_and(|u| u.is_admin()),
            has_courses: ctx.has_courses,
        }
    }

    pub fn is_current(&self, path: &str) -> bool {
        self.path == path
    }
}

/// Field errors of a form, already translated, and the values to put back.
#[derive(Default)]
pub struct FormState {
    pub errors: Vec<(&'static str, &'static str)>,
    pub summary: Option<String>,
}

impl FormState {
    pub fn from_error(i: I18n, e: &AppError) -> FormState {
        let fields: FieldErrors = e.fields();
        FormState {
            errors: fields.into_iter().map(|(f, k)| (f, i.t(k))).collect(),
            summary: Some(i.t(e.message_key()).to_owned()),
        }
    }

    pub fn error(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| *m)
    }

    pub fn has_errors(&self) -> bool {
        self.summary.is_some()
    }
}

/// Renders a template as an HTML response with the given status.
pub fn html(status: StatusCode, t: impl Template) -> Response {
    match t.render() {
        Ok(body) => (status, [(header::CACHE_CONTROL, "no-cache")], Html(body)).into_response(),
        Err(e) => AppError::Internal(anyhow::anyhow!("template: {e}")).into_response(),
    }
}

/// Redirect after a successful POST (303, so the browser follows with GET).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Only same-site relative paths are followed after a language switch or sign-in.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.len() < 512 => n,
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_is_never_off_site() {
        use super::safe_next;
        assert_eq!(safe_next(Some("/compte")), "/compte");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
