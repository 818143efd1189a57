//! `host_include/conf.mk` (`CFG_NAME=value` lines) rendered as `conf.h` and
//! `conf.cmake`, so the three files cannot disagree.

use anyhow::{bail, Result};

/// The `(name, value)` pairs of a conf.mk.
fn entries(conf_mk: &str) -> Result<Vec<(&str, &str)>> {
    let mut out = Vec::new();
    for line in conf_mk.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            bail!("conf.mk: `{line}` is not CFG_NAME=value");
        };
        if !name.starts_with("CFG_") || value.contains(['"', '\\']) {
            bail!("conf.mk: `{line}` is not CFG_NAME=value");
        }
        out.push((name, value));
    }
    Ok(out)
}

/// `(conf.h, conf.cmake)`: `y` is 1 in C, `n` is left undefined in C and
/// `n` in CMake, numbers are themselves, other text is a C string.
pub(crate) fn render(conf_mk: &str) -> Result<(String, String)> {
    let mut h = String::from(
        "/* The secure OS this kit belongs to (from host_include/conf.mk). */\n\
         #ifndef OXTEE_HOST_CONF_H\n#define OXTEE_HOST_CONF_H\n",
    );
    let mut cmake =
        String::from("# The secure OS this kit belongs to (from host_include/conf.mk).\n");
    for (name, value) in entries(conf_mk)? {
        match value {
            "y" => h.push_str(&format!("#define {name} 1\n")),
            "n" => h.push_str(&format!("/* {name} is not set */\n")),
            v if v.chars().all(|c| c.is_ascii_digit()) => {
                h.push_str(&format!("#define {name} {v}\n"))
            }
            v => h.push_str(&format!("#define {name} \"{v}\"\n")),
        }
        cmake.push_str(&format!("set({name} {value})\n"));
    }
    h.push_str("#endif\n");
    Ok((h, cmake))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_each_kind_of_value() {
        let (h, c) = render("# x\nCFG_A=y\nCFG_B=n\nCFG_C=4\nCFG_D=oxtee\n").unwrap();
        assert!(h.contains("#define CFG_A 1\n"));
        assert!(h.contains("/* CFG_B is not set */\n") && !h.contains("#define CFG_B"));
        assert!(h.contains("#define CFG_C 4\n"));
        assert!(h.contains("#define CFG_D \"oxtee\"\n"));
        assert!(c.contains("set(CFG_A y)\nset(CFG_B n)\nset(CFG_C 4)\nset(CFG_D oxtee)\n"));
        assert!(render("CFG_A y\n").is_err());
        assert!(render("NOTCFG=y\n").is_err());
    }
}
