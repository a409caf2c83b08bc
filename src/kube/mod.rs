//! Kubernetes, read-only: the images workloads use, from `kubectl get … -o json` output
//! saved to a file (`workloads`, pure) or from a live context through `kubectl` on PATH
//! (`kubectl`, with a deadline). Translates to `model::workload::ImageUse`.

pub mod kubectl;
pub mod workloads;
