//! REMS form filing with a fake clock: the 7-day deadline, the start screen's notice window,
//! what a submission may say, and corrections as new records.

use super::*;
use crate::clock::FakeClock;
use crate::entry::DoseInput;
use crate::error::ErrorKind;
use crate::rems::{local_date, FilingMethod, FilingState, NewFiling};
use crate::session::{NewSession, Route};
use chrono::{Days, Duration};
use crate::clock::Clock;
use crate::store::DB_FILE;
use std::sync::Arc;

fn session(store: &Store, route: Route) -> i64 {
    let (s, _) = store
        .start_session(NewSession { client_code: "E-3".into(), therapist: "Dr Rowe".into(), route, protocol: "esketamine-rems".into(), intention: String::new() })
        .unwrap();
    store
        .record_dose(s.id, DoseInput { substance: "esketamine".into(), amount: 56.0, unit: "mg".into(), route, lot: String::new(), minutes_ago: None })
        .unwrap();
    store.end_session(s.id, "").unwrap();
    s.id
}

fn filing(on: &str) -> NewFiling {
    NewFiling { submitted_on: on.into(), method: FilingMethod::Portal, confirmation: "RX-5521".into() }
}

#[test]
fn the_form_is_due_seven_days_after_the_session_and_noticed_from_two_days_before() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&tmp.path().join(DB_FILE), clock.clone()).unwrap();
    let id = session(&store, Route::Intranasal);
    let held = local_date(clock.now());
    let due = held.checked_add_days(Days::new(7)).unwrap();
    let day = |n: u64| held.checked_add_days(Days::new(n)).unwrap();
    assert_eq!(store.rems_state(id, held).unwrap(), FilingState::Due { due_on: due, days_left: 7 });
    assert!(store.rems_due(day(4)).unwrap().is_empty(), "5 days left: not on the start screen yet");
    let soon = store.rems_due(day(5)).unwrap();
    assert_eq!((soon.len(), soon[0].client_code.as_str()), (1, "E-3"));
    assert_eq!(soon[0].state, FilingState::Due { due_on: due, days_left: 2 });
    assert_eq!(store.rems_state(id, day(7)).unwrap(), FilingState::Due { due_on: due, days_left: 0 });
    assert_eq!(store.rems_state(id, day(9)).unwrap(), FilingState::Overdue { due_on: due, days_over: 2 });

    // Recorded late: no longer due, and marked late.
    clock.advance(Duration::days(9));
    let f = store.record_rems_filing(id, &filing(&day(8).to_string()), "Dr Rowe", day(9)).unwrap();
    assert_eq!((f.submitted_on, f.method, f.confirmation.as_str()), (day(8), FilingMethod::Portal, "RX-5521"));
    assert_eq!(
        store.rems_state(id, day(9)).unwrap(),
        FilingState::Submitted { due_on: due, submitted_on: day(8), by: "Dr Rowe".into(), method: FilingMethod::Portal, confirmation: "RX-5521".into(), late: true }
    );
    assert!(store.rems_due(day(9)).unwrap().is_empty());

    // A correction is a new record; the first stays, and the newest counts.
    let corrected = NewFiling { submitted_on: day(6).to_string(), method: FilingMethod::Fax, confirmation: String::new() };
    store.record_rems_filing(id, &corrected, "Dr Lane", day(9)).unwrap();
    let all = store.rems_filings(id).unwrap();
    assert_eq!(all.iter().map(|f| f.method).collect::<Vec<_>>(), [FilingMethod::Portal, FilingMethod::Fax]);
    assert!(matches!(store.rems_state(id, day(9)).unwrap(), FilingState::Submitted { late: false, method: FilingMethod::Fax, .. }));
    let conn = store.conn();
    assert!(conn.execute("UPDATE rems_filings SET confirmation = 'x'", []).is_err());
    assert!(conn.execute("DELETE FROM rems_filings", []).is_err());
}

#[test]
fn a_submission_before_the_session_in_the_future_or_not_a_date_is_refused_naming_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&tmp.path().join(DB_FILE), clock.clone()).unwrap();
    let id = session(&store, Route::Intranasal);
    let held = local_date(clock.now());
    let today = held.checked_add_days(Days::new(3)).unwrap();
    let before = held.checked_sub_days(Days::new(1)).unwrap();
    let err = store.record_rems_filing(id, &filing(&before.to_string()), "Dr Rowe", today).unwrap_err();
    assert_eq!(err.to_string(), format!("submitted on: {before} is before the session ({held}): the form is submitted after it"));
    let later = today.checked_add_days(Days::new(1)).unwrap();
    let err = store.record_rems_filing(id, &filing(&later.to_string()), "Dr Rowe", today).unwrap_err();
    assert_eq!(err.to_string(), format!("submitted on: {later} is in the future (today is {today}): record it once it is submitted"));
    let err = store.record_rems_filing(id, &filing("12/03/2026"), "Dr Rowe", today).unwrap_err();
    assert_eq!(err.to_string(), format!("submitted on: \"12/03/2026\" is not a date: write it as YYYY-MM-DD, e.g. {today}"));
    let long = NewFiling { confirmation: "9".repeat(101), ..filing(&today.to_string()) };
    assert_eq!(store.record_rems_filing(id, &long, "Dr Rowe", today).unwrap_err().kind(), ErrorKind::Invalid);
    assert!(store.rems_filings(id).unwrap().is_empty(), "nothing recorded by a refusal");
}

#[test]
fn sessions_other_than_esketamine_and_demo_sessions_need_no_form() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&tmp.path().join(DB_FILE), clock.clone()).unwrap();
    let im = session(&store, Route::Intramuscular);
    let today = local_date(clock.now()).checked_add_days(Days::new(30)).unwrap();
    assert_eq!(store.rems_state(im, today).unwrap(), FilingState::NotRequired);
    let err = store.record_rems_filing(im, &filing(&today.to_string()), "Dr Rowe", today).unwrap_err();
    assert!(err.to_string().contains("is not an esketamine session"), "{err}");
    assert!(store.rems_due(today).unwrap().is_empty());
    let (demo, _) = store
        .start_demo_session(NewSession { client_code: "DEMO-1".into(), therapist: "Dr A. Demo".into(), route: Route::Intranasal, protocol: "esketamine-rems".into(), intention: "DEMO DATA".into() }, "")
        .unwrap();
    assert_eq!(store.rems_state(demo.id, today).unwrap(), FilingState::NotRequired, "an invented example files nothing");
    assert!(store.rems_due(today).unwrap().is_empty());
}
