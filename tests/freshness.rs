//! The committed output is what the specs produce: `generated/` and the fixture modules are
//! current, and any hand edit is caught with the command that repairs it.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
}

/// Fails, naming `cargo xtask gen`, when a generated file differs from what the specs produce.
#[test]
fn generated_code_is_current() {
    if let Err(e) = clientgen::run(root(), clientgen::Mode::Check) {
        panic!("{e}");
    }
}

/// Changing one byte of a generated file is detected and reported with the repair command; the
/// check itself writes nothing. Works on a copy of the tree so the real one is never touched.
#[test]
fn a_changed_byte_is_reported_with_the_command_to_run() {
    let copy = std::env::temp_dir().join(format!("clientgen-freshness-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    for dir in [
        "specs",
        "generated/src",
        clientgen::FIXTURE_SPECS,
        clientgen::FIXTURE_OUTPUT,
    ] {
        copy_dir(&root().join(dir), &copy.join(dir));
    }
    std::fs::copy(
        root().join("generated/Cargo.toml"),
        copy.join("generated/Cargo.toml"),
    )
    .unwrap();
    clientgen::run(&copy, clientgen::Mode::Check).expect("the copy starts out current");

    let target = copy.join("generated/src/teamup/types.rs");
    let mut bytes = std::fs::read(&target).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x01;
    std::fs::write(&target, &bytes).unwrap();
    let stray = copy.join("generated/src/teamup/leftover.rs");
    std::fs::write(&stray, "// no longer generated\n").unwrap();

    let err = clientgen::run(&copy, clientgen::Mode::Check)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("differs:") && err.contains("teamup/types.rs"),
        "{err}"
    );
    assert!(
        err.contains("no longer generated:") && err.contains("leftover.rs"),
        "{err}"
    );
    assert!(err.contains("run `cargo xtask gen`"), "{err}");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        bytes,
        "--check must not write"
    );

    clientgen::run(&copy, clientgen::Mode::Write).unwrap();
    assert!(!stray.exists(), "files no longer produced are removed");
    clientgen::run(&copy, clientgen::Mode::Check).expect("current again after writing");
    let _ = std::fs::remove_dir_all(&copy);
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
