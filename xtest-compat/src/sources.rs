//! Finding the Debian archive URI in the host's own apt configuration.
//!
//! The tool never names a mirror itself: it reuses the URI that the host's
//! apt already trusts for its main suite, and points a private apt state at
//! the `trixie` suite of that same archive.

/// Returns the codename of the host's Debian release from the text of
/// `/etc/os-release` (`VERSION_CODENAME=`), if present.
pub fn os_release_codename(os_release: &str) -> Option<String> {
    os_release.lines().find_map(|line| {
        let value = line.trim().strip_prefix("VERSION_CODENAME=")?;
        let value = value.trim().trim_matches('"').trim_matches('\'');
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// Whether `suite` is the host's main suite: equal to `codename` when known,
/// otherwise any suite without a `-security`/`-updates`-like suffix.
fn is_main_suite(suite: &str, codename: Option<&str>) -> bool {
    match codename {
        Some(c) => suite == c,
        None => !suite.contains('-') && !suite.contains('/'),
    }
}

/// Extracts the archive URI from deb822 `.sources` text: the first `URIs:`
/// value of the first `deb` stanza whose `Suites:` contain the main suite.
pub fn uri_from_deb822(text: &str, codename: Option<&str>) -> Option<String> {
    for stanza in deb822_stanzas(text) {
        let field = |name: &str| -> Option<&str> {
            stanza
                .iter()
                .find_map(|(k, v)| k.eq_ignore_ascii_case(name).then_some(v.as_str()))
        };
        let types_ok = field("Types").is_none_or(|t| t.split_whitespace().any(|t| t == "deb"));
        let enabled = field("Enabled").is_none_or(|e| !e.trim().eq_ignore_ascii_case("no"));
        let suites_ok = field("Suites")
            .is_some_and(|s| s.split_whitespace().any(|s| is_main_suite(s, codename)));
        if types_ok && enabled && suites_ok {
            if let Some(uri) = field("URIs").and_then(|u| u.split_whitespace().next()) {
                return Some(uri.to_string());
            }
        }
    }
    None
}

/// Splits deb822 text into stanzas of (field, value) pairs. Comment lines
/// are dropped; continuation lines are appended to the previous value.
fn deb822_stanzas(text: &str) -> Vec<Vec<(String, String)>> {
    let mut stanzas = Vec::new();
    let mut cur: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            if !cur.is_empty() {
                stanzas.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = cur.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            cur.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    if !cur.is_empty() {
        stanzas.push(cur);
    }
    stanzas
}

/// Extracts the archive URI from one-line `sources.list` text: the URI of the
/// first `deb` line whose suite is the main suite.
pub fn uri_from_one_line(text: &str, codename: Option<&str>) -> Option<String> {
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some(rest) = line
            .strip_prefix("deb ")
            .or_else(|| line.strip_prefix("deb\t"))
        else {
            continue;
        };
        let mut rest = rest.trim_start();
        if rest.starts_with('[') {
            match rest.find(']') {
                Some(end) => rest = rest[end + 1..].trim_start(),
                None => continue,
            }
        }
        let mut words = rest.split_whitespace();
        let (Some(uri), Some(suite)) = (words.next(), words.next()) else {
            continue;
        };
        if is_main_suite(suite, codename) {
            return Some(uri.to_string());
        }
    }
    None
}

/// Reads the host configuration (`/etc/os-release`, `/etc/apt/sources.list.d/*.sources`,
/// `/etc/apt/sources.list`) and returns the archive URI of its main suite.
pub fn host_archive_uri() -> anyhow::Result<String> {
    let codename = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| os_release_codename(&t));
    let mut parts: Vec<_> = std::fs::read_dir("/etc/apt/sources.list.d")
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    parts.sort();
    for path in parts {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let uri = match path.extension().and_then(|e| e.to_str()) {
            Some("sources") => uri_from_deb822(&text, codename.as_deref()),
            Some("list") => uri_from_one_line(&text, codename.as_deref()),
            _ => None,
        };
        if let Some(uri) = uri {
            return Ok(uri);
        }
    }
    let text = std::fs::read_to_string("/etc/apt/sources.list").unwrap_or_default();
    uri_from_one_line(&text, codename.as_deref()).ok_or_else(|| {
        anyhow::anyhow!(
            "no apt source for the host's main suite ({}) found in /etc/apt",
            codename.as_deref().unwrap_or("unknown")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEB822: &str = "\
Types: deb
# a comment
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://mirror.example/debian
  http://second.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
";

    #[test]
    fn deb822_picks_main_suite_not_security() {
        assert_eq!(
            uri_from_deb822(DEB822, Some("bookworm")).as_deref(),
            Some("http://mirror.example/debian")
        );
    }

    #[test]
    fn deb822_without_codename_skips_suffixed_suites() {
        assert_eq!(
            uri_from_deb822(DEB822, None).as_deref(),
            Some("http://mirror.example/debian")
        );
    }

    #[test]
    fn deb822_no_match() {
        assert_eq!(uri_from_deb822(DEB822, Some("trixie")), None);
    }

    #[test]
    fn disabled_stanza_is_ignored() {
        let t = "Types: deb\nURIs: http://a.example/\nSuites: bookworm\nEnabled: no\n";
        assert_eq!(uri_from_deb822(t, Some("bookworm")), None);
    }

    #[test]
    fn one_line_format() {
        let t = "# comment\ndeb http://sec.example/ bookworm-security main\n\
                 deb-src http://src.example/ bookworm main\n\
                 deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib\n";
        assert_eq!(
            uri_from_one_line(t, Some("bookworm")).as_deref(),
            Some("http://mirror.example/debian")
        );
        assert_eq!(
            uri_from_one_line(t, None).as_deref(),
            Some("http://mirror.example/debian")
        );
    }

    #[test]
    fn codename_from_os_release() {
        let t = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_CODENAME=bookworm\n";
        assert_eq!(os_release_codename(t).as_deref(), Some("bookworm"));
        assert_eq!(os_release_codename("ID=debian\n"), None);
    }
}
