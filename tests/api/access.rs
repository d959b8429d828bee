//! Who may call what: 401 without a valid token on every route, 403 for the wrong role or
//! scope on every route group.

use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use rota::domain::TokenRole;
use serde_json::{json, Value};

use crate::helpers::{night, problem, seed, spawn_app, staff_body};
use crate::hospital::cases;

const COLLECTIONS: &[&str] = &[
    "/api/v1/sites",
    "/api/v1/wards",
    "/api/v1/roles",
    "/api/v1/skills",
    "/api/v1/nurse-ratios",
    "/api/v1/staff",
    "/api/v1/credentials",
    "/api/v1/unavailability",
    "/api/v1/shift-templates",
    "/api/v1/staffing-requirements",
    "/api/v1/census",
];

#[tokio::test]
async fn every_route_needs_a_valid_bearer_token() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let mut paths: Vec<String> = COLLECTIONS.iter().map(|c| (*c).to_owned()).collect();
    paths.extend(COLLECTIONS.iter().map(|c| format!("{c}/some-id")));
    paths.push(format!("/api/v1/wards/{}/shifts?from=2026-12-01&to=2026-12-02", h.icu));
    paths.push(format!("/api/v1/wards/{}/demand?from=2026-12-01&to=2026-12-02", h.icu));
    for path in &paths {
        for token in [None, Some("rota_not-a-real-token"), Some("something-else")] {
            let res = app.call(Method::GET, token, path, None, None).await;
            let p = problem(res, StatusCode::UNAUTHORIZED).await;
            assert_eq!(p["type"], "urn:rota:problem:unauthorized", "{path}");
        }
    }
    let res = app
        .client
        .get(format!("{}/api/v1/sites", app.address))
        .header("Authorization", format!("Basic {}", app.admin))
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
    // Writes too.
    for c in COLLECTIONS {
        let res = app.call(Method::POST, None, c, Some(&json!({})), None).await;
        problem(res, StatusCode::UNAUTHORIZED).await;
    }
}

