//! The six API operations under `/api/resellers/{resellerId}/organizations/{organizationId}/services/`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::fault::with_fault;
use crate::http::{
    dotnet, json_response, parse_rfc3339, problem, set_retry_after, unauthorized, DateError,
    FieldError,
};
use crate::state::{AppState, Attestation, PartnerAcceptance, Signer, OPS, TEMPLATE_ID};

/// The operations, by index into [`OPS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    StartAttestation = 0,
    GetAttestation = 1,
    FinalizeAttestation = 2,
    GetAcceptance = 3,
    RefreshAcceptance = 4,
    AddCspService = 5,
}

/// Routes one `/api/...` request: path (404), method (405), ids (404), token (401), count, fault, handler.
pub(crate) async fn dispatch(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let not_found = || {
        problem(
            StatusCode::NOT_FOUND,
            "NotFound",
            "No resource at this path.",
            &path,
            &[],
        )
    };
    if segments.len() < 7
        || !segments[0].eq_ignore_ascii_case("api")
        || !segments[1].eq_ignore_ascii_case("resellers")
        || !segments[3].eq_ignore_ascii_case("organizations")
        || !segments[5].eq_ignore_ascii_case("services")
    {
        return not_found();
    }
    let rest = segments[6..].join("/").to_ascii_lowercase();
    let candidates: &[(Method, Op)] = match rest.as_str() {
        "csp/mca/attestation" => &[
            (Method::POST, Op::StartAttestation),
            (Method::GET, Op::GetAttestation),
        ],
        "csp/mca/attestation/finalize" => &[(Method::PUT, Op::FinalizeAttestation)],
        "csp/mca/acceptance" => &[(Method::GET, Op::GetAcceptance)],
        "csp/mca/acceptance/refresh" => &[(Method::POST, Op::RefreshAcceptance)],
        "csp" => &[(Method::POST, Op::AddCspService)],
        _ => return not_found(),
    };
    let (Ok(_reseller), Ok(org)) = (Uuid::parse_str(segments[2]), Uuid::parse_str(segments[4]))
    else {
        return not_found();
    };
    let Some(op) = candidates
        .iter()
        .find(|(m, _)| *m == method)
        .map(|(_, op)| *op)
    else {
        let allow: Vec<&str> = candidates.iter().map(|(m, _)| m.as_str()).collect();
        let mut response = problem(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "This method is not allowed on this path.",
            &path,
            &[],
        );
        if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    };
    if let Err(response) = authorize(&state, &headers, &path) {
        return response;
    }
    if let Some(count) = state.lock().org(org).counts.get_mut(op as usize) {
        *count = count.saturating_add(1);
    }
    let handler = async {
        match op {
            Op::StartAttestation => start(&state, org, &path, &body),
            Op::GetAttestation => get_attestation(&state, org, &path),
            Op::FinalizeAttestation => finalize(&state, org, &path),
            Op::GetAcceptance => get_acceptance(&state, org),
            Op::RefreshAcceptance => refresh(&state, org, &path),
            Op::AddCspService => add_csp(&state, org, &path, &body),
        }
    };
    with_fault(&state, OPS[op as usize], Some(org), &path, handler).await
}

/// Checks `Authorization: Bearer <token>` against the tokens this sandbox issued.
#[allow(clippy::result_large_err)] // the error is the answer itself, built once per request
fn authorize(state: &AppState, headers: &HeaderMap, path: &str) -> Result<(), Response> {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(unauthorized(path, "A bearer token is required.", None));
    };
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => {
            return Err(unauthorized(
                path,
                "A bearer token is required.",
                Some("invalid_request"),
            ))
        }
    };
    let mut st = state.lock();
    match st.tokens.get(token).copied() {
        Some(expiry) if expiry > std::time::Instant::now() => Ok(()),
        Some(_) => {
            st.tokens.remove(token);
            Err(unauthorized(
                path,
                "The access token expired.",
                Some("invalid_token"),
            ))
        }
        None => Err(unauthorized(
            path,
            "The access token is not valid.",
            Some("invalid_token"),
        )),
    }
}

/// Collects every violation of a request body, as `{pointer, detail}`.
#[derive(Debug, Default)]
struct Violations(Vec<FieldError>);

