//! Every resource's life cycle through the API: create, get with ETag, list, replace with
//! If-Match, stale and missing If-Match, archive, delete.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{contract, fields, problem, seed, spawn_app, staff_body, Hospital, TestApp};

/// (collection, body to create, body to replace with, a field the replacement changes)
pub fn cases(h: &Hospital) -> Vec<(&'static str, Value, Value, &'static str)> {
    vec![
        (
            "/api/v1/sites",
            json!({ "code": "MAN", "name": "Manchester", "time_zone": "Europe/London" }),
            json!({ "code": "MAN", "name": "Manchester Royal", "time_zone": "Europe/London" }),
            "name",
        ),
        (
            "/api/v1/wards",
            json!({ "site_id": h.lon, "code": "PAED", "name": "Paediatrics", "unit_type": "paediatrics", "beds": 10 }),
            json!({ "site_id": h.lon, "code": "PAED", "name": "Paediatrics", "unit_type": "paediatrics", "beds": 14 }),
            "beds",
        ),
        (
            "/api/v1/roles",
            json!({ "code": "CN", "name": "Charge Nurse" }),
            json!({ "code": "CN", "name": "Nurse in Charge" }),
            "name",
        ),
        (
            "/api/v1/skills",
            json!({ "code": "CHEMO", "name": "Chemotherapy" }),
            json!({ "code": "CHEMO", "name": "Chemotherapy administration" }),
            "name",
        ),
        (
            "/api/v1/nurse-ratios",
            json!({ "site_id": h.lon, "unit_type": "icu", "role_id": h.rn, "patients_per_nurse": 2 }),
            json!({ "site_id": h.lon, "unit_type": "icu", "role_id": h.rn, "patients_per_nurse": 1.5 }),
            "patients_per_nurse",
        ),
        (
            "/api/v1/staff",
            staff_body(&h.lon, "L900", &h.rn, &[&h.icu]),
            {
                let mut b = staff_body(&h.lon, "L900", &h.rn, &[&h.icu]);
                b["float_ward_ids"] = json!([h.med]);
                b
            },
            "float_ward_ids",
        ),
        (
            "/api/v1/credentials",
            json!({ "staff_id": h.nurse, "skill_id": h.als, "valid_from": "2026-01-01", "expires_on": "2026-12-20" }),
            json!({ "staff_id": h.nurse, "skill_id": h.als, "valid_from": "2026-01-01", "expires_on": "2027-12-20" }),
            "expires_on",
        ),
        (
            "/api/v1/unavailability",
            json!({ "staff_id": h.nurse, "kind": "annual_leave", "start_date": "2026-12-24", "end_date": "2026-12-26" }),
            json!({ "staff_id": h.nurse, "kind": "annual_leave", "status": "approved", "start_date": "2026-12-24", "end_date": "2026-12-26" }),
            "status",
        ),
        (
            "/api/v1/shift-templates",
            json!({ "ward_id": h.icu, "code": "LD", "name": "Long day", "start_time": "07:30", "duration_minutes": 750, "unpaid_break_minutes": 60 }),
            json!({ "ward_id": h.icu, "code": "LD", "name": "Long day", "start_time": "08:00", "duration_minutes": 750, "unpaid_break_minutes": 60 }),
            "start_time",
        ),
        (
            "/api/v1/staffing-requirements",
            json!({ "ward_id": h.icu, "shift_template_id": h.icu_night, "role_id": h.rn, "min": 3, "target": 4, "max": 5, "valid_from": "2026-11-30" }),
            json!({ "ward_id": h.icu, "shift_template_id": h.icu_night, "role_id": h.rn, "skill_id": h.als, "min": 1, "target": 1, "max": 2, "valid_from": "2026-11-30" }),
            "skill_id",
        ),
        (
            "/api/v1/census",
            json!({ "ward_id": h.icu, "shift_template_id": h.icu_night, "date": "2026-12-01", "patients": 9 }),
            json!({ "ward_id": h.icu, "shift_template_id": h.icu_night, "date": "2026-12-01", "patients": 11, "acuity": 1.2 }),
            "patients",
        ),
    ]
}

