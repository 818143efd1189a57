//! Review tests of the firmware's structure, for properties QEMU cannot
//! show: the EL3 vectors never re-enter Rust or long-jump (the monitor is a
//! run loop around `el3_enter_world`), the firmware's modules depend on each
//! other without cycles, and no safe function hands out a `&'static mut`.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

fn src_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn read(rel: &str) -> String {
    let path = src_dir().join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Instruction lines (comments and labels removed) between `start` and `end`.
fn instructions(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty() && !l.ends_with(':') && !l.starts_with('.'))
        .collect()
}

/// The branch target of an instruction, if it is a branch.
fn branch(insn: &str) -> Option<(&str, &str)> {
    let mut parts = insn.splitn(2, char::is_whitespace);
    let op = parts.next()?;
    let args = parts.next().unwrap_or("").trim();
    let is_branch = op == "b"
        || op.starts_with("b.")
        || matches!(op, "bl" | "blr" | "br" | "cbz" | "cbnz" | "tbz" | "tbnz");
    is_branch.then(|| (op, args.rsplit(',').next().unwrap_or("").trim()))
}

/// Body of `.macro name` .. `.endm`.
fn macro_body<'a>(text: &'a str, name: &str) -> &'a str {
    let start = text
        .find(&format!(".macro {name}"))
        .unwrap_or_else(|| panic!("no macro {name}"));
    let end = start + text[start..].find(".endm").expect("macro without .endm");
    &text[start..end]
}

#[test]
fn lower_el_vectors_only_save_state_and_return_to_the_run_loop() {
    let text = read("asm/vectors.S");
    let table_start = text.find("el3_vectors:").expect("vector table");
    let table_end = table_start + text[table_start..].find(".section").expect("end of table");
    let table = instructions(&text[table_start..table_end]);
    // 16 entries: 4 lower-EL AArch64 exits, 12 "unexpected" (EL3 itself or AArch32).
    let exits: Vec<_> = table
        .iter()
        .filter(|l| l.starts_with("lower_el_exit"))
        .collect();
    assert_eq!(exits.len(), 4, "{table:?}");
    assert_eq!(
        table.iter().filter(|l| l.starts_with("unexpected")).count(),
        12
    );
    assert_eq!(
        table.len(),
        16,
        "only macro entries in the table: {table:?}"
    );

    // A lower-EL exit saves the world and branches to the second half of
    // `el3_enter_world`: no call into Rust, nothing else.
    let body = instructions(macro_body(&text, "lower_el_exit"));
    let branches: Vec<_> = body.iter().filter_map(|i| branch(i)).collect();
    assert_eq!(branches, [("b", "el3_world_exit")], "{body:?}");
    let save = instructions(macro_body(&text, "save_lower_el_state"));
    assert!(save.iter().all(|i| branch(i).is_none()), "{save:?}");

    // Faults at EL3 itself go to the panic handler, which never returns.
    let unexpected = instructions(macro_body(&text, "unexpected"));
    let branches: Vec<_> = unexpected.iter().filter_map(|i| branch(i)).collect();
    assert_eq!(branches, [("b", "{unexpected_handler}")]);
}

#[test]
fn the_world_exit_returns_to_the_caller_of_enter_world() {
    let text = read("asm/vectors.S");
    let start = text.find("\nel3_world_exit:").expect("el3_world_exit");
    let body = instructions(&text[start..]);
    assert_eq!(body.last().map(String::as_str), Some("ret"), "{body:?}");
    assert!(body.iter().all(|i| branch(i).is_none()), "{body:?}");
    // It pops exactly what `el3_enter_world` pushed.
    let enter = text.find("\nel3_enter_world:").expect("el3_enter_world");
    let pushes: Vec<_> = instructions(&text[enter..start])
        .into_iter()
        .filter(|i| i.starts_with("stp     x19") || i.starts_with("stp     x29"))
        .collect();
    assert_eq!(pushes.len(), 2, "callee-saved registers pushed");
}

