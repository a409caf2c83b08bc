//! The engine against every worked example in AWS's "Examples of lifecycle policies",
//! plus properties that must hold for any policy and repository.

use proptest::prelude::*;

use super::engine::{KeepReason, Outcome, evaluate};
use super::images::{Image, MICROS_PER_DAY, Micros};
use super::policy::{self, Policy, StorageClass};

const NOW: Micros = 1_800_000_000_000_000;

/// Image `name` (its digest sorts by name, so ties order predictably) pushed `days` ago.
fn image(name: char, tags: &[&str], days: f64) -> Image {
    let mut image = Image::new(
        format!("sha256:{}", name.to_string().repeat(64)),
        tags.iter().map(|t| t.to_string()).collect(),
        NOW - (days * MICROS_PER_DAY as f64) as Micros,
    );
    image.size = 1_000_000;
    image
}

fn policy(text: &str) -> Policy {
    policy::parse(text).unwrap_or_else(|p| panic!("{p:?}"))
}

/// Names of the images acted on, sorted.
fn expired(policy_text: &str, images: &[Image]) -> String {
    let eval = evaluate(&policy(policy_text), images, NOW);
    let mut names: Vec<char> = images
        .iter()
        .zip(&eval.outcomes)
        .filter(|(_, o)| !matches!(o, Outcome::Keep { .. }))
        .map(|(i, _)| i.digest.chars().nth(7).unwrap())
        .collect();
    names.sort();
    names.into_iter().collect()
}

