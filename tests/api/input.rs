//! Bad input gets a 4xx problem+json naming the field; nothing is half-written.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{fields, problem, seed, spawn_app, spawn_app_with};

#[tokio::test]
async fn invalid_fields_are_all_named_in_one_answer() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let p = problem(
        app.post(&app.admin, "/api/v1/sites", &json!({ "code": "", "name": "X", "time_zone": "Mars/Olympus" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["code", "time_zone"]);
    assert_eq!(p["type"], "urn:rota:problem:validation");

    let p = problem(
        app.post(
            &app.admin,
            "/api/v1/staffing-requirements",
            &json!({ "ward_id": h.icu, "shift_template_id": h.med_day, "role_id": "nope", "min": 5, "target": 3, "max": 2,
                     "valid_from": "2026-12-10", "valid_to": "2026-12-01" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["shift_template_id", "role_id", "target", "max", "valid_to"]);

    let p = problem(
        app.post(&app.admin, "/api/v1/staffing-requirements",
            &json!({ "ward_id": h.icu, "shift_template_id": h.icu_night, "role_id": h.rn, "min": -1, "target": 0, "max": 0, "valid_from": "2026-12-10" }))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["min"]);

    let p = problem(
        app.post(&app.admin, "/api/v1/shift-templates",
            &json!({ "ward_id": "missing", "code": "X", "name": "X", "start_time": "25:00", "duration_minutes": 0, "days_of_week": ["funday"] }))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["ward_id", "start_time", "duration_minutes", "days_of_week"]);

    let p = problem(
        app.post(
            &app.admin,
            "/api/v1/unavailability",
            &json!({ "staff_id": h.nurse, "kind": "sick", "start_date": "2026-12-05" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["start_date"]);
}

#[tokio::test]
async fn unreadable_bodies_name_the_field_or_the_problem() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    // A fractional count, a string for a number, an unknown field: 400 naming the field.
    let base = json!({ "ward_id": h.icu, "shift_template_id": h.icu_night, "role_id": h.rn, "min": 1, "target": 1, "max": 1, "valid_from": "2026-12-10" });
    for (field, value) in
        [("min", json!(1.5)), ("target", json!("two")), ("surprise", json!(true)), ("valid_from", json!("10/12/2026"))]
    {
        let mut body = base.clone();
        body[field] = value;
        let p =
            problem(app.post(&app.admin, "/api/v1/staffing-requirements", &body).await, StatusCode::BAD_REQUEST).await;
        let text = p.to_string();
        assert!(text.contains(field), "{field}: {text}");
    }
    // Malformed JSON.
    let res = app.post_raw(&app.admin, "/api/v1/roles", "application/json", "{\"code\": \"X\",").await;
    let p = problem(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(fields(&p), vec!["body"]);
    // Wrong content type.
    let res = app.post_raw(&app.admin, "/api/v1/roles", "text/plain", "{\"code\": \"X\", \"name\": \"Y\"}").await;
    problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    // Bad query parameters.
    problem(app.get(&app.admin, "/api/v1/wards?limit=0").await, StatusCode::BAD_REQUEST).await;
    let p = problem(app.get(&app.admin, "/api/v1/wards?limit=ten").await, StatusCode::BAD_REQUEST).await;
    assert!(p.to_string().contains("limit"));
    problem(app.get(&app.admin, "/api/v1/wards?colour=red").await, StatusCode::BAD_REQUEST).await;
    problem(
        app.get(&app.admin, &format!("/api/v1/wards/{}/shifts?from=2026-12-01", h.icu)).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    // A malformed If-Match.
    let res =
        app.call(Method::DELETE, Some(&app.admin), &format!("/api/v1/roles/{}", h.hca), None, Some("yesterday")).await;
    problem(res, StatusCode::BAD_REQUEST).await;
    // Unknown routes and methods.
    problem(app.get(&app.admin, "/api/v1/nothing-here").await, StatusCode::NOT_FOUND).await;
    problem(
        app.call(Method::PATCH, Some(&app.admin), "/api/v1/roles", None, None).await,
        StatusCode::METHOD_NOT_ALLOWED,
    )
    .await;
    problem(app.get(&app.admin, "/api/v1/roles/unknown-id").await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn over_large_bodies_are_refused() {
    let app = spawn_app_with(|s| s.max_body_bytes = 1024).await;
    let body = json!({ "code": "X", "name": "y".repeat(4000) });
    problem(app.post(&app.admin, "/api/v1/roles", &body).await, StatusCode::PAYLOAD_TOO_LARGE).await;
}

#[tokio::test]
async fn a_duplicate_code_is_a_conflict_and_leaves_the_original_untouched() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let p = problem(
        app.post(
            &app.admin,
            "/api/v1/wards",
            &json!({ "site_id": h.lon, "code": "ICU", "name": "Second ICU", "unit_type": "icu", "beds": 3 }),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p["type"], "urn:rota:problem:conflict");
    let ward: Value = app.get(&app.admin, &format!("/api/v1/wards/{}", h.icu)).await.json().await.unwrap();
    assert_eq!(ward["name"], "ICU");
    // The same code on another site is fine.
    let other = json!({ "site_id": h.nyc, "code": "ICU", "name": "NY ICU", "unit_type": "icu", "beds": 3 });
    assert_eq!(app.post(&app.admin, "/api/v1/wards", &other).await.status(), StatusCode::CREATED);
    // A failed staff write (second ward invalid) stores neither the person nor their wards.
    let before: Value = app.get(&app.admin, "/api/v1/staff?limit=500").await.json().await.unwrap();
    let mut body = crate::helpers::staff_body(&h.lon, "L001", &h.rn, &[&h.icu]);
    body["employee_number"] = json!("L001");
    problem(app.post(&app.admin, "/api/v1/staff", &body).await, StatusCode::CONFLICT).await;
    let after: Value = app.get(&app.admin, "/api/v1/staff?limit=500").await.json().await.unwrap();
    assert_eq!(before["items"].as_array().unwrap().len(), after["items"].as_array().unwrap().len());
}

#[tokio::test]
async fn health_readiness_and_the_openapi_document_need_no_token() {
    let app = spawn_app().await;
    for path in ["/api/v1/health", "/api/v1/ready", "/api/v1/openapi.json", "/api/v1/docs"] {
        assert_eq!(app.call(Method::GET, None, path, None, None).await.status(), StatusCode::OK, "{path}");
    }
    let doc: Value = app.call(Method::GET, None, "/api/v1/openapi.json", None, None).await.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/wards",
        "/api/v1/wards/{id}",
        "/api/v1/wards/{id}/archive",
        "/api/v1/census",
        "/api/v1/wards/{id}/demand",
        "/api/v1/rosters/{id}/solve",
        "/api/v1/rosters/{id}/coverage",
        "/api/v1/jobs/{id}/cancel",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert!(doc["paths"]["/api/v1/staff"]["post"]["responses"]["403"].is_object());
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}
