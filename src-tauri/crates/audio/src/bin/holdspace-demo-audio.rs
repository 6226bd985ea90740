//! Render the demo playlist's audio: `holdspace-demo-audio [OUT_DIR]`
//! (default `playlists/demo/audio`). Deterministic; existing complete files are kept.

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let out = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("playlists/demo/audio"));
    let t = Instant::now();
    match holdspace_audio::demo::render_demo(&out) {
        Ok(files) => {
            for f in &files {
                println!("{}", f.display());
            }
            eprintln!("demo audio ready in {} ({:.1} s)", out.display(), t.elapsed().as_secs_f32());
        }
        Err(e) => {
            eprintln!("holdspace-demo-audio: {e}");
            std::process::exit(1);
        }
    }
}
