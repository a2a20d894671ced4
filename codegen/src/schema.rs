//! The editor schema of the spec language: a JSON Schema generated from the serde types of
//! [`crate::spec`], so that an editor with a YAML language server completes and checks keys
//! while a spec is written.
//!
//! It is derived, never written by hand, so it cannot drift from what the loader accepts: the
//! doc comments of `spec.rs` become the descriptions, `deny_unknown_fields` becomes
//! `additionalProperties: false`, serde defaults become `default`. The committed copy is
//! `specs/schema.json` (`cargo xtask schema` writes it, a test checks it is current). Draft 7
//! is the draft YAML language servers support best.
//!
//! One file of the spec language is either a whole spec (a `specs/<api>.yaml` or a folder's
//! `api.yaml`) or a part of a folder (its other files); the two shapes are disjoint (a spec
//! requires `api`, a part forbids it), so the root accepts any of the two.

use schemars::r#gen::SchemaSettings;
use schemars::schema::{InstanceType, Metadata, RootSchema, SchemaObject};

use crate::spec::{Part, Spec};

/// Where the committed schema lives, relative to the workspace root.
pub const SCHEMA_PATH: &str = "specs/schema.json";

/// The first line of a spec file directly in `specs/`, which points editors at the schema.
pub const MODELINE: &str = "# yaml-language-server: $schema=./schema.json";

/// The first line of a file of a spec folder (`specs/<api>/*.yaml`).
pub const FOLDER_MODELINE: &str = "# yaml-language-server: $schema=../schema.json";

/// The schema as a value.
pub fn spec_schema() -> RootSchema {
    let mut settings = SchemaSettings::draft07();
    settings.option_add_null_type = false;
    let mut generator = settings.into_generator();
    let spec = generator.subschema_for::<Spec>();
    let part = generator.subschema_for::<Part>();
    let mut root = SchemaObject {
        metadata: Some(Box::new(Metadata {
            title: Some("saas-clients spec".to_owned()),
            description: Some(
                "A spec file of the saas-clients generator: a whole spec (`specs/<api>.yaml`, or \
                 the `api.yaml` of a spec folder) or one more file of a spec folder (types, \
                 operations and notes). Generated from codegen/src/spec.rs by `cargo xtask \
                 schema`; specs/README.md documents every key."
                    .to_owned(),
            ),
            ..Default::default()
        })),
        instance_type: Some(InstanceType::Object.into()),
        ..Default::default()
    };
    root.subschemas().any_of = Some(vec![spec, part]);
    RootSchema {
        meta_schema: generator.settings().meta_schema.clone(),
        schema: root,
        definitions: generator.take_definitions(),
    }
}

/// The schema as the committed file holds it: pretty JSON with a final newline.
pub fn spec_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&spec_schema())
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// The modeline a spec file at `rel` (relative to `specs/`, `/`-separated) must start with.
pub fn modeline_for(rel: &str) -> &'static str {
    if rel.contains('/') {
        FOLDER_MODELINE
    } else {
        MODELINE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_accepts_a_spec_or_a_part_and_refuses_unknown_keys() {
        let value = serde_json::to_value(spec_schema()).unwrap();
        assert_eq!(
            value["$schema"], "http://json-schema.org/draft-07/schema#",
            "{value}"
        );
        let any_of = value["anyOf"].as_array().unwrap();
        assert_eq!(any_of.len(), 2);
        let spec = &value["definitions"]["Spec"];
        assert_eq!(spec["additionalProperties"], false);
        assert!(spec["required"].as_array().unwrap().contains(&"api".into()));
        assert_eq!(
            spec["properties"]["api"]["description"],
            "Module and cargo feature name, in snake_case."
        );
    }

    #[test]
    fn modelines_point_up_from_a_folder() {
        assert_eq!(modeline_for("teamup.yaml"), MODELINE);
        assert_eq!(modeline_for("teamleader_v2/api.yaml"), FOLDER_MODELINE);
    }
}
