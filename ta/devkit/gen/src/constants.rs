//! Constants of supplicant-proto's source as C `#define`s.

use anyhow::{bail, Context, Result};

/// The supplicant-proto modules a template may name, with their source.
const MODULES: &[(&str, &str)] = &[
    (
        "pta",
        include_str!("../../../../supplicant-proto/src/pta.rs"),
    ),
    (
        "ta_head",
        include_str!("../../../../supplicant-proto/src/ta_head.rs"),
    ),
    (
        "tee_api",
        include_str!("../../../../supplicant-proto/src/tee_api.rs"),
    ),
    (
        "tee_crypto",
        include_str!("../../../../supplicant-proto/src/tee_crypto.rs"),
    ),
    (
        "tee_result",
        include_str!("../../../../supplicant-proto/src/tee_result.rs"),
    ),
    (
        "tee_storage",
        include_str!("../../../../supplicant-proto/src/tee_storage.rs"),
    ),
    (
        "tee_syscall",
        include_str!("../../../../supplicant-proto/src/tee_syscall.rs"),
    ),
];

/// One `pub const` of a module: name, Rust type and value expression.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Const {
    pub(crate) name: String,
    pub(crate) ty: String,
    pub(crate) expr: String,
}

/// A row of tee_syscall's `syscall_table!`: `Variant = NAME = NUMBER, args N;`.
fn table_row(line: &str) -> Option<Const> {
    let mut parts = line.strip_suffix(';')?.split('=');
    let (_variant, name, rest) = (parts.next()?, parts.next()?.trim(), parts.next()?);
    let (num, args) = rest.split_once(',')?;
    let valid = name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    (valid && args.trim().starts_with("args ")).then(|| Const {
        name: name.to_string(),
        ty: "u32".to_string(),
        expr: num.trim().to_string(),
    })
}

/// Every `pub const NAME: TYPE = EXPR;` of `source` (also across lines), and
/// the rows of system-call tables.
pub(crate) fn parse(source: &str) -> Vec<Const> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in source.lines() {
        let line = line.trim();
        if pending.is_empty() {
            if let Some(row) = table_row(line) {
                out.push(row);
                continue;
            }
            if !line.starts_with("pub const ") || line.starts_with("pub const fn") {
                continue;
            }
        }
        pending.push_str(line);
        pending.push(' ');
        if !line.ends_with(';') {
            continue;
        }
        let decl = std::mem::take(&mut pending);
        let decl = decl
            .trim()
            .trim_start_matches("pub const ")
            .trim_end_matches(';');
        let Some((name, rest)) = decl.split_once(':') else {
            continue;
        };
        let Some((ty, expr)) = rest.split_once('=') else {
            continue;
        };
        if name.trim().starts_with('$') {
            continue; // a macro's template; its rows are read above
        }
        out.push(Const {
            name: name.trim().to_string(),
            ty: ty.trim().to_string(),
            expr: expr.trim().to_string(),
        });
    }
    out
}

