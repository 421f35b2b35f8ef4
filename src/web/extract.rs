//! Body extractors whose rejections become [`AppError`]s, so that malformed JSON, a wrong
//! content type or an oversized body get the same clear 4xx as any other bad input.

use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::error::AppError;

/// JSON body for the API.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::UnsupportedMediaType),
            Err(JsonRejection::BytesRejection(r)) if r.status().as_u16() == 413 => Err(AppError::PayloadTooLarge),
            Err(e) => Err(AppError::MalformedBody(e.body_text())),
        }
    }
}

/// URL-encoded form body for pages (CSRF is checked before, by the context middleware).
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(PageForm(v)),
            Err(FormRejection::InvalidFormContentType(_)) => Err(AppError::UnsupportedMediaType),
            Err(FormRejection::BytesRejection(r)) if r.status().as_u16() == 413 => Err(AppError::PayloadTooLarge),
            Err(e) => Err(AppError::MalformedBody(e.body_text())),
        }
    }
}
