//! The JSON API: the same data as the pages, for label integrations (API tokens:
//! `Authorization: Bearer llk_…`) and for scripts. The OpenAPI document is made from the route
//! table, so it lists exactly the routes that exist, with who may call them.


use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::data::{self, parse_period};
use crate::error::PortalError;
use crate::payee::{drill_level, issued_of, issued_statement, LinesQuery};
use crate::routes::{Access, Principal, ROUTES};
use crate::state::{blocking, App};

pub async fn openapi() -> Json<Value> {
    Json(openapi_document())
}

/// The OpenAPI 3.1 document of every `/api/v1` route.
pub fn openapi_document() -> Value {
    let mut paths = serde_json::Map::new();
    for spec in ROUTES
        .iter()
        .filter(|spec| spec.path.starts_with("/api/v1/"))
    {
        let parameters: Vec<Value> = spec
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let who = match spec.access {
            Access::Public => "anyone",
            Access::SignedIn => "any signed-in user or token",
            Access::Payee => "the payee's own users, label staff granted the payee, label admins",
            Access::Label => "label admins and staff",
            Access::Admin => "label admins",
        };
        let mut operation = json!({
            "summary": spec.summary,
            "description": format!("Who may call it: {who}."),
            "operationId": format!("{}{}", spec.method.to_lowercase(), spec.path.replace(['/', '{', '}', '.'], "_")),
            "parameters": parameters,
            "security": [{ "bearer": [] }, { "session": [] }],
            "responses": {
                "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } },
                "401": { "description": "No valid token or session" },
                "404": { "description": "Not found, or not yours to see" },
                "422": { "description": "Refused: the message says why", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        });
        if spec.path == "/api/v1/imports" && spec.method == "POST" {
            operation["requestBody"] = json!({ "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } });
            operation["parameters"].as_array_mut().expect("an array").push(json!({ "name": "name", "in": "query", "required": false, "schema": { "type": "string" } }));
        }
        if spec.path == "/api/v1/aliases" {
            operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["identifier"],
                "properties": { "identifier": { "type": "string" }, "track": { "type": "string" }, "release": { "type": "string" } } } } } });
        }
        let entry = paths
            .entry(spec.path.to_string())
            .or_insert_with(|| json!({}));
        entry[spec.method.to_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Ledgerline API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "Royalty statements, imports, the suspense queue and periods of one Ledgerline home. Amounts are exact decimal strings." },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "An API token from `ledgerline users token`" },
                "session": { "type": "apiKey", "in": "cookie", "name": "__Host-ledgerline" }
            },
            "schemas": { "Error": { "type": "object", "properties": { "error": { "type": "string" }, "status": { "type": "integer" } } } }
        }
    })
}

pub async fn me(Extension(principal): Extension<Principal>) -> Json<Value> {
    Json(json!({ "user": principal.user }))
}

pub async fn statements(
    State(app): State<App>,
    Path(payee): Path<String>,
) -> Result<Json<Value>, PortalError> {
    let list = blocking(&app, move |app| issued_of(&app.ledger()?, &payee)).await?;
    Ok(Json(json!({ "statements": list })))
}

pub async fn statement(
    State(app): State<App>,
    Path((payee, period)): Path<(String, String)>,
) -> Result<Response, PortalError> {
    let statement = blocking(&app, move |app| {
        issued_statement(&app.ledger()?, &payee, &period)
    })
    .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        statement.canonical_json(),
    )
        .into_response())
}

pub async fn lines(
    State(app): State<App>,
    Path((payee, period)): Path<(String, String)>,
    Query(query): Query<LinesQuery>,
) -> Result<Json<Value>, PortalError> {
    let wanted = (payee, period, query);
    let (statement, explanation) = blocking(&app, move |app| {
        let ledger = app.ledger()?;
        let statement = issued_statement(&ledger, &wanted.0, &wanted.1)?;
        let parsed =
            ledgerline_model::Period::parse(&wanted.1).map_err(|_| PortalError::NotFound)?;
        let query = ledgerline_run::Query {
            payee: wanted.0.clone(),
            period: Some(parsed),
            track: wanted.2.track.clone(),
            service: wanted.2.service.clone(),
            territory: wanted.2.territory.clone(),
        };
        let explanation = ledgerline_run::explain(&ledger, &app.lake_root(), &query)?;
        Ok((statement, (explanation, wanted.2)))
    })
    .await?;
    let (mut explanation, query) = explanation;
    for line in explanation
        .items
        .iter_mut()
        .flat_map(|item| item.lines.iter_mut())
    {
        line.file = crate::pages::file_label(&line.file).to_string();
    }
    let (level, rows) = drill_level(&statement, &query);
    Ok(Json(
        json!({ "level": level, "rows": rows, "explanation": explanation }),
    ))
}

