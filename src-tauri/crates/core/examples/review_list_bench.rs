//! Times `Store::review_list` (the review screen's sessions list) and `Store::search` on a
//! database made by `holdspace-bench --dir DIR`:
//! `cargo run --release -p holdspace-core --example review_list_bench -- DIR/bench.db`
//! A measurement, not a test.

use holdspace_core::store::ReviewFilter;
use holdspace_core::{Store, SystemClock};
use std::sync::Arc;
use std::time::Instant;

fn median(mut f: impl FnMut() -> usize, runs: usize) -> (f64, usize) {
    let n = f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    (times[times.len() / 2], n)
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: review_list_bench PATH/bench.db");
        std::process::exit(2);
    };
    let store = match Store::open(std::path::Path::new(&path), Arc::new(SystemClock)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let all = ReviewFilter::default();
    let (ms, n) = median(|| store.review_list(&all).map(|r| r.len()).unwrap_or(0), 21);
    println!("review_list, no filter ({n} rows): {ms:.2} ms");
    let code = ReviewFilter { client_code: "1".into(), ..Default::default() };
    let (ms, n) = median(|| store.review_list(&code).map(|r| r.len()).unwrap_or(0), 21);
    println!("review_list, client code contains \"1\" ({n} rows): {ms:.2} ms");
    for word in ["grandfather", "calm"] {
        let (ms, n) = median(|| store.search(word, 200).map(|r| r.len()).unwrap_or(0), 21);
        println!("search {word:?} ({n} hits shown): {ms:.2} ms");
    }
}
