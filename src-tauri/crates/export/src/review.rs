//! What the review screen receives: the report's summary with the chart's points and the
//! first page of the timeline, and later pages on request. A 10,000-entry session is never
//! sent to the window whole; the exports still use the whole `SessionReport`.

use holdspace_core::describe::{describe, t_plus};
use crate::error::Result;
use crate::report::{RemsTerms, ReportSummary, SessionReport, TimelineItem};
use chrono::{DateTime, Utc};
use holdspace_core::store::IntegrationNote;
use holdspace_core::{Entry, EntryBody, Error as CoreError, MusicAction, Session, Store};
use holdspace_monitoring::{Template, Thresholds};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Entries in the review's first page: more than a screenful, far fewer than a long session.
pub const FIRST_PAGE: i64 = 200;

/// The review screen of one session.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewView {
    pub session: Session,
    pub template_id: Option<String>,
    /// `None` when the session's protocol template is no longer available.
    pub template_name: Option<String>,
    /// The template's thresholds, for the chart's bands.
    pub thresholds: Option<Thresholds>,
    pub summary: ReportSummary,
    pub rems: RemsTerms,
    pub integration_notes: Vec<IntegrationNote>,
    /// The entries integration notes point at, so each link can say what it points at.
    pub linked: Vec<TimelineItem>,
    /// How many entries of each kind the session has, in order of first appearance.
    pub kinds: Vec<KindCount>,
    pub chart: ChartData,
    /// The first page of the timeline, nothing hidden: from the top, or around the entry asked for.
    pub timeline: TimelinePage,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct KindCount {
    pub kind: String,
    pub count: i64,
}

/// The vitals and markers of the session on one axis of minutes from the first dose (or
/// from the start of a session without a dose), in ascending order. Numbers only: the chart
/// asks for an entry's text when the pointer rests on it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChartData {
    pub vitals: VitalsSeries,
    pub markers: Vec<ChartMarker>,
}

/// Vitals readings with blood pressure, heart rate or SpO2, one column per value (the shape
/// the chart library draws), index `i` of every column being one reading.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct VitalsSeries {
    pub seq: Vec<i64>,
    pub minutes: Vec<f64>,
    pub systolic: Vec<Option<i32>>,
    pub diastolic: Vec<Option<i32>>,
    pub heart_rate: Vec<Option<i32>>,
    pub spo2: Vec<Option<i32>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    Dose,
    Music,
    Tag,
}

/// A dose (at the time it was given), a track that started, or a tag.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChartMarker {
    pub seq: i64,
    pub minutes: f64,
    pub kind: MarkerKind,
    pub label: String,
}

/// Which page of the timeline to read.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, TS)]
pub struct TimelineQuery {
    /// Entry kinds left out.
    #[serde(default)]
    pub hidden: Vec<String>,
    #[serde(default)]
    pub offset: i64,
    pub limit: i64,
    /// Read the page around this entry instead of from `offset`; when a hidden kind would
    /// leave it out, nothing is hidden.
    #[serde(default)]
    pub around_seq: Option<i64>,
}

/// Entries `offset..offset + items.len()` of the timeline without the `hidden` kinds.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TimelinePage {
    pub items: Vec<TimelineItem>,
    pub offset: i64,
    /// Entries not hidden.
    pub shown: i64,
    /// Entries in all.
    pub total: i64,
    /// The kinds this page leaves out (emptied when `around_seq` needed it).
    pub hidden: Vec<String>,
}

fn item(entry: Entry) -> TimelineItem {
    TimelineItem { t_plus: t_plus(entry.elapsed_ms), text: describe(&entry), entry }
}

impl ReviewView {
    /// The review of a session, its first page starting at the top or, with `around_seq`,
    /// around that entry (a search hit opens there without a second request).
    pub fn build(store: &Store, template: Option<&Template>, session_id: i64, around_seq: Option<i64>) -> Result<ReviewView> {
        let report = SessionReport::build(store, template, session_id)?;
        Ok(ReviewView::from_report(report, template, around_seq))
    }

