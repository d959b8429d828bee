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

/// The demo hospital's London site, one week, solved through the API by its manager: the
/// job's roster breaks no rule, and every shift still short is explained.
#[tokio::test]
async fn the_demo_london_week_is_solved_through_the_api_without_breaking_a_rule() {
    let app = spawn_app().await;
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo-hospital.yaml")).unwrap();
    let fixture = rota::services::demo::parse(&text).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let mut conn = app.pool.get().unwrap();
    conn.transaction(|c| rota::services::demo::load(c, &fixture, today)).unwrap();
    drop(conn);
    let manager = app.token(TokenRole::Manager, Some("LON"), None, None);
    let lon = all(&app, &manager, "/api/v1/sites").await[0]["id"].as_str().unwrap().to_owned();
    let body = serde_json::json!({ "site_id": lon, "name": "London week 49", "start_date": "2026-11-30", "end_date": "2026-12-06" });
    let res = app.post(&manager, "/api/v1/rosters", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let roster = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let res = app
        .post(&manager, &format!("/api/v1/rosters/{roster}/solve"), &serde_json::json!({ "time_limit_seconds": 20 }))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let job_path = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let mut job = Value::Null;
    for _ in 0..600 {
        job = app.get(&manager, &job_path).await.json().await.unwrap();
        if ["succeeded", "failed", "cancelled"].contains(&job["status"].as_str().unwrap()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["result"]["hard_violations"], 0, "{job}");

    // Rules, checked from the API's answers: one shift a day, rest, home or float wards only.
    let staff: std::collections::HashMap<String, Value> = all(&app, &manager, "/api/v1/staff")
        .await
        .into_iter()
        .map(|s| (s["id"].as_str().unwrap().to_owned(), s))
        .collect();
    let items = |v: Value| v["items"].as_array().unwrap().clone();
    let assignments =
        items(app.get(&manager, &format!("/api/v1/rosters/{roster}/assignments")).await.json().await.unwrap());
    assert!(assignments.len() > 300, "{}", assignments.len());
    let mut per_person: std::collections::BTreeMap<&str, Vec<(String, String, &str)>> = Default::default();
    for a in &assignments {
        let person = &staff[a["staff_id"].as_str().unwrap()];
        let ward = a["ward_id"].as_str().unwrap();
        let wards: Vec<&str> = ["home_ward_ids", "float_ward_ids"]
            .iter()
            .flat_map(|k| person[*k].as_array().unwrap().iter().map(|w| w.as_str().unwrap()))
            .collect();
        assert!(wards.contains(&ward), "{a}");
        per_person.entry(a["staff_id"].as_str().unwrap()).or_default().push((
            a["start_utc"].as_str().unwrap().to_owned(),
            a["end_utc"].as_str().unwrap().to_owned(),
            a["date"].as_str().unwrap(),
        ));
    }
    for (id, mut shifts) in per_person {
        shifts.sort();
        let rest_hours = staff[id]["contract"]["min_rest_hours"].as_f64().unwrap();
        for pair in shifts.windows(2) {
            assert_ne!(pair[0].2, pair[1].2, "two shifts on one day for {id}");
            let end: chrono::DateTime<chrono::Utc> = pair[0].1.parse().unwrap();
            let next: chrono::DateTime<chrono::Utc> = pair[1].0.parse().unwrap();
            assert!((next - end).num_minutes() as f64 >= rest_hours * 60.0, "{id}: {pair:?}");
        }
    }
    // Whatever is still short has a reason.
    let coverage = items(app.get(&manager, &format!("/api/v1/rosters/{roster}/coverage")).await.json().await.unwrap());
    let short: i64 = coverage.iter().map(|c| c["short"].as_i64().unwrap()).sum();
    let uncovered = job["result"]["uncovered"].as_array().unwrap();
    // (The solver reports every slot below its target; coverage counts those below the minimum.)
    assert!(short == 0 || !uncovered.is_empty(), "coverage short {short}, uncovered {uncovered:?}");
    assert!(uncovered.iter().all(|u| u["reason"].is_string()), "{uncovered:?}");
}
