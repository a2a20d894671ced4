//! The OpenAPI export (`openapi/`): current with the specs, accepted by a real validator, and
//! saying what the model says.
//!
//! The validator is `openapi-spec-validator` (PyPI), run as `python3 -m openapi_spec_validator`;
//! `.ci/run` installs it, so CI never skips. Without `python3` the validation test says so and
//! passes; with `python3` but without the package it fails, naming the install command.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clientgen::openapi::{self, Version};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
}

fn load(module: &str, version: Version) -> Value {
    let path = root().join(openapi::OUTPUT).join(version.file(module));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Fails, naming `cargo xtask openapi`, when a committed document differs from the export.
#[test]
fn openapi_documents_are_current() {
    if let Err(e) = openapi::run(root(), clientgen::Mode::Check) {
        panic!("{e}");
    }
}

/// A changed byte and a stray file are both reported with the repair command, `--check` writes
/// nothing, and writing repairs both. Works on a copy so the real tree is never touched.
#[test]
fn a_stale_document_is_reported_with_the_command_to_run() {
    let copy = std::env::temp_dir().join(format!("clientgen-openapi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(&root().join("specs"), &copy.join("specs"));
    copy_dir(&root().join(openapi::OUTPUT), &copy.join(openapi::OUTPUT));
    openapi::run(&copy, clientgen::Mode::Check).expect("the copy starts out current");

    let target = copy.join("openapi/3.0/teamup.json");
    let mut bytes = std::fs::read(&target).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&target, &bytes).unwrap();
    let stray = copy.join("openapi/removed_api.json");
    std::fs::write(&stray, "{}\n").unwrap();

    let err = openapi::run(&copy, clientgen::Mode::Check)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("differs:") && err.contains("3.0/teamup.json"),
        "{err}"
    );
    assert!(
        err.contains("no longer generated:") && err.contains("removed_api.json"),
        "{err}"
    );
    assert!(err.contains("run `cargo xtask openapi`"), "{err}");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        bytes,
        "--check must not write"
    );

    openapi::run(&copy, clientgen::Mode::Write).unwrap();
    assert!(!stray.exists(), "documents no longer produced are removed");
    openapi::run(&copy, clientgen::Mode::Check).expect("current again after writing");
    let _ = std::fs::remove_dir_all(&copy);
}

/// The output does not depend on the order of the model's unordered list of operations. (The
/// type table is not reordered: its order, by Rust name, is fixed by construction, and types
/// refer to each other by their place in it.)
#[test]
fn the_export_does_not_depend_on_model_order() {
    let apis = clientgen::load_dir(root(), "specs").unwrap();
    let mut shuffled = apis.clone();
    for api in &mut shuffled {
        api.operations.reverse();
    }
    assert_eq!(
        openapi::files(&apis).unwrap(),
        openapi::files(&shuffled).unwrap()
    );
}

