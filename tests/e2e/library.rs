//! The Settings / Library screen in the real app: the demo playlist with every track found,
//! and loudness analysis of its files run to completion with a progress bar.

use holdspace_e2e::App;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn settings_lists_the_demo_playlist_found_and_analyses_its_loudness() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../playlists/demo/audio/01-first-light.wav");
    assert!(demo.exists(), "the demo audio is missing: run `make demo-audio`");
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    app.click("open-settings").await;
    app.el("settings-screen").await;
    let theme = app.client.execute("return document.documentElement.dataset.theme", vec![]).await.unwrap();
    assert_eq!(theme.as_str(), Some("day"));

    let item = app
        .wait_for("the demo playlist in the list", || async {
            for el in app.all("[data-testid='playlist-item']").await {
                let path = el.attr("data-path").await.ok().flatten().unwrap_or_default();
                if path.ends_with("demo/demo.toml") {
                    return Some(el);
                }
            }
            None
        })
        .await;
    item.click().await.unwrap();
    app.el("playlist-details").await;
    let locations = app
        .wait_for("the demo's tracks", || async {
            let mut out = Vec::new();
            for row in app.all("[data-testid='track-row']").await {
                out.push(row.attr("data-location").await.ok().flatten().unwrap_or_default());
            }
            (!out.is_empty()).then_some(out)
        })
        .await;
    assert_eq!(locations, vec!["found"; 5], "every demo track is found");
    let resolution = app.text("playlist-resolution").await;
    assert!(resolution.starts_with("5 found · 0 moved · 0 missing"), "{resolution}");

    app.click("loudness-analyse").await;
    // Analysis of about 14 minutes of audio in a debug build: allow it time.
    let started = Instant::now();
    let mut saw_progress = false;
    loop {
        let status = app.text("loudness-status").await;
        let value = app
            .client
            .execute("return document.querySelector(\"[data-testid='loudness-progress']\").value", vec![])
            .await
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        saw_progress |= value > 0.0;
        if status.starts_with("Analysis finished") {
            assert!(status.contains("5 of 5 tracks measured"), "{status}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(240), "analysis did not finish: {status}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(saw_progress, "the progress bar moved");
    app.wait_for("LUFS in every row", || async {
        let mut all = true;
        for row in app.all("[data-testid='track-row']").await {
            all &= row.attr("data-analysed").await.ok().flatten().as_deref() == Some("yes");
        }
        all.then_some(())
    })
    .await;
    let rows = app.all("[data-testid='track-row']").await;
    let first = rows[0].text().await.unwrap_or_default();
    assert!(first.contains("dBTP") && first.contains(" dB"), "{first}");
    app.quit().await;
}
