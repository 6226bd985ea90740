//! A preparation practice in a live session, from the keyboard: Alt+P opens it, short stage
//! lengths, Enter starts, the stages advance, Stop ends it, Esc closes it and focus is back in
//! the note box; the live log holds the practice's start and end.

use crate::foundation::start_session;
use holdspace_e2e::App;

#[tokio::test(flavor = "multi_thread")]
async fn three_sense_immersion_runs_and_is_logged_with_start_and_end() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    start_session(&app, "K-PRACTICE").await;

    app.alt('p').await;
    app.el("practice-panel").await;
    app.click("practice-choose-three-sense").await;
    for (i, len) in ["0:01", "0:01", "0:01", "0:30"].iter().enumerate() {
        app.type_into(&format!("practice-length-{i}"), len).await;
    }
    app.keys("\u{E007}").await; // Enter, in the last length box: start

    // The stages advance, one a second, in order.
    let seen = std::sync::Mutex::new(Vec::<String>::new());
    app.wait_for("the fourth stage", || async {
        let idx = app.data("practice-stage", "index").await;
        let mut s = seen.lock().unwrap();
        if s.last() != Some(&idx) {
            s.push(idx.clone());
        }
        (idx == "3").then_some(())
    })
    .await;
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first().map(String::as_str), Some("0"), "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "stages advance in order: {seen:?}");
    let cue = app.text("practice-cue").await;
    assert!(cue.contains("sights, sounds and body"), "{cue}");

    app.click("practice-stop").await;
    app.el("practice-ended").await;
    app.keys("\u{E00C}").await; // Esc
    app.wait_for("the panel to close and the note box to have focus", || async {
        let gone = app.all("[data-testid='practice-panel']").await.is_empty();
        (gone && app.focused_testid().await.as_deref() == Some("note-input")).then_some(())
    })
    .await;

    let log = app
        .wait_for("practice start and end in the log", || async {
            let practice: Vec<String> =
                app.log_texts().await.into_iter().filter(|(k, _)| k == "practice").map(|(_, t)| t).collect();
            (practice.len() >= 2).then_some(practice)
        })
        .await;
    assert!(log[0].starts_with("Practice started: Three-Sense Immersion"), "{log:?}");
    assert!(log[0].contains("Breath and body 0:01"), "{log:?}");
    assert!(log[1].starts_with("Practice ended: Three-Sense Immersion · stopped early"), "{log:?}");
    assert!(log[1].contains("Listening 0:01 → All three together"), "{log:?}");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_practice_before_a_session_is_not_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    app.click("start-practice").await;
    app.el("practice-panel").await;
    app.click("practice-choose-choiceless").await;
    for i in 0..3 {
        app.type_into(&format!("practice-length-{i}"), "0:01").await;
    }
    app.click("practice-start").await;
    let cue = app.text("practice-cue").await;
    assert!(cue.contains("open awareness"), "{cue}");
    let ended = app.text("practice-ended").await;
    assert!(ended.contains("Choiceless Awareness completed"), "{ended}");
    app.quit().await;
}