/// The C form of a Rust value expression of type `ty`, or `None` if it is
/// not plain literals, constant names and integer operators.
pub(crate) fn to_c(ty: &str, expr: &str) -> Option<String> {
    if ty == "&str" {
        let s = expr.strip_prefix('"')?.strip_suffix('"')?;
        return (!s.contains(['"', '\\'])).then(|| format!("\"{s}\""));
    }
    match expr {
        "u32::MAX" => return Some("0xFFFFFFFFU".to_string()),
        "u64::MAX" => return Some("0xFFFFFFFFFFFFFFFFULL".to_string()),
        _ => {}
    }
    let suffix = match ty {
        "u32" => "U",
        "u64" => "ULL",
        "usize" => "UL",
        "i32" => "",
        _ => return None,
    };
    let mut out = String::new();
    let mut chars = expr.chars().peekable();
    let mut operators = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut lit = String::from(c);
            while let Some(&d) = chars.peek() {
                if d.is_ascii_alphanumeric() || d == '_' {
                    lit.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            let lit = lit.replace('_', "");
            let valid = match lit.strip_prefix("0x") {
                Some(hex) => !hex.is_empty() && hex.chars().all(|h| h.is_ascii_hexdigit()),
                None => lit.chars().all(|d| d.is_ascii_digit()),
            };
            if !valid {
                return None;
            }
            out.push_str(&lit);
            out.push_str(suffix);
        } else if c.is_ascii_uppercase() || c == '_' {
            let mut id = String::from(c);
            while let Some(&d) = chars.peek() {
                if d.is_ascii_uppercase() || d.is_ascii_digit() || d == '_' {
                    id.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push_str(&id);
        } else if c == '!' {
            operators = true;
            out.push('~');
        } else if "|&^<>+-*/() ".contains(c) {
            operators |= c != ' ';
            out.push(c);
        } else {
            return None;
        }
    }
    Some(if operators { format!("({out})") } else { out })
}

/// Replaces each `@constants <module> <prefix>... [cast=<C cast>]@` line of
/// `template` by its `#define`s.
pub(crate) fn expand(template: &str) -> Result<String> {
    let mut out = String::new();
    for line in template.lines() {
        let t = line.trim();
        let Some(spec) = t
            .strip_prefix("@constants ")
            .and_then(|s| s.strip_suffix('@'))
        else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let mut words = spec.split_whitespace();
        let module = words.next().context("@constants without a module")?;
        let (_, source) = MODULES
            .iter()
            .find(|(m, _)| *m == module)
            .with_context(|| format!("unknown module {module}"))?;
        let mut prefixes = Vec::new();
        let mut cast = String::new();
        for w in words {
            match w.strip_prefix("cast=") {
                Some(c) => cast = c.to_string(),
                None => prefixes.push(w),
            }
        }
        let mut n = 0;
        for c in parse(source) {
            if !prefixes.iter().any(|p| c.name.starts_with(p)) {
                continue;
            }
            let Some(value) = to_c(&c.ty, &c.expr) else {
                bail!("{module}::{}: `{}` has no C form", c.name, c.expr);
            };
            out.push_str(&format!("#define {} {cast}{value}\n", c.name));
            n += 1;
        }
        if n == 0 {
            bail!("@constants {spec}@ matches nothing");
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use supplicant_proto::{pta, tee_api, tee_crypto, tee_result, tee_storage, tee_syscall};

    fn value_of(module: &str, name: &str) -> u64 {
        let (_, src) = MODULES.iter().find(|(m, _)| *m == module).unwrap();
        let c = parse(src).into_iter().find(|c| c.name == name).unwrap();
        let e = to_c(&c.ty, &c.expr).unwrap();
        let e = e.trim_matches(['(', ')']);
        let e = e.trim_end_matches(['U', 'L']);
        if let Some((a, b)) = e.split_once(" << ") {
            let a: u64 = a.trim_end_matches('U').parse().unwrap();
            return a << b.trim_end_matches('U').parse::<u64>().unwrap();
        }
        match e.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16).unwrap(),
            None => e.parse().unwrap(),
        }
    }

    #[test]
    fn parsed_values_are_the_crate_values() {
        let cases: &[(&str, &str, u64)] = &[
            (
                "tee_result",
                "TEE_ERROR_GENERIC",
                tee_result::TEE_ERROR_GENERIC.into(),
            ),
            (
                "tee_result",
                "TEE_ERROR_TARGET_DEAD",
                tee_result::TEE_ERROR_TARGET_DEAD.into(),
            ),
            (
                "tee_result",
                "TEE_PARAM_TYPE_MEMREF_INOUT",
                tee_result::TEE_PARAM_TYPE_MEMREF_INOUT.into(),
            ),
            (
                "tee_result",
                "TEE_LOGIN_PUBLIC",
                tee_result::TEE_LOGIN_PUBLIC.into(),
            ),
            (
                "tee_crypto",
                "TEE_ALG_AES_GCM",
                tee_crypto::TEE_ALG_AES_GCM.into(),
            ),
            (
                "tee_crypto",
                "TEE_ALG_SHA256",
                tee_crypto::TEE_ALG_SHA256.into(),
            ),
            (
                "tee_crypto",
                "TEE_HANDLE_FLAG_PERSISTENT",
                tee_crypto::TEE_HANDLE_FLAG_PERSISTENT.into(),
            ),
            (
                "tee_storage",
                "TEE_DATA_FLAG_OVERWRITE",
                tee_storage::TEE_DATA_FLAG_OVERWRITE.into(),
            ),
            (
                "tee_storage",
                "TEE_OBJECT_ID_MAX_LEN",
                tee_storage::TEE_OBJECT_ID_MAX_LEN as u64,
            ),
            (
                "tee_syscall",
                "TEE_MEMORY_ACCESS_ANY_OWNER",
                tee_syscall::TEE_MEMORY_ACCESS_ANY_OWNER.into(),
            ),
            (
                "pta",
                "TA_FLAG_INSTANCE_KEEP_ALIVE",
                pta::TA_FLAG_INSTANCE_KEEP_ALIVE.into(),
            ),
            (
                "tee_api",
                "TEE_MALLOC_NO_FILL",
                tee_api::TEE_MALLOC_NO_FILL.into(),
            ),
        ];
        for &(m, name, want) in cases {
            assert_eq!(value_of(m, name), want, "{m}::{name}");
        }
    }

    #[test]
    fn every_constant_of_the_kit_modules_has_a_c_form() {
        for (m, src) in MODULES {
            let consts = parse(src);
            assert!(consts.len() >= 5, "{m}: {} constants parsed", consts.len());
            for c in consts {
                if ["u32", "u64", "usize", "i32", "&str"].contains(&c.ty.as_str()) {
                    assert!(
                        to_c(&c.ty, &c.expr).is_some(),
                        "{m}::{} = {}",
                        c.name,
                        c.expr
                    );
                }
            }
        }
    }

    #[test]
    fn c_forms() {
        assert_eq!(to_c("u32", "0xFFFF_0000").unwrap(), "0xFFFF0000U");
        assert_eq!(to_c("u32", "1 << 31").unwrap(), "(1U << 31U)");
        assert_eq!(to_c("u32", "TEE_A | TEE_B").unwrap(), "(TEE_A | TEE_B)");
        assert_eq!(to_c("u32", "!0").unwrap(), "(~0U)");
        assert_eq!(
            to_c("&str", "\"gpd.ta.version\"").unwrap(),
            "\"gpd.ta.version\""
        );
        assert_eq!(to_c("u32", "foo(3)"), None);
        assert_eq!(to_c("u32", "X as u32"), None);
        assert_eq!(to_c("u32", "0xG1"), None);
        assert_eq!(to_c("[u8; 16]", "[0; 16]"), None);
    }

    #[test]
    fn expand_writes_defines_and_refuses_unknowns() {
        let t = "a\n@constants tee_syscall TEE_PROPSET_ cast=(TEE_PropSetHandle)@\nb\n";
        let e = expand(t).unwrap();
        assert!(
            e.contains("#define TEE_PROPSET_CURRENT_TA (TEE_PropSetHandle)0xFFFFFFFFU\n"),
            "{e}"
        );
        assert!(e.starts_with("a\n") && e.ends_with("b\n"));
        assert!(expand("@constants nowhere TEE_@\n").is_err());
        assert!(expand("@constants tee_result NOTHING_@\n").is_err());
    }
}
