//! `.gitattributes` keeps every file that is compared byte for byte LF on every platform:
//! generated code and documents (`cargo xtask gen --check`, the freshness test), snapshots
//! (insta), specs and fixtures (whose lines and columns diagnostics quote). A Windows checkout
//! with `core.autocrlf` would otherwise turn them CRLF and fail those checks.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn compared_files_are_checked_out_lf() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dirs = [
        "generated",
        "openapi",
        "specs",
        "tests/fixtures",
        "tests/snapshots",
    ];
    let listed = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z", "--"])
        .args(dirs)
        .output()
        .expect("git runs");
    assert!(listed.status.success(), "git ls-files failed");
    let files: Vec<&[u8]> = listed
        .stdout
        .split(|&b| b == 0)
        .filter(|f| !f.is_empty())
        .collect();
    for dir in dirs {
        assert!(
            files.iter().any(|f| f.starts_with(dir.as_bytes())),
            "git lists no file in {dir}"
        );
    }
    let mut check = Command::new("git")
        .current_dir(root)
        .args(["check-attr", "-z", "--stdin", "eol"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git runs");
    check
        .stdin
        .take()
        .unwrap()
        .write_all(&listed.stdout)
        .unwrap();
    let out = check.wait_with_output().unwrap();
    assert!(out.status.success(), "git check-attr failed");
    // `-z` output: path, attribute, value, each NUL-terminated.
    let fields: Vec<String> = out
        .stdout
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let not_lf: Vec<&str> = fields
        .chunks(3)
        .filter(|c| c.len() == 3 && c[2] != "lf")
        .map(|c| c[0].as_str())
        .collect();
    assert_eq!(fields.len() / 3, files.len(), "one answer per file");
    assert!(
        not_lf.is_empty(),
        "not kept LF by .gitattributes: {not_lf:?}"
    );
}
