//! Firstline workers through the API: my shifts and hours, the calendar feed, time off, open
//! shifts (one place, many claimants), swaps and offers with the manager's approval, the
//! manager's inbox, and notifications by e-mail through a real SMTP server.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use reqwest::{Method, StatusCode};
use rota::domain::TokenRole;
use serde_json::{json, Value};

use crate::helpers::{problem, seed, spawn_app, spawn_app_with, staff_body, Hospital, TestApp};

/// The first Monday at least a week ahead: every shift of its roster is still to come.
fn next_monday() -> NaiveDate {
    let soon = chrono::Utc::now().date_naive() + chrono::Duration::days(7);
    soon + chrono::Duration::days(i64::from((7 - soon.weekday().num_days_from_monday()) % 7))
}

struct Published {
    h: Hospital,
    roster: String,
    monday: NaiveDate,
    /// Employee number → staff id, for R00, R01, …
    nurses: BTreeMap<String, String>,
}

async fn items(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let res = app.get(token, path).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let v: Value = res.json().await.unwrap();
    v["items"].as_array().unwrap().clone()
}

async fn wait_for_job(app: &TestApp, location: &str) -> Value {
    for _ in 0..600 {
        let job: Value = app.get(&app.admin, location).await.json().await.unwrap();
        if ["succeeded", "failed", "cancelled"].contains(&job["status"].as_str().unwrap()) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {location} did not finish");
}

async fn etag(app: &TestApp, path: &str) -> String {
    app.get(&app.admin, path).await.headers().get("etag").unwrap().to_str().unwrap().to_owned()
}

/// Solve and publish a roster; returns it as published.
async fn solve_and_publish(app: &TestApp, roster: &str) -> Value {
    let res =
        app.post(&app.admin, &format!("/api/v1/rosters/{roster}/solve"), &json!({ "time_limit_seconds": 10 })).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    assert_eq!(wait_for_job(app, &location).await["status"], "succeeded");
    publish(app, roster).await
}

async fn publish(app: &TestApp, roster: &str) -> Value {
    let item = format!("/api/v1/rosters/{roster}");
    let tag = etag(app, &item).await;
    let res = app.call(Method::POST, Some(&app.admin), &format!("{item}/publish"), None, Some(&tag)).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// ICU with a long day and a night, 2 RNs each, `nurses` RNs at home there, rostered for the
/// week of `monday` and published.
async fn published_icu(app: &TestApp, monday: NaiveDate, nurses: usize) -> Published {
    let h = seed(app).await;
    let day = app
        .create(
            "/api/v1/shift-templates",
            json!({ "ward_id": h.icu, "code": "LD", "name": "Long day", "start_time": "07:30", "duration_minutes": 750, "unpaid_break_minutes": 60 }),
        )
        .await;
    for template in [&day, &h.icu_night] {
        app.create(
            "/api/v1/staffing-requirements",
            json!({ "ward_id": h.icu, "shift_template_id": template, "role_id": h.rn, "min": 2, "target": 2, "max": 3, "valid_from": monday }),
        )
        .await;
    }
    let mut ids = BTreeMap::new();
    for i in 0..nurses {
        let number = format!("R{i:02}");
        ids.insert(number.clone(), app.create("/api/v1/staff", staff_body(&h.lon, &number, &h.rn, &[&h.icu])).await);
    }
    let end = monday + chrono::Duration::days(6);
    let roster = app
        .create(
            "/api/v1/rosters",
            json!({ "site_id": h.lon, "name": "ICU", "start_date": monday, "end_date": end, "ward_ids": [h.icu] }),
        )
        .await;
    solve_and_publish(app, &roster).await;
    Published { h, roster, monday, nurses: ids }
}

fn staff_token(app: &TestApp, number: &str) -> String {
    app.token(TokenRole::Staff, None, None, Some(number))
}

async fn assignments_of(app: &TestApp, roster: &str, staff_id: &str) -> Vec<Value> {
    items(app, &app.admin, &format!("/api/v1/rosters/{roster}/assignments?staff_id={staff_id}")).await
}

#[tokio::test]
async fn staff_see_their_published_shifts_with_colleagues_and_their_hours() {
    let app = spawn_app().await;
    let p = published_icu(&app, next_monday(), 10).await;
    let me = staff_token(&app, "R00");
    let (from, to) = (p.monday, p.monday + chrono::Duration::days(6));
    let mine = items(&app, &me, &format!("/api/v1/me/shifts?from={from}&to={to}")).await;
    let on_roster = assignments_of(&app, &p.roster, &p.nurses["R00"]).await;
    assert_eq!(mine.len(), on_roster.len());
    assert!(!mine.is_empty());
    for shift in &mine {
        // Two RNs on every shift: at least one colleague, never yourself.
        let colleagues = shift["colleagues"].as_array().unwrap();
        assert!(!colleagues.is_empty(), "{shift}");
        assert!(colleagues.iter().all(|c| c["staff_id"] != p.nurses["R00"].as_str()));
        assert!(shift["start_local"].as_str().unwrap().ends_with("+00:00"), "London in winter: {shift}");
    }
    let summary: Value = app.get(&me, &format!("/api/v1/me/summary?date={from}")).await.json().await.unwrap();
    assert_eq!(summary["week"]["shifts"], mine.len());
    let hours = summary["week"]["hours"].as_f64().unwrap();
    // Long days are 11.5 paid hours, nights 11.
    assert!(hours >= 11.0 * mine.len() as f64 && hours <= 11.5 * mine.len() as f64, "{summary}");
    assert_eq!(summary["week"]["contract_max_hours"], 48.0);
    assert_eq!(summary["four_weeks"]["contract_max_hours"], 192.0);
    // Someone else's token sees their own shifts; a manager or admin has no "me".
    let other = items(&app, &staff_token(&app, "R01"), &format!("/api/v1/me/shifts?from={from}&to={to}")).await;
    assert!(other.iter().all(|s| !mine.iter().any(|m| m["assignment_id"] == s["assignment_id"])));
    let manager = app.token(TokenRole::Manager, Some("LON"), None, None);
    for token in [&manager, &app.admin] {
        problem(app.get(token, "/api/v1/me/shifts").await, StatusCode::FORBIDDEN).await;
    }
    problem(app.call(Method::GET, None, "/api/v1/me/summary", None, None).await, StatusCode::UNAUTHORIZED).await;
    problem(app.get(&me, "/api/v1/me/shifts?from=2027-01-10&to=2027-01-01").await, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    // Staff never read drafts.
    let draft = app.post(&app.admin, &format!("/api/v1/rosters/{}/drafts", p.roster), &json!({})).await;
    let draft: Value = draft.json().await.unwrap();
    problem(app.get(&me, &format!("/api/v1/rosters/{}", draft["id"].as_str().unwrap())).await, StatusCode::FORBIDDEN)
        .await;
}

/// (UID, STATUS, DTSTART, DTEND) of every event, read with the Rust `icalendar` parser.
fn events_rust(ics: &str) -> Vec<(String, String, String, String)> {
    let unfolded = icalendar::parser::unfold(ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("the feed parses");
    calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .map(|c| {
            let prop = |name: &str| c.find_prop(name).map(|p| p.val.to_string()).unwrap_or_default();
            (prop("UID"), prop("STATUS"), prop("DTSTART"), prop("DTEND"))
        })
        .collect()
}

/// The same, read with Python's `icalendar` package.
fn events_python(ics: &str) -> Vec<(String, String, String, String)> {
    use std::io::Write;
    let script = "import icalendar, json, sys\n\
        cal = icalendar.Calendar.from_ical(sys.stdin.read())\n\
        print(json.dumps([[str(e['UID']), str(e['STATUS']), e['DTSTART'].dt.strftime('%Y%m%dT%H%M%SZ'), e['DTEND'].dt.strftime('%Y%m%dT%H%M%SZ')] for e in cal.walk('VEVENT')]))";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(ics.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python icalendar failed: {}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    rows.into_iter().map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone())).collect()
}

#[tokio::test]
async fn the_calendar_feed_keeps_uids_across_republishing_shows_cancellations_and_both_dst_changes() {
    let app = spawn_app().await;
    // The week London's clocks go forward (Sunday 28 March 2027) …
    let p = published_icu(&app, NaiveDate::from_ymd_opt(2027, 3, 22).unwrap(), 8).await;
    // … and the week they go back (Sunday 31 October 2027), on the same ward.
    let autumn = app
        .create(
            "/api/v1/rosters",
            json!({ "site_id": p.h.lon, "name": "ICU autumn", "start_date": "2027-10-25", "end_date": "2027-10-31", "ward_ids": [p.h.icu] }),
        )
        .await;
    app.create(
        "/api/v1/staffing-requirements",
        json!({ "ward_id": p.h.icu, "shift_template_id": p.h.icu_night, "role_id": p.h.rn, "min": 2, "target": 2, "max": 2, "valid_from": "2027-10-25" }),
    )
    .await;
    solve_and_publish(&app, &autumn).await;

    // Every nurse subscribes; the nights across each change last 11 and 13 hours.
    let mut all = Vec::new();
    for number in p.nurses.keys() {
        let token = staff_token(&app, number);
        let res = app.post(&token, "/api/v1/me/calendar-token", &json!({})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let feed: Value = res.json().await.unwrap();
        let res = app.call(Method::GET, None, feed["url"].as_str().unwrap(), None, None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers().get("content-type").unwrap().to_str().unwrap().starts_with("text/calendar"));
        let ics = res.text().await.unwrap();
        let rust = events_rust(&ics);
        assert_eq!(rust, events_python(&ics), "both parsers read the same events");
        all.extend(rust);
    }
    let spring = all.iter().filter(|e| e.2 == "20270327T200000Z").collect::<Vec<_>>();
    assert!(!spring.is_empty(), "someone works the night of 27 March");
    assert!(spring.iter().all(|e| e.3 == "20270328T070000Z"), "20:00 GMT to 08:00 BST is 11 hours: {spring:?}");
    let back = all.iter().filter(|e| e.2 == "20271030T190000Z").collect::<Vec<_>>();
    assert!(!back.is_empty(), "someone works the night of 30 October");
    assert!(back.iter().all(|e| e.3 == "20271031T080000Z"), "20:00 BST to 08:00 GMT is 13 hours: {back:?}");

    // Re-publishing without one of R00's shifts: same UIDs, that one now cancelled.
    let me = staff_token(&app, "R00");
    let feed: Value = app.post(&me, "/api/v1/me/calendar-token", &json!({})).await.json().await.unwrap();
    let url = feed["url"].as_str().unwrap().to_owned();
    let before = events_rust(&app.call(Method::GET, None, &url, None, None).await.text().await.unwrap());
    assert!(before.iter().all(|e| e.1 == "CONFIRMED"));
    let draft: Value =
        app.post(&app.admin, &format!("/api/v1/rosters/{}/drafts", p.roster), &json!({})).await.json().await.unwrap();
    let draft_id = draft["id"].as_str().unwrap().to_owned();
    let gone = assignments_of(&app, &draft_id, &p.nurses["R00"]).await.remove(0);
    let item = format!("/api/v1/rosters/{draft_id}");
    let tag = etag(&app, &item).await;
    let res = app
        .call(
            Method::DELETE,
            Some(&app.admin),
            &format!("{item}/assignments/{}", gone["id"].as_str().unwrap()),
            None,
            Some(&tag),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    publish(&app, &draft_id).await;
    let after = events_rust(&app.call(Method::GET, None, &url, None, None).await.text().await.unwrap());
    let uids =
        |events: &[(String, String, String, String)]| events.iter().map(|e| e.0.clone()).collect::<BTreeSet<_>>();
    assert_eq!(uids(&before), uids(&after), "re-publishing keeps every UID");
    let cancelled: Vec<_> = after.iter().filter(|e| e.1 == "CANCELLED").collect();
    assert_eq!(cancelled.len(), 1, "{after:?}");
    let gone_start: chrono::DateTime<chrono::Utc> = gone["start_utc"].as_str().unwrap().parse().unwrap();
    assert_eq!(cancelled[0].2, gone_start.format("%Y%m%dT%H%M%SZ").to_string());
    // The old roster is superseded; staff see the new one only.
    let old: Value = app.get(&app.admin, &format!("/api/v1/rosters/{}", p.roster)).await.json().await.unwrap();
    assert_eq!(old["status"], "superseded");
    assert_eq!(old["superseded_by"], draft_id.as_str());

    // A new URL replaces the old one; revoking ends it. Unknown and revoked look the same.
    let newer: Value = app.post(&me, "/api/v1/me/calendar-token", &json!({})).await.json().await.unwrap();
    problem(app.call(Method::GET, None, &url, None, None).await, StatusCode::NOT_FOUND).await;
    let newer = newer["url"].as_str().unwrap().to_owned();
    assert_eq!(app.call(Method::GET, None, &newer, None, None).await.status(), StatusCode::OK);
    assert_eq!(
        app.call(Method::DELETE, Some(&me), "/api/v1/me/calendar-token", None, None).await.status(),
        StatusCode::NO_CONTENT
    );
    problem(app.call(Method::GET, None, &newer, None, None).await, StatusCode::NOT_FOUND).await;
    problem(app.call(Method::GET, None, "/api/v1/calendar/cal_nonsense.ics", None, None).await, StatusCode::NOT_FOUND)
        .await;
    problem(app.post(&app.admin, "/api/v1/me/calendar-token", &json!({})).await, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn leave_is_requested_decided_by_the_wards_manager_becomes_unavailability_and_collisions_are_replanned() {
    let app = spawn_app().await;
    let p = published_icu(&app, next_monday(), 10).await;
    let me = staff_token(&app, "R00");
    let shift = assignments_of(&app, &p.roster, &p.nurses["R00"]).await.remove(0);
    let day: NaiveDate = shift["date"].as_str().unwrap().parse().unwrap();
    // Bad input: zero days, in the past, missing reason.
    let bad = app
        .post(
            &me,
            "/api/v1/time-off-requests",
            &json!({ "start_date": day, "end_date": day - chrono::Duration::days(1), "reason": "" }),
        )
        .await;
    let bad = problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(crate::helpers::fields(&bad), vec!["reason", "end_date"]);
    let past = app
        .post(
            &me,
            "/api/v1/time-off-requests",
            &json!({ "start_date": "2020-01-01", "end_date": "2020-01-02", "reason": "x" }),
        )
        .await;
    assert_eq!(crate::helpers::fields(&problem(past, StatusCode::UNPROCESSABLE_ENTITY).await), vec!["start_date"]);

    let res = app
        .post(
            &me,
            "/api/v1/time-off-requests",
            &json!({ "start_date": day, "end_date": day, "reason": "family wedding" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let request: Value = res.json().await.unwrap();
    let id = request["id"].as_str().unwrap().to_owned();
    assert_eq!(request["status"], "pending");
    assert_eq!(request["collisions"].as_array().unwrap().len(), 1, "{request}");
    // Overlapping leave is refused.
    let again = app
        .post(
            &me,
            "/api/v1/time-off-requests",
            &json!({ "start_date": day, "end_date": day + chrono::Duration::days(2), "reason": "x" }),
        )
        .await;
    problem(again, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Only a manager of the nurse's ward decides: not the nurse, not a colleague, not MED1's manager.
    let path = format!("/api/v1/time-off-requests/{id}");
    problem(app.post(&me, &format!("{path}/approve"), &json!({})).await, StatusCode::FORBIDDEN).await;
    problem(app.get(&staff_token(&app, "R01"), &path).await, StatusCode::FORBIDDEN).await;
    let med = app.token(TokenRole::Manager, Some("LON"), Some("MED1"), None);
    problem(app.post(&med, &format!("{path}/approve"), &json!({})).await, StatusCode::FORBIDDEN).await;
    let icu = app.token(TokenRole::Manager, Some("LON"), Some("ICU"), None);
    let inbox = items(&app, &icu, "/api/v1/manager/inbox?kind=time_off").await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["id"], id.as_str());
    assert!(inbox[0]["flag"].as_str().unwrap().contains("collides with 1 published shift"), "{inbox:?}");
    assert_eq!(
        (inbox[0]["staff_name"].as_str(), inbox[0]["ward_id"].as_str()),
        (Some("Nurse R00"), Some(p.h.icu.as_str()))
    );
    assert!(items(&app, &med, "/api/v1/manager/inbox").await.is_empty());
    problem(app.get(&me, "/api/v1/manager/inbox").await, StatusCode::FORBIDDEN).await;

    let res = app.post(&icu, &format!("{path}/approve"), &json!({ "note": "enjoy" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let approved: Value = res.json().await.unwrap();
    assert_eq!(approved["status"], "approved");
    assert!(approved["decided_by"].as_str().unwrap().contains("manager"));
    // Decided requests cannot be decided again.
    problem(app.post(&icu, &format!("{path}/decline"), &json!({})).await, StatusCode::CONFLICT).await;
    // The leave is hard unavailability now.
    let leave = items(&app, &app.admin, &format!("/api/v1/unavailability?staff_id={}", p.nurses["R00"])).await;
    assert!(
        leave.iter().any(|l| l["status"] == "approved" && l["start_date"] == day.to_string().as_str()),
        "{leave:?}"
    );
    // The nurse is told.
    let notes = items(&app, &me, "/api/v1/me/notifications").await;
    assert!(notes.iter().any(|n| n["kind"] == "time_off_decided" && n["body"].as_str().unwrap().contains("enjoy")));

    // One step re-plans the published shift it collides with.
    let res = app.post(&icu, &format!("{path}/replan"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let repairs: Value = res.json().await.unwrap();
    let repair = &repairs["items"][0];
    assert!(repair["removed"].as_array().unwrap().iter().any(|r| r["staff_id"] == p.nurses["R00"].as_str()));
    let draft = repair["draft"]["id"].as_str().unwrap();
    let in_draft = assignments_of(&app, draft, &p.nurses["R00"]).await;
    assert!(in_draft.iter().all(|a| a["date"] != day.to_string().as_str()), "{in_draft:?}");
    // The draft's history says who did what.
    let changes = items(&app, &app.admin, &format!("/api/v1/rosters/{draft}/changes")).await;
    let actions: Vec<&str> = changes.iter().map(|c| c["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["created", "draft_started", "call_out_repaired"]);
    assert!(changes.iter().all(|c| c["actor"].as_str().unwrap().contains("manager")));
}

#[tokio::test]
async fn the_last_place_on_an_open_shift_goes_to_exactly_one_of_many_claimants() {
    let app = spawn_app().await;
    let p = published_icu(&app, next_monday(), 10).await;
    // Five more nurses with no shifts this week, and a ward that approves open shifts itself.
    let mut claimants = Vec::new();
    for i in 0..5 {
        let number = format!("F{i:02}");
        app.create("/api/v1/staff", staff_body(&p.h.lon, &number, &p.h.rn, &[&p.h.icu])).await;
        claimants.push(staff_token(&app, &number));
    }
    let ward = format!("/api/v1/wards/{}", p.h.icu);
    let tag = etag(&app, &ward).await;
    let body = json!({ "site_id": p.h.lon, "code": "ICU", "name": "ICU", "unit_type": "icu", "beds": 12, "open_shifts_auto_approve": true });
    assert_eq!(app.call(Method::PUT, Some(&app.admin), &ward, Some(&body), Some(&tag)).await.status(), StatusCode::OK);
    let icu = app.token(TokenRole::Manager, Some("LON"), Some("ICU"), None);
    let day = p.monday + chrono::Duration::days(2);
    let res = app
        .post(&icu, "/api/v1/open-shifts", &json!({ "ward_id": p.h.icu, "date": day, "shift_template_id": p.h.icu_night, "role_id": p.h.rn, "slots": 1 }))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let open: Value = res.json().await.unwrap();
    let id = open["id"].as_str().unwrap().to_owned();
    // Staff of the ward see it; MED1's manager may not post on ICU.
    assert_eq!(items(&app, &claimants[0], "/api/v1/open-shifts").await.len(), 1);
    let med = app.token(TokenRole::Manager, Some("LON"), Some("MED1"), None);
    let other = app.post(&med, "/api/v1/open-shifts", &json!({ "ward_id": p.h.icu, "date": day, "shift_template_id": p.h.icu_night, "role_id": p.h.rn, "slots": 1 })).await;
    problem(other, StatusCode::FORBIDDEN).await;

    let claims = claimants.iter().map(|token| {
        let (app, path) = (&app, format!("/api/v1/open-shifts/{id}/requests"));
        async move { app.post(token, &path, &json!({})).await.status() }
    });
    let statuses = futures_util::future::join_all(claims).await;
    let won = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    assert_eq!(won, 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statuses:?}");
    let shift: Value = app.get(&icu, &format!("/api/v1/open-shifts/{id}")).await.json().await.unwrap();
    assert_eq!((shift["filled"].as_i64(), shift["status"].as_str()), (Some(1), Some("filled")));
    let on_night = items(&app, &app.admin, &format!("/api/v1/rosters/{}/assignments?from={day}&to={day}", p.roster))
        .await
        .into_iter()
        .filter(|a| a["employee_number"].as_str().unwrap().starts_with('F'))
        .count();
    assert_eq!(on_night, 1);

    // Without the ward policy a manager approves; someone already working that day is refused.
    let body = json!({ "site_id": p.h.lon, "code": "ICU", "name": "ICU", "unit_type": "icu", "beds": 12 });
    let tag = etag(&app, &ward).await;
    app.call(Method::PUT, Some(&app.admin), &ward, Some(&body), Some(&tag)).await;
    let res = app
        .post(&icu, "/api/v1/open-shifts", &json!({ "ward_id": p.h.icu, "date": day, "shift_template_id": p.h.icu_night, "role_id": p.h.rn, "slots": 2 }))
        .await;
    let second: Value = res.json().await.unwrap();
    let requests = format!("/api/v1/open-shifts/{}/requests", second["id"].as_str().unwrap());
    let busy = assignments_of(&app, &p.roster, &p.nurses["R00"]).await;
    let busy_day = busy[0]["date"].as_str().unwrap().to_owned();
    let third = app
        .post(&icu, "/api/v1/open-shifts", &json!({ "ward_id": p.h.icu, "date": busy_day, "shift_template_id": p.h.icu_night, "role_id": p.h.rn, "slots": 1 }))
        .await
        .json::<Value>()
        .await
        .unwrap();
    let refused = app
        .post(
            &staff_token(&app, "R00"),
            &format!("/api/v1/open-shifts/{}/requests", third["id"].as_str().unwrap()),
            &json!({}),
        )
        .await;
    problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Someone who lost the race above, so still free that night.
    let free = &claimants[statuses.iter().position(|s| *s == StatusCode::CONFLICT).unwrap()];
    let res = app.post(free, &requests, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let claim: Value = res.json().await.unwrap();
    assert_eq!(claim["status"], "pending");
    problem(app.post(free, &requests, &json!({})).await, StatusCode::CONFLICT).await;
    let claim_path = format!("{requests}/{}", claim["id"].as_str().unwrap());
    problem(app.post(free, &format!("{claim_path}/approve"), &json!({})).await, StatusCode::FORBIDDEN).await;
    let inbox = items(&app, &icu, "/api/v1/manager/inbox?kind=open_shift").await;
    assert_eq!(inbox.len(), 1);
    let res = app.post(&icu, &format!("{claim_path}/approve"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "approved");
    let notes = items(&app, free, "/api/v1/me/notifications").await;
    assert!(notes.iter().any(|n| n["kind"] == "open_shift_decided"));
}

#[tokio::test]
async fn swaps_and_offers_need_the_recipient_then_a_manager_and_refuse_steps_out_of_order() {
    let app = spawn_app().await;
    let p = published_icu(&app, next_monday(), 10).await;
    let icu = app.token(TokenRole::Manager, Some("LON"), Some("ICU"), None);
    let (r0, r1) = (staff_token(&app, "R00"), staff_token(&app, "R01"));
    let mine = assignments_of(&app, &p.roster, &p.nurses["R00"]).await;
    // Offer one of R00's shifts to the first colleague the rules allow.
    let mut offer = None;
    'search: for shift in &mine {
        for (number, id) in &p.nurses {
            if number == "R00" {
                continue;
            }
            let res = app
                .post(
                    &r0,
                    "/api/v1/offer-requests",
                    &json!({ "assignment_id": shift["id"], "recipient_id": id, "message": "can you?" }),
                )
                .await;
            if res.status() == StatusCode::CREATED {
                offer = Some((res.json::<Value>().await.unwrap(), number.clone(), shift.clone()));
                break 'search;
            }
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
    }
    let (offer, recipient, shift) = offer.expect("some colleague can take one of R00's shifts");
    let path = format!("/api/v1/offer-requests/{}", offer["id"].as_str().unwrap());
    let them = staff_token(&app, &recipient);
    // Out of order: the manager cannot approve before the recipient accepts; R01 (if not the
    // recipient) cannot accept; R00 cannot accept their own offer.
    problem(app.post(&icu, &format!("{path}/approve"), &json!({})).await, StatusCode::CONFLICT).await;
    problem(app.post(&r0, &format!("{path}/accept"), &json!({})).await, StatusCode::FORBIDDEN).await;
    if recipient != "R01" {
        problem(app.post(&r1, &format!("{path}/accept"), &json!({})).await, StatusCode::FORBIDDEN).await;
        problem(app.get(&r1, &path).await, StatusCode::FORBIDDEN).await;
    }
    let notes = items(&app, &them, "/api/v1/me/notifications?unread=true").await;
    assert!(notes.iter().any(|n| n["kind"] == "offer_request"));
    let accepted: Value = app.post(&them, &format!("{path}/accept"), &json!({})).await.json().await.unwrap();
    assert_eq!(accepted["status"], "accepted");
    let inbox = items(&app, &icu, "/api/v1/manager/inbox").await;
    assert_eq!(inbox.iter().filter(|i| i["kind"] == "offer").count(), 1);
    problem(app.post(&them, &format!("{path}/approve"), &json!({})).await, StatusCode::FORBIDDEN).await;
    let res = app.post(&icu, &format!("{path}/approve"), &json!({ "note": "ok" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "approved");
    // The published roster changed: the shift is the recipient's now.
    let theirs = assignments_of(&app, &p.roster, &p.nurses[&recipient]).await;
    assert!(theirs.iter().any(|a| a["date"] == shift["date"] && a["shift_template_id"] == shift["shift_template_id"]));
    assert!(assignments_of(&app, &p.roster, &p.nurses["R00"]).await.iter().all(|a| a["id"] != shift["id"]));
    let changes = items(&app, &app.admin, &format!("/api/v1/rosters/{}/changes", p.roster)).await;
    assert_eq!(changes.last().unwrap()["action"], "offer_approved");
    // Approved is final.
    problem(app.post(&icu, &format!("{path}/decline"), &json!({})).await, StatusCode::CONFLICT).await;
    problem(app.post(&r0, &format!("{path}/cancel"), &json!({})).await, StatusCode::CONFLICT).await;

    // A swap the recipient declines cannot be approved afterwards.
    let mine = assignments_of(&app, &p.roster, &p.nurses["R00"]).await;
    let mut swap = None;
    'swap: for a in &mine {
        for (number, id) in p.nurses.iter().filter(|(n, _)| n.as_str() != "R00") {
            for b in assignments_of(&app, &p.roster, id).await {
                let res = app
                    .post(
                        &r0,
                        "/api/v1/swap-requests",
                        &json!({ "assignment_id": a["id"], "recipient_assignment_id": b["id"] }),
                    )
                    .await;
                if res.status() == StatusCode::CREATED {
                    swap = Some((res.json::<Value>().await.unwrap(), number.clone()));
                    break 'swap;
                }
            }
        }
    }
    let (swap, other) = swap.expect("R00 can swap some shift with someone");
    let path = format!("/api/v1/swap-requests/{}", swap["id"].as_str().unwrap());
    let declined: Value =
        app.post(&staff_token(&app, &other), &format!("{path}/decline"), &json!({})).await.json().await.unwrap();
    assert_eq!(declined["status"], "declined");
    let p2 = problem(app.post(&icu, &format!("{path}/approve"), &json!({})).await, StatusCode::CONFLICT).await;
    assert!(p2["detail"].as_str().unwrap().contains("declined"));
    // Unknown ids are 404s; unknown fields 400.
    problem(app.get(&icu, "/api/v1/swap-requests/nope").await, StatusCode::NOT_FOUND).await;
    let res = app
        .post(
            &r0,
            "/api/v1/swap-requests",
            &json!({ "assignment_id": "x", "recipient_assignment_id": "y", "extra": 1 }),
        )
        .await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .post(&r0, "/api/v1/offer-requests", &json!({ "assignment_id": "nope", "recipient_id": p.nurses["R01"] }))
        .await;
    assert_eq!(crate::helpers::fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), vec!["assignment_id"]);
}

#[tokio::test]
async fn requests_are_closed_to_integrations_and_the_wrong_people() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let integration = app.token(TokenRole::Integration, None, None, None);
    let nyc = app.token(TokenRole::Manager, Some("NYC"), None, None);
    let staff = app.token(TokenRole::Staff, None, None, Some("L001"));
    for path in [
        "/api/v1/time-off-requests",
        "/api/v1/open-shifts",
        "/api/v1/swap-requests",
        "/api/v1/offer-requests",
        "/api/v1/manager/inbox",
        "/api/v1/me/shifts",
        "/api/v1/me/notifications",
    ] {
        problem(app.get(&integration, path).await, StatusCode::FORBIDDEN).await;
        problem(app.call(Method::GET, None, path, None, None).await, StatusCode::UNAUTHORIZED).await;
    }
    // Staff cannot post open shifts; another site's manager cannot post on London's wards.
    let body = json!({ "ward_id": h.icu, "date": next_monday(), "shift_template_id": h.icu_night, "role_id": h.rn, "slots": 1 });
    problem(app.post(&staff, "/api/v1/open-shifts", &body).await, StatusCode::FORBIDDEN).await;
    // … whatever their body: the role is checked before the body is read
    let res = app.post_raw(&staff, "/api/v1/open-shifts", "application/json", "{").await;
    problem(res, StatusCode::FORBIDDEN).await;
    let res = app.post_raw(&staff, "/api/v1/swap-requests/any/approve", "application/json", "{").await;
    problem(res, StatusCode::FORBIDDEN).await;
    problem(app.post(&nyc, "/api/v1/open-shifts", &body).await, StatusCode::FORBIDDEN).await;
    // Managers have no leave of their own to request through /me-style routes.
    let leave = json!({ "start_date": next_monday(), "end_date": next_monday(), "reason": "x" });
    problem(app.post(&nyc, "/api/v1/time-off-requests", &leave).await, StatusCode::FORBIDDEN).await;
}

/// A real SMTP server (Python's aiosmtpd) that writes what it receives to a file.
struct SmtpSink {
    child: std::process::Child,
}

impl SmtpSink {
    fn start(port: u16, file: &std::path::Path) -> Self {
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        let mut child = std::process::Command::new("python3")
            .args([script, &port.to_string(), &file.display().to_string()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup.sh installs it)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready");
        SmtpSink { child }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn received(file: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(file).unwrap_or_default().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

async fn wait_for_mails(file: &std::path::Path, count: usize) -> Vec<Value> {
    for _ in 0..300 {
        let mails = received(file);
        if mails.len() >= count {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("expected {count} mails, got {}", received(file).len());
}

#[tokio::test]
async fn publishing_mails_each_person_once_and_every_mail_survives_an_smtp_outage() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("rota-smtp-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mails.jsonl");
    let sink = SmtpSink::start(port, &file);
    let app = spawn_app_with(|s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.mail_from = "rota <rota@hospital.example>".into();
        s.mail_retry_base_ms = 200;
    })
    .await;
    let p = published_icu(&app, next_monday(), 10).await;
    let working: BTreeSet<String> = items(&app, &app.admin, &format!("/api/v1/rosters/{}/assignments", p.roster))
        .await
        .iter()
        .map(|a| a["employee_number"].as_str().unwrap().to_owned())
        .collect();
    let mails = wait_for_mails(&file, working.len()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = if received(&file).len() > mails.len() { received(&file) } else { mails };
    let mut to: Vec<String> = mails.iter().map(|m| m["to"][0].as_str().unwrap().to_owned()).collect();
    to.sort();
    let expected: Vec<String> = working.iter().map(|n| format!("{}@example.org", n.to_lowercase())).collect();
    assert_eq!(to, expected, "exactly one mail per person on the roster");
    for m in &mails {
        let data = m["data"].as_str().unwrap();
        assert!(data.contains("Subject: Your shifts,"), "{data}");
        assert!(data.contains("From: rota <rota@hospital.example>"), "{data}");
        assert!(data.contains(" on ICU"), "{data}");
    }
    // In-app too, with the same words.
    let note = &items(&app, &staff_token(&app, working.iter().next().unwrap()), "/api/v1/me/notifications").await[0];
    assert_eq!(note["kind"], "roster_published");

    // The SMTP server goes away; leave decisions still notify, and the mails wait.
    drop(sink);
    let icu = app.token(TokenRole::Manager, Some("LON"), Some("ICU"), None);
    let day = p.monday + chrono::Duration::days(20);
    let mut decided = Vec::new();
    for number in ["R01", "R02", "R03"] {
        let token = staff_token(&app, number);
        let r: Value = app
            .post(
                &token,
                "/api/v1/time-off-requests",
                &json!({ "start_date": day, "end_date": day, "reason": "course" }),
            )
            .await
            .json()
            .await
            .unwrap();
        let res = app
            .post(&icu, &format!("/api/v1/time-off-requests/{}/approve", r["id"].as_str().unwrap()), &json!({}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        decided.push(format!("{}@example.org", number.to_lowercase()));
    }
    // Opting out stops e-mail, not the in-app message.
    let r04 = staff_token(&app, "R04");
    let prefs = app
        .call(Method::PUT, Some(&r04), "/api/v1/me/preferences", Some(&json!({ "email_notifications": false })), None)
        .await;
    assert_eq!(prefs.status(), StatusCode::OK);
    let r: Value = app
        .post(&r04, "/api/v1/time-off-requests", &json!({ "start_date": day, "end_date": day, "reason": "course" }))
        .await
        .json()
        .await
        .unwrap();
    app.post(&icu, &format!("/api/v1/time-off-requests/{}/decline", r["id"].as_str().unwrap()), &json!({})).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(received(&file).len(), mails.len(), "nothing is delivered while the server is down");

    // Back up on the same port: every waiting mail goes out, once.
    let _sink = SmtpSink::start(port, &file);
    let all = wait_for_mails(&file, mails.len() + decided.len()).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let all = received(&file).len().max(all.len());
    let later: Vec<String> =
        received(&file)[mails.len()..].iter().map(|m| m["to"][0].as_str().unwrap().to_owned()).collect();
    let mut later_sorted = later.clone();
    later_sorted.sort();
    assert_eq!(later_sorted, decided, "each decision mailed exactly once; the opted-out person gets none");
    assert_eq!(all, mails.len() + decided.len());
    let notes = items(&app, &r04, "/api/v1/me/notifications").await;
    assert!(notes.iter().any(|n| n["kind"] == "time_off_decided"));
    let _ = std::fs::remove_dir_all(&dir);
}
