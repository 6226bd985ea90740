//! The review screen's data on a real store on disk: the view with its first page and chart,
//! then the rest of the timeline page by page, filtered, and around a chosen entry.

use chrono::{DateTime, TimeZone, Utc};
use holdspace_core::store::NewIntegrationNote;
use holdspace_core::{EntryBody, ErrorKind, FakeClock, NewSession, Route, Store};
use holdspace_export::review::{MarkerKind, FIRST_PAGE};
use holdspace_export::{
    add_demo_session_at, builtin_template, timeline_item, timeline_page, ReviewView, SessionReport, TimelineQuery,
};
use std::sync::Arc;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 14, 9, 0, 0).unwrap()
}

/// The demo session on disk, reopened with the clock after it.
fn demo() -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("holdspace.db");
    let id = add_demo_session_at(&db, start()).unwrap();
    let store = Store::open(&db, Arc::new(FakeClock::new(start() + chrono::Duration::hours(5)))).unwrap();
    (dir, store, id)
}

fn query(hidden: &[&str], offset: i64, limit: i64) -> TimelineQuery {
    TimelineQuery { hidden: hidden.iter().map(|s| s.to_string()).collect(), offset, limit, around_seq: None }
}

#[test]
fn the_view_holds_the_summary_the_chart_and_the_start_of_the_timeline() {
    let (_dir, store, id) = demo();
    let template = builtin_template("im-ketamine").unwrap();
    let report = SessionReport::build(&store, Some(&template), id).unwrap();
    store.add_integration_note(id, NewIntegrationNote { text: "grief theme".into(), themes: vec![], linked_seq: Some(5), author: "Dr Rowe".into() }).unwrap();
    let view = ReviewView::build(&store, Some(&template), id, None).unwrap();
    assert_eq!(view.summary, report.summary);
    assert_eq!(view.rems, report.rems);
    assert_eq!(view.template_name.as_deref(), Some(template.name.as_str()));
    // The first page is the timeline's start, nothing hidden, with the whole count.
    let total = report.timeline.len() as i64;
    assert_eq!(view.timeline.total, total);
    assert_eq!(view.timeline.shown, total);
    assert_eq!(view.timeline.items, report.timeline[..(total.min(FIRST_PAGE) as usize)].to_vec());
    assert_eq!(view.kinds.iter().map(|k| k.count).sum::<i64>(), total);
    let vitals = report.timeline.iter().filter(|it| matches!(it.entry.body, EntryBody::Vitals { .. })).count() as i64;
    assert_eq!(view.kinds.iter().find(|k| k.kind == "vitals").map(|k| k.count), Some(vitals));
    // The chart: every vitals reading, the dose at minute 0, minutes ascending, one reading
    // at the same index of every column.
    let v = &view.chart.vitals;
    assert_eq!(v.seq.len() as i64, vitals);
    assert!([v.minutes.len(), v.systolic.len(), v.diastolic.len(), v.heart_rate.len(), v.spo2.len()].iter().all(|&n| n == v.seq.len()));
    let dose = view.chart.markers.iter().find(|m| m.kind == MarkerKind::Dose).expect("a dose marker");
    assert_eq!(dose.minutes, 0.0);
    assert!(v.minutes.windows(2).all(|w| w[0] <= w[1]));
    assert!(view.chart.markers.windows(2).all(|w| w[0].minutes <= w[1].minutes));
    let first = report.timeline.iter().find(|it| it.entry.seq == v.seq[0]).unwrap();
    match &first.entry.body {
        EntryBody::Vitals { reading } => {
            assert_eq!((reading.systolic, reading.heart_rate), (v.systolic[0], v.heart_rate[0]));
            let origin = report.session.first_dose_at.unwrap();
            let minutes = (first.entry.at - origin).num_milliseconds() as f64 / 60_000.0;
            assert!((v.minutes[0] - minutes).abs() < 0.001, "{} vs {minutes}", v.minutes[0]);
        }
        other => panic!("the first point is not a vitals entry: {other:?}"),
    }
    assert!(view.chart.markers.iter().any(|m| m.kind == MarkerKind::Tag && m.label == "Tearful"));
    // Every integration note's link can say what it points at.
    let mut wanted: Vec<i64> = view.integration_notes.iter().filter_map(|n| n.linked_seq).collect();
    wanted.sort();
    wanted.dedup();
    assert!(wanted.contains(&5));
    assert_eq!(view.linked.iter().map(|it| it.entry.seq).collect::<Vec<_>>(), wanted);
}

