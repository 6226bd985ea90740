//! Built-in and clinic templates: loading, listing and `holdspace check`.


use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Problem;
use crate::parse::parse_template;
use crate::source::read_limited;
use crate::template::{Route, Template};

/// Built-in templates: (file name, text), embedded at build time.
pub const BUILTIN: [(&str, &str); 4] = [
    ("intramuscular.toml", include_str!("../protocols/intramuscular.toml")),
    ("sublingual.toml", include_str!("../protocols/sublingual.toml")),
    ("intravenous.toml", include_str!("../protocols/intravenous.toml")),
    ("esketamine.toml", include_str!("../protocols/esketamine.toml")),
];

/// At most this many files are read from a clinic protocols folder.
pub const MAX_CLINIC_FILES: usize = 500;

/// Where a template came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TemplateSource {
    BuiltIn { file: String },
    File { path: String },
}

impl std::fmt::Display for TemplateSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateSource::BuiltIn { .. } => write!(f, "built-in"),
            TemplateSource::File { path } => write!(f, "{path}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LoadedTemplate {
    pub template: Template,
    pub source: TemplateSource,
    /// A clinic file that replaces the built-in template with the same id.
    pub overrides_builtin: bool,
}

/// All usable templates plus the problems of files that were skipped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TemplateCatalog {
    pub templates: Vec<LoadedTemplate>,
    pub problems: Vec<Problem>,
}

impl TemplateCatalog {
    pub fn get(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.template.id == id).map(|t| &t.template)
    }
}

/// One row of `holdspace protocols`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TemplateInfo {
    pub id: String,
    pub name: String,
    pub route: Route,
    pub source: TemplateSource,
    pub overrides_builtin: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TemplateList {
    pub templates: Vec<TemplateInfo>,
    pub problems: Vec<Problem>,
}

/// Result of checking one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TemplateSummary {
    pub file: String,
    pub id: String,
    pub name: String,
    pub route: Route,
    /// One line, e.g. `protocols/im.toml: ok: im-ketamine "IM ketamine" (intramuscular): ...`.
    pub line: String,
}

impl std::fmt::Display for TemplateSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line)
    }
}

/// Validate one template file (for `holdspace check`).
pub fn check_template_file(path: &Path) -> Result<TemplateSummary, Vec<Problem>> {
    let text = read_limited(path)?;
    let file = path.display().to_string();
    let t = parse_template(&text, &file)?;
    Ok(TemplateSummary { line: format!("{file}: ok: {}", t.summary()), file, id: t.id, name: t.name, route: t.route })
}

/// The built-in templates, parsed. A broken built-in (caught by the tests) is reported, not fatal.
pub fn builtin_templates() -> (Vec<Template>, Vec<Problem>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (name, text) in BUILTIN {
        match parse_template(text, &format!("built-in:{name}")) {
            Ok(t) => out.push(t),
            Err(p) => problems.extend(p),
        }
    }
    (out, problems)
}

/// Built-in templates plus the `*.toml` files of `dir` (the data folder's `protocols/`).
/// A clinic file with a built-in's id replaces it; two clinic files with one id: the first
/// (by file name) wins and the second is reported. Bad files are reported and skipped.
pub fn load_templates(dir: Option<&Path>) -> TemplateCatalog {
    let (builtins, mut problems) = builtin_templates();
    let mut templates: Vec<LoadedTemplate> = builtins
        .into_iter()
        .zip(BUILTIN.iter())
        .map(|(t, (name, _))| LoadedTemplate { template: t, source: TemplateSource::BuiltIn { file: (*name).into() }, overrides_builtin: false })
        .collect();
    let Some(dir) = dir else { return TemplateCatalog { templates, problems } };
    if !dir.exists() {
        return TemplateCatalog { templates, problems };
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(Problem::new(dir.display().to_string(), 0, format!("cannot read folder: {e}")));
            return TemplateCatalog { templates, problems };
        }
    };
    let mut paths: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && !p.is_dir())
        .collect();
    paths.sort();
    if paths.len() > MAX_CLINIC_FILES {
        problems.push(Problem::new(
            dir.display().to_string(),
            0,
            format!("{} template files; only the first {MAX_CLINIC_FILES} are read", paths.len()),
        ));
        paths.truncate(MAX_CLINIC_FILES);
    }
    let mut clinic_ids: Vec<(String, String)> = Vec::new();
    for p in paths {
        let file = p.display().to_string();
        let t = match read_limited(&p).and_then(|text| parse_template(&text, &file)) {
            Ok(t) => t,
            Err(ps) => {
                problems.extend(ps);
                continue;
            }
        };
        if let Some((_, other)) = clinic_ids.iter().find(|(id, _)| *id == t.id) {
            problems.push(Problem::new(file.clone(), 1, format!("duplicate template id `{}` (already defined in {other}); this file is ignored", t.id)));
            continue;
        }
        clinic_ids.push((t.id.clone(), file.clone()));
        let loaded = LoadedTemplate { template: t, source: TemplateSource::File { path: file }, overrides_builtin: false };
        match templates.iter_mut().find(|x| x.template.id == loaded.template.id) {
            Some(slot) => *slot = LoadedTemplate { overrides_builtin: true, ..loaded },
            None => templates.push(loaded),
        }
    }
    TemplateCatalog { templates, problems }
}

/// id, name, route and source of every available template (for `holdspace protocols`).
pub fn list_templates(dir: Option<&Path>) -> TemplateList {
    let cat = load_templates(dir);
    TemplateList {
        templates: cat
            .templates
            .into_iter()
            .map(|l| TemplateInfo {
                id: l.template.id,
                name: l.template.name,
                route: l.template.route,
                source: l.source,
                overrides_builtin: l.overrides_builtin,
            })
            .collect(),
        problems: cat.problems,
    }
}
