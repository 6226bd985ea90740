//! The installed package's window (`make package-test` installs the .deb and runs this test
//! with HOLDSPACE_E2E_INSTALLED=/usr/bin/holdspace): the test user passes the gate (signs in
//! to the record an older install made, or is created on a new folder), the start screen shows, and Settings lists the package's demo playlist from
//! /usr/share/holdspace/playlists with every (Ogg Vorbis) track found. Without the variable
//! there is no installed binary to drive, and the test says so and does nothing.
//! HOLDSPACE_E2E_INSTALLED_DATA names the data folder, kept for the script's checks.

use holdspace_e2e::App;
use std::time::Instant;

const SHARE: &str = "/usr/share/holdspace/playlists/";

#[tokio::test(flavor = "multi_thread")]
async fn installed_package_reaches_the_start_screen_with_the_demo_playlist_found() {
    let Some(binary) = holdspace_e2e::installed_binary() else {
        eprintln!("not run: HOLDSPACE_E2E_INSTALLED is not set (make package-test sets it after installing the .deb)");
        return;
    };
    assert!(binary.exists(), "{} is not installed", binary.display());
    // The script's folder (a record made by the older package) to check after `apt-get
    // remove`; else a throwaway new one.
    let tmp = tempfile::tempdir().unwrap();
    let data = std::env::var_os("HOLDSPACE_E2E_INSTALLED_DATA").map(std::path::PathBuf::from).unwrap_or(tmp.path().join("data"));
    let started = Instant::now();
    let app = App::launch(&data).await;
    app.el("start-form").await;
    let to_start = started.elapsed();
    println!("installed window: start screen {:.1} s after launch, past the sign-in gate", to_start.as_secs_f64());
    assert!(data.join(holdspace_core::store::DB_FILE).exists(), "the record is in the data folder given");

    app.click("open-settings").await;
    app.el("settings-screen").await;
    let paths = app
        .wait_for("the playlists in Settings", || async {
            let mut out = Vec::new();
            for el in app.all("[data-testid='playlist-item']").await {
                out.push(el.attr("data-path").await.ok().flatten().unwrap_or_default());
            }
            (!out.is_empty()).then_some(out)
        })
        .await;
    let demo = format!("{SHARE}demo/demo.toml");
    assert!(paths.contains(&demo), "the package's demo playlist is listed: {paths:?}");
    for curated in ["im-60.toml", "sublingual-90.toml"] {
        assert!(paths.contains(&format!("{SHARE}{curated}")), "the curated {curated} is listed: {paths:?}");
    }
    assert!(paths.iter().all(|p| p.starts_with(SHARE)), "no playlist from a checkout: {paths:?}");

    for el in app.all("[data-testid='playlist-item']").await {
        if el.attr("data-path").await.ok().flatten().as_deref() == Some(demo.as_str()) {
            el.click().await.unwrap();
            break;
        }
    }
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
    assert_eq!(locations, vec!["found"; 5], "every demo track is found in the package");
    let resolution = app.text("playlist-resolution").await;
    assert!(resolution.starts_with("5 found · 0 moved · 0 missing"), "{resolution}");
    app.quit().await;
}

/// The installed package on a computer without a sound card: it starts, and the start screen
/// says in plain words that music cannot play while the record is unaffected. (Without a
/// session bus the app is tested from the checkout: `room::…second launch without D-Bus`.)
#[tokio::test(flavor = "multi_thread")]
async fn installed_package_without_a_sound_card_starts_and_says_so() {
    let Some(binary) = holdspace_e2e::installed_binary() else {
        eprintln!("not run: HOLDSPACE_E2E_INSTALLED is not set (make package-test sets it after installing the .deb)");
        return;
    };
    assert!(binary.exists(), "{} is not installed", binary.display());
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // ALSA with no device at all: the default output names a PCM that does not exist.
    let alsa = holdspace_e2e::config_dir_for(&data).join("alsa");
    std::fs::create_dir_all(&alsa).unwrap();
    std::fs::write(alsa.join("asoundrc"), "pcm.!default { type plug; slave.pcm \"holdspace_no_such_pcm\" }\n").unwrap();
    let app = App::launch(&data).await;
    app.el("start-form").await;
    let sound = app
        .wait_for("the first-run list's sound line", || async {
            let t = app.text("first-run-sound").await;
            t.contains("No sound output found").then_some(t)
        })
        .await;
    assert!(sound.contains("the timer and record are not affected"), "{sound}");
    assert_eq!(app.data("first-run-sound", "done").await, "false", "{sound}");
    app.quit().await;
}
