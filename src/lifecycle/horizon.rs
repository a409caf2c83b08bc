//! When does a policy first touch a protected image? Pure.
//!
//! The model: the image set stays as it is (no new pushes, nothing removed), and time
//! moves on. With a fixed image set the set of images [`engine::evaluate`] acts on only
//! grows with time:
//! - an image can only be acted on by the first rule (by priority) that selects it, and
//!   selection (tags, storage class) does not depend on time;
//! - `imageCountMoreThan` marks by rank in the selection, which does not depend on time;
//! - the `since…` count types mark an image once `now - reference > days`, and stay marked;
//! - a manifest list that is acted on stops shielding its children, and a list acted on at
//!   `t` is acted on at every later instant.
//!
//! So "acts on some image of a set" is monotone in time, and it can only change at the
//! thresholds `reference + days + 1 µs` of the `since…` rules for the watched images and the
//! manifest lists that reference them. The first instant is found by a binary search over
//! those sorted thresholds: O(log n) evaluations.
//!
//! What the model ignores, and why that fails closed: images ECR expires before the
//! protected one would only leave the selections, so count rules keep *more* of what is
//! left; the answer is never later than reality. An image archived by a `transition` rule
//! is itself a touch (the search stops there); an unprotected image archived later only
//! leaves the standard selections (count rules keep more there) and joins the archive,
//! where the only count type is `sinceImageTransitioned`, which measures each image by its
//! own transition time, so it moves no protected image's date.

use super::engine::{self, Evaluation, Outcome};
use super::images::{Image, MICROS_PER_DAY, Micros};
use super::policy::{Action, Count, Policy, StorageClass};

/// The first time a watched image is acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    /// The first instant at or after `now` the policy acts on a watched image.
    pub at: Micros,
    /// That image (index into the input), the first in input order if several.
    pub image: usize,
    pub rule: u32,
    pub action: Action,
}

/// The first instant at or after `now` at which the policy acts on an image for which
/// `watched(i)` holds, assuming nothing is pushed and nothing removed; `None` when never.
pub fn first_touch(
    policy: &Policy,
    images: &[Image],
    now: Micros,
    watched: &dyn Fn(usize) -> bool,
) -> Option<Touch> {
    if !(0..images.len()).any(watched) {
        return None;
    }
    let hit = |at: Micros| -> Option<Touch> {
        let evaluation = engine::evaluate(policy, images, at);
        touch_in(&evaluation, at, watched)
    };
    let relevant = with_ancestors(images, watched);
    let candidates = thresholds(policy, images, now, Some(&relevant));
    // Monotone: if the latest threshold touches nothing, no instant does.
    let last = *candidates.last().expect("`now` is always a candidate");
    let mut found = hit(last)?;
    // The first candidate that touches: every index below `lo` does not, `hi` does (and
    // `found` is its touch).
    let (mut lo, mut hi) = (0, candidates.len() - 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match hit(candidates[mid]) {
            Some(touch) => {
                found = touch;
                hi = mid;
            }
            None => lo = mid + 1,
        }
    }
    Some(found)
}

/// The first watched image (input order) the evaluation acts on.
fn touch_in(evaluation: &Evaluation, at: Micros, watched: &dyn Fn(usize) -> bool) -> Option<Touch> {
    evaluation
        .outcomes
        .iter()
        .enumerate()
        .find_map(|(i, outcome)| {
            let (rule, action) = match outcome {
                Outcome::Expire { rule } => (*rule, Action::Expire),
                Outcome::Transition { rule } => (*rule, Action::Transition),
                Outcome::Keep { .. } => return None,
            };
            watched(i).then_some(Touch {
                at,
                image: i,
                rule,
                action,
            })
        })
}

