//! Input files and numeric flags: bounded reads, a byte-order mark accepted, invalid
//! UTF-8 and out-of-range numbers refused with exit 2 and the allowed range.

use std::io::Write;

use crate::client::{ecr, temp_file};

const NOW: &str = "2026-01-10T00:00:00Z";

const IMAGES: &str = r#"{"imageDetails":[
 {"imageDigest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","imageTags":["v1"],"imagePushedAt":"2026-01-09T00:00:00Z","imageSizeInBytes":10},
 {"imageDigest":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","imagePushedAt":"2025-01-01T00:00:00Z","imageSizeInBytes":10}]}"#;

const POLICY: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}}]}"#;

fn preview(images: &str, policy: &str, extra: &[&str]) -> crate::client::Run {
    let mut args = vec![
        "lifecycle",
        "preview",
        "--images",
        images,
        "--policy",
        policy,
        "--now",
        NOW,
        "-o",
        "json",
    ];
    args.extend_from_slice(extra);
    ecr(&args)
}

fn expiring(run: &crate::client::Run) -> Vec<String> {
    run.json()["expiring"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["imageDigest"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_endless_policy_file_is_refused_past_the_limit() {
    let images = temp_file("images.json", IMAGES);
    let started = std::time::Instant::now();
    let run = preview(images.to_str().unwrap(), "/dev/zero", &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains(
            "error: /dev/zero is larger than 128 KiB, the most ecrctl reads for a policy"
        ),
        "{}",
        run.stderr
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    ecr(&["lifecycle", "lint", "--policy", "/dev/zero"]).assert_code(2);
    // A regular file over the limit is refused from its size.
    let big = temp_file("big.json", &" ".repeat(200 * 1024));
    let run = ecr(&["lifecycle", "lint", "--policy", big.to_str().unwrap()]);
    run.assert_code(2);
    assert!(run.stderr.contains("larger than 128 KiB"), "{}", run.stderr);
}

#[test]
fn a_fifo_that_never_ends_is_refused() {
    let dir = temp_file("x", "").parent().unwrap().to_path_buf();
    let fifo = dir.join("policy.fifo");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        let chunk = [b' '; 64 * 1024];
        // Writes until the reader goes away (then the write fails): 64 MiB at most.
        for _ in 0..1024 {
            if file.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let run = ecr(&["lifecycle", "lint", "--policy", fifo.to_str().unwrap()]);
    run.assert_code(2);
    assert!(run.stderr.contains("larger than 128 KiB"), "{}", run.stderr);
    writer.join().unwrap();
}

#[test]
fn a_byte_order_mark_is_accepted_in_every_input() {
    let plain = preview(
        temp_file("images.json", IMAGES).to_str().unwrap(),
        temp_file("policy.json", POLICY).to_str().unwrap(),
        &[],
    );
    plain.assert_code(0);
    let bom_images = temp_file("images.json", &format!("\u{feff}{IMAGES}"));
    let bom_policy = temp_file("policy.json", &format!("\u{feff}{POLICY}"));
    let bom_digests = temp_file(
        "in-use.txt",
        &format!("\u{feff}sha256:{}\n", "a".repeat(64)),
    );
    let run = preview(
        bom_images.to_str().unwrap(),
        bom_policy.to_str().unwrap(),
        &["--protect-digests", bom_digests.to_str().unwrap()],
    );
    run.assert_code(0);
    assert_eq!(expiring(&run), expiring(&plain));
    assert_eq!(expiring(&run), [format!("sha256:{}", "b".repeat(64))]);
    let lint = ecr(&[
        "lifecycle",
        "lint",
        "--policy",
        bom_policy.to_str().unwrap(),
    ]);
    lint.assert_code(0);
    // Findings and an ignore file (TOML) with a BOM.
    let findings = temp_file(
        "findings.json",
        "\u{feff}{\"repositoryName\":\"app\",\"imageId\":{\"imageTag\":\"v1\"},\"imageScanStatus\":{\"status\":\"COMPLETE\"},\"imageScanFindings\":{\"findings\":[{\"name\":\"CVE-1\",\"severity\":\"HIGH\"}]}}",
    );
    let ignore = temp_file(
        "ignore.toml",
        "\u{feff}[[ignore]]\nid = \"CVE-1\"\nreason = \"test\"\n",
    );
    let gate = ecr(&[
        "scan",
        "gate",
        "--findings",
        findings.to_str().unwrap(),
        "--fail-on",
        "high",
        "--ignore-file",
        ignore.to_str().unwrap(),
    ]);
    gate.assert_code(0);
}

#[test]
fn invalid_utf8_is_an_input_error() {
    let path = temp_file("policy.json", "");
    std::fs::write(&path, b"{\"rules\":[\xff]}").unwrap();
    let run = ecr(&["lifecycle", "lint", "--policy", path.to_str().unwrap()]);
    run.assert_code(2);
    assert!(run.stderr.contains("is not UTF-8 text"), "{}", run.stderr);
    assert!(
        run.stderr.contains("invalid byte at offset 10"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_overflowing_count_number_is_refused_with_the_range() {
    let images = temp_file("images.json", IMAGES);
    for n in ["106751992", "18446744073709551615"] {
        let policy = temp_file("policy.json", &POLICY.replace("30", n));
        let run = preview(images.to_str().unwrap(), policy.to_str().unwrap(), &[]);
        run.assert_code(2);
        assert!(
            run.stderr.contains(&format!(
                "cause: $.rules[0].selection.countNumber: {n} is out of range 1..=36500 (days)"
            )),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    // A wrong type names its place too.
    let policy = temp_file("policy.json", &POLICY.replace("30", "\"30\""));
    let run = ecr(&["lifecycle", "lint", "--policy", policy.to_str().unwrap()]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("$.rules[0].selection.countNumber: invalid type: string \"30\""),
        "{}",
        run.stderr
    );
}

#[test]
fn image_times_out_of_range_are_refused() {
    let policy = temp_file("policy.json", POLICY);
    for (bad, shown) in [("1e300", "1e300"), ("-86400", "-86400")] {
        let images = temp_file(
            "images.json",
            &IMAGES.replace("\"2026-01-09T00:00:00Z\"", bad),
        );
        let run = preview(images.to_str().unwrap(), policy.to_str().unwrap(), &[]);
        run.assert_code(2);
        assert!(
            run.stderr.contains(&format!(
                "$.imageDetails[0].imagePushedAt: {shown} is out of range"
            )),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("0..=253402300799"), "{}", run.stderr);
    }
}

#[test]
fn min_validity_past_a_year_is_refused_not_wrapped() {
    let run = ecr(&["login", "--min-validity", "9223372036854775809"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("`9223372036854775809` is out of range: a duration is at most 365d"),
        "{}",
        run.stderr
    );
    ecr(&["login", "status", "--warn-within", "400d"]).assert_code(2);
}

#[test]
fn a_price_that_is_not_a_finite_positive_number_is_refused() {
    let images = temp_file("images.json", IMAGES);
    let policy = temp_file("policy.json", POLICY);
    for bad in ["NaN", "inf", "-1"] {
        let flag = format!("--price-per-gb-month={bad}");
        let run = preview(images.to_str().unwrap(), policy.to_str().unwrap(), &[&flag]);
        run.assert_code(2);
        assert!(
            run.stderr
                .contains("is out of range 0..=1000 (USD per GB-month)"),
            "{bad}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_plan_on_stdin_gets_the_same_limit() {
    let mut child = crate::client::ecrctl()
        .args(["migrate", "--plan", "-", "--dry-run"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = [b' '; 1024 * 1024];
        // 70 MiB, or until ecrctl stops reading.
        for _ in 0..70 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: standard input is larger than 64 MiB"),
        "{stderr}"
    );
}
