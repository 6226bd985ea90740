//! The live screen is told, not polled: idle, the window makes no IPC call at all, and a check
//! that falls due shows without the window asking (the backend sleeps until it is due).

use crate::foundation::{record_dose, start_session};
use holdspace_e2e::{parse_elapsed, App};
use std::time::{Duration, Instant};

/// Counts every call the page makes through Tauri's IPC (commands and event plumbing alike).
const COUNT_INVOKES: &str = "const i = window.__TAURI_INTERNALS__;
    if (!window.__invokes) {
        window.__invokes = [];
        const original = i.invoke.bind(i);
        i.invoke = (cmd, args, options) => { window.__invokes.push(cmd); return original(cmd, args, options); };
    }
    window.__invokes.length = 0;";

async fn invokes(app: &App) -> Vec<String> {
    let v = app.client.execute("return window.__invokes.slice()", vec![]).await.expect("read the invoke count");
    serde_json::from_value(v).unwrap_or_default()
}

async fn due(app: &App) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for li in app.all("[data-testid='checkpoint']").await {
        let status = li.attr("data-status").await.ok().flatten().unwrap_or_default();
        let id = li.attr("data-id").await.ok().flatten().unwrap_or_default();
        out.push((status, id));
    }
    out
}

async fn shows_due(app: &App, id: &str) -> bool {
    due(app).await.iter().any(|(s, i)| s == "due" && i == id)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_idle_live_screen_asks_nothing_and_is_told_when_a_check_falls_due() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    app.el("start-form").await;
    start_session(&app, "K-PUSH").await;
    record_dose(&app, "50").await;
    // The 15-minute check is now less than a minute away; the window hears of the clock move.
    app.advance_clock(14).await;
    app.wait_for("T+14 on the timer", || async {
        parse_elapsed(&app.text("elapsed").await).filter(|s| *s >= 14 * 60).map(|_| ())
    })
    .await;
    assert!(!shows_due(&app, "vitals-q15@0+15").await, "not due before T+15");

    app.client.execute(COUNT_INVOKES, vec![]).await.expect("count invokes");
    let before = parse_elapsed(&app.text("elapsed").await).unwrap_or_default();
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(invokes(&app).await, Vec::<String>::new(), "no IPC call in 5 s on the idle live screen");
    let after = parse_elapsed(&app.text("elapsed").await).unwrap_or_default();
    assert!(after >= before + 4, "the timer keeps turning on its own: {before} then {after}");

    // Nothing moves the clock now: the check falls due at T+15 and the window is told.
    let started = Instant::now();
    while !shows_due(&app, "vitals-q15@0+15").await {
        assert!(started.elapsed() < Duration::from_secs(75), "the T+15 check never showed as due: {:?}", due(&app).await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let elapsed = parse_elapsed(&app.text("elapsed").await).unwrap_or_default();
    assert!((15 * 60..15 * 60 + 5).contains(&elapsed), "due at T+15, shown at {elapsed} s");
    assert_eq!(invokes(&app).await, Vec::<String>::new(), "the window asked nothing to learn it");

    // A clock move shows the next checks within a second.
    app.advance_clock(15).await;
    let moved = Instant::now();
    while !shows_due(&app, "vitals-q15@0+30").await {
        assert!(moved.elapsed() < Duration::from_secs(1), "the T+30 check did not show within 1 s: {:?}", due(&app).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.quit().await;
}
