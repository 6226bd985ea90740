//! Test harness for the captured-output engine tests (not part of the app).
//!
//! `holdspace-audio-harness SCRIPT.json` starts an [`Engine`], runs the script's steps and
//! prints every engine event and the final status as JSON lines on stdout. The tests run it
//! as a child process with its own `XDG_CONFIG_HOME` (and so its own ALSA configuration).

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use holdspace_audio::loudness::{analyse, LoudnessCache, LoudnessKey, MemoryLoudnessCache};
use holdspace_audio::{DeviceState, Engine, EngineCommand, EngineConfig, EngineEvent};

#[derive(serde::Deserialize)]
struct Script {
    config: EngineConfig,
    #[serde(default)]
    analyse: Vec<std::path::PathBuf>,
    steps: Vec<Step>,
}

#[derive(serde::Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
enum Step {
    Cmd { cmd: EngineCommand },
    /// Wait for an event whose `kind` matches.
    WaitEvent { kind: String, timeout_ms: u64 },
    /// Wait until the current track's position reaches `ms`.
    WaitPosition { ms: u64, timeout_ms: u64 },
    /// Wait until the device state is no longer `opening`.
    WaitDevice { timeout_ms: u64 },
    Sleep { ms: u64 },
    PrintStatus,
}

fn kind_of(e: &EngineEvent) -> String {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
        .unwrap_or_default()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: holdspace-audio-harness SCRIPT.json");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let script: Script = match serde_json::from_str(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let cache = Arc::new(MemoryLoudnessCache::new());
    let cancel = AtomicBool::new(false);
    for p in &script.analyse {
        match (analyse(p, &cancel, |_| {}), LoudnessKey::for_path(p)) {
            (Ok(l), Ok(k)) => {
                println!("{}", serde_json::json!({"analysed": p, "loudness": l}));
                cache.put(&k, l);
            }
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("analyse {}: {e}", p.display());
                std::process::exit(3);
            }
        }
    }
    let engine = Engine::start_with_cache(script.config, Some(cache as Arc<dyn LoudnessCache>));
    let Some(events) = engine.take_events() else {
        std::process::exit(4);
    };
    let mut code = 0;
    let print = |e: &EngineEvent| {
        println!("{}", serde_json::json!({"event": e}));
    };
    for step in script.steps {
        match step {
            Step::Cmd { cmd } => {
                if engine.send(cmd).is_err() {
                    code = 5;
                }
            }
            Step::WaitEvent { kind, timeout_ms } => {
                let deadline = Instant::now() + Duration::from_millis(timeout_ms);
                let mut found = false;
                while Instant::now() < deadline {
                    if let Ok(e) = events.recv_timeout(Duration::from_millis(20)) {
                        print(&e);
                        if kind_of(&e) == kind {
                            found = true;
                            break;
                        }
                    }
                }
                if !found {
                    eprintln!("timed out waiting for {kind}");
                    code = 6;
                }
            }
            Step::WaitPosition { ms, timeout_ms } => {
                let deadline = Instant::now() + Duration::from_millis(timeout_ms);
                while Instant::now() < deadline && engine.status().position_ms < ms {
                    while let Ok(e) = events.try_recv() {
                        print(&e);
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            Step::WaitDevice { timeout_ms } => {
                let deadline = Instant::now() + Duration::from_millis(timeout_ms);
                while Instant::now() < deadline && engine.status().device.state == DeviceState::Opening {
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            Step::Sleep { ms } => std::thread::sleep(Duration::from_millis(ms)),
            Step::PrintStatus => println!("{}", serde_json::json!({"status": engine.status()})),
        }
    }
    while let Ok(e) = events.try_recv() {
        print(&e);
    }
    println!("{}", serde_json::json!({"status": engine.status()}));
    drop(engine);
    std::process::exit(code);
}
