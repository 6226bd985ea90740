//! Drives the real Holdspace binary through WebKitWebDriver, in a real window (under Xvfb in
//! CI). Every app gets its own data folder and WebDriver port.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

pub const WAIT: Duration = Duration::from_secs(20);

/// The user every test's data folder is made with (a clinical director), and their passphrase.
/// `App::launch` creates them through the window on a new folder and signs them in on a
/// folder that has them.
pub const TEST_USER: &str = "Dr Rowe";
pub const TEST_PASSPHRASE: &str = "quiet harbour light at dusk";
/// Minutes without input before the test user's screen locks. The longest idle stretch the
/// other tests make is under an hour of app time, and `advance_clock` counts as input: the
/// lock has its own tests (access.rs), which set the minutes they need.
pub const TEST_LOCK_AFTER_MIN: u32 = 60;

/// Where the window's access gate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Still reading the access state, or opening the record after a sign-in.
    Loading,
    /// No record yet (or one from before encryption): the first user is created here.
    FirstRun,
    /// The recovery key, shown once after the first user.
    Recovery,
    SignIn,
    Locked,
    /// Past the gate (or never at it: a record that cannot be opened shows its error).
    Open,
}

const GATE_SCRIPT: &str = "const q = (t) => document.querySelector(`[data-testid='${t}']`);
    if (q('access-loading')) return 'loading';
    if (q('recovery-screen')) return 'recovery';
    if (q('first-run-form')) return 'first-run';
    if (q('sign-in-form')) return 'sign-in';
    if (q('lock-screen')) return 'locked';
    return 'open';";

/// The installed package's binary (`HOLDSPACE_E2E_INSTALLED=/usr/bin/holdspace`, set by
/// `make package-test`): the app as a clinic runs it, with no e2e feature and no checkout
/// playlists, so it must find the package's own in /usr/share/holdspace/playlists.
pub fn installed_binary() -> Option<PathBuf> {
    std::env::var_os("HOLDSPACE_E2E_INSTALLED").map(PathBuf::from)
}

/// The binary built for end-to-end tests (`make e2e-build`): the app with the `e2e` feature;
/// the installed package's when [`installed_binary`] names one.
pub fn app_binary() -> PathBuf {
    if let Some(p) = installed_binary() {
        return p;
    }
    if let Some(p) = std::env::var_os("HOLDSPACE_E2E_BIN") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/holdspace-e2e")
}

/// A file holding [`TEST_PASSPHRASE`], for the command line (`HOLDSPACE_PASSPHRASE_FILE`).
pub fn passphrase_file() -> PathBuf {
    let path = std::env::temp_dir().join(format!("holdspace-e2e-{}.passphrase", std::process::id()));
    if !path.exists() {
        std::fs::write(&path, TEST_PASSPHRASE).expect("write the test passphrase file");
    }
    path
}

/// The command line on `data_dir` as the test user (the passphrase from its file).
pub fn cli(data_dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(app_binary())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("HOLDSPACE_PASSPHRASE_FILE", passphrase_file())
        .env("HOLDSPACE_NEW_PASSPHRASE_FILE", passphrase_file())
        .output()
        .unwrap_or_else(|e| panic!("run holdspace {args:?}: {e}"))
}

/// A data folder with the test user, made from the command line (`holdspace users init`),
/// for tests that write to the record before the window opens. A folder that has a record is
/// left as it is.
pub fn init_folder(data_dir: &Path) {
    if data_dir.join(holdspace_core::store::DB_FILE).exists() {
        return;
    }
    let out = cli(data_dir, &["users", "init", "--name", TEST_USER, "--role", "clinical_director"]);
    assert!(out.status.success(), "holdspace users init failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// The record of `data_dir`, opened in this process as the test user signs in (the outside
/// reader of tests that check what the file holds). The file is encrypted: a plain SQLite
/// client cannot read it.
pub fn open_store(data_dir: &Path) -> holdspace_core::Store {
    use holdspace_core::vault::{self, Folder, Passphrase};
    let Folder::Encrypted(vault) = vault::settle_read_only(data_dir).expect("read the data folder") else {
        panic!("no encrypted record in {}", data_dir.display());
    };
    let (id, _) = vault.users().into_iter().find(|(_, n)| n == TEST_USER).expect("the test user can sign in");
    let key = vault.unlock(id, &Passphrase::new(TEST_PASSPHRASE)).expect("the test passphrase opens the record");
    vault.open(&key, std::sync::Arc::new(holdspace_core::SystemClock)).expect("open the record")
}

/// Processes running `binary` (the app under test), wherever WebKitWebDriver started them.
pub fn running(binary: &Path) -> Vec<u32> {
    let want = binary.canonicalize().unwrap_or(binary.to_path_buf());
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).map(|exe| exe == want).unwrap_or(false))
        .collect()
}

