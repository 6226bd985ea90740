//! Music never outlives its session (issue 13, point 1), with real audio out through ALSA
//! captured to a file: ending the session fades the music to silence over the fade time and the
//! record says so; the next session starts with nothing loaded and nothing playing; and music
//! heard outside a session shows on the start, settings and review screens with a fade-out.

use crate::foundation::start_session;
use crate::music::capture_config;
use holdspace_e2e::App;
use std::path::{Path, PathBuf};
use std::time::Duration;


/// 100 ms windows of stereo S16: 4,410 frames of 4 bytes.
const WINDOW: usize = 4_410 * 4;

/// RMS (of full scale) of each 100 ms window from byte `from` on.
fn levels(raw: &[u8], from: usize) -> Vec<f64> {
    raw[from.min(raw.len())..]
        .chunks_exact(WINDOW)
        .map(|w| {
            let sum: f64 = w.chunks_exact(2).map(|b| f64::from(i16::from_le_bytes([b[0], b[1]])).powi(2)).sum();
            (sum / (w.len() / 2) as f64).sqrt() / 32768.0
        })
        .collect()
}

fn demo_playlist() -> PathBuf {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../playlists/demo/demo.toml").canonicalize().unwrap();
    assert!(demo.with_file_name("audio").join("01-first-light.wav").exists(), "the demo audio is missing: run `make demo-audio`");
    demo
}

async fn music_status(app: &App) -> serde_json::Value {
    let m = app.invoke("music_state", serde_json::json!({})).await;
    assert!(m.get("error").is_none(), "music_state: {m}");
    m
}


