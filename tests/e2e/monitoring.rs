//! The monitoring story from the issue, in the real app: esketamine template, pre-dose
//! checklist, a flagged baseline BP acknowledged, dose, the T+40 BP check coming due, an early
//! discharge refused, then allowed with an override reason; the record holds every step.

use crate::foundation::start_session_on;
use holdspace_e2e::App;

/// The checks shown as due or overdue: (status, occurrence id).
async fn due(app: &App) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for li in app.all("[data-testid='checkpoint']").await {
        let status = li.attr("data-status").await.ok().flatten().unwrap_or_default();
        let id = li.attr("data-id").await.ok().flatten().unwrap_or_default();
        out.push((status, id));
    }
    out
}

async fn record_vitals(app: &App, sys: &str, dia: &str, spo2: &str) {
    app.alt('v').await;
    if !sys.is_empty() {
        app.type_into("v-systolic", sys).await;
        app.type_into("v-diastolic", dia).await;
    }
    app.type_into("v-hr", "76").await;
    app.type_into("v-spo2", spo2).await;
    app.keys("\u{E007}").await; // Enter saves
    app.wait_for("the vitals panel to close", || async {
        app.all("[data-testid='vitals-panel']").await.is_empty().then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn esketamine_session_from_checklist_to_override() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    start_session_on(&app, "E-7", "intranasal").await;
    assert!(app.text("live-client").await.contains("E-7"));

    // Pre-dose checklist, completed from the panel.
    app.alt('c').await;
    app.el("checklist-panel").await;
    for li in app.all("[data-testid='checklist-panel'] li").await {
        let id = li.attr("data-testid").await.unwrap().unwrap().trim_start_matches("item-").to_string();
        match id.as_str() {
            "escort.name" => app.type_into("value-escort.name", "Sam (partner)").await,
            "escort.phone" => app.type_into("value-escort.phone", "+44 7700 900123").await,
            _ if id.starts_with("meds.") => {
                app.select(&format!("value-{id}"), "not taken").await; // saved on change
                continue;
            }
            _ => {
                app.click(&format!("tick-{id}")).await;
                // Saved and redrawn before the next click: a row that grows as it changes
                // must not move the next Tick under a click already aimed.
                app.el(&format!("clear-{id}")).await;
                continue;
            }
        }
        app.keys("\u{E007}").await;
    }
    app.wait_for("the pre-dose checklist to be complete", || async {
        app.text("stage-pre_dose").await.contains('✓').then_some(())
    })
    .await;
    app.keys("\u{E00C}").await;

    // Baseline BP 150/95: saved, and flagged with the threshold's source.
    record_vitals(&app, "150", "95", "98").await;
    let banner = app.text("flag-banner").await;
    assert!(banner.contains("Pre-dose systolic 150 is above 140"), "{banner}");
    assert!(banner.contains("source:"), "{banner}");
    // One reading, one flag: one acknowledgement clears it.
    app.alt('y').await;
    app.type_into("ack-action", "rested 5 min, prescriber informed").await;
    app.keys("\u{E007}").await;
    app.wait_for("the flag banner to clear", || async {
        app.all("[data-testid='flag-banner']").await.is_empty().then_some(())
    })
    .await;

    // Dose, then move the clock to T+40: the BP check comes due.
    app.alt('d').await;
    app.type_into("dose-amount", "56").await;
    app.click("dose-save").await;
    app.wait_for("the dose", || async {
        app.log_texts().await.iter().any(|(k, _)| k == "dose").then_some(())
    })
    .await;
    // Pulse oximetry every 15 minutes, as the template asks.
    for _ in 0..2 {
        app.advance_clock(15).await;
        app.wait_for("the SpO2 check to fall due", || async { due(&app).await.iter().any(|(s, _)| s == "due").then_some(()) }).await;
        record_vitals(&app, "", "", "97").await;
        app.wait_for("no check due", || async { due(&app).await.is_empty().then_some(()) }).await;
    }
    app.advance_clock(10).await;
    let shown = app
        .wait_for("the T+40 BP check to fall due", || async {
            let due = due(&app).await;
            due.iter().any(|(s, id)| s == "due" && id.starts_with("bp-40")).then_some(due)
        })
        .await;
    assert!(shown.iter().all(|(s, _)| s == "due"), "nothing overdue: {shown:?}");
    record_vitals(&app, "138", "84", "97").await;
    app.wait_for("the T+40 check to be done", || async {
        (!due(&app).await.iter().any(|(_, id)| id.starts_with("bp-40"))).then_some(())
    })
    .await;

    // At T+60 discharge is stopped; with a reason it goes ahead.
    app.advance_clock(20).await;
    app.alt('e').await;
    let blockers = app.text("end-blockers").await;
    assert!(blockers.contains("Minimum observation time not met"), "{blockers}");
    let disabled = app.el("end-confirm").await.prop("disabled").await.unwrap();
    assert_eq!(disabled.as_deref(), Some("true"), "no override without a reason");
    app.type_into("end-reason", "prescriber reviewed; client stable and escorted").await;
    app.click("end-confirm").await;
    app.el("start-form").await;

    // The REMS form is due 7 days after the session: said on the start screen from 2 days
    // before, then recorded as submitted in the review (the app itself submits nothing).
    assert!(app.all("[data-testid='rems-due']").await.is_empty(), "7 days left: no notice yet");
    app.advance_clock(6 * 24 * 60).await;
    // Six days without input lock the screen: the therapist unlocks, and the start screen
    // (drawn anew) says what is due.
    app.type_into("unlock-passphrase", holdspace_e2e::TEST_PASSPHRASE).await;
    app.keys("\u{E007}").await;
    app.el("start-form").await;
    let notice = app.text("rems-due").await;
    assert!(notice.contains("E-7") && notice.contains("REMS form due by"), "{notice}");
    app.screenshots("rems-due-start").await;
    app.click("open-sessions").await;
    let id = holdspace_e2e::open_store(tmp.path()).list_sessions().unwrap()[0].id;
    app.click(&format!("open-{id}")).await;
    assert_eq!(app.data("rems-filing", "state").await, "due");
    assert!(app.text("rems-state").await.contains("(in 1 day); not yet recorded as submitted"));
    app.set_value("rems-on", "1999-01-01").await;
    app.click("rems-save").await;
    assert!(app.text("rems-error").await.contains("is before the session"), "a date before the session is refused");
    let session_day = holdspace_core::rems::local_date(holdspace_e2e::open_store(tmp.path()).session(id).unwrap().created_at);
    app.set_value("rems-on", &session_day.to_string()).await;
    app.select("rems-method", "fax").await;
    app.type_into("rems-confirmation", "FX-2291").await;
    app.click("rems-save").await;
    app.wait_for("the filing recorded", || async { (app.data("rems-filing", "state").await == "submitted").then_some(()) }).await;
    let state = app.text("rems-state").await;
    assert!(state.contains(&format!("submitted {session_day} by fax, confirmation FX-2291")), "{state}");
    app.screenshots("rems-filed-review").await;
    // Billing codes: 56 mg was given, so G2083 (84 mg) does not agree; G2082 does.
    app.type_into("billing-diagnosis", "f33.2").await;
    app.type_into("billing-procedures", "G2083 J0013").await;
    app.click("billing-save").await;
    let problems = app.text("billing-problems").await;
    assert_eq!(problems, "G2083 is for 84 mg of esketamine, but 56 mg is recorded");
    app.type_into("billing-procedures", "G2082 J0013").await;
    app.click("billing-save").await;
    app.wait_for("the codes agree", || async { app.all("[data-testid='billing-problems']").await.is_empty().then_some(()) }).await;
    assert_eq!(app.el("billing-diagnosis").await.prop("value").await.unwrap().as_deref(), Some("F33.2"));
    app.click("review-back").await;
    app.click("sessions-back").await;
    app.el("start-form").await;
    assert!(app.all("[data-testid='rems-due']").await.is_empty(), "filed: no notice");
    app.quit().await;

    // The record holds every step in order.
    let store = holdspace_e2e::open_store(tmp.path());
    let session = store.list_sessions().unwrap()[0].clone();
    let kinds: Vec<&'static str> = store.entries(session.id).unwrap().iter().map(|e| e.body.kind()).collect();
    let order = ["session_started", "checklist", "vitals", "flag", "flag_ack", "dose", "vitals", "discharge_override", "session_ended"];
    let mut at = 0;
    for want in order {
        let found = kinds[at..].iter().position(|k| *k == want).map(|p| p + at);
        at = found.unwrap_or_else(|| panic!("{want} missing after position {at}: {kinds:?}")) + 1;
    }
    assert_eq!(kinds.iter().filter(|k| **k == "flag_ack").count(), 1, "{kinds:?}");
    let filed = store.audit_log(&holdspace_core::audit::AuditFilter { action: Some(holdspace_core::audit::AuditAction::RemsFiled), ..Default::default() }).unwrap();
    assert_eq!(filed.len(), 1);
    assert!(filed[0].detail.contains("by fax, confirmation FX-2291"), "{}", filed[0].detail);
}
