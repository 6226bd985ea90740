//! The foundation: start a session, dose, notes, kill -9, resume; bad input; unusable records.

use holdspace_e2e::{parse_elapsed, App};
use std::time::{Duration, Instant};

/// Fills the start form and waits for the live screen.
pub async fn start_session(app: &App, client_code: &str) {
    start_session_on(app, client_code, "intramuscular").await;
}

/// As `start_session`, choosing the route (and so its built-in protocol).
pub async fn start_session_on(app: &App, client_code: &str, route: &str) {
    app.type_into("client-code", client_code).await;
    // The therapist is the signed-in user (the harness's TEST_USER), shown read-only.
    app.select("route", route).await;
    app.click("start-button").await;
    app.el("note-input").await;
}

pub async fn record_dose(app: &App, amount: &str) {
    app.click("dose-button").await;
    app.type_into("dose-amount", amount).await;
    app.type_into("dose-lot", "LOT-42").await;
    app.click("dose-save").await;
    app.wait_for("the dose in the log", || async {
        app.log_texts().await.iter().any(|(k, _)| k == "dose").then_some(())
    })
    .await;
}

/// Types a note into the focused note box and presses Enter; waits until the log shows it.
pub async fn add_note(app: &App, text: &str) {
    assert_eq!(app.focused_testid().await.as_deref(), Some("note-input"), "the note box has focus");
    if text.is_ascii() {
        app.keys(text).await;
    } else {
        // WebKitWebDriver cannot type characters outside the BMP (emoji): set them directly.
        app.set_value("note-input", text).await;
    }
    app.keys("\u{E007}").await; // Enter
    let expected = text.to_string();
    app.wait_for(&format!("note {text:?} in the log"), || async {
        app.log_texts().await.iter().any(|(k, t)| k == "note" && *t == expected).then_some(())
    })
    .await;
}

fn notes(log: &[(String, String)]) -> Vec<String> {
    log.iter().filter(|(k, _)| k == "note").map(|(_, t)| t.clone()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_survives_kill_9_and_resumes_with_its_notes_and_timer() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    app.el("start-form").await;
    start_session(&app, "K-042").await;
    record_dose(&app, "50").await;
    let written = ["Eyes closed, breathing slow", "Said \"it's like floating\" 🙂", "'); DROP TABLE entries; --"];
    for note in written {
        add_note(&app, note).await;
    }
    let log = app.log_texts().await;
    assert_eq!(notes(&log), written, "notes in the order written");
    let times: Vec<String> = {
        let mut out = Vec::new();
        for li in app.all("[data-testid='log-entry'][data-kind='note'] .t").await {
            out.push(li.text().await.unwrap_or_default());
        }
        out
    };
    assert!(times.iter().all(|t| t.starts_with("T+00:0")), "each note shows its T+ time: {times:?}");

    // Read the timer, then kill the app without letting it shut down.
    let shown = app.text("elapsed").await;
    let elapsed_before = parse_elapsed(&shown).unwrap_or_else(|| panic!("T+ timer shown, got {shown:?}"));
    let read_at = Instant::now();
    app.kill().await;

    // Let real time pass while the app is down: the timer must count it.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let app = App::launch(tmp.path()).await;
    let client = app.text("live-client").await;
    assert_eq!(client, "K-042", "the open session is resumed");
    let log = app.log_texts().await;
    assert_eq!(notes(&log), written, "all three notes survived the kill");
    let elapsed_after = parse_elapsed(&app.text("elapsed").await).expect("T+ timer shown");
    let expected = elapsed_before + read_at.elapsed().as_secs() as i64;
    assert!(
        (elapsed_after - expected).abs() <= 2,
        "timer kept counting: {elapsed_after}s shown, {expected}s expected"
    );

    // The record on disk holds the same thing (read through the store, as the CLI does).
    app.quit().await;
    let output = holdspace_e2e::cli(tmp.path(), &["sessions"]);
    let listing = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{listing}");
    assert!(listing.lines().any(|l| l.contains("K-042") && l.trim_end().ends_with("open")), "{listing}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_a_clear_message_and_nothing_is_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    // An empty client code.
    app.click("start-button").await;
    let message = app.text("form-error").await;
    assert!(message.contains("client code"), "{message}");

    start_session(&app, "K-7").await;
    add_note(&app, "first, kept").await;

    // A 100,000-character note is refused; the text stays in the box and the log is intact.
    let huge = "a".repeat(100_000);
    app.set_value("note-input", &huge).await;
    app.click("note-input").await;
    app.keys("\u{E007}").await;
    let message = app.text("note-error").await;
    assert!(message.contains("100000 characters"), "{message}");
    let kept = app.el("note-input").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(kept.len(), 100_000, "the typed text is not thrown away");
    assert_eq!(notes(&app.log_texts().await), ["first, kept"]);

    // A note with newlines is stored and shown verbatim (Shift+Enter makes the line break).
    app.set_value("note-input", "").await;
    app.click("note-input").await;
    app.keys("line one").await;
    app.keys("\u{E008}\u{E007}\u{E008}").await; // Shift down, Enter, Shift up
    app.keys("line two").await;
    app.keys("\u{E007}").await;
    app.wait_for("the two-line note", || async {
        notes(&app.log_texts().await).iter().any(|n| n == "line one\nline two").then_some(())
    })
    .await;

    // A dose with no amount is refused with a message naming the field.
    app.click("dose-button").await;
    app.click("dose-save").await;
    let message = app.text("dose-error").await;
    assert!(message.starts_with("amount:"), "{message}");
    app.keys("\u{E00C}").await; // Escape closes the panel and focus returns to the note box
    app.wait_for("focus back on the note box", || async {
        (app.focused_testid().await.as_deref() == Some("note-input")).then_some(())
    })
    .await;

    // Ending asks first; at T+0 discharge is not advised, so it needs a reason, which is kept.
    app.click("end-button").await;
    let blockers = app.text("end-blockers").await;
    assert!(blockers.contains("Minimum observation time not met"), "{blockers}");
    app.type_into("end-reason", "test ended early").await;
    app.click("end-confirm").await;
    app.el("start-form").await;
    let table = app.text("sessions-table").await;
    assert!(table.contains("K-7") && table.contains("ended"), "{table}");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_database_is_reported_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("holdspace.sqlite3");
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(&db, &garbage).unwrap();
    let app = App::launch(tmp.path()).await;
    let message = app.text("fatal-message").await;
    assert!(message.contains("cannot be read") && message.contains("holdspace.sqlite3"), "{message}");
    app.quit().await;
    assert_eq!(std::fs::read(&db).unwrap(), garbage, "the file must not be changed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_data_folder_that_cannot_be_written_is_reported() {
    // sysfs refuses new folders even to root, so this holds whoever runs the tests.
    let app = App::launch(std::path::Path::new("/sys/holdspace-e2e")).await;
    let message = app.text("fatal-message").await;
    assert!(message.contains("/sys/holdspace-e2e") && message.contains("permission denied"), "{message}");
    app.quit().await;
}
