//! The direction of dependencies inside the kernel crate: the message layer
//! (`call`) uses the TA runtime (`user_ta`), never the other way round; the
//! runtime gets what it needs through `user_ta::Services`. And no pseudo-TA
//! is special-cased by UUID in the runtime: PTAs get their caller through
//! their call context.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn runtime_sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![
        root.join("ta_load.rs"),
        root.join("rpc.rs"),
        root.join("supp_buf.rs"),
        root.join("pta_services.rs"),
    ];
    rust_files(&root.join("user_ta"), &mut files);
    assert!(files.len() > 20, "the runtime's sources were not found");
    files
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

#[test]
fn the_ta_runtime_does_not_depend_on_the_message_layer() {
    for (path, text) in runtime_sources() {
        for needle in ["crate::call", "call::Kernel", "use crate::call"] {
            assert!(
                !text.contains(needle),
                "{} refers to the message layer ({needle})",
                path.display()
            );
        }
    }
}

#[test]
fn no_pseudo_ta_is_special_cased_by_uuid_in_the_runtime() {
    for (path, text) in runtime_sources() {
        for needle in ["PTA_SYSTEM_UUID", "PTA_SOCKET_UUID"] {
            assert!(
                !text.contains(needle),
                "{} special-cases a pseudo-TA ({needle})",
                path.display()
            );
        }
    }
}
