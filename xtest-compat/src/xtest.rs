//! Scoring xtest: parsing its console output (and our per-case markers),
//! the `results.tsv` format, and the baseline comparison.
//!
//! xtest (optee_test's runner) prints, per test case, a begin line
//! `* <id> <title>`, for every sub-case `o <id>.<n> <title>` and a closing
//! `  <id>[.<n>] OK` or `  <id>[.<n>] FAILED`; at the end a summary with one
//! unindented line per case (`<id> OK`, `<id> FAILED first error at ...`)
//! and the totals `N subtests of which M failed` and
//! `N test cases of which M failed`. The guest driver script of this tool
//! adds `OXTEE-CASE-BEGIN <id> <uptime>` and
//! `OXTEE-CASE-END <id> <exit status> <start uptime> <end uptime>` around each
//! case it runs.

use std::collections::HashMap;
use std::fmt;

/// Outcome of one test case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// xtest reported the case OK and exited with status 0.
    Passed,
    /// xtest reported a failure, crashed, or exited non-zero.
    Failed,
    /// The case did not finish within its time bound.
    Timeout,
    /// The case was never run (or xtest does not know it).
    NotRun,
}

impl Status {
    /// The word used in `results.tsv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Timeout => "timeout",
            Status::NotRun => "not-run",
        }
    }

    /// Parses the word used in `results.tsv`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "passed" => Status::Passed,
            "failed" => Status::Failed,
            "timeout" => Status::Timeout,
            "not-run" => Status::NotRun,
            _ => return None,
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Result of one test case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// Case id, e.g. `regression_1001`.
    pub id: String,
    /// Outcome.
    pub status: Status,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Subtests xtest ran for this case, when it said (`N subtests of which M failed`).
    pub subtests: Option<u64>,
}

/// One classified console line.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// `OXTEE-CASE-BEGIN <id> <uptime>`.
    CaseBegin {
        /// Case id.
        id: String,
    },
    /// `OXTEE-CASE-END <id> <rc> <start> <end>`.
    CaseEnd {
        /// Case id.
        id: String,
        /// Exit status of the (time-bounded) xtest process.
        rc: i32,
        /// Guest seconds the case took, if the uptimes parsed.
        seconds: Option<f64>,
    },
    /// `* <id> <title>`: xtest starts a case.
    XtestBegin {
        /// Case id.
        id: String,
    },
    /// `<id> OK` or `<id> FAILED ...` for a main case (no `.n` suffix).
    XtestVerdict {
        /// Case id.
        id: String,
        /// Whether the case passed.
        ok: bool,
        /// Whether the line was indented (streamed end of case) rather than
        /// part of the final summary.
        indented: bool,
    },
    /// `N subtests of which M failed`.
    Subtests {
        /// Subtests run.
        total: u64,
        /// Subtests failed.
        failed: u64,
    },
    /// Anything else.
    Other,
}

/// Whether `s` looks like an xtest main case id (`suite_1234[_suffix]`).
pub fn is_case_id(s: &str) -> bool {
    let mut parts = s.split('_');
    let suite_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.starts_with(|c: char| c.is_ascii_lowercase()));
    let num_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    suite_ok
        && num_ok
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && parts.all(|p| !p.is_empty())
}

