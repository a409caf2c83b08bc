//! The guard over time: when the policy first touches a protected image (see
//! [`horizon`](super::horizon)), whether that is within `--horizon`, and how the preview,
//! `--explain` and the verdict say so. Pure apart from printing.

use std::time::Duration;

use serde::Serialize;

use super::engine::{self, Outcome};
use super::horizon::{self, Touch};
use super::images::{Image, Micros, format_micros};
use super::policy::{Action, Policy};
use super::protect::Protection;
use super::report::{Preview, tags_text};
use crate::outcome::{self, Verdict};
use crate::output::Printer;

/// What the model assumes, in the output next to every date.
pub const ASSUMES: &str = "assumes no new pushes and that images stay until the policy acts on them; \
     images ECR removes earlier only make count rules keep more, so the real date is never earlier";

/// The guard's answer for one repository (or images file).
#[derive(Debug, Clone)]
pub struct Guard {
    pub now: Micros,
    pub horizon: Duration,
    /// Protected images: (index, why).
    pub protected: Vec<(usize, String)>,
    pub first: Option<Touch>,
    /// Protected images the policy acts on by the end of the horizon: (index, rule, action).
    pub within: Vec<(usize, u32, Action)>,
}

impl Guard {
    pub fn reason(&self, image: usize) -> Option<&str> {
        self.protected
            .iter()
            .find(|(i, _)| *i == image)
            .map(|(_, why)| why.as_str())
    }

    fn horizon_end(&self) -> Micros {
        let micros = i64::try_from(self.horizon.as_micros()).unwrap_or(i64::MAX);
        self.now.saturating_add(micros)
    }
}

/// Checks `preview` (evaluated at `now`) over time.
pub fn check(preview: &Preview, protection: &Protection, now: Micros, horizon: Duration) -> Guard {
    let repository = preview.repository.as_deref();
    let matcher = protection.matcher(repository);
    let protected: Vec<(usize, String)> = preview
        .images
        .iter()
        .enumerate()
        .filter_map(|(i, image)| matcher.reason(image).map(|why| (i, why)))
        .collect();
    let mut guard = Guard {
        now,
        horizon,
        protected,
        first: None,
        within: Vec::new(),
    };
    if guard.protected.is_empty() {
        return guard;
    }
    let is_protected = {
        let mut flags = vec![false; preview.images.len()];
        for (i, _) in &guard.protected {
            flags[*i] = true;
        }
        flags
    };
    let watched = |i: usize| is_protected[i];
    // Touched today: the preview already knows, no search needed.
    guard.first = match preview.violations.first() {
        Some((i, _)) => acted(&preview.evaluation.outcomes[*i]).map(|(rule, action)| Touch {
            at: now,
            image: *i,
            rule,
            action,
        }),
        None => horizon::first_touch(&preview.policy, &preview.images, now, &watched),
    };
    let end = guard.horizon_end();
    if guard.first.as_ref().is_some_and(|t| t.at <= end) {
        // The acted set only grows with time: what is acted on at the end of the horizon
        // is everything touched within it.
        let at_end = engine::evaluate(&preview.policy, &preview.images, end);
        guard.within = at_end
            .outcomes
            .iter()
            .enumerate()
            .filter(|(i, _)| is_protected[*i])
            .filter_map(|(i, o)| acted(o).map(|(rule, action)| (i, rule, action)))
            .collect();
    }
    guard
}

fn acted(outcome: &Outcome) -> Option<(u32, Action)> {
    match outcome {
        Outcome::Expire { rule } => Some((*rule, Action::Expire)),
        Outcome::Transition { rule } => Some((*rule, Action::Transition)),
        Outcome::Keep { .. } => None,
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Expire => "expire",
        Action::Transition => "archive",
    }
}

/// `30d`, `12h`, `0` (now only).
pub fn horizon_text(horizon: Duration) -> String {
    match horizon.as_secs() {
        0 => "0 (now only)".into(),
        s => crate::duration::describe_seconds(s as i64).replace(' ', ""),
    }
}

