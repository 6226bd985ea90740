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
            "rems.prescriber_on_site" => app.type_into("value-rems.prescriber_on_site", "Dr Ade (prescriber)").await,
            "rems.first_treatment" => {
                app.select("value-rems.first_treatment", "first treatment").await;
                continue;
            }
            // Not enrolled: the REMS gate will hold the dose back.
            "rems.enrolled" => {
                app.select("value-rems.enrolled", "not enrolled").await;
                continue;
            }
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

    // The dose panel says what the gate holds back; the dose goes ahead only with a reason.
    // 56 mg is offered as two devices, as the REMS form asks.
    app.alt('d').await;
    let held = app.text("dose-held").await;
    assert!(held.contains("Enrolled in the Spravato REMS: not enrolled"), "{held}");
    app.reveal("dose-preset-0").await;
    app.click("dose-preset-0").await;
    assert_eq!(app.el("dose-devices").await.prop("value").await.unwrap().as_deref(), Some("2"));
    assert_eq!(app.el("dose-save").await.prop("disabled").await.unwrap().as_deref(), Some("true"), "no dose without a reason");
    app.screenshots("dose-gate").await;
    app.reveal("dose-override").await;
    app.type_into("dose-override", "enrolment confirmed by phone with the REMS; form to follow").await;
    app.click("dose-save").await;
    app.wait_for("the dose", || async {
        app.log_texts().await.iter().any(|(k, _)| k == "dose").then_some(())
    })
    .await;
    // The override is on the live log too, with its reason, and the dose with its devices.
    let log = app.log_texts().await;
    assert!(log.iter().any(|(k, t)| k == "dose_override" && t.contains("enrolment confirmed by phone")), "{log:?}");
    assert!(log.iter().any(|(k, t)| k == "dose" && t.contains("56 mg") && t.contains("2 devices")), "{log:?}");
    // Pulse oximetry every 15 minutes, as the template asks.
    for _ in 0..2 {
        app.advance_clock(15).await;
        app.wait_for("the SpO2 check to fall due", || async { due(&app).await.iter().any(|(s, _)| s == "due").then_some(()) }).await;
        record_vitals(&app, "", "", "97").await;
        app.wait_for("no check due", || async { due(&app).await.is_empty().then_some(()) }).await;
    }
    // Sedation seen at T+30, recorded from the checklists' effects panel; dissociation and
    // respiratory depression not observed.
    app.alt('c').await;
    app.reveal("effect-sedation-observed").await;
    app.click("effect-sedation-observed").await;
    app.wait_for("sedation observed", || async { app.text("effect-state-sedation").await.contains("observed from T+00:30").then_some(()) }).await;
    // One after the other, without waiting: a second effect is never dropped while the first saves.
    app.click("effect-dissociation-not_observed").await;
    app.click("effect-respiratory_depression-not_observed").await;
    app.wait_for("both recorded", || async {
        app.text("effect-state-respiratory_depression").await.contains("not observed").then_some(())
    })
    .await;
    app.reveal("effects-panel").await;
    app.screenshots("effects-panel").await;
    app.keys("\u{E00C}").await;
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
    assert!(blockers.contains("Sedation: observed and not yet marked resolved"), "{blockers}");
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
    // The REMS form exported from the review holds the gate, the override, the devices and
    // the effects as recorded.
    let out = tmp.path().join("exports");
    std::fs::create_dir(&out).unwrap();
    app.export_to(&out).await;
    app.click("export-rems").await;
    app.click("export-confirm").await;
    app.wait_for("the REMS form", || async { (!app.all("[data-testid='export-path']").await.is_empty()).then_some(()) }).await;
    let form = std::fs::read_dir(&out).unwrap().flatten().map(|e| e.path()).find(|p| p.to_string_lossy().ends_with(".rems.pdf")).unwrap();
    let text = std::process::Command::new("pdftotext").arg("-layout").arg(&form).arg("-").output().expect("pdftotext");
    let text: String = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "First treatment first treatment",
        "Enrolled in the REMS not enrolled",
        "Dose override reason enrolment confirmed by phone",
        "Prescriber on site Dr Ade (prescriber)",
        "Devices used 2",
        // T+00:30 and a second or so: the app clock runs on while the test moves it.
        "Sedation observed yes, from T+00:30:",
        "; not recorded as resolved",
        "Dissociation observed no",
        "submitted",
    ] {
        assert!(text.contains(want), "{want:?} missing from the REMS form: {text}");
    }
    // Signed: the open items (sedation never marked resolved among them) need a reason.
    app.reveal("sign-open").await;
    app.click("sign-open").await;
    app.click("sign-confirm").await;
    app.type_into("sign-passphrase", holdspace_e2e::TEST_PASSPHRASE).await;
    let open = app.text("sign-open-items").await;
    assert!(open.contains("Effect Sedation: observed and not yet marked resolved"), "{open}");
    app.type_into("sign-open-reason", "sedation resolved before leaving; not recorded at the time").await;
    app.click("sign-save").await;
    app.wait_for("the signed state", || async { (app.data("review-state", "state").await == "signed").then_some(()) }).await;
    app.click("review-back").await;
    app.click("sessions-back").await;
    app.el("start-form").await;
    assert!(app.all("[data-testid='rems-due']").await.is_empty(), "filed: no notice");
    app.quit().await;

    // The record holds every step in order.
    let store = holdspace_e2e::open_store(tmp.path());
    let session = store.list_sessions().unwrap()[0].clone();
    let kinds: Vec<&'static str> = store.entries(session.id).unwrap().iter().map(|e| e.body.kind()).collect();
    let order = ["session_started", "checklist", "vitals", "flag", "flag_ack", "dose_override", "dose", "vitals", "effect", "discharge_override", "session_ended"];
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
