//! After the session, in the real app: a finished session (added by `holdspace demo`) is found
//! by full-text search, opened in review at that entry, amended with a reason (the original
//! stays), signed, refused a second amendment (in the UI and through the command), given an
//! addendum, and exported in every format.

use holdspace_e2e::{cli, init_folder, App};
use std::path::Path;

/// Adds the demo session through the command line on the app's data folder (signed in as the
/// test user, who is made first on a new folder); returns its id.
pub fn add_demo(data_dir: &Path) -> i64 {
    init_folder(data_dir);
    let out = cli(data_dir, &["demo"]);
    assert!(out.status.success(), "holdspace demo failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("holdspace demo prints the session id")
}

/// A data folder with the demo session, the app on it, and the demo session's review open.
async fn open_demo_review() -> (tempfile::TempDir, App, i64) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = add_demo(&data);
    let app = App::launch(&data).await;
    app.click("open-sessions").await;
    app.click(&format!("open-{id}")).await;
    (tmp, app, id)
}

/// A small RFC 4180 reader: quoted fields with doubled quotes, commas and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "the CSV ends inside a quoted field");
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[tokio::test(flavor = "multi_thread")]
async fn review_amend_sign_refuse_addendum_and_export_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = add_demo(&data);
    let app = App::launch(&data).await;

    // Start → Sessions: the demo session is listed with its totals.
    app.click("open-sessions").await;
    app.el("sessions-screen").await;
    let theme = app.client.execute("return document.documentElement.dataset.theme", vec![]).await.unwrap();
    assert_eq!(theme.as_str(), Some("day"), "review screens use the day theme");
    let row_css = format!("[data-testid='review-row'][data-session='{id}']");
    let row = app
        .wait_for("the demo session in the list", || async {
            app.client.find(fantoccini::Locator::Css(&row_css)).await.ok()
        })
        .await;
    let row_text = row.text().await.unwrap();
    assert!(row_text.contains("DEMO-1") && row_text.contains("not signed"), "{row_text}");

    // Full-text search (demo sessions are searched only when asked): the match is
    // highlighted; Enter on a hit opens the review at it.
    app.click("search-include-demo").await;
    app.type_into("search-query", "grandmother").await;
    app.keys("\u{E007}").await;
    let hit = app.el("search-hit").await;
    let marked = hit.find(fantoccini::Locator::Css("mark")).await.expect("the match is a <mark>");
    assert_eq!(marked.text().await.unwrap().to_lowercase(), "grandmother");
    let hit_seq = hit.attr("data-seq").await.unwrap().expect("hit seq");
    app.client
        .execute("document.querySelector(\"[data-testid='search-hit']\").focus()", vec![])
        .await
        .unwrap();
    app.keys("\u{E007}").await;
    app.el("review-screen").await;
    app.wait_for("the hit's entry focused in the timeline", || async {
        let seq = app.client.active_element().await.ok()?.attr("data-seq").await.ok().flatten()?;
        (seq == hit_seq).then_some(())
    })
    .await;
    assert!(app.text("summary-client").await.contains("DEMO-1"));
    assert!(app.text("review-intention").await.contains("DEMO DATA"), "the intention is shown");
    assert_eq!(app.data("review-state", "state").await, "ended");

    // Amend a note with a reason: the original stays, with the correction, who (the signed-in
    // user) and why.
    let seq = hit_seq.clone();
    let entry_css = format!("[data-testid='timeline-entry'][data-seq='{seq}']");
    let original = app
        .client
        .find(fantoccini::Locator::Css(&format!("{entry_css} [data-testid='entry-text']")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    app.click(&format!("amend-{seq}")).await;
    app.type_into("amend-reason", "Wrong relative: she said grandfather").await;
    app.type_into("amend-correction", "Tearful; said quietly that her grandfather felt near.").await;
    app.click("amend-save").await;
    app.wait_for("the amendment under its entry", || async {
        for el in app.all(&format!("{entry_css} [data-testid='entry-amendment']")).await {
            let text = el.text().await.ok()?;
            if text.contains("Wrong relative") && text.contains(holdspace_e2e::TEST_USER) {
                return Some(());
            }
        }
        None
    })
    .await;
    let after = app
        .client
        .find(fantoccini::Locator::Css(&format!("{entry_css} [data-testid='entry-text']")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(after, original, "the original entry stays as written");
    assert!(app.text("timeline").await.contains("her grandfather felt near"));

    // Sign: the signer's passphrase again; the record locks; the UI no longer offers amendments.
    app.click("sign-open").await;
    app.click("sign-confirm").await;
    app.type_into("sign-passphrase", holdspace_e2e::TEST_PASSPHRASE).await;
    // With anything listed as open, signing asks why; the reason goes into the signature.
    let open_items = !app.all("[data-testid='sign-open-items']").await.is_empty();
    if open_items {
        app.click("sign-save").await;
        assert!(app.text("sign-error").await.starts_with("Say why you sign with items still open"));
        app.type_into("sign-open-reason", "discussed with the prescriber; nothing further to record").await;
    }
    app.click("sign-save").await;
    app.wait_for("the signed state", || async {
        (app.data("review-state", "state").await == "signed").then_some(())
    })
    .await;
    app.el("locked-note").await;
    assert!(app.all("[data-testid='amend-open']").await.is_empty(), "no amend button after signing");
    assert!(app.all("[data-testid^='amend-']").await.is_empty(), "no per-entry Amend after signing");

    // The command itself refuses, with a kind the UI switches on.
    let refused = app
        .invoke(
            "amend_entry",
            serde_json::json!({ "sessionId": id, "amendsSeq": 2, "reason": "r", "correction": "c", "author": "Dr Rowe" }),
        )
        .await;
    assert_eq!(refused["error"]["kind"], "session_closed", "{refused}");

    // Addendum, signed by its author.
    app.type_into("addendum-text", "Phoned next day: sleeping well, no nausea.").await;
    app.click("addendum-save").await;
    app.wait_for("the addendum in the summary", || async {
        let text = app.client.find(fantoccini::Locator::Css("[data-testid='summary-addenda']")).await.ok()?.text().await.ok()?;
        text.contains("Phoned next day").then_some(())
    })
    .await;

    // Export every format into a folder given by path (from the top of the review).
    let out = tmp.path().join("exports");
    std::fs::create_dir(&out).unwrap();
    app.export_to(&out).await;
    for (n, format) in ["pdf", "csv", "json", "m3u8"].into_iter().enumerate() {
        app.click(&format!("export-{format}")).await;
        // Confirmed with where it goes.
        assert_eq!(app.text("export-confirm-folder").await, out.display().to_string());
        app.click("export-confirm").await;
        app.wait_for(&format!("the {format} export"), || async {
            (app.all("[data-testid='export-path']").await.len() == n + 1).then_some(())
        })
        .await;
    }
    assert!(app.all("[data-testid='export-error']").await.is_empty());
    let files: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(files.len(), 4, "{files:?}");
    let find = |ext: &str| files.iter().find(|p| p.extension().is_some_and(|e| e == ext)).cloned().unwrap();
    for f in &files {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(f).unwrap().permissions().mode() & 0o777, 0o600, "{}", f.display());
    }
    let pdf = find("pdf");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("DEMO-1"), "the PDF names the client code");
    assert!(text.contains("Phoned next day"), "the PDF holds the addendum");
    let csv = parse_csv(&std::fs::read_to_string(find("csv")).unwrap());
    assert_eq!(csv[0][0], "session_id");
    assert!(csv.len() > 20 && csv.iter().all(|r| r.len() == csv[0].len()), "every CSV row has every column");
    assert!(csv.iter().any(|r| r.iter().any(|f| f.contains("Wrong relative"))), "the amendment is in the CSV");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(find("json")).unwrap()).unwrap();
    assert_eq!(json["session"]["client_code"], "DEMO-1");
    assert_eq!(json["session"]["state"], "signed");
    assert!(std::fs::read_to_string(find("m3u8")).unwrap().starts_with("#EXTM3U"));

    // Back to the list: the session now shows as signed.
    app.click("review-back").await;
    app.wait_for("the signed session in the list", || async {
        let text = app.client.find(fantoccini::Locator::Css(&row_css)).await.ok()?.text().await.ok()?;
        text.contains("✔ signed").then_some(())
    })
    .await;
    app.quit().await;
}

