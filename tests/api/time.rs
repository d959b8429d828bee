//! Shifts are local wall-clock patterns; concrete shifts are UTC instants whose real length
//! follows DST.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{seed, spawn_app};

async fn shift_on(app: &crate::helpers::TestApp, ward: &str, date: &str) -> Value {
    let res = app.get(&app.admin, &format!("/api/v1/wards/{ward}/shifts?from={date}&to={date}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["items"][0].clone()
}

#[tokio::test]
async fn a_twelve_hour_night_lasts_eleven_or_thirteen_hours_across_dst_in_london_and_new_york() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    // London: clocks go forward 2026-03-29 01:00, back 2026-10-25 02:00.
    let spring = shift_on(&app, &h.icu, "2026-03-28").await;
    assert_eq!(spring["elapsed_minutes"], 660);
    assert_eq!(spring["start_utc"], "2026-03-28T20:00:00Z");
    assert_eq!(spring["end_utc"], "2026-03-29T07:00:00Z");
    assert_eq!(spring["paid_minutes"], 600);
    let autumn = shift_on(&app, &h.icu, "2026-10-24").await;
    assert_eq!(autumn["elapsed_minutes"], 780);
    assert_eq!(autumn["start_local"], "2026-10-24T20:00:00+01:00");
    assert_eq!(autumn["end_local"], "2026-10-25T08:00:00+00:00");
    assert_eq!(shift_on(&app, &h.icu, "2026-07-01").await["elapsed_minutes"], 720);
    // New York: forward 2026-03-08, back 2026-11-01.
    let spring = shift_on(&app, &h.nyc_ed, "2026-03-07").await;
    assert_eq!(spring["elapsed_minutes"], 660);
    assert_eq!(spring["start_utc"], "2026-03-08T01:00:00Z");
    let autumn = shift_on(&app, &h.nyc_ed, "2026-10-31").await;
    assert_eq!(autumn["elapsed_minutes"], 780);
    assert_eq!(autumn["end_utc"], "2026-11-01T13:00:00Z");
    // Kolkata has no DST: always 12 hours.
    for date in ["2026-03-28", "2026-10-24", "2026-03-07", "2026-10-31"] {
        assert_eq!(shift_on(&app, &h.kol_ward, date).await["elapsed_minutes"], 720, "{date}");
    }
}

#[tokio::test]
async fn shifts_run_only_on_their_days_and_nights_are_flagged() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    // The MED1 early runs Monday to Friday: 2026-11-30 is a Monday.
    let week: Value = app
        .get(&app.admin, &format!("/api/v1/wards/{}/shifts?from=2026-11-30&to=2026-12-06", h.med))
        .await
        .json()
        .await
        .unwrap();
    let dates: Vec<&str> = week["items"].as_array().unwrap().iter().map(|s| s["date"].as_str().unwrap()).collect();
    assert_eq!(dates, vec!["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]);
    assert_eq!(week["items"][0]["night"], false);
    assert_eq!(shift_on(&app, &h.icu, "2026-12-01").await["night"], true);
    // A range longer than a year is refused.
    let res = app.get(&app.admin, &format!("/api/v1/wards/{}/shifts?from=2026-01-01&to=2027-06-01", h.med)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
