//! ECS, read-only: the images that run or would run again — the task definitions of
//! every active service (each live deployment's too, so a rolling update's old and new
//! revisions count) in every cluster, and of every running task, with the digest a
//! running container reports (`imageDigest`) when ECS knows it. All pages of every list.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::{AwsContext, sdk_error};
use crate::error::Result;
use crate::model::workload::ImageUse;

/// Task definitions described at once.
const JOBS: usize = 8;

fn client(ctx: &AwsContext) -> aws_sdk_ecs::Client {
    let config = aws_sdk_ecs::config::Builder::from(&ctx.sdk)
        .region(aws_config::Region::new(ctx.region.clone()))
        .build();
    aws_sdk_ecs::Client::from_conf(config)
}

/// The last `/` segment of an ARN (`…:cluster/prod` → `prod`, `…:task/prod/abc` → `abc`).
fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// `family:revision` of a task definition ARN.
fn family_revision(arn: &str) -> &str {
    last_segment(arn)
}

/// Every image reference ECS services and running tasks use, with who uses it.
pub async fn images_in_use(ctx: &AwsContext) -> Result<Vec<ImageUse>> {
    let ecs = client(ctx);
    // Task definition ARN → who uses it.
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // The digests running containers report; listed after the task definitions.
    let mut running = Vec::new();
    let mut clusters = ecs.list_clusters().into_paginator().send();
    let mut cluster_arns = Vec::new();
    while let Some(page) = clusters.next().await {
        let page = page.map_err(|e| sdk_error("could not list the ECS clusters", e))?;
        cluster_arns.extend(page.cluster_arns().iter().cloned());
    }
    for cluster in &cluster_arns {
        let name = last_segment(cluster);
        services(&ecs, cluster, name, &mut users).await?;
        tasks(&ecs, cluster, name, &mut users, &mut running).await?;
    }
    let definitions: Vec<(String, Vec<String>)> = stream::iter(users.keys().cloned())
        .map(|arn| {
            let ecs = &ecs;
            async move {
                let out = ecs
                    .describe_task_definition()
                    .task_definition(&arn)
                    .send()
                    .await
                    .map_err(|e| {
                        sdk_error(
                            format!(
                                "could not read ECS task definition `{}`",
                                family_revision(&arn)
                            ),
                            e,
                        )
                    })?;
                let images = out
                    .task_definition()
                    .map(|d| {
                        d.container_definitions()
                            .iter()
                            .filter_map(|c| c.image().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                Ok::<_, crate::error::CliError>((arn, images))
            }
        })
        .buffer_unordered(JOBS)
        .try_collect()
        .await?;
    let mut uses = Vec::new();
    for (arn, images) in definitions {
        for user in &users[&arn] {
            for image in &images {
                uses.push(ImageUse::new(
                    image.clone(),
                    format!("{user} ({})", family_revision(&arn)),
                ));
            }
        }
    }
    uses.extend(running);
    Ok(uses)
}

/// Active (and draining) services: their task definition and each live deployment's.
async fn services(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    name: &str,
    users: &mut BTreeMap<String, Vec<String>>,
) -> Result<()> {
    let mut pages = ecs
        .list_services()
        .cluster(cluster)
        .max_results(100)
        .into_paginator()
        .send();
    let mut arns = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            sdk_error(
                format!("could not list the services of ECS cluster `{name}`"),
                e,
            )
        })?;
        arns.extend(page.service_arns().iter().cloned());
    }
    for chunk in arns.chunks(10) {
        let out = ecs
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    format!("could not describe the services of ECS cluster `{name}`"),
                    e,
                )
            })?;
        // One deleted between the two calls is reported as MISSING: nothing runs.
        no_failures(out.failures(), "services", name)?;
        for service in out.services() {
            if service.status() == Some("INACTIVE") {
                continue;
            }
            let user = format!(
                "ECS service {name}/{}",
                service.service_name().unwrap_or("?")
            );
            let definitions = service.task_definition().into_iter().chain(
                service
                    .deployments()
                    .iter()
                    .filter(|d| d.status() != Some("INACTIVE"))
                    .filter_map(|d| d.task_definition()),
            );
            for arn in definitions {
                let list = users.entry(arn.to_string()).or_default();
                if !list.contains(&user) {
                    list.push(user.clone());
                }
            }
        }
    }
    Ok(())
}

