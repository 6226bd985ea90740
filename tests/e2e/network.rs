//! Health data stays on this machine: the running app and every process it starts (WebKit's
//! web and network processes) hold no internet socket. The only TCP allowed is loopback (the
//! test's own WebDriver automation link).

use crate::foundation::{add_note, record_dose, start_session};
use holdspace_e2e::App;
use std::collections::HashSet;
use std::fs;

/// The app's process and all its descendants.
fn process_tree(root: u32) -> Vec<u32> {
    let mut all = vec![root];
    let mut i = 0;
    while i < all.len() {
        let parent = all[i];
        for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // Field 4 (after the parenthesised name) is the parent pid.
            let ppid = stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().nth(1)).and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(parent) && !all.contains(&pid) {
                all.push(pid);
            }
        }
        i += 1;
    }
    all
}

fn socket_inodes(pid: u32) -> HashSet<String> {
    fs::read_dir(format!("/proc/{pid}/fd"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|fd| fs::read_link(fd.path()).ok())
        .filter_map(|target| {
            let t = target.to_string_lossy().into_owned();
            t.strip_prefix("socket:[").and_then(|s| s.strip_suffix(']')).map(str::to_string)
        })
        .collect()
}

/// (table, remote address hex) of each inet socket with one of `inodes`.
fn inet_sockets(inodes: &HashSet<String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for table in ["tcp", "tcp6", "udp", "udp6"] {
        let text = fs::read_to_string(format!("/proc/net/{table}")).unwrap_or_default();
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() > 9 && inodes.contains(cols[9]) {
                out.push((table.to_string(), cols[2].to_string()));
            }
        }
    }
    out
}

/// Loopback or unconnected, as /proc/net writes addresses (hex, host byte order for IPv4).
fn is_local(table: &str, remote: &str) -> bool {
    let addr = remote.split(':').next().unwrap_or("");
    if addr.chars().all(|c| c == '0') {
        return true; // not connected (listening or unbound)
    }
    if table.ends_with('6') {
        // ::1, or ::ffff:127.x.x.x
        addr == "00000000000000000000000001000000" || (addr.starts_with("0000000000000000FFFF0000") && addr.ends_with("7F"))
    } else {
        addr.ends_with("7F") // 127.x.x.x
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_opens_no_network_connection() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(tmp.path()).await;
    start_session(&app, "K-NET").await;
    record_dose(&app, "40").await;
    add_note(&app, "quiet, settled").await;
    let pids = process_tree(app.pid());
    assert!(pids.len() >= 2, "the app and its WebKit processes: {pids:?}");
    let inodes: HashSet<String> = pids.iter().flat_map(|p| socket_inodes(*p)).collect();
    let sockets = inet_sockets(&inodes);
    let outside: Vec<_> = sockets.iter().filter(|(t, r)| !is_local(t, r)).collect();
    assert!(outside.is_empty(), "sockets to other hosts: {outside:?} (all: {sockets:?})");
    app.quit().await;
}

#[test]
fn addresses_are_read_the_way_proc_writes_them() {
    assert!(is_local("tcp", "0100007F:1F90"));
    assert!(is_local("tcp", "00000000:0000"));
    assert!(!is_local("tcp", "0101A8C0:01BB")); // 192.168.1.1:443
    assert!(is_local("tcp6", "00000000000000000000000001000000:1F90"));
    assert!(!is_local("tcp6", "B80D0120000000000000000001000000:01BB"));
}
