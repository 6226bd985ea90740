//! The PDF for the chart, drawn with krilla (text as real, extractable text with an embedded,
//! subset DejaVu Sans; the chart as vector paths). Layout happens first into pages of drawing
//! operations, so pages know their count for the footer; krilla then renders them.

use holdspace_core::describe::num;
use crate::error::{Error, Result};
use crate::report::{BpReading, ReadySource, SessionReport};
use chrono::{DateTime, Local, Utc};
use holdspace_core::{EntryBody, MusicAction, SessionState};
use holdspace_monitoring::{Template, Thresholds};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// DejaVu Sans (free to redistribute; licence in `fonts/DejaVu-LICENSE.txt`), built in so
/// the export never depends on the fonts installed.
static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A4 in points.
const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;
const TOP: f32 = 48.0;
const BOTTOM: f32 = 58.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 8.0;

type Rgb = (u8, u8, u8);
const BLACK: Rgb = (0, 0, 0);
const GREY: Rgb = (110, 110, 110);
const LIGHT: Rgb = (200, 200, 200);
const RED: Rgb = (196, 30, 58);
const ORANGE: Rgb = (214, 120, 0);
const BLUE: Rgb = (30, 90, 200);
const GREEN: Rgb = (20, 140, 70);
const PURPLE: Rgb = (120, 40, 160);

enum Op {
    Text { x: f32, y: f32, size: f32, bold: bool, text: String, color: Rgb },
    Line { pts: Vec<(f32, f32)>, width: f32, color: Rgb, dashed: bool },
    Fill { x: f32, y: f32, w: f32, h: f32, color: Rgb, opacity: f32 },
}

struct Metrics {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Metrics {
    fn new() -> Result<Metrics> {
        let load = |d: &'static [u8]| FontRef::new(d).map_err(|e| Error::Pdf(format!("the built-in font is unreadable: {e}")));
        Ok(Metrics { regular: load(REGULAR)?, bold: load(BOLD)? })
    }

    fn face(&self, bold: bool) -> &FontRef<'static> {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = self.face(bold);
        let charmap = face.charmap();
        let gm = face.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| charmap.map(c).and_then(|g| gm.advance_width(g)).unwrap_or(size * 0.6))
            .sum()
    }

    /// Replaces what the font cannot draw (emoji, control characters) with `?`, so a note
    /// never breaks the export; line breaks stay.
    fn clean(&self, text: &str) -> String {
        let charmap = self.regular.charmap();
        text.chars()
            .map(|c| match c {
                '\n' => '\n',
                '\t' => ' ',
                '\r' => ' ',
                c if c.is_control() => '?',
                c if charmap.map(c).is_some() => c,
                _ => '?',
            })
            .collect()
    }

    /// Greedy word wrap to `width`; words longer than a line are broken.
    fn wrap(&self, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for para in self.clean(text).split('\n') {
            let mut line = String::new();
            for word in para.split(' ') {
                let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
                if self.width(&candidate, size, bold) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone: break it if it is still too long.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(&piece, size, bold) > width && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line = piece;
            }
            lines.push(line);
        }
        lines
    }
}

struct Layout {
    m: Metrics,
    pages: Vec<Vec<Op>>,
    y: f32,
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%H:%M:%S").to_string()
}

impl Layout {
    fn new() -> Result<Layout> {
        Ok(Layout { m: Metrics::new()?, pages: vec![Vec::new()], y: TOP })
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn ensure(&mut self, h: f32) -> bool {
        if self.y + h > PAGE_H - BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str, color: Rgb) {
        let text = self.m.clean(text).replace('\n', " ");
        self.ops().push(Op::Text { x, y, size, bold, text, color });
    }

    fn line(&mut self, pts: Vec<(f32, f32)>, width: f32, color: Rgb, dashed: bool) {
        self.ops().push(Op::Line { pts, width, color, dashed });
    }

    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb, opacity: f32) {
        self.ops().push(Op::Fill { x, y, w, h, color, opacity });
    }

    fn heading(&mut self, text: &str) {
        self.ensure(40.0);
        self.y += 12.0;
        self.text_at(MARGIN, self.y + 11.0, 12.0, true, text, BLACK);
        self.y += 15.0;
        self.line(vec![(MARGIN, self.y), (PAGE_W - MARGIN, self.y)], 0.6, GREY, false);
        self.y += 6.0;
    }

    /// A wrapped paragraph at `x` of `width`.
    fn para(&mut self, x: f32, width: f32, size: f32, bold: bool, text: &str, color: Rgb) {
        let lh = size * 1.3;
        for l in self.m.wrap(text, width, size, bold) {
            self.ensure(lh);
            self.text_at(x, self.y + size, size, bold, &l, color);
            self.y += lh;
        }
    }

    /// A row of cells `(x, width, text, bold)`, each wrapped; long rows continue on the
    /// next page line by line.
    fn row(&mut self, cells: &[(f32, f32, String, bool)], size: f32, color: Rgb) {
        let lh = size * 1.3;
        let wrapped: Vec<Vec<String>> = cells.iter().map(|(_, w, t, b)| self.m.wrap(t, *w, size, *b)).collect();
        let n = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for i in 0..n {
            self.ensure(lh);
            for (c, lines) in cells.iter().zip(&wrapped) {
                if let Some(l) = lines.get(i) {
                    self.text_at(c.0, self.y + size, size, c.3, l, color);
                }
            }
            self.y += lh;
        }
        self.y += 2.0;
    }

    /// Key in bold on the left, value wrapped on the right.
    fn kv(&mut self, key: &str, value: &str) {
        let kx = MARGIN;
        let vx = MARGIN + 150.0;
        self.row(&[(kx, 145.0, key.to_string(), true), (vx, PAGE_W - MARGIN - vx, value.to_string(), false)], BODY, BLACK);
    }
}

