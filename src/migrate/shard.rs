//! `--shard I/N` and `--shard auto`: which slice of the plan this process runs, read from
//! the CI system that started it, and the PutImage pace that leaves room for the others
//! (ECR's 10/s quota is per account and region, shared by every shard).

use crate::cli::ShardArg;
use crate::error::{CliError, Result};

/// ECR's PutImage quota per account and region.
pub const DEFAULT_PUT_RATE: f64 = 10.0;

/// A resolved shard: slice `index` (1-based) of `count`, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
    pub from: &'static str,
}

impl Shard {
    /// Whether the item at `position` (0-based, in plan order) belongs to this shard.
    pub fn owns(&self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

/// Resolves `--shard`; `env` looks a variable up (empty counts as unset).
pub fn resolve(
    arg: Option<ShardArg>,
    count: Option<u32>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Shard>> {
    match arg {
        None => return Ok(None),
        Some(ShardArg::Slice(index, count)) => {
            return Ok(Some(Shard {
                index,
                count,
                from: "--shard",
            }));
        }
        Some(ShardArg::Auto) => {}
    }
    let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let given = count.map(|c| c as usize);
    // (variable holding the index, whether it is 0-based, the count)
    let mut found: Vec<(&'static str, String, bool, Option<usize>, &'static str)> = Vec::new();
    if let Some(index) = get("JOB_COMPLETION_INDEX") {
        found.push(("JOB_COMPLETION_INDEX", index, true, given, "--shard-count"));
    }
    if let Some(index) = get("CI_NODE_INDEX") {
        let total = get("CI_NODE_TOTAL");
        let total = match total {
            Some(t) => Some(t.trim().parse::<usize>().map_err(|_| {
                CliError::usage(format!("CI_NODE_TOTAL=`{t}` is not a number of jobs"))
            })?),
            None => given,
        };
        if let (Some(total), Some(given)) = (total, given)
            && total != given
        {
            return Err(CliError::usage(format!(
                "CI_NODE_TOTAL={total} and --shard-count {given} disagree"
            ))
            .with_hint("drop --shard-count (GitLab sets CI_NODE_TOTAL from `parallel:`)"));
        }
        found.push(("CI_NODE_INDEX", index, false, total, "CI_NODE_TOTAL"));
    }
    if let Some(index) = get("ECRCTL_SHARD_INDEX") {
        found.push(("ECRCTL_SHARD_INDEX", index, false, given, "--shard-count"));
    }
    let hint = "set JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or ECRCTL_SHARD_INDEX (1-based) with --shard-count N, or run under GitLab `parallel:`; or give --shard I/N";
    let (name, index, zero_based, total, count_from) = match found.len() {
        0 => {
            return Err(
                CliError::usage("--shard auto found no shard index in the environment")
                    .with_hint(hint),
            );
        }
        1 => found.remove(0),
        _ => {
            let names: Vec<&str> = found.iter().map(|f| f.0).collect();
            return Err(CliError::usage(format!(
                "--shard auto found several shard indexes ({}): which one applies is ambiguous",
                names.join(", ")
            ))
            .with_hint("give --shard I/N explicitly"));
        }
    };
    let Some(count) = total else {
        return Err(CliError::usage(format!(
            "--shard auto read {name} but not how many shards there are"
        ))
        .with_hint(format!(
            "pass {count_from} N (or ECRCTL_SHARD_COUNT), the Job's `completions` / the matrix size"
        )));
    };
    let parsed: usize = index
        .trim()
        .parse()
        .map_err(|_| CliError::usage(format!("{name}=`{index}` is not a shard index")))?;
    let one_based = if zero_based { parsed + 1 } else { parsed };
    if count == 0 || one_based == 0 || one_based > count {
        let range = if zero_based {
            format!("0..{}", count.saturating_sub(1))
        } else {
            format!("1..{count}")
        };
        return Err(CliError::usage(format!(
            "{name}={index} is outside the {count} shards ({range})"
        ))
        .with_hint("the shard count must match the number of jobs"));
    }
    Ok(Some(Shard {
        index: one_based,
        count,
        from: name,
    }))
}

/// PutImage calls per second for this process: the given rate, or ECR's quota split
/// evenly across the shards (`None` = unlimited).
pub fn put_rate(given: Option<u32>, shard: Option<&Shard>) -> Option<f64> {
    match given {
        Some(0) => None,
        Some(rate) => Some(f64::from(rate)),
        None => Some(DEFAULT_PUT_RATE / shard.map_or(1, |s| s.count) as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn auto(count: Option<u32>, vars: &[(&str, &str)]) -> Result<Option<Shard>> {
        resolve(Some(ShardArg::Auto), count, &env(vars))
    }

    #[test]
    fn reads_kubernetes_gitlab_and_generic_indexes() {
        let k8s = auto(Some(4), &[("JOB_COMPLETION_INDEX", "0")])
            .unwrap()
            .unwrap();
        assert_eq!(
            (k8s.index, k8s.count, k8s.from),
            (1, 4, "JOB_COMPLETION_INDEX")
        );
        let last = auto(Some(4), &[("JOB_COMPLETION_INDEX", "3")])
            .unwrap()
            .unwrap();
        assert_eq!(last.index, 4);
        let gitlab = auto(None, &[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "5")])
            .unwrap()
            .unwrap();
        assert_eq!((gitlab.index, gitlab.count), (2, 5));
        let gh = auto(Some(3), &[("ECRCTL_SHARD_INDEX", "3")])
            .unwrap()
            .unwrap();
        assert_eq!((gh.index, gh.count), (3, 3));
        let fixed = resolve(Some(ShardArg::Slice(2, 4)), None, &env(&[]))
            .unwrap()
            .unwrap();
        assert_eq!((fixed.index, fixed.count), (2, 4));
        assert_eq!(resolve(None, Some(3), &env(&[])).unwrap(), None);
    }

    #[test]
    fn refuses_what_it_cannot_trust() {
        let message = |r: Result<Option<Shard>>| r.unwrap_err().message().to_string();
        assert!(message(auto(Some(4), &[])).contains("no shard index"));
        assert!(message(auto(None, &[("JOB_COMPLETION_INDEX", "1")])).contains("how many"));
        assert!(message(auto(Some(4), &[("JOB_COMPLETION_INDEX", "4")])).contains("outside"));
        assert!(message(auto(Some(4), &[("ECRCTL_SHARD_INDEX", "0")])).contains("outside"));
        assert!(message(auto(Some(4), &[("JOB_COMPLETION_INDEX", "x")])).contains("not a"));
        assert!(
            message(auto(
                Some(4),
                &[("JOB_COMPLETION_INDEX", "1"), ("CI_NODE_INDEX", "1")]
            ))
            .contains("ambiguous")
        );
        assert!(
            message(auto(
                Some(3),
                &[("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "4")]
            ))
            .contains("disagree")
        );
        assert!(
            message(auto(
                None,
                &[("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "many")]
            ))
            .contains("CI_NODE_TOTAL")
        );
    }

    #[test]
    fn slices_are_disjoint_and_cover_the_plan() {
        let shards: Vec<Shard> = (1..=4)
            .map(|index| Shard {
                index,
                count: 4,
                from: "--shard",
            })
            .collect();
        for position in 0..103 {
            assert_eq!(shards.iter().filter(|s| s.owns(position)).count(), 1);
        }
    }

    #[test]
    fn the_put_rate_is_split_across_shards_by_default() {
        let four = Shard {
            index: 1,
            count: 4,
            from: "--shard",
        };
        assert_eq!(put_rate(None, None), Some(10.0));
        assert_eq!(put_rate(None, Some(&four)), Some(2.5));
        assert_eq!(put_rate(Some(7), Some(&four)), Some(7.0));
        assert_eq!(put_rate(Some(0), Some(&four)), None);
    }
}