fn rule(priority: u32, selection: &str, action: &str) -> String {
    format!(r#"{{"rulePriority":{priority},"selection":{selection},"action":{action}}}"#)
}

fn rules(rules: &[String]) -> String {
    format!(r#"{{"rules":[{}]}}"#, rules.join(","))
}

const EXPIRE: &str = r#"{"type":"expire"}"#;

#[test]
fn aws_filtering_on_image_age() {
    let p = rules(&[rule(
        1,
        r#"{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":14}"#,
        EXPIRE,
    )]);
    let images = [
        image('a', &["prod-1"], 20.0),
        image('b', &["prod-2"], 10.0),
        image('c', &["dev"], 30.0),
    ];
    assert_eq!(expired(&p, &images), "a");
    let untagged = rules(&[rule(
        1,
        r#"{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14}"#,
        EXPIRE,
    )]);
    let images = [
        image('a', &[], 15.0),
        image('b', &[], 13.0),
        image('c', &["v1"], 30.0),
    ];
    assert_eq!(expired(&untagged, &images), "a");
}

#[test]
fn aws_filtering_on_image_count() {
    let p = rules(&[rule(
        1,
        r#"{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1}"#,
        EXPIRE,
    )]);
    let images = [
        image('a', &[], 3.0),
        image('b', &[], 2.0),
        image('c', &[], 1.0),
        image('d', &["v1"], 5.0),
    ];
    assert_eq!(expired(&p, &images), "ab");
}

fn multiple_rules_repo() -> [Image; 3] {
    [
        image('a', &["beta-1", "prod-1"], 10.0),
        image('b', &["beta-2", "prod-2"], 9.0),
        image('c', &["beta-3"], 8.0),
    ]
}

#[test]
fn aws_multiple_rules_example_a() {
    for (prod, beta) in [
        (
            r#""tagPatternList":["prod*"]"#,
            r#""tagPatternList":["beta*"]"#,
        ),
        (r#""tagPrefixList":["prod"]"#, r#""tagPrefixList":["beta"]"#),
    ] {
        let p = rules(&[
            rule(
                1,
                &format!(
                    r#"{{"tagStatus":"tagged",{prod},"countType":"imageCountMoreThan","countNumber":1}}"#
                ),
                EXPIRE,
            ),
            rule(
                2,
                &format!(
                    r#"{{"tagStatus":"tagged",{beta},"countType":"imageCountMoreThan","countNumber":1}}"#
                ),
                EXPIRE,
            ),
        ]);
        let images = multiple_rules_repo();
        assert_eq!(expired(&p, &images), "a");
        // Image B: rule 2 marks it, but it matches rule 1's selection.
        let eval = evaluate(&policy(&p), &images, NOW);
        assert_eq!(
            eval.outcomes[1],
            Outcome::Keep {
                reason: KeepReason::Shielded { rule: 2, by: 1 }
            }
        );
    }
}

#[test]
fn aws_multiple_rules_example_b() {
    let p = rules(&[
        rule(
            1,
            r#"{"tagStatus":"tagged","tagPatternList":["beta*"],"countType":"imageCountMoreThan","countNumber":1}"#,
            EXPIRE,
        ),
        rule(
            2,
            r#"{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"imageCountMoreThan","countNumber":1}"#,
            EXPIRE,
        ),
    ]);
    assert_eq!(expired(&p, &multiple_rules_repo()), "ab");
}

#[test]
fn aws_multiple_tags_in_one_rule_example_a() {
    let images = [
        image('a', &["alpha-1"], 12.0),
        image('b', &["beta-1"], 11.0),
        image('c', &["alpha-2", "beta-2"], 10.0),
        image('d', &["alpha-3"], 4.0),
        image('e', &["beta-3"], 3.0),
        image('f', &["alpha-4", "beta-4"], 2.0),
    ];
    for filter in [
        r#""tagPatternList":["alpha*","beta*"]"#,
        r#""tagPrefixList":["alpha","beta"]"#,
    ] {
        let p = rules(&[rule(
            1,
            &format!(
                r#"{{"tagStatus":"tagged",{filter},"countType":"sinceImagePushed","countNumber":5,"countUnit":"days"}}"#
            ),
            EXPIRE,
        )]);
        assert_eq!(expired(&p, &images), "c");
    }
}

#[test]
fn aws_multiple_tags_in_one_rule_example_b() {
    let images = [
        image('a', &["alpha-1", "beta-1", "gamma-1"], 10.0),
        image('b', &["alpha-2", "beta-2"], 9.0),
        image('c', &["alpha-3", "beta-3", "gamma-2"], 8.0),
    ];
    let p = rules(&[rule(
        1,
        r#"{"tagStatus":"tagged","tagPatternList":["alpha*","beta*"],"countType":"imageCountMoreThan","countNumber":1}"#,
        EXPIRE,
    )]);
    assert_eq!(expired(&p, &images), "ab");
}

#[test]
fn aws_all_images_example_a() {
    let images = [
        image('a', &["alpha-1"], 4.0),
        image('b', &["beta-1"], 3.0),
        image('c', &[], 2.0),
        image('d', &["alpha-2"], 1.0),
    ];
    let p = rules(&[rule(
        1,
        r#"{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}"#,
        EXPIRE,
    )]);
    assert_eq!(expired(&p, &images), "abc");
}

#[test]
fn aws_all_images_example_b() {
    // D and E were pushed at the same time; E (the greater digest) counts as newer.
    let images = [
        image('a', &["alpha-1", "beta-1"], 4.0),
        image('b', &[], 3.0),
        image('c', &["alpha-2"], 2.0),
        image('d', &["git hash"], 1.0),
        image('e', &[], 1.0),
    ];
    let p = rules(&[
        rule(
            1,
            r#"{"tagStatus":"tagged","tagPatternList":["alpha*"],"countType":"imageCountMoreThan","countNumber":1}"#,
            EXPIRE,
        ),
        rule(
            2,
            r#"{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1}"#,
            EXPIRE,
        ),
        rule(
            3,
            r#"{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}"#,
            EXPIRE,
        ),
    ]);
    assert_eq!(expired(&p, &images), "abd");
    let eval = evaluate(&policy(&p), &images, NOW);
    // E is the newest, so rule 3 keeps it anyway; rule 2 saw it first, as too recent.
    assert_eq!(
        eval.outcomes[4],
        Outcome::Keep {
            reason: KeepReason::TooRecent { rule: 2, days: 1 }
        }
    );
    // B and C are older than the newest one: rule 3 marks them, but they are rule 1's and
    // rule 2's; A and B were acted on by those rules already.
    assert_eq!(
        eval.outcomes[2],
        Outcome::Keep {
            reason: KeepReason::Shielded { rule: 3, by: 1 }
        }
    );
    assert_eq!(eval.rules[2].selected, 5);
    assert_eq!(eval.rules[2].acted, 1);
}

const ARCHIVE: &str = r#"{"type":"transition","targetStorageClass":"archive"}"#;

#[test]
fn aws_archive_examples() {
    let mut pulled = image('a', &["v1"], 200.0);
    pulled.last_pull = Some(NOW - 10 * MICROS_PER_DAY);
    let never_pulled = image('b', &["v2"], 100.0);
    let fresh = image('c', &["v3"], 5.0);
    let mut archived_long = image('d', &["v0"], 900.0);
    archived_long.storage = StorageClass::Archive;
    archived_long.archived_at = Some(NOW - 400 * MICROS_PER_DAY);
    let mut archived_recently = image('e', &["v00"], 900.0);
    archived_recently.storage = StorageClass::Archive;
    archived_recently.archived_at = Some(NOW - 100 * MICROS_PER_DAY);
    let images = [
        pulled,
        never_pulled,
        fresh,
        archived_long,
        archived_recently,
    ];
    let p = rules(&[
        rule(
            1,
            r#"{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":90}"#,
            ARCHIVE,
        ),
        rule(
            2,
            r#"{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":365}"#,
            EXPIRE,
        ),
    ]);
    let eval = evaluate(&policy(&p), &images, NOW);
    assert!(
        matches!(eval.outcomes[0], Outcome::Keep { .. }),
        "pulled 10 days ago"
    );
    assert_eq!(
        eval.outcomes[1],
        Outcome::Transition { rule: 1 },
        "never pulled: push time counts"
    );
    assert!(matches!(eval.outcomes[2], Outcome::Keep { .. }));
    assert_eq!(eval.outcomes[3], Outcome::Expire { rule: 2 });
    assert!(matches!(eval.outcomes[4], Outcome::Keep { .. }));
    let prod = rules(&[rule(
        1,
        r#"{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":30}"#,
        ARCHIVE,
    )]);
    assert_eq!(
        expired(
            &prod,
            &[image('a', &["prod-1"], 31.0), image('b', &["prod-2"], 29.0)]
        ),
        "a"
    );
}

#[test]
fn manifest_list_children_stay_while_the_list_stays() {
    let mut index = image('i', &["v1"], 10.0);
    index.media_type = Some("application/vnd.oci.image.index.v1+json".into());
    let child = image('c', &[], 10.0);
    index.children = vec![child.digest.clone()];
    let orphan = image('o', &[], 10.0);
    let untagged = rules(&[rule(
        1,
        r#"{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1}"#,
        EXPIRE,
    )]);
    let images = [index.clone(), child.clone(), orphan];
    assert_eq!(expired(&untagged, &images), "o");
    let eval = evaluate(&policy(&untagged), &images, NOW);
    assert_eq!(
        eval.outcomes[1],
        Outcome::Keep {
            reason: KeepReason::ReferencedBy {
                index: index.digest.clone()
            }
        }
    );
    // When the list itself expires, its children may go too.
    let everything = rules(&[rule(
        1,
        r#"{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":1}"#,
        EXPIRE,
    )]);
    assert_eq!(expired(&everything, &[index, child]), "ci");
}

#[test]
fn the_shield_of_a_kept_index_reaches_through_nested_indexes() {
    // i [v1] → j (untagged index) → c (untagged manifest): i stays, so j stays, so c stays.
    let oci = "application/vnd.oci.image.index.v1+json";
    let mut outer = image('i', &["v1"], 10.0);
    outer.media_type = Some(oci.into());
    let mut inner = image('j', &[], 10.0);
    inner.media_type = Some(oci.into());
    let child = image('c', &[], 10.0);
    outer.children = vec![inner.digest.clone()];
    inner.children = vec![child.digest.clone()];
    let untagged = rules(&[rule(
        1,
        r#"{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1}"#,
        EXPIRE,
    )]);
    // Any input order.
    let images = [child.clone(), inner.clone(), outer.clone()];
    assert_eq!(expired(&untagged, &images), "");
    let eval = evaluate(&policy(&untagged), &images, NOW);
    assert_eq!(
        eval.outcomes[0],
        Outcome::Keep {
            reason: KeepReason::ReferencedBy {
                index: inner.digest.clone()
            }
        }
    );
    // Without the outer index, both untagged ones go.
    assert_eq!(expired(&untagged, &[child, inner]), "cj");
}

#[test]
fn restored_images_count_from_their_restore_time() {
    let mut restored = image('a', &["v1"], 100.0);
    restored.activated_at = Some(NOW - 2 * MICROS_PER_DAY);
    let p = rules(&[rule(
        1,
        r#"{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":30}"#,
        EXPIRE,
    )]);
    assert_eq!(expired(&p, &[restored]), "");
}

// ---- properties -------------------------------------------------------------------

fn arb_images() -> impl Strategy<Value = Vec<Image>> {
    let tag = prop::sample::select(vec![
        "prod-1", "prod-2", "beta-1", "beta-2", "v1", "latest", "dev-x",
    ]);
    prop::collection::vec((prop::collection::vec(tag, 0..3), 0u32..60), 1..40).prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (tags, days))| {
                let tags = {
                    let mut t: Vec<String> = tags.into_iter().map(String::from).collect();
                    t.sort();
                    t.dedup();
                    t
                };
                Image::new(
                    format!("sha256:{i:064x}"),
                    tags,
                    NOW - days as i64 * MICROS_PER_DAY - i as i64,
                )
            })
            .collect()
    })
}

