//! Certificates: the public verification page (anyone, no account), the PDF, the learner's
//! request from her course, and the managers' page (rules, list, revocation).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::form::{get, pairs};
use super::{html, see_other, FormState, PageCtx};
use crate::app::App;
use crate::certificates::{self, Certificate, RulesInput};
use crate::domain::certificate::Rules;
use crate::error::{AppError, AppResult};
use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificatePage {
    page: PageCtx,
    code: String,
    certificate: Option<Certificate>,
    form: FormState,
    issued: String,
    revoked: String,
}

/// `/certificats`: type a code.
pub async fn check(ctx: Ctx) -> AppResult<Response> {
    let i = ctx.i18n();
    Ok(html(
        StatusCode::OK,
        CertificatePage {
            page: PageCtx::new(&ctx, i.t("certificate.check_title")),
            code: String::new(),
            certificate: None,
            form: FormState::default(),
            issued: String::new(),
            revoked: String::new(),
        },
    ))
}

#[derive(Deserialize, Default)]
pub struct CodeQuery {
    #[serde(default)]
    code: String,
}

/// `/certificats/verifier?code=…` (the form without JavaScript): to the certificate's page.
pub async fn lookup(State(app): State<App>, ctx: Ctx, Query(q): Query<CodeQuery>) -> AppResult<Response> {
    match certificates::verify(&app, &q.code).await {
        Ok(c) => Ok(see_other(&format!("/certificats/{}", c.code))),
        Err(e @ (AppError::Invalid(_) | AppError::NotFound)) => {
            let i = ctx.i18n();
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND);
            let form = match &e {
                AppError::NotFound => FormState {
                    errors: vec![("code", i.t("error.certificate.unknown"))],
                    summary: Some(i.t("error.certificate.unknown").to_owned()),
                },
                _ => FormState::from_error(i, &e),
            };
            Ok(html(
                status,
                CertificatePage {
                    page: PageCtx::new(&ctx, i.t("certificate.check_title")),
                    code: q.code,
                    certificate: None,
                    form,
                    issued: String::new(),
                    revoked: String::new(),
                },
            ))
        }
        Err(e) => Err(e),
    }
}

/// `/certificats/{code}`: what anyone can check.
pub async fn show(State(app): State<App>, ctx: Ctx, Path(code): Path<String>) -> AppResult<Response> {
    let i = ctx.i18n();
    let c = match certificates::verify(&app, &code).await {
        Ok(c) => c,
        Err(AppError::Invalid(_)) => return Err(AppError::NotFound),
        Err(e) => return Err(e),
    };
    let zone = jiff::tz::TimeZone::UTC;
    Ok(html(
        StatusCode::OK,
        CertificatePage {
            page: PageCtx::new(&ctx, &i.tf1("certificate.title", "code", &c.code)),
            code: c.code.clone(),
            issued: i.datetime(c.issued_at, &zone),
            revoked: c.revoked_at.map(|t| i.datetime(t, &zone)).unwrap_or_default(),
            certificate: Some(c),
            form: FormState::default(),
        },
    ))
}

/// `/certificats/{code}/pdf`
pub async fn pdf(State(app): State<App>, ctx: Ctx, Path(code): Path<String>) -> AppResult<Response> {
    let c = certificates::verify(&app, &code).await.map_err(|_| AppError::NotFound)?;
    let bytes = certificates::pdf(&c, ctx.i18n(), &app.cfg.public_url);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"certificat-{}.pdf\"", c.code)),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /cours/{slug}/certificat`: the learner asks for her certificate.
pub async fn claim(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let c = certificates::claim(&app, ctx.require_user()?, &slug).await?;
    Ok(see_other(&format!("/certificats/{}", c.code)))
}

#[derive(Template)]
#[template(path = "manage_certificates.html")]
struct ManagePage {
    page: PageCtx,
    slug: String,
    course_title: String,
    rules: Rules,
    certificates: Vec<Certificate>,
    /// Which certificates this page lists, out of how many (`certificates::PAGE` a page).
    paging: crate::courses::Paging,
    form: FormState,
    message: Option<String>,
}

impl ManagePage {
    /// "Certificats 101 à 200 sur 1583".
    fn shown(&self) -> String {
        let (first, last) = self.paging.shown();
        let n = |x: i64| x.to_string();
        self.page
            .i
            .tf("certificate.shown", &[("first", &n(first)), ("last", &n(last)), ("total", &n(self.paging.total))])
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    fait: Option<u8>,
    page: Option<String>,
}

async fn manage_page(app: &App, ctx: &Ctx, slug: &str, page: Option<i64>) -> AppResult<ManagePage> {
    let i = ctx.i18n();
    let (course, rules, certificates, paging) = certificates::of_course(app, ctx.require_user()?, slug, page).await?;
    Ok(ManagePage {
        page: PageCtx::new(ctx, &i.tf1("certificate.manage_title", "course", &course.title)),
        slug: course.slug,
        course_title: course.title,
        rules,
        certificates,
        paging,
        form: FormState::default(),
        message: None,
    })
}

/// `/gestion/cours/{slug}/certificats`
pub async fn manage(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let page = d.page.as_deref().and_then(|p| p.trim().parse().ok());
    let mut p = manage_page(&app, &ctx, &slug, page).await?;
    p.message = d.fait.map(|_| ctx.i18n().t("certificate.saved").to_owned());
    Ok(html(StatusCode::OK, p))
}

pub async fn save_rules(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    let percent = get(&p, "min_quiz_percent").trim().parse::<u8>();
    let result = match percent {
        Ok(min_quiz_percent) => {
            let input = RulesInput { min_quiz_percent, min_exercises: 0 };
            certificates::set_rules(&app, ctx.require_user()?, &slug, input).await.map(|_| ())
        }
        Err(_) => Err(AppError::field("min_quiz_percent", "error.certificate.quiz_percent")),
    };
    after(&app, &ctx, &slug, result).await
}

pub async fn revoke(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, code)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    let result = certificates::revoke(&app, ctx.require_user()?, &slug, &code, &get(&p, "reason")).await;
    after(&app, &ctx, &slug, result).await
}

async fn after(app: &App, ctx: &Ctx, slug: &str, result: AppResult<()>) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(see_other(&format!("/gestion/cours/{slug}/certificats?fait=1"))),
        Err(e @ AppError::Invalid(_)) => {
            let mut p = manage_page(app, ctx, slug, None).await?;
            p.form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, p))
        }
        Err(e) => Err(e),
    }
}