impl Violations {
    fn add(&mut self, pointer: &str, detail: impl Into<String>) {
        self.0.push(FieldError {
            pointer: pointer.to_owned(),
            detail: detail.into(),
        });
    }

    fn into_response(self, path: &str) -> Response {
        problem(
            StatusCode::BAD_REQUEST,
            "ValidationFailed",
            "The request body is not valid; see errors.",
            path,
            &self.0,
        )
    }
}

#[allow(clippy::result_large_err)] // the error is the answer itself, built once per request
fn parse_object(body: &Bytes, path: &str) -> Result<Map<String, Value>, Response> {
    let pointer_error = |detail: &str| {
        let mut v = Violations::default();
        v.add("", detail);
        v.into_response(path)
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(pointer_error("A JSON request body is required."));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(pointer_error("The request body must be a JSON object.")),
        Err(_) => Err(pointer_error("The request body is not valid JSON.")),
    }
}

/// A present (non-null) field.
fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// A required, non-empty string.
fn required_string(
    obj: &Map<String, Value>,
    key: &str,
    pointer: &str,
    v: &mut Violations,
) -> Option<String> {
    match field(obj, key) {
        None => {
            v.add(pointer, format!("The body property {key} is required."));
            None
        }
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::String(_)) => {
            v.add(
                pointer,
                format!("The body property {key} must not be empty."),
            );
            None
        }
        Some(_) => {
            v.add(
                pointer,
                format!("The body property {key} must be a string."),
            );
            None
        }
    }
}

/// An optional string (absent or null is fine; another JSON type is not).
fn optional_string(
    obj: &Map<String, Value>,
    key: &str,
    pointer: &str,
    v: &mut Violations,
) -> Option<String> {
    match field(obj, key) {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            v.add(
                pointer,
                format!("The body property {key} must be a string."),
            );
            None
        }
    }
}

fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The attestation part shared by start and Csp: signer, language, country, acceptanceDate.
struct AttestationInput {
    signer: Signer,
    language: String,
    country: String,
    acceptance_date: OffsetDateTime,
}

fn attestation_input(
    obj: &Map<String, Value>,
    prefix: &str,
    v: &mut Violations,
) -> Option<AttestationInput> {
    let signer_ptr = format!("{prefix}/signer");
    let signer = match field(obj, "signer") {
        None => {
            v.add(&signer_ptr, "The body property signer is required.");
            None
        }
        Some(Value::Object(s)) => {
            let mut get = |key: &str| required_string(s, key, &format!("{signer_ptr}/{key}"), v);
            let first_name = get("firstName");
            let last_name = get("lastName");
            let email_address = get("emailAddress");
            let phone_number = get("phoneNumber");
            match (first_name, last_name, email_address, phone_number) {
                (Some(first_name), Some(last_name), Some(email_address), Some(phone_number)) => {
                    Some(Signer {
                        first_name,
                        last_name,
                        email_address,
                        phone_number,
                    })
                }
                _ => None,
            }
        }
        Some(_) => {
            v.add(&signer_ptr, "The body property signer must be an object.");
            None
        }
    };
    let language_ptr = format!("{prefix}/language");
    let language = match optional_string(obj, "language", &language_ptr, v) {
        None => Some(String::from("en-US")),
        Some(s) if is_language_tag(&s) => Some(s),
        Some(_) => {
            v.add(
                &language_ptr,
                "The body property language must be an IETF BCP 47 language tag.",
            );
            None
        }
    };
    let country_ptr = format!("{prefix}/country");
    let country = match required_string(obj, "country", &country_ptr, v) {
        Some(c) if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
            Some(c.to_ascii_uppercase())
        }
        Some(_) => {
            v.add(
                &country_ptr,
                "The body property country must be an ISO 3166-1 alpha-2 code.",
            );
            None
        }
        None => None,
    };
    let date_ptr = format!("{prefix}/acceptanceDate");
    let acceptance_date = match required_string(obj, "acceptanceDate", &date_ptr, v) {
        Some(s) => match parse_rfc3339(&s) {
            Ok(d) => Some(d),
            Err(DateError::Syntax) => {
                v.add(
                    &date_ptr,
                    "The body property acceptanceDate must be an RFC 3339 date-time.",
                );
                None
            }
            Err(DateError::Range) => {
                v.add(
                    &date_ptr,
                    "The body property acceptanceDate must lie between 0001-01-01 and 9999-12-31 in UTC.",
                );
                None
            }
        },
        None => None,
    };
    Some(AttestationInput {
        signer: signer?,
        language: language?,
        country: country?,
        acceptance_date: acceptance_date?,
    })
}

