//! JUnit XML: one test case per image; blocking findings are its failure, a scan that
//! could not be read is an error.

use super::outcome::{ImageOutcome, package_text};

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

pub fn document(outcomes: &[ImageOutcome]) -> String {
    let failures = outcomes.iter().filter(|o| o.state() == "fail").count();
    let errors = outcomes.iter().filter(|o| o.state() == "error").count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let head = format!(
        "name=\"ecrctl scan gate\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\"",
        outcomes.len()
    );
    xml.push_str(&format!("<testsuites {head}>\n  <testsuite {head}>\n"));
    for o in outcomes {
        xml.push_str(&format!(
            "    <testcase classname=\"ecr.scan\" name=\"{}\"",
            escape(&o.image)
        ));
        match (o.state(), &o.verdict, &o.error) {
            ("fail", Some(v), _) => {
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
                xml.push_str(&format!(
                    ">\n      <failure message=\"{} blocking findings\" type=\"vulnerability\">{}</failure>\n    </testcase>\n",
                    v.blocking.len(),
                    escape(&lines.join("\n"))
                ));
            }
            ("error", _, error) => {
                let message = error
                    .as_ref()
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "no result".into());
                xml.push_str(&format!(
                    ">\n      <error message=\"{}\"/>\n    </testcase>\n",
                    escape(&message)
                ));
            }
            _ => xml.push_str("/>\n"),
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}
