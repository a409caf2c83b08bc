# Shared by scripts/test, scripts/demo and bench/: installs the local ECR stand-ins when
# missing. Quick (a few checks) when everything is already there.
#   Debian: docker-registry (CNCF distribution), skopeo, apache2-utils (htpasswd), openssl,
#           docker.io when there is no docker CLI (tests use the CLI only, never a daemon),
#           podman (a second independent client: `logout --client podman`)
#   PyPI:   moto[server] (pinned) in .venv-moto at the repository root
#   npm:    @microsoft/sarif-multitool (pinned; ships a Linux binary) in .node-tools at the
#           repository root: the SARIF tests validate with it (`validate --rule-kind Gh`);
#           only scripts/test needs it (ensure_sarif_multitool)

MOTO_VERSION="5.2.1"
ECRCTL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MOTO_VENV="$ECRCTL_ROOT/.venv-moto"
SARIF_MULTITOOL_VERSION="5.7.0"
NODE_TOOLS="$ECRCTL_ROOT/.node-tools"
# The Linux build of the multitool, called directly (its npm wrapper goes through a shell).
SARIF_MULTITOOL="$NODE_TOOLS/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $* (install those packages, or run as root)"
  fi
}

ensure_debian_packages() {
  local missing=()
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)   # the docker CLI, an independent client
  command -v podman >/dev/null 2>&1 || missing+=(podman)      # a second independent client
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  log "installing ${missing[*]} (Debian packages)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_moto() {
  local stamp="$MOTO_VENV/.moto-$MOTO_VERSION"
  [ -x "$MOTO_VENV/bin/moto_server" ] && [ -f "$stamp" ] && return 0
  command -v python3 >/dev/null 2>&1 || die "python3 is needed for moto (the ECR API stand-in)"
  if ! python3 -m venv --help >/dev/null 2>&1; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
  fi
  log "installing moto[server]==$MOTO_VERSION into .venv-moto"
  rm -rf "$MOTO_VENV"
  python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  touch "$stamp"
}

ensure_sarif_multitool() {
  local stamp="$NODE_TOOLS/.sarif-multitool-$SARIF_MULTITOOL_VERSION"
  [ -x "$SARIF_MULTITOOL" ] && [ -f "$stamp" ] && return 0
  [ "$(uname -s)" = Linux ] || die "the SARIF tests need the Linux build of @microsoft/sarif-multitool"
  if ! command -v npm >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "npm is needed for @microsoft/sarif-multitool (the SARIF validator)"
    log "installing npm (Debian) for the SARIF validator"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  log "installing @microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION into .node-tools"
  rm -rf "$NODE_TOOLS"
  mkdir -p "$NODE_TOOLS"
  npm install --prefix "$NODE_TOOLS" --no-audit --no-fund --no-save --loglevel=error \
    "@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION" \
    "@microsoft/sarif-multitool-linux@$SARIF_MULTITOOL_VERSION" >/dev/null
  # Its postinstall step (chmod u+x) may be skipped by npm's install-script policy.
  [ -f "$SARIF_MULTITOOL" ] && chmod u+x "$SARIF_MULTITOOL"
  "$SARIF_MULTITOOL" --version >/dev/null 2>&1 || die "@microsoft/sarif-multitool does not run on this machine"
  touch "$stamp"
}

ensure_rust_tools() {
  command -v cargo >/dev/null 2>&1 || die "cargo is needed: install Rust (https://rustup.rs), then run this again"
  cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
  cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
}

ensure_stand_ins() {
  ensure_debian_packages
  ensure_moto
  # Verify, rather than trust, that everything is there: a missing stand-in fails the run.
  for tool in docker-registry skopeo htpasswd openssl docker podman; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is still missing after the install step"
  done
  [ -x "$MOTO_VENV/bin/moto_server" ] || die "moto_server is still missing after the install step"
}
