//! Music in the real app, with real audio out through ALSA captured to a file: pick the demo
//! playlist, pre-flight, play, skip a track, fade to silence; the timeline shows those
//! entries in order and the capture holds sound.

use crate::foundation::start_session;
use holdspace_e2e::App;
use std::path::{Path, PathBuf};

/// Sends the app's default ALSA device to a raw file (S16LE, 44.1 kHz, stereo).
pub(crate) fn capture_config(data_dir: &Path) -> PathBuf {
    let capture = data_dir.join("capture.raw");
    let alsa = holdspace_e2e::config_dir_for(data_dir).join("alsa");
    std::fs::create_dir_all(&alsa).unwrap();
    let rc = format!(
        "pcm.!default {{ type plug; slave {{ pcm \"capfile\"; format S16_LE; rate 44100; channels 2 }} }}\n\
         pcm.capfile {{ type file; slave.pcm \"null\"; file \"{}\"; format \"raw\" }}\n",
        capture.display()
    );
    std::fs::write(alsa.join("asoundrc"), rc).unwrap();
    capture
}

/// The loudest 100 ms of the capture, as RMS of full scale.
fn loudest_rms(raw: &[u8]) -> f64 {
    let window = 4_410 * 2 * 2; // 100 ms of stereo S16
    raw.chunks(window)
        .map(|w| {
            let n = (w.len() / 2).max(1);
            let sum: f64 = w.chunks_exact(2).map(|b| f64::from(i16::from_le_bytes([b[0], b[1]])).powi(2)).sum();
            (sum / n as f64).sqrt() / 32768.0
        })
        .fold(0.0, f64::max)
}

async fn wait_log(app: &App, what: &str, pred: impl Fn(&[(String, String)]) -> bool) {
    app.wait_for(what, || async {
        let log = app.log_texts().await;
        pred(&log).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_playlist_plays_skips_and_fades_on_the_timeline() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../playlists/demo/demo.toml").canonicalize().unwrap();
    assert!(
        demo.with_file_name("audio").join("01-first-light.wav").exists(),
        "the demo audio is missing: run `make demo-audio`"
    );
    let tmp = tempfile::tempdir().unwrap();
    let capture = capture_config(tmp.path());
    // The file plugin is not paced; the test build paces the engine to 4x real time.
    let app = App::launch_with(tmp.path(), &[("HOLDSPACE_TEST_AUDIO_PACE", "4")]).await;
    start_session(&app, "K-MUSIC").await;

    // Dose opens the pre-flight first: choose the demo playlist and check it.
    app.alt('d').await;
    app.select("playlist-select", &demo.display().to_string()).await;
    app.click("preflight-run").await;
    let result = app.preflight_result().await;
    assert!(result.contains("Computer kept awake"), "{result}");
    app.keys("\u{E00C}").await;

    app.alt('m').await;
    wait_log(&app, "the first track to start", |log| log.iter().any(|(k, t)| k == "music" && t.starts_with("Track:"))).await;
    // Let the pad swell past its slow attack (3 s here is 12 s of music at 4x pace).
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    // The music bar while a track plays: time left to the minute.
    app.screenshots("live-music-playing").await;
    assert!(app.text("music-bar").await.contains(" min"), "{}", app.text("music-bar").await);
    app.alt('.').await;
    wait_log(&app, "the skip and the next track", |log| {
        let music: Vec<&String> = log.iter().filter(|(k, _)| k == "music").map(|(_, t)| t).collect();
        music.iter().any(|t| t.starts_with("Skipped")) && music.iter().filter(|t| t.starts_with("Track:")).count() >= 2
    })
    .await;
    app.alt('s').await;
    wait_log(&app, "the fade to silence", |log| log.iter().any(|(_, t)| t.starts_with("Faded to silence"))).await;

    let log = app.log_texts().await;
    let music: Vec<&str> = log.iter().filter(|(k, _)| k == "music" || k == "preflight").map(|(_, t)| t.as_str()).collect();
    let order = ["Playlist loaded", "Pre-flight", "Track: ", "Skipped", "Track: ", "Faded to silence"];
    let mut at = 0;
    for want in order {
        let found = music[at..].iter().position(|t| t.starts_with(want)).map(|p| p + at);
        at = found.unwrap_or_else(|| panic!("{want} missing in order: {music:?}")) + 1;
    }
    assert!(music.iter().any(|t| t.contains("First Light") || t.contains("first")), "{music:?}");
    app.quit().await;

    let raw = std::fs::read(&capture).expect("the app played through ALSA into the capture file");
    assert!(raw.len() > 44_100 * 4, "at least a second of audio was captured: {} bytes", raw.len());
    // Normalised toward -23 LUFS at 60% volume: quiet, but clearly not silence.
    let loudest = loudest_rms(&raw);
    assert!(loudest > 0.005, "the capture holds sound, not silence (loudest 100 ms: rms {loudest})");
}