/// Every committed document, and the documents of the fixture specs (the corner cases: forms,
/// unions, OAuth2, query arrays, envelopes), pass `openapi-spec-validator`; a broken document
/// fails it, so the check is not vacuous.
#[test]
fn every_document_passes_openapi_spec_validator() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed, so openapi-spec-validator cannot run");
        return;
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for version in [Version::V3_1, Version::V3_0] {
        for api in clientgen::load_dir(root(), "specs").unwrap() {
            files.push(root().join(openapi::OUTPUT).join(version.file(&api.module)));
        }
    }
    let scratch =
        std::env::temp_dir().join(format!("clientgen-openapi-val-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let fixtures = clientgen::load_dir(root(), clientgen::FIXTURE_SPECS).unwrap();
    for (rel, text) in openapi::files(&fixtures).unwrap() {
        let path = scratch.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        files.push(path);
    }
    assert!(files.len() >= 10 + 2 * fixtures.len(), "{files:?}");

    let (ok, out) = validate(&files);
    assert!(
        !out.contains("No module named openapi_spec_validator"),
        "openapi-spec-validator is missing: `pip install openapi-spec-validator` (.ci/run does)"
    );
    assert!(
        ok,
        "openapi-spec-validator rejected an exported document:\n{out}"
    );
    for f in &files {
        assert!(
            out.contains(&format!("{}: OK", f.display())),
            "no verdict for {}:\n{out}",
            f.display()
        );
    }

    // The same validator rejects a document with a dangling reference.
    let mut broken = load("teamup", Version::V3_1);
    broken["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .remove("Event");
    let bad = scratch.join("broken.json");
    std::fs::write(&bad, serde_json::to_string(&broken).unwrap()).unwrap();
    let (ok, out) = validate(std::slice::from_ref(&bad));
    assert!(!ok, "a dangling $ref must fail validation:\n{out}");
    let _ = std::fs::remove_dir_all(&scratch);
}

/// Runs the validator on `files`, at most two minutes; returns success and its output.
fn validate(files: &[PathBuf]) -> (bool, String) {
    let mut child = Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .args(files)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("openapi-spec-validator did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = format!("{}{}", out.join().unwrap(), err.join().unwrap());
    (status.success(), text)
}

/// Every operation of every spec is in its document once, under its method and path, with the
/// spec's id as `operationId`; every type has a schema.
#[test]
fn every_operation_and_type_is_exported() {
    for api in clientgen::load_dir(root(), "specs").unwrap() {
        for version in [Version::V3_1, Version::V3_0] {
            let doc = load(&api.module, version);
            assert_eq!(doc["openapi"], version.number());
            let mut ids = BTreeSet::new();
            for (path, item) in doc["paths"].as_object().unwrap() {
                for (method, op) in item.as_object().unwrap() {
                    let id = op["operationId"].as_str().unwrap().to_owned();
                    let model = api.operations.iter().find(|o| o.id == id).unwrap();
                    assert_eq!(&model.path_template, path, "{id}");
                    assert_eq!(
                        format!("{:?}", model.method).to_lowercase(),
                        *method,
                        "{id}"
                    );
                    assert!(ids.insert(id), "{path} {method}");
                }
            }
            let expected: BTreeSet<String> = api.operations.iter().map(|o| o.id.clone()).collect();
            assert_eq!(ids, expected, "{}", api.module);
            for t in &api.types {
                assert!(
                    doc["components"]["schemas"][&t.rust].is_object(),
                    "{}: {}",
                    api.module,
                    t.rust
                );
            }
        }
    }
}

/// Teamup: envelopes, the error body with its code, an open enum, nullability in both versions,
/// PHP-style query arrays, API-key headers, retry policy and citations.
#[test]
fn teamup_document_says_what_the_spec_says() {
    let doc = load("teamup", Version::V3_1);
    let get = &doc["paths"]["/{calendarKey}/events/{eventId}"]["get"];
    assert_eq!(get["operationId"], "get_event");
    let ok = &get["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(
        ok["properties"]["event"]["$ref"],
        "#/components/schemas/Event"
    );
    assert_eq!(ok["required"], serde_json::json!(["event"]));
    assert_eq!(
        get["responses"]["4XX"]["$ref"],
        "#/components/responses/Error"
    );
    let error = &doc["components"]["responses"]["Error"];
    assert_eq!(
        error["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorResponse"
    );
    assert_eq!(error["x-clientgen-error-code"]["path"], "error.id");
    assert!(error["content"]["application/json"]["examples"]["generic_bad_request"].is_object());

    let params = get["parameters"].as_array().unwrap();
    let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["calendarKey", "eventId", "format[]", "tz", "lang"]);
    assert_eq!(params[2]["style"], "form");
    assert_eq!(params[2]["explode"], true);
    assert_eq!(params[3]["x-clientgen-global"], true);

    let error_id = &doc["components"]["schemas"]["ErrorId"];
    assert!(
        error_id.get("enum").is_none(),
        "open enums are not closed JSON Schema enums"
    );
    assert!(
        error_id["x-extensible-enum"]
            .as_array()
            .unwrap()
            .contains(&Value::from("event_validation_conflict"))
    );
    assert!(
        error_id["description"]
            .as_str()
            .unwrap()
            .contains("Open enum")
    );
    assert_eq!(
        doc["components"]["schemas"]["ErrorMessage"]["oneOf"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let event = &doc["components"]["schemas"]["Event"]["properties"];
    assert_eq!(
        event["remote_id"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert_eq!(event["series_id"]["readOnly"], true);
    assert_eq!(event["subcalendar_id"]["deprecated"], true);
    assert_eq!(event["redit"]["writeOnly"], true);
    let v30 = load("teamup", Version::V3_0);
    let event30 = &v30["components"]["schemas"]["Event"]["properties"];
    assert_eq!(event30["remote_id"]["type"], "string");
    assert_eq!(event30["remote_id"]["nullable"], true);
    assert_eq!(
        event30["redit"]["allOf"][0]["$ref"], "#/components/schemas/RecurrenceEditMode",
        "3.0 ignores siblings of $ref, so they go around an allOf"
    );

    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["api_key"]["type"], "apiKey");
    assert_eq!(schemes["api_key"]["name"], "Teamup-Token");
    assert_eq!(
        doc["security"],
        serde_json::json!([{"api_key": [], "password": []}, {"api_key": []}])
    );
    assert_eq!(
        doc["x-clientgen-retry"]["notProcessedStatuses"],
        serde_json::json!([503])
    );
    assert_eq!(get["x-clientgen-cite"]["file"], "002_db84e9af49a8955f.txt");
    assert!(doc["x-clientgen-notes"].as_array().unwrap().len() > 3);
}

/// Grow CRM: a form body goes out under its form names, nested objects flattened into the
/// same form, read-only fields left out.
#[test]
fn form_bodies_use_form_names() {
    let doc = load("grow_crm", Version::V3_1);
    let update = &doc["paths"]["/leads/{id}"]["patch"];
    assert_eq!(update["operationId"], "update_lead");
    let form = &update["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
    assert_eq!(
        form["x-clientgen-form-of"]["$ref"],
        "#/components/schemas/Lead"
    );
    let props = form["properties"].as_object().unwrap();
    assert_eq!(props["lead_title"]["x-clientgen-json-name"], "title");
    assert!(!props.contains_key("title"));
    assert_eq!(props["lead_status"]["x-clientgen-json-name"], "status.id");
    let lead = &doc["components"]["schemas"]["Lead"]["properties"];
    for (name, field) in lead.as_object().unwrap() {
        if field["readOnly"] == true {
            let form_name = field["x-clientgen-form-name"].as_str().unwrap_or(name);
            assert!(
                !props.contains_key(form_name),
                "read-only `{name}` is never sent"
            );
        }
    }
    assert_eq!(lead["title"]["x-clientgen-form-name"], "lead_title");
}

/// Teamleader: OAuth2 with its URLs (v2), credentials in the form body as the documented
/// extension and the rate limit (v1).
#[test]
fn teamleader_auth_and_rate_limit() {
    let v2 = load("teamleader_v2", Version::V3_1);
    let flow = &v2["components"]["securitySchemes"]["oauth"]["flows"]["authorizationCode"];
    assert_eq!(
        flow["authorizationUrl"],
        "https://focus.teamleader.eu/oauth2/authorize"
    );
    assert_eq!(
        flow["tokenUrl"],
        "https://focus.teamleader.eu/oauth2/access_token"
    );
    assert_eq!(v2["security"], serde_json::json!([{"oauth": []}]));

    let v1 = load("teamleader_v1", Version::V3_1);
    let creds = &v1["x-clientgen-form-credentials"][0];
    assert_eq!(
        creds["fields"],
        serde_json::json!(["api_group", "api_secret"])
    );
    assert_eq!(creds["required"], false);
    assert_eq!(
        v1["security"],
        serde_json::json!([{"oauth": []}, {}]),
        "OAuth2 or the form credentials"
    );
    assert_eq!(
        v1["x-clientgen-rate-limit"],
        serde_json::json!({"calls": 25, "perSeconds": 5})
    );
}

/// Teamfluence: a 2xx that means "not done" carries the error body.
#[test]
fn failure_statuses_carry_the_error_body() {
    let doc = load("teamfluence", Version::V3_1);
    let mut seen = 0;
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let r = &op["responses"]["202"];
            assert_eq!(r["x-clientgen-failure"], true);
            assert!(r["content"]["application/json"]["schema"]["$ref"].is_string());
            seen += 1;
        }
    }
    assert!(seen > 0);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}