/// Running tasks: their task definition, and the digest each container runs.
async fn tasks(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    name: &str,
    users: &mut BTreeMap<String, Vec<String>>,
    uses: &mut Vec<ImageUse>,
) -> Result<()> {
    let mut pages = ecs
        .list_tasks()
        .cluster(cluster)
        .max_results(100)
        .into_paginator()
        .send();
    let mut arns = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            sdk_error(
                format!("could not list the tasks of ECS cluster `{name}`"),
                e,
            )
        })?;
        arns.extend(page.task_arns().iter().cloned());
    }
    for chunk in arns.chunks(100) {
        let out = ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    format!("could not describe the tasks of ECS cluster `{name}`"),
                    e,
                )
            })?;
        // One stopped between the two calls is reported as MISSING: nothing runs.
        no_failures(out.failures(), "tasks", name)?;
        for task in out.tasks() {
            let user = format!(
                "ECS task {name}/{}",
                last_segment(task.task_arn().unwrap_or("?"))
            );
            if let Some(arn) = task.task_definition_arn() {
                let list = users.entry(arn.to_string()).or_default();
                if !list.contains(&user) {
                    list.push(user.clone());
                }
            }
            for container in task.containers() {
                if let (Some(image), Some(digest)) = (container.image(), container.image_digest()) {
                    let name = image.split('@').next().unwrap_or(image);
                    uses.push(ImageUse::new(
                        format!("{name}@{digest}"),
                        format!("{user} (running)"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// What pull-check needs of a task definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDefinitionRoles {
    /// `family:revision` as ECS resolved it.
    pub family_revision: String,
    /// The task execution role: the ECS agent (and Fargate) pull private images with it.
    pub execution_role: Option<String>,
    /// `EC2`, `FARGATE`, `EXTERNAL`… from `requiresCompatibilities`.
    pub compatibilities: Vec<String>,
    /// `runtimePlatform.cpuArchitecture` (`X86_64` / `ARM64`) when set.
    pub cpu_architecture: Option<String>,
}

/// DescribeTaskDefinition for `FAMILY[:REVISION]` (the latest ACTIVE revision without one).
pub async fn task_definition_roles(
    ctx: &AwsContext,
    task_definition: &str,
) -> Result<TaskDefinitionRoles> {
    let out = client(ctx)
        .describe_task_definition()
        .task_definition(task_definition)
        .send()
        .await;
    let out = match out {
        Ok(out) => out,
        Err(e) if super::error_code(&e) == Some("ClientException") => {
            return Err(crate::error::CliError::usage(format!(
                "ECS task definition `{task_definition}` was not found in {}",
                ctx.region
            ))
            .with_cause(sdk_error("DescribeTaskDefinition", e).to_string())
            .with_hint("pass FAMILY or FAMILY:REVISION (aws ecs list-task-definitions); --region-of-consumer for another region"));
        }
        Err(e) => {
            return Err(sdk_error(
                format!("could not read ECS task definition `{task_definition}`"),
                e,
            ));
        }
    };
    let d = out.task_definition().ok_or_else(|| {
        crate::error::CliError::remote(format!(
            "ECS described no task definition `{task_definition}`"
        ))
    })?;
    let family_revision = match (d.family(), d.revision()) {
        (Some(f), r) if r > 0 => format!("{f}:{r}"),
        _ => task_definition.to_string(),
    };
    Ok(TaskDefinitionRoles {
        family_revision,
        execution_role: d.execution_role_arn().map(String::from),
        compatibilities: d
            .requires_compatibilities()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        cpu_architecture: d
            .runtime_platform()
            .and_then(|p| p.cpu_architecture())
            .map(|a| a.as_str().to_string()),
    })
}

/// A DescribeServices / DescribeTasks answer's failures, except MISSING, fail the read: an
/// unknown answer must not read as "nothing runs there".
fn no_failures(failures: &[aws_sdk_ecs::types::Failure], what: &str, name: &str) -> Result<()> {
    match failures.iter().find(|f| f.reason() != Some("MISSING")) {
        None => Ok(()),
        Some(failure) => Err(crate::error::CliError::remote(format!(
            "could not describe the {what} of ECS cluster `{name}`"
        ))
        .with_cause(format!(
            "{}: {}",
            failure.arn().unwrap_or("?"),
            failure.reason().unwrap_or("no reason given")
        ))),
    }
}