#[test]
fn no_vector_hands_rust_a_handler_and_nothing_long_jumps() {
    let main = read("main.rs");
    let start = main
        .find("include_str!(\"asm/vectors.S\")")
        .expect("vectors global_asm");
    let end = start + main[start..].find(");").expect("end of global_asm");
    let syms: Vec<_> = main[start..end]
        .lines()
        .filter(|l| l.contains("= sym "))
        .map(str::trim)
        .collect();
    assert_eq!(
        syms,
        ["unexpected_handler = sym crate::monitor::unexpected_exception,"]
    );
    for entry in fs::read_dir(src_dir().join("asm")).expect("asm dir") {
        let path = entry.expect("entry").path();
        let text = fs::read_to_string(&path).expect("asm file");
        for gone in [
            "el3_exit_sync",
            "el3_enter_sync",
            "el3_restart",
            "el3_exit\n",
        ] {
            assert!(!text.contains(gone), "{}: {gone}", path.display());
        }
    }
    // In the vectors' file, the only branches are the exit to the run loop
    // and the panic path: no call into Rust from an exception vector.
    let vectors = read("asm/vectors.S");
    for insn in instructions(&vectors) {
        if let Some(b) = branch(&insn) {
            assert!(
                b == ("b", "el3_world_exit") || b == ("b", "{unexpected_handler}"),
                "vectors.S: {insn}"
            );
        }
    }
}

/// The first path segment of each item of a `crate::` path or use-list.
fn crate_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let ident = |s: &str| -> String {
        s.trim()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            // Top-level items of the brace list.
            let (mut depth, mut item) = (0, String::new());
            for c in list.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(c);
                }
            }
            out.push(ident(&item));
        } else {
            out.push(ident(rest));
        }
    }
    out
}

/// `crate::module` references between the firmware's modules.
fn module_graph() -> BTreeMap<String, Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(src_dir()).expect("src dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let stem = path.file_stem().expect("stem").to_string_lossy();
            names.push(stem.into_owned());
        }
    }
    let mut graph = BTreeMap::new();
    for name in &names {
        let refs = crate_refs(&read(&format!("{name}.rs")));
        let mut deps: Vec<String> = names
            .iter()
            .filter(|other| *other != name && refs.contains(other))
            .cloned()
            .collect();
        deps.sort();
        graph.insert(name.clone(), deps);
    }
    graph
}
fn find_cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, Vec<String>>,
        path: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.iter().any(|n| n == node) {
            return None;
        }
        path.push(node.to_string());
        for dep in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(dep, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.push(node.to_string());
        None
    }
    let mut done = Vec::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn firmware_modules_have_no_dependency_cycle() {
    let graph = module_graph();
    assert_eq!(find_cycle(&graph), None, "{graph:?}");
    // The layering the run loop relies on, spelled out.
    assert!(graph["boot"].contains(&"monitor".to_string()), "{graph:?}");
    assert!(
        graph["monitor"].contains(&"opteed".to_string()),
        "{graph:?}"
    );
    assert!(graph["monitor"].contains(&"psci".to_string()), "{graph:?}");
    assert!(graph["opteed"].contains(&"world".to_string()), "{graph:?}");
}

#[test]
fn crate_references_are_parsed() {
    let text = "use crate::{el1, fp, hw};\nuse crate::a::{B, C};\nlet x = crate::sysreg::isb();\n";
    assert_eq!(crate_refs(text), ["el1", "fp", "hw", "a", "sysreg"]);
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), vec!["b".to_string()]);
    g.insert("b".to_string(), vec!["c".to_string()]);
    g.insert("c".to_string(), vec![]);
    assert_eq!(find_cycle(&g), None);
    g.insert("c".to_string(), vec!["a".to_string()]);
    assert_eq!(
        find_cycle(&g),
        Some(
            vec!["a", "b", "c", "a"]
                .into_iter()
                .map(String::from)
                .collect()
        )
    );
}

#[test]
fn only_unsafe_fns_return_static_mut_references() {
    for entry in fs::read_dir(src_dir()).expect("src dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = fs::read_to_string(&path).expect("source");
        for line in text.lines().filter(|l| l.contains("-> &'static mut")) {
            assert!(
                line.contains("unsafe fn"),
                "{}: a safe fn returns &'static mut: {line}",
                path.display()
            );
        }
    }
}