/// Pointing at the chart shows the entry under the pointer as the timeline has it (T+ time
/// and text), read from the backend, and the button beside it shows that entry in the timeline.
#[tokio::test(flavor = "multi_thread")]
async fn pointing_at_the_chart_shows_the_entry() {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction};
    let (_tmp, app, _) = open_demo_review().await;
    let over = app
        .wait_for("the drawn chart", || async {
            app.client.find(fantoccini::Locator::Css("[data-testid='session-chart'] .u-over")).await.ok()
        })
        .await;
    over.click().await.ok(); // scrolls it into view
    let width = app
        .client
        .execute("return document.querySelector(\"[data-testid='session-chart'] .u-over\").getBoundingClientRect().width", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap_or(0.0);
    assert!(width > 100.0, "the plot has a width: {width}");
    // Sweep the pointer left to right until a vitals reading is under it.
    let mut shown = String::new();
    let mut x = -width / 2.0 + 4.0;
    while x < width / 2.0 - 4.0 {
        let mouse = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement { element: over.clone(), duration: None, x, y: 0.0 });
        app.client.perform_actions(mouse).await.expect("move the pointer");
        // At once the time and kind; the entry's own text follows from the backend.
        let text = app.text("chart-hover").await;
        if text.contains("Vitals") || text.contains("BP ") {
            shown = text;
            break;
        }
        x += 6.0;
    }
    assert!(!shown.is_empty(), "no vitals reading under the pointer across the plot");
    let readout = app
        .wait_for("the entry's text from the backend", || async {
            Some(app.text("chart-hover").await).filter(|t| t.contains("BP "))
        })
        .await;
    assert!(readout.contains("T+") || readout.contains("before dose"), "{readout}");
    app.client
        .find(fantoccini::Locator::Css("[data-testid='chart-hover'] button"))
        .await
        .expect("the show-in-timeline button")
        .click()
        .await
        .unwrap();
    app.wait_for("the entry focused in the timeline", || async {
        let el = app.client.active_element().await.ok()?;
        (el.attr("data-testid").await.ok().flatten()? == "timeline-entry").then_some(())
    })
    .await;
    let focused = app.client.active_element().await.unwrap();
    let text = focused.find(fantoccini::Locator::Css("[data-testid='entry-text']")).await.unwrap().text().await.unwrap();
    assert!(readout.contains(&text), "the readout {readout:?} is the timeline's {text:?}");
    app.quit().await;
}

