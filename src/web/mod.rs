//! HTTP: server-rendered pages (`pages`), the JSON API (`api`), and what every request goes
//! through (`context`, `error`, security headers, compression, body limit, request ids).

pub mod api;
pub mod assets;
pub mod context;
pub mod cookies;
pub mod error;
pub mod export;
pub mod extract;
pub mod pages;
pub mod pdf;

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderName, HeaderValue, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::app::App;

/// Largest request body accepted by pages and API (uploads have their own limits).
pub const BODY_LIMIT: usize = 256 * 1024;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The whole application as one router.
pub fn router(app: App) -> Router {
    let (api_router, openapi) = api::router().split_for_parts();
    let openapi = std::sync::Arc::new(openapi);
    let x_request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(pages::router())
        .merge(api_router)
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/static/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::icon))
        .route("/sw.js", get(assets::service_worker))
        .fallback(|| async { error::AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(app.clone(), context::middleware))
        .layer(axum::middleware::from_fn(api::uploads::tus_headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Videos, sound and PDFs are compressed already, and a compressed body would not
        // match the byte ranges a video player asks for.
        .layer(
            CompressionLayer::new().gzip(true).br(true).compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("video/"))
                    .and(NotForContentType::const_new("audio/"))
                    .and(NotForContentType::const_new("application/pdf")),
            ),
        )
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .with_state(app)
}

async fn readyz(State(app): State<App>) -> impl IntoResponse {
    if app.db.ping().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let router = router(app);
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
    // Give slow clients a bounded time.
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(20)).await;
        tracing::warn!("shutdown grace period over");
        std::process::exit(0);
    });
}
