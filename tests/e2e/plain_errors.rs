//! Raw system errors never reach the screen or the record (issue 13, point 7): the app launched
//! with no usable sound device (ALSA pointed at a device that does not exist) and no screen
//! saver or power service on D-Bus says what it means for the room, in the window, on the
//! timeline and in the PDF; the library's and the system's own words are kept in the entry's
//! technical details and in the data folder's log file.

use crate::foundation::start_session;
use holdspace_e2e::App;
use std::path::Path;

/// Words of the sound library and of D-Bus that must never be shown or printed as the reason.
const RAW: [&str; 6] = ["Failed to get the config", "org.freedesktop", "DBus", "unix:path", "system_bus_socket", "cpal"];

fn no_sound_device(data_dir: &Path) {
    let alsa = holdspace_e2e::config_dir_for(data_dir).join("alsa");
    std::fs::create_dir_all(&alsa).unwrap();
    std::fs::write(alsa.join("asoundrc"), "pcm.!default { type plug; slave.pcm \"holdspace_no_such_pcm\" }\n").unwrap();
}

fn assert_plain(what: &str, text: &str) {
    for raw in RAW {
        assert!(!text.contains(raw), "{what} shows the raw {raw:?}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_sound_device_and_no_keep_awake_service_are_said_in_plain_words() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../playlists/demo/demo.toml").canonicalize().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    no_sound_device(tmp.path());
    let app = App::launch(tmp.path()).await;
    start_session(&app, "K-NOSOUND").await;
    let session_id = app.invoke("current_session", serde_json::json!({})).await["session"]["id"].as_i64().expect("session id");

    // Pre-flight with the demo playlist: the output and the keep-awake lines, in plain words.
    app.alt('d').await;
    app.select("playlist-select", &demo.display().to_string()).await;
    app.click("preflight-run").await;
    let result = app.preflight_result().await;
    assert!(
        result.contains("Output device opens: No sound output found: music cannot play; the timer and record are not affected"),
        "{result}"
    );
    assert!(result.contains("Computer kept awake: the screen may blank or lock"), "{result}");
    app.keys("\u{E00C}").await;
    let notice = app
        .wait_for("the sound notice in the music bar", || async {
            let t = app.text("device-notice").await;
            t.contains("No sound output found").then_some(t)
        })
        .await;
    assert!(notice.contains("the timer and record are not affected"), "{notice}");
    app.screenshots("plain-errors-live").await;
    let page = app.client.execute("return document.body.innerText", vec![]).await.expect("page text");
    assert_plain("the live screen", page.as_str().unwrap_or(""));

    // The settings screen's device status too (after the session).
    app.alt('e').await;
    app.type_into("end-reason", "test of the error wording").await;
    app.click("end-confirm").await;
    app.el("start-form").await;
    app.click("open-settings").await;
    let device = app
        .wait_for("the device status in settings", || async {
            let t = app.text("device-status").await;
            t.contains("No sound output found").then_some(t)
        })
        .await;
    assert_plain("the settings screen", &device);

    // The record: plain words in the text (what the timeline and every export print), the
    // library's and the system's own words in the entry's technical details.
    let view = app.invoke("get_session", serde_json::json!({ "sessionId": session_id })).await;
    let entries = view["entries"].as_array().expect("entries");
    for e in entries {
        assert_plain("the timeline", e["text"].as_str().unwrap_or(""));
    }
    let preflight = entries.iter().find(|e| e["body"]["kind"] == "preflight").expect("the pre-flight entry");
    let checks = preflight["body"]["checks"].as_array().expect("checks");
    let detail = |name: &str| {
        let c = checks.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name} in {checks:?}"));
        assert_plain(name, c["reason"].as_str().unwrap_or(""));
        c["technical_detail"].as_str().unwrap_or("").to_string()
    };
    let device_detail = detail("Output device opens");
    assert!(!device_detail.is_empty() && !device_detail.contains("No sound output found"), "the library's words kept: {device_detail:?}");
    let awake_detail = detail("Computer kept awake");
    assert!(awake_detail.contains("org.freedesktop"), "the D-Bus error kept: {awake_detail:?}");

    let out = tmp.path().join("exports");
    std::fs::create_dir(&out).unwrap();
    let pdf = app
        .invoke("export_session", serde_json::json!({ "sessionId": session_id, "format": "pdf", "outDir": out.display().to_string() }))
        .await;
    let pdf = pdf.as_str().unwrap_or_else(|| panic!("export: {pdf}")).to_string();
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("No sound output found"), "the PDF says it in plain words: {text}");
    assert_plain("the PDF", &text);
    app.quit().await;

    // The log file in the data folder holds the technical words.
    let _ = std::fs::remove_dir_all(holdspace_e2e::config_dir_for(tmp.path()).join("alsa"));
    let log = std::fs::read_to_string(tmp.path().join("holdspace.log")).expect("the log file in the data folder");
    assert!(log.contains(&device_detail), "{log}");
    assert!(log.contains("org.freedesktop"), "{log}");
}
