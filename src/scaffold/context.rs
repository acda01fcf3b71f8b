//! The values templates see. docs/templates.md documents every field; keep the two in
//! step.

use std::collections::BTreeMap;

use serde::Serialize;

use super::SliceRequest;
use crate::config::Config;
use crate::fs::RelPath;
use crate::slice::SliceLayout;

/// The part of the context that is the same for every file of the slice.
#[derive(Debug, Clone, Serialize)]
pub(super) struct SliceContext {
    project: ProjectContext,
    feature: FeatureContext,
    flag: String,
    summary: String,
    bump: String,
    kinds: Vec<KindContext>,
    scope: ScopeContext,
    paths: BTreeMap<&'static str, String>,
    today: String,
    lancelot_version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
struct ProjectContext {
    name: String,
    generation: String,
}

#[derive(Debug, Clone, Serialize)]
struct FeatureContext {
    input: String,
    title: String,
    pascal: String,
    snake: String,
    kebab: String,
    upper: String,
}

#[derive(Debug, Clone, Serialize)]
struct KindContext {
    slug: &'static str,
    label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
struct ScopeContext {
    included: Vec<String>,
    excluded: Vec<String>,
}

/// A slice this one depends on, seen from the file being rendered.
#[derive(Debug, Clone, Serialize)]
struct DependencyContext {
    title: String,
    pascal: String,
    spec: String,
    link: String,
}

/// The file being rendered.
#[derive(Debug, Clone, Serialize)]
struct FileContext {
    path: String,
    name: String,
    depth: usize,
    root: String,
}

/// Named paths of the slice's artifacts, plus the CHANGELOG and env file.
fn named_paths<'a>(
    config: &'a Config,
    layout: &'a SliceLayout,
) -> [(&'static str, &'a RelPath); 9] {
    [
        ("spec", &layout.spec),
        ("blueprint", &layout.blueprint),
        ("architecture", &layout.architecture),
        ("runbook", &layout.runbook),
        ("module", &layout.module),
        ("unit_test", &layout.unit_test),
        ("integration_test", &layout.integration_test),
        ("changelog", &config.paths.changelog),
        ("env_file", &config.paths.env_file),
    ]
}

impl SliceContext {
    /// Builds the shared context of a slice.
    pub(super) fn new(
        config: &Config,
        request: &SliceRequest,
        layout: &SliceLayout,
        today: String,
    ) -> SliceContext {
        let feature = &request.feature;
        SliceContext {
            project: ProjectContext {
                name: config.project.name.to_string(),
                generation: config.project.generation.to_string(),
            },
            feature: FeatureContext {
                input: feature.input().to_owned(),
                title: feature.title(),
                pascal: feature.pascal(),
                snake: feature.snake().to_owned(),
                kebab: feature.kebab(),
                upper: feature.upper(),
            },
            flag: request.flag.to_string(),
            summary: request.summary.clone(),
            bump: request.bump.to_string(),
            kinds: request
                .kinds
                .iter()
                .map(|kind| KindContext {
                    slug: kind.slug(),
                    label: kind.label(),
                })
                .collect(),
            scope: ScopeContext {
                included: request.included.clone(),
                excluded: request.excluded.clone(),
            },
            paths: named_paths(config, layout)
                .into_iter()
                .map(|(name, path)| (name, path.to_string()))
                .collect(),
            today,
            lancelot_version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// The full context for rendering the file at `file`: the shared values plus
    /// `file`, `links` and `depends_on`, whose links are relative to `file`.
    pub(super) fn for_file(
        &self,
        config: &Config,
        request: &SliceRequest,
        layout: &SliceLayout,
        file: &RelPath,
    ) -> Result<tera::Context, tera::Error> {
        let mut context = tera::Context::from_serialize(self)?;
        let links: BTreeMap<&str, String> = named_paths(config, layout)
            .into_iter()
            .map(|(name, path)| (name, path.link_from(file)))
            .collect();
        let depends_on: Vec<DependencyContext> = request
            .depends_on
            .iter()
            .map(|slice| DependencyContext {
                title: slice.feature.title(),
                pascal: slice.feature.pascal(),
                spec: slice.spec.to_string(),
                link: slice.spec.link_from(file),
            })
            .collect();
        let depth = file.as_str().matches('/').count();
        context.insert("links", &links);
        context.insert("depends_on", &depends_on);
        context.insert(
            "file",
            &FileContext {
                path: file.to_string(),
                name: file.file_name().to_owned(),
                depth,
                root: if depth == 0 {
                    ".".into()
                } else {
                    vec![".."; depth].join("/")
                },
            },
        );
        Ok(context)
    }
}