/// "on 2026-02-09T00:00:01Z, in 30 days" (whole days, rounded down, as the dates read),
/// "on …, within a day", or "now" (within the second of `now`, which the date shows).
fn when(now: Micros, at: Micros) -> String {
    if at.saturating_sub(now) < 1_000_000 {
        return "now".into();
    }
    match horizon::days_until(now, at) {
        0 => format!("on {}, within a day", format_micros(at)),
        days => format!(
            "on {}, in {}",
            format_micros(at),
            crate::output::count(days as usize, "day", "days")
        ),
    }
}

/// The sentence preview and apply print.
pub fn sentence(guard: &Guard, images: &[Image]) -> Option<String> {
    if guard.protected.is_empty() {
        return None;
    }
    Some(match &guard.first {
        Some(t) => {
            let image = &images[t.image];
            let late = if t.at > guard.horizon_end() && !guard.horizon.is_zero() {
                format!(" (beyond the {} horizon)", horizon_text(guard.horizon))
            } else {
                String::new()
            };
            format!(
                "first protected image is touched {}{late}, by rule {} ({}): {} [{}]; \
                 assuming no new pushes (the real date is never earlier)",
                when(guard.now, t.at),
                t.rule,
                verb(t.action),
                engine::short_digest(&image.digest),
                tags_text(&image.tags),
            )
        }
        None => format!(
            "no protected image is touched, ever, as long as nothing new is pushed ({} protected)",
            guard.protected.len()
        ),
    })
}

pub fn print(printer: &Printer, guard: &Guard, images: &[Image]) {
    if let Some(line) = sentence(guard, images) {
        printer.info(&line);
    }
}

/// `protectionHorizon` in `lifecycle preview|apply -o json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HorizonReport<'a> {
    pub horizon_seconds: u64,
    pub assumes: &'static str,
    pub protected_images: usize,
    pub first_touch: Option<TouchReport<'a>>,
    pub within_horizon: Vec<TouchReport<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TouchReport<'a> {
    /// Only the first touch is dated (absent in `withinHorizon`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_days: Option<i64>,
    pub rule_priority: u32,
    pub action: Action,
    pub image_digest: &'a str,
    pub image_tags: &'a [String],
    pub protected_because: Option<&'a str>,
}

pub fn report<'a>(guard: &'a Guard, images: &'a [Image]) -> HorizonReport<'a> {
    let touch = |i: usize, rule, action, at: Option<Micros>| TouchReport {
        at: at.map(format_micros),
        in_days: at.map(|at| horizon::days_until(guard.now, at)),
        rule_priority: rule,
        action,
        image_digest: &images[i].digest,
        image_tags: &images[i].tags,
        protected_because: guard.reason(i),
    };
    HorizonReport {
        horizon_seconds: guard.horizon.as_secs(),
        assumes: ASSUMES,
        protected_images: guard.protected.len(),
        first_touch: guard
            .first
            .as_ref()
            .map(|t| touch(t.image, t.rule, t.action, Some(t.at))),
        within_horizon: guard
            .within
            .iter()
            .map(|&(i, rule, action)| touch(i, rule, action, None))
            .collect(),
    }
}

/// A JSON document with the guard's answer added.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Guarded<'a, D: Serialize> {
    #[serde(flatten)]
    pub document: D,
    pub protection_horizon: HorizonReport<'a>,
}

/// `--explain -o json` with the protection verdict added.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardedExplain<'a, D: Serialize> {
    #[serde(flatten)]
    pub document: D,
    pub protection: ExplainProtection<'a>,
}

