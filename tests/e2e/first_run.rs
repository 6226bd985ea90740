//! The first-run list (issue 17, item 3) in the real window: a new data folder shows it on the
//! start screen with the data folder named and nothing done that is not; adding the demo session
//! from it ticks that line and puts the session in the list; "Hide this list" hides it, and a
//! relaunch remembers that.

use crate::screens::{resize, SIZES};
use holdspace_e2e::App;

/// `NAME-WxH.png` at the three sizes, the list scrolled into view (a resize scrolls back).
async fn shots(app: &App, name: &str) {
    for (w, h) in SIZES {
        resize(app, w, h).await;
        app.reveal("first-run").await;
        app.screenshot(&format!("{name}-{w}x{h}")).await;
    }
    resize(app, 1280, 800).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_data_folder_shows_the_first_run_list_until_it_is_hidden() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let app = App::launch(&data).await;
    app.el("first-run").await;
    let folder = app.text("first-run-data-dir").await;
    assert!(folder.ends_with("data"), "the data folder shown: {folder}");
    assert_eq!(app.data("first-run-backup", "done").await, "false");
    assert_eq!(app.data("first-run-users", "done").await, "false");
    assert_eq!(app.data("first-run-demo", "done").await, "false");
    // The list sits below the start screen's buttons.
    let below = app
        .client
        .execute(
            "const l = document.querySelector('[data-testid=first-run]').getBoundingClientRect();
             const b = document.querySelector('[data-testid=open-sessions]').getBoundingClientRect();
             return l.top >= b.bottom;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(below, serde_json::json!(true), "the list must not sit above the buttons");
    shots(&app, "first-run").await;

    app.click("first-run-add-demo").await;
    app.wait_for("the demo line to be ticked", || async {
        (app.data("first-run-demo", "done").await == "true").then_some(())
    })
    .await;
    assert!(app.text("sessions-table").await.contains("DEMO-1"));
    shots(&app, "first-run-demo").await;

    app.click("first-run-hide").await;
    app.wait_for("the list to go", || async { app.all("[data-testid=first-run]").await.is_empty().then_some(()) }).await;
    app.quit().await;
    let prefs = std::fs::read_to_string(data.join("preferences.json")).unwrap();
    assert!(prefs.contains("\"first_run_dismissed\": true"), "{prefs}");

    let app = App::launch(&data).await;
    app.el("sessions-table").await;
    assert!(app.all("[data-testid=first-run]").await.is_empty(), "hidden stays hidden after a relaunch");
    app.quit().await;
}
