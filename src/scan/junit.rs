//! JUnit XML through `quick-junit`. Test names are stable across builds: the repository
//! (and, per finding, the vulnerability and package), never the tag or digest, so CI
//! systems track a test's history from one image to the next.
//!
//! - Default: one test case per image; its blocking findings are its failure.
//! - `--junit-per-finding`: one test case per finding; blocking ones fail, allowed ones
//!   pass, ignored ones are skipped with the reason.
//! - An image that could not be gated is an `<error>` with the message and the hint.
//!
//! quick-junit escapes the XML and drops control characters and ANSI escapes from every
//! string.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::gate::GatePolicy;
use super::outcome::{GateState, ImageOutcome, package_text};
use super::report::{FindingState, finding_states};
use crate::model::reference;

const NAME: &str = "ecrctl scan gate";

/// How the report is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    PerImage,
    PerFinding,
}

/// The repository an outcome is about (its test name): from the scan, else from the
/// image as named, else the name as given.
fn repository(o: &ImageOutcome) -> String {
    o.scan
        .as_ref()
        .and_then(|s| s.repository.clone())
        .or_else(|| reference::parse(&o.image).ok().map(|r| r.repository))
        .unwrap_or_else(|| o.image.clone())
}

fn error_status(o: &ImageOutcome) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    match &o.error {
        Some(e) => {
            status
                .set_message(format!("{}: {}", o.image, e.message()))
                .set_type(format!("{:?}", e.kind()).to_lowercase());
            let mut description: Vec<String> = e.causes().to_vec();
            if let Some(hint) = e.hint() {
                description.push(format!("hint: {hint}"));
            }
            if !description.is_empty() {
                status.set_description(description.join("\n"));
            }
        }
        None => {
            status.set_message(format!("{}: no result", o.image));
        }
    }
    status
}

pub fn document(
    outcomes: &[ImageOutcome],
    policy: &GatePolicy,
    layout: Layout,
    elapsed: Duration,
) -> String {
    let mut suite = TestSuite::new(NAME);
    for o in outcomes {
        let repository = repository(o);
        if o.state() == GateState::Error {
            let mut case = TestCase::new(repository.as_str(), error_status(o));
            case.set_classname("ecr.scan");
            case.set_time(o.waited);
            case.add_property(("image", o.image.as_str()));
            suite.add_test_case(case);
            continue;
        }
        let Some(v) = &o.verdict else { continue };
        match layout {
            Layout::PerImage => {
                let status = if o.state() == GateState::Fail {
                    let lines: Vec<String> = v
                        .blocking
                        .iter()
                        .map(|f| {
                            format!(
                                "{} {} {} fixed-in:{}",
                                f.id,
                                f.reported,
                                package_text(f),
                                f.fixed_in.as_deref().unwrap_or("-")
                            )
                        })
                        .collect();
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    status
                        .set_message(format!(
                            "{}: {}",
                            o.image,
                            crate::output::count(
                                v.blocking.len(),
                                "blocking finding",
                                "blocking findings"
                            )
                        ))
                        .set_type("vulnerability")
                        .set_description(lines.join("\n"));
                    status
                } else {
                    TestCaseStatus::success()
                };
                let mut case = TestCase::new(repository.as_str(), status);
                case.set_classname("ecr.scan");
                // How long the gate waited for this image's scan.
                case.set_time(o.waited);
                case.add_property(("image", o.image.as_str()));
                suite.add_test_case(case);
            }
            Layout::PerFinding => {
                for r in finding_states(v, policy) {
                    let f = r.finding;
                    let status = match r.state {
                        FindingState::Blocking => {
                            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                            status
                                .set_message(format!(
                                    "{} {} in {} (fixed in {}): {}",
                                    f.id,
                                    f.reported,
                                    package_text(f),
                                    f.fixed_in.as_deref().unwrap_or("no fixed version"),
                                    r.reason
                                ))
                                .set_type("vulnerability");
                            if let Some(uri) = &f.uri {
                                status.set_description(uri.as_str());
                            }
                            status
                        }
                        FindingState::Allowed => TestCaseStatus::success(),
                        FindingState::Ignored => {
                            let mut status = TestCaseStatus::skipped();
                            status.set_message(r.reason.as_str());
                            status
                        }
                    };
                    let name = match &f.package {
                        Some(p) => format!("{} ({p})", f.id),
                        None => f.id.clone(),
                    };
                    let mut case = TestCase::new(name, status);
                    case.set_classname(repository.as_str());
                    case.add_property(("image", o.image.as_str()));
                    case.add_property(("severity", r.effective_severity.as_str()));
                    suite.add_test_case(case);
                }
            }
        }
    }
    suite.set_time(elapsed);
    let mut report = Report::new(NAME);
    report.set_time(elapsed);
    report.add_test_suite(suite);
    report
        .to_string()
        .expect("a JUnit report of in-memory strings serializes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::report::tests::{outcomes, policy};

    fn cases(xml: &str) -> Vec<(String, String, Option<String>)> {
        let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .map(|c| {
                (
                    c.attribute("classname").unwrap_or_default().to_string(),
                    c.attribute("name").unwrap_or_default().to_string(),
                    c.children()
                        .find(|n| n.is_element() && !n.has_tag_name("properties"))
                        .map(|n| n.tag_name().name().to_string()),
                )
            })
            .collect()
    }

    #[test]
    fn per_finding_names_are_stable_and_ignored_is_skipped() {
        let mut outcomes = outcomes();
        let xml = document(
            &outcomes,
            &policy(),
            Layout::PerFinding,
            Duration::from_millis(1500),
        );
        let got = cases(&xml);
        let want = |c: &str, n: &str, s: Option<&str>| (c.into(), n.into(), s.map(String::from));
        assert_eq!(
            got,
            vec![
                want("app", "CVE-2025-1000 (glibc)", Some("failure")),
                want("app", "CVE-2025-3000 (zlib)", None),
                want("app", "CVE-2025-2000 (openssl)", Some("skipped")),
                want("web", "CVE-2025-4000 (curl)", None),
                want("ecr.scan", "gone", Some("error")),
            ]
        );
        assert!(xml.contains("time=\"1.500\""), "{xml}");
        // A new tag: the same test names.
        outcomes[0].image = "app:v2".into();
        outcomes[0].scan.as_mut().unwrap().tag = Some("v2".into());
        let again = document(
            &outcomes,
            &policy(),
            Layout::PerFinding,
            Duration::from_millis(1500),
        );
        assert_eq!(cases(&again), got);
    }

    #[test]
    fn each_image_carries_the_time_its_scan_was_waited_for() {
        let mut outcomes = outcomes();
        outcomes[0].waited = Duration::from_millis(2250);
        let xml = document(
            &outcomes,
            &policy(),
            Layout::PerImage,
            Duration::from_secs(3),
        );
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let first = doc
            .descendants()
            .find(|n| n.has_tag_name("testcase"))
            .unwrap();
        assert_eq!(first.attribute("time"), Some("2.250"), "{xml}");
    }

    #[test]
    fn errors_carry_message_and_hint() {
        let mut outcomes = outcomes();
        outcomes[2].error = Some(
            crate::error::CliError::remote("the image gone:v3 does not exist")
                .with_hint("push it first"),
        );
        let xml = document(&outcomes, &policy(), Layout::PerImage, Duration::ZERO);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let error = doc.descendants().find(|n| n.has_tag_name("error")).unwrap();
        assert_eq!(
            error.attribute("message"),
            Some("gone:v3: the image gone:v3 does not exist")
        );
        assert!(error.text().unwrap().contains("hint: push it first"));
    }
}