fn bp_text(b: &Option<BpReading>) -> String {
    match b {
        Some(b) => format!(
            "{}/{} mmHg at {} ({})",
            b.systolic,
            b.diastolic,
            local_time(b.at),
            b.t_plus.clone().unwrap_or_else(|| "before the dose".into())
        ),
        None => "not recorded".into(),
    }
}

fn opt<T: ToString>(v: Option<T>, none: &str) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| none.to_string())
}

/// The setting and its people, as the REMS form and the chart ask (nothing when no profile
/// was saved: never invented).
fn clinic_section(l: &mut Layout, c: &holdspace_core::clinic::ClinicProfile) {
    if c.is_empty() {
        return;
    }
    l.heading("Setting");
    for (k, v) in [("Setting", &c.setting_name), ("Address", &c.address), ("Phone", &c.phone)] {
        if !v.is_empty() {
            l.kv(k, v);
        }
    }
    for p in &c.people {
        let role = match p.role {
            Some(holdspace_core::clinic::ClinicRole::Prescriber) => "Prescriber",
            Some(holdspace_core::clinic::ClinicRole::Clinician) => "Clinician",
            None => "Staff",
        };
        let contact: Vec<&str> = [p.phone.as_str(), p.email.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
        l.kv(role, &if contact.is_empty() { p.name.clone() } else { format!("{} ({})", p.name, contact.join(", ")) });
    }
}

/// The codes as the clinic recorded them, and any disagreement with the dose.
fn billing_section(l: &mut Layout, r: &SessionReport) {
    let b = &r.billing;
    if b.diagnosis.is_empty() && b.procedures.is_empty() {
        return;
    }
    l.heading("Billing codes (as recorded by the clinic)");
    l.kv("Diagnosis (ICD-10-CM)", if b.diagnosis.is_empty() { "not recorded" } else { &b.diagnosis });
    l.kv("HCPCS / CPT", &if b.procedures.is_empty() { "not recorded".to_string() } else { b.procedures.join(", ") });
    for p in &r.billing_problems {
        l.kv("Does not agree", p);
    }
}

fn summary_section(l: &mut Layout, r: &SessionReport) {
    let s = &r.summary;
    l.heading("Summary");
    l.kv("Client code", &s.client_code);
    l.kv("Therapist (monitoring)", &s.therapist);
    l.kv("Protocol", &s.protocol_name);
    l.kv("Route", s.route.label());
    if !s.intention.trim().is_empty() {
        l.kv("Intention", &s.intention);
    }
    let state = match s.state {
        SessionState::Open => "open (still running)",
        SessionState::Ended => "ended, not signed",
        SessionState::Signed => "ended and signed",
    };
    l.kv("State", state);
    l.kv("Session started", &local(s.started_at));
    l.kv("First dose", &opt(s.first_dose_at.map(local), "no dose recorded"));
    l.kv("Session ended (discharge)", &opt(s.ended_at.map(local), "not ended"));
    if let Some(p) = &s.pre_dose_checklist {
        let na = if p.not_applicable > 0 { format!(" ({} not applicable)", p.not_applicable) } else { String::new() };
        let open = if p.open.is_empty() { String::new() } else { format!("; open: {}", p.open.join("; ")) };
        l.kv("Pre-dose checklist", &format!("{} of {} items done{na}{open}", p.done, p.total));
    }
    if !s.open_items.is_empty() {
        l.kv("Open on the record", &s.open_items.join("\n"));
    }
    let doses: Vec<String> = s
        .doses
        .iter()
        .map(|d| {
            format!(
                "{}{} at {} ({}): {} {} {}, lot {}",
                if d.booster { "Booster " } else { "" },
                d.substance,
                local_time(d.given_at),
                d.t_plus.clone().unwrap_or_default(),
                num(d.amount),
                d.unit,
                d.route.label(),
                if d.lot.is_empty() { "not recorded" } else { &d.lot }
            )
        })
        .collect();
    l.kv("Doses", &if doses.is_empty() { "none recorded".into() } else { doses.join("\n") });
    if !s.total_dose.is_empty() {
        l.kv("Total dose", &s.total_dose.join(", "));
    }
    let observed = match (s.monitoring_minutes, s.min_observation_min, s.min_observation_met) {
        (Some(m), Some(need), Some(met)) => {
            format!("{m} min from first dose to discharge; minimum {need} min: {}", if met { "met" } else { "NOT met" })
        }
        (Some(m), _, _) => format!("{m} min from first dose to discharge"),
        _ => "not available (no dose or not ended)".into(),
    };
    l.kv("Monitoring", &observed);
    let ready = match (&s.ready_to_leave.source, s.ready_to_leave.at, s.ready_to_leave.minutes_after_first_dose) {
        (ReadySource::Unknown, _, _) | (_, None, _) => "not recorded".to_string(),
        (src, Some(at), mins) => format!(
            "{} ({}){}",
            local_time(at),
            mins.map(|m| format!("{m} min after the first dose")).unwrap_or_default(),
            match src {
                ReadySource::SessionEnd => "; from the session end",
                ReadySource::Confirmed => "; computed from the record, confirmed by the clinician",
                _ => "; discharge checklist",
            }
        ),
    };
    l.kv("Ready to leave", &ready);
    let vitals: Vec<String> = s
        .vitals
        .iter()
        .map(|v| {
            let unit = if v.unit.starts_with(|c: char| c.is_ascii_digit()) { format!("(scale {})", v.unit) } else { v.unit.clone() };
            format!("{}: {} to {} {} ({} readings)", v.label, num(v.min), num(v.max), unit, v.count)
        })
        .collect();
    l.kv("Vitals (lowest to highest)", &if vitals.is_empty() { "none recorded".into() } else { vitals.join("\n") });
    let flags: Vec<String> = s
        .flags
        .iter()
        .map(|f| {
            let ack = if f.acknowledged {
                format!(
                    "acknowledged {} by {}{}",
                    f.ack_at.map(local_time).unwrap_or_default(),
                    f.ack_by.clone().unwrap_or_default(),
                    if f.action_taken.is_empty() { String::new() } else { format!(": {}", f.action_taken) }
                )
            } else {
                "NOT ACKNOWLEDGED".into()
            };
            format!("{} {}: {}; {}", local_time(f.at), f.t_plus.clone().unwrap_or_default(), f.rule_text, ack)
        })
        .collect();
    l.kv("Flags", &if flags.is_empty() { "none".into() } else { flags.join("\n") });
    l.kv("Scheduled checks", &checks_text(&s.checks));
    let tags = |adverse: bool| -> String {
        let v: Vec<String> = s
            .tags
            .iter()
            .filter(|t| t.adverse_event == adverse)
            .map(|t| format!("{} {} {}", local_time(t.at), t.t_plus.clone().unwrap_or_default(), t.label))
            .collect();
        if v.is_empty() {
            "none".into()
        } else {
            v.join("\n")
        }
    };
    l.kv("Adverse events", &tags(true));
    l.kv("Observations (tags)", &tags(false));
    let d = &s.discharge;
    let mut lines: Vec<String> = d
        .items
        .iter()
        .map(|i| {
            format!(
                "[{}] {}{}: {}",
                if i.done { "x" } else { " " },
                i.label,
                if i.required { " (required)" } else { "" },
                i.status
            )
        })
        .collect();
    // Each open item is listed once, above; the summary lines only count them.
    match d.complete {
        Some(true) => lines.push("All required discharge items done.".into()),
        Some(false) => lines.push(format!("{} required item(s) open, marked [ ] above.", d.open_required.len())),
        None => {}
    }
    if let Some(reason) = &d.override_reason {
        let listed = |b: &String| d.items.iter().any(|i| b.contains(&i.label));
        let other: Vec<&String> = d.override_blockers.iter().filter(|b| !listed(b)).collect();
        let also = if other.is_empty() {
            String::new()
        } else {
            format!("; also open then: {}", other.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; "))
        };
        lines.push(format!("Discharged with an override: {reason}{also}"));
    }
    l.kv("Discharge checklist", &if lines.is_empty() { "nothing recorded".into() } else { lines.join("\n") });
}

/// A count of each outcome, then every check on its own line, in the order they fell due.
fn checks_text(checks: &[crate::report::CheckLine]) -> String {
    use crate::report::CheckOutcome;
    if checks.is_empty() {
        return "none scheduled before the end".into();
    }
    let count = |o: CheckOutcome| checks.iter().filter(|c| c.outcome == o).count();
    let mut lines = vec![format!(
        "{} on time, {} late, {} missed",
        count(CheckOutcome::OnTime),
        count(CheckOutcome::Late),
        count(CheckOutcome::Missed)
    )];
    lines.extend(checks.iter().map(|c| c.text.clone()));
    lines.join("\n")
}

fn rems_section(l: &mut Layout, r: &SessionReport) {
    let x = &r.rems;
    l.heading("Monitoring (REMS patient monitoring form terms)");
    l.row(
        &[(MARGIN, 195.0, "Term".into(), true), (MARGIN + 200.0, PAGE_W - 2.0 * MARGIN - 200.0, "Recorded".into(), true)],
        BODY,
        BLACK,
    );
    let yes_no = |v: Option<bool>| match v {
        Some(true) => "yes".to_string(),
        Some(false) => "no (a threshold was flagged)".to_string(),
        None => "not recorded".to_string(),
    };
    let rows: Vec<(&str, String)> = vec![
        ("Dose and lot number", if x.doses.is_empty() { "none recorded".into() } else { x.doses.join("\n") }),
        ("Monitoring clinician", r.summary.therapist.clone()),
        ("Vitals acceptable before dosing", yes_no(x.vitals_acceptable_before_dosing)),
        ("BP before dosing", bp_text(&x.bp_before_dosing)),
        ("BP about 40 min after dosing", bp_text(&x.bp_about_40_min)),
        ("BP before completion", bp_text(&x.bp_before_completion)),
        ("Vitals acceptable before completion", yes_no(x.vitals_acceptable_before_completion)),
        (
            "Sedation (worst MOAA/S)",
            match (x.sedation_worst_moaas, &x.sedation_wording) {
                (Some(m), Some(w)) => format!("{m}: {w}"),
                (Some(m), None) => m.to_string(),
                _ => "not rated".into(),
            },
        ),
        ("Dissociation (highest, 0-4)", opt(x.dissociation_max, "not rated")),
        (
            "Respiratory status",
            format!(
                "lowest SpO2 {}; respiratory rate {} to {}; {} respiratory flag(s)",
                x.spo2_min.map(|v| format!("{v}%")).unwrap_or_else(|| "not recorded".into()),
                opt(x.respiratory_rate_min, "?"),
                opt(x.respiratory_rate_max, "?"),
                x.respiratory_flags
            ),
        ),
        ("Total monitoring minutes", opt(x.total_monitoring_minutes, "not available")),
        ("Minutes until ready to leave", opt(x.minutes_until_ready_to_leave, "not recorded")),
        (
            "Adverse events",
            if x.adverse_events.is_empty() { "none recorded".into() } else { x.adverse_events.join(", ") },
        ),
    ];
    for (k, v) in rows {
        l.line(vec![(MARGIN, l.y), (PAGE_W - MARGIN, l.y)], 0.3, LIGHT, false);
        l.y += 2.0;
        l.row(&[(MARGIN, 195.0, k.into(), false), (MARGIN + 200.0, PAGE_W - 2.0 * MARGIN - 200.0, v, false)], BODY, BLACK);
    }
}

struct Series {
    label: &'static str,
    color: Rgb,
    pts: Vec<(f32, f32)>,
}

/// The vitals chart: BP and heart rate above, SpO2 below, on one T+ axis (minutes), with the
/// template's threshold bands and markers for doses, tags and track changes.
fn chart_section(l: &mut Layout, r: &SessionReport, th: &Thresholds) {
    l.heading("Chart: blood pressure, heart rate and SpO2");
    let origin = r.summary.first_dose_at.unwrap_or(r.summary.started_at);
    let minutes = |t: DateTime<Utc>| (t - origin).num_milliseconds() as f32 / 60_000.0;
    let mut sys = Series { label: "Systolic (mmHg)", color: RED, pts: vec![] };
    let mut dia = Series { label: "Diastolic (mmHg)", color: ORANGE, pts: vec![] };
    let mut hr = Series { label: "Heart rate (/min)", color: BLUE, pts: vec![] };
    let mut spo2 = Series { label: "SpO2 (%)", color: GREEN, pts: vec![] };
    let mut doses = Vec::new();
    let mut tags = Vec::new();
    let mut tracks = Vec::new();
    for e in r.entries() {
        let t = minutes(e.at);
        match &e.body {
            EntryBody::Vitals { reading } => {
                if let (Some(s), Some(d)) = (reading.systolic, reading.diastolic) {
                    sys.pts.push((t, s as f32));
                    dia.pts.push((t, d as f32));
                }
                if let Some(h) = reading.heart_rate {
                    hr.pts.push((t, h as f32));
                }
                if let Some(o) = reading.spo2 {
                    spo2.pts.push((t, o as f32));
                }
            }
            EntryBody::Dose(d) => doses.push((minutes(d.given_at), if d.booster { "Booster" } else { "Dose" })),
            EntryBody::Tag { label, adverse_event, .. } => tags.push((t, label.clone(), *adverse_event)),
            EntryBody::Music { event } if event.action == MusicAction::TrackStarted => tracks.push(t),
            _ => {}
        }
    }
    let all_t: Vec<f32> = [&sys, &hr, &spo2]
        .iter()
        .flat_map(|s| s.pts.iter().map(|p| p.0))
        .chain(doses.iter().map(|d| d.0))
        .chain(tags.iter().map(|t| t.0))
        .chain(r.summary.ended_at.map(minutes))
        .collect();
    if all_t.is_empty() {
        l.para(MARGIN, PAGE_W - 2.0 * MARGIN, BODY, false, "No vitals recorded.", GREY);
        return;
    }
    let t0 = all_t.iter().copied().fold(0.0f32, f32::min).min(0.0).floor() - 2.0;
    let t1 = all_t.iter().copied().fold(15.0f32, f32::max).ceil() + 2.0;
    let height = 330.0;
    l.ensure(height);
    let left = MARGIN + 30.0;
    let right = PAGE_W - MARGIN - 10.0;
    let top1 = l.y + 16.0;
    let h1 = 190.0;
    let top2 = top1 + h1 + 22.0;
    let h2 = 70.0;
    let x_of = |t: f32| left + (t - t0) / (t1 - t0) * (right - left);
    let high = sys.pts.iter().chain(&hr.pts).map(|p| p.1).fold(200.0f32, f32::max) + 10.0;
    let (lo1, hi1) = (30.0f32, (high / 20.0).ceil() * 20.0);
    let y1 = |v: f32| top1 + h1 - (v - lo1) / (hi1 - lo1) * h1;
    let low2 = spo2.pts.iter().map(|p| p.1).fold(86.0f32, f32::min).floor() - 1.0;
    let (lo2, hi2) = (low2, 100.5f32);
    let y2 = |v: f32| top2 + h2 - (v - lo2) / (hi2 - lo2) * h2;

    // Threshold bands and lines.
    let sb = th.session_bp.systolic_at_or_above as f32;
    if sb < hi1 {
        l.fill(left, y1(hi1), right - left, y1(sb) - y1(hi1), RED, 0.12);
        l.text_at(right - 120.0, y1(sb) - 2.0, 6.5, false, &format!("systolic >= {}", th.session_bp.systolic_at_or_above), RED);
    }
    let db = th.session_bp.diastolic_at_or_above as f32;
    l.line(vec![(left, y1(db)), (right, y1(db))], 0.6, ORANGE, true);
    l.text_at(right - 120.0, y1(db) - 2.0, 6.5, false, &format!("diastolic >= {}", th.session_bp.diastolic_at_or_above), ORANGE);
    for (v, label) in [(th.heart_rate.above, "HR >"), (th.heart_rate.below, "HR <")] {
        let y = y1(v as f32);
        l.line(vec![(left, y), (right, y)], 0.5, BLUE, true);
        l.text_at(left + 3.0, y - 2.0, 6.5, false, &format!("{label} {v}"), BLUE);
    }
    let s_twice = (th.spo2.below_twice as f32).max(lo2);
    let s_once = (th.spo2.below_once as f32).max(lo2);
    l.fill(left, y2(s_twice), right - left, y2(lo2) - y2(s_twice), GREEN, 0.10);
    l.fill(left, y2(s_once), right - left, y2(lo2) - y2(s_once), RED, 0.12);
    l.text_at(left + 3.0, y2(s_twice) + 8.0, 6.5, false, &format!("SpO2 < {}% (twice) / < {}%", th.spo2.below_twice, th.spo2.below_once), GREEN);

    // Frames and axes.
    for (top, h) in [(top1, h1), (top2, h2)] {
        l.line(vec![(left, top), (right, top), (right, top + h), (left, top + h), (left, top)], 0.6, GREY, false);
    }
    let mut v = lo1;
    while v <= hi1 {
        l.line(vec![(left - 3.0, y1(v)), (left, y1(v))], 0.5, GREY, false);
        l.text_at(MARGIN, y1(v) + 2.5, 6.5, false, &format!("{v}"), GREY);
        v += 20.0;
    }
    // The upper axis carries two units; say both where the eye meets the numbers.
    l.text_at(MARGIN, top1 - 3.0, 6.5, true, "mmHg, /min", GREY);
    for v in [lo2.ceil(), ((lo2 + 100.0) / 2.0).round(), 100.0] {
        l.line(vec![(left - 3.0, y2(v)), (left, y2(v))], 0.5, GREY, false);
        l.text_at(MARGIN, y2(v) + 2.5, 6.5, false, &format!("{v}%"), GREY);
    }
    let step = if t1 - t0 > 180.0 { 30.0 } else { 15.0 };
    let mut t = (t0 / step).ceil() * step;
    while t <= t1 {
        let x = x_of(t);
        l.line(vec![(x, top1 + h1), (x, top1 + h1 + 3.0)], 0.5, GREY, false);
        l.line(vec![(x, top2 + h2), (x, top2 + h2 + 3.0)], 0.5, GREY, false);
        let label = if r.summary.first_dose_at.is_some() { format!("T{:+}", t as i64) } else { format!("{}", t as i64) };
        l.text_at(x - 8.0, top2 + h2 + 11.0, 6.5, false, &label, GREY);
        t += step;
    }
    l.text_at(
        left,
        top2 + h2 + 21.0,
        7.0,
        false,
        if r.summary.first_dose_at.is_some() { "minutes from the first dose" } else { "minutes from the session start (no dose)" },
        GREY,
    );

    // Markers: doses (purple), tags (grey, red for adverse events), track starts (green).
    for (t, label) in &doses {
        let x = x_of(*t);
        l.line(vec![(x, top1), (x, top2 + h2)], 1.0, PURPLE, false);
        l.text_at(x + 2.0, top1 - 3.0, 7.0, true, label, PURPLE);
    }
    for (i, (t, label, adverse)) in tags.iter().enumerate() {
        let x = x_of(*t);
        let color = if *adverse { RED } else { GREY };
        l.line(vec![(x, top1 + 10.0), (x, top1 + h1)], 0.5, color, true);
        l.text_at(x + 1.5, top1 + 8.0 + (i % 3) as f32 * 7.0, 5.5, false, label, color);
    }
    for t in &tracks {
        let x = x_of(*t);
        l.line(vec![(x - 2.5, top1 + h1), (x, top1 + h1 - 5.0), (x + 2.5, top1 + h1), (x - 2.5, top1 + h1)], 0.8, GREEN, false);
    }

    // Series.
    for (s, y_of) in [(&sys, &y1 as &dyn Fn(f32) -> f32), (&dia, &y1), (&hr, &y1), (&spo2, &y2)] {
        let pts: Vec<(f32, f32)> = s.pts.iter().map(|(t, v)| (x_of(*t), y_of(*v))).collect();
        if pts.len() > 1 {
            l.line(pts.clone(), 1.2, s.color, false);
        }
        for (x, y) in pts {
            l.fill(x - 1.6, y - 1.6, 3.2, 3.2, s.color, 1.0);
        }
    }

    // Legend.
    let mut lx = left;
    let ly = top2 + h2 + 32.0;
    for s in [&sys, &dia, &hr, &spo2] {
        l.line(vec![(lx, ly - 3.0), (lx + 12.0, ly - 3.0)], 1.5, s.color, false);
        l.text_at(lx + 15.0, ly, 7.0, false, s.label, BLACK);
        lx += 20.0 + l.m.width(s.label, 7.0, false) + 10.0;
    }
    l.line(vec![(lx, ly - 7.0), (lx, ly + 1.0)], 1.0, PURPLE, false);
    l.text_at(lx + 4.0, ly, 7.0, false, "dose", BLACK);
    lx += 30.0;
    l.line(vec![(lx, ly - 7.0), (lx, ly + 1.0)], 0.5, GREY, true);
    l.text_at(lx + 4.0, ly, 7.0, false, "tag (red: adverse event)", BLACK);
    lx += 100.0;
    l.line(vec![(lx - 2.5, ly), (lx, ly - 5.0), (lx + 2.5, ly), (lx - 2.5, ly)], 0.8, GREEN, false);
    l.text_at(lx + 5.0, ly, 7.0, false, "track started", BLACK);
    l.y = ly + 10.0;
}

fn timeline_section(l: &mut Layout, r: &SessionReport) {
    l.heading("Timeline");
    let cols = |a: String, b: String, c: String, d: String, bold: bool| {
        vec![
            (MARGIN, 52.0, a, bold),
            (MARGIN + 55.0, 42.0, b, bold),
            (MARGIN + 100.0, 78.0, c, bold),
            (MARGIN + 180.0, PAGE_W - 2.0 * MARGIN - 180.0, d, bold),
        ]
    };
    l.row(&cols("T+".into(), "Time".into(), "Kind".into(), "Entry (author)".into(), true), SMALL, BLACK);
    for item in &r.timeline {
        let e = &item.entry;
        let text = if e.author != r.session.therapist { format!("{} ({})", item.text, e.author) } else { item.text.clone() };
        let row = cols(
            item.t_plus.clone().unwrap_or_else(|| "pre-dose".into()),
            local_time(e.at),
            format!("#{} {}", e.seq, e.body.kind().replace('_', " ")),
            text,
            false,
        );
        l.row(&row, SMALL, BLACK);
    }
}

fn music_section(l: &mut Layout, r: &SessionReport) {
    l.heading("Music that played");
    if r.summary.music.is_empty() {
        l.para(MARGIN, PAGE_W - 2.0 * MARGIN, BODY, false, "No music was recorded.", GREY);
        return;
    }
    for t in &r.summary.music {
        let name = match (t.artist.is_empty(), t.title.is_empty()) {
            (true, _) => t.title.clone(),
            (_, true) => t.artist.clone(),
            _ => format!("{} - {}", t.artist, t.title),
        };
        let played = match (t.played_seconds, &t.ended_by) {
            (Some(s), Some(how)) => format!("{}:{:02} ({how})", s / 60, s % 60),
            _ => String::new(),
        };
        l.row(
            &[
                (MARGIN, 52.0, t.t_plus.clone().unwrap_or_else(|| "pre-dose".into()), false),
                (MARGIN + 55.0, 42.0, local_time(t.at), false),
                (MARGIN + 100.0, 240.0, name, false),
                (MARGIN + 345.0, 55.0, t.phase.clone(), false),
                (MARGIN + 402.0, PAGE_W - 2.0 * MARGIN - 402.0, played, false),
            ],
            SMALL,
            BLACK,
        );
    }
}

fn amendments_section(l: &mut Layout, r: &SessionReport) {
    l.heading("Amendments");
    if r.summary.amendments.is_empty() {
        l.para(MARGIN, PAGE_W - 2.0 * MARGIN, BODY, false, "No amendments.", GREY);
    }
    let w = PAGE_W - 2.0 * MARGIN;
    for a in &r.summary.amendments {
        l.para(
            MARGIN,
            w,
            BODY,
            true,
            &format!(
                "Entry #{} ({}) amended by {} at {} (entry #{})",
                a.amends_seq,
                a.amended_kind.clone().unwrap_or_else(|| "?".into()).replace('_', " "),
                a.author,
                local(a.at),
                a.seq
            ),
            BLACK,
        );
        l.para(MARGIN + 10.0, w - 10.0, BODY, false, &format!("Reason: {}", a.reason), BLACK);
        l.para(MARGIN + 10.0, w - 10.0, BODY, false, &format!("Original (unchanged): {}", a.amended_text.clone().unwrap_or_default()), GREY);
        l.para(MARGIN + 10.0, w - 10.0, BODY, false, &format!("Correction: {}", a.correction), BLACK);
        l.y += 4.0;
    }
    for a in &r.summary.addenda {
        l.para(MARGIN, w, BODY, true, &format!("Addendum by {} at {} (entry #{}), signed by its author", a.author, local(a.at), a.seq), BLACK);
        l.para(MARGIN + 10.0, w - 10.0, BODY, false, &a.text, BLACK);
        l.y += 4.0;
    }
}

fn integration_section(l: &mut Layout, r: &SessionReport) {
    if r.integration_notes.is_empty() {
        return;
    }
    l.heading("Integration notes (kept apart from the monitoring record)");
    let w = PAGE_W - 2.0 * MARGIN;
    for n in &r.integration_notes {
        let link = n.linked_seq.map(|s| format!(", about entry #{s}")).unwrap_or_default();
        l.para(MARGIN, w, BODY, true, &format!("{} by {}{}", local(n.created_at), n.author, link), BLACK);
        if !n.themes.is_empty() {
            l.para(MARGIN + 10.0, w - 10.0, BODY, false, &format!("Themes: {}", n.themes.join(", ")), GREY);
        }
        l.para(MARGIN + 10.0, w - 10.0, BODY, false, &n.text, BLACK);
        l.y += 4.0;
    }
}

fn signature_section(l: &mut Layout, r: &SessionReport) {
    l.ensure(70.0);
    l.heading("Signature");
    let w = PAGE_W - 2.0 * MARGIN;
    match &r.summary.signature {
        Some(s) => {
            l.para(MARGIN, w, 11.0, true, &format!("Signed by {} at {}", s.signed_by, local(s.signed_at)), BLACK);
            if !s.statement.trim().is_empty() {
                l.para(MARGIN, w, BODY, false, &s.statement, BLACK);
            }
            l.para(MARGIN, w, SMALL, false, "The record is locked: later additions are signed addenda.", GREY);
        }
        None => {
            l.para(MARGIN, w, 14.0, true, "NOT SIGNED", RED);
            l.para(MARGIN, w, SMALL, false, "This record has not been reviewed and signed by the clinician.", GREY);
        }
    }
}

/// The chain head and the verification when exported, under the signature.
fn seal_section(l: &mut Layout, seal: &crate::seal::Seal) {
    l.ensure(50.0);
    let w = PAGE_W - 2.0 * MARGIN;
    l.y += 6.0;
    if seal.verified {
        l.para(MARGIN, w, BODY, true, &format!("Record {}", seal.verification), BLACK);
    } else {
        l.para(MARGIN, w, 11.0, true, &format!("Record {}", seal.verification), RED);
        l.para(MARGIN, w, SMALL, false, "The record was changed outside Holdspace after it was written: what this export shows may not be what was recorded.", BLACK);
    }
    l.para(MARGIN, w, SMALL, false, &format!("Chain head (SHA-256 of the last entry): {}", seal.chain_head), GREY);
}

/// The esketamine REMS Patient Monitoring Form, field by field as the form asks, from the
/// record, ready to transcribe into the REMS portal or to fax. Patient identity is left blank to
/// fill by hand: the record holds only the client code. Nothing is invented: a field the record
/// does not hold says "not recorded".
pub fn rems_form_pdf(report: &SessionReport, seal: &crate::seal::Seal, exported_at: DateTime<Utc>) -> Result<Vec<u8>> {
    use holdspace_core::rems::FilingState;
    let mut l = Layout::new()?;
    let s = &report.summary;
    let x = &report.rems;
    let w = PAGE_W - 2.0 * MARGIN;
    l.text_at(MARGIN, l.y + 16.0, 16.0, true, "REMS Patient Monitoring Form (esketamine): from the session record", BLACK);
    l.y += 24.0;
    l.para(
        MARGIN,
        w,
        SMALL,
        false,
        &format!(
            "Holdspace session {} · client code {} · made {} · to transcribe into the REMS portal or fax; Holdspace submits nothing. Times are local.",
            report.session.id,
            s.client_code,
            local(exported_at)
        ),
        GREY,
    );
    let nr = |v: &str| if v.trim().is_empty() { "not recorded".to_string() } else { v.to_string() };
    l.heading("Patient");
    l.kv("Patient name", "________________________________ (fill by hand)");
    l.kv("Date of birth", "____________ (fill by hand)");
    l.kv("Client code in this record", &s.client_code);
    l.heading("Healthcare setting");
    let c = &report.clinic;
    l.kv("Setting name", &nr(&c.setting_name));
    l.kv("Setting address", &nr(&c.address));
    l.kv("Setting phone", &nr(&c.phone));
    let clinician = c.people.iter().find(|p| p.name.eq_ignore_ascii_case(&s.therapist));
    l.kv("Monitoring clinician", &s.therapist);
    l.kv("Clinician phone", &nr(clinician.map(|p| p.phone.as_str()).unwrap_or_default()));
    l.kv("Clinician e-mail", &nr(clinician.map(|p| p.email.as_str()).unwrap_or_default()));
    l.heading("Treatment");
    let or_nr = |v: &Option<String>| v.as_deref().map(str::to_string).unwrap_or_else(|| "not recorded".into());
    l.kv("First treatment", &or_nr(&x.first_treatment));
    l.kv("Enrolled in the REMS", &or_nr(&x.enrolled));
    if let Some(r) = &x.dose_override {
        l.kv("Dose override reason", r);
    }
    l.kv("Prescriber on site", &or_nr(&x.prescriber_on_site));
    l.kv("Treatment date", &s.first_dose_at.map(|t| t.with_timezone(&Local).format("%Y-%m-%d").to_string()).unwrap_or_else(|| "no dose recorded".into()));
    l.kv("Dose and lot number", &if x.doses.is_empty() { "none recorded".into() } else { x.doses.join("; ") });
    l.kv("Devices used", &x.devices.map(|d| d.to_string()).unwrap_or_else(|| "not recorded".into()));
    l.heading("Concomitant medicines (as recorded in the pre-dose checklist)");
    let entries: Vec<holdspace_core::Entry> = report.timeline.iter().map(|t| t.entry.clone()).collect();
    for (id, label) in [
        ("meds.benzodiazepines", "Benzodiazepines"),
        ("meds.sedative_hypnotics", "Non-benzodiazepine sedative hypnotics"),
        ("meds.psychostimulants", "Psychostimulants"),
        ("meds.maois", "Monoamine oxidase inhibitors (MAOIs)"),
        ("meds.opioids", "Opioids"),
    ] {
        let answer = crate::report::checklist_answer(&entries, id);
        l.kv(label, &nr(&answer.unwrap_or_default()));
    }
    l.heading("Monitoring");
    let yes_no = |v: Option<bool>| match v {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => "not recorded".to_string(),
    };
    l.kv("Vital signs acceptable before dosing", &yes_no(x.vitals_acceptable_before_dosing));
    l.kv("Blood pressure before dosing", &bp_text(&x.bp_before_dosing));
    l.kv("Blood pressure about 40 minutes after dosing", &bp_text(&x.bp_about_40_min));
    l.kv("Blood pressure before completion", &bp_text(&x.bp_before_completion));
    l.kv("Vital signs acceptable before completion", &yes_no(x.vitals_acceptable_before_completion));
    l.kv("Pulse oximetry (lowest SpO2)", &x.spo2_min.map(|v| format!("{v}%")).unwrap_or_else(|| "not recorded".into()));
    let sedation = match x.sedation_worst_moaas {
        Some(m) if m < 5 => format!("yes (worst MOAA/S {m}{})", x.sedation_wording.as_deref().map(|w| format!(": {w}")).unwrap_or_default()),
        Some(_) => "no (MOAA/S 5 throughout)".into(),
        None => "not rated".into(),
    };
    // What the clinician recorded comes first; a session from before effects were recorded
    // shows what the ratings and flags say, marked as such.
    let recorded = |label: &str| x.effects.iter().find(|e| e.label == label).map(|e| e.text());
    let sedation = recorded("Sedation").unwrap_or_else(|| format!("{sedation} (from the ratings; not recorded as observed)"));
    l.kv("Sedation observed", &sedation);
    let dissociation = match x.dissociation_max {
        Some(d) if d > 0 => format!("yes (highest rating {d} of 4)"),
        Some(_) => "no".into(),
        None => "not rated".into(),
    };
    let dissociation = recorded("Dissociation").unwrap_or_else(|| format!("{dissociation} (from the ratings; not recorded as observed)"));
    l.kv("Dissociation observed", &dissociation);
    let respiratory = if x.respiratory_flags > 0 {
        format!("a respiratory threshold was flagged {} time(s): see the record", x.respiratory_flags)
    } else if x.spo2_min.is_some() || x.respiratory_rate_min.is_some() {
        "no threshold flagged".to_string()
    } else {
        "not recorded".to_string()
    };
    let respiratory = recorded("Respiratory depression").unwrap_or_else(|| format!("{respiratory} (from the flags; not recorded as observed)"));
    l.kv("Respiratory depression observed", &respiratory);
    l.kv("Total minutes from first administration to end of monitoring", &opt(x.total_monitoring_minutes, "not available"));
    l.kv("When the patient would have been ready to leave (minutes)", &opt(x.minutes_until_ready_to_leave, "not recorded"));
    l.kv("Serious adverse events", &if x.adverse_events.is_empty() { "none recorded".into() } else { x.adverse_events.join(", ") });
    l.heading("Filing");
    let filing = match &report.rems_filing {
        Some(FilingState::Submitted { submitted_on, method, confirmation, by, .. }) => format!(
            "submitted {submitted_on} by {}{} (recorded by {by})",
            method.label(),
            if confirmation.is_empty() { String::new() } else { format!(", confirmation {confirmation}") }
        ),
        Some(FilingState::Due { due_on, .. }) => format!("not yet submitted; due by {due_on}"),
        Some(FilingState::Overdue { due_on, .. }) => format!("not submitted; it was due {due_on}"),
        _ => "not recorded".into(),
    };
    l.kv("Form submission", &filing);
    l.para(MARGIN, w, SMALL, false, &format!("Record {} · chain head {}", seal.verification, seal.short_head()), GREY);
    render(l.pages, &format!("REMS monitoring form: Holdspace session {} ({})", report.session.id, s.client_code))
}

/// Lays out and renders the whole PDF.
pub fn pdf_bytes(report: &SessionReport, seal: &crate::seal::Seal, template: Option<&Template>, exported_at: DateTime<Utc>) -> Result<Vec<u8>> {
    let mut l = Layout::new()?;
    let s = &report.summary;
    l.text_at(MARGIN, l.y + 16.0, 16.0, true, &format!("Session record: client {}", s.client_code), BLACK);
    l.y += 24.0;
    let offset = s.started_at.with_timezone(&Local).format("%:z");
    l.para(
        MARGIN,
        PAGE_W - 2.0 * MARGIN,
        SMALL,
        false,
        &format!(
            "Holdspace session {} · {} · exported {} · times are local (UTC{offset}); T+ counts from the first dose. \
             Contains health information: store and share it as the clinic's policy requires.",
            report.session.id,
            local(s.started_at),
            local(exported_at),
        ),
        GREY,
    );
    clinic_section(&mut l, &report.clinic);
    summary_section(&mut l, report);
    billing_section(&mut l, report);
    rems_section(&mut l, report);
    let thresholds = template.map(|t| t.thresholds.clone()).unwrap_or_default();
    chart_section(&mut l, report, &thresholds);
    music_section(&mut l, report);
    amendments_section(&mut l, report);
    integration_section(&mut l, report);
    timeline_section(&mut l, report);
    signature_section(&mut l, report);
    seal_section(&mut l, seal);

    // Footer on every page, now that the count is known.
    let total = l.pages.len();
    let signed = if s.signature.is_some() { "signed" } else { "NOT SIGNED" };
    let verified = if seal.verified { "verified" } else { "NOT VERIFIED" };
    for i in 0..total {
        let text = l.m.clean(&format!(
            "Holdspace · client {} · session {} · {} · chain {} {} · health information · page {} of {}",
            s.client_code,
            report.session.id,
            signed,
            seal.short_head(),
            verified,
            i + 1,
            total
        ));
        if let Some(page) = l.pages.get_mut(i) {
            page.push(Op::Line { pts: vec![(MARGIN, PAGE_H - 40.0), (PAGE_W - MARGIN, PAGE_H - 40.0)], width: 0.4, color: LIGHT, dashed: false });
            page.push(Op::Text { x: MARGIN, y: PAGE_H - 28.0, size: 7.0, bold: false, text, color: GREY });
        }
    }
    render(l.pages, &format!("Holdspace session {} ({})", report.session.id, s.client_code))
}

fn paint(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

fn render(pages: Vec<Vec<Op>>, title: &str) -> Result<Vec<u8>> {
    let regular = Font::new(REGULAR.into(), 0).ok_or_else(|| Error::Pdf("the built-in font cannot be used".into()))?;
    let bold = Font::new(BOLD.into(), 0).ok_or_else(|| Error::Pdf("the built-in bold font cannot be used".into()))?;
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| Error::Pdf("bad page size".into()))?;
    let mut doc = Document::new();
    doc.set_metadata(Metadata::new().title(title.to_string()).creator("Holdspace".to_string()));
    for ops in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text { x, y, size, bold: b, text, color } => {
                    if text.trim().is_empty() {
                        continue;
                    }
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill { paint: paint(color), opacity: NormalizedF32::ONE, rule: Default::default() }));
                    let font = if b { bold.clone() } else { regular.clone() };
                    surface.draw_text(Point::from_xy(x, y), font, size, &text, false, TextDirection::Auto);
                }
                Op::Line { pts, width, color, dashed } => {
                    let mut pb = PathBuilder::new();
                    let mut it = pts.iter();
                    let Some(first) = it.next() else { continue };
                    pb.move_to(first.0, first.1);
                    for p in it {
                        pb.line_to(p.0, p.1);
                    }
                    let Some(path) = pb.finish() else { continue };
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: paint(color),
                        width,
                        dash: dashed.then(|| StrokeDash { array: vec![3.0, 2.0], offset: 0.0 }),
                        ..Default::default()
                    }));
                    surface.draw_path(&path);
                }
                Op::Fill { x, y, w, h, color, opacity } => {
                    let Some(rect) = Rect::from_xywh(x, y, w.max(0.01), h.max(0.01)) else { continue };
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    let Some(path) = pb.finish() else { continue };
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill {
                        paint: paint(color),
                        opacity: NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE),
                        rule: Default::default(),
                    }));
                    surface.draw_path(&path);
                }
            }
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| Error::Pdf(format!("{e:?}")))
}
