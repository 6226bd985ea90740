//! The app's command list is written in four places Tauri needs it: the handler in app.rs,
//! build.rs (one permission per command), capabilities/default.json (the grants) and the UI's
//! backend.ts. This test fails when they differ, naming what is missing where.

use std::collections::BTreeSet;

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).map(|i| i + start.len()).unwrap_or(0);
    let to = text[from..].find(end).map(|i| from + i).unwrap_or(text.len());
    &text[from..to]
}

fn quoted(text: &str) -> BTreeSet<String> {
    text.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn the_command_list_is_the_same_in_all_four_places() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    let build = quoted(between(&read("build.rs"), "const COMMANDS: &[&str] = &[", "];"));
    let app_text = read("src/app.rs");
    let mut handlers: BTreeSet<String> = between(&app_text, "tauri::generate_handler![", "$($extra),*")
        .split(',')
        .filter_map(|s| s.trim().rsplit("::").next().map(str::to_string))
        .filter(|s| !s.is_empty())
        .collect();
    // The e2e build's extra command.
    handlers.insert("advance_clock".into());
    let grants: BTreeSet<String> = quoted(&read("capabilities/default.json"))
        .into_iter()
        .filter_map(|p| p.strip_prefix("allow-").map(|c| c.replace('-', "_")))
        .collect();
    let backend = read("../ui/src/lib/backend.ts");
    let called: BTreeSet<String> = backend
        .split("call<")
        .skip(1)
        .filter_map(|s| s.split_once(">('").map(|(_, rest)| rest.split('\'').next().unwrap_or("").to_string()))
        .collect();

    assert_eq!(handlers, build, "app.rs handlers vs build.rs COMMANDS");
    assert_eq!(grants, build, "capabilities/default.json grants vs build.rs COMMANDS");
    let unknown: Vec<&String> = called.difference(&build).collect();
    assert!(unknown.is_empty(), "backend.ts calls commands the app does not have: {unknown:?}");
    assert!(called.len() > 30, "backend.ts was read: {called:?}");
}