#[tokio::test(flavor = "multi_thread")]
async fn ending_the_session_fades_the_music_out_and_the_next_session_inherits_none() {
    let demo = demo_playlist();
    let tmp = tempfile::tempdir().unwrap();
    let capture = capture_config(tmp.path());
    // The file plugin is not paced; the test build paces the engine to 4x real time (the 8 s
    // fade is 2 s here, and every second of the capture is a second of audio).
    let app = App::launch_with(tmp.path(), &[("HOLDSPACE_TEST_AUDIO_PACE", "4")]).await;
    start_session(&app, "K-FIRST").await;
    let first = app.invoke("current_session", serde_json::json!({})).await["session"]["id"].as_i64().expect("session id");
    app.alt('d').await;
    app.select("playlist-select", &demo.display().to_string()).await;
    app.click("preflight-run").await;
    app.preflight_result().await;
    app.keys("\u{E00C}").await;
    app.alt('m').await;
    app.wait_for("a track to start", || async {
        app.log_texts().await.iter().any(|(k, t)| k == "music" && t.starts_with("Track:")).then_some(())
    })
    .await;
    // Past the first pad's slow attack (3 s here is 12 s of music).
    tokio::time::sleep(Duration::from_secs(3)).await;

    // Discharge while the music plays.
    app.alt('e').await;
    app.type_into("end-reason", "test of the music at the end").await;
    let at_end = std::fs::metadata(&capture).expect("the capture").len() as usize;
    app.click("end-confirm").await;
    app.el("start-form").await;

    // The engine fades out and stops: nothing is left playing or loaded to resume.
    let status = app
        .wait_for("the music to have faded out and stopped", || async {
            let m = music_status(&app).await;
            (m["status"]["state"] == "stopped" && m["status"]["fading"] == false).then_some(m)
        })
        .await;
    assert!(status["status"]["track_index"].is_null(), "{status}");
    // The record says so, just before the end.
    let view = app.invoke("get_session", serde_json::json!({ "sessionId": first })).await;
    let entries = view["entries"].as_array().expect("entries");
    let last_two: Vec<(&str, &str)> = entries[entries.len() - 2..]
        .iter()
        .map(|e| (e["body"]["kind"].as_str().unwrap_or(""), e["text"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(last_two[1].0, "session_ended", "{last_two:?}");
    assert_eq!(last_two[0].0, "music", "{last_two:?}");
    assert!(last_two[0].1.starts_with("Faded to silence") && last_two[0].1.contains("the session ended; faded out over 8 s"), "{last_two:?}");
    app.screenshot("music-end-start-screen").await;

    // The capture: still sound just after the end (a fade, not a cut), then silence to the end.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let raw = std::fs::read(&capture).unwrap();
    let before = levels(&raw, at_end.saturating_sub(10 * WINDOW));
    let before: f64 = before.iter().take(10).sum::<f64>() / 10.0;
    let after = levels(&raw, at_end);
    assert!(before > 0.003, "music was playing before the end (rms {before})");
    let quiet = after.iter().position(|l| *l < before * 0.01).expect("the music fell to silence after the end");
    println!("end fade: {:.1} s from the end of the session to silence (before: rms {before:.4})", quiet as f64 / 10.0);
    assert!(after[..5].iter().all(|l| *l > before * 0.2), "a fade, not a cut: {:?}", &after[..10]);
    assert!((3.0..=12.0).contains(&(quiet as f64 / 10.0)), "faded over about the 8 s fade time: {} s", quiet as f64 / 10.0);
    let tail = &after[after.len().saturating_sub(20)..];
    assert!(tail.len() == 20 && tail.iter().all(|l| *l < 1e-4), "silence after the fade: {tail:?}");

    // The next client's session: nothing loaded, nothing playing, nothing on its timeline.
    start_session(&app, "K-NEXT").await;
    let m = music_status(&app).await;
    assert_eq!(m["status"]["state"], "stopped", "{m}");
    assert!(m["loaded"].is_null(), "no playlist carried over: {m}");
    assert_eq!(app.data("music-bar", "state").await, "stopped");
    assert!(app.text("music-bar").await.contains("No playlist loaded"));
    // Play does nothing without a playlist chosen for this session.
    app.alt('m').await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(music_status(&app).await["status"]["state"], "stopped");
    assert!(app.log_texts().await.iter().all(|(k, _)| k != "music"), "{:?}", app.log_texts().await);
    let raw = std::fs::read(&capture).unwrap();
    let tail = levels(&raw, raw.len().saturating_sub(20 * WINDOW));
    assert!(tail.iter().all(|l| *l < 1e-4), "still silent in the next session: {tail:?}");
    app.quit().await;
}

fn add_demo(data_dir: &Path) -> i64 {
    crate::review::add_demo(data_dir)
}

async fn indicator_playing(app: &App, screen: &str) {
    app.wait_for(&format!("the music indicator on the {screen} screen"), || async {
        let el = app.client.find(fantoccini::Locator::Css("[data-testid='music-indicator']")).await.ok()?;
        let text = el.text().await.ok()?;
        (text.contains("Music is playing") && el.is_displayed().await.ok()?).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn music_heard_outside_a_session_shows_on_every_screen_with_a_fade_out() {
    let demo = demo_playlist();
    let tmp = tempfile::tempdir().unwrap();
    // The config folder is named after the data folder's name: one no other test uses, so the
    // capture settings reach no other test's app.
    let data = tmp.path().join("music-indicator-data");
    let id = add_demo(&data);
    let capture = capture_config(&data);
    let app = App::launch_with(&data, &[("HOLDSPACE_TEST_AUDIO_PACE", "4")]).await;
    app.el("start-form").await;
    assert!(app.all("[data-testid='music-indicator']").await.is_empty(), "nothing plays, nothing shows");
    // Music started outside a session (as a leftover would be).
    let loaded = app.invoke("load_playlist", serde_json::json!({ "path": demo.display().to_string() })).await;
    assert!(loaded.get("error").is_none(), "{loaded}");
    let played = app.invoke("music_control", serde_json::json!({ "control": { "kind": "play" } })).await;
    assert!(played.get("error").is_none(), "{played}");

    indicator_playing(&app, "start").await;
    app.screenshots("music-indicator-start").await;
    app.click("open-settings").await;
    indicator_playing(&app, "settings").await;
    app.screenshot("music-indicator-settings").await;
    app.click("settings-back").await;
    app.click("open-sessions").await;
    app.click(&format!("open-{id}")).await;
    app.el("review-summary").await;
    indicator_playing(&app, "review").await;
    app.screenshots("music-indicator-review").await;

    // The fade-out is a button (so Tab reaches it); it fades over the fade time and stops.
    app.click("music-indicator-fade").await;
    app.wait_for("the indicator to say the music is fading", || async {
        app.text("music-indicator").await.contains("fading out").then_some(())
    })
    .await;
    app.wait_for("the indicator to go once the music is silent", || async {
        app.all("[data-testid='music-indicator']").await.is_empty().then_some(())
    })
    .await;
    let m = music_status(&app).await;
    assert_eq!((m["status"]["state"].as_str(), m["status"]["fading"].as_bool()), (Some("stopped"), Some(false)), "{m}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let raw = std::fs::read(&capture).unwrap();
    let all = levels(&raw, 0);
    assert!(all.iter().any(|l| *l > 0.003), "the music was heard");
    let tail = &all[all.len().saturating_sub(20)..];
    assert!(tail.iter().all(|l| *l < 1e-4), "silence after the fade-out: {tail:?}");
    app.quit().await;
    let _ = std::fs::remove_dir_all(holdspace_e2e::config_dir_for(&data).join("alsa"));
}
