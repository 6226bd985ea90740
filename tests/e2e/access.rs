//! Access (issue 14) in the real window: the first run creates a user and shows the recovery
//! key once; a relaunch asks for the passphrase; during a session with music playing the app
//! locks after the idle minutes (the test-only clock moved with nobody at the screen) and the
//! locked screen shows the timer and the due check but nothing of the client; a PIN unlocks,
//! three wrong PINs leave the passphrase only; outside a session the lock shows nothing of the
//! record; signing asks the passphrase again; and the record on disk holds none of the notes.

use crate::foundation::{add_note, record_dose, start_session};
use crate::music::capture_config;
use holdspace_e2e::{parse_elapsed, App, Gate, TEST_PASSPHRASE, TEST_USER};
use std::path::Path;
use std::time::Duration;

const ENTER: &str = "\u{E007}";
const ESC: &str = "\u{E00C}";
const PIN: &str = "2468";

/// What a person sees: the page's rendered text.
async fn page_text(app: &App) -> String {
    let v = app.client.execute("return document.body.innerText", vec![]).await.expect("read the page text");
    v.as_str().unwrap_or_default().to_string()
}

/// Every file under `dir`, with its bytes.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

async fn wait_gate(app: &App, want: Gate) {
    app.wait_for(&format!("the gate at {want:?}"), || async { (app.gate().await == want).then_some(()) }).await;
}