fn arb_policy() -> impl Strategy<Value = String> {
    let selection = prop::sample::select(vec![
        r#""tagStatus":"tagged","tagPatternList":["prod*"]"#,
        r#""tagStatus":"tagged","tagPrefixList":["beta"]"#,
        r#""tagStatus":"tagged","tagPatternList":["*1"]"#,
        r#""tagStatus":"tagged","tagPatternList":["*-*"]"#,
        r#""tagStatus":"tagged","tagPatternList":["prod*","*2"]"#,
        r#""tagStatus":"tagged","tagPatternList":["latest"]"#,
        r#""tagStatus":"tagged","tagPrefixList":["prod","v"]"#,
        r#""tagStatus":"untagged""#,
    ]);
    let count = prop_oneof![
        (1u32..6).prop_map(|n| format!(r#""countType":"imageCountMoreThan","countNumber":{n}"#)),
        (1u32..40).prop_map(|n| format!(
            r#""countType":"sinceImagePushed","countUnit":"days","countNumber":{n}"#
        )),
    ];
    (
        prop::collection::vec((selection, count.clone()), 0..3),
        prop::option::of(count),
    )
        .prop_map(|(rs, any)| {
            let mut out = Vec::new();
            let mut used = Vec::new();
            for (sel, count) in rs {
                if used.contains(&sel) {
                    continue;
                }
                used.push(sel);
                out.push(rule(
                    out.len() as u32 + 1,
                    &format!("{{{sel},{count}}}"),
                    EXPIRE,
                ));
            }
            if let Some(count) = any {
                out.push(rule(
                    out.len() as u32 + 1,
                    &format!(r#"{{"tagStatus":"any",{count}}}"#),
                    EXPIRE,
                ));
            }
            if out.is_empty() {
                out.push(rule(
                    1,
                    r#"{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":3}"#,
                    EXPIRE,
                ));
            }
            rules(&out)
        })
}

proptest! {
    #[test]
    fn compiled_selectors_agree_with_the_rules(images in arb_images(), text in arb_policy()) {
        let p = policy(&text);
        for rule in &p.rules {
            let selector = super::engine::Selector::new(rule);
            for image in &images {
                let expected = image.storage == rule.storage_class && rule.selects_tags(&image.tags);
                prop_assert_eq!(selector.selects(image), expected, "rule {} on {:?}", rule.priority, image.tags);
            }
        }
    }

    #[test]
    fn never_acts_against_a_higher_priority_selection(images in arb_images(), text in arb_policy()) {
        let p = policy(&text);
        let eval = evaluate(&p, &images, NOW);
        for (image, outcome) in images.iter().zip(&eval.outcomes) {
            if let Outcome::Expire { rule } = outcome {
                for higher in p.rules.iter().filter(|r| r.priority < *rule) {
                    prop_assert!(!higher.selects_tags(&image.tags), "{} acted by {rule} but selected by {}", image.digest, higher.priority);
                }
            }
        }
    }

    #[test]
    fn count_rule_keeps_exactly_the_newest_n(images in arb_images(), keep in 0usize..8) {
        let text = rules(&[rule(1, &format!(r#"{{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":{}}}"#, keep.max(1)), EXPIRE)]);
        let keep = keep.max(1);
        let eval = evaluate(&policy(&text), &images, NOW);
        let mut by_age: Vec<(Micros, &str, &Outcome)> = images.iter().zip(&eval.outcomes).map(|(i, o)| (i.pushed_at, i.digest.as_str(), o)).collect();
        by_age.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(a.1)));
        for (rank, (_, _, outcome)) in by_age.iter().enumerate() {
            prop_assert_eq!(rank >= keep, matches!(outcome, Outcome::Expire { .. }));
        }
    }

    #[test]
    fn input_order_does_not_matter(images in arb_images(), text in arb_policy(), seed in any::<u64>()) {
        let p = policy(&text);
        let eval = evaluate(&p, &images, NOW);
        let mut shuffled: Vec<(Image, Outcome)> = images.iter().cloned().zip(eval.outcomes.iter().cloned()).collect();
        let len = shuffled.len();
        for i in 0..len {
            shuffled.swap(i, (seed as usize).wrapping_add(i * 7) % len);
        }
        let (imgs, expected): (Vec<Image>, Vec<Outcome>) = shuffled.into_iter().unzip();
        prop_assert_eq!(evaluate(&p, &imgs, NOW).outcomes, expected);
    }
}

#[test]
fn the_longest_allowed_age_and_the_oldest_allowed_time_do_not_overflow() {
    // 36500 days (the most a policy may say) against an image pushed at the epoch and
    // one pushed at the end of year 9999: no overflow, and the right answers.
    let p = policy(&format!(
        r#"{{"rules":[{}]}}"#,
        rule(
            1,
            r#"{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":36500}"#,
            r#"{"type":"expire"}"#
        )
    ));
    let mut old = image('a', &[], 0.0);
    old.pushed_at = 0;
    let mut future = image('b', &[], 0.0);
    future.pushed_at = super::images::MAX_EPOCH_SECONDS * 1_000_000;
    let late_now = super::images::MAX_EPOCH_SECONDS * 1_000_000;
    let eval = evaluate(&p, &[old.clone(), future.clone()], late_now);
    assert!(matches!(eval.outcomes[0], Outcome::Expire { rule: 1 }));
    assert!(matches!(eval.outcomes[1], Outcome::Keep { .. }));
    let eval = evaluate(&p, &[old, future], 0);
    assert!(
        eval.outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Keep { .. }))
    );
}

#[test]
fn sizes_add_up_without_overflow_and_digests_shorten_by_character() {
    let p = policy(&format!(
        r#"{{"rules":[{}]}}"#,
        rule(
            1,
            r#"{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}"#,
            r#"{"type":"expire"}"#
        )
    ));
    let images: Vec<Image> = ['a', 'b', 'c', 'd']
        .iter()
        .map(|&c| {
            let mut i = image(c, &[], 1.0);
            i.size = u64::MAX / 2;
            i
        })
        .collect();
    let eval = evaluate(&p, &images, NOW);
    assert_eq!(eval.rules[0].bytes, u64::MAX);
    assert_eq!(
        super::engine::short_digest("sha256:ééééééééééééééé"),
        "sha256:éééééééééééé"
    );
}
