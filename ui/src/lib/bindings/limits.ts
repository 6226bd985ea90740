// Generated from Rust by src-tauri/src/bindings.rs. Do not edit.

/** The most timeline entries one page request may ask for (store::SLICE_MAX). */
export const PAGE_MAX = 1000;
