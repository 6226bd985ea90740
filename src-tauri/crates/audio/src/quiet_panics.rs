//! Catching decoder panics without the default panic hook printing them.
//!
//! A corrupt file can make a decoder panic; the engine catches that and skips the track. The
//! standard hook would still print `thread 'holdspace-audio' panicked at ...` on stderr, which
//! ends up in the app's log and terminal. [`catch`] marks the current thread while it runs the
//! closure, and a hook installed once (wrapping whatever hook was there before) stays quiet for
//! panics raised inside it. Every other panic is reported as before.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

static INSTALL: Once = Once::new();

/// Install the hook (once per process). Called by [`catch`]; harmless to call again.
pub(crate) fn install() {
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(|q| q.get()) == 0 {
                previous(info);
            }
        }));
    });
}

/// Run `f`, returning `Err` if it panicked, with nothing printed for that panic.
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    install();
    QUIET.with(|q| q.set(q.get() + 1));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(q.get().saturating_sub(1)));
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_caught_panic_is_an_error_and_other_code_still_runs() {
        let r: std::thread::Result<()> = super::catch(|| panic!("corrupt frame"));
        assert!(r.is_err());
        assert_eq!(super::catch(|| 5).ok(), Some(5));
    }
}
