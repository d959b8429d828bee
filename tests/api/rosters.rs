//! Rosters solved as jobs through the API: coverage met, rules kept, access enforced, jobs
//! claimed once.

use std::collections::HashSet;
use std::time::Duration;

use diesel::Connection;
use reqwest::{Method, StatusCode};
use rota::domain::TokenRole;
use serde_json::{json, Value};

use crate::helpers::{problem, seed, spawn_app, spawn_app_with, staff_body, TestApp};

/// A shift's UTC start and end.
type Span = (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>);

/// Queue a solve of `roster` with a time limit and wait for its job to end.
async fn solve_and_wait(app: &TestApp, roster: &str, seconds: u64) -> Value {
    let res = app
        .post(&app.admin, &format!("/api/v1/rosters/{roster}/solve"), &json!({ "time_limit_seconds": seconds }))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    wait_for(app, &app.admin, &location).await
}

/// A roster of every London ward for the week of 2026-11-30.
async fn london_week(app: &TestApp, h: &crate::helpers::Hospital) -> String {
    app.create(
        "/api/v1/rosters",
        json!({ "site_id": h.lon, "name": "r", "start_date": "2026-11-30", "end_date": "2026-12-06" }),
    )
    .await
}

async fn wait_for(app: &TestApp, token: &str, job_path: &str) -> Value {
    for _ in 0..600 {
        let job: Value = app.get(token, job_path).await.json().await.unwrap();
        if ["succeeded", "failed", "cancelled"].contains(&job["status"].as_str().unwrap()) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {job_path} did not finish");
}

/// ICU with a day and a night shift, needing 2 RNs each, one of them with ALS by day: 28
/// shifts a week, for nurses who may each work at most 48 hours a week.
async fn icu_week(app: &TestApp, nurses: usize) -> (crate::helpers::Hospital, String) {
    let h = seed(app).await;
    let day = app
        .create(
            "/api/v1/shift-templates",
            json!({ "ward_id": h.icu, "code": "LD", "name": "Long day", "start_time": "07:30", "duration_minutes": 750, "unpaid_break_minutes": 60 }),
        )
        .await;
    for (template, min) in [(&day, 2), (&h.icu_night, 2)] {
        app.create(
            "/api/v1/staffing-requirements",
            json!({ "ward_id": h.icu, "shift_template_id": template, "role_id": h.rn, "min": min, "target": min, "max": min + 1, "valid_from": "2026-11-30" }),
        )
        .await;
    }
    app.create(
        "/api/v1/staffing-requirements",
        json!({ "ward_id": h.icu, "shift_template_id": day, "role_id": h.rn, "skill_id": h.als, "min": 1, "target": 1, "max": 1, "valid_from": "2026-11-30" }),
    )
    .await;
    for i in 0..nurses {
        let id = app.create("/api/v1/staff", staff_body(&h.lon, &format!("R{i:02}"), &h.rn, &[&h.icu])).await;
        if i < 6 {
            app.create("/api/v1/credentials", json!({ "staff_id": id, "skill_id": h.als, "valid_from": "2025-01-01" }))
                .await;
        }
    }
    let roster = app
        .create(
            "/api/v1/rosters",
            json!({ "site_id": h.lon, "name": "ICU week 49", "start_date": "2026-11-30", "end_date": "2026-12-06", "ward_ids": [h.icu] }),
        )
        .await;
    (h, roster)
}

#[tokio::test]
async fn solving_a_roster_covers_every_shift_without_breaking_rest_or_credentials() {
    let app = spawn_app().await;
    let (h, roster) = icu_week(&app, 14).await;
    // R07 asked for Wednesday off (not approved yet): a wish the solver keeps when it can.
    let people: Value = app.get(&app.admin, "/api/v1/staff?limit=100").await.json().await.unwrap();
    let r07 = people["items"].as_array().unwrap().iter().find(|p| p["employee_number"] == "R07").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.create(
        "/api/v1/unavailability",
        json!({ "staff_id": r07, "kind": "annual_leave", "status": "requested", "start_date": "2026-12-02", "end_date": "2026-12-02" }),
    )
    .await;
    let job = solve_and_wait(&app, &roster, 20).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["result"]["hard_violations"], 0);
    assert_eq!(job["result"]["search_lanes"], 1, "one lane unless the server is set up for more");

    let coverage: Value =
        app.get(&app.admin, &format!("/api/v1/rosters/{roster}/coverage")).await.json().await.unwrap();
    let lines = coverage["items"].as_array().unwrap();
    assert_eq!(lines.len(), 7 * 3);
    let one_day: Value = app
        .get(&app.admin, &format!("/api/v1/rosters/{roster}/coverage?ward_id={}&from=2026-12-01&to=2026-12-01", h.icu))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one_day["items"].as_array().unwrap().len(), 3);
    for line in lines {
        assert_eq!(line["short"], 0, "{line}");
        assert_eq!(line["over"], 0, "{line}");
    }
    let assignments: Value =
        app.get(&app.admin, &format!("/api/v1/rosters/{roster}/assignments")).await.json().await.unwrap();
    let items = assignments["items"].as_array().unwrap();
    // At least the 28 required; extra people within max may be placed to give staff their
    // contracted minimum hours.
    assert!(items.len() >= 7 * 4, "{}", items.len());
    // Workload: everyone on the ward, within their contract, with the spread.
    let w: Value = app.get(&app.admin, &format!("/api/v1/rosters/{roster}/workload")).await.json().await.unwrap();
    let people = w["people"].as_array().unwrap();
    assert_eq!(people.len(), 15, "14 nurses and the seed's ICU nurse");
    let shifts: u64 = people.iter().map(|p| p["shifts"].as_u64().unwrap()).sum();
    assert_eq!(shifts as usize, items.len());
    assert!(people.iter().all(|p| p["hours"].as_f64().unwrap() <= 48.0), "{w}");
    assert_eq!(w["fairness"]["above_contract_maximum"], 0);
    let wish = people.iter().find(|p| p["staff_id"] == r07.as_str()).unwrap();
    assert_eq!((wish["days_off_asked"].as_u64(), wish["days_off_granted"].as_u64()), (Some(1), Some(1)), "{wish}");
    assert!(!items.iter().any(|a| a["staff_id"] == r07.as_str() && a["date"] == "2026-12-02"));
    assert!(w["fairness"]["utilisation"]["max"].as_f64().unwrap() <= 1.0);
    // One shift a day per person, 11 h rest between shifts, ALS only for holders.
    let mut per_person: std::collections::BTreeMap<String, Vec<Span>> = Default::default();
    let als_holders: HashSet<&str> = ["R00", "R01", "R02", "R03", "R04", "R05"].into();
    for a in items {
        let start = a["start_utc"].as_str().unwrap().parse().unwrap();
        let end = a["end_utc"].as_str().unwrap().parse().unwrap();
        per_person.entry(a["employee_number"].as_str().unwrap().to_owned()).or_default().push((start, end));
        if a["skill_id"] == h.als.as_str() {
            assert!(als_holders.contains(a["employee_number"].as_str().unwrap()), "{a}");
        }
    }
    for (person, mut shifts) in per_person {
        shifts.sort();
        for pair in shifts.windows(2) {
            let rest = pair[1].0 - pair[0].1;
            assert!(rest >= chrono::Duration::hours(11), "{person} rests only {rest}");
        }
    }
    let roster_view: Value = app.get(&app.admin, &format!("/api/v1/rosters/{roster}")).await.json().await.unwrap();
    assert!(roster_view["objective"].is_number());
}

