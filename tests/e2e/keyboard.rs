//! A whole session from the keyboard alone, in the real app: start, pre-flight, dose, note,
//! quick tag, vitals, music, fade to silence, room view, end. No click anywhere.

use holdspace_e2e::App;

const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";
const ESC: &str = "\u{E00C}";

async fn wait_log(app: &App, what: &str, pred: impl Fn(&[(String, String)]) -> bool) {
    app.wait_for(what, || async {
        let log = app.log_texts().await;
        pred(&log).then_some(())
    })
    .await;
}

async fn focused(app: &App) -> String {
    app.focused_testid().await.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_whole_session_from_the_keyboard_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch_with(tmp.path(), &[("HOLDSPACE_TEST_AUDIO_PACE", "4")]).await;
    app.el("start-form").await;

    // Start: the client code has focus (the therapist is the signed-in user); Enter starts.
    assert_eq!(focused(&app).await, "client-code");
    app.keys("K-KEYS").await;
    app.keys(ENTER).await;
    app.el("note-input").await;
    assert_eq!(focused(&app).await, "note-input", "the note box has focus in the live screen");

    // Pre-flight comes first when dosing: Enter runs it (demo playlist), then the dose.
    app.alt('d').await;
    app.wait_for("the pre-flight button to have focus", || async {
        (focused(&app).await == "preflight-run").then_some(())
    })
    .await;
    app.keys(ENTER).await;
    app.preflight_result().await;
    app.wait_for("focus on the dose amount", || async { (focused(&app).await == "dose-amount").then_some(()) }).await;
    app.keys("50").await;
    app.keys(ENTER).await;
    wait_log(&app, "the dose", |log| log.iter().any(|(k, _)| k == "dose")).await;

    // A note, a quick tag and vitals.
    app.wait_for("focus back on the note box", || async { (focused(&app).await == "note-input").then_some(()) }).await;
    app.keys("settling, breathing slow").await;
    app.keys(ENTER).await;
    app.alt('t').await;
    wait_log(&app, "the tearful tag", |log| log.iter().any(|(k, t)| k == "tag" && t == "Tearful")).await;
    app.alt('v').await;
    app.wait_for("focus on systolic", || async { (focused(&app).await == "v-systolic").then_some(()) }).await;
    for (value, last) in [("124", false), ("78", false), ("70", false), ("98", true)] {
        app.keys(value).await;
        app.keys(if last { ENTER } else { TAB }).await;
    }
    wait_log(&app, "the vitals", |log| log.iter().any(|(k, t)| k == "vitals" && t.contains("BP 124/78"))).await;

    // Music: play, then fade to silence.
    app.alt('m').await;
    wait_log(&app, "a track to start", |log| log.iter().any(|(_, t)| t.starts_with("Track:"))).await;
    app.alt('s').await;
    wait_log(&app, "the fade to silence", |log| log.iter().any(|(_, t)| t.starts_with("Faded to silence"))).await;

    // Room view and back.
    app.alt('r').await;
    app.el("room-view").await;
    app.keys(ESC).await;
    app.wait_for("the room view to close", || async {
        app.all("[data-testid='room-view']").await.is_empty().then_some(())
    })
    .await;

    // The shortcut sheet opens on F1 and closes on Esc.
    app.keys("\u{E031}").await; // F1
    app.el("shortcut-sheet").await;
    app.keys(ESC).await;

    // End: early, so a reason is asked for; Enter confirms.
    app.alt('e').await;
    app.wait_for("focus on the override reason", || async { (focused(&app).await == "end-reason").then_some(()) }).await;
    app.keys("keyboard test").await;
    app.keys(ENTER).await;
    app.el("start-form").await;

    let store = holdspace_e2e::open_store(tmp.path());
    let id = store.list_sessions().unwrap()[0].id;
    let kinds: Vec<&str> = store.entries(id).unwrap().iter().map(|e| e.body.kind()).collect();
    let order = ["session_started", "preflight", "dose", "note", "tag", "vitals", "music", "discharge_override", "session_ended"];
    let mut at = 0;
    for want in order {
        let found = kinds[at..].iter().position(|k| *k == want).map(|p| p + at);
        at = found.unwrap_or_else(|| panic!("{want} missing after {at}: {kinds:?}")) + 1;
    }
    app.quit().await;
}