/// Runs xdotool (the system folder chooser is a GTK window outside the page) and returns
/// its output; `None` when it fails, e.g. while the window is not there yet.
fn xdotool(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("xdotool").args(args).output().expect("xdotool is installed by make setup-test");
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The export folder is picked in the system's folder chooser: it opens over the window, the
/// folder chosen there fills the field, and the export is written into it. Cancelling keeps
/// the folder that was there.
#[tokio::test(flavor = "multi_thread")]
async fn the_export_folder_is_picked_in_the_system_folder_chooser() {
    let (tmp, app, _) = open_demo_review().await;
    let out = tmp.path().join("chart exports");
    std::fs::create_dir(&out).unwrap();
    app.click("export-open").await;
    app.el("export-panel").await;
    let folder_value = || async { app.el("export-folder").await.prop("value").await.ok().flatten().unwrap_or_default() };
    let suggested = app.wait_for("a suggested folder", || async { Some(folder_value().await).filter(|v| !v.is_empty()) }).await;

    let chooser = || async {
        app.wait_for("the folder chooser", || async {
            xdotool(&["search", "--onlyvisible", "--name", "Export to which folder"])
                .and_then(|ids| ids.lines().next().map(str::to_string))
        })
        .await
    };
    // Cancelled: nothing changes.
    app.click("export-choose").await;
    let window = chooser().await;
    xdotool(&["windowfocus", "--sync", &window]).expect("focus the chooser");
    xdotool(&["key", "Escape"]).expect("press Escape");
    app.wait_for("the chooser closed", || async { (app.text("export-choose").await == "Choose folder…").then_some(()) }).await;
    assert_eq!(folder_value().await, suggested);

    // Chosen by typing its path in the chooser's location field.
    app.click("export-choose").await;
    let window = chooser().await;
    xdotool(&["windowfocus", "--sync", &window]).expect("focus the chooser");
    xdotool(&["key", "ctrl+l"]).expect("open the location field");
    xdotool(&["type", "--delay", "15", &format!("{}/", out.display())]).expect("type the folder");
    xdotool(&["key", "Return"]).expect("press Return");
    let expected = out.display().to_string();
    app.wait_for("the chosen folder in the field", || async { (folder_value().await == expected).then_some(()) }).await;
    app.click("export-csv").await;
    app.click("export-confirm").await;
    let path = app.text("export-path").await;
    assert!(path.contains(&expected), "{path}");
    let files: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(files.len(), 1, "one CSV in the chosen folder: {files:?}");
    app.quit().await;
}

/// A session longer than a page: the review opens with the first page, a search hit far down
/// opens the page around it, earlier entries and a filter are read from the backend page by
/// page, and an entry beyond the loaded pages can still be amended by its number.
#[tokio::test(flavor = "multi_thread")]
async fn a_long_session_is_read_a_page_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    add_demo(&data);
    let (long, far_seq) = {
        use holdspace_core::{NewSession, Route};
        let store = holdspace_e2e::open_store(&data);
        let (s, _) = store
            .start_session(NewSession {
                client_code: "K-LONG".into(),
                therapist: "Dr Rowe".into(),
                route: Route::Sublingual,
                protocol: "sublingual-ketamine".into(),
                intention: String::new(),
            })
            .unwrap();
        let mut far = 0;
        for i in 0..1_200 {
            let text = if i == 1_000 { "saw a lighthouse in the fog".to_string() } else { format!("resting quietly ({i})") };
            let seq = store.add_note(s.id, &text).unwrap().seq;
            if i == 1_000 {
                far = seq;
            }
        }
        store.end_session(s.id, "").unwrap();
        (s.id, far)
    };
    let total = 1_202; // start, 1,200 notes, end
    let app = App::launch(&data).await;
    app.click("open-sessions").await;
    app.el("sessions-screen").await;

    // Opened from the list: the first page, with the whole count.
    app.click(&format!("open-{long}")).await;
    app.wait_for("the first page", || async {
        app.text("timeline-count").await.contains(&format!("{total} entries")).then_some(())
    })
    .await;
    assert!(app.all("[data-testid='timeline-entry'][data-seq='1']").await.len() == 1);
    assert!(app.all(&format!("[data-testid='timeline-entry'][data-seq='{far_seq}']")).await.is_empty());

    // A filter is applied to the whole session, not only the loaded rows.
    app.click("kind-note").await;
    app.wait_for("only start and end left", || async {
        app.text("timeline-count").await.contains(&format!("2 of {total} entries shown")).then_some(())
    })
    .await;
    app.click("kind-all").await;
    app.wait_for("every entry again", || async {
        app.text("timeline-count").await.contains(&format!("{total} entries")).then_some(())
    })
    .await;

    // Amend an entry beyond the loaded pages by its number: the form reads it from the backend.
    app.click("amend-open").await;
    app.set_value("amend-seq", &far_seq.to_string()).await;
    app.wait_for("the far entry's original text", || async {
        app.text("amend-original").await.contains("lighthouse").then_some(())
    })
    .await;
    app.click("amend-cancel").await;

    // A search hit far down opens the review at the page around it.
    app.click("review-back").await;
    app.el("sessions-screen").await;
    app.type_into("search-query", "lighthouse").await;
    app.keys("\u{E007}").await;
    let hit = app.el("search-hit").await;
    assert_eq!(hit.attr("data-seq").await.unwrap(), Some(far_seq.to_string()));
    hit.click().await.unwrap();
    app.el("review-screen").await;
    app.wait_for("the far entry focused", || async {
        let seq = app.client.active_element().await.ok()?.attr("data-seq").await.ok().flatten()?;
        (seq == far_seq.to_string()).then_some(())
    })
    .await;
    let earlier = app.text("timeline-earlier").await;
    assert!(earlier.contains("before these"), "{earlier}");
    let first_shown = || async {
        app.all("[data-testid='timeline-entry']").await[0].attr("data-seq").await.unwrap().unwrap().parse::<i64>().unwrap()
    };
    let top = first_shown().await;
    assert!(top > 1 && top <= far_seq, "the window starts near the hit, not at the start: {top}");
    app.click("timeline-earlier").await;
    app.wait_for("earlier entries above", || async { (first_shown().await < top).then_some(()) }).await;
    app.quit().await;
}