#[tokio::test]
async fn rosters_are_for_their_managers_only() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let (h, roster) = icu_week(&app, 14).await;
    let staff = app.token(TokenRole::Staff, None, None, Some("R00"));
    let med = app.token(TokenRole::Manager, Some("LON"), Some("MED1"), None);
    let icu = app.token(TokenRole::Manager, Some("LON"), Some("ICU"), None);
    // Staff may never change a roster: a body of the wrong shape is refused for the role first.
    for path in ["/api/v1/rosters".to_owned(), format!("/api/v1/rosters/{roster}/call-outs")] {
        problem(app.post(&staff, &path, &json!({ "not_a_field": 1 })).await, StatusCode::FORBIDDEN).await;
    }
    for token in [&staff, &med] {
        problem(app.get(token, &format!("/api/v1/rosters/{roster}")).await, StatusCode::FORBIDDEN).await;
        problem(app.post(token, &format!("/api/v1/rosters/{roster}/solve"), &json!({})).await, StatusCode::FORBIDDEN)
            .await;
        problem(app.get(token, &format!("/api/v1/rosters/{roster}/assignments")).await, StatusCode::FORBIDDEN).await;
        let edit = json!({ "staff_id": h.nurse, "date": "2026-12-01", "shift_template_id": h.icu_night });
        let res = app
            .call(
                Method::POST,
                Some(token),
                &format!("/api/v1/rosters/{roster}/assignments"),
                Some(&edit),
                Some("\"1\""),
            )
            .await;
        problem(res, StatusCode::FORBIDDEN).await;
        let res = app
            .call(Method::POST, Some(token), &format!("/api/v1/rosters/{roster}/publish"), None, Some("\"1\""))
            .await;
        problem(res, StatusCode::FORBIDDEN).await;
    }
    let body = json!({ "site_id": h.lon, "name": "MED", "start_date": "2026-11-30", "end_date": "2026-12-06", "ward_ids": [h.icu, h.med] });
    problem(app.post(&icu, "/api/v1/rosters", &body).await, StatusCode::FORBIDDEN).await;
    problem(app.call(Method::GET, None, "/api/v1/rosters", None, None).await, StatusCode::UNAUTHORIZED).await;
    // The ICU manager may solve; with no worker running the job waits and can be cancelled.
    let res = app.call(Method::POST, Some(&icu), &format!("/api/v1/rosters/{roster}/solve"), None, None).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let job: Value = res.json().await.unwrap();
    problem(
        app.post(&med, &format!("/api/v1/jobs/{}/cancel", job["id"].as_str().unwrap()), &json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let cancelled: Value = app
        .post(&icu, &format!("/api/v1/jobs/{}/cancel", job["id"].as_str().unwrap()), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    // Bad options are named.
    let p = problem(
        app.post(&icu, &format!("/api/v1/rosters/{roster}/solve"), &json!({ "time_limit_seconds": 0 })).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(p.to_string().contains("time_limit_seconds"));
    let p = problem(
        app.post(
            &app.admin,
            "/api/v1/rosters",
            &json!({ "site_id": h.lon, "name": "x", "start_date": "2026-12-06", "end_date": "2026-11-30" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "end_date");
}

#[tokio::test]
async fn solving_a_roster_without_demand_is_refused_with_the_reason_and_queues_nothing() {
    let app = spawn_app().await;
    let h = seed(&app).await;
    let roster = app
        .create(
            "/api/v1/rosters",
            json!({ "site_id": h.kol, "name": "empty", "start_date": "2026-11-30", "end_date": "2026-12-06" }),
        )
        .await;
    let res = app.post(&app.admin, &format!("/api/v1/rosters/{roster}/solve"), &json!({})).await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let messages = p["errors"].to_string();
    assert!(messages.contains("no staffing demand") && messages.contains("nobody works"), "{p}");
    let assignments: Value =
        app.get(&app.admin, &format!("/api/v1/rosters/{roster}/assignments")).await.json().await.unwrap();
    assert!(assignments["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn concurrent_workers_never_claim_the_same_job() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let h = seed(&app).await;
    let roster = london_week(&app, &h).await;
    {
        let mut conn = app.pool.get().unwrap();
        for _ in 0..30 {
            conn.transaction(|c| rota::jobs::enqueue(c, "noop", Some(&roster), &json!({}))).unwrap();
        }
    }
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let pool = app.pool.clone();
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                let mut conn = pool.get().unwrap();
                while let Some(job) = rota::jobs::claim(&mut conn, &format!("w{w}")).unwrap() {
                    mine.push(job.id);
                }
                mine
            })
        })
        .collect();
    let claimed: Vec<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    let unique: HashSet<&String> = claimed.iter().collect();
    assert_eq!(claimed.len(), 30);
    assert_eq!(unique.len(), 30);
}

#[tokio::test]
async fn when_there_are_too_few_nurses_the_roster_says_which_shifts_are_short_and_why() {
    let app = spawn_app().await;
    // Six nurses at 48 h a week cannot cover 28 twelve-hour shifts.
    let (_, roster) = icu_week(&app, 6).await;
    let job = solve_and_wait(&app, &roster, 20).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["result"]["hard_violations"], 0, "contracts are never broken to cover a shift");
    let uncovered = job["result"]["uncovered"].as_array().unwrap();
    assert!(!uncovered.is_empty());
    assert!(uncovered.iter().all(|u| u["reason"].is_string()), "{uncovered:?}");
    let coverage: Value =
        app.get(&app.admin, &format!("/api/v1/rosters/{roster}/coverage")).await.json().await.unwrap();
    let short: i64 = coverage["items"].as_array().unwrap().iter().map(|l| l["short"].as_i64().unwrap()).sum();
    assert!(short > 0);
    let missing: i64 = uncovered.iter().map(|u| u["target"].as_i64().unwrap() - u["assigned"].as_i64().unwrap()).sum();
    let role_short: i64 = coverage["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["skill_id"].is_null())
        .map(|l| l["short"].as_i64().unwrap())
        .sum();
    assert_eq!(role_short, missing, "the solver's explanation and the coverage agree");
    // Nobody was pushed past 48 hours to fill the gaps.
    let assignments: Value =
        app.get(&app.admin, &format!("/api/v1/rosters/{roster}/assignments")).await.json().await.unwrap();
    let mut minutes: std::collections::HashMap<String, i64> = Default::default();
    for a in assignments["items"].as_array().unwrap() {
        let start: chrono::DateTime<chrono::Utc> = a["start_utc"].as_str().unwrap().parse().unwrap();
        let end: chrono::DateTime<chrono::Utc> = a["end_utc"].as_str().unwrap().parse().unwrap();
        *minutes.entry(a["employee_number"].as_str().unwrap().to_owned()).or_default() += (end - start).num_minutes();
    }
    assert!(minutes.values().all(|m| *m <= 48 * 60), "{minutes:?}");
    // Every place is either filled or short (skill lines count within the RN lines).
    assert_eq!(assignments["items"].as_array().unwrap().len() as i64 + role_short, 28);
}

#[tokio::test]
async fn a_published_roster_is_frozen_and_changes_go_into_a_new_draft() {
    let app = spawn_app().await;
    let (_, roster) = icu_week(&app, 14).await;
    let item = format!("/api/v1/rosters/{roster}");
    // Publishing an unsolved draft is refused.
    let p = problem(
        app.call(Method::POST, Some(&app.admin), &format!("{item}/publish"), None, Some("\"1\"")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("solve"));
    assert_eq!(solve_and_wait(&app, &roster, 10).await["status"], "succeeded");
    let etag = app.get(&app.admin, &item).await.headers().get("etag").unwrap().to_str().unwrap().to_owned();
    // Without If-Match: 428; stale: 412; current: published.
    problem(
        app.call(Method::POST, Some(&app.admin), &format!("{item}/publish"), None, None).await,
        StatusCode::PRECONDITION_REQUIRED,
    )
    .await;
    problem(
        app.call(Method::POST, Some(&app.admin), &format!("{item}/publish"), None, Some("\"1\"")).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    let published: Value = app
        .call(Method::POST, Some(&app.admin), &format!("{item}/publish"), None, Some(&etag))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(published["status"], "published");
    assert!(published["published_at"].is_string());
    // It can no longer be solved; a new draft starts from it with the same assignments.
    problem(app.post(&app.admin, &format!("{item}/solve"), &json!({})).await, StatusCode::CONFLICT).await;
    let res = app.post(&app.admin, &format!("{item}/drafts"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let draft: Value = res.json().await.unwrap();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["based_on"], roster.as_str());
    let count = |id: String| {
        let app = &app;
        async move {
            let v: Value =
                app.get(&app.admin, &format!("/api/v1/rosters/{id}/assignments")).await.json().await.unwrap();
            v["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(count(roster.clone()).await, count(draft["id"].as_str().unwrap().to_owned()).await);
    problem(
        app.post(&app.admin, &format!("/api/v1/rosters/{}/drafts", draft["id"].as_str().unwrap()), &json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn manual_edits_are_checked_against_every_rule_and_only_contract_limits_can_be_overridden() {
    let app = spawn_app().await;
    let (h, roster) = icu_week(&app, 14).await;
    let staff: Value = app.get(&app.admin, "/api/v1/staff?limit=500").await.json().await.unwrap();
    let id_of = |number: &str| {
        staff["items"].as_array().unwrap().iter().find(|s| s["employee_number"] == number).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let templates: Value =
        app.get(&app.admin, &format!("/api/v1/shift-templates?ward_id={}", h.icu)).await.json().await.unwrap();
    let template = |code: &str| {
        templates["items"].as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (ld, night) = (template("LD"), template("N"));
    let path = format!("/api/v1/rosters/{roster}/assignments");
    let mut version = 1;
    let add = |body: Value, v: i64| {
        let app = &app;
        let path = path.clone();
        async move { app.call(Method::POST, Some(&app.admin), &path, Some(&body), Some(&format!("\"{v}\""))).await }
    };
    let rules = |p: &Value| -> Vec<String> { crate::helpers::fields(p) };

    // A night, then a long day the next morning: no rest — never allowed.
    let res = add(json!({ "staff_id": id_of("R00"), "date": "2026-11-30", "shift_template_id": night }), version).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    version += 1;
    let p = problem(add(json!({ "staff_id": id_of("R00"), "date": "2026-12-01", "shift_template_id": ld, "override_reason": "short" }), version).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(rules(&p), vec!["rules.Succession"], "{p}");
    assert!(p["detail"].as_str().unwrap().contains("cannot be overridden"));

    // An ALS place for someone without ALS; a shift on approved leave.
    let p = problem(
        add(
            json!({ "staff_id": id_of("R10"), "date": "2026-12-01", "shift_template_id": ld, "skill_id": h.als }),
            version,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(rules(&p), vec!["rules.Eligibility"], "{p}");
    app.create("/api/v1/unavailability", json!({ "staff_id": id_of("R11"), "kind": "annual_leave", "status": "approved", "start_date": "2026-12-02", "end_date": "2026-12-02" })).await;
    let p = problem(
        add(json!({ "staff_id": id_of("R11"), "date": "2026-12-02", "shift_template_id": ld }), version).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(rules(&p), vec!["rules.Unavailability"], "{p}");

    // Four long days in a week is 50 h against a 48 h contract: allowed only with a reason.
    for date in ["2026-11-30", "2026-12-02", "2026-12-04"] {
        let res = add(json!({ "staff_id": id_of("R12"), "date": date, "shift_template_id": ld }), version).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{date}");
        version += 1;
    }
    let fourth = json!({ "staff_id": id_of("R12"), "date": "2026-12-06", "shift_template_id": ld });
    let p = problem(add(fourth.clone(), version).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(rules(&p), vec!["rules.WeeklyMinutes"], "{p}");
    assert!(p["detail"].as_str().unwrap().contains("override_reason"));
    // A stale version is refused before anything else.
    let mut with_reason = fourth.clone();
    with_reason["override_reason"] = json!("agreed overtime to cover sickness");
    problem(add(with_reason.clone(), version - 1).await, StatusCode::PRECONDITION_FAILED).await;
    let res = add(with_reason, version).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let outcome: Value = res.json().await.unwrap();
    version += 1;
    assert_eq!(outcome["roster_version"], version);
    assert_eq!(outcome["broken"][0]["rule"], "WeeklyMinutes");
    assert_eq!(outcome["broken"][0]["overridable"], true);
    let listed: Value = app.get(&app.admin, &format!("{path}?staff_id={}", id_of("R12"))).await.json().await.unwrap();
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[3]["override_reason"], "agreed overtime to cover sickness");

    // Removing it again.
    let assignment = outcome["assignment_ids"][0].as_str().unwrap();
    let res = app
        .call(Method::DELETE, Some(&app.admin), &format!("{path}/{assignment}"), None, Some(&format!("\"{version}\"")))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let listed: Value = app.get(&app.admin, &format!("{path}?staff_id={}", id_of("R12"))).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_call_out_is_repaired_in_a_draft_that_moves_few_people() {
    let app = spawn_app().await;
    let (_, roster) = icu_week(&app, 14).await;
    let item = format!("/api/v1/rosters/{roster}");
    assert_eq!(solve_and_wait(&app, &roster, 10).await["status"], "succeeded");
    // Calling out on a draft is refused: only published rosters are repaired.
    let assignments: Value =
        app.get(&app.admin, &format!("{item}/assignments?from=2026-12-02&to=2026-12-02")).await.json().await.unwrap();
    let victim = assignments["items"][0].clone();
    let call_out =
        json!({ "staff_id": victim["staff_id"], "from": victim["start_utc"], "to": victim["end_utc"], "note": "sick" });
    problem(app.post(&app.admin, &format!("{item}/call-outs"), &call_out).await, StatusCode::CONFLICT).await;
    let etag = app.get(&app.admin, &item).await.headers().get("etag").unwrap().to_str().unwrap().to_owned();
    let res = app.call(Method::POST, Some(&app.admin), &format!("{item}/publish"), None, Some(&etag)).await;
    assert_eq!(res.status(), StatusCode::OK);

    let res = app.post(&app.admin, &format!("{item}/call-outs"), &call_out).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let repair: Value = res.json().await.unwrap();
    assert_eq!(repair["draft"]["status"], "draft");
    assert_eq!(repair["draft"]["based_on"], roster.as_str());
    let removed = repair["removed"].as_array().unwrap();
    assert!(removed.iter().any(|r| r["staff_id"] == victim["staff_id"] && r["date"] == "2026-12-02"), "{repair}");
    assert!(!repair["added"].as_array().unwrap().is_empty(), "the gap is filled: {repair}");
    assert!(repair["changes_beyond_gap"].as_u64().unwrap() <= 3, "{repair}");
    // The draft covers the ward and the absent nurse no longer works that day.
    let draft = repair["draft"]["id"].as_str().unwrap();
    let coverage: Value = app.get(&app.admin, &format!("/api/v1/rosters/{draft}/coverage")).await.json().await.unwrap();
    assert!(coverage["items"].as_array().unwrap().iter().all(|l| l["short"] == 0), "{coverage}");
    let theirs: Value = app
        .get(
            &app.admin,
            &format!(
                "/api/v1/rosters/{draft}/assignments?staff_id={}&from=2026-12-02&to=2026-12-02",
                victim["staff_id"].as_str().unwrap()
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs["items"].as_array().unwrap().is_empty());
    // The published roster itself is unchanged.
    let still: Value =
        app.get(&app.admin, &format!("{item}/assignments?from=2026-12-02&to=2026-12-02")).await.json().await.unwrap();
    assert_eq!(still["items"], assignments["items"]);
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_over_when_its_lease_runs_out() {
    use diesel::prelude::*;
    let app = spawn_app_with(|s| s.workers = 0).await;
    let h = seed(&app).await;
    let roster = london_week(&app, &h).await;
    let mut conn = app.pool.get().unwrap();
    let job = conn.transaction(|c| rota::jobs::enqueue(c, "noop", Some(&roster), &json!({}))).unwrap();
    let first = rota::jobs::claim(&mut conn, "worker-a").unwrap().unwrap();
    assert_eq!((first.id.as_str(), first.attempts), (job.id.as_str(), 1));
    // While worker A's lease runs, nobody else gets the job.
    assert!(rota::jobs::claim(&mut conn, "worker-b").unwrap().is_none());
    // Worker A dies: its lease runs out.
    use rota::db::schema::jobs::dsl as j;
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(5);
    diesel::update(j::jobs.filter(j::id.eq(&job.id))).set(j::lease_until.eq(Some(past))).execute(&mut conn).unwrap();
    let second = rota::jobs::claim(&mut conn, "worker-b").unwrap().unwrap();
    assert_eq!((second.id.as_str(), second.attempts, second.worker.as_deref()), (job.id.as_str(), 2, Some("worker-b")));
    // Worker A can no longer finish it: only the holder's writes count.
    conn.transaction(|c| rota::jobs::finish(c, &job.id, "worker-a", rota::jobs::SUCCEEDED, None, None)).unwrap();
    let row = rota::jobs::find(&mut conn, &job.id).unwrap();
    assert_eq!(row.status, "running");
}

/// A running solve with an hour's time limit stops within seconds of its job being
/// cancelled (the worker's heartbeat sees the request and stops the search), and the
/// roster keeps the assignments it had.
#[tokio::test]
async fn cancelling_a_running_solve_stops_the_search_within_seconds_and_keeps_the_roster() {
    let app = spawn_app().await;
    let (_h, roster) = icu_week(&app, 40).await;
    cancel_a_running_solve(&app, &roster).await;
}

/// Start an hour-long solve of `roster`, cancel it once it runs, and check that it ends
/// `cancelled` within seconds with the roster's assignments as they were.
async fn cancel_a_running_solve(app: &TestApp, roster: &str) {
    let item = format!("/api/v1/rosters/{roster}");
    let before = assignments_of(app, &item).await;
    let res = app.post(&app.admin, &format!("{item}/solve"), &json!({ "time_limit_seconds": 3600 })).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let mut status = String::new();
    for _ in 0..300 {
        let job: Value = app.get(&app.admin, &location).await.json().await.unwrap();
        status = job["status"].as_str().unwrap().to_owned();
        if status != "queued" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "running");
    let asked = std::time::Instant::now();
    let res = app.post(&app.admin, &format!("{location}/cancel"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let job = wait_for(app, &app.admin, &location).await;
    assert_eq!(job["status"], "cancelled", "{job}");
    assert!(asked.elapsed() < Duration::from_secs(45), "stopped {:?} after the request", asked.elapsed());
    assert_eq!(assignments_of(app, &item).await, before);
}

/// A server set up with `solver_threads: 2` solves with two search lanes, and a cancelled
/// two-lane solve still stops within seconds and keeps the roster as it was.
#[tokio::test]
async fn a_server_with_two_solver_threads_searches_in_two_lanes_and_both_stop_on_cancel() {
    let app = spawn_app_with(|s| s.solver_threads = 2).await;
    let (_h, roster) = icu_week(&app, 14).await;
    let job = solve_and_wait(&app, &roster, 20).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!((job["result"]["search_lanes"].as_u64(), job["result"]["hard_violations"].as_u64()), (Some(2), Some(0)));
    cancel_a_running_solve(&app, &roster).await;
}

/// A worker told to stop (SIGTERM, a deploy) stops the solve in hand within seconds and
/// hands its job back to the queue, so that the next worker takes it at once instead of
/// waiting for the lease to run out; the roster is untouched.
#[tokio::test]
async fn a_worker_that_shuts_down_hands_its_running_solve_back_to_the_queue() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let app = spawn_app_with(|s| s.workers = 0).await;
    let (_h, roster) = icu_week(&app, 40).await;
    let item = format!("/api/v1/rosters/{roster}");
    let before = assignments_of(&app, &item).await;
    let res = app.post(&app.admin, &format!("{item}/solve"), &json!({ "time_limit_seconds": 3600 })).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let (pool, flag) = (app.pool.clone(), stop.clone());
    let options = rota::jobs::worker::Options { idle: Duration::from_millis(100), solver_threads: 1 };
    let worker = std::thread::spawn(move || rota::jobs::worker::run(&pool, "worker-a", &flag, options));
    let mut conn = app.pool.get().unwrap();
    let mut status = String::new();
    for _ in 0..300 {
        status = rota::jobs::find(&mut conn, &id).unwrap().status;
        if status != "queued" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "running");
    let asked = std::time::Instant::now();
    stop.store(true, Ordering::Relaxed);
    tokio::task::spawn_blocking(move || worker.join().unwrap()).await.unwrap();
    assert!(asked.elapsed() < Duration::from_secs(30), "stopped {:?} after the request", asked.elapsed());
    let row = rota::jobs::find(&mut conn, &id).unwrap();
    assert_eq!((row.status.as_str(), row.worker.as_deref(), row.attempts), ("queued", None, 0));
    assert_eq!(assignments_of(&app, &item).await, before);
    // the next worker claims it at once, and a claim given back is not an attempt lost
    let next = rota::jobs::claim(&mut conn, "worker-b").unwrap().expect("the job is claimable at once");
    assert_eq!((next.id.as_str(), next.attempts), (id.as_str(), 1));
}

#[tokio::test]
async fn two_managers_on_one_draft_the_stale_write_gets_412_pins_survive_re_solving_and_history_says_who() {
    let app = spawn_app().await;
    let (_, roster) = icu_week(&app, 14).await;
    assert_eq!(solve_and_wait(&app, &roster, 10).await["status"], "succeeded");
    let item = format!("/api/v1/rosters/{roster}");
    let ward_manager = app.token(TokenRole::Manager, Some("LON"), Some("ICU"), None);
    let site_manager = app.token(TokenRole::Manager, Some("LON"), None, None);
    let seen = etag_of(&app, &ward_manager, &item).await;
    assert_eq!(seen, etag_of(&app, &site_manager, &item).await, "both managers saw the same version");
    let before = assignments_of(&app, &item).await;
    // The ward manager removes a shift …
    let first = before[0]["id"].as_str().unwrap().to_owned();
    let res =
        app.call(Method::DELETE, Some(&ward_manager), &format!("{item}/assignments/{first}"), None, Some(&seen)).await;
    assert_eq!(res.status(), StatusCode::OK);
    // … the site manager, still holding the old version, is told so and changes nothing.
    let second = before[1]["id"].as_str().unwrap();
    let stale =
        app.call(Method::DELETE, Some(&site_manager), &format!("{item}/assignments/{second}"), None, Some(&seen)).await;
    problem(stale, StatusCode::PRECONDITION_FAILED).await;
    let stale_pin = app
        .call(Method::PUT, Some(&site_manager), &format!("{item}/assignments/{second}/pin"), None, Some(&seen))
        .await;
    problem(stale_pin, StatusCode::PRECONDITION_FAILED).await;
    let after = assignments_of(&app, &item).await;
    assert_eq!(after.len(), before.len() - 1);
    assert!(after.iter().any(|a| a["id"] == second));

    // Pin one assignment; re-solving keeps it where it is.
    let fresh = etag_of(&app, &site_manager, &item).await;
    let pinned = after[0].clone();
    let res = app
        .call(
            Method::PUT,
            Some(&site_manager),
            &format!("{item}/assignments/{}/pin", pinned["id"].as_str().unwrap()),
            None,
            Some(&fresh),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(solve_and_wait(&app, &roster, 10).await["status"], "succeeded");
    let resolved = assignments_of(&app, &item).await;
    let kept = resolved
        .iter()
        .find(|a| a["staff_id"] == pinned["staff_id"] && a["date"] == pinned["date"])
        .expect("the pinned assignment survives re-solving");
    assert_eq!(kept["shift_template_id"], pinned["shift_template_id"]);
    assert_eq!(kept["pinned"], true);

    // Swap two people's shifts on different days: kept, or refused with the rules it breaks.
    let fresh = etag_of(&app, &site_manager, &item).await;
    let (a, b) = (
        &resolved[0],
        resolved.iter().find(|x| x["staff_id"] != resolved[0]["staff_id"] && x["date"] != resolved[0]["date"]).unwrap(),
    );
    let body =
        json!({ "first_assignment_id": a["id"], "second_assignment_id": b["id"], "override_reason": "ward request" });
    let res = app.call(Method::POST, Some(&site_manager), &format!("{item}/swaps"), Some(&body), Some(&fresh)).await;
    let swapped = res.status() == StatusCode::OK;
    if !swapped {
        let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(!p["errors"].as_array().unwrap().is_empty());
    }
    // The history names each change and who made it, in order.
    let changes: Value = app.get(&app.admin, &format!("{item}/changes")).await.json().await.unwrap();
    let changes = changes["items"].as_array().unwrap();
    let actions: Vec<&str> = changes.iter().map(|c| c["action"].as_str().unwrap()).collect();
    let mut expected = vec!["created", "solved", "assignment_removed", "pinned", "solved"];
    if swapped {
        expected.push("assignments_swapped");
    }
    assert_eq!(actions, expected);
    assert_eq!(changes[1]["actor"], "solver");
    assert!(changes[2]["actor"].as_str().unwrap().contains("(manager)"));
    let versions: Vec<i64> = changes.iter().map(|c| c["version"].as_i64().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    // Staff and integrations never see a draft's history.
    problem(
        app.get(&app.token(TokenRole::Integration, None, None, None), &format!("{item}/changes")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

async fn etag_of(app: &TestApp, token: &str, item: &str) -> String {
    app.get(token, item).await.headers().get("etag").unwrap().to_str().unwrap().to_owned()
}

async fn assignments_of(app: &TestApp, item: &str) -> Vec<Value> {
    let v: Value = app.get(&app.admin, &format!("{item}/assignments")).await.json().await.unwrap();
    v["items"].as_array().unwrap().clone()
}