/// Classifies one console line (trailing `\r` tolerated).
pub fn classify(raw: &str) -> Line {
    let line = raw.trim_end_matches(['\r', '\n']);
    if let Some(pos) = line.find("OXTEE-CASE-BEGIN ") {
        let mut w = line[pos..].split_whitespace().skip(1);
        if let Some(id) = w.next() {
            return Line::CaseBegin { id: id.to_string() };
        }
    }
    if let Some(pos) = line.find("OXTEE-CASE-END ") {
        let w: Vec<&str> = line[pos..].split_whitespace().skip(1).collect();
        if let (Some(id), Some(rc)) = (w.first(), w.get(1).and_then(|r| r.parse::<i32>().ok())) {
            let up = |i: usize| w.get(i).and_then(|v| v.parse::<f64>().ok());
            let seconds = match (up(2), up(3)) {
                (Some(s), Some(e)) if e >= s => Some(e - s),
                _ => None,
            };
            return Line::CaseEnd {
                id: id.to_string(),
                rc,
                seconds,
            };
        }
    }
    if let Some(rest) = line.strip_prefix("* ") {
        if let Some(id) = rest.split_whitespace().next().filter(|id| is_case_id(id)) {
            return Line::XtestBegin { id: id.to_string() };
        }
    }
    let indented = line.starts_with([' ', '\t']);
    let mut w = line.split_whitespace();
    if let (Some(first), Some(second), third) = (w.next(), w.next(), w.next()) {
        if second == "subtests" || second == "subtest" {
            // "N subtests of which M failed"
            let rest: Vec<&str> = line.split_whitespace().collect();
            if rest.len() == 6 && rest[2] == "of" && rest[3] == "which" && rest[5] == "failed" {
                if let (Ok(total), Ok(failed)) = (first.parse(), rest[4].parse()) {
                    return Line::Subtests { total, failed };
                }
            }
        }
        if is_case_id(first) {
            let ok = match second {
                "OK" if third.is_none() => Some(true),
                "FAILED" => Some(false),
                _ => None,
            };
            if let Some(ok) = ok {
                return Line::XtestVerdict {
                    id: first.to_string(),
                    ok,
                    indented,
                };
            }
        }
    }
    Line::Other
}

/// Incremental parser of a console stream into case results.
///
/// Works both with the per-case driver (marker lines) and with a plain
/// xtest run (then durations come from the host timestamps of lines).
#[derive(Debug)]
pub struct XtestParser {
    case_timeout: f64,
    results: Vec<CaseResult>,
    verdicts: HashMap<String, bool>,
    marker_case: Option<(String, f64)>,
    xtest_case: Option<(String, f64)>,
    /// `N subtests` reported inside the running marker case.
    case_subtests: Option<u64>,
    /// Sum of xtest's `N subtests` lines.
    pub subtests: u64,
    /// Sum of xtest's `of which M failed` (subtests) lines.
    pub subtests_failed: u64,
}

impl XtestParser {
    /// A parser for cases bounded by `case_timeout` seconds.
    pub fn new(case_timeout: f64) -> Self {
        Self {
            case_timeout,
            results: Vec::new(),
            verdicts: HashMap::new(),
            marker_case: None,
            xtest_case: None,
            case_subtests: None,
            subtests: 0,
            subtests_failed: 0,
        }
    }

    fn push(&mut self, r: CaseResult) {
        self.results.retain(|x| x.id != r.id);
        self.results.push(r);
    }

    /// Feeds one line seen at host time `t` (seconds since QEMU start).
    pub fn line(&mut self, t: f64, raw: &str) {
        match classify(raw) {
            Line::CaseBegin { id } => {
                self.verdicts.remove(&id);
                self.case_subtests = None;
                self.marker_case = Some((id, t));
                self.xtest_case = None;
            }
            Line::CaseEnd { id, rc, seconds } => {
                let host_start = match &self.marker_case {
                    Some((cur, start)) if *cur == id => *start,
                    _ => t,
                };
                self.marker_case = None;
                self.xtest_case = None;
                let seconds = seconds.unwrap_or(t - host_start);
                let verdict = self.verdicts.get(&id).copied();
                let status = if rc == 0 && verdict == Some(true) {
                    Status::Passed
                } else if matches!(rc, 124 | 137 | 143) && seconds >= self.case_timeout - 1.0 {
                    Status::Timeout
                } else if rc == 0 && verdict.is_none() {
                    Status::NotRun
                } else {
                    Status::Failed
                };
                let subtests = self.case_subtests.take();
                self.push(CaseResult {
                    id,
                    status,
                    seconds,
                    subtests,
                });
            }
            Line::XtestBegin { id } => {
                self.verdicts.remove(&id);
                self.xtest_case = Some((id, t));
            }
            Line::XtestVerdict { id, ok, indented } => {
                // A FAILED anywhere wins over an OK.
                let v = self.verdicts.entry(id.clone()).or_insert(ok);
                *v &= ok;
                if self.marker_case.is_none() {
                    match self.xtest_case.take() {
                        Some((cur, start)) if cur == id && indented => {
                            let status = if ok { Status::Passed } else { Status::Failed };
                            self.push(CaseResult {
                                id,
                                status,
                                seconds: t - start,
                                subtests: None,
                            });
                        }
                        other => {
                            self.xtest_case = other;
                            if !ok {
                                if let Some(r) = self.results.iter_mut().find(|r| r.id == id) {
                                    r.status = Status::Failed;
                                }
                            }
                        }
                    }
                }
            }
            Line::Subtests { total, failed } => {
                if self.marker_case.is_some() {
                    self.case_subtests =
                        Some(self.case_subtests.unwrap_or(0).saturating_add(total));
                }
                self.subtests = self.subtests.saturating_add(total);
                self.subtests_failed = self.subtests_failed.saturating_add(failed);
            }
            Line::Other => {}
        }
    }