/// "No" (exit 1) when a protected image is touched now (the preview's verdict) or within
/// the horizon.
pub fn verdict(checked: &[(&Preview, &Guard)]) -> outcome::Outcome {
    let previews: Vec<&Preview> = checked.iter().map(|(p, _)| *p).collect();
    let today = super::preview::verdict(&previews);
    if matches!(today, outcome::Outcome::Verdict(_)) {
        return today;
    }
    let mut causes = Vec::new();
    let mut first: Option<(Micros, Micros)> = None;
    let mut horizon = Duration::ZERO;
    for (preview, guard) in checked {
        if guard.within.is_empty() {
            continue;
        }
        horizon = guard.horizon;
        if let Some(t) = &guard.first
            && first.is_none_or(|(at, _)| t.at < at)
        {
            first = Some((t.at, guard.now));
        }
        let place = preview
            .repository
            .as_deref()
            .map(|r| format!("{r} "))
            .unwrap_or_default();
        for &(i, rule, action) in &guard.within {
            let image = &preview.images[i];
            causes.push(format!(
                "{place}{} [{}]: {}; rule {rule} would {}",
                engine::short_digest(&image.digest),
                tags_text(&image.tags),
                guard.reason(i).unwrap_or("protected"),
                verb(action)
            ));
        }
    }
    let Some((at, now)) = first else {
        return outcome::Outcome::Success;
    };
    let mut verdict = Verdict::new(format!(
        "the policy would expire or archive {} within the {} horizon (the first {}, assuming no new pushes)",
        crate::output::count(causes.len(), "protected image", "protected images"),
        horizon_text(horizon),
        when(now, at)
    ));
    for cause in causes {
        verdict = verdict.with_cause(cause);
    }
    outcome::Outcome::Verdict(verdict.with_hint(
        "add a higher-priority rule that selects those tags (rules below cannot touch what it selects), \
         or change the failing rule; `--explain DIGEST|TAG` shows when and why; `--horizon` sets how far ahead to check",
    ))
}

/// `--explain`: is the image protected, and when is it first touched?
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExplainProtection<'a> {
    pub protected: bool,
    pub protected_because: Option<String>,
    pub first_touch: Option<TouchReport<'a>>,
    pub assumes: &'static str,
    #[serde(skip)]
    first_at: Option<Micros>,
}

pub fn explain<'a>(
    policy: &Policy,
    images: &'a [Image],
    index: usize,
    repository: Option<&str>,
    protection: &Protection,
    now: Micros,
) -> ExplainProtection<'a> {
    let touch = horizon::first_touch(policy, images, now, &|i| i == index);
    let protected_because = protection.reason(repository, &images[index]);
    ExplainProtection {
        protected: protected_because.is_some(),
        protected_because,
        first_at: touch.as_ref().map(|t| t.at),
        first_touch: touch.map(|t| TouchReport {
            at: Some(format_micros(t.at)),
            in_days: Some(horizon::days_until(now, t.at)),
            rule_priority: t.rule,
            action: t.action,
            image_digest: &images[index].digest,
            image_tags: &images[index].tags,
            protected_because: None,
        }),
        assumes: ASSUMES,
    }
}