    pub fn from_report(report: SessionReport, template: Option<&Template>, around_seq: Option<i64>) -> ReviewView {
        let SessionReport { session, template_id, summary, rems, timeline, integration_notes, clinic: _, billing: _, billing_problems: _, rems_filing: _ } = report;
        // A session has a handful of kinds: a short list in order of first appearance.
        let mut kinds: Vec<KindCount> = Vec::new();
        for it in &timeline {
            let kind = it.entry.body.kind();
            match kinds.iter_mut().find(|k| k.kind == kind) {
                Some(k) => k.count += 1,
                None => kinds.push(KindCount { kind: kind.to_string(), count: 1 }),
            }
        }
        let chart = chart_data(&session, timeline.iter().map(|it| &it.entry));
        let linked = timeline
            .iter()
            .filter(|it| integration_notes.iter().any(|n| n.linked_seq == Some(it.entry.seq)))
            .cloned()
            .collect();
        let total = timeline.len() as i64;
        // The same context above the entry as `timeline_page` gives; an unknown entry opens at the top.
        let offset = around_seq
            .and_then(|seq| timeline.iter().position(|it| it.entry.seq == seq))
            .map_or(0, |at| (at as i64 - FIRST_PAGE / 4).max(0));
        let items = timeline.into_iter().skip(offset as usize).take(FIRST_PAGE as usize).collect();
        ReviewView {
            template_name: template.map(|t| t.name.clone()),
            thresholds: template.map(|t| t.thresholds.clone()),
            session,
            template_id,
            summary,
            rems,
            integration_notes,
            linked,
            kinds,
            chart,
            timeline: TimelinePage { items, offset, shown: total, total, hidden: Vec::new() },
        }
    }
}

/// One page of a session's timeline, read from the store.
pub fn timeline_page(store: &Store, session_id: i64, query: &TimelineQuery) -> Result<TimelinePage> {
    let mut hidden = query.hidden.clone();
    let mut offset = query.offset;
    if let Some(seq) = query.around_seq {
        let mut at = store.entry_position(session_id, &hidden, seq)?;
        if at.is_none() && !hidden.is_empty() {
            hidden.clear();
            at = store.entry_position(session_id, &hidden, seq)?;
        }
        let Some(at) = at else {
            // Names the session when it is the session that is missing.
            store.session(session_id)?;
            return Err(CoreError::NotFound { what: format!("entry {seq} of session {session_id}") }.into());
        };
        // A few entries of context above the one asked for.
        offset = (at - query.limit / 4).max(0);
    }
    let slice = store.entries_slice(session_id, &hidden, offset, query.limit)?;
    Ok(TimelinePage {
        items: slice.entries.into_iter().map(item).collect(),
        offset: slice.offset,
        shown: slice.shown,
        total: slice.total,
        hidden,
    })
}

/// One entry of the timeline with its T+ time and text, if the session has it.
pub fn timeline_item(store: &Store, session_id: i64, seq: i64) -> Result<Option<TimelineItem>> {
    store.session(session_id)?;
    Ok(store.entries_at(session_id, &[seq])?.into_iter().next().map(item))
}

/// Minutes from `origin`, to the millisecond's worth of precision a chart needs (0.001 min).
fn minutes_between(at: DateTime<Utc>, origin: DateTime<Utc>) -> f64 {
    ((at - origin).num_milliseconds() as f64 / 60.0).round() / 1000.0
}

/// The chart's vitals and markers, each in ascending time (a back-dated dose can be written
/// after later entries).
pub fn chart_data<'a>(session: &Session, entries: impl IntoIterator<Item = &'a Entry>) -> ChartData {
    let origin = session.first_dose_at.unwrap_or(session.created_at);
    // (minutes, seq, systolic, diastolic, heart rate, SpO2) per reading.
    let mut readings = Vec::new();
    let mut markers = Vec::new();
    for e in entries {
        let marker = |minutes: f64, kind: MarkerKind, label: &str| ChartMarker { seq: e.seq, minutes, kind, label: label.to_string() };
        match &e.body {
            EntryBody::Vitals { reading: r } => {
                if r.systolic.is_none() && r.heart_rate.is_none() && r.spo2.is_none() {
                    continue;
                }
                readings.push((minutes_between(e.at, origin), e.seq, r.systolic, r.diastolic, r.heart_rate, r.spo2));
            }
            EntryBody::Dose(d) => {
                markers.push(marker(minutes_between(d.given_at, origin), MarkerKind::Dose, if d.booster { "booster" } else { "dose" }))
            }
            EntryBody::Music { event } if event.action == MusicAction::TrackStarted => {
                let label = if event.title.is_empty() { "track" } else { event.title.as_str() };
                markers.push(marker(minutes_between(e.at, origin), MarkerKind::Music, label));
            }
            EntryBody::Tag { label, .. } => markers.push(marker(minutes_between(e.at, origin), MarkerKind::Tag, label)),
            _ => {}
        }
    }
    readings.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut vitals = VitalsSeries::default();
    for (minutes, seq, systolic, diastolic, heart_rate, spo2) in readings {
        vitals.seq.push(seq);
        vitals.minutes.push(minutes);
        vitals.systolic.push(systolic);
        vitals.diastolic.push(diastolic);
        vitals.heart_rate.push(heart_rate);
        vitals.spo2.push(spo2);
    }
    markers.sort_by(|a, b| a.minutes.total_cmp(&b.minutes));
    ChartData { vitals, markers }
}
