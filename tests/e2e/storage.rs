//! The record survives other programs and storage faults: an outside SQLite read, a backup, a
//! program holding the database, a full disk and a disk that fails. Whatever happens, every
//! entry the therapist saw is in the file once, or visibly "not saved yet" until it is.

use crate::foundation::{add_note, record_dose, start_session};
use holdspace_e2e::{parse_elapsed, App};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn db(dir: &Path) -> PathBuf {
    dir.join("holdspace.sqlite3")
}

/// Another program on the file, holding the key (`holdspace-sqlcipher`: its own SQLite
/// connection, locks and checkpoint on close, as a backup script with SQLCipher would have).
fn outside(dir: &Path, args: &[&str]) -> String {
    let out = outside_cmd(dir, args).output().expect("holdspace-sqlcipher runs");
    assert!(out.status.success(), "holdspace-sqlcipher {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn outside_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_holdspace-sqlcipher"));
    cmd.arg(dir).args(args).env("HOLDSPACE_PASSPHRASE_FILE", holdspace_e2e::passphrase_file());
    cmd
}

/// The plain `sqlite3` shell on the encrypted file: what it says.
fn plain_sqlite3(db: &Path, sql: &str) -> (bool, String) {
    let out = Command::new("sqlite3").arg("-batch").arg(db).arg(sql).output().expect("sqlite3 runs (package sqlite3)");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout))
}