async fn etag_of(app: &TestApp, path: &str) -> String {
    let res = app.get(&app.admin, path).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.headers().get("etag").unwrap().to_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_resource_can_be_created_read_replaced_archived_and_deleted() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    for (collection, body, replacement, changed) in cases(&h) {
        // Create: 201 with Location and ETag "1".
        let res = app.post(&app.admin, collection, &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create {collection}");
        let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
        assert_eq!(res.headers().get("etag").unwrap(), "\"1\"");
        let created: Value = res.json().await.unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        assert!(location.ends_with(&format!("{collection}/{id}")), "{location}");
        let item = format!("{collection}/{id}");

        // Read and list.
        assert_eq!(etag_of(&app, &item).await, "\"1\"");
        let page: Value = app.get(&app.admin, &format!("{collection}?limit=500")).await.json().await.unwrap();
        assert!(page["items"].as_array().unwrap().iter().any(|i| i["id"] == id.as_str()), "{collection} list");

        // Replace needs If-Match: missing → 428, stale → 412, current → 200 and version 2.
        let missing = app.call(Method::PUT, Some(&app.admin), &item, Some(&replacement), None).await;
        problem(missing, StatusCode::PRECONDITION_REQUIRED).await;
        let stale = app.call(Method::PUT, Some(&app.admin), &item, Some(&replacement), Some("\"7\"")).await;
        problem(stale, StatusCode::PRECONDITION_FAILED).await;
        let res = app.call(Method::PUT, Some(&app.admin), &item, Some(&replacement), Some("\"1\"")).await;
        assert_eq!(res.status(), StatusCode::OK, "replace {collection}");
        let updated: Value = res.json().await.unwrap();
        assert_eq!(updated["version"], 2);
        assert_ne!(updated[changed], created[changed], "{collection}.{changed} changed");

        // The same stale write again is refused: nothing is lost.
        let again = app.call(Method::PUT, Some(&app.admin), &item, Some(&body), Some("\"1\"")).await;
        problem(again, StatusCode::PRECONDITION_FAILED).await;

        // Archive hides it from lists unless asked for.
        let res = app.call(Method::POST, Some(&app.admin), &format!("{item}/archive"), None, Some("\"2\"")).await;
        assert_eq!(res.status(), StatusCode::OK, "archive {collection}");
        let page: Value = app.get(&app.admin, &format!("{collection}?limit=500")).await.json().await.unwrap();
        assert!(!page["items"].as_array().unwrap().iter().any(|i| i["id"] == id.as_str()));
        let page: Value =
            app.get(&app.admin, &format!("{collection}?limit=500&include_archived=true")).await.json().await.unwrap();
        assert!(page["items"].as_array().unwrap().iter().any(|i| i["id"] == id.as_str()));

        // Delete with the current version; then it is gone.
        let res = app.call(Method::DELETE, Some(&app.admin), &item, None, Some("\"3\"")).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "delete {collection}");
        problem(app.get(&app.admin, &item).await, StatusCode::NOT_FOUND).await;
    }
}

