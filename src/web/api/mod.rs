//! The JSON API under `/api/v1`. Every handler carries a `#[utoipa::path]` annotation, so
//! the OpenAPI document at `/api/v1/openapi.json` is generated from the code.

pub mod account;
pub mod attachments;
pub mod certificates;
pub mod courses;
pub mod exercises;
pub mod library;
pub mod participants;
pub mod programmes;
pub mod quizzes;
pub mod review;
pub mod selection;
pub mod teams;
pub mod uploads;

use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;

#[derive(OpenApi)]
#[openapi(
    info(title = "Tremplin API", version = "1", description = "Every action of the Tremplin interface. \
        Authenticate with the session cookie (sign in with POST /api/v1/session) or a personal token \
        (`Authorization: Bearer trp_…`). Errors have the shape {\"error\": {\"code\", \"message\", \"fields\"}}; \
        messages follow the user's language, then Accept-Language."),
    modifiers(&Security),
    components(schemas(ErrorBody, ErrorDetail))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::web::cookies::SESSION))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The error shape of every 4xx/5xx answer.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code, e.g. `invalid_input`, `invalid_credentials`, `too_many_attempts`.
    pub code: String,
    /// Message for a person, in their language.
    pub message: String,
    /// Field name → what is wrong with it.
    pub fields: std::collections::BTreeMap<String, String>,
}

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(account::register))
        .routes(routes!(account::confirm))
        .routes(routes!(account::resend_confirmation))
        .routes(routes!(account::request_reset))
        .routes(routes!(account::complete_reset))
        .routes(routes!(account::sign_in, account::sign_out))
        .routes(routes!(account::me, account::update_me))
        .routes(routes!(account::set_language))
        .routes(routes!(account::change_password))
        .routes(routes!(account::list_tokens, account::create_token))
        .routes(routes!(account::revoke_token))
        .routes(routes!(account::my_data))
        .routes(routes!(account::delete_me))
        .routes(routes!(programmes::list, programmes::create))
        .routes(routes!(programmes::get_one, programmes::update))
        .routes(routes!(programmes::add_phase))
        .routes(routes!(programmes::delete_phase))
        .routes(routes!(programmes::move_phase))
        .routes(routes!(participants::list, participants::add))
        .routes(routes!(participants::remove))
        .routes(routes!(library::list, library::upload))
        .routes(routes!(library::delete))
        .routes(routes!(teams::list, teams::set))
        .routes(routes!(teams::automatic))
        .routes(routes!(teams::mine))
        .routes(routes!(certificates::verify))
        .routes(routes!(certificates::standing, certificates::claim))
        .routes(routes!(certificates::list))
        .routes(routes!(certificates::set_rules))
        .routes(routes!(certificates::revoke))
        .routes(routes!(programmes::set_cost, programmes::delete_cost))
        .routes(routes!(programmes::add_budget_line))
        .routes(routes!(programmes::delete_budget_line))
        .routes(routes!(programmes::add_testimonial))
        .routes(routes!(programmes::set_consent, programmes::delete_testimonial))
        .routes(routes!(programmes::put_cover))
        .routes(routes!(programmes::put_photo))
        .routes(routes!(programmes::get_report, programmes::put_report))
        .routes(routes!(programmes::search_api))
        .routes(routes!(programmes::indicators))
        .routes(routes!(programmes::list_calls))
        .routes(routes!(programmes::get_call, programmes::update_call))
        .routes(routes!(programmes::create_call))
        .routes(routes!(programmes::get_call_form, programmes::put_call_form))
        .routes(routes!(programmes::get_application, programmes::save_application))
        .routes(routes!(programmes::submit_application))
        .routes(routes!(programmes::withdraw_application))
        .routes(routes!(programmes::get_eligibility, programmes::put_eligibility))
        .routes(routes!(programmes::put_override))
        .routes(routes!(attachments::upload))
        .routes(routes!(attachments::download))
        .routes(routes!(review::get_settings, review::put_settings))
        .routes(routes!(review::list_reviewers, review::add_reviewer))
        .routes(routes!(review::drop_reviewer))
        .routes(routes!(review::add_conflict))
        .routes(routes!(review::assign))
        .routes(routes!(review::move_assignment))
        .routes(routes!(review::results))
        .routes(routes!(review::my_calls))
        .routes(routes!(review::my_queue))
        .routes(routes!(review::get_review, review::put_review))
        .routes(routes!(review::declare_conflict))
        .routes(routes!(selection::get_params, selection::confirm))
        .routes(routes!(selection::propose))
        .routes(routes!(selection::decisions))
        .routes(routes!(selection::notify))
        .routes(routes!(selection::decline))
        .routes(routes!(selection::messages, selection::save_messages))
        .routes(routes!(courses::mine))
        .routes(routes!(courses::get_one, courses::update))
        .routes(routes!(courses::lesson))
        .routes(routes!(courses::enrol))
        .routes(routes!(courses::create))
        .routes(routes!(courses::copy))
        .routes(routes!(courses::tutors, courses::add_tutor))
        .routes(routes!(courses::remove_tutor))
        .routes(routes!(courses::add_module))
        .routes(routes!(courses::update_module, courses::delete_module))
        .routes(routes!(courses::add_lesson))
        .routes(routes!(courses::update_lesson, courses::delete_lesson))
        .routes(routes!(quizzes::get_one, quizzes::update, quizzes::delete))
        .routes(routes!(quizzes::start, quizzes::mine))
        .routes(routes!(quizzes::submit))
        .routes(routes!(quizzes::create))
        .routes(routes!(exercises::get_one, exercises::update, exercises::delete))
        .routes(routes!(exercises::submit))
        .routes(routes!(exercises::rate, exercises::peer_results))
        .routes(routes!(exercises::submissions))
        .routes(routes!(exercises::queue))
        .routes(routes!(exercises::submission))
        .routes(routes!(exercises::grade))
        .routes(routes!(exercises::release))
        .routes(routes!(exercises::my_progress))
        .routes(routes!(exercises::cohort))
        .routes(routes!(exercises::create))
        .routes(routes!(uploads::create, uploads::options))
        .routes(upload_routes())
}

/// `HEAD`, `PATCH`, `DELETE` and `GET` of one upload. A `PATCH` body is streamed to disk and
/// held to `MAX_CHUNK_BYTES` by `crate::uploads` (413 with its own message above): the
/// app-wide 256 KB limit must not cut it first.
fn upload_routes() -> utoipa_axum::router::UtoipaMethodRouter<App> {
    let (schemas, paths, method_router) = routes!(uploads::head, uploads::patch, uploads::terminate, uploads::info);
    let limit = crate::domain::upload::MAX_CHUNK_BYTES as usize + 64 * 1024;
    (schemas, paths, method_router.layer(axum::extract::DefaultBodyLimit::max(limit)))
}