/// The watched images and every manifest list that references one (transitively). Whether
/// a watched image is acted on can only change when its own rule starts marking it, or when
/// a list that shields it starts being acted on: only their thresholds matter.
fn with_ancestors(images: &[Image], watched: &dyn Fn(usize) -> bool) -> Vec<bool> {
    let mut relevant: Vec<bool> = (0..images.len()).map(watched).collect();
    if images.iter().all(|i| i.children.is_empty()) {
        return relevant;
    }
    let position: std::collections::HashMap<&str, usize> = images
        .iter()
        .enumerate()
        .map(|(i, img)| (img.digest.as_str(), i))
        .collect();
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); images.len()];
    for (p, image) in images.iter().enumerate() {
        for child in &image.children {
            if let Some(&c) = position.get(child.as_str()) {
                parents[c].push(p);
            }
        }
    }
    let mut stack: Vec<usize> = (0..images.len()).filter(|&i| relevant[i]).collect();
    while let Some(i) = stack.pop() {
        for &p in &parents[i] {
            if !relevant[p] {
                relevant[p] = true;
                stack.push(p);
            }
        }
    }
    relevant
}

/// `now`, then every instant after it at which a `since…` rule starts marking an image it
/// selects (of the `relevant` images, or all), sorted and without repeats.
pub fn thresholds(
    policy: &Policy,
    images: &[Image],
    now: Micros,
    relevant: Option<&[bool]>,
) -> Vec<Micros> {
    let mut out = vec![now];
    for rule in &policy.rules {
        let selector = super::engine::Selector::new(rule);
        let days = match rule.count {
            Count::MoreThan(_) => continue,
            Count::SincePushed { days }
            | Count::SincePulled { days }
            | Count::SinceTransitioned { days } => days,
        };
        // `lint` bounds days to 36,500, so this cannot overflow.
        let span = days as i64 * MICROS_PER_DAY + 1;
        for (i, image) in images.iter().enumerate() {
            if relevant.is_some_and(|r| !r[i]) {
                continue;
            }
            if !selector.selects(image) {
                continue;
            }
            if let Some(reference) = reference_time(rule.count, image) {
                let at = reference.saturating_add(span);
                if at > now {
                    out.push(at);
                }
            }
        }
    }
    out[1..].sort_unstable();
    out.dedup();
    out
}

/// The time a `since…` count measures from, as `engine::marks` does.
fn reference_time(count: Count, image: &Image) -> Option<Micros> {
    let order_time = image
        .activated_at
        .unwrap_or(image.pushed_at)
        .max(image.pushed_at);
    match count {
        Count::MoreThan(_) => None,
        Count::SincePushed { .. } => Some(order_time),
        Count::SincePulled { .. } => image
            .last_pull
            .into_iter()
            .chain(image.activated_at)
            .chain([image.pushed_at])
            .max(),
        Count::SinceTransitioned { .. } if image.storage == StorageClass::Archive => {
            image.archived_at
        }
        Count::SinceTransitioned { .. } => None,
    }
}

