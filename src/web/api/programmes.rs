//! Public programmes through the API.

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::ErrorBody;
use crate::app::App;
use crate::domain::slug::Slug;
use crate::error::{AppError, AppResult};
use crate::store::programmes::{self, ProgrammeRow};

#[derive(Serialize, ToSchema)]
pub struct Programme {
    pub slug: String,
    pub title: String,
    pub mission: String,
    pub summary: String,
    /// `YYYY-MM`
    pub start_month: String,
    /// `YYYY-MM`
    pub end_month: String,
    pub currency: String,
    /// Estimated global budget in minor units (cents).
    pub budget_estimate_minor: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Testimonial {
    pub quote: String,
    pub person_name: String,
    pub person_role: String,
}

#[derive(Serialize, ToSchema)]
pub struct YearCost {
    pub year: i64,
    pub amount_minor: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeDetail {
    #[serde(flatten)]
    pub programme: Programme,
    pub full_costs: Vec<YearCost>,
    pub testimonials: Vec<Testimonial>,
}

impl From<ProgrammeRow> for Programme {
    fn from(p: ProgrammeRow) -> Self {
        Programme {
            slug: p.slug,
            title: p.title,
            mission: p.mission,
            summary: p.summary,
            start_month: p.start_month,
            end_month: p.end_month,
            currency: p.currency,
            budget_estimate_minor: p.budget_estimate_minor,
        }
    }
}

/// Public programmes.
#[utoipa::path(get, path = "/api/v1/programmes", tag = "programmes", responses((status = 200, body = Vec<Programme>)))]
pub async fn list(State(app): State<App>) -> AppResult<Json<Vec<Programme>>> {
    Ok(Json(programmes::list_public(&app.db).await?.into_iter().map(Programme::from).collect()))
}

/// One public programme with its yearly full costs and consented testimonials.
#[utoipa::path(get, path = "/api/v1/programmes/{slug}", tag = "programmes",
    params(("slug" = String, Path)), responses((status = 200, body = ProgrammeDetail), (status = 404, body = ErrorBody)))]
pub async fn get_one(State(app): State<App>, Path(slug): Path<String>) -> AppResult<Json<ProgrammeDetail>> {
    let p = programmes::public_by_slug(&app.db, &Slug::parse(&slug).ok_or(AppError::NotFound)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = p.id;
    let full_costs = programmes::costs(&app.db, id)
        .await?
        .into_iter()
        .map(|(year, amount_minor)| YearCost { year, amount_minor })
        .collect();
    let testimonials = programmes::public_testimonials(&app.db, id)
        .await?
        .into_iter()
        .map(|t| Testimonial { quote: t.quote, person_name: t.person_name, person_role: t.person_role })
        .collect();
    Ok(Json(ProgrammeDetail { programme: p.into(), full_costs, testimonials }))
}
