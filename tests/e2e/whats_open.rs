//! What the app already knows, connected and said before it matters (issue 13, points 6, 8
//! and 9): observations satisfy checklist items, the dose panel lists what is open before
//! dosing, one reading makes one flag with one acknowledgement that names it, and ending and
//! signing show every open risk, which the record keeps.

use crate::foundation::start_session;
use crate::music::capture_config;
use holdspace_e2e::App;
use std::path::Path;

async fn vitals(app: &App, fields: &[(&str, &str)]) {
    app.alt('v').await;
    for (id, v) in fields {
        app.type_into(id, v).await;
    }
    app.keys("\u{E007}").await;
    app.wait_for("the vitals panel to close", || async {
        app.all("[data-testid='vitals-panel']").await.is_empty().then_some(())
    })
    .await;
}

async fn item_status(app: &App, id: &str) -> String {
    app.data(&format!("item-{id}"), "status").await
}

async fn screenshots(app: &App, name: &str) {
    for (w, h) in [(800, 560), (1280, 800), (1920, 1080)] {
        app.client.set_window_rect(0, 0, w, h).await.expect("set the window size");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        app.screenshot(&format!("{name}-{w}x{h}")).await;
    }
    app.client.set_window_rect(0, 0, 1280, 800).await.expect("set the window size");
}

#[tokio::test(flavor = "multi_thread")]
async fn what_the_app_sees_ticks_the_checklist_and_the_dose_panel_says_what_is_open() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../playlists/demo/demo.toml").canonicalize().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let _capture = capture_config(tmp.path());
    let app = App::launch_with(tmp.path(), &[("HOLDSPACE_TEST_AUDIO_PACE", "4")]).await;
    start_session(&app, "K-SEEN").await;

    // Baseline vitals: a partial reading is not the baseline; the full one satisfies the
    // checklist item by itself, pointing at its entry.
    vitals(&app, &[("v-systolic", "128"), ("v-diastolic", "82")]).await;
    app.alt('c').await;
    assert_eq!(item_status(&app, "baseline_vitals").await, "open");
    app.keys("\u{E00C}").await;
    vitals(&app, &[("v-systolic", "150"), ("v-diastolic", "95"), ("v-hr", "76"), ("v-spo2", "98"), ("v-rr", "14")]).await;
    app.alt('c').await;
    app.wait_for("the baseline item observed", || async {
        (item_status(&app, "baseline_vitals").await == "observed").then_some(())
    })
    .await;
    let line = app.text("item-baseline_vitals").await;
    assert!(line.contains("seen by the app") && line.contains("150/95"), "{line}");
    app.keys("\u{E00C}").await;

    // The pre-dose BP flag: one reading, one flag, listing both halves; one acknowledgement.
    let flags = app.all("[data-testid='flag']").await;
    assert_eq!(flags.len(), 1, "one reading, one flag");
    let banner = app.text("flag-banner").await;
    assert!(banner.contains("Pre-dose systolic 150 is above 140 · Pre-dose diastolic 95 is above 90"), "{banner}");
    app.alt('y').await;
    app.type_into("ack-action", "rested 5 min").await;
    app.keys("\u{E007}").await;
    app.wait_for("the flag banner to clear", || async {
        app.all("[data-testid='flag-banner']").await.is_empty().then_some(())
    })
    .await;
    let log = app.log_texts().await;
    assert!(
        log.iter().any(|(k, t)| k == "flag_ack" && t.starts_with("Flag acknowledged: Pre-dose systolic 150") && t.contains("action: rested 5 min")),
        "the acknowledgement says which flag: {log:?}"
    );

    // The dose panel lists what is open before dosing: the acknowledged flag, the open items,
    // not the baseline the app saw.
    app.alt('d').await;
    let open = app.text("dose-open").await;
    assert!(open.contains("Flag acknowledged: Pre-dose systolic 150"), "{open}");
    assert!(open.contains("Informed consent signed"), "{open}");
    assert!(!open.contains("Baseline vitals recorded"), "{open}");
    screenshots(&app, "dose-panel-open-items").await;

    // Music playing satisfies "Music started".
    app.select("playlist-select", &demo.display().to_string()).await;
    app.click("preflight-run").await;
    app.preflight_result().await;
    app.keys("\u{E00C}").await;
    app.alt('m').await;
    app.wait_for("the first track", || async {
        app.log_texts().await.iter().any(|(k, t)| k == "music" && t.starts_with("Track:")).then_some(())
    })
    .await;
    app.alt('c').await;
    app.click("stage-during").await;
    app.wait_for("music started observed", || async {
        (item_status(&app, "during.music_started").await == "observed").then_some(())
    })
    .await;
    app.keys("\u{E00C}").await;
    app.alt('s').await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ending_and_signing_show_what_is_open_and_the_record_keeps_it() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    start_session(&app, "K-RISK").await;
    crate::foundation::record_dose(&app, "50").await;

    // T+30: 185/112 crosses the session limit on both halves: one flag.
    app.advance_clock(30).await;
    vitals(&app, &[("v-systolic", "185"), ("v-diastolic", "112"), ("v-hr", "88"), ("v-spo2", "97")]).await;
    let flags = app.all("[data-testid='flag']").await;
    assert_eq!(flags.len(), 1, "one reading, one flag");
    let banner = app.text("flag-banner").await;
    assert!(banner.contains("Systolic 185 is at or above 180 · Diastolic 112 is at or above 110"), "{banner}");
    app.alt('y').await;
    app.keys("\u{E007}").await;
    app.wait_for("the flag banner to clear", || async {
        app.all("[data-testid='flag-banner']").await.is_empty().then_some(())
    })
    .await;

    // Twenty minutes on, nothing recorded: the end panel says what is open.
    app.advance_clock(20).await;
    app.alt('e').await;
    let risks = app.text("end-risks").await;
    assert!(risks.contains("The last BP was 185/112 at T+00:30"), "{risks}");
    assert!(risks.contains("flagged (acknowledged)"), "{risks}");
    // Each overdue time of a repeating check is its own line, saying which.
    assert!(risks.contains("Check overdue: Vitals and sedation (every 15 min), due at T+45 min"), "{risks}");
    assert!(risks.contains("Informed consent signed"), "{risks}");
    screenshots(&app, "end-panel-open-risks").await;
    app.type_into("end-reason", "escort arrived; prescriber agreed").await;
    app.click("end-confirm").await;
    app.el("start-form").await;

    // Review: the sign form lists what is open and does not offer "complete and accurate".
    app.click("open-sessions").await;
    app.el("sessions-screen").await;
    let id = app.data("review-row", "session").await;
    app.click(&format!("open-{id}")).await;
    app.el("review-screen").await;
    let timeline = app.text("timeline").await;
    assert!(timeline.contains("open at the end: "), "the end of the session keeps what was open: {timeline}");
    assert!(!timeline.contains("im-ketamine") && !timeline.contains(":flag"), "no internal ids: {timeline}");
    app.click("sign-open").await;
    let open = app.text("sign-open-items").await;
    assert!(open.contains("Informed consent signed"), "{open}");
    let statement = app.el("sign-statement").await.prop("value").await.unwrap().unwrap_or_default();
    assert!(!statement.contains("complete and accurate"), "{statement}");
    assert!(statement.contains("still open"), "{statement}");
    screenshots(&app, "sign-form-open-items").await;
    app.quit().await;
}