/// Measures the review screens in the real window on the benchmark database (not a pass/fail
/// test): `HOLDSPACE_BENCH_DB=DIR/bench.db` from `holdspace-bench --dir DIR`, then
/// `cargo test -p holdspace-e2e -- --ignored --nocapture review_timings` under xvfb-run.
/// `HOLDSPACE_BENCH_SESSION` picks the 10,000-entry session (the generator's is 1251).
#[tokio::test(flavor = "multi_thread")]
#[ignore]
async fn review_timings_on_the_benchmark_database() {
    let Some(db) = std::env::var_os("HOLDSPACE_BENCH_DB") else {
        eprintln!("set HOLDSPACE_BENCH_DB to a holdspace-bench database");
        return;
    };
    let big: i64 = std::env::var("HOLDSPACE_BENCH_SESSION").ok().and_then(|v| v.parse().ok()).unwrap_or(1251);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(&db, data.join("holdspace.sqlite3")).expect("copy the benchmark database");
    let app = App::launch(&data).await;
    app.el("open-sessions").await;
    for (cmd, args) in [("review_list", serde_json::json!({ "filter": {} })), ("get_review", serde_json::json!({ "sessionId": big }))] {
        let js = "const [cmd, args, done] = arguments; const t0 = performance.now();
            window.__TAURI_INTERNALS__.invoke(cmd, args).then(() => done(performance.now() - t0), (e) => done(String(e)));";
        let ms = app.client.execute_async(js, vec![cmd.into(), args]).await.expect("invoke");
        println!("{cmd} through IPC (backend, transfer, JSON parse): {ms} ms");
    }
    let list = measure(
        &app,
        "document.querySelector(\"[data-testid='open-sessions']\").click()".into(),
        "(document.querySelector(\"[data-testid='sessions-count']\")?.textContent ?? '').includes('2500') && document.querySelectorAll(\"[data-testid='review-row']\").length > 0".into(),
    )
    .await;
    println!("sessions list of 2,500, first rows rendered: {list:.0} ms");
    app.set_value("search-query", "calm").await;
    let search = measure(
        &app,
        "document.querySelector(\"[data-testid='search-button']\").click()".into(),
        "document.querySelectorAll(\"[data-testid='search-hit']\").length > 0".into(),
    )
    .await;
    println!("search \"calm\", 200 hits rendered: {search:.0} ms");
    // The big session may be further down than the first rows: show more until it is there.
    let open_css = format!("[data-testid='open-{big}']");
    while app.all(&open_css).await.is_empty() && !app.all("[data-testid='sessions-more']").await.is_empty() {
        app.click("sessions-more").await;
    }
    let open = measure(
        &app,
        format!("document.querySelector(\"[data-testid='open-{big}']\").click()"),
        "(document.querySelector(\"[data-testid='timeline-count']\")?.textContent ?? '').includes('10000') && document.querySelectorAll(\"[data-testid='timeline-entry']\").length > 0".into(),
    )
    .await;
    println!("review of the 10,000-entry session, timeline rendered: {open:.0} ms");
    let marks = app
        .client
        .execute("const m = (n) => performance.getEntriesByName(n).slice(-1)[0]?.startTime ?? NaN; return [m('review-data') - window.__measureStart, window.__measureEnd - m('review-data')];", vec![])
        .await
        .unwrap();
    let part = |i: usize| marks[i].as_f64().unwrap_or(f64::NAN);
    println!("  click to the data in the window (get_review while the list is taken down): {:.0} ms", part(0));
    println!("  data to the rendered timeline: {:.0} ms", part(1));
    app.quit().await;
}

/// Runs `click` in the page and returns the milliseconds until `done` holds (checked each frame).
async fn measure(app: &App, click: String, done: String) -> f64 {
    let js = format!(
        "const finish = arguments[0]; const t0 = performance.now(); window.__measureStart = t0; {click};
         const poll = () => {{ if ({done}) {{ window.__measureEnd = performance.now(); finish(window.__measureEnd - t0); }} else requestAnimationFrame(poll); }};
         poll();"
    );
    app.client.execute_async(&js, vec![]).await.expect("measure").as_f64().unwrap_or(f64::NAN)
}