impl ExplainProtection<'_> {
    /// The lines under `--explain`'s decision path.
    pub fn text(&self, now: Micros) -> String {
        let status = match &self.protected_because {
            Some(why) => format!("  protected: yes ({why})\n"),
            None => "  protected: no (no --protect pattern, --protect-digests entry or --protect-in-use workload names it)\n"
                .to_string(),
        };
        let touched = match (&self.first_touch, self.first_at) {
            (Some(t), Some(at)) => format!(
                "  first touched: {}, by rule {} ({}), assuming no new pushes\n",
                when(now, at),
                t.rule_priority,
                verb(t.action)
            ),
            _ => "  first touched: never, as long as nothing new is pushed\n".into(),
        };
        format!("{status}{touched}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::images::MICROS_PER_DAY;
    use crate::lifecycle::policy;
    use crate::lifecycle::preview::evaluate;

    const NOW: Micros = 1_800_000_000 * 1_000_000;
    const DAY: Micros = MICROS_PER_DAY;

    fn preview(protect: &[&str]) -> (Preview, Protection) {
        let policy = policy::parse(
            r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}}]}"#,
        )
        .unwrap();
        let image = |c: char, tag: &str, days: i64| {
            Image::new(
                format!("sha256:{}", c.to_string().repeat(64)),
                vec![tag.into()],
                NOW - days * DAY,
            )
        };
        let images = vec![
            image('a', "a1", 1),
            image('c', "a2", 10),
            image('b', "b1", 100),
        ];
        let protection = Protection {
            tag_globs: protect.iter().map(|p| p.to_string()).collect(),
            in_use: vec![],
        };
        let preview = evaluate(Some("team/api".into()), policy, images, NOW, &protection);
        (preview, protection)
    }

    const DAYS: fn(u64) -> Duration = |d| Duration::from_secs(d * 86_400);

    #[test]
    fn the_horizon_decides_the_verdict() {
        let (p, protection) = preview(&["a*"]);
        let guard = check(&p, &protection, NOW, Duration::ZERO);
        let first = guard.first.clone().unwrap();
        // `a2` (10 days old) goes first: 20 days and 1 µs from now.
        assert_eq!((first.image, first.at), (1, NOW + 20 * DAY + 1));
        assert!(guard.within.is_empty());
        assert!(matches!(
            verdict(&[(&p, &guard)]),
            outcome::Outcome::Success
        ));
        let line = sentence(&guard, &p.images).unwrap();
        assert!(
            line.starts_with("first protected image is touched on ")
                && line.contains(", in 20 days, by rule 1 (expire): sha256:cccccccccccc [a2]"),
            "{line}"
        );
        // Within 21 days: one image; within 30 days: both, the first named in the message.
        let guard = check(&p, &protection, NOW, DAYS(21));
        assert_eq!(guard.within.len(), 1);
        let guard = check(&p, &protection, NOW, DAYS(30));
        assert_eq!(guard.within.len(), 2);
        let outcome::Outcome::Verdict(v) = verdict(&[(&p, &guard)]) else {
            panic!("a touch within the horizon fails");
        };
        assert!(
            v.message
                .contains("2 protected images within the 30d horizon"),
            "{}",
            v.message
        );
        assert!(v.message.contains("in 20 days"), "{}", v.message);
        assert_eq!(v.causes.len(), 2);
        assert!(v.causes[0].starts_with("team/api sha256:aaaaaaaaaaaa [a1]: tag `a1` matches --protect a*; rule 1 would expire"), "{:?}", v.causes);
        // Beyond the horizon, the sentence says so.
        let guard = check(&p, &protection, NOW, DAYS(7));
        assert!(
            sentence(&guard, &p.images)
                .unwrap()
                .contains("(beyond the 7d horizon)")
        );
    }

    #[test]
    fn nothing_protected_says_nothing_and_today_keeps_its_verdict() {
        let (p, protection) = preview(&[]);
        let guard = check(&p, &protection, NOW, DAYS(90));
        assert_eq!(sentence(&guard, &p.images), None);
        assert!(report(&guard, &p.images).first_touch.is_none());
        let (p, protection) = preview(&["zz*"]);
        let guard = check(&p, &protection, NOW, DAYS(90));
        assert_eq!(sentence(&guard, &p.images), None);
        // A today-hit keeps today's verdict.
        let (p, protection) = preview(&["b1"]);
        let guard = check(&p, &protection, NOW, Duration::ZERO);
        assert_eq!(guard.first.as_ref().unwrap().at, NOW);
        let outcome::Outcome::Verdict(v) = verdict(&[(&p, &guard)]) else {
            panic!("touched today");
        };
        assert_eq!(
            v.message,
            "the policy would expire or archive 1 protected image"
        );
    }

    #[test]
    fn explain_says_protected_and_when() {
        let (p, protection) = preview(&["a*"]);
        let e = explain(&p.policy, &p.images, 0, Some("team/api"), &protection, NOW);
        assert!(e.protected);
        let text = e.text(NOW);
        assert!(
            text.contains("protected: yes (tag `a1` matches --protect a*)"),
            "{text}"
        );
        assert!(text.contains("first touched: on "), "{text}");
        assert!(text.contains("in 29 days, by rule 1 (expire)"), "{text}");
        let e = explain(&p.policy, &p.images, 2, Some("team/api"), &protection, NOW);
        assert!(!e.protected);
        assert!(e.text(NOW).contains("first touched: now"));
    }

    #[test]
    fn when_reads_like_the_date() {
        const DAY: Micros = 86_400_000_000;
        assert_eq!(when(NOW, NOW), "now");
        assert_eq!(when(NOW, NOW + 1), "now");
        assert!(when(NOW, NOW + DAY / 2).ends_with(", within a day"));
        assert!(when(NOW, NOW + 21 * DAY + 1).ends_with(", in 21 days"));
        assert!(when(NOW, NOW + 22 * DAY - 1).ends_with(", in 21 days"));
    }
}
