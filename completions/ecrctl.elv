
use builtin;
use str;

set edit:completion:arg-completer[ecrctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ecrctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ecrctl'= {
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand login 'Log a container client in to ECR with a cached, auto-refreshed token'
            cand repo 'Create repositories, or converge existing ones to the settings given; list them'
            cand lifecycle 'Preview exactly what a lifecycle policy expires, check it, apply it safely'
            cand scan 'Wait for ECR scan results and pass or fail a build on them (CI gate)'
            cand push-check 'Diagnose why a push to ECR would fail, before pushing'
            cand pull-check 'Diagnose why a pod, task or function cannot pull an image from ECR'
            cand migrate 'Copy and re-tag images between registries, digests preserved, resumably'
            cand completions 'Print shell completions to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ecrctl;login'= {
            cand --client 'Container client to log in (default: docker, else the first one found on PATH)'
            cand --min-validity 'Reuse a cached token only while it has at least this long left'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand --print-password 'Print only the password, for tools that read it on stdin (like `aws ecr get-login-password`); logs no client in'
            cand --force 'Always get a new token from AWS, ignoring the cache'
            cand --install-helper 'Make docker ask ecrctl for ECR credentials (credHelpers in config.json), so it never holds an expired token'
            cand --no-creds-store 'Log docker in through a separate DOCKER_CONFIG that stores credentials in `auths`, bypassing a broken credsStore such as Docker Desktop''s'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Show every known ECR login and how long it has left; exit 1 if any is expired or expires within --warn-within'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ecrctl;login;status'= {
            cand --warn-within 'Count a login as expiring (exit 1) when it has less than this left'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;login;help'= {
            cand status 'Show every known ECR login and how long it has left; exit 1 if any is expired or expires within --warn-within'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ecrctl;login;help;status'= {
        }
        &'ecrctl;login;help;help'= {
        }
        &'ecrctl;repo'= {
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create repositories, or bring existing ones to the settings given (idempotent)'
            cand list 'List repositories with their settings'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ecrctl;repo;create'= {
            cand -f 'JSON or TOML file listing repositories with per-repository settings and defaults'
            cand --from-file 'JSON or TOML file listing repositories with per-repository settings and defaults'
            cand --scan-on-push 'Scan images on push (`--scan-on-push=false` turns it off)'
            cand --tag-mutability 'Whether tags can be overwritten'
            cand --immutable-exclude 'Tag pattern exempt from the mutability setting, `*` as wildcard (repeatable)'
            cand --encryption 'Encryption at rest; fixed once the repository exists'
            cand --kms-key 'KMS key ARN, ID or alias for --encryption KMS (default: the AWS managed key)'
            cand --lifecycle-policy 'Lifecycle policy document (JSON) to put on the repository'
            cand --repository-policy 'Repository policy document (JSON) to set on the repository'
            cand --tag 'Resource tag KEY=VALUE (repeatable)'
            cand -j 'How many repositories to create or update at once'
            cand --jobs 'How many repositories to create or update at once'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand --immutable 'Shorthand for --tag-mutability IMMUTABLE (IMMUTABLE_WITH_EXCLUSION with --immutable-exclude)'
            cand --dry-run 'Show what would be created or changed, and change nothing'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;repo;list'= {
            cand --prefix 'Only repositories whose name starts with this prefix'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;repo;help'= {
            cand create 'Create repositories, or bring existing ones to the settings given (idempotent)'
            cand list 'List repositories with their settings'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ecrctl;repo;help;create'= {
        }
        &'ecrctl;repo;help;list'= {
        }
        &'ecrctl;repo;help;help'= {
        }
        &'ecrctl;lifecycle'= {
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand preview 'Show which images a policy would expire or archive, and why every other one stays'
            cand lint 'Check a policy against every ECR constraint (exit 2 when invalid)'
            cand apply 'Put a policy on a repository: preview, diff, then apply when confirmed'
            cand snapshot 'Save what a lifecycle policy sees (every image, archived too, and index children) as describe-images JSON'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ecrctl;lifecycle;preview'= {
            cand --repository 'Preview this repository (images from DescribeImages)'
            cand --images 'Offline: images from `ecrctl lifecycle snapshot` or `aws ecr describe-images --filter imageStatus=ANY --output json` saved to FILE'
            cand --repository-prefix 'With --all-repositories: only repositories whose name starts with PREFIX'
            cand --policy 'Policy document (JSON; `-` reads standard input); default: the repository''s own policy'
            cand --now 'Evaluate as of this instant: RFC 3339, or relative to now (+30d, -7d, +12h)'
            cand --horizon 'Fail (exit 1) if a protected image is touched within DURATION from now, assuming no new pushes (e.g. 90d; 0 = now only; at most 365d)'
            cand --protect 'Tag pattern (`*` wildcard) whose images must survive, e.g. ''prod-*'' (repeatable)'
            cand --protect-digests 'File of digests or image references in use (one per line): exit 1 if any would go'
            cand --protect-in-use 'Protect images running workloads use: ecs, lambda, k8s (current kubectl context), k8s:CONTEXT, k8s=FILE (`kubectl get … -o json`); comma list or repeated'
            cand --explain 'Show the decision path for one image (digest, digest prefix, or tag)'
            cand --price-per-gb-month 'Storage price used for the savings estimate (USD per GB-month, 0 to 1000)'
            cand --timeout 'How long to wait for ECR''s own preview (--remote)'
            cand -j 'Repositories previewed at once (--all-repositories)'
            cand --jobs 'Repositories previewed at once (--all-repositories)'
            cand --limit 'Image rows in the table (0: all); default 20 on a terminal, all otherwise. `-o json` lists all'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand --all-repositories 'Preview every repository that has a lifecycle policy (or all, with --policy)'
            cand --remote 'Also run ECR''s own preview and show any difference from the local result (one live repository: not with --images or --all-repositories)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;lifecycle;lint'= {
            cand --policy 'Policy document (JSON) to check'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;lifecycle;apply'= {
            cand --repository 'Repository to put the policy on'
            cand --repository-prefix 'Every repository whose name starts with PREFIX (in each --region)'
            cand --repositories-from 'The repositories named in FILE, one per line (`#` starts a comment)'
            cand --policy 'Policy document (JSON); `-` reads it from standard input'
            cand --protect 'Tag pattern (`*` wildcard) whose images must survive, e.g. ''prod-*'' (repeatable)'
            cand --protect-digests 'File of digests or image references in use (one per line): exit 1 if any would go'
            cand --protect-in-use 'Protect images running workloads use: ecs, lambda, k8s (current kubectl context), k8s:CONTEXT, k8s=FILE (`kubectl get … -o json`); comma list or repeated'
            cand --horizon 'Refuse if a protected image is touched within DURATION from now, assuming no new pushes (0 = now only; at most 365d)'
            cand --price-per-gb-month 'Storage price used for the savings estimate (USD per GB-month, 0 to 1000)'
            cand -j 'Repositories read (and changed) at once'
            cand --jobs 'Repositories read (and changed) at once'
            cand --limit 'Image rows in the table (0: all); default 20 on a terminal, all otherwise. `-o json` lists all'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand --all-repositories 'Every repository of the registry (in each --region)'
            cand --force 'Apply even when protected images would be expired'
            cand -y 'Do not ask for confirmation (required when not on a terminal)'
            cand --yes 'Do not ask for confirmation (required when not on a terminal)'
            cand --dry-run 'Show the preview and the diff, change nothing'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;lifecycle;snapshot'= {
            cand --repository 'Snapshot this repository'
            cand --repository-prefix 'With --all-repositories: only repositories whose name starts with PREFIX'
            cand -j 'Repositories read at once (--all-repositories)'
            cand --jobs 'Repositories read at once (--all-repositories)'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand --all-repositories 'Snapshot every repository (one document; each image names its repository)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;lifecycle;help'= {
            cand preview 'Show which images a policy would expire or archive, and why every other one stays'
            cand lint 'Check a policy against every ECR constraint (exit 2 when invalid)'
            cand apply 'Put a policy on a repository: preview, diff, then apply when confirmed'
            cand snapshot 'Save what a lifecycle policy sees (every image, archived too, and index children) as describe-images JSON'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ecrctl;lifecycle;help;preview'= {
        }
        &'ecrctl;lifecycle;help;lint'= {
        }
        &'ecrctl;lifecycle;help;apply'= {
        }
        &'ecrctl;lifecycle;help;snapshot'= {
        }
        &'ecrctl;lifecycle;help;help'= {
        }
        &'ecrctl;scan'= {
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand gate 'Wait for each image''s scan, apply the policy, and exit 0 (pass) or 1 (fail)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ecrctl;scan;gate'= {
            cand --findings 'Offline: the JSON of `aws ecr describe-image-scan-findings --output json` (repeatable; `-` reads standard input)'
            cand --fail-on 'Fail when any finding at or above this severity remains [default: critical] (any case: `CRITICAL` too)'
            cand --max-critical 'Fail when more than N critical findings remain'
            cand --max-high 'Fail when more than N high findings remain'
            cand --max-medium 'Fail when more than N medium findings remain'
            cand --max-low 'Fail when more than N low findings remain'
            cand --max-informational 'Fail when more than N informational findings remain'
            cand --unknown-severity-as 'Where findings of a severity the gate does not know (UNDEFINED, UNTRIAGED, new ones) count [default: critical, with a warning]'
            cand --ignore-file 'Reviewed exceptions: TOML `[[ignore]]` entries (id, package, until, reason), a `.trivyignore` or a `.trivyignore.yaml` (dates are UTC)'
            cand --timeout 'How long the whole gate waits for all scans together, not each image (then exit 4)'
            cand --sarif 'Also write a SARIF 2.1.0 report (GitHub code scanning): one run per repository, alerts keyed by repository, not tag or digest'
            cand --junit 'Also write a JUnit XML report (one test case per image)'
            cand --gitlab-report 'Also write a GitLab container-scanning report (gl-container-scanning-report.json)'
            cand --annotation-file 'Under GitHub Actions, attach the annotations to this file (e.g. Dockerfile)'
            cand -j 'Images gated at once'
            cand --jobs 'Images gated at once'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand --ignore-unfixed 'Skip findings with no fix available for their package (enhanced scanning only)'
            cand --only-exploitable 'Skip findings with no known exploit (enhanced scanning only)'
            cand --start 'Start a basic scan when the image has none'
            cand --rescan-failed 'With --start: start a new scan of an image whose scan FAILED, and wait for it'
            cand --sarif-include-ignored 'Keep ignored findings in the SARIF report, as suppressed notes (GitHub code scanning shows them as open alerts; by default they are left out)'
            cand --junit-per-finding 'In the JUnit report, one test case per finding (named repository + id) instead of one per image'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;scan;help'= {
            cand gate 'Wait for each image''s scan, apply the policy, and exit 0 (pass) or 1 (fail)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ecrctl;scan;help;gate'= {
        }
        &'ecrctl;scan;help;help'= {
        }
        &'ecrctl;push-check'= {
            cand --layer-sizes 'Layer sizes to check against ECR''s 52,000 MiB limit: a JSON list of byte counts, a JSON image manifest, or an OCI image layout folder'
            cand --local-image 'Read layer sizes from this image in the local docker daemon (`docker save`)'
            cand --repo-settings 'With --fix: settings for a repository it creates (the `repo create --from-file` format)'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand --fix 'Apply the safe fixes: create the repository, log docker in'
            cand -y 'With --fix: do not ask (required when not on a terminal)'
            cand --yes 'With --fix: do not ask (required when not on a terminal)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;pull-check'= {
            cand --principal 'Who pulls: an IAM role or user ARN (an assumed-role session ARN means its role)'
            cand --eks-nodegroup 'Who pulls: the node role of this EKS managed node group'
            cand --ecs-task-definition 'Who pulls: the execution role of this ECS task definition'
            cand --lambda-function 'Who pulls: this Lambda function''s role (and the Lambda service across accounts)'
            cand --platform 'The platform the consumer runs, e.g. linux/arm64 (default: what the node group, task definition or function says, when it says)'
            cand --region-of-consumer 'The region the consumer runs in (default: the configured region for a node group, task definition or function; that is also where they are looked up)'
            cand --vpc 'Check that the VPC''s subnets reach ECR: interface endpoints ecr.api / ecr.dkr with private DNS, the S3 gateway endpoint on their route tables, or a NAT/internet route (read in the consumer''s region)'
            cand --subnet 'With --vpc: only this subnet, where the workload runs (repeatable; default: every subnet of the VPC)'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand --fix 'Apply the safe fixes: attach AmazonEC2ContainerRegistryPullOnly to the role, add a repository-policy statement for the consumer account'
            cand --dry-run 'With --fix: print the exact policy JSON and change nothing'
            cand -y 'With --fix: do not ask (required when not on a terminal)'
            cand --yes 'With --fix: do not ask (required when not on a terminal)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;migrate'= {
            cand --plan 'The plan: `SOURCE DESTINATION` per line (`-` reads stdin), TOML/JSON, or a `skopeo sync` YAML file (FILE.yaml, with --to)'
            cand --from 'Generate the plan: every repository under REGISTRY/PREFIX (listed with the registry API, or DescribeRepositories/DescribeImages for ECR)'
            cand --to 'With --from or a skopeo sync plan (FILE.yaml): the destination prefix (ending in `/`), e.g. `mirror/`'
            cand --include 'With --from: only repositories matching this glob (repeatable)'
            cand --exclude 'With --from: skip repositories matching this glob (repeatable)'
            cand --tags 'With --from: copy the tags matching this glob, e.g. ''v*'''
            cand --tags-regex 'With --from: copy the tags this regular expression matches (unanchored, as skopeo sync), e.g. ''^v1\.[0-9]+$'''
            cand --tags-semver 'With --from: copy the tags that are versions in this range, e.g. ''>= 1.2, < 2'''
            cand --rename 'With --from: rename repository paths, `s/FROM/TO/` (FROM literal; `^` anchors a prefix, `$` a suffix), e.g. ''s/^legacy-//'''
            cand -j 'Images copied at once'
            cand --jobs 'Images copied at once'
            cand --jobs-per-host 'Images copied at once from or to any single registry'
            cand --retries 'Further attempts of an image that failed for a reason that may pass (a registry that kept answering 503, a broken transfer), after each request''s own retries'
            cand --journal 'Journal of finished items and their source digests, for resuming and re-syncing; one run at a time (locked). Default: per plan and shard, in the state folder'
            cand --plain-http 'Registry reached over plain HTTP (repeatable), e.g. localhost:5000; never an ECR registry (its token would travel in clear)'
            cand --repo-settings 'Settings for ECR repositories created on the way (same format as `repo create --from-file`)'
            cand --max-put-rate 'Manifest PUTs per second per ECR registry [default: 10, ECR''s PutImage quota per account and region; 10/N with --shard I/N, as the shards share it] (0 = unlimited)'
            cand --shard 'Run only slice I of N of the plan (1-based), e.g. 2/4; `auto` reads it from Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX + --shard-count), GitLab parallel jobs (CI_NODE_INDEX, CI_NODE_TOTAL) or ECRCTL_SHARD_INDEX + --shard-count (GitHub matrix)'
            cand --shard-count 'With --shard auto: how many shards there are (Kubernetes `completions`, matrix size)'
            cand --report 'Also write the JSON report to FILE'
            cand --platform 'Copy only this platform of a multi-platform source, os/arch[/variant] (repeatable): one platform copies its own manifest, several a new index listing only them'
            cand --src-authfile 'Credentials for source registries: a podman/skopeo auth.json (instead of docker''s config.json)'
            cand --dest-authfile 'Credentials for destination registries other than ECR: a podman/skopeo auth.json'
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand --all-tags 'With --from: copy every tag'
            cand --overwrite 'Replace destination tags that point at another digest (never an immutable tag, exclusion filters checked tag by tag)'
            cand --dry-run 'Show what would be copied, skipped or refused, and the blobs to move; change nothing (exit 1 when an item would fail)'
            cand --no-journal 'Keep no journal: every item is checked against the destination afresh'
            cand --fresh 'Start the journal over (forget earlier runs of this plan)'
            cand --verify 'Read every destination manifest back and compare digests'
            cand --referrers 'Also copy each image''s OCI referrers (signatures, attestations, SBOMs): the referrers API and the `sha256-<hex>` / cosign `.sig`/`.att`/`.sbom` tags'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;completions'= {
            cand --profile 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)'
            cand --region 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)'
            cand --registry-id 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)'
            cand --endpoint-url 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply'
            cand --registry-endpoint 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com'
            cand --ca-cert 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt'
            cand -o 'Output format: a table for people, JSON for scripts'
            cand --output 'Output format: a table for people, JSON for scripts'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --verbose 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
            cand --no-color 'Never colour output (also NO_COLOR)'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ecrctl;help'= {
            cand login 'Log a container client in to ECR with a cached, auto-refreshed token'
            cand repo 'Create repositories, or converge existing ones to the settings given; list them'
            cand lifecycle 'Preview exactly what a lifecycle policy expires, check it, apply it safely'
            cand scan 'Wait for ECR scan results and pass or fail a build on them (CI gate)'
            cand push-check 'Diagnose why a push to ECR would fail, before pushing'
            cand pull-check 'Diagnose why a pod, task or function cannot pull an image from ECR'
            cand migrate 'Copy and re-tag images between registries, digests preserved, resumably'
            cand completions 'Print shell completions to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ecrctl;help;login'= {
            cand status 'Show every known ECR login and how long it has left; exit 1 if any is expired or expires within --warn-within'
        }
        &'ecrctl;help;login;status'= {
        }
        &'ecrctl;help;repo'= {
            cand create 'Create repositories, or bring existing ones to the settings given (idempotent)'
            cand list 'List repositories with their settings'
        }
        &'ecrctl;help;repo;create'= {
        }
        &'ecrctl;help;repo;list'= {
        }
        &'ecrctl;help;lifecycle'= {
            cand preview 'Show which images a policy would expire or archive, and why every other one stays'
            cand lint 'Check a policy against every ECR constraint (exit 2 when invalid)'
            cand apply 'Put a policy on a repository: preview, diff, then apply when confirmed'
            cand snapshot 'Save what a lifecycle policy sees (every image, archived too, and index children) as describe-images JSON'
        }
        &'ecrctl;help;lifecycle;preview'= {
        }
        &'ecrctl;help;lifecycle;lint'= {
        }
        &'ecrctl;help;lifecycle;apply'= {
        }
        &'ecrctl;help;lifecycle;snapshot'= {
        }
        &'ecrctl;help;scan'= {
            cand gate 'Wait for each image''s scan, apply the policy, and exit 0 (pass) or 1 (fail)'
        }
        &'ecrctl;help;scan;gate'= {
        }
        &'ecrctl;help;push-check'= {
        }
        &'ecrctl;help;pull-check'= {
        }
        &'ecrctl;help;migrate'= {
        }
        &'ecrctl;help;completions'= {
        }
        &'ecrctl;help;help'= {
        }
    ]
    $completions[$command]
}
