//! Writes the demo session in every format to a folder: `cargo run -p holdspace-export
//! --example demo-export -- OUT_DIR`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(std::env::args().nth(1).ok_or("usage: demo-export OUT_DIR")?);
    let db = out.join("demo.db");
    let id = holdspace_export::add_demo_session_at(&db, holdspace_export::default_demo_start())?;
    let store = holdspace_core::Store::open(&db, std::sync::Arc::new(holdspace_core::SystemClock))?;
    let template = holdspace_export::builtin_template("im-ketamine");
    for f in holdspace_export::Format::ALL {
        let p = holdspace_export::export(&store, template.as_ref(), id, f, &out)?;
        println!("{}", p.display());
    }
    Ok(())
}
