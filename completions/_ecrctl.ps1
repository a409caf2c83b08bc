
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ecrctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ecrctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ecrctl' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log a container client in to ECR with a cached, auto-refreshed token')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove ecrctl''s cached ECR tokens and the client''s stored credentials for registries')
            [CompletionResult]::new('repo', 'repo', [CompletionResultType]::ParameterValue, 'Create repositories, or converge existing ones to the settings given; list them')
            [CompletionResult]::new('lifecycle', 'lifecycle', [CompletionResultType]::ParameterValue, 'Preview exactly what a lifecycle policy expires, check it, apply it safely')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Wait for ECR scan results and pass or fail a build on them (CI gate)')
            [CompletionResult]::new('push-check', 'push-check', [CompletionResultType]::ParameterValue, 'Diagnose why a push to ECR would fail, before pushing')
            [CompletionResult]::new('pull-check', 'pull-check', [CompletionResultType]::ParameterValue, 'Diagnose why a pod, task or function cannot pull an image from ECR')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy and re-tag images between registries, digests preserved, resumably')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecrctl;login' {
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Container client to log in (default: docker, else the first one found on PATH)')
            [CompletionResult]::new('--min-validity', '--min-validity', [CompletionResultType]::ParameterName, 'Reuse a cached token only while it has at least this long left')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--print-password', '--print-password', [CompletionResultType]::ParameterName, 'Print only the password, for tools that read it on stdin (like `aws ecr get-login-password`); logs no client in')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Always get a new token from AWS, ignoring the cache')
            [CompletionResult]::new('--install-helper', '--install-helper', [CompletionResultType]::ParameterName, 'Make docker ask ecrctl for ECR credentials (credHelpers in config.json), so it never holds an expired token')
            [CompletionResult]::new('--no-creds-store', '--no-creds-store', [CompletionResultType]::ParameterName, 'Log docker in through a separate DOCKER_CONFIG that stores credentials in `auths`, bypassing a broken credsStore such as Docker Desktop''s')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every known ECR login and how long it has left; exit 1 if any is expired or expires within --warn-within')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecrctl;login;status' {
            [CompletionResult]::new('--warn-within', '--warn-within', [CompletionResultType]::ParameterName, 'Count a login as expiring (exit 1) when it has less than this left')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;login;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every known ECR login and how long it has left; exit 1 if any is expired or expires within --warn-within')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecrctl;login;help;status' {
            break
        }
        'ecrctl;login;help;help' {
            break
        }
        'ecrctl;logout' {
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Whose stored credentials to remove besides ecrctl''s cache: docker (config.json `auths` and its credential store) or podman')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every ECR registry known to ecrctl''s cache and the client''s stored credentials')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be removed; change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;repo' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create repositories, or bring existing ones to the settings given (idempotent)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List repositories with their settings')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete repositories (refuses non-empty ones without --force; asks first)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecrctl;repo;create' {
            [CompletionResult]::new('--repository-name', '--repository-name', [CompletionResultType]::ParameterName, 'A repository name, as the AWS CLI spells it (repeatable; same as NAME)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'JSON or TOML file listing repositories with per-repository settings and defaults')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'JSON or TOML file listing repositories with per-repository settings and defaults')
            [CompletionResult]::new('--scan-on-push', '--scan-on-push', [CompletionResultType]::ParameterName, 'Scan images on push (`--scan-on-push=false` turns it off)')
            [CompletionResult]::new('--tag-mutability', '--tag-mutability', [CompletionResultType]::ParameterName, 'Whether tags can be overwritten (alias: --image-tag-mutability)')
            [CompletionResult]::new('--immutable-exclude', '--immutable-exclude', [CompletionResultType]::ParameterName, 'Tags are immutable except those matching PATTERN (`*` wildcard; repeatable): IMMUTABLE_WITH_EXCLUSION')
            [CompletionResult]::new('--mutable-exclude', '--mutable-exclude', [CompletionResultType]::ParameterName, 'Tags are mutable except those matching PATTERN, which are immutable (`*` wildcard; repeatable): MUTABLE_WITH_EXCLUSION')
            [CompletionResult]::new('--image-scanning-configuration', '--image-scanning-configuration', [CompletionResultType]::ParameterName, 'Scan on push as the AWS CLI writes it: `scanOnPush=true|false`')
            [CompletionResult]::new('--encryption', '--encryption', [CompletionResultType]::ParameterName, 'Encryption at rest; fixed once the repository exists')
            [CompletionResult]::new('--encryption-configuration', '--encryption-configuration', [CompletionResultType]::ParameterName, 'Encryption as the AWS CLI writes it: `encryptionType=KMS,kmsKey=KEY` (or AES256)')
            [CompletionResult]::new('--kms-key', '--kms-key', [CompletionResultType]::ParameterName, 'KMS key ARN, ID or alias for --encryption KMS (default: the AWS managed key)')
            [CompletionResult]::new('--lifecycle-policy', '--lifecycle-policy', [CompletionResultType]::ParameterName, 'Lifecycle policy document (JSON) to put on the repository')
            [CompletionResult]::new('--repository-policy', '--repository-policy', [CompletionResultType]::ParameterName, 'Repository policy document (JSON) to set on the repository')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Resource tag KEY=VALUE (repeatable)')
            [CompletionResult]::new('--tags', '--tags', [CompletionResultType]::ParameterName, 'Resource tags as the AWS CLI writes them: `Key=k,Value=v` (several, space-separated or repeated) or a JSON list `[{"Key":"k","Value":"v"}]`')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'How many repositories to create or update at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many repositories to create or update at once')
            [CompletionResult]::new('--kms-key-map', '--kms-key-map', [CompletionResultType]::ParameterName, 'Use KMS key NEW where the settings name key OLD (e.g. a key ARN of the source region when copying to another); `OLD=` means the AWS managed key. Repeatable, or a FILE of OLD=NEW lines')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--immutable', '--immutable', [CompletionResultType]::ParameterName, 'Shorthand for --tag-mutability IMMUTABLE (IMMUTABLE_WITH_EXCLUSION with --immutable-exclude)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be created or changed, and change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;repo;list' {
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Only repositories whose name starts with this prefix')
            [CompletionResult]::new('--with', '--with', [CompletionResultType]::ParameterName, 'Also fetch these per repository (comma-separated): policies (lifecycle and repository policy), tags, all, none')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;repo;delete' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'How many repositories to describe or delete at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many repositories to describe or delete at once')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also delete repositories that still hold images (the images are lost)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be deleted and lost, and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when not on a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;repo;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create repositories, or bring existing ones to the settings given (idempotent)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List repositories with their settings')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete repositories (refuses non-empty ones without --force; asks first)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecrctl;repo;help;create' {
            break
        }
        'ecrctl;repo;help;list' {
            break
        }
        'ecrctl;repo;help;delete' {
            break
        }
        'ecrctl;repo;help;help' {
            break
        }
        'ecrctl;lifecycle' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Show which images a policy would expire or archive, and why every other one stays')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check a policy against every ECR constraint (exit 2 when invalid)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Put a policy on a repository: preview, diff, then apply when confirmed')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Save what a lifecycle policy sees (every image, archived too, and index children) as describe-images JSON')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecrctl;lifecycle;preview' {
            [CompletionResult]::new('--repository', '--repository', [CompletionResultType]::ParameterName, 'Preview this repository (images from DescribeImages)')
            [CompletionResult]::new('--images', '--images', [CompletionResultType]::ParameterName, 'Offline: images from `ecrctl lifecycle snapshot` or `aws ecr describe-images --filter imageStatus=ANY --output json` saved to FILE')
            [CompletionResult]::new('--repository-prefix', '--repository-prefix', [CompletionResultType]::ParameterName, 'With --all-repositories: only repositories whose name starts with PREFIX')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Policy document (JSON; `-` reads standard input); default: the repository''s own policy')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Evaluate as of this instant: RFC 3339, or relative to now (+30d, -7d, +12h)')
            [CompletionResult]::new('--horizon', '--horizon', [CompletionResultType]::ParameterName, 'Fail (exit 1) if a protected image is touched within DURATION from now, assuming no new pushes (e.g. 90d; 0 = now only; at most 365d)')
            [CompletionResult]::new('--protect', '--protect', [CompletionResultType]::ParameterName, 'Tag pattern (`*` wildcard) whose images must survive, e.g. ''prod-*'' (repeatable)')
            [CompletionResult]::new('--protect-digests', '--protect-digests', [CompletionResultType]::ParameterName, 'File of digests or image references in use (one per line): exit 1 if any would go')
            [CompletionResult]::new('--protect-in-use', '--protect-in-use', [CompletionResultType]::ParameterName, 'Protect images running workloads use: ecs, lambda, k8s (current kubectl context), k8s:CONTEXT, k8s=FILE (`kubectl get … -o json`); comma list or repeated')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the decision path for one image (digest, digest prefix, or tag)')
            [CompletionResult]::new('--price-per-gb-month', '--price-per-gb-month', [CompletionResultType]::ParameterName, 'Storage price used for the savings estimate (USD per GB-month, 0 to 1000)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for ECR''s own preview (--remote)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Repositories previewed at once (--all-repositories)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Repositories previewed at once (--all-repositories)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Image rows in the table (0: all); default 20 on a terminal, all otherwise. `-o json` lists all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--all-repositories', '--all-repositories', [CompletionResultType]::ParameterName, 'Preview every repository that has a lifecycle policy (or all, with --policy)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Also run ECR''s own preview and show any difference from the local result (one live repository: not with --images or --all-repositories)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;lifecycle;lint' {
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Policy document (JSON) to check')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;lifecycle;apply' {
            [CompletionResult]::new('--repository', '--repository', [CompletionResultType]::ParameterName, 'Repository to put the policy on')
            [CompletionResult]::new('--repository-prefix', '--repository-prefix', [CompletionResultType]::ParameterName, 'Every repository whose name starts with PREFIX (in each --region)')
            [CompletionResult]::new('--repositories-from', '--repositories-from', [CompletionResultType]::ParameterName, 'The repositories named in FILE, one per line (`#` starts a comment)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Policy document (JSON); `-` reads it from standard input')
            [CompletionResult]::new('--protect', '--protect', [CompletionResultType]::ParameterName, 'Tag pattern (`*` wildcard) whose images must survive, e.g. ''prod-*'' (repeatable)')
            [CompletionResult]::new('--protect-digests', '--protect-digests', [CompletionResultType]::ParameterName, 'File of digests or image references in use (one per line): exit 1 if any would go')
            [CompletionResult]::new('--protect-in-use', '--protect-in-use', [CompletionResultType]::ParameterName, 'Protect images running workloads use: ecs, lambda, k8s (current kubectl context), k8s:CONTEXT, k8s=FILE (`kubectl get … -o json`); comma list or repeated')
            [CompletionResult]::new('--horizon', '--horizon', [CompletionResultType]::ParameterName, 'Refuse if a protected image is touched within DURATION from now, assuming no new pushes (0 = now only; at most 365d)')
            [CompletionResult]::new('--price-per-gb-month', '--price-per-gb-month', [CompletionResultType]::ParameterName, 'Storage price used for the savings estimate (USD per GB-month, 0 to 1000)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Repositories read (and changed) at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Repositories read (and changed) at once')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Image rows in the table (0: all); default 20 on a terminal, all otherwise. `-o json` lists all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--all-repositories', '--all-repositories', [CompletionResultType]::ParameterName, 'Every repository of the registry (in each --region)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Apply even when protected images would be expired')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when not on a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the preview and the diff, change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;lifecycle;snapshot' {
            [CompletionResult]::new('--repository', '--repository', [CompletionResultType]::ParameterName, 'Snapshot this repository')
            [CompletionResult]::new('--repository-prefix', '--repository-prefix', [CompletionResultType]::ParameterName, 'With --all-repositories: only repositories whose name starts with PREFIX')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Repositories read at once (--all-repositories)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Repositories read at once (--all-repositories)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--all-repositories', '--all-repositories', [CompletionResultType]::ParameterName, 'Snapshot every repository (one document; each image names its repository)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;lifecycle;help' {
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Show which images a policy would expire or archive, and why every other one stays')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check a policy against every ECR constraint (exit 2 when invalid)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Put a policy on a repository: preview, diff, then apply when confirmed')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Save what a lifecycle policy sees (every image, archived too, and index children) as describe-images JSON')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecrctl;lifecycle;help;preview' {
            break
        }
        'ecrctl;lifecycle;help;lint' {
            break
        }
        'ecrctl;lifecycle;help;apply' {
            break
        }
        'ecrctl;lifecycle;help;snapshot' {
            break
        }
        'ecrctl;lifecycle;help;help' {
            break
        }
        'ecrctl;scan' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('gate', 'gate', [CompletionResultType]::ParameterValue, 'Wait for each image''s scan, apply the policy, and exit 0 (pass) or 1 (fail)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecrctl;scan;gate' {
            [CompletionResult]::new('--findings', '--findings', [CompletionResultType]::ParameterName, 'Offline: the JSON of `aws ecr describe-image-scan-findings --output json` (repeatable; `-` reads standard input)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Fail when any finding at or above this severity remains [default: critical] (any case: `CRITICAL` too)')
            [CompletionResult]::new('--max-critical', '--max-critical', [CompletionResultType]::ParameterName, 'Fail when more than N critical findings remain')
            [CompletionResult]::new('--max-high', '--max-high', [CompletionResultType]::ParameterName, 'Fail when more than N high findings remain')
            [CompletionResult]::new('--max-medium', '--max-medium', [CompletionResultType]::ParameterName, 'Fail when more than N medium findings remain')
            [CompletionResult]::new('--max-low', '--max-low', [CompletionResultType]::ParameterName, 'Fail when more than N low findings remain')
            [CompletionResult]::new('--max-informational', '--max-informational', [CompletionResultType]::ParameterName, 'Fail when more than N informational findings remain')
            [CompletionResult]::new('--unknown-severity-as', '--unknown-severity-as', [CompletionResultType]::ParameterName, 'Where findings of a severity the gate does not know (UNDEFINED, UNTRIAGED, new ones) count [default: critical, with a warning]')
            [CompletionResult]::new('--ignore-file', '--ignore-file', [CompletionResultType]::ParameterName, 'Reviewed exceptions: TOML `[[ignore]]` entries (id, package, until, reason), a `.trivyignore` or a `.trivyignore.yaml` (dates are UTC)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the whole gate waits for all scans together, not each image (then exit 4)')
            [CompletionResult]::new('--sarif', '--sarif', [CompletionResultType]::ParameterName, 'Also write a SARIF 2.1.0 report (GitHub code scanning): one run per repository, alerts keyed by repository, not tag or digest')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Also write a JUnit XML report (one test case per image)')
            [CompletionResult]::new('--gitlab-report', '--gitlab-report', [CompletionResultType]::ParameterName, 'Also write a GitLab container-scanning report (gl-container-scanning-report.json)')
            [CompletionResult]::new('--annotation-file', '--annotation-file', [CompletionResultType]::ParameterName, 'Under GitHub Actions, attach the annotations to this file (e.g. Dockerfile)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Images gated at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Images gated at once')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--ignore-unfixed', '--ignore-unfixed', [CompletionResultType]::ParameterName, 'Skip findings with no fix available for their package (enhanced scanning only)')
            [CompletionResult]::new('--only-exploitable', '--only-exploitable', [CompletionResultType]::ParameterName, 'Skip findings with no known exploit (enhanced scanning only)')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Start a basic scan when the image has none')
            [CompletionResult]::new('--rescan-failed', '--rescan-failed', [CompletionResultType]::ParameterName, 'With --start: start a new scan of an image whose scan FAILED, and wait for it')
            [CompletionResult]::new('--sarif-include-ignored', '--sarif-include-ignored', [CompletionResultType]::ParameterName, 'Keep ignored findings in the SARIF report, as suppressed notes (GitHub code scanning shows them as open alerts; by default they are left out)')
            [CompletionResult]::new('--junit-per-finding', '--junit-per-finding', [CompletionResultType]::ParameterName, 'In the JUnit report, one test case per finding (named repository + id) instead of one per image')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;scan;help' {
            [CompletionResult]::new('gate', 'gate', [CompletionResultType]::ParameterValue, 'Wait for each image''s scan, apply the policy, and exit 0 (pass) or 1 (fail)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecrctl;scan;help;gate' {
            break
        }
        'ecrctl;scan;help;help' {
            break
        }
        'ecrctl;push-check' {
            [CompletionResult]::new('--layer-sizes', '--layer-sizes', [CompletionResultType]::ParameterName, 'Layer sizes to check against ECR''s 52,000 MiB limit: a JSON list of byte counts, a JSON image manifest, or an OCI image layout folder')
            [CompletionResult]::new('--local-image', '--local-image', [CompletionResultType]::ParameterName, 'Read layer sizes from this image in the local docker daemon (`docker save`)')
            [CompletionResult]::new('--repo-settings', '--repo-settings', [CompletionResultType]::ParameterName, 'With --fix: settings for a repository it creates (the `repo create --from-file` format)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Apply the safe fixes: create the repository, log docker in')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'With --fix: do not ask (required when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --fix: do not ask (required when not on a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;pull-check' {
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'Who pulls: an IAM role or user ARN (an assumed-role session ARN means its role)')
            [CompletionResult]::new('--eks-nodegroup', '--eks-nodegroup', [CompletionResultType]::ParameterName, 'Who pulls: the node role of this EKS managed node group')
            [CompletionResult]::new('--ecs-task-definition', '--ecs-task-definition', [CompletionResultType]::ParameterName, 'Who pulls: the execution role of this ECS task definition')
            [CompletionResult]::new('--lambda-function', '--lambda-function', [CompletionResultType]::ParameterName, 'Who pulls: this Lambda function''s role (and the Lambda service across accounts)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'The platform the consumer runs, e.g. linux/arm64 (default: what the node group, task definition or function says, when it says)')
            [CompletionResult]::new('--region-of-consumer', '--region-of-consumer', [CompletionResultType]::ParameterName, 'The region the consumer runs in (default: the configured region for a node group, task definition or function; that is also where they are looked up)')
            [CompletionResult]::new('--vpc', '--vpc', [CompletionResultType]::ParameterName, 'Check that the VPC''s subnets reach ECR: interface endpoints ecr.api / ecr.dkr with private DNS, the S3 gateway endpoint on their route tables, or a NAT/internet route (read in the consumer''s region)')
            [CompletionResult]::new('--subnet', '--subnet', [CompletionResultType]::ParameterName, 'With --vpc: only this subnet, where the workload runs (repeatable; default: every subnet of the VPC)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Apply the safe fixes: attach AmazonEC2ContainerRegistryPullOnly to the role, add a repository-policy statement for the consumer account')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'With --fix: print the exact policy JSON and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'With --fix: do not ask (required when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --fix: do not ask (required when not on a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;migrate' {
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'The plan: `SOURCE DESTINATION` per line (`-` reads stdin), TOML/JSON, or a `skopeo sync` YAML file (FILE.yaml, with --to)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Generate the plan: every repository under REGISTRY/PREFIX (listed with the registry API, or DescribeRepositories/DescribeImages for ECR)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'With --from or a skopeo sync plan (FILE.yaml): the destination prefix (ending in `/`), e.g. `mirror/`')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'With --from: only repositories matching this glob (repeatable)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'With --from: skip repositories matching this glob (repeatable)')
            [CompletionResult]::new('--tags', '--tags', [CompletionResultType]::ParameterName, 'With --from: copy the tags matching this glob, e.g. ''v*''')
            [CompletionResult]::new('--tags-regex', '--tags-regex', [CompletionResultType]::ParameterName, 'With --from: copy the tags this regular expression matches (unanchored, as skopeo sync), e.g. ''^v1\.[0-9]+$''')
            [CompletionResult]::new('--tags-semver', '--tags-semver', [CompletionResultType]::ParameterName, 'With --from: copy the tags that are versions in this range, e.g. ''>= 1.2, < 2''')
            [CompletionResult]::new('--rename', '--rename', [CompletionResultType]::ParameterName, 'With --from: rename repository paths, `s/FROM/TO/` (FROM literal; `^` anchors a prefix, `$` a suffix), e.g. ''s/^legacy-//''')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Images copied at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Images copied at once')
            [CompletionResult]::new('--jobs-per-host', '--jobs-per-host', [CompletionResultType]::ParameterName, 'Images copied at once from or to any single registry')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Further attempts of an image that failed for a reason that may pass (a registry that kept answering 503, a broken transfer), after each request''s own retries')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'Journal of finished items and their source digests, for resuming and re-syncing; one run at a time (locked). Default: per plan and shard, in the state folder')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Registry reached over plain HTTP (repeatable), e.g. localhost:5000; never an ECR registry (its token would travel in clear)')
            [CompletionResult]::new('--repo-settings', '--repo-settings', [CompletionResultType]::ParameterName, 'Settings for ECR repositories created on the way (same format as `repo create --from-file`)')
            [CompletionResult]::new('--max-put-rate', '--max-put-rate', [CompletionResultType]::ParameterName, 'Manifest PUTs per second per ECR registry [default: 10, ECR''s PutImage quota per account and region; 10/N with --shard I/N, as the shards share it] (0 = unlimited)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Run only slice I of N of the plan (1-based), e.g. 2/4; `auto` reads it from Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX + --shard-count), GitLab parallel jobs (CI_NODE_INDEX, CI_NODE_TOTAL) or ECRCTL_SHARD_INDEX + --shard-count (GitHub matrix)')
            [CompletionResult]::new('--shard-count', '--shard-count', [CompletionResultType]::ParameterName, 'With --shard auto: how many shards there are (Kubernetes `completions`, matrix size)')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write the JSON report to FILE')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Copy only this platform of a multi-platform source, os/arch[/variant] (repeatable): one platform copies its own manifest, several a new index listing only them')
            [CompletionResult]::new('--src-authfile', '--src-authfile', [CompletionResultType]::ParameterName, 'Credentials for source registries: a podman/skopeo auth.json (instead of docker''s config.json)')
            [CompletionResult]::new('--dest-authfile', '--dest-authfile', [CompletionResultType]::ParameterName, 'Credentials for destination registries other than ECR: a podman/skopeo auth.json')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--all-tags', '--all-tags', [CompletionResultType]::ParameterName, 'With --from: copy every tag')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Replace destination tags that point at another digest (never an immutable tag, exclusion filters checked tag by tag)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be copied, skipped or refused, and the blobs to move; change nothing (exit 1 when an item would fail)')
            [CompletionResult]::new('--no-journal', '--no-journal', [CompletionResultType]::ParameterName, 'Keep no journal: every item is checked against the destination afresh')
            [CompletionResult]::new('--fresh', '--fresh', [CompletionResultType]::ParameterName, 'Start the journal over (forget earlier runs of this plan)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Read every destination manifest back and compare digests')
            [CompletionResult]::new('--referrers', '--referrers', [CompletionResultType]::ParameterName, 'Also copy each image''s OCI referrers (signatures, attestations, SBOMs): the referrers API and the `sha256-<hex>` / cosign `.sig`/`.att`/`.sbom` tags')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;completions' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--registry-id', '--registry-id', [CompletionResultType]::ParameterName, 'AWS account ID of the registry; default: the caller''s (`login` and `lifecycle` take several)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile''s endpoint_url apply')
            [CompletionResult]::new('--registry-endpoint', '--registry-endpoint', [CompletionResultType]::ParameterName, 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, JSON for scripts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (-v, -vv, -vvv); secrets are never logged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (also NO_COLOR)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ecrctl;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log a container client in to ECR with a cached, auto-refreshed token')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove ecrctl''s cached ECR tokens and the client''s stored credentials for registries')
            [CompletionResult]::new('repo', 'repo', [CompletionResultType]::ParameterValue, 'Create repositories, or converge existing ones to the settings given; list them')
            [CompletionResult]::new('lifecycle', 'lifecycle', [CompletionResultType]::ParameterValue, 'Preview exactly what a lifecycle policy expires, check it, apply it safely')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Wait for ECR scan results and pass or fail a build on them (CI gate)')
            [CompletionResult]::new('push-check', 'push-check', [CompletionResultType]::ParameterValue, 'Diagnose why a push to ECR would fail, before pushing')
            [CompletionResult]::new('pull-check', 'pull-check', [CompletionResultType]::ParameterValue, 'Diagnose why a pod, task or function cannot pull an image from ECR')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy and re-tag images between registries, digests preserved, resumably')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecrctl;help;login' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every known ECR login and how long it has left; exit 1 if any is expired or expires within --warn-within')
            break
        }
        'ecrctl;help;login;status' {
            break
        }
        'ecrctl;help;logout' {
            break
        }
        'ecrctl;help;repo' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create repositories, or bring existing ones to the settings given (idempotent)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List repositories with their settings')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete repositories (refuses non-empty ones without --force; asks first)')
            break
        }
        'ecrctl;help;repo;create' {
            break
        }
        'ecrctl;help;repo;list' {
            break
        }
        'ecrctl;help;repo;delete' {
            break
        }
        'ecrctl;help;lifecycle' {
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Show which images a policy would expire or archive, and why every other one stays')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check a policy against every ECR constraint (exit 2 when invalid)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Put a policy on a repository: preview, diff, then apply when confirmed')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Save what a lifecycle policy sees (every image, archived too, and index children) as describe-images JSON')
            break
        }
        'ecrctl;help;lifecycle;preview' {
            break
        }
        'ecrctl;help;lifecycle;lint' {
            break
        }
        'ecrctl;help;lifecycle;apply' {
            break
        }
        'ecrctl;help;lifecycle;snapshot' {
            break
        }
        'ecrctl;help;scan' {
            [CompletionResult]::new('gate', 'gate', [CompletionResultType]::ParameterValue, 'Wait for each image''s scan, apply the policy, and exit 0 (pass) or 1 (fail)')
            break
        }
        'ecrctl;help;scan;gate' {
            break
        }
        'ecrctl;help;push-check' {
            break
        }
        'ecrctl;help;pull-check' {
            break
        }
        'ecrctl;help;migrate' {
            break
        }
        'ecrctl;help;completions' {
            break
        }
        'ecrctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
