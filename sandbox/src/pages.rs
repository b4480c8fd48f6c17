//! The agreement page a signer opens from the agreement link, and its Accept form.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::http::{dotnet, escape};
use crate::state::{AppState, Attestation};

fn page(status: StatusCode, title: &str, main: &str) -> Response {
    let title = escape(title);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} - MCA sandbox</title>\n\
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}\
dt{{font-weight:bold}}button{{font-size:1.1rem;padding:.5rem 1.5rem}}</style>\n</head>\n\
<body>\n<main>\n<h1>{title}</h1>\n{main}</main>\n</body>\n</html>\n"
    );
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        html,
    )
        .into_response()
}

fn details(a: &Attestation) -> String {
    format!(
        "<section aria-labelledby=\"details\">\n<h2 id=\"details\">Agreement details</h2>\n<dl>\n\
<dt>Signer</dt><dd id=\"signer\">{} {}</dd>\n<dt>Email</dt><dd id=\"email\">{}</dd>\n\
<dt>Language</dt><dd id=\"language\">{}</dd>\n<dt>Country</dt><dd id=\"country\">{}</dd>\n\
<dt>Template</dt><dd id=\"template\">{}</dd>\n<dt>Link expires</dt><dd id=\"expires\">{}</dd>\n</dl>\n</section>\n",
        escape(&a.signer.first_name),
        escape(&a.signer.last_name),
        escape(&a.signer.email_address),
        escape(&a.language),
        escape(&a.country),
        escape(&a.template_id),
        dotnet(a.expires_at),
    )
}

fn unknown() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Agreement not found",
        "<p>There is no agreement at this link.</p>\n",
    )
}

fn expired(a: &Attestation) -> Response {
    page(
        StatusCode::GONE,
        "Agreement link expired",
        &format!(
            "<p>This agreement link has expired; ask your partner for a new one.</p>\n{}",
            details(a)
        ),
    )
}

fn accepted(a: &Attestation) -> Response {
    page(
        StatusCode::OK,
        "Accepted",
        &format!("<p role=\"status\">Thank you. The Microsoft Customer Agreement has been accepted.</p>\n{}", details(a)),
    )
}

/// `GET /agreements/{attestationId}`: the agreement with an Accept button.
pub(crate) async fn agreement_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return unknown();
    };
    let Some(a) = state.lock().attestations.get(&id).cloned() else {
        return unknown();
    };
    if a.status == 2 || a.finalized {
        return accepted(&a);
    }
    if a.expired() {
        return expired(&a);
    }
    let main = format!(
        "<p>{} {}, please review and accept the Microsoft Customer Agreement on behalf of your organization.</p>\n{}\
<form method=\"post\" action=\"/agreements/{id}/accept\">\n<button type=\"submit\">Accept</button>\n</form>\n",
        escape(&a.signer.first_name),
        escape(&a.signer.last_name),
        details(&a),
    );
    page(StatusCode::OK, "Microsoft Customer Agreement", &main)
}

/// `POST /agreements/{attestationId}/accept`: signs the attestation (status 2).
pub(crate) async fn accept(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return unknown();
    };
    let mut st = state.lock();
    let Some(a) = st.attestations.get_mut(&id) else {
        return unknown();
    };
    if a.status == 2 || a.finalized {
        return accepted(a);
    }
    if a.expired() {
        return expired(a);
    }
    a.status = 2;
    accepted(a)
}