#[tokio::test]
async fn staff_tokens_change_nothing_and_read_only_their_own_records() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let me = app.token(TokenRole::Staff, None, None, Some("L001"));
    // Every create is forbidden, with valid bodies so that only the policy can refuse.
    for (collection, body, _, _) in cases(&h) {
        let res = app.post(&me, collection, &body).await;
        problem(res, StatusCode::FORBIDDEN).await;
        // A body of the wrong shape is refused for the role too, before it is read: a
        // 400 would tell a nurse what the body of a manager's request must hold.
        let res = app.post(&me, collection, &json!({ "not_a_field": [1] })).await;
        problem(res, StatusCode::FORBIDDEN).await;
    }
    // Replace, archive and delete of existing records too.
    let targets = [
        (format!("/api/v1/staff/{}", h.nurse), Some(staff_body(&h.lon, "L001", &h.rn, &[&h.icu]))),
        (format!("/api/v1/shift-templates/{}", h.icu_night), Some(night(&h.icu, "N"))),
        (format!("/api/v1/wards/{}", h.icu), None),
    ];
    for (path, body) in &targets {
        if let Some(b) = body {
            problem(app.call(Method::PUT, Some(&me), path, Some(b), Some("\"1\"")).await, StatusCode::FORBIDDEN).await;
        }
        let wrong = json!([]);
        problem(app.call(Method::PUT, Some(&me), path, Some(&wrong), Some("\"1\"")).await, StatusCode::FORBIDDEN).await;
        problem(app.call(Method::DELETE, Some(&me), path, None, Some("\"1\"")).await, StatusCode::FORBIDDEN).await;
        let archive = format!("{path}/archive");
        problem(app.call(Method::POST, Some(&me), &archive, None, Some("\"1\"")).await, StatusCode::FORBIDDEN).await;
    }
    // Reads: their own record yes, a colleague's no; managers' plans no.
    assert_eq!(app.get(&me, &format!("/api/v1/staff/{}", h.nurse)).await.status(), StatusCode::OK);
    problem(app.get(&me, &format!("/api/v1/staff/{}", h.nyc_nurse)).await, StatusCode::FORBIDDEN).await;
    let list: Value = app.get(&me, "/api/v1/staff").await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    for path in ["/api/v1/census", "/api/v1/staffing-requirements", "/api/v1/nurse-ratios"] {
        problem(app.get(&me, path).await, StatusCode::FORBIDDEN).await;
    }
    problem(
        app.get(&me, &format!("/api/v1/wards/{}/demand?from=2026-12-01&to=2026-12-01", h.icu)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Shift times of their own site are visible; another site's are not.
    assert_eq!(
        app.get(&me, &format!("/api/v1/wards/{}/shifts?from=2026-12-01&to=2026-12-01", h.icu)).await.status(),
        StatusCode::OK
    );
    problem(
        app.get(&me, &format!("/api/v1/wards/{}/shifts?from=2026-12-01&to=2026-12-01", h.nyc_ed)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let sites: Value = app.get(&me, "/api/v1/sites").await.json().await.unwrap();
    assert_eq!(sites["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_site_manager_runs_their_site_and_cannot_touch_another() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let lon = app.token(TokenRole::Manager, Some("LON"), None, None);
    let ward =
        |site: &str| json!({ "site_id": site, "code": "NEW", "name": "New ward", "unit_type": "other", "beds": 4 });
    assert_eq!(app.post(&lon, "/api/v1/wards", &ward(&h.lon)).await.status(), StatusCode::CREATED);
    problem(app.post(&lon, "/api/v1/wards", &ward(&h.nyc)).await, StatusCode::FORBIDDEN).await;
    problem(
        app.post(&lon, "/api/v1/sites", &json!({ "code": "X", "name": "X", "time_zone": "UTC" })).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(app.post(&lon, "/api/v1/roles", &json!({ "code": "X", "name": "X" })).await, StatusCode::FORBIDDEN).await;
    problem(app.get(&lon, &format!("/api/v1/wards/{}", h.nyc_ed)).await, StatusCode::FORBIDDEN).await;
    problem(app.get(&lon, &format!("/api/v1/staff/{}", h.nyc_nurse)).await, StatusCode::FORBIDDEN).await;
    let wards: Value = app.get(&lon, "/api/v1/wards").await.json().await.unwrap();
    assert!(wards["items"].as_array().unwrap().iter().all(|w| w["site_id"] == h.lon.as_str()));
    // Moving a LON ward to NYC is a write on NYC: refused.
    let mut moved = json!({ "site_id": h.nyc, "code": "MED1", "name": "MED1", "unit_type": "med_surg", "beds": 12 });
    problem(
        app.call(Method::PUT, Some(&lon), &format!("/api/v1/wards/{}", h.med), Some(&moved), Some("\"1\"")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    moved["site_id"] = json!(h.lon);
    assert_eq!(
        app.call(Method::PUT, Some(&lon), &format!("/api/v1/wards/{}", h.med), Some(&moved), Some("\"1\""))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_ward_manager_changes_only_their_ward_plan() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let icu = app.token(TokenRole::Manager, Some("LON"), Some("ICU"), None);
    let template = |ward: &str| json!({ "ward_id": ward, "code": "LD", "name": "Long day", "start_time": "07:30", "duration_minutes": 750 });
    assert_eq!(app.post(&icu, "/api/v1/shift-templates", &template(&h.icu)).await.status(), StatusCode::CREATED);
    problem(app.post(&icu, "/api/v1/shift-templates", &template(&h.med)).await, StatusCode::FORBIDDEN).await;
    problem(
        app.post(
            &icu,
            "/api/v1/wards",
            &json!({ "site_id": h.lon, "code": "Z", "name": "Z", "unit_type": "other", "beds": 1 }),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        app.post(&icu, "/api/v1/staff", &staff_body(&h.lon, "L555", &h.rn, &[&h.icu])).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let census =
        |ward: &str, t: &str| json!({ "ward_id": ward, "shift_template_id": t, "date": "2026-12-02", "patients": 8 });
    assert_eq!(app.post(&icu, "/api/v1/census", &census(&h.icu, &h.icu_night)).await.status(), StatusCode::CREATED);
    problem(app.post(&icu, "/api/v1/census", &census(&h.med, &h.med_day)).await, StatusCode::FORBIDDEN).await;
    problem(
        app.get(&icu, &format!("/api/v1/wards/{}/demand?from=2026-12-01&to=2026-12-01", h.med)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let templates: Value = app.get(&icu, "/api/v1/shift-templates").await.json().await.unwrap();
    assert!(templates["items"].as_array().unwrap().iter().all(|t| t["ward_id"] == h.icu.as_str()));
    // Leave for staff on their site is theirs to record.
    let leave = json!({ "staff_id": h.nurse, "kind": "sick", "status": "approved", "start_date": "2026-12-01", "end_date": "2026-12-02" });
    assert_eq!(app.post(&icu, "/api/v1/unavailability", &leave).await.status(), StatusCode::CREATED);
    let nyc_leave =
        json!({ "staff_id": h.nyc_nurse, "kind": "sick", "start_date": "2026-12-01", "end_date": "2026-12-02" });
    problem(app.post(&icu, "/api/v1/unavailability", &nyc_leave).await, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn an_integration_feeds_census_and_staff_but_does_not_reshape_the_hospital() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let feed = app.token(TokenRole::Integration, None, None, None);
    let census = json!({ "ward_id": h.nyc_ed, "shift_template_id": h.nyc_night, "date": "2026-12-02", "patients": 20 });
    assert_eq!(app.post(&feed, "/api/v1/census", &census).await.status(), StatusCode::CREATED);
    assert_eq!(
        app.post(&feed, "/api/v1/staff", &staff_body(&h.nyc, "N777", &h.rn, &[&h.nyc_ed])).await.status(),
        StatusCode::CREATED
    );
    problem(app.post(&feed, "/api/v1/shift-templates", &night(&h.nyc_ed, "N2")).await, StatusCode::FORBIDDEN).await;
    problem(
        app.post(
            &feed,
            "/api/v1/wards",
            &json!({ "site_id": h.nyc, "code": "Z", "name": "Z", "unit_type": "other", "beds": 1 }),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let requirement = json!({ "ward_id": h.icu, "shift_template_id": h.icu_night, "role_id": h.rn, "min": 1, "target": 1, "max": 1, "valid_from": "2026-12-01" });
    problem(app.post(&feed, "/api/v1/staffing-requirements", &requirement).await, StatusCode::FORBIDDEN).await;
    assert_eq!(app.get(&feed, "/api/v1/wards").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes_and_unknown_scopes_are_refused() {
    let app = spawn_app().await;
    seed(&app).await;
    let secret = app.token(TokenRole::Manager, Some("LON"), Some("ICU"), None);
    let mut conn = app.pool.get().unwrap();
    use rota::db::schema::api_tokens::dsl as t;
    let hashes: Vec<String> = t::api_tokens.select(t::token_hash).load(&mut conn).unwrap();
    assert!(hashes.iter().all(|h| h.len() == 64 && !h.contains(&secret) && !secret.contains(h.as_str())));
    assert!(hashes.contains(&rota::services::auth::hash_token(&secret)));
    let req = |role, site: Option<&str>, staff: Option<&str>| rota::services::auth::TokenRequest {
        role,
        name: "x".into(),
        site_code: site.map(str::to_owned),
        ward_code: None,
        employee_number: staff.map(str::to_owned),
    };
    for bad in [
        req(TokenRole::Manager, None, None),
        req(TokenRole::Manager, Some("NOPE"), None),
        req(TokenRole::Staff, None, Some("NOBODY")),
        req(TokenRole::Admin, Some("LON"), None),
    ] {
        assert!(conn.transaction(|c| rota::services::auth::issue(c, &bad)).is_err(), "{bad:?}");
    }
}

/// Replace `{param}` segments of a documented path with a made-up id.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for ch in path.chars() {
        match ch {
            '{' => {
                in_param = true;
                out.push_str("some-id");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn every_documented_operation_needs_a_token_and_integrations_are_refused_staff_work() {
    let app = spawn_app().await;
    seed(&app).await;
    let doc = serde_json::to_value(rota::api::openapi::build()).unwrap();
    let integration = app.token(TokenRole::Integration, None, None, None);
    let open = ["/api/v1/health", "/api/v1/ready", "/api/v1/openapi.json", "/api/v1/calendar/{token}.ics"];
    // Rosters, jobs, self-service and staff requests are closed to service accounts.
    let closed = [
        "/api/v1/rosters",
        "/api/v1/jobs",
        "/api/v1/me/",
        "/api/v1/time-off-requests",
        "/api/v1/open-shifts",
        "/api/v1/swap-requests",
        "/api/v1/offer-requests",
        "/api/v1/manager/",
    ];
    let (mut unauthorised, mut forbidden, mut not_forbidden) = (0, 0, Vec::new());
    for (path, item) in doc["paths"].as_object().unwrap() {
        if open.contains(&path.as_str()) {
            continue;
        }
        let url = concrete(path);
        for (method, op) in item.as_object().unwrap() {
            let method = match method.as_str() {
                "get" => Method::GET,
                "post" => Method::POST,
                "put" => Method::PUT,
                "delete" => Method::DELETE,
                _ => continue,
            };
            let res = app.call(method.clone(), None, &url, None, None).await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
            unauthorised += 1;
            if closed.iter().any(|c| path.starts_with(c)) {
                // 403 before anything else, a body that is not even JSON included
                let mut req = app.client.request(method.clone(), format!("{}{url}", app.address));
                req = req.bearer_auth(&integration).header("If-Match", "\"1\"");
                if op.get("requestBody").is_some() {
                    req = req.header("content-type", "application/json").body("{");
                }
                let status = req.send().await.unwrap().status();
                if status != StatusCode::FORBIDDEN {
                    not_forbidden.push(format!("{method} {path}: {status}"));
                }
                forbidden += 1;
            }
        }
    }
    assert!(unauthorised > 90, "{unauthorised}");
    assert!(not_forbidden.is_empty(), "integration tokens got past the role check: {not_forbidden:#?}");
    assert!(forbidden > 45, "{forbidden}");
}