    /// The case currently running, with the host time it started.
    pub fn in_progress(&self) -> Option<(&str, f64)> {
        self.marker_case
            .as_ref()
            .or(self.xtest_case.as_ref())
            .map(|(id, t)| (id.as_str(), *t))
    }

    /// Closes the running case (if any) with `status` at host time `t`
    /// (QEMU died or was killed).
    pub fn abort(&mut self, status: Status, t: f64) {
        if let Some((id, start)) = self.marker_case.take().or(self.xtest_case.take()) {
            self.push(CaseResult {
                id,
                status,
                seconds: t - start,
                subtests: None,
            });
        }
        self.xtest_case = None;
    }

    /// Results so far, in completion order.
    pub fn results(&self) -> &[CaseResult] {
        &self.results
    }
}

/// Renders results as `results.tsv` text (header
/// `case\tstatus\tseconds\tsubtests`; subtests empty when unknown).
pub fn to_tsv(results: &[CaseResult]) -> String {
    let mut s = String::from("case\tstatus\tseconds\tsubtests\n");
    for r in results {
        let sub = r.subtests.map(|n| n.to_string()).unwrap_or_default();
        s.push_str(&format!(
            "{}\t{}\t{:.2}\t{}\n",
            r.id, r.status, r.seconds, sub
        ));
    }
    s
}

/// Passed cases in which xtest ran no subtest at all (a feature reported
/// absent, or a precondition that failed before any check).
pub fn passed_without_subtests(results: &[CaseResult]) -> Vec<&str> {
    results
        .iter()
        .filter(|r| r.status == Status::Passed && r.subtests == Some(0))
        .map(|r| r.id.as_str())
        .collect()
}

/// Parses `results.tsv` text.
pub fn from_tsv(text: &str) -> anyhow::Result<Vec<CaseResult>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || (n == 0 && line.starts_with("case\t")) {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(id), Some(status)) = (f.first(), f.get(1).and_then(|s| Status::parse(s))) else {
            anyhow::bail!("results.tsv line {}: malformed: {line:?}", n + 1);
        };
        let seconds = f.get(2).and_then(|s| s.parse().ok()).unwrap_or(0.0);
        let subtests = f.get(3).and_then(|s| s.parse().ok());
        out.push(CaseResult {
            id: id.to_string(),
            status,
            seconds,
            subtests,
        });
    }
    Ok(out)
}

/// The closing line: `N passed, M failed` (M counts everything not passed).
pub fn summary_line(results: &[CaseResult]) -> String {
    let passed = results
        .iter()
        .filter(|r| r.status == Status::Passed)
        .count();
    format!("{passed} passed, {} failed", results.len() - passed)
}

/// Case ids that pass in `baseline` but do not pass (or are missing) in `results`.
pub fn regressions(baseline: &[CaseResult], results: &[CaseResult]) -> Vec<String> {
    baseline
        .iter()
        .filter(|b| b.status == Status::Passed)
        .filter(|b| {
            !results
                .iter()
                .any(|r| r.id == b.id && r.status == Status::Passed)
        })
        .map(|b| b.id.clone())
        .collect()
}

