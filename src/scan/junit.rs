//! JUnit XML through `quick-junit`: one test case per image; blocking findings are its
//! failure, a scan that could not be read is an error. quick-junit escapes the XML and
//! drops control characters and ANSI escapes from every string.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::outcome::{GateState, ImageOutcome, package_text};

const NAME: &str = "ecrctl scan gate";

pub fn document(outcomes: &[ImageOutcome]) -> String {
    let mut suite = TestSuite::new(NAME);
    for o in outcomes {
        let status = match (o.state(), &o.verdict, &o.error) {
            (GateState::Fail, Some(v), _) => {
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
                    .set_message(format!("{} blocking findings", v.blocking.len()))
                    .set_type("vulnerability")
                    .set_description(lines.join("\n"));
                status
            }
            (GateState::Error, _, error) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                status.set_message(
                    error
                        .as_ref()
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| "no result".into()),
                );
                status
            }
            _ => TestCaseStatus::success(),
        };
        let mut case = TestCase::new(o.image.as_str(), status);
        case.set_classname("ecr.scan");
        suite.add_test_case(case);
    }
    let mut report = Report::new(NAME);
    report.add_test_suite(suite);
    report
        .to_string()
        .expect("a JUnit report of in-memory strings serializes")
}
