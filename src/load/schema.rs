//! JSON Schemas of every document kind and of `briefpress.toml`, generated
//! from the very types that parse them, so they cannot drift. Editors with
//! Taplo (Even Better TOML) complete and validate fields from them through a
//! `#:schema` first line.

use schemars::{JsonSchema, Schema, generate::SchemaSettings};
use serde_json::{Value, json};

use crate::load::config::ConfigFile;
use crate::model::{Article, Brief, Compendium, CompendiumPart, Issue, Notice};

/// The folder, inside a project, that schema files go to by default.
pub const DIR: &str = "schemas";

/// `(file name, JSON)` for every schema.
pub fn all() -> Vec<(String, String)> {
    [
        (
            "article",
            kind::<Article>("article", "An article of the publication"),
        ),
        ("brief", kind::<Brief>("brief", "A research brief")),
        (
            "issue",
            kind::<Issue>("issue", "An issue of the publication"),
        ),
        (
            "compendium",
            kind::<Compendium>("compendium", "A compendium"),
        ),
        (
            "compendium-part",
            kind::<CompendiumPart>(
                "compendium-part",
                "Entries of a compendium, in a file of their own",
            ),
        ),
        (
            "notice",
            kind::<Notice>("notice", "An announcement listed in the catalogue"),
        ),
        ("project", project()),
    ]
    .into_iter()
    .map(|(name, schema)| {
        let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        (file_name(name), text + "\n")
    })
    .collect()
}

/// `<name>.schema.json`.
pub fn file_name(name: &str) -> String {
    format!("{name}.schema.json")
}

fn generate<T: JsonSchema>() -> Schema {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// A document kind's schema, with `kind` fixed to its name.
fn kind<T: JsonSchema>(name: &str, title: &str) -> Value {
    let mut schema = generate::<T>().to_value();
    schema["title"] = json!(format!("briefpress {name}: {title}"));
    if let Some(properties) = schema.get_mut("properties") {
        properties["kind"] = json!({
            "description": format!("The document kind: always \"{name}\"."),
            "const": name,
        });
    }
    schema
}

fn project() -> Value {
    let mut schema = generate::<ConfigFile>().to_value();
    schema["title"] = json!("briefpress project configuration (briefpress.toml)");
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_name_every_kind_and_fix_it() {
        let all = all();
        let names: Vec<&str> = all.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "article.schema.json",
                "brief.schema.json",
                "issue.schema.json",
                "compendium.schema.json",
                "compendium-part.schema.json",
                "notice.schema.json",
                "project.schema.json"
            ]
        );
        let article: Value = serde_json::from_str(&all[0].1).unwrap();
        assert_eq!(article["properties"]["kind"]["const"], "article");
        assert_eq!(article["additionalProperties"], false);
        let required = article["required"].as_array().unwrap();
        for key in ["kind", "headline", "body"] {
            assert!(required.contains(&json!(key)), "{key} in {required:?}");
        }
        // An article may be undated.
        assert!(!required.contains(&json!("date")), "{required:?}");
    }
}