#[tokio::test]
async fn deleting_a_ward_still_referenced_is_a_conflict_and_archiving_it_works() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let item = format!("/api/v1/wards/{}", h.icu);
    let p = problem(app.call(Method::DELETE, Some(&app.admin), &item, None, Some("\"1\"")).await, StatusCode::CONFLICT)
        .await;
    assert!(p["detail"].as_str().unwrap().contains("archive"), "{p}");
    // Nothing was deleted.
    assert_eq!(app.get(&app.admin, &item).await.status(), StatusCode::OK);
    let templates: Value =
        app.get(&app.admin, &format!("/api/v1/shift-templates?ward_id={}", h.icu)).await.json().await.unwrap();
    assert_eq!(templates["items"].as_array().unwrap().len(), 1);
    let res = app.call(Method::POST, Some(&app.admin), &format!("{item}/archive"), None, Some("\"1\"")).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn lists_page_by_cursor_and_sync_by_updated_since() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    for i in 0..5 {
        app.create("/api/v1/staff", staff_body(&h.lon, &format!("P{i:03}"), &h.hca, &[&h.med])).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/staff?site_id={}&limit=2&after={c}", h.lon),
            None => format!("/api/v1/staff?site_id={}&limit=2", h.lon),
        };
        let page: Value = app.get(&app.admin, &path).await.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["employee_number"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6, "{seen:?}"); // L001 + five new
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), 6);

    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mut changed = staff_body(&h.lon, "L001", &h.rn, &[&h.icu]);
    changed["name"] = json!("Renamed Nurse");
    let res = app
        .call(Method::PUT, Some(&app.admin), &format!("/api/v1/staff/{}", h.nurse), Some(&changed), Some("\"1\""))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = app
        .client
        .get(format!("{}/api/v1/staff", app.address))
        .query(&[("updated_since", since.as_str())])
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = page["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Renamed Nurse"]);
}

#[tokio::test]
async fn census_and_ratio_raise_the_fixed_minimum_in_the_ward_demand() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    app.create(
        "/api/v1/nurse-ratios",
        json!({ "site_id": h.lon, "unit_type": "icu", "role_id": h.rn, "patients_per_nurse": 2 }),
    )
    .await;
    app.create(
        "/api/v1/staffing-requirements",
        json!({ "ward_id": h.icu, "shift_template_id": h.icu_night, "role_id": h.rn, "min": 3, "target": 4, "max": 6, "valid_from": "2026-11-30" }),
    )
    .await;
    app.create(
        "/api/v1/census",
        json!({ "ward_id": h.icu, "shift_template_id": h.icu_night, "date": "2026-12-01", "patients": 9 }),
    )
    .await;
    let demand: Value = app
        .get(&app.admin, &format!("/api/v1/wards/{}/demand?from=2026-11-30&to=2026-12-01", h.icu))
        .await
        .json()
        .await
        .unwrap();
    let lines = demand["items"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["date"].as_str(), lines[0]["min"].as_i64(), lines[0]["source"].as_str()),
        (Some("2026-11-30"), Some(3), Some("fixed"))
    );
    // 9 patients at 1:2 need 5 nurses.
    assert_eq!(
        (lines[1]["date"].as_str(), lines[1]["min"].as_i64(), lines[1]["source"].as_str()),
        (Some("2026-12-01"), Some(5), Some("fixed_and_census"))
    );
}

#[tokio::test]
async fn staff_contract_and_wards_round_trip() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let mut body = staff_body(&h.lon, "L777", &h.rn, &[&h.icu]);
    body["float_ward_ids"] = json!([h.med]);
    body["contract"] = contract();
    body["contract"]["hourly_cost"] = json!(31.25);
    let id = app.create("/api/v1/staff", body).await;
    let got: Value = app.get(&app.admin, &format!("/api/v1/staff/{id}")).await.json().await.unwrap();
    assert_eq!(got["home_ward_ids"], json!([h.icu]));
    assert_eq!(got["float_ward_ids"], json!([h.med]));
    assert_eq!(got["contract"]["hourly_cost"], json!(31.25));
    let by_ward: Value = app.get(&app.admin, &format!("/api/v1/staff?ward_id={}", h.med)).await.json().await.unwrap();
    assert_eq!(by_ward["items"].as_array().unwrap().len(), 1);
    // A ward from another site is refused with the field named.
    let mut wrong = staff_body(&h.lon, "L778", &h.rn, &[&h.nyc_ed]);
    wrong["email"] = json!("not-an-email");
    let p = problem(app.post(&app.admin, "/api/v1/staff", &wrong).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), vec!["home_ward_ids[0]", "email"]);
    let _ = (&h.kol, &h.kol_ward, &h.med_day, &h.nyc, &h.nyc_night, &h.kol_night, &h.nyc_nurse);
}