fn python_try_count(db: &Path) -> String {
    let script = "import sqlite3, sys\ntry:\n    c = sqlite3.connect(sys.argv[1])\n    print(c.execute('select count(*) from entries').fetchone()[0])\nexcept Exception as e:\n    print('error:', e)";
    let out = Command::new("python3").args(["-c", script]).arg(db).output().expect("python3 runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// How many notes with exactly this text the file holds, read by another process (this one)
/// signed in as the test user: the file is encrypted.
fn notes_in_file(db: &Path, text: &str) -> usize {
    let store = holdspace_e2e::open_store(db.parent().expect("the data folder"));
    let sessions = store.list_sessions().expect("list the sessions");
    sessions
        .iter()
        .flat_map(|s| store.entries(s.id).expect("read the entries"))
        .filter(|e| matches!(&e.body, holdspace_core::EntryBody::Note { text: t, .. } if t == text))
        .count()
}

/// Another program holding `BEGIN EXCLUSIVE` for `seconds`.
fn hold_exclusive(dir: &Path, seconds: u64) -> Child {
    let mut child = outside_cmd(dir, &["hold", &seconds.to_string()]).stdout(Stdio::piped()).spawn().expect("holdspace-sqlcipher runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
    assert_eq!(line.trim(), "held");
    child
}

/// Types a note and presses Enter without waiting for it to be saved.
async fn type_note(app: &App, text: &str) {
    app.click("note-input").await;
    app.keys(text).await;
    app.keys("\u{E007}").await;
}

async fn pending_texts(app: &App) -> Vec<String> {
    let mut out = Vec::new();
    for el in app.all("[data-testid='pending-text']").await {
        out.push(el.text().await.unwrap_or_default());
    }
    out
}

async fn wait_pending(app: &App, text: &str) {
    let t = text.to_string();
    app.wait_for(&format!("{text:?} shown as not saved yet"), || async { pending_texts(app).await.contains(&t).then_some(()) })
        .await;
}

async fn wait_saved(app: &App, text: &str) {
    let t = text.to_string();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(40) {
        let saved = app.log_texts().await.iter().any(|(k, x)| k == "note" && *x == t);
        if saved && !pending_texts(app).await.contains(&t) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let shot = app.screenshot("storage-not-saved").await;
    panic!("{text:?} never showed as saved (screenshot {shot})");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_outside_sqlite_read_or_backup_mid_session_costs_no_later_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    start_session(&app, "K-READ").await;
    record_dose(&app, "50").await;
    add_note(&app, "before the outside reads").await;
    let file = db(tmp.path());
    // The ordinary reads that cost every later entry before: the shell, then Python. On the
    // encrypted file they learn nothing, and must cost nothing.
    let (ok, said) = plain_sqlite3(&file, "select count(*) from entries");
    assert!(!ok && said.contains("not a database"), "the plain shell cannot read the record: {said}");
    assert!(python_try_count(&file).contains("not a database"), "nor can Python's sqlite3");
    // A program with the key reads it like any SQLite client, on its own connection.
    let counted: i64 = outside(tmp.path(), &["query", "select count(*) from entries"]).parse().unwrap();
    assert!(counted >= 3, "another program sees the entries so far: {counted}");
    // A backup taken mid-session (the online backup API) holds every entry acknowledged
    // before it started.
    let copy = tmp.path().join("backup");
    std::fs::create_dir(&copy).unwrap();
    std::fs::copy(tmp.path().join("holdspace.keys"), copy.join("holdspace.keys")).unwrap();
    outside(tmp.path(), &["backup", copy.join("holdspace.sqlite3").to_str().unwrap()]);
    assert_eq!(outside(&copy, &["query", "select count(*) from entries"]).parse::<i64>().unwrap(), counted);
    assert_eq!(outside(&copy, &["query", "pragma integrity_check"]), "ok");
    let after = ["first after the reads", "second after the reads", "third after the reads"];
    for n in after {
        add_note(&app, n).await;
    }
    app.kill().await;
    for n in after {
        assert_eq!(notes_in_file(&file, n), 1, "{n:?} is in the file after kill -9");
    }
    assert_eq!(outside(tmp.path(), &["query", "pragma integrity_check"]), "ok");
    let app = App::launch(tmp.path()).await;
    app.el("note-input").await;
    let log = app.log_texts().await;
    for n in after {
        assert!(log.iter().any(|(k, t)| k == "note" && t == n), "{n:?} in the resumed log");
    }
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_note_made_while_another_program_holds_the_database_waits_visibly_then_saves_once() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    start_session(&app, "K-HELD").await;
    record_dose(&app, "50").await;
    let file = db(tmp.path());
    let mut holder = hold_exclusive(tmp.path(), 15);
    let text = "said the room felt very far away";
    type_note(&app, text).await;
    wait_pending(&app, text).await;
    let status = app.text("pending-status").await;
    let pid = holder.id().to_string();
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    assert!(
        status.contains(&format!("Another program is holding the database (pid {pid}, {})", name.trim())),
        "the cause names the program: {status}"
    );
    let kept = app.el("note-input").await.prop("value").await.ok().flatten().unwrap_or_default();
    assert_eq!(kept, text, "the note stays in the box while it waits");
    app.screenshot("storage-held-not-saved-yet").await;
    // The window stays alive while the save waits: the timer keeps turning.
    let first = parse_elapsed(&app.text("elapsed").await).expect("T+ shown");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let second = parse_elapsed(&app.text("elapsed").await).expect("T+ shown");
    assert!(second > first, "the timer redraws while a save waits: {first} then {second}");
    // And it never stalls: sample it for 4 s and find the longest time between turns.
    let (mut last, mut last_change, mut longest) = (String::new(), Instant::now(), Duration::ZERO);
    let sampling = Instant::now();
    while sampling.elapsed() < Duration::from_secs(4) {
        let shown = app.text("elapsed").await;
        if shown != last {
            if !last.is_empty() {
                longest = longest.max(last_change.elapsed());
            }
            last = shown;
            last_change = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    eprintln!("timer: longest time without a redraw while the save waited: {} ms", longest.as_millis());
    assert!(longest < Duration::from_millis(1500), "the timer stalled for {longest:?} while a save waited");
    // Pressing Enter again on the same waiting note is not a second note.
    app.click("note-input").await;
    app.keys("\u{E007}").await;
    holder.wait().expect("the holder finishes");
    wait_saved(&app, text).await;
    assert_eq!(notes_in_file(&file, text), 1, "saved exactly once");
    let kept = app.el("note-input").await.prop("value").await.ok().flatten().unwrap_or_default();
    assert_eq!(kept, "", "the box clears once the note is saved");
    let shown = app.log_texts().await.iter().filter(|(k, t)| k == "note" && t == text).count();
    assert_eq!(shown, 1, "shown once in the log");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_waiting_note_survives_kill_9_and_is_saved_once_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    start_session(&app, "K-KILL").await;
    record_dose(&app, "50").await;
    let file = db(tmp.path());
    let mut holder = hold_exclusive(tmp.path(), 6);
    let text = "kept through a crash";
    type_note(&app, text).await;
    wait_pending(&app, text).await;
    // Killed between the failed try and the retry.
    app.kill().await;
    holder.wait().expect("the holder finishes");
    assert_eq!(notes_in_file(&file, text), 0, "not in the file yet");
    let app = App::launch(tmp.path()).await;
    wait_saved(&app, text).await;
    assert_eq!(notes_in_file(&file, text), 1, "saved once by the next run");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_timer_shows_the_true_second_since_the_dose() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    start_session(&app, "K-TICK").await;
    record_dose(&app, "50").await;
    let session = app.invoke("current_session", serde_json::json!({})).await;
    let dosed = session["session"]["first_dose_at"].as_str().expect("dose time").to_string();
    // Read the shown T+ and the true elapsed time in the same script, many times over a few
    // seconds; the app clock is this machine's clock (nothing advanced it).
    let script = "const dosed = Date.parse(arguments[0]);
        const shown = document.querySelector(\"[data-testid='elapsed']\").textContent;
        return [shown, Date.now() - dosed];";
    let mut worst_ms = 0i64;
    for _ in 0..40 {
        let v = app.client.execute(script, vec![dosed.clone().into()]).await.expect("read timer");
        let shown = parse_elapsed(v[0].as_str().unwrap_or_default()).expect("T+ shown") * 1000;
        let truth = v[1].as_f64().unwrap_or_default() as i64;
        // Behind = how long ago the true T+ passed the shown one's next second.
        worst_ms = worst_ms.max(truth - (shown + 999));
        tokio::time::sleep(Duration::from_millis(137)).await;
    }
    eprintln!("timer: at worst {worst_ms} ms behind the true T+");
    assert!(worst_ms <= 250, "the T+ shown was up to {worst_ms} ms behind the true time since the dose");
    app.quit().await;
}

/// Runs `cmd` as root; tests that mount file systems need it (CI runs as root).
fn root(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_keeps_entries_visibly_and_saves_them_once_space_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    root("mount", &["-t", "tmpfs", "-o", "size=8m", "tmpfs", data.to_str().unwrap()]);
    let _mount = Mount(data.clone());
    let app = App::launch(&data).await;
    start_session(&app, "K-FULL").await;
    record_dose(&app, "50").await;
    add_note(&app, "before the disk filled").await;
    // Fill the disk the way a large download would.
    let filler = data.join("filler.bin");
    let _ = Command::new("dd").arg("if=/dev/zero").arg(format!("of={}", filler.display())).args(["bs=64k"]).output();
    let texts = ["first while full", "second while full"];
    for t in texts {
        type_note(&app, t).await;
        wait_pending(&app, t).await;
        app.set_value("note-input", "").await;
    }
    let status = app.text("pending-status").await;
    assert!(status.contains("The disk is full ("), "the cause is said plainly: {status}");
    assert!(status.contains(&format!("free on {}", data.display())), "names where: {status}");
    app.screenshot("storage-disk-full").await;
    std::fs::remove_file(&filler).unwrap();
    for t in texts {
        wait_saved(&app, t).await;
    }
    let file = db(&data);
    for t in texts {
        assert_eq!(notes_in_file(&file, t), 1, "{t:?} saved exactly once");
    }
    assert_eq!(outside(&data, &["query", "pragma integrity_check"]), "ok");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_disk_keeps_entries_and_the_next_run_saves_them_once() {
    let tmp = tempfile::tempdir().unwrap();
    let image = tmp.path().join("disk.img");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    root("truncate", &["-s", "32M", image.to_str().unwrap()]);
    root("mkfs.ext4", &["-q", image.to_str().unwrap()]);
    root("mount", &["-o", "loop,errors=remount-ro", image.to_str().unwrap(), data.to_str().unwrap()]);
    let mount = Mount(data.clone());
    let app = App::launch(&data).await;
    start_session(&app, "K-FAIL").await;
    record_dose(&app, "50").await;
    add_note(&app, "before the disk failed").await;
    // The kernel finds an error on the disk and makes it read-only, as ext4 does.
    let loop_dev = String::from_utf8_lossy(&Command::new("losetup").arg("-j").arg(&image).output().unwrap().stdout)
        .split(':')
        .next()
        .unwrap_or_default()
        .trim_start_matches("/dev/")
        .to_string();
    std::fs::write(format!("/sys/fs/ext4/{loop_dev}/trigger_fs_error"), "1").expect("inject a file-system error");
    let text = "written as the disk failed";
    type_note(&app, text).await;
    wait_pending(&app, text).await;
    let status = app.text("pending-status").await;
    assert!(
        status.contains("became read-only") || status.contains("reports errors"),
        "the cause is said plainly: {status}"
    );
    let kept = app.data("log-pending", "key").await;
    assert!(!kept.is_empty());
    app.screenshot("storage-disk-failed").await;
    // Close the app (as a therapist would, or it crashes), repair the disk, start again.
    app.kill().await;
    drop(mount);
    // e2fsck exits 1 when it repaired something, which is what we asked of it.
    let _ = Command::new("e2fsck").arg("-fy").arg(&image).output();
    root("mount", &["-o", "loop", image.to_str().unwrap(), data.to_str().unwrap()]);
    let _mount = Mount(data.clone());
    let app = App::launch(&data).await;
    wait_saved(&app, text).await;
    let file = db(&data);
    assert_eq!(notes_in_file(&file, text), 1, "saved exactly once after the repair");
    assert_eq!(notes_in_file(&file, "before the disk failed"), 1);
    assert_eq!(outside(&data, &["query", "pragma integrity_check"]), "ok");
    app.quit().await;
}
