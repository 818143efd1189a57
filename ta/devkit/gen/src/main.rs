//! `oxtee-devkit-gen <kit source> <out>`: copies the kit's tree and expands
//! `@constants ...@` lines into `#define`s from supplicant-proto (README).
#![forbid(unsafe_code)]

mod conf;
mod constants;

use std::path::Path;

use anyhow::{bail, Context, Result};

fn copy_tree(src: &Path, dst: &Path) -> Result<usize> {
    std::fs::create_dir_all(dst).with_context(|| format!("{}", dst.display()))?;
    let mut expanded = 0;
    let mut entries: Vec<_> = std::fs::read_dir(src)
        .with_context(|| format!("{}", src.display()))?
        .collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let (from, to) = (entry.path(), dst.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            expanded += copy_tree(&from, &to)?;
            continue;
        }
        let bytes = std::fs::read(&from).with_context(|| format!("{}", from.display()))?;
        let out = match std::str::from_utf8(&bytes) {
            Ok(text) if text.contains("@constants ") => {
                expanded += 1;
                constants::expand(text)
                    .with_context(|| format!("{}", from.display()))?
                    .into_bytes()
            }
            _ => bytes,
        };
        std::fs::write(&to, &out).with_context(|| format!("{}", to.display()))?;
        if entry.file_name() == "conf.mk" && src.ends_with("host_include") {
            let text = std::str::from_utf8(&out).context("host_include/conf.mk")?;
            let (h, cmake) = conf::render(text)?;
            std::fs::write(dst.join("conf.h"), h)?;
            std::fs::write(dst.join("conf.cmake"), cmake)?;
        }
    }
    Ok(expanded)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [src, out] = args.as_slice() else {
        bail!("usage: oxtee-devkit-gen <kit source dir> <output dir>");
    };
    let n = copy_tree(Path::new(src), Path::new(out))?;
    if n == 0 {
        bail!("{src}: no file with @constants lines; is this the kit's source?");
    }
    Ok(())
}
