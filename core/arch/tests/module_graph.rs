//! The modules of the arch layer and of the image form no cycle: each file
//! reaches only modules below it (`crate::name` references), so every layer
//! can be read, tested and changed on top of the ones it uses.

use std::collections::BTreeMap;
use std::path::Path;

/// Module name -> the other modules of the same crate it names.
fn graph(src: &Path) -> BTreeMap<String, Vec<String>> {
    let files: BTreeMap<String, String> = std::fs::read_dir(src)
        .unwrap_or_else(|e| panic!("{}: {e}", src.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| {
            let name = p.file_stem().expect("stem").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .filter(|(name, _)| name != "lib" && name != "main")
        .collect();
    files
        .iter()
        .map(|(name, text)| {
            let mut uses: Vec<String> = text
                .split("crate::")
                .skip(1)
                .map(|rest| {
                    rest.chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .filter(|m| m != name && files.contains_key(m))
                .collect();
            uses.sort();
            uses.dedup();
            (name.clone(), uses)
        })
        .collect()
}

/// A cycle through `at`, if any (depth-first search).
fn cycle(
    g: &BTreeMap<String, Vec<String>>,
    at: &str,
    path: &mut Vec<String>,
    done: &mut Vec<String>,
) -> Option<Vec<String>> {
    if let Some(i) = path.iter().position(|m| m == at) {
        let mut c = path[i..].to_vec();
        c.push(at.to_string());
        return Some(c);
    }
    if done.iter().any(|m| m == at) {
        return None;
    }
    path.push(at.to_string());
    for next in &g[at] {
        if let Some(c) = cycle(g, next, path, done) {
            return Some(c);
        }
    }
    path.pop();
    done.push(at.to_string());
    None
}

fn acyclic(src: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(src);
    let g = graph(&root);
    assert!(g.len() > 5, "{src}: modules not found");
    let mut done = Vec::new();
    for m in g.keys() {
        if let Some(c) = cycle(&g, m, &mut Vec::new(), &mut done) {
            panic!("{src}: module cycle {}", c.join(" -> "));
        }
    }
}

#[test]
fn arch_modules_form_no_cycle() {
    acyclic("src");
}

#[test]
fn image_modules_form_no_cycle() {
    acyclic("../image/src");
}

#[test]
fn a_cycle_is_found() {
    let g: BTreeMap<String, Vec<String>> = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(m, n)| (m.to_string(), vec![n.to_string()]))
        .collect();
    let c = cycle(&g, "a", &mut Vec::new(), &mut Vec::new()).expect("cycle");
    assert_eq!(c, ["a", "b", "c", "a"]);
}
