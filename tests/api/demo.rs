//! The demo hospital loads through the same services as the API, and loading it twice
//! changes nothing.

use diesel::Connection;
use reqwest::StatusCode;
use rota::domain::TokenRole;
use serde_json::Value;

use crate::helpers::spawn_app;

async fn all(app: &crate::helpers::TestApp, token: &str, path: &str) -> Vec<Value> {
    let page: Value = app.get(token, &format!("{path}?limit=500")).await.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_demo_hospital_loads_once_and_a_manager_sees_their_wards() {
    let app = spawn_app().await;
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo-hospital.yaml")).unwrap();
    let fixture = rota::services::demo::parse(&text).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let mut conn = app.pool.get().unwrap();
    let first = conn.transaction(|c| rota::services::demo::load(c, &fixture, today)).unwrap();
    let second = conn.transaction(|c| rota::services::demo::load(c, &fixture, today)).unwrap();
    drop(conn);
    assert_eq!((first.sites, second.sites, second.wards, second.staff, second.census_entries), (2, 0, 0, 0, 0));
    assert!(first.staff >= 150, "{first:?}");
    assert_eq!(first.weeks_from[0].1, chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());

    let sites = all(&app, &app.admin, "/api/v1/sites").await;
    let zones: Vec<&str> = sites.iter().map(|s| s["time_zone"].as_str().unwrap()).collect();
    assert!(zones.contains(&"Europe/London") && zones.contains(&"America/New_York"), "{zones:?}");
    let wards = all(&app, &app.admin, "/api/v1/wards").await;
    let units: Vec<&str> = wards.iter().map(|w| w["unit_type"].as_str().unwrap()).collect();
    for unit in ["icu", "ed", "maternity", "paediatrics"] {
        assert!(units.contains(&unit), "{unit} in {units:?}");
    }
    assert!(units.iter().filter(|u| **u == "med_surg").count() >= 2);
    assert!(all(&app, &app.admin, "/api/v1/staff").await.len() >= 150);
    // Some credentials expire within the next four weeks.
    let credentials = all(&app, &app.admin, "/api/v1/credentials").await;
    let soon = credentials
        .iter()
        .filter_map(|c| c["expires_on"].as_str())
        .filter(|d| *d >= "2026-11-25" && *d <= "2026-12-23")
        .count();
    assert!(soon >= 3, "{soon} credentials expire within four weeks");

    // A manager of LON sees only London's wards, with templates of 8 h and 12 h including nights.
    let manager = app.token(TokenRole::Manager, Some("LON"), None, None);
    let res = app.get(&manager, "/api/v1/wards").await;
    assert_eq!(res.status(), StatusCode::OK);
    let lon_wards = all(&app, &manager, "/api/v1/wards").await;
    assert!(!lon_wards.is_empty() && lon_wards.len() < wards.len());
    let templates = all(&app, &app.admin, "/api/v1/shift-templates").await;
    assert!(templates.iter().any(|t| t["night"] == true));
    let lengths: Vec<i64> = templates.iter().map(|t| t["duration_minutes"].as_i64().unwrap()).collect();
    assert!(lengths.iter().any(|l| *l <= 510) && lengths.iter().any(|l| *l >= 720), "{lengths:?}");
    // Demand exists for the planned weeks.
    let icu = lon_wards.iter().find(|w| w["unit_type"] == "icu").unwrap()["id"].as_str().unwrap().to_owned();
    let demand: Value = app
        .get(&manager, &format!("/api/v1/wards/{icu}/demand?from=2026-11-30&to=2026-12-27"))
        .await
        .json()
        .await
        .unwrap();
    assert!(!demand["items"].as_array().unwrap().is_empty());
}