fn start(state: &AppState, org: Uuid, path: &str, body: &Bytes) -> Response {
    let obj = match parse_object(body, path) {
        Ok(obj) => obj,
        Err(response) => return response,
    };
    let mut v = Violations::default();
    let input = attestation_input(&obj, "", &mut v);
    let input = match input {
        Some(input) if v.0.is_empty() => input,
        _ => return v.into_response(path),
    };
    let mut st = state.lock();
    if let Some(current) = st.current(org) {
        if !current.expired() {
            let detail = format!(
                "Attestation {} is in progress for this organization (status {}).",
                current.id, current.status
            );
            return problem(
                StatusCode::CONFLICT,
                "AttestationInProgress",
                &detail,
                path,
                &[],
            );
        }
    }
    let id = Uuid::new_v4();
    let expires_at = later(state.config.link_ttl);
    let attestation = Attestation {
        id,
        signer: input.signer,
        language: input.language,
        country: input.country,
        template_id: String::from(TEMPLATE_ID),
        acceptance_date: input.acceptance_date,
        status: 1,
        expires_at,
        finalized: false,
    };
    st.attestations.insert(id, attestation);
    st.org(org).current = Some(id);
    json_response(
        StatusCode::OK,
        &json!({
            "attestationId": id.to_string(),
            "agreementLink": agreement_link(state, id),
            "expiresAt": dotnet(expires_at),
        }),
    )
}

/// Now plus `ttl` (a configuration value): saturates at the end of year 9999 instead of panicking.
fn later(ttl: std::time::Duration) -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    time::Duration::try_from(ttl)
        .ok()
        .and_then(|d| now.checked_add(d))
        .filter(|t| t.year() <= 9999)
        .unwrap_or_else(|| {
            time::Date::from_calendar_date(9999, time::Month::December, 31)
                .map(|d| {
                    d.with_hms(23, 59, 59)
                        .map(|t| t.assume_utc())
                        .unwrap_or(now)
                })
                .unwrap_or(now)
        })
}

fn agreement_link(state: &AppState, id: Uuid) -> String {
    format!("{}/agreements/{id}", state.base_url)
}

fn get_attestation(state: &AppState, org: Uuid, path: &str) -> Response {
    let mut st = state.lock();
    let Some(a) = st.current(org).cloned() else {
        return problem(
            StatusCode::NOT_FOUND,
            "AttestationNotFound",
            "No partner attestation is ongoing for this organization.",
            path,
            &[],
        );
    };
    json_response(
        StatusCode::OK,
        &json!({
            "attestationId": a.id.to_string(),
            "signer": a.signer,
            "mcaInfo": {"language": a.language, "country": a.country, "templateId": a.template_id},
            "acceptanceDate": dotnet(a.acceptance_date),
            "status": a.status,
            "agreementLink": agreement_link(state, a.id),
            "expiresAt": dotnet(a.expires_at),
        }),
    )
}

fn finalize(state: &AppState, org: Uuid, path: &str) -> Response {
    let mut st = state.lock();
    let Some(a) = st.current(org).cloned() else {
        if st.org(org).last_finalized.is_some() {
            return StatusCode::OK.into_response();
        }
        return problem(
            StatusCode::NOT_FOUND,
            "AttestationNotFound",
            "No partner attestation is ongoing for this organization.",
            path,
            &[],
        );
    };
    if a.expired() {
        return problem(
            StatusCode::CONFLICT,
            "AttestationExpired",
            &format!("Attestation {} expired at {}.", a.id, dotnet(a.expires_at)),
            path,
            &[],
        );
    }
    if a.status != 2 {
        return problem(
            StatusCode::CONFLICT,
            "AttestationNotSigned",
            &format!(
                "Attestation {} has not been accepted by the signer yet.",
                a.id
            ),
            path,
            &[],
        );
    }
    if let Some(stored) = st.attestations.get_mut(&a.id) {
        stored.finalized = true;
    }
    let o = st.org(org);
    o.current = None;
    o.last_finalized = Some(a.id);
    o.partner = Some(PartnerAcceptance {
        signer: a.signer,
        template_id: a.template_id,
        acceptance_date: a.acceptance_date,
    });
    StatusCode::OK.into_response()
}

