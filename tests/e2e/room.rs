//! The room: the computer is kept awake while a session is open, and a second launch never
//! opens a second writer.

use crate::foundation::start_session;
use holdspace_e2e::{app_binary, App};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A stand-in for the desktop's screensaver service on the test's D-Bus session bus: it
/// records the inhibit calls the app makes through the keepawake crate.
struct FakeScreenSaver {
    calls: Arc<Mutex<Vec<String>>>,
    next_cookie: u32,
}

#[zbus::interface(name = "org.freedesktop.ScreenSaver")]
impl FakeScreenSaver {
    fn inhibit(&mut self, application_name: &str, reason: &str) -> u32 {
        self.next_cookie += 1;
        self.calls.lock().unwrap().push(format!("inhibit {application_name}: {reason}"));
        self.next_cookie
    }

    fn un_inhibit(&mut self, cookie: u32) {
        self.calls.lock().unwrap().push(format!("uninhibit {cookie}"));
    }
}

async fn calls_until(app: &App, calls: &Arc<Mutex<Vec<String>>>, what: &str, n: usize) -> Vec<String> {
    app.wait_for(what, || async {
        let c = calls.lock().unwrap().clone();
        (c.len() >= n).then_some(c)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_computer_is_kept_awake_while_a_session_is_open() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let _bus = zbus::connection::Builder::session()
        .expect("a D-Bus session bus (make test runs the tests in dbus-run-session)")
        .name("org.freedesktop.ScreenSaver")
        .unwrap()
        .serve_at("/org/freedesktop/ScreenSaver", FakeScreenSaver { calls: calls.clone(), next_cookie: 0 })
        .unwrap()
        .build()
        .await
        .expect("own org.freedesktop.ScreenSaver");

    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    app.el("start-form").await;
    assert!(calls.lock().unwrap().is_empty(), "nothing is inhibited before a session opens");

    start_session(&app, "K-AWAKE").await;
    let seen = calls_until(&app, &calls, "the screen to be inhibited", 1).await;
    assert_eq!(seen[0], "inhibit org.holdspace.app: A therapy session is in progress", "{seen:?}");
    let status = app.invoke("keep_awake_status", serde_json::json!({})).await;
    assert_eq!(status["screen"], "inhibited", "{status}");
    assert_eq!(status["held"], true, "{status}");

    app.alt('e').await;
    app.type_into("end-reason", "test").await;
    app.click("end-confirm").await;
    let seen = calls_until(&app, &calls, "the inhibitor to be released", 2).await;
    assert_eq!(seen[1], "uninhibit 1", "{seen:?}");
    let status = app.invoke("keep_awake_status", serde_json::json!({})).await;
    assert_eq!(status["held"], false, "{status}");
    app.quit().await;
}

fn second_launch(data_dir: &std::path::Path, no_bus: bool) -> std::process::Output {
    let mut cmd = std::process::Command::new(app_binary());
    cmd.arg("--data-dir").arg(data_dir).env("XDG_CONFIG_HOME", holdspace_e2e::config_dir_for(data_dir).join("second"));
    if no_bus {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/holdspace-test-bus");
    }
    let mut child = cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the second launch kept running: it opened a second window");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_launch_does_not_open_a_second_writer() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    start_session(&app, "K-ONE").await;
    let first = app.pid();

    // With D-Bus: the second launch hands over to the running window and exits cleanly.
    let out = second_launch(tmp.path(), false);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Without D-Bus: the data-folder lock refuses it, with a message saying who holds it.
    let out = second_launch(tmp.path(), true);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("another Holdspace (process {first})")), "{err}");

    // The first is still the one writer, and still works.
    assert_eq!(app.pid(), first);
    crate::foundation::add_note(&app, "still here").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_size_and_position_are_remembered() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    app.el("start-form").await;
    app.client.set_window_rect(40, 30, 1000, 700).await.expect("set the window rectangle");
    let before = app.client.get_window_rect().await.unwrap();
    // Saved soon after the resize, not only at a clean exit, so it survives a crash too.
    let state = app.config_dir.join("org.holdspace.app/.window-state.json");
    // Wait for the save that holds the new size: a save from the window's first layout may
    // already be there, and killing the app before the resize is saved would test nothing.
    let (w, h) = (before.2 as u64, before.3 as u64);
    app.wait_for("the new window size to be saved", || async {
        let text = std::fs::read_to_string(&state).ok()?;
        let saved: serde_json::Value = serde_json::from_str(&text).ok()?;
        let holds = saved.as_object()?.values().any(|win| win["width"].as_u64() == Some(w) && win["height"].as_u64() == Some(h));
        holds.then_some(())
    })
    .await;
    app.kill().await;

    let app = App::launch(tmp.path()).await;
    app.el("start-form").await;
    let after = app.client.get_window_rect().await.unwrap();
    assert_eq!((after.2, after.3), (before.2, before.3), "size remembered: {before:?} then {after:?}");
    app.quit().await;
}
