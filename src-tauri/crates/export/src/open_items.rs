//! What is still open in a finished session's record, listed before it is signed (and in the
//! exports): flags never acknowledged, checklist items never done, music the record cannot
//! vouch for. The reviewer decides what to do about each; the app only lists.

use crate::report::{CheckLine, CheckOutcome, FlagLine, PlayedTrack};
use holdspace_core::describe::t_plus;
use holdspace_core::monitor::{checklist_events, effect_events, observations};
use holdspace_core::risks::open_items as open_checklist_items;
use holdspace_core::{Entry, EntryBody, MusicAction};
use holdspace_monitoring::{compute_checklist_state_observed, effect_blockers, effect_states, Stage, Template};

pub fn open_items(
    entries: &[Entry],
    template: Option<&Template>,
    flags: &[FlagLine],
    music: &[PlayedTrack],
    checks: &[CheckLine],
) -> Vec<String> {
    let mut out = Vec::new();
    for f in flags.iter().filter(|f| !f.acknowledged) {
        let at = f.t_plus.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
        out.push(format!("Flag not acknowledged{at}: {}", f.rule_text));
    }
    // A missed check with its reason is accounted for; one without is still open.
    for c in checks.iter().filter(|c| c.outcome == CheckOutcome::Missed && c.missed_reason.is_none()) {
        out.push(format!("Check missed, no reason given: {}", c.text));
    }
    if let Some(t) = template {
        let state = compute_checklist_state_observed(t, &checklist_events(entries), &observations(t, entries));
        out.extend(open_checklist_items(&state, &Stage::ALL));
        // Each effect the protocol asks about: recorded, and resolved when observed.
        let effects = effect_states(t, &effect_events(entries));
        out.extend(effect_blockers(&effects).into_iter().map(|b| format!("Effect {b}")));
    }
    out.extend(music_gaps(entries, music));
    out
}

/// Stretches where the record cannot say what the room heard: the output lost and never
/// regained, or a track with no end but the session's.
fn music_gaps(entries: &[Entry], music: &[PlayedTrack]) -> Vec<String> {
    let mut out = Vec::new();
    let mut lost: Option<&Entry> = None;
    for e in entries {
        if let EntryBody::Music { event } = &e.body {
            match event.action {
                MusicAction::DeviceLost => lost = lost.or(Some(e)),
                MusicAction::DeviceRegained => lost = None,
                _ => {}
            }
        }
    }
    if let Some(e) = lost {
        let at = t_plus(e.elapsed_ms).map(|t| format!(" from {t}")).unwrap_or_default();
        out.push(format!("Music: the sound output was lost{at} and the record does not show it coming back"));
    }
    if let Some(t) = music.last().filter(|t| t.ended_by.as_deref() == Some("session ended")) {
        out.push(format!(
            "Music: \"{}\" has no stop on the record; it was still playing when the session ended",
            t.title
        ));
    }
    out
}