/// Kills every running copy of the app under test and waits until they are gone.
async fn stop_all(binary: &Path) {
    let pids = running(binary);
    for pid in &pids {
        let _ = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
    let started = Instant::now();
    while pids.iter().any(|p| Path::new(&format!("/proc/{p}")).exists()) && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The pid, if that process is still running.
fn alive(pid: Option<u32>) -> Option<u32> {
    pid.filter(|p| Path::new(&format!("/proc/{p}")).exists())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("no free local port");
    listener.local_addr().expect("local address").port()
}

pub struct App {
    pub client: Client,
    driver: Child,
    pub data_dir: PathBuf,
    /// The app's own config folder (window layout, ALSA settings for capture tests).
    pub config_dir: PathBuf,
}

/// The config folder the harness gives an app on `data_dir`: beside it, never inside it, so a
/// data folder the app may not write (a test of exactly that) leaves the config usable. Named
/// from the whole path: two tests' `…/data` folders never share one (nor its ALSA settings).
pub fn config_dir_for(data_dir: &Path) -> PathBuf {
    let name: String = data_dir
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' })
        .collect();
    std::env::temp_dir().join(format!("holdspace-e2e-config{name}"))
}

/// Extra environment for the app process (for example ALSA capture settings).
pub type Env<'a> = &'a [(&'a str, &'a str)];

impl App {
    pub async fn launch(data_dir: &Path) -> App {
        Self::launch_with(data_dir, &[]).await
    }

    /// Launches the app and passes the access gate as the test user: on a new folder
    /// through the first run (recovery key confirmed), on one that has them by signing in.
    /// Lands where the app goes next (the start screen, or the open session).
    pub async fn launch_with(data_dir: &Path, env: Env<'_>) -> App {
        let app = Self::launch_at_gate_with(data_dir, env).await;
        app.pass_gate().await;
        app
    }

    /// Launches the app and leaves it at its access gate (for the tests of the gate itself).
    pub async fn launch_at_gate(data_dir: &Path) -> App {
        Self::launch_at_gate_with(data_dir, &[]).await
    }

    pub async fn launch_at_gate_with(data_dir: &Path, env: Env<'_>) -> App {
        let binary = app_binary();
        assert!(binary.exists(), "{} is missing: run `make e2e-build` first", binary.display());
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the end-to-end tests under xvfb-run (make test does)"
        );
        // WebKit's automation handshake now and then never completes; a stuck attempt is
        // cleaned up and retried rather than hanging the run.
        let held_before = alive(holdspace_core::store::DataDir::holder_pid(data_dir));
        for attempt in 1..=3 {
            let (driver, connected) = Self::try_launch(&binary, data_dir, env).await;
            match connected {
                Some(client) => {
                    return App { client, driver, data_dir: data_dir.to_path_buf(), config_dir: config_dir_for(data_dir) }
                }
                None => {
                    let mut driver = driver;
                    let _ = driver.kill().await;
                    let holder = alive(holdspace_core::store::DataDir::holder_pid(data_dir));
                    if let Some(pid) = holder.filter(|p| Some(*p) != held_before) {
                        let _ = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
                    }
                    eprintln!("WebDriver session attempt {attempt} did not start; retrying");
                }
            }
        }
        panic!("no working WebDriver session after 3 attempts: the session never started, or the window never showed the UI");
    }

    async fn try_launch(binary: &Path, data_dir: &Path, env: Env<'_>) -> (Child, Option<Client>) {
        // An app left over from an earlier test would own the single-instance name, and the new
        // one would hand over to it and exit: tests run one at a time, so none may be left.
        stop_all(binary).await;
        let port = free_port();
        let mut cmd = Command::new("WebKitWebDriver");
        cmd.arg(format!("--port={port}"))
            // Without this the session request hangs: Tauri only allows automation when asked.
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env("HOLDSPACE_DATA_DIR", data_dir)
            // Window size and position are remembered per user: keep each test's apart.
            .env("XDG_CONFIG_HOME", config_dir_for(data_dir))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        if installed_binary().is_none() {
            // The repository's playlists (the demo among them), wherever the binary was copied.
            cmd.env("HOLDSPACE_PLAYLISTS_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("../playlists"));
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let driver = cmd.spawn().expect("WebKitWebDriver did not start: install webkit2gtk-driver");
        let mut caps = serde_json::Map::new();
        let binary = binary.canonicalize().unwrap_or(binary.to_path_buf());
        caps.insert("webkitgtk:browserOptions".into(), serde_json::json!({ "binary": binary, "args": [] }));
        let url = format!("http://127.0.0.1:{port}");
        let connect = async {
            let started = Instant::now();
            loop {
                let connector = hyper_util::client::legacy::connect::HttpConnector::new();
                match ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
                    Ok(c) => return Some(c),
                    Err(_) if started.elapsed() < WAIT => tokio::time::sleep(Duration::from_millis(200)).await,
                    Err(_) => return None,
                }
            }
        };
        let client = tokio::time::timeout(Duration::from_secs(40), connect).await.ok().flatten();
        // The page must also have loaded the app before a test may use it.
        if let Some(c) = &client {
            let loaded = tokio::time::timeout(WAIT, async {
                loop {
                    if let Ok(v) = c.execute("return document.querySelector('#app > *') !== null", vec![]).await {
                        if v.as_bool() == Some(true) {
                            return;
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
            .await;
            if loaded.is_err() {
                return (driver, None);
            }
        }
        (driver, client)
    }

    /// Where the access gate stands now.
    pub async fn gate(&self) -> Gate {
        match self.client.execute(GATE_SCRIPT, vec![]).await.ok().as_ref().and_then(|v| v.as_str()) {
            Some("first-run") => Gate::FirstRun,
            Some("recovery") => Gate::Recovery,
            Some("sign-in") => Gate::SignIn,
            Some("locked") => Gate::Locked,
            Some("open") => Gate::Open,
            _ => Gate::Loading,
        }
    }

    /// The gate once it has decided (not loading).
    pub async fn settled_gate(&self) -> Gate {
        self.wait_for("the access gate to decide", || async {
            Some(self.gate().await).filter(|g| *g != Gate::Loading)
        })
        .await
    }

    /// As a person would: the first user created with the test passphrase (Enter submits),
    /// the recovery key confirmed; or signed in with it. Then the lock minutes of the tests.
    pub async fn pass_gate(&self) {
        match self.settled_gate().await {
            Gate::FirstRun => {
                self.first_run(TEST_USER, TEST_PASSPHRASE).await;
                self.confirm_recovery().await;
            }
            Gate::SignIn => self.sign_in(TEST_PASSPHRASE).await,
            Gate::Recovery => panic!("the recovery key shows at launch"),
            Gate::Locked => panic!("the screen is locked at launch"),
            // A record that cannot be opened: its error is the screen.
            Gate::Open | Gate::Loading => return,
        }
        self.settle_open().await;
        let r = self.invoke("set_lock_after", serde_json::json!({ "minutes": TEST_LOCK_AFTER_MIN })).await;
        assert!(r.get("error").is_none(), "set_lock_after: {r}");
    }

    /// Fills the first-run form (the role left as offered: clinical director) and presses Enter.
    pub async fn first_run(&self, name: &str, passphrase: &str) {
        self.type_into("first-name", name).await;
        self.type_into("first-passphrase", passphrase).await;
        self.type_into("first-passphrase-repeat", passphrase).await;
        self.keys("\u{E007}").await;
        self.el_within("recovery-screen", Duration::from_secs(120)).await;
    }

    /// Ticks "I have written it down" and continues; returns the key that was shown.
    pub async fn confirm_recovery(&self) -> String {
        let key = self.text("recovery-key").await;
        self.click("recovery-kept").await;
        self.click("recovery-continue").await;
        key
    }

    /// Types the passphrase on the sign-in screen (the user preselected) and presses Enter.
    pub async fn sign_in(&self, passphrase: &str) {
        self.type_into("sign-in-passphrase", passphrase).await;
        self.keys("\u{E007}").await;
    }

    /// Waits until the gate is passed and the record's screen shows.
    pub async fn settle_open(&self) {
        self.wait_for("the record's screens after the gate", || async {
            (self.gate().await == Gate::Open).then_some(())
        })
        .await;
    }

    /// Polls `check` until it returns `Some`, or fails the test naming `what`.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let started = Instant::now();
        loop {
            // A WebDriver call that never answers fails the test instead of hanging the run.
            if let Ok(Some(v)) = tokio::time::timeout(WAIT, check()).await {
                return v;
            }
            if started.elapsed() > WAIT {
                let shot = self.screenshot(&what.replace(|c: char| !c.is_alphanumeric(), "-")).await;
                panic!("timed out after {WAIT:?} waiting for {what} (screenshot: {shot})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element with `data-testid`, once it is in the page, waiting up to `limit` (for work
    /// that takes long on a loaded machine, such as the pre-flight decoding every track).
    pub async fn el_within(&self, testid: &str, limit: Duration) -> Element {
        let css = format!("[data-testid='{testid}']");
        let started = Instant::now();
        loop {
            if let Ok(Ok(e)) = tokio::time::timeout(WAIT, self.client.find(Locator::Css(&css))).await {
                return e;
            }
            if started.elapsed() > limit {
                let shot = self.screenshot(&format!("element-{testid}")).await;
                panic!("timed out after {limit:?} waiting for element {testid} (screenshot: {shot})");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The element with `data-testid`, once it is in the page.
    pub async fn el(&self, testid: &str) -> Element {
        let css = format!("[data-testid='{testid}']");
        self.wait_for(&format!("element {testid}"), || async {
            self.client.find(Locator::Css(&css)).await.ok()
        })
        .await
    }

    pub async fn all(&self, css: &str) -> Vec<Element> {
        self.client.find_all(Locator::Css(css)).await.unwrap_or_default()
    }

    pub async fn text(&self, testid: &str) -> String {
        self.el(testid).await.text().await.unwrap_or_default()
    }

    /// Scrolls an element to the middle of its scrolling panel, as a person scrolls to it
    /// (WebKitWebDriver does not scroll a panel's own scroll area for a click).
    pub async fn reveal(&self, testid: &str) {
        self.el(testid).await;
        let script = "document.querySelector(`[data-testid='${arguments[0]}']`).scrollIntoView({block: 'center'})";
        self.client.execute(script, vec![serde_json::json!(testid)]).await.expect("scroll into view");
    }

    /// Opens the review's Export panel and points it at `out` (once its suggested folder shows).
    pub async fn export_to(&self, out: &Path) {
        self.reveal("export-open").await;
        self.click("export-open").await;
        self.wait_for("the suggested export folder", || async {
            let v = self.el("export-folder").await.prop("value").await.ok().flatten()?;
            (!v.is_empty()).then_some(())
        })
        .await;
        self.set_value("export-folder", &out.display().to_string()).await;
    }

    pub async fn type_into(&self, testid: &str, text: &str) {
        let el = self.el(testid).await;
        el.clear().await.expect("clear field");
        el.send_keys(text).await.expect("type into field");
    }

    /// Sets a field's value through the DOM (for texts too long to type key by key).
    pub async fn set_value(&self, testid: &str, text: &str) {
        let script = "const el = document.querySelector(`[data-testid='${arguments[0]}']`);
            el.value = arguments[1]; el.dispatchEvent(new Event('input', { bubbles: true }));";
        self.client
            .execute(script, vec![testid.into(), text.into()])
            .await
            .expect("set field value");
    }

    /// Chooses an option of a `<select>` as a person would (fires `change`).
    pub async fn select(&self, testid: &str, value: &str) {
        let script = "const el = document.querySelector(`[data-testid='${arguments[0]}']`);
            el.value = arguments[1]; el.dispatchEvent(new Event('change', { bubbles: true }));";
        let option = format!("[data-testid='{testid}'] option[value='{}']", value.replace('\'', "\\'"));
        self.wait_for(&format!("option {value:?} in {testid}"), || async {
            self.client.find(Locator::Css(&option)).await.ok()
        })
        .await;
        self.client.execute(script, vec![testid.into(), value.into()]).await.expect("select option");
    }

    /// Calls an app command the way the UI does (for test-only commands such as moving the clock).
    pub async fn invoke(&self, command: &str, args: serde_json::Value) -> serde_json::Value {
        let script = "const [cmd, args, done] = arguments;
            window.__TAURI_INTERNALS__.invoke(cmd, args).then(done, (e) => done({ error: e }));";
        self.client
            .execute_async(script, vec![command.into(), args])
            .await
            .unwrap_or_else(|e| panic!("invoke {command}: {e}"))
    }

    /// Moves the app clock forward (only the e2e build has this command) with the therapist
    /// at the screen: the window sees a mouse move first, so the idle lock counts from now.
    pub async fn advance_clock(&self, minutes: u32) {
        self.client
            .execute("window.dispatchEvent(new PointerEvent('pointermove'))", vec![])
            .await
            .expect("a mouse move in the window");
        self.idle_for(minutes).await;
    }

    /// Moves the app clock forward with nobody at the screen (no input first).
    pub async fn idle_for(&self, minutes: u32) {
        let r = self.invoke("advance_clock", serde_json::json!({ "minutes": minutes })).await;
        assert!(r.get("error").is_none(), "advance_clock: {r}");
    }

    /// Presses Alt+key, as the keyboard shortcuts expect.
    pub async fn alt(&self, key: char) {
        self.keys(&format!("\u{E00A}{key}\u{E00A}")).await;
    }

    /// The pre-flight's result, once shown. Pre-flight decodes every file of the playlist to
    /// the end, which on a loaded 2-core machine can take longer than `WAIT`.
    pub async fn preflight_result(&self) -> String {
        self.el_within("preflight-result", Duration::from_secs(120)).await.text().await.unwrap_or_default()
    }

    /// The `data-*` attribute of the element with `data-testid`.
    pub async fn data(&self, testid: &str, attr: &str) -> String {
        self.el(testid).await.attr(&format!("data-{attr}")).await.ok().flatten().unwrap_or_default()
    }

    pub async fn click(&self, testid: &str) {
        self.el(testid).await.click().await.expect("click");
    }

    /// Sends keys to whatever has focus, as a person at the keyboard would.
    pub async fn keys(&self, keys: &str) {
        if let Err(e) = self.try_keys(keys).await {
            panic!("{e}");
        }
    }

    /// `keys`, for a caller that survives a WebDriver call failing (the soak, on a loaded
    /// machine): the failure is the driver's, and says so, never the app's record.
    pub async fn try_keys(&self, keys: &str) -> Result<(), String> {
        let active = tokio::time::timeout(WAIT, self.client.active_element())
            .await
            .map_err(|_| "WebDriver: finding the focused element timed out".to_string())?
            .map_err(|e| format!("WebDriver: no focused element: {e}"))?;
        tokio::time::timeout(WAIT, active.send_keys(keys))
            .await
            .map_err(|_| "WebDriver: sending keys timed out".to_string())?
            .map_err(|e| format!("WebDriver: sending keys failed: {e}"))
    }

    /// The `data-testid` of the focused element, if it has one.
    pub async fn focused_testid(&self) -> Option<String> {
        let el = self.client.active_element().await.ok()?;
        el.attr("data-testid").await.ok().flatten()
    }

    /// Texts of the live log, oldest first.
    pub async fn log_texts(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for li in self.all("[data-testid='log-entry']").await {
            let kind = li.attr("data-kind").await.ok().flatten().unwrap_or_default();
            let text = match li.find(Locator::Css("[data-testid='log-text']")).await {
                Ok(t) => t.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            out.push((kind, text));
        }
        out.reverse();
        out
    }

    pub async fn screenshot(&self, name: &str) -> String {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.e2e-artifacts");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("{name}.png"));
        match self.png().await {
            Ok(png) => {
                let _ = std::fs::write(&path, png);
                path.display().to_string()
            }
            Err(e) => format!("none ({e})"),
        }
    }

    /// Screenshots at 800x560, 1280x800 and 1920x1080 (`NAME-WxH.png`), then back to 1280x800.
    /// Best effort, as artifacts are: a resize or capture that hangs is given up after [`WAIT`].
    pub async fn screenshots(&self, name: &str) {
        for (w, h) in [(800, 560), (1280, 800), (1920, 1080)] {
            if tokio::time::timeout(WAIT, self.client.set_window_rect(0, 0, w, h)).await.is_err() {
                eprintln!("screenshot {name}: resizing to {w}x{h} timed out");
                continue;
            }
            tokio::time::sleep(Duration::from_millis(400)).await;
            if tokio::time::timeout(WAIT, self.screenshot(&format!("{name}-{w}x{h}"))).await.is_err() {
                eprintln!("screenshot {name} at {w}x{h} timed out");
            }
        }
        let _ = tokio::time::timeout(WAIT, self.client.set_window_rect(0, 0, 1280, 800)).await;
    }

    /// The window as a PNG. WebKit takes it at its next paint, and a screen that nothing
    /// changes (a static list; the window paints without compositing) may never paint again:
    /// one pixel in a corner changes colour, invisibly, while it is taken. Taken when a test
    /// fails too, so a WebDriver that no longer answers gives up instead of hanging the run.
    pub async fn png(&self) -> Result<Vec<u8>, String> {
        let _ = self
            .client
            .execute(
                "let d = document.getElementById('e2e-repaint');
                 if (!d) {
                   d = document.createElement('div');
                   d.id = 'e2e-repaint';
                   d.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
                   document.documentElement.appendChild(d);
                 }
                 d.animate([{ backgroundColor: 'rgba(0,0,0,0.01)' }, { backgroundColor: 'rgba(0,0,0,0.02)' }], { duration: 200, iterations: Infinity });",
                vec![],
            )
            .await;
        let shot = tokio::time::timeout(WAIT, self.client.screenshot()).await;
        let _ = self.client.execute("document.getElementById('e2e-repaint')?.remove()", vec![]).await;
        match shot {
            Ok(Ok(png)) => Ok(png),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("WebDriver did not answer".into()),
        }
    }

    /// The app's process id, as written into the data folder's lock file.
    pub fn pid(&self) -> u32 {
        holdspace_core::store::DataDir::holder_pid(&self.data_dir).expect("the app wrote its pid")
    }

    /// Kills the app with SIGKILL: no shutdown code runs, as in a crash or power cut.
    pub async fn kill(mut self) {
        let pid = self.pid();
        let status = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        assert!(status.map(|s| s.success()).unwrap_or(false), "kill -KILL {pid} failed");
        let started = Instant::now();
        while Path::new(&format!("/proc/{pid}")).exists() && started.elapsed() < WAIT {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = self.driver.kill().await;
    }

    /// Closes the window the ordinary way and stops the driver; the app must then exit.
    pub async fn quit(mut self) {
        let _ = tokio::time::timeout(WAIT, self.client.close()).await;
        let _ = self.driver.kill().await;
        let binary = app_binary();
        let started = Instant::now();
        while !running(&binary).is_empty() && started.elapsed() < Duration::from_secs(10) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        stop_all(&binary).await;
    }
}

/// Parses `T+hh:mm:ss` into seconds.
pub fn parse_elapsed(text: &str) -> Option<i64> {
    let rest = text.trim().strip_prefix("T+")?;
    let mut parts = rest.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    Some(h * 3600 + m * 60 + s)
}
