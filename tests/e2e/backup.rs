//! Backups (issue 15) in the real window: with no folder chosen the start screen says the
//! record has no copy; a director chooses a folder in Settings; ending a session writes a
//! verified, encrypted backup there by itself, which `holdspace backups` lists as verified and
//! `holdspace restore` brings back into a new folder with every chain intact.

use crate::foundation::{add_note, start_session};
use holdspace_e2e::{cli, App};

#[tokio::test(flavor = "multi_thread")]
async fn ending_a_session_leaves_a_verified_backup_in_the_chosen_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let usb = tmp.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let app = App::launch(&data).await;
    let warning = app.text("backup-warning").await;
    assert!(warning.starts_with("No backup folder is chosen"), "{warning}");

    // Settings, Backups: a folder inside the data folder is refused; the USB disk is taken.
    app.click("open-settings").await;
    app.set_value("backup-folder", data.to_str().unwrap()).await;
    app.click("backup-save").await;
    assert!(app.text("backup-error").await.contains("dies with the same disk"));
    app.set_value("backup-folder", usb.to_str().unwrap()).await;
    app.click("backup-save").await;
    let warning = app.text("backup-warning").await;
    assert!(warning.starts_with("There is no verified backup in"), "{warning}");
    app.click("settings-back").await;

    start_session(&app, "B-1").await;
    add_note(&app, "settled, eyes closed").await;
    app.click("end-button").await;
    app.type_into("end-reason", "short test session").await;
    app.click("end-confirm").await;
    app.el("start-form").await;
    let manifest = app
        .wait_for("a backup with its manifest in the folder", || async {
            std::fs::read_dir(&usb).ok()?.flatten().map(|e| e.path()).find(|p| p.to_string_lossy().ends_with(".manifest.json"))
        })
        .await;
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains("\"verified\""), "{text}");
    assert!(!text.contains("B-1") && !text.contains("settled"), "the manifest holds no client code or note");
    let db = std::fs::read_dir(&usb).unwrap().flatten().map(|e| e.path()).find(|p| p.extension().is_some_and(|x| x == "sqlite3")).unwrap();
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(7).any(|w| w == b"settled"), "the backup is encrypted");

    // Settings lists it as verified; the start screen no longer warns.
    app.click("open-settings").await;
    app.wait_for("the backup listed as verified", || async {
        (app.data("backup-item", "state").await == "verified").then_some(())
    })
    .await;
    app.client.execute("document.querySelector(\"[data-testid='backup-settings']\").scrollIntoView()", vec![]).await.unwrap();
    app.screenshots("backup-settings").await;
    app.click("settings-back").await;
    app.el("start-form").await;
    assert!(app.all("[data-testid='backup-warning']").await.is_empty(), "a verified backup from now: no warning");
    app.quit().await;

    // The command line agrees, and a restore into a new folder verifies.
    let out = cli(&data, &["backups", "--in", usb.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success() && said.contains("verified"), "{said}{}", String::from_utf8_lossy(&out.stderr));
    let restored = tmp.path().join("restored");
    let out = cli(&data, &["restore", db.to_str().unwrap(), "--into", restored.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let store = holdspace_e2e::open_store(&restored);
    let notes: Vec<String> = store.entries(1).unwrap().iter().map(|e| e.text.clone()).collect();
    assert!(notes.iter().any(|t| t.contains("settled, eyes closed")), "{notes:?}");
}