/// Whole days from `now` to `at`, rounded down, as the dates read: a touch 21 days and
/// 1 µs after now is "in 21 days" (its date is 21 days after now), one 1 µs after now is 0.
pub fn days_until(now: Micros, at: Micros) -> i64 {
    at.saturating_sub(now).max(0) / MICROS_PER_DAY
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::policy;

    const NOW: Micros = 1_800_000_000 * 1_000_000;
    const DAY: Micros = MICROS_PER_DAY;

    fn image(name: char, tags: &[&str], days_ago: i64) -> Image {
        Image::new(
            format!("sha256:{}", name.to_string().repeat(64)),
            tags.iter().map(|t| t.to_string()).collect(),
            NOW - days_ago * DAY,
        )
    }

    fn parse(rules: &str) -> Policy {
        policy::parse(&format!(r#"{{"rules":[{rules}]}}"#)).unwrap()
    }

    /// The slow, obviously right answer: step through every threshold in order.
    fn brute(
        policy: &Policy,
        images: &[Image],
        now: Micros,
        watched: &dyn Fn(usize) -> bool,
    ) -> Option<Touch> {
        thresholds(policy, images, now, None)
            .into_iter()
            .find_map(|at| {
                let e = engine::evaluate(policy, images, at);
                touch_in(&e, at, watched)
            })
    }

    const EXPIRE_A_AFTER_30: &str = r#"{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["a*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}}"#;

    #[test]
    fn today_passes_and_31_days_later_the_protected_image_goes() {
        // The issue's example: `apply --protect 'a*'` passes today, and the same policy
        // expires those images 31 days after their push.
        let policy = parse(EXPIRE_A_AFTER_30);
        let images = vec![image('a', &["a1"], 1), image('b', &["b1"], 100)];
        let watched = |i: usize| images[i].tags.iter().any(|t| t.starts_with('a'));
        assert!(engine::evaluate(&policy, &images, NOW).outcomes[0] != Outcome::Expire { rule: 1 });
        let touch = first_touch(&policy, &images, NOW, &watched).unwrap();
        // Pushed a day ago; marked once older than 30 days: 29 days and 1 µs from now.
        assert_eq!(touch.at, NOW + 29 * DAY + 1);
        assert_eq!((touch.image, touch.rule), (0, 1));
        assert_eq!(touch.action, Action::Expire);
        // The date reads 29 days from now: "in 29 days" (rounded down, as the date).
        assert_eq!(days_until(NOW, touch.at), 29);
        // One microsecond earlier it is still kept: the threshold is exact.
        let before = engine::evaluate(&policy, &images, touch.at - 1);
        assert!(matches!(before.outcomes[0], Outcome::Keep { .. }));
    }

    #[test]
    fn a_touch_today_is_now_and_never_is_none() {
        let policy = parse(EXPIRE_A_AFTER_30);
        let images = vec![image('a', &["a1"], 40), image('b', &["b1"], 100)];
        let touch = first_touch(&policy, &images, NOW, &|i| i == 0).unwrap();
        assert_eq!(touch.at, NOW);
        // `b1` is selected by no rule: never touched.
        assert_eq!(first_touch(&policy, &images, NOW, &|i| i == 1), None);
        // Nothing watched: nothing to find.
        assert_eq!(first_touch(&policy, &images, NOW, &|_| false), None);
    }

    #[test]
    fn count_rules_do_not_depend_on_time() {
        let policy = parse(
            r#"{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}"#,
        );
        let images = vec![
            image('a', &["a"], 3),
            image('b', &["b"], 2),
            image('c', &["c"], 1),
        ];
        assert_eq!(first_touch(&policy, &images, NOW, &|i| i == 1), None);
        assert_eq!(
            first_touch(&policy, &images, NOW, &|i| i == 0).unwrap().at,
            NOW
        );
    }

    #[test]
    fn a_higher_rule_that_selects_shields_forever() {
        let policy = parse(&format!(
            r#"{{"rulePriority":1,"selection":{{"tagStatus":"tagged","tagPatternList":["a*"],"countType":"imageCountMoreThan","countNumber":5}},"action":{{"type":"expire"}}}},
               {}"#,
            EXPIRE_A_AFTER_30
                .replace("\"rulePriority\":1", "\"rulePriority\":2")
                .replace("[\"a*\"]", "[\"*\"]")
        ));
        let images = vec![image('a', &["a1"], 1)];
        assert_eq!(first_touch(&policy, &images, NOW, &|_| true), None);
    }

    #[test]
    fn a_manifest_list_that_goes_stops_shielding_its_child() {
        // The child (untagged) would go after 1 day, but its tagged index keeps it until
        // the index itself expires (tagged, 10 days after its push).
        let policy = parse(
            r#"{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}},
               {"rulePriority":2,"selection":{"tagStatus":"tagged","tagPatternList":["*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":10},"action":{"type":"expire"}}"#,
        );
        let child = image('c', &[], 5);
        let mut index = image('i', &["v1"], 5);
        index.children = vec![child.digest.clone()];
        let images = vec![child, index];
        let touch = first_touch(&policy, &images, NOW, &|i| i == 0).unwrap();
        assert_eq!(touch.at, NOW + 5 * DAY + 1);
        assert_eq!(touch.rule, 1);
        assert_eq!(brute(&policy, &images, NOW, &|i| i == 0), Some(touch));
    }

    #[test]
    fn archiving_is_a_touch_and_pull_times_count() {
        let policy = parse(
            r#"{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":60},"action":{"type":"transition","targetStorageClass":"archive"}}"#,
        );
        let mut pulled = image('a', &["prod"], 200);
        pulled.last_pull = Some(NOW - 10 * DAY);
        let touch = first_touch(&policy, &[pulled], NOW, &|_| true).unwrap();
        assert_eq!(touch.at, NOW + 50 * DAY + 1);
        assert_eq!(touch.action, Action::Transition);
    }

    #[test]
    fn archived_images_count_from_their_transition() {
        let policy = parse(
            r#"{"rulePriority":1,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":90},"action":{"type":"expire"}}"#,
        );
        let mut archived = image('a', &["old"], 400);
        archived.storage = StorageClass::Archive;
        archived.archived_at = Some(NOW - 30 * DAY);
        let touch = first_touch(&policy, &[archived], NOW, &|_| true).unwrap();
        assert_eq!(touch.at, NOW + 60 * DAY + 1);
    }

    #[test]
    fn matches_stepping_through_time_on_a_mixed_repository() {
        // A deterministic mix: every kind of rule, many ages, pulls, an index.
        let policy = parse(
            r#"{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["rel-*"],"countType":"imageCountMoreThan","countNumber":3},"action":{"type":"expire"}},
               {"rulePriority":2,"selection":{"tagStatus":"tagged","tagPrefixList":["dev"],"countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}},
               {"rulePriority":3,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":3},"action":{"type":"expire"}},
               {"rulePriority":4,"selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":45},"action":{"type":"transition","targetStorageClass":"archive"}},
               {"rulePriority":5,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":120},"action":{"type":"expire"}}"#,
        );
        let names = "abcdefghijklmnopqrstuvwxyz0123456789";
        let mut images: Vec<Image> = names
            .chars()
            .enumerate()
            .map(|(n, c)| {
                let tags: Vec<String> = match n % 4 {
                    0 => vec![format!("rel-{n}")],
                    1 => vec![format!("dev-{n}")],
                    2 => vec![],
                    _ => vec![format!("svc-{n}")],
                };
                let mut i = Image::new(
                    format!("sha256:{}", c.to_string().repeat(64)),
                    tags,
                    NOW - ((n as i64 * 7919) % 97) * DAY - n as i64,
                );
                if n % 3 == 0 {
                    i.last_pull = Some(NOW - ((n as i64 * 31) % 40) * DAY);
                }
                if n % 7 == 6 {
                    i.storage = StorageClass::Archive;
                    i.archived_at = Some(NOW - ((n as i64 * 13) % 100) * DAY);
                }
                i
            })
            .collect();
        let child = images[2].digest.clone();
        images[3].children = vec![child];
        let mut later = 0;
        for watched in 0..images.len() {
            let w = |i: usize| i == watched;
            let touch = first_touch(&policy, &images, NOW, &w);
            assert_eq!(touch, brute(&policy, &images, NOW, &w), "image {watched}");
            later += usize::from(touch.is_some_and(|t| t.at > NOW));
        }
        // The case is not trivial: several images are first touched in the future.
        assert!(later >= 5, "{later}");
        let any_svc = |i: usize| images[i].tags.iter().any(|t| t.starts_with("svc"));
        assert_eq!(
            first_touch(&policy, &images, NOW, &any_svc),
            brute(&policy, &images, NOW, &any_svc)
        );
    }

    #[test]
    fn the_acted_set_only_grows_with_time() {
        let policy = parse(
            r#"{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":2},"action":{"type":"expire"}},
               {"rulePriority":2,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":20},"action":{"type":"expire"}}"#,
        );
        let child = image('c', &[], 30);
        let mut index = image('i', &["v1"], 10);
        index.children = vec![child.digest.clone()];
        let images = vec![child, index, image('x', &[], 1), image('y', &["t"], 5)];
        let mut before = vec![false; images.len()];
        for at in thresholds(&policy, &images, NOW, None) {
            let acted: Vec<bool> = engine::evaluate(&policy, &images, at)
                .outcomes
                .iter()
                .map(|o| !matches!(o, Outcome::Keep { .. }))
                .collect();
            assert!(before.iter().zip(&acted).all(|(b, a)| !b || *a), "at {at}");
            before = acted;
        }
        assert!(before.iter().all(|a| *a));
    }
}