#[test]
fn pages_read_in_turn_give_back_the_whole_timeline_filtered() {
    let (_dir, store, id) = demo();
    let report = SessionReport::build(&store, None, id).unwrap();
    for hidden in [vec![], vec!["vitals", "checklist"]] {
        let want: Vec<_> =
            report.timeline.iter().filter(|it| !hidden.contains(&it.entry.body.kind())).cloned().collect();
        let mut got = Vec::new();
        loop {
            let page = timeline_page(&store, id, &query(&hidden, got.len() as i64, 7)).unwrap();
            assert_eq!(page.shown, want.len() as i64);
            assert_eq!(page.total, report.timeline.len() as i64);
            assert_eq!(page.offset, got.len() as i64);
            if page.items.is_empty() {
                break;
            }
            got.extend(page.items);
        }
        assert_eq!(got, want, "hidden {hidden:?}");
    }
}

#[test]
fn a_page_around_an_entry_holds_it_and_clears_a_filter_that_hides_it() {
    let (_dir, store, id) = demo();
    let report = SessionReport::build(&store, None, id).unwrap();
    let last = report.timeline.last().unwrap().entry.seq;
    let around = |hidden: &[&str], seq: i64| {
        timeline_page(&store, id, &TimelineQuery { around_seq: Some(seq), ..query(hidden, 0, 8) })
    };
    let page = around(&[], last).unwrap();
    assert!(page.items.iter().any(|it| it.entry.seq == last));
    assert!(page.offset > 0, "a page near the end starts after the beginning");
    // The first vitals reading, with vitals hidden: the filter is dropped to show it.
    let vitals = report.timeline.iter().find(|it| it.entry.body.kind() == "vitals").unwrap().entry.seq;
    let page = around(&["vitals"], vitals).unwrap();
    assert!(page.hidden.is_empty());
    assert!(page.items.iter().any(|it| it.entry.seq == vitals));
    // A note stays findable with vitals hidden, and the filter is kept.
    let note = report.timeline.iter().find(|it| it.entry.body.kind() == "note").unwrap().entry.seq;
    assert_eq!(around(&["vitals"], note).unwrap().hidden, vec!["vitals".to_string()]);
    // Missing entries and sessions are named.
    let err = around(&[], 99_999).unwrap_err().to_string();
    assert!(err.contains(&format!("entry 99999 of session {id}")), "{err}");
    let err = timeline_page(&store, id + 7, &query(&[], 0, 10)).unwrap_err();
    assert!(err.to_string().contains(&format!("session {}", id + 7)), "{err}");
    // One entry alone, for the amend form.
    assert_eq!(timeline_item(&store, id, note).unwrap().map(|it| it.entry.seq), Some(note));
    assert_eq!(timeline_item(&store, id, 99_999).unwrap(), None);
}

#[test]
fn a_page_of_a_bad_size_is_refused_as_invalid() {
    let (_dir, store, id) = demo();
    for (offset, limit) in [(0, 0), (0, 5_000), (-3, 10)] {
        let err = timeline_page(&store, id, &query(&[], offset, limit)).unwrap_err();
        match err {
            holdspace_export::Error::Core(core) => assert_eq!(core.kind(), ErrorKind::Invalid, "{core}"),
            other => panic!("expected an invalid request, got {other}"),
        }
    }
}

#[test]
fn a_long_session_sends_the_first_page_and_the_chart_not_the_whole_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("holdspace.db"), Arc::new(FakeClock::new(start()))).unwrap();
    let (s, _) = store
        .start_session(NewSession {
            client_code: "K-LONG".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Sublingual,
            protocol: "sublingual-ketamine".into(),
            intention: String::new(),
        })
        .unwrap();
    for i in 0..2_000 {
        store.add_note(s.id, &format!("observation {i}: resting, breathing slow and even")).unwrap();
    }
    let view = ReviewView::build(&store, None, s.id, None).unwrap();
    assert_eq!(view.timeline.total, 2_001);
    assert_eq!(view.timeline.items.len() as i64, FIRST_PAGE);
    // Opened at an entry far down: the first page is around it, a quarter page of context above.
    let far = ReviewView::build(&store, None, s.id, Some(1_500)).unwrap();
    assert_eq!(far.timeline.offset, 1_499 - FIRST_PAGE / 4);
    assert!(far.timeline.items.iter().any(|it| it.entry.seq == 1_500));
    let unknown = ReviewView::build(&store, None, s.id, Some(99_999)).unwrap();
    assert_eq!(unknown.timeline.offset, 0);
    let whole = serde_json::to_vec(&SessionReport::build(&store, None, s.id).unwrap()).unwrap().len();
    let sent = serde_json::to_vec(&view).unwrap().len();
    assert!(sent * 5 < whole, "the view ({sent} bytes) should be a small part of the record ({whole} bytes)");
}
