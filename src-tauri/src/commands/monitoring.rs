use crate::error::CmdResult;
use crate::state::AppState;
use holdspace_core::monitor::MonitorView;
use holdspace_core::monitoring::{
    checklist_items, dissociation_levels, effective_quick_tags, moaas_levels, ChecklistAction, ChecklistItemDef, Effect, EffectStatus,
    QuickTag, ScaleLevel, Stage, Template, TemplateInfo, Vitals,
};
use holdspace_core::store::{tag_body, WriteOp};
use holdspace_core::{Entry, Error};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// What the live screen needs once per session: the template, its checklists, its quick tags
/// and the rating scales' wording.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProtocolDetails {
    pub template: Template,
    pub pre_dose: Vec<ChecklistItemDef>,
    pub during: Vec<ChecklistItemDef>,
    pub discharge: Vec<ChecklistItemDef>,
    pub quick_tags: Vec<QuickTag>,
    pub moaas_levels: Vec<ScaleLevel>,
    pub dissociation_levels: Vec<ScaleLevel>,
}

#[tauri::command(async)]
pub fn list_protocols(state: State<'_, AppState>) -> CmdResult<Vec<TemplateInfo>> {
    let ready = state.ready()?;
    Ok(ready
        .catalog
        .templates
        .iter()
        .map(|t| TemplateInfo {
            id: t.template.id.clone(),
            name: t.template.name.clone(),
            route: t.template.route,
            source: t.source.clone(),
            overrides_builtin: t.overrides_builtin,
        })
        .collect())
}

#[tauri::command(async)]
pub fn protocol_details(state: State<'_, AppState>, session_id: i64) -> CmdResult<ProtocolDetails> {
    let ready = state.ready()?;
    let session = ready.store.session(session_id)?;
    let t = ready.template(&session.protocol)?;
    Ok(ProtocolDetails {
        template: t.clone(),
        pre_dose: checklist_items(t, Stage::PreDose),
        during: checklist_items(t, Stage::During),
        discharge: checklist_items(t, Stage::Discharge),
        quick_tags: effective_quick_tags(t, ready.clinic_tags.as_deref()),
        moaas_levels: moaas_levels(),
        dissociation_levels: dissociation_levels(),
    })
}

/// Phase, checkpoints, checklists, flags and the discharge gate now: the live screen's first
/// snapshot; later states come as `monitor-changed` (see `live.rs`).
#[tauri::command(async)]
pub fn monitor(state: State<'_, AppState>, session_id: i64) -> CmdResult<MonitorView> {
    let ready = state.ready()?;
    Ok(crate::live::FEED.view(ready, session_id)?)
}

#[tauri::command(async)]
pub fn record_vitals(state: State<'_, AppState>, session_id: i64, vitals: Vitals, key: Option<String>) -> CmdResult<Vec<Entry>> {
    let ready = state.ready()?;
    let template = Box::new(ready.session_template(session_id)?.clone());
    Ok(ready.save(session_id, key, WriteOp::Vitals { template, vitals })?)
}

#[tauri::command(async)]
pub fn ack_flag(
    state: State<'_, AppState>,
    session_id: i64,
    flag_id: String,
    action_taken: String,
    key: Option<String>,
) -> CmdResult<Entry> {
    Ok(state.ready()?.save_one(session_id, key, WriteOp::FlagAck { flag_id, action_taken })?)
}

/// Marks a due, overdue or missed check missed, with the clinician's reason (it stays missed).
#[tauri::command(async)]
pub fn mark_check_missed(
    state: State<'_, AppState>,
    session_id: i64,
    occurrence_id: String,
    reason: String,
    key: Option<String>,
) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let template = Box::new(ready.template(&ready.store.session(session_id)?.protocol)?.clone());
    Ok(ready.save_one(session_id, key, WriteOp::CheckMissed { template, occurrence_id, reason })?)
}

/// Records an effect the protocol asks about (sedation, dissociation, respiratory depression)
/// as observed, not observed or resolved, `minutes_ago` minutes ago.
#[tauri::command(async)]
pub fn record_effect(
    state: State<'_, AppState>,
    session_id: i64,
    effect: Effect,
    status: EffectStatus,
    minutes_ago: Option<u32>,
    key: Option<String>,
) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let template = Box::new(ready.session_template(session_id)?.clone());
    Ok(ready.save_one(session_id, key, WriteOp::Effect { template, effect, status, minutes_ago: minutes_ago.unwrap_or(0) })?)
}

/// Confirms the computed "ready to leave" time (refused with kind `discharge_blocked` while a
/// discharge condition is open).
#[tauri::command(async)]
pub fn confirm_ready_to_leave(state: State<'_, AppState>, session_id: i64) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let template = ready.session_template(session_id)?;
    let entry = ready.store.confirm_ready_to_leave(session_id, template)?;
    crate::live::FEED.saved(session_id);
    Ok(entry)
}

#[tauri::command(async)]
pub fn record_checklist(
    state: State<'_, AppState>,
    session_id: i64,
    item_id: String,
    action: ChecklistAction,
    key: Option<String>,
) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let template = Box::new(ready.session_template(session_id)?.clone());
    Ok(ready.save_one(session_id, key, WriteOp::Checklist { template, item_id, action })?)
}

#[tauri::command(async)]
pub fn add_tag(state: State<'_, AppState>, session_id: i64, tag_id: String, key: Option<String>) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let t = ready.session_template(session_id)?;
    let tags = effective_quick_tags(t, ready.clinic_tags.as_deref());
    let tag = tags
        .iter()
        .find(|tag| tag.id == tag_id)
        .ok_or_else(|| Error::NotFound { what: format!("quick tag {tag_id:?}") })?;
    Ok(ready.save_one(session_id, key, WriteOp::Append { body: tag_body(tag) })?)
}