pub async fn dashboard(State(app): State<App>) -> Result<Json<Value>, PortalError> {
    let figures = blocking(&app, |app| data::dashboard(app, &app.ledger()?)).await?;
    Ok(Json(serde_json::to_value(&*figures).map_err(|error| {
        PortalError::Internal(error.to_string())
    })?))
}

pub async fn imports(State(app): State<App>) -> Result<Json<Value>, PortalError> {
    let rows = blocking(&app, |app| data::imports(&app.ledger()?)).await?;
    Ok(Json(json!({ "imports": rows })))
}

#[derive(Deserialize)]
pub struct ImportQuery {
    name: Option<String>,
}

/// The request body is the report file; it is streamed to disk, then imported.
pub async fn import(
    State(app): State<App>,
    Query(query): Query<ImportQuery>,
    body: Body,
) -> Result<Json<Value>, PortalError> {
    use http_body_util::BodyExt as _;
    let mut upload = crate::label::Upload::create(&app, query.name.as_deref().unwrap_or("report"))?;
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|_| PortalError::invalid("the upload was interrupted or too large"))?;
        if let Some(chunk) = frame.data_ref() {
            upload.write(chunk)?;
        }
    }
    let import = blocking(&app, move |app| {
        let result = crate::label::import_received(app, &upload.path);
        drop(upload);
        result
    })
    .await?;
    Ok(Json(serde_json::to_value(&import).map_err(|error| {
        PortalError::Internal(error.to_string())
    })?))
}

pub async fn unmatched(State(app): State<App>) -> Result<Json<Value>, PortalError> {
    let groups = blocking(&app, |app| data::unmatched(app, &app.ledger()?)).await?;
    Ok(Json(json!({ "groups": &*groups })))
}

#[derive(Deserialize)]
pub struct AliasRequest {
    identifier: String,
    track: Option<String>,
    release: Option<String>,
}

pub async fn alias(
    State(app): State<App>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, PortalError> {
    let request: AliasRequest = serde_json::from_slice(&body).map_err(|error| {
        PortalError::invalid(format!("the body is not the JSON expected: {error}"))
    })?;
    let target = match (request.track, request.release) {
        (Some(target), None) | (None, Some(target)) => target,
        _ => {
            return Err(PortalError::invalid(
                "give \"track\" (an ISRC) or \"release\" (a UPC/EAN), one of them",
            ))
        }
    };
    let outcome = blocking(&app, move |app| {
        crate::label::resolve_alias(app, &request.identifier, &target)
    })
    .await?;
    Ok(Json(serde_json::to_value(&outcome).map_err(|error| {
        PortalError::Internal(error.to_string())
    })?))
}

pub async fn payees(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<Value>, PortalError> {
    let rows = blocking(&app, move |app| {
        data::payees(&app.ledger()?, &principal.user)
    })
    .await?;
    Ok(Json(json!({ "payees": rows })))
}

pub async fn period(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    Path(period): Path<String>,
) -> Result<Json<data::PeriodView>, PortalError> {
    let period = parse_period(&period)?;
    Ok(Json(
        blocking(&app, move |app| {
            data::period(&app.ledger()?, &app.lake_root(), period, &principal.user)
        })
        .await?,
    ))
}

pub async fn close(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    Path(period): Path<String>,
) -> Result<Json<data::PeriodView>, PortalError> {
    let period = parse_period(&period)?;
    Ok(Json(
        blocking(&app, move |app| {
            Ok(data::close(
                &mut app.ledger()?,
                &app.lake_root(),
                period,
                &principal.user,
            )?
            .1)
        })
        .await?,
    ))
}
