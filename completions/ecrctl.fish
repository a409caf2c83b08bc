# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ecrctl_global_optspecs
    string join \n profile= region= registry-id= endpoint-url= registry-endpoint= ca-cert= o/output= q/quiet v/verbose no-color no-progress h/help V/version
end

function __fish_ecrctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ecrctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ecrctl_using_subcommand
    set -l cmd (__fish_ecrctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ecrctl -n "__fish_ecrctl_needs_command" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_needs_command" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_needs_command" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_needs_command" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_needs_command" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_needs_command" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_needs_command" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_needs_command" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -f -a "login" -d 'Log a container client in to ECR with a cached, auto-refreshed token'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -f -a "logout" -d 'Remove ecrctl\'s cached ECR tokens and the client\'s stored credentials for registries'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -f -a "repo" -d 'Create repositories, or converge existing ones to the settings given; list them'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -f -a "lifecycle" -d 'Preview exactly what a lifecycle policy expires, check it, apply it safely'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -f -a "scan" -d 'Wait for ECR scan results and pass or fail a build on them (CI gate)'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -f -a "push-check" -d 'Diagnose why a push to ECR would fail, before pushing'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -f -a "pull-check" -d 'Diagnose why a pod, task or function cannot pull an image from ECR'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -f -a "migrate" -d 'Copy and re-tag images between registries, digests preserved, resumably'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -f -a "completions" -d 'Print shell completions to stdout'
complete -c ecrctl -n "__fish_ecrctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l client -d 'Container client to log in (default: docker, else the first one found on PATH)' -r -f -a "docker\t''
podman\t''
nerdctl\t''
finch\t''
helm\t''
oras\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l min-validity -d 'Reuse a cached token only while it has at least this long left' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l print-password -d 'Print only the password, for tools that read it on stdin (like `aws ecr get-login-password`); logs no client in'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l force -d 'Always get a new token from AWS, ignoring the cache'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l install-helper -d 'Make docker ask ecrctl for ECR credentials (credHelpers in config.json), so it never holds an expired token'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l no-creds-store -d 'Log docker in through a separate DOCKER_CONFIG that stores credentials in `auths`, bypassing a broken credsStore such as Docker Desktop\'s'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -f -a "status" -d 'Show every known ECR login and how long it has left; exit 1 if any is expired or expires within --warn-within'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and not __fish_seen_subcommand_from status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -l warn-within -d 'Count a login as expiring (exit 1) when it has less than this left' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show every known ECR login and how long it has left; exit 1 if any is expired or expires within --warn-within'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand login; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l client -d 'Whose stored credentials to remove besides ecrctl\'s cache: docker (config.json `auths` and its credential store) or podman' -r -f -a "docker\t''
podman\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l all -d 'Every ECR registry known to ecrctl\'s cache and the client\'s stored credentials'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l dry-run -d 'Show what would be removed; change nothing'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand logout" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -s h -l help -d 'Print help'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -f -a "create" -d 'Create repositories, or bring existing ones to the settings given (idempotent)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -f -a "list" -d 'List repositories with their settings'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -f -a "delete" -d 'Delete repositories (refuses non-empty ones without --force; asks first)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and not __fish_seen_subcommand_from create list delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l repository-name -d 'A repository name, as the AWS CLI spells it (repeatable; same as NAME)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -s f -l from-file -d 'JSON or TOML file listing repositories with per-repository settings and defaults' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l scan-on-push -d 'Scan images on push (`--scan-on-push=false` turns it off)' -r -f -a "true\t''
false\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l tag-mutability -d 'Whether tags can be overwritten (alias: --image-tag-mutability)' -r -f -a "MUTABLE\t''
IMMUTABLE\t''
IMMUTABLE_WITH_EXCLUSION\t''
MUTABLE_WITH_EXCLUSION\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l immutable-exclude -d 'Tags are immutable except those matching PATTERN (`*` wildcard; repeatable): IMMUTABLE_WITH_EXCLUSION' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l mutable-exclude -d 'Tags are mutable except those matching PATTERN, which are immutable (`*` wildcard; repeatable): MUTABLE_WITH_EXCLUSION' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l image-scanning-configuration -d 'Scan on push as the AWS CLI writes it: `scanOnPush=true|false`' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l encryption -d 'Encryption at rest; fixed once the repository exists' -r -f -a "AES256\t''
KMS\t''
KMS_DSSE\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l encryption-configuration -d 'Encryption as the AWS CLI writes it: `encryptionType=KMS,kmsKey=KEY` (or AES256)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l kms-key -d 'KMS key ARN, ID or alias for --encryption KMS (default: the AWS managed key)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l lifecycle-policy -d 'Lifecycle policy document (JSON) to put on the repository' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l repository-policy -d 'Repository policy document (JSON) to set on the repository' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l tag -d 'Resource tag KEY=VALUE (repeatable)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l tags -d 'Resource tags as the AWS CLI writes them: `Key=k,Value=v` (several, space-separated or repeated) or a JSON list `[{"Key":"k","Value":"v"}]`' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -s j -l jobs -d 'How many repositories to create or update at once' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l kms-key-map -d 'Use KMS key NEW where the settings name key OLD (e.g. a key ARN of the source region when copying to another); `OLD=` means the AWS managed key. Repeatable, or a FILE of OLD=NEW lines' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l immutable -d 'Shorthand for --tag-mutability IMMUTABLE (IMMUTABLE_WITH_EXCLUSION with --immutable-exclude)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l dry-run -d 'Show what would be created or changed, and change nothing'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -l prefix -d 'Only repositories whose name starts with this prefix' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -l with -d 'Also fetch these per repository (comma-separated): policies (lifecycle and repository policy), tags, all, none' -r -f -a "policies\t''
tags\t''
all\t''
none\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -s j -l jobs -d 'How many repositories to describe or delete at once' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -l force -d 'Also delete repositories that still hold images (the images are lost)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -l dry-run -d 'Show what would be deleted and lost, and change nothing'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (required when not on a terminal)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create repositories, or bring existing ones to the settings given (idempotent)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "list" -d 'List repositories with their settings'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete repositories (refuses non-empty ones without --force; asks first)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -s h -l help -d 'Print help'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -f -a "preview" -d 'Show which images a policy would expire or archive, and why every other one stays'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -f -a "lint" -d 'Check a policy against every ECR constraint (exit 2 when invalid)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -f -a "apply" -d 'Put a policy on a repository: preview, diff, then apply when confirmed'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -f -a "snapshot" -d 'Save what a lifecycle policy sees (every image, archived too, and index children) as describe-images JSON'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and not __fish_seen_subcommand_from preview lint apply snapshot help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l repository -d 'Preview this repository (images from DescribeImages)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l images -d 'Offline: images from `ecrctl lifecycle snapshot` or `aws ecr describe-images --filter imageStatus=ANY --output json` saved to FILE' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l repository-prefix -d 'With --all-repositories: only repositories whose name starts with PREFIX' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l policy -d 'Policy document (JSON; `-` reads standard input); default: the repository\'s own policy' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l now -d 'Evaluate as of this instant: RFC 3339, or relative to now (+30d, -7d, +12h)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l horizon -d 'Fail (exit 1) if a protected image is touched within DURATION from now, assuming no new pushes (e.g. 90d; 0 = now only; at most 365d)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l protect -d 'Tag pattern (`*` wildcard) whose images must survive, e.g. \'prod-*\' (repeatable)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l protect-digests -d 'File of digests or image references in use (one per line): exit 1 if any would go' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l protect-in-use -d 'Protect images running workloads use: ecs, lambda, k8s (current kubectl context), k8s:CONTEXT, k8s=FILE (`kubectl get … -o json`); comma list or repeated' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l explain -d 'Show the decision path for one image (digest, digest prefix, or tag)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l price-per-gb-month -d 'Storage price used for the savings estimate (USD per GB-month, 0 to 1000)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l timeout -d 'How long to wait for ECR\'s own preview (--remote)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -s j -l jobs -d 'Repositories previewed at once (--all-repositories)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l limit -d 'Image rows in the table (0: all); default 20 on a terminal, all otherwise. `-o json` lists all' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l all-repositories -d 'Preview every repository that has a lifecycle policy (or all, with --policy)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l remote -d 'Also run ECR\'s own preview and show any difference from the local result (one live repository: not with --images or --all-repositories)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from preview" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -l policy -d 'Policy document (JSON) to check' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -s h -l help -d 'Print help'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from lint" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l repository -d 'Repository to put the policy on' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l repository-prefix -d 'Every repository whose name starts with PREFIX (in each --region)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l repositories-from -d 'The repositories named in FILE, one per line (`#` starts a comment)' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l policy -d 'Policy document (JSON); `-` reads it from standard input' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l protect -d 'Tag pattern (`*` wildcard) whose images must survive, e.g. \'prod-*\' (repeatable)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l protect-digests -d 'File of digests or image references in use (one per line): exit 1 if any would go' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l protect-in-use -d 'Protect images running workloads use: ecs, lambda, k8s (current kubectl context), k8s:CONTEXT, k8s=FILE (`kubectl get … -o json`); comma list or repeated' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l horizon -d 'Refuse if a protected image is touched within DURATION from now, assuming no new pushes (0 = now only; at most 365d)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l price-per-gb-month -d 'Storage price used for the savings estimate (USD per GB-month, 0 to 1000)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -s j -l jobs -d 'Repositories read (and changed) at once' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l limit -d 'Image rows in the table (0: all); default 20 on a terminal, all otherwise. `-o json` lists all' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l all-repositories -d 'Every repository of the registry (in each --region)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l force -d 'Apply even when protected images would be expired'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -s y -l yes -d 'Do not ask for confirmation (required when not on a terminal)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l dry-run -d 'Show the preview and the diff, change nothing'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l repository -d 'Snapshot this repository' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l repository-prefix -d 'With --all-repositories: only repositories whose name starts with PREFIX' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -s j -l jobs -d 'Repositories read at once (--all-repositories)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l all-repositories -d 'Snapshot every repository (one document; each image names its repository)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from snapshot" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from help" -f -a "preview" -d 'Show which images a policy would expire or archive, and why every other one stays'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from help" -f -a "lint" -d 'Check a policy against every ECR constraint (exit 2 when invalid)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Put a policy on a repository: preview, diff, then apply when confirmed'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from help" -f -a "snapshot" -d 'Save what a lifecycle policy sees (every image, archived too, and index children) as describe-images JSON'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand lifecycle; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -s h -l help -d 'Print help'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -f -a "gate" -d 'Wait for each image\'s scan, apply the policy, and exit 0 (pass) or 1 (fail)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and not __fish_seen_subcommand_from gate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l findings -d 'Offline: the JSON of `aws ecr describe-image-scan-findings --output json` (repeatable; `-` reads standard input)' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l fail-on -d 'Fail when any finding at or above this severity remains [default: critical] (any case: `CRITICAL` too)' -r -f -a "informational\t''
low\t''
medium\t''
high\t''
critical\t''
none\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l max-critical -d 'Fail when more than N critical findings remain' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l max-high -d 'Fail when more than N high findings remain' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l max-medium -d 'Fail when more than N medium findings remain' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l max-low -d 'Fail when more than N low findings remain' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l max-informational -d 'Fail when more than N informational findings remain' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l unknown-severity-as -d 'Where findings of a severity the gate does not know (UNDEFINED, UNTRIAGED, new ones) count [default: critical, with a warning]' -r -f -a "informational\t''
low\t''
medium\t''
high\t''
critical\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l ignore-file -d 'Reviewed exceptions: TOML `[[ignore]]` entries (id, package, until, reason), a `.trivyignore` or a `.trivyignore.yaml` (dates are UTC)' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l timeout -d 'How long the whole gate waits for all scans together, not each image (then exit 4)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l sarif -d 'Also write a SARIF 2.1.0 report (GitHub code scanning): one run per repository, alerts keyed by repository, not tag or digest' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l junit -d 'Also write a JUnit XML report (one test case per image)' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l gitlab-report -d 'Also write a GitLab container-scanning report (gl-container-scanning-report.json)' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l annotation-file -d 'Under GitHub Actions, attach the annotations to this file (e.g. Dockerfile)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -s j -l jobs -d 'Images gated at once' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l ignore-unfixed -d 'Skip findings with no fix available for their package (enhanced scanning only)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l only-exploitable -d 'Skip findings with no known exploit (enhanced scanning only)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l start -d 'Start a basic scan when the image has none'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l rescan-failed -d 'With --start: start a new scan of an image whose scan FAILED, and wait for it'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l sarif-include-ignored -d 'Keep ignored findings in the SARIF report, as suppressed notes (GitHub code scanning shows them as open alerts; by default they are left out)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l junit-per-finding -d 'In the JUnit report, one test case per finding (named repository + id) instead of one per image'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from gate" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from help" -f -a "gate" -d 'Wait for each image\'s scan, apply the policy, and exit 0 (pass) or 1 (fail)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand scan; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l layer-sizes -d 'Layer sizes to check against ECR\'s 52,000 MiB limit: a JSON list of byte counts, a JSON image manifest, or an OCI image layout folder' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l local-image -d 'Read layer sizes from this image in the local docker daemon (`docker save`)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l repo-settings -d 'With --fix: settings for a repository it creates (the `repo create --from-file` format)' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l fix -d 'Apply the safe fixes: create the repository, log docker in'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -s y -l yes -d 'With --fix: do not ask (required when not on a terminal)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand push-check" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l principal -d 'Who pulls: an IAM role or user ARN (an assumed-role session ARN means its role)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l eks-nodegroup -d 'Who pulls: the node role of this EKS managed node group' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l ecs-task-definition -d 'Who pulls: the execution role of this ECS task definition' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l lambda-function -d 'Who pulls: this Lambda function\'s role (and the Lambda service across accounts)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l platform -d 'The platform the consumer runs, e.g. linux/arm64 (default: what the node group, task definition or function says, when it says)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l region-of-consumer -d 'The region the consumer runs in (default: the configured region for a node group, task definition or function; that is also where they are looked up)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l vpc -d 'Check that the VPC\'s subnets reach ECR: interface endpoints ecr.api / ecr.dkr with private DNS, the S3 gateway endpoint on their route tables, or a NAT/internet route (read in the consumer\'s region)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l subnet -d 'With --vpc: only this subnet, where the workload runs (repeatable; default: every subnet of the VPC)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l fix -d 'Apply the safe fixes: attach AmazonEC2ContainerRegistryPullOnly to the role, add a repository-policy statement for the consumer account'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l dry-run -d 'With --fix: print the exact policy JSON and change nothing'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -s y -l yes -d 'With --fix: do not ask (required when not on a terminal)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand pull-check" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l plan -d 'The plan: `SOURCE DESTINATION` per line (`-` reads stdin), TOML/JSON, or a `skopeo sync` YAML file (FILE.yaml, with --to)' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l from -d 'Generate the plan: every repository under REGISTRY/PREFIX (listed with the registry API, or DescribeRepositories/DescribeImages for ECR)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l to -d 'With --from or a skopeo sync plan (FILE.yaml): the destination prefix (ending in `/`), e.g. `mirror/`' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l include -d 'With --from: only repositories matching this glob (repeatable)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l exclude -d 'With --from: skip repositories matching this glob (repeatable)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l tags -d 'With --from: copy the tags matching this glob, e.g. \'v*\'' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l tags-regex -d 'With --from: copy the tags this regular expression matches (unanchored, as skopeo sync), e.g. \'^v1\\.[0-9]+$\'' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l tags-semver -d 'With --from: copy the tags that are versions in this range, e.g. \'>= 1.2, < 2\'' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l rename -d 'With --from: rename repository paths, `s/FROM/TO/` (FROM literal; `^` anchors a prefix, `$` a suffix), e.g. \'s/^legacy-//\'' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -s j -l jobs -d 'Images copied at once' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l jobs-per-host -d 'Images copied at once from or to any single registry' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l retries -d 'Further attempts of an image that failed for a reason that may pass (a registry that kept answering 503, a broken transfer), after each request\'s own retries' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l journal -d 'Journal of finished items and their source digests, for resuming and re-syncing; one run at a time (locked). Default: per plan and shard, in the state folder' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l plain-http -d 'Registry reached over plain HTTP (repeatable), e.g. localhost:5000; never an ECR registry (its token would travel in clear)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l repo-settings -d 'Settings for ECR repositories created on the way (same format as `repo create --from-file`)' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l max-put-rate -d 'Manifest PUTs per second per ECR registry [default: 10, ECR\'s PutImage quota per account and region; 10/N with --shard I/N, as the shards share it] (0 = unlimited)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l shard -d 'Run only slice I of N of the plan (1-based), e.g. 2/4; `auto` reads it from Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX + --shard-count), GitLab parallel jobs (CI_NODE_INDEX, CI_NODE_TOTAL) or ECRCTL_SHARD_INDEX + --shard-count (GitHub matrix)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l shard-count -d 'With --shard auto: how many shards there are (Kubernetes `completions`, matrix size)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l report -d 'Also write the JSON report to FILE' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l platform -d 'Copy only this platform of a multi-platform source, os/arch[/variant] (repeatable): one platform copies its own manifest, several a new index listing only them' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l src-authfile -d 'Credentials for source registries: a podman/skopeo auth.json (instead of docker\'s config.json)' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l dest-authfile -d 'Credentials for destination registries other than ECR: a podman/skopeo auth.json' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l all-tags -d 'With --from: copy every tag'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l overwrite -d 'Replace destination tags that point at another digest (never an immutable tag, exclusion filters checked tag by tag)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l dry-run -d 'Show what would be copied, skipped or refused, and the blobs to move; change nothing (exit 1 when an item would fail)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l no-journal -d 'Keep no journal: every item is checked against the destination afresh'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l fresh -d 'Start the journal over (forget earlier runs of this plan)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l verify -d 'Read every destination manifest back and compare digests'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l referrers -d 'Also copy each image\'s OCI referrers (signatures, attestations, SBOMs): the referrers API and the `sha256-<hex>` / cosign `.sig`/`.att`/`.sbom` tags'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand migrate" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -l profile -d 'AWS named profile from ~/.aws/config (SSO profiles included). Given here, its credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI; AWS_PROFILE keeps the standard order (environment keys first)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -l region -d 'AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -l registry-id -d 'AWS account ID of the registry; default: the caller\'s (`login` and `lifecycle` take several)' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -l endpoint-url -d 'ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile\'s endpoint_url apply' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -l registry-endpoint -d 'Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com' -r
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -l ca-cert -d 'Extra CA certificate (PEM) to trust for registries, besides the system roots, SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt' -r -F
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -s o -l output -d 'Output format: a table for people, JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -s q -l quiet -d 'Print only errors'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets are never logged'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -l no-color -d 'Never colour output (also NO_COLOR)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -l no-progress -d 'Never draw progress bars'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and not __fish_seen_subcommand_from login logout repo lifecycle scan push-check pull-check migrate completions help" -f -a "login" -d 'Log a container client in to ECR with a cached, auto-refreshed token'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and not __fish_seen_subcommand_from login logout repo lifecycle scan push-check pull-check migrate completions help" -f -a "logout" -d 'Remove ecrctl\'s cached ECR tokens and the client\'s stored credentials for registries'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and not __fish_seen_subcommand_from login logout repo lifecycle scan push-check pull-check migrate completions help" -f -a "repo" -d 'Create repositories, or converge existing ones to the settings given; list them'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and not __fish_seen_subcommand_from login logout repo lifecycle scan push-check pull-check migrate completions help" -f -a "lifecycle" -d 'Preview exactly what a lifecycle policy expires, check it, apply it safely'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and not __fish_seen_subcommand_from login logout repo lifecycle scan push-check pull-check migrate completions help" -f -a "scan" -d 'Wait for ECR scan results and pass or fail a build on them (CI gate)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and not __fish_seen_subcommand_from login logout repo lifecycle scan push-check pull-check migrate completions help" -f -a "push-check" -d 'Diagnose why a push to ECR would fail, before pushing'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and not __fish_seen_subcommand_from login logout repo lifecycle scan push-check pull-check migrate completions help" -f -a "pull-check" -d 'Diagnose why a pod, task or function cannot pull an image from ECR'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and not __fish_seen_subcommand_from login logout repo lifecycle scan push-check pull-check migrate completions help" -f -a "migrate" -d 'Copy and re-tag images between registries, digests preserved, resumably'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and not __fish_seen_subcommand_from login logout repo lifecycle scan push-check pull-check migrate completions help" -f -a "completions" -d 'Print shell completions to stdout'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and not __fish_seen_subcommand_from login logout repo lifecycle scan push-check pull-check migrate completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and __fish_seen_subcommand_from login" -f -a "status" -d 'Show every known ECR login and how long it has left; exit 1 if any is expired or expires within --warn-within'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and __fish_seen_subcommand_from repo" -f -a "create" -d 'Create repositories, or bring existing ones to the settings given (idempotent)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and __fish_seen_subcommand_from repo" -f -a "list" -d 'List repositories with their settings'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and __fish_seen_subcommand_from repo" -f -a "delete" -d 'Delete repositories (refuses non-empty ones without --force; asks first)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and __fish_seen_subcommand_from lifecycle" -f -a "preview" -d 'Show which images a policy would expire or archive, and why every other one stays'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and __fish_seen_subcommand_from lifecycle" -f -a "lint" -d 'Check a policy against every ECR constraint (exit 2 when invalid)'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and __fish_seen_subcommand_from lifecycle" -f -a "apply" -d 'Put a policy on a repository: preview, diff, then apply when confirmed'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and __fish_seen_subcommand_from lifecycle" -f -a "snapshot" -d 'Save what a lifecycle policy sees (every image, archived too, and index children) as describe-images JSON'
complete -c ecrctl -n "__fish_ecrctl_using_subcommand help; and __fish_seen_subcommand_from scan" -f -a "gate" -d 'Wait for each image\'s scan, apply the policy, and exit 0 (pass) or 1 (fail)'