/// Renders a per-case table for humans.
pub fn table(results: &[CaseResult]) -> String {
    let mut s = String::new();
    for r in results {
        s.push_str(&format!(
            "{:<28} {:<8} {:>8.2} s\n",
            r.id,
            r.status.as_str(),
            r.seconds
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE_CASE_OK: &str = "\
OXTEE-CASE-BEGIN regression_1001 12.34
Run test suite with level=0

TEE test application started over default TEE instance
######################################################
#
# regression+pkcs11
#
######################################################
 
* regression_1001 Core self tests
o regression_1001.1 Core self tests
  regression_1001.1 OK
  regression_1001 OK
+-----------------------------------------------------
Result of testsuite regression+pkcs11 filtered by \"regression_1001\":
regression_1001 OK
+-----------------------------------------------------
21 subtests of which 0 failed
1 test case of which 0 failed
138 test cases were skipped
TEE test application done!
OXTEE-CASE-END regression_1001 0 12.34 13.84
";

    fn feed(p: &mut XtestParser, text: &str, t0: f64) {
        for (i, l) in text.lines().enumerate() {
            p.line(t0 + i as f64 * 0.1, l);
        }
    }

    #[test]
    fn classify_lines() {
        assert_eq!(
            classify("* regression_4007_dh Test DH\r"),
            Line::XtestBegin {
                id: "regression_4007_dh".into()
            }
        );
        assert_eq!(
            classify("  regression_1001 OK"),
            Line::XtestVerdict {
                id: "regression_1001".into(),
                ok: true,
                indented: true
            }
        );
        assert_eq!(
            classify("pkcs11_1023 FAILED first error at host/xtest/pkcs11_1000.c:123"),
            Line::XtestVerdict {
                id: "pkcs11_1023".into(),
                ok: false,
                indented: false
            }
        );
        assert_eq!(classify("  regression_1001.2 OK"), Line::Other);
        assert_eq!(classify("o regression_1001.1 Core self tests"), Line::Other);
        assert_eq!(
            classify("39397 subtests of which 2 failed"),
            Line::Subtests {
                total: 39397,
                failed: 2
            }
        );
        assert_eq!(
            classify("1 subtest of which 0 failed"),
            Line::Subtests {
                total: 1,
                failed: 0
            }
        );
        assert_eq!(classify("139 test cases of which 0 failed"), Line::Other);
        assert_eq!(
            classify("[   12.3] OXTEE-CASE-END pkcs11_1000 137 1.5 301.5"),
            Line::CaseEnd {
                id: "pkcs11_1000".into(),
                rc: 137,
                seconds: Some(300.0)
            }
        );
    }

    #[test]
    fn case_ids() {
        assert!(is_case_id("regression_1001"));
        assert!(is_case_id("regression_4007_x25519"));
        assert!(is_case_id("pkcs11_1000"));
        assert!(!is_case_id("regression_1001.1"));
        assert!(!is_case_id("regression"));
        assert!(!is_case_id("Result"));
        assert!(!is_case_id("regression_"));
        assert!(!is_case_id("_1001"));
    }

    #[test]
    fn marker_mode_pass() {
        let mut p = XtestParser::new(300.0);
        feed(&mut p, ONE_CASE_OK, 0.0);
        assert_eq!(p.results().len(), 1);
        let r = &p.results()[0];
        assert_eq!(r.id, "regression_1001");
        assert_eq!(r.status, Status::Passed);
        assert!((r.seconds - 1.5).abs() < 1e-9);
        assert_eq!(p.subtests, 21);
        assert!(p.in_progress().is_none());
    }

    #[test]
    fn marker_mode_failed_timeout_notrun() {
        let failed = ONE_CASE_OK
            .replace("  regression_1001 OK", "  regression_1001 FAILED")
            .replace("regression_1001 0 12.34", "regression_1001 1 12.34");
        let mut p = XtestParser::new(300.0);
        feed(&mut p, &failed, 0.0);
        // Process killed by the guest's timeout after 300 s.
        feed(
            &mut p,
            "OXTEE-CASE-BEGIN pkcs11_1023 20.0\n* pkcs11_1023 RSA OAEP\nOXTEE-CASE-END pkcs11_1023 137 20.0 320.0\n",
            10.0,
        );
        // Unknown case: xtest ran nothing and exited 0.
        feed(
            &mut p,
            "OXTEE-CASE-BEGIN regression_1014 1\n0 test cases of which 0 failed\nOXTEE-CASE-END regression_1014 0 1 2\n",
            20.0,
        );
        // Crash: non-zero without a verdict.
        feed(
            &mut p,
            "OXTEE-CASE-BEGIN regression_6016 1\nOXTEE-CASE-END regression_6016 139 1 2\n",
            30.0,
        );
        let st: Vec<_> = p
            .results()
            .iter()
            .map(|r| (r.id.as_str(), r.status))
            .collect();
        assert_eq!(
            st,
            vec![
                ("regression_1001", Status::Failed),
                ("pkcs11_1023", Status::Timeout),
                ("regression_1014", Status::NotRun),
                ("regression_6016", Status::Failed),
            ]
        );
        assert_eq!(summary_line(p.results()), "0 passed, 4 failed");
    }

    #[test]
    fn summary_failed_overrides_streamed_ok() {
        // Streamed OK but the summary reports FAILED: failed.
        let text = ONE_CASE_OK.replace(
            "\nregression_1001 OK\n",
            "\nregression_1001 FAILED first error at x.c:1\n",
        );
        let mut p = XtestParser::new(300.0);
        feed(&mut p, &text, 0.0);
        assert_eq!(p.results()[0].status, Status::Failed);
    }

    #[test]
    fn plain_mode_uses_host_time() {
        let text = "\
* regression_1002 Hello
  regression_1002 OK
* regression_1004 Test User Crypt TA
o regression_1004.1 AES encrypt
  regression_1004.1 FAILED
  regression_1004 FAILED
* regression_1005 Many sessions
";
        let mut p = XtestParser::new(300.0);
        feed(&mut p, text, 100.0);
        assert_eq!(p.results().len(), 2);
        assert_eq!(p.results()[0].status, Status::Passed);
        assert!((p.results()[0].seconds - 0.1).abs() < 1e-9);
        assert_eq!(p.results()[1].status, Status::Failed);
        assert_eq!(p.in_progress().map(|x| x.0), Some("regression_1005"));
        p.abort(Status::Timeout, 500.0);
        assert_eq!(p.results()[2].status, Status::Timeout);
        assert!(p.in_progress().is_none());
    }

    #[test]
    fn tsv_roundtrip_and_compare() {
        let rs = vec![
            CaseResult {
                id: "a_1".into(),
                status: Status::Passed,
                seconds: 1.234,
                subtests: Some(0),
            },
            CaseResult {
                id: "a_2".into(),
                status: Status::Timeout,
                seconds: 300.0,
                subtests: None,
            },
            CaseResult {
                id: "a_3".into(),
                status: Status::NotRun,
                seconds: 0.0,
                subtests: None,
            },
        ];
        let t = to_tsv(&rs);
        assert_eq!(
            t,
            "case\tstatus\tseconds\tsubtests\na_1\tpassed\t1.23\t0\na_2\ttimeout\t300.00\t\na_3\tnot-run\t0.00\t\n"
        );
        let back = from_tsv(&t).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back[0].subtests, Some(0));
        assert_eq!(back[1].subtests, None);
        assert_eq!(passed_without_subtests(&back), vec!["a_1"]);
        assert_eq!(back[1].status, Status::Timeout);
        assert!(from_tsv("case\tstatus\tseconds\nx\tbogus\t1\n").is_err());

        let base = vec![
            CaseResult {
                id: "a_1".into(),
                status: Status::Passed,
                seconds: 1.0,
                subtests: None,
            },
            CaseResult {
                id: "a_2".into(),
                status: Status::Passed,
                seconds: 1.0,
                subtests: None,
            },
            CaseResult {
                id: "a_4".into(),
                status: Status::Passed,
                seconds: 1.0,
                subtests: None,
            },
            CaseResult {
                id: "a_3".into(),
                status: Status::Failed,
                seconds: 1.0,
                subtests: None,
            },
        ];
        assert_eq!(
            regressions(&base, &back),
            vec!["a_2".to_string(), "a_4".to_string()]
        );
        assert!(regressions(&back, &back).is_empty());
    }

    #[test]
    fn per_case_subtests_are_recorded() {
        let mut p = XtestParser::new(300.0);
        for (t, l) in [
            (1.0, "OXTEE-CASE-BEGIN regression_6001 1.00"),
            (1.1, "init_storage_info() failed"),
            (1.2, "  regression_6001 OK"),
            (1.3, "0 subtests of which 0 failed"),
            (1.4, "OXTEE-CASE-END regression_6001 0 1.00 1.40"),
            (2.0, "OXTEE-CASE-BEGIN regression_1001 2.00"),
            (2.1, "  regression_1001 OK"),
            (2.2, "3 subtests of which 0 failed"),
            (2.3, "OXTEE-CASE-END regression_1001 0 2.00 2.30"),
        ] {
            p.line(t, l);
        }
        let r = p.results();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].subtests, Some(0));
        assert_eq!(r[1].subtests, Some(3));
        assert_eq!(passed_without_subtests(r), vec!["regression_6001"]);
    }
}