fn get_acceptance(state: &AppState, org: Uuid) -> Response {
    let mut st = state.lock();
    let o = st.org(org);
    o.settle_sync();
    let mut via = Vec::new();
    if o.direct {
        via.push("CustomerDirectAcceptance");
    }
    if o.partner.is_some() {
        via.push("PartnerAttestation");
    }
    let mut body = json!({
        "accepted": !via.is_empty(),
        "acceptedVia": via,
    });
    if let (Some(p), Value::Object(map)) = (&o.partner, &mut body) {
        map.insert(
            String::from("acceptanceViaPartnerAttestation"),
            json!({
                "signer": p.signer,
                "mcaInfoTemplateId": p.template_id,
                "acceptanceDate": dotnet(p.acceptance_date),
            }),
        );
    }
    if let Value::Object(map) = &mut body {
        map.insert(
            String::from("lastSyncDate"),
            Value::String(dotnet(o.last_sync)),
        );
    }
    json_response(StatusCode::OK, &body)
}

fn refresh(state: &AppState, org: Uuid, path: &str) -> Response {
    let mut st = state.lock();
    let o = st.org(org);
    if let Some(left) = o.settle_sync() {
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        let mut response = problem(
            StatusCode::TOO_MANY_REQUESTS,
            "AcceptanceSyncInProgress",
            "A sync of this customer's acceptance is already running.",
            path,
            &[],
        );
        set_retry_after(&mut response, secs.max(1));
        return response;
    }
    let duration = state.config.sync_duration;
    let now = std::time::Instant::now();
    let until = now.checked_add(duration).unwrap_or(now);
    o.sync = Some((until, later(duration)));
    StatusCode::ACCEPTED.into_response()
}

fn add_csp(state: &AppState, org: Uuid, path: &str, body: &Bytes) -> Response {
    let obj = match parse_object(body, path) {
        Ok(obj) => obj,
        Err(response) => return response,
    };
    let mut v = Violations::default();
    let id = optional_string(&obj, "id", "/id", &mut v);
    for key in [
        "organizationNumber",
        "contactFirstName",
        "contactLastName",
        "contactPhone",
        "city",
        "address",
        "postalCode",
    ] {
        optional_string(&obj, key, &format!("/{key}"), &mut v);
    }
    if let Some(c) = required_string(&obj, "currencyCode", "/currencyCode", &mut v) {
        if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
            v.add(
                "/currencyCode",
                "The body property currencyCode must be an ISO 4217 code.",
            );
        }
    }
    required_string(&obj, "contactEmail", "/contactEmail", &mut v);
    required_string(&obj, "domainPrefix", "/domainPrefix", &mut v);
    let mut input = None;
    match field(&obj, "partnerAttestation") {
        None => {}
        Some(Value::Object(pa)) => {
            match field(pa, "automaticFlow") {
                Some(Value::Bool(true)) => {}
                None => v.add("/partnerAttestation/automaticFlow", "The body property automaticFlow is required."),
                Some(_) => v.add(
                    "/partnerAttestation/automaticFlow",
                    "The body property automaticFlow must be true: only the automatic flow is supported here.",
                ),
            }
            input = attestation_input(pa, "/partnerAttestation", &mut v);
        }
        Some(_) => v.add(
            "/partnerAttestation",
            "The body property partnerAttestation must be an object.",
        ),
    }
    if !v.0.is_empty() {
        return v.into_response(path);
    }
    let mut st = state.lock();
    if let Some(input) = input {
        st.org(org).partner = Some(PartnerAcceptance {
            signer: input.signer,
            template_id: String::from(TEMPLATE_ID),
            acceptance_date: input.acceptance_date,
        });
    } else {
        st.org(org);
    }
    let id = id
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| org.to_string());
    json_response(StatusCode::OK, &json!({"id": id, "status": "Active"}))
}