async fn lock_mode(app: &App) -> String {
    app.data("unlock-form", "mode").await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_run_creates_a_user_and_shows_the_recovery_key_once_then_a_relaunch_signs_in() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let app = App::launch_at_gate(&data).await;
    assert_eq!(app.settled_gate().await, Gate::FirstRun, "a new folder starts with the first user");
    let role = app.el("first-role").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(role, "clinical_director", "the first user is offered as the clinical director");
    app.screenshots("access-first-run").await;

    // Too short a passphrase is refused in place; nothing is created.
    app.type_into("first-name", TEST_USER).await;
    app.type_into("first-passphrase", "short").await;
    app.type_into("first-passphrase-repeat", "short").await;
    app.keys(ENTER).await;
    let error = app.text("first-run-error").await;
    assert!(error.contains("at least"), "{error}");
    assert_eq!(app.gate().await, Gate::FirstRun);

    app.first_run(TEST_USER, TEST_PASSPHRASE).await;
    let key = app.text("recovery-key").await;
    assert!(key.len() >= 32 && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "a recovery key: {key:?}");
    let warning = app.text("recovery-warning").await;
    assert!(warning.contains("nobody can recover the record"), "{warning}");
    let go = app.el("recovery-continue").await;
    assert_eq!(go.prop("disabled").await.unwrap().as_deref(), Some("true"), "Continue waits for the checkbox");
    app.screenshots("access-recovery-key").await;
    assert_eq!(app.confirm_recovery().await, key);
    app.settle_open().await;
    let therapist = app.el("therapist").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(therapist, TEST_USER, "the start form shows the signed-in user");
    assert!(!page_text(&app).await.contains(&key), "the key is not shown again");
    app.quit().await;

    // Relaunched: sign in, the user preselected; a wrong passphrase is said in place.
    let app = App::launch_at_gate(&data).await;
    assert_eq!(app.settled_gate().await, Gate::SignIn);
    assert!(!page_text(&app).await.contains(&key), "the recovery key is never shown again");
    app.screenshots("access-sign-in").await;
    app.sign_in("not the passphrase").await;
    let error = app.text("sign-in-error").await;
    assert!(!error.is_empty(), "a wrong passphrase is said");
    assert_eq!(app.gate().await, Gate::SignIn);
    app.sign_in(TEST_PASSPHRASE).await;
    app.settle_open().await;
    app.el("start-form").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_session_shows_the_room_and_nothing_of_the_client_and_the_record_on_disk_is_unreadable() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../playlists/demo/demo.toml").canonicalize().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let _capture = capture_config(&data);
    // Real-time paced audio: the music is still playing when the lock comes.
    let app = App::launch_with(&data, &[("HOLDSPACE_TEST_AUDIO_PACE", "1")]).await;

    // Settings: the clinic's 10 minutes, and a PIN.
    app.click("open-settings").await;
    app.type_into("lock-after", "10").await;
    app.click("lock-after-save").await;
    app.wait_for("the lock minutes saved", || async {
        app.text("lock-after-status").await.contains("10 minutes").then_some(())
    })
    .await;
    app.type_into("pin-new", PIN).await;
    app.type_into("pin-repeat", PIN).await;
    app.click("pin-save").await;
    app.wait_for("the PIN set", || async { app.text("pin-status").await.contains("PIN set").then_some(()) }).await;
    app.click("settings-back").await;

    // A session with an intention, notes, music playing, a dose and a flag left open.
    let client = "K-LOCK-7781";
    let intention = "to meet the grief for my brother";
    let notes = ["spoke of the lake house at dawn", "hands warm, breathing slow"];
    app.type_into("intention", intention).await;
    start_session(&app, client).await;
    for n in notes {
        add_note(&app, n).await;
    }
    app.alt('d').await;
    app.select("playlist-select", &demo.display().to_string()).await;
    app.click("preflight-run").await;
    app.preflight_result().await;
    app.keys(ESC).await;
    app.alt('m').await;
    app.wait_for("the music playing", || async { (app.text("music-state").await == "playing").then_some(()) }).await;
    record_dose(&app, "50").await;
    app.alt('v').await;
    for (id, v) in [("v-systolic", "185"), ("v-diastolic", "112"), ("v-hr", "88"), ("v-spo2", "97")] {
        app.type_into(id, v).await;
    }
    app.keys(ENTER).await;
    app.el("flag-banner").await;

    // Nobody at the screen for 16 minutes: the screen locks; the T+15 check falls due.
    app.idle_for(16).await;
    wait_gate(&app, Gate::Locked).await;
    assert_eq!(app.data("lock-screen", "in-session").await, "true");
    app.wait_for("the T+15 check due on the lock screen", || async {
        app.all("[data-testid='checkpoint'][data-status='due']").await.first().map(|_| ())
    })
    .await;
    let elapsed = parse_elapsed(&app.text("elapsed").await).unwrap_or_default();
    assert!(elapsed >= 16 * 60, "the timer shows T+16: {elapsed} s");
    let shown = page_text(&app).await;
    for secret in [client, intention, notes[0], notes[1], "Systolic", "185", "LOT-42"] {
        assert!(!shown.contains(secret), "{secret:?} is on the locked screen:\n{shown}");
    }
    assert!(shown.contains("A flag needs attention"), "{shown}");
    assert!(shown.contains("DUE NOW"), "{shown}");
    assert_eq!(app.data("lock-music", "state").await, "playing", "music goes on while locked");
    assert_eq!(lock_mode(&app).await, "pin", "the user who locked unlocks with their PIN");
    app.screenshots("access-lock-in-session").await;

    // The timer keeps turning; the music controls work while locked.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let later = parse_elapsed(&app.text("elapsed").await).unwrap_or_default();
    assert!(later >= elapsed + 1, "the timer turns while locked: {elapsed} then {later}");
    app.click("lock-music-toggle").await;
    app.wait_for("the music paused from the lock screen", || async {
        (app.data("lock-music", "state").await == "paused").then_some(())
    })
    .await;
    app.click("lock-music-toggle").await;
    app.wait_for("the music resumed", || async { (app.data("lock-music", "state").await == "playing").then_some(()) }).await;

    // The PIN unlocks: the session is back as it was, the note box ready.
    app.type_into("unlock-pin", PIN).await;
    app.keys(ENTER).await;
    wait_gate(&app, Gate::Open).await;
    app.el("note-input").await;
    assert!(page_text(&app).await.contains(client));
    app.wait_for("focus back in the note box", || async {
        (app.focused_testid().await.as_deref() == Some("note-input")).then_some(())
    })
    .await;
    assert_eq!(app.text("music-state").await, "playing", "the lock did not stop the music");

    // Alt+L locks; three wrong PINs leave the passphrase only.
    app.alt('l').await;
    wait_gate(&app, Gate::Locked).await;
    for i in 1..=3 {
        app.wait_for("the PIN field", || async { app.all("[data-testid='unlock-pin']").await.first().map(|_| ()) }).await;
        app.type_into("unlock-pin", "1111").await;
        app.keys(ENTER).await;
        app.wait_for(&format!("wrong PIN {i} refused"), || async {
            (!app.text("unlock-error").await.is_empty()).then_some(())
        })
        .await;
        if i < 3 {
            app.wait_for("the PIN field again", || async { (lock_mode(&app).await == "pin").then_some(()) }).await;
        }
    }
    app.wait_for("passphrase only", || async { (lock_mode(&app).await == "passphrase").then_some(()) }).await;
    assert!(app.all("[data-testid='unlock-switch']").await.is_empty(), "no way back to the PIN");
    app.type_into("unlock-passphrase", TEST_PASSPHRASE).await;
    app.keys(ENTER).await;
    wait_gate(&app, Gate::Open).await;
    app.el("note-input").await;

    // End the session (the prescriber agreed); lock outside a session shows only the form.
    app.alt('s').await;
    app.alt('e').await;
    app.type_into("end-reason", "escort arrived; prescriber agreed").await;
    app.click("end-confirm").await;
    app.el("start-form").await;
    app.alt('l').await;
    wait_gate(&app, Gate::Locked).await;
    assert_eq!(app.data("lock-screen", "in-session").await, "false");
    let shown = page_text(&app).await;
    assert!(!shown.contains(client) && !shown.contains("Sessions") && !shown.contains("Start a session"), "{shown}");
    app.screenshots("access-lock-outside-session").await;
    app.type_into("unlock-pin", PIN).await;
    app.keys(ENTER).await;
    wait_gate(&app, Gate::Open).await;

    // Signing asks the passphrase again; a wrong one is refused.
    app.click("open-sessions").await;
    app.el("sessions-screen").await;
    let id = app.data("review-row", "session").await;
    app.click(&format!("open-{id}")).await;
    app.el("review-screen").await;
    app.click("sign-open").await;
    let by = app.el("sign-by").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(by, TEST_USER, "the signer is the signed-in user");
    assert!(app.text("sign-meaning").await.contains("reviewed and approved"));
    app.click("sign-confirm").await;
    if !app.all("[data-testid='sign-open-items']").await.is_empty() {
        app.type_into("sign-open-reason", "reviewed with the prescriber").await;
    }
    app.type_into("sign-passphrase", "not my passphrase").await;
    app.click("sign-save").await;
    let error = app.text("sign-error").await;
    assert!(!error.is_empty(), "a wrong passphrase does not sign");
    assert_ne!(app.data("review-state", "state").await, "signed");
    app.type_into("sign-passphrase", TEST_PASSPHRASE).await;
    app.click("sign-save").await;
    app.wait_for("the signed state", || async {
        (app.data("review-state", "state").await == "signed").then_some(())
    })
    .await;
    assert!(app.text("review-state").await.contains(TEST_USER), "signed by the signed-in user");
    app.quit().await;

    // At rest: no note, intention or client code in any file of the data folder.
    let files = files_under(&data);
    assert!(files.iter().any(|(p, _)| p.ends_with(holdspace_core::store::DB_FILE)), "the database is there: {:?}", files.iter().map(|f| &f.0).collect::<Vec<_>>());
    for (path, bytes) in &files {
        if path.extension().is_some_and(|e| e == "raw") {
            continue; // the captured audio
        }
        for secret in [notes[0], notes[1], intention, client] {
            assert!(!contains(bytes, secret), "{secret:?} is readable in {}", path.display());
        }
    }
}
