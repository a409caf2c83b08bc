# Starts the local ECR stand-ins (examples/stand_ins.rs, the same harness the tests use)
# and exports their settings; they stop when this shell exits. Needs a release build of
# the example: `cargo build --release --example stand_ins`.

start_stand_ins() {
  coproc STAND_INS { "$ECRCTL_ROOT/target/release/examples/stand_ins"; }
  local line
  while IFS= read -r line <&"${STAND_INS[0]}"; do
    [ "$line" = "# ready" ] && break
    eval "$line"
  done
  [ -n "${AWS_ENDPOINT_URL:-}" ] || die "the stand-ins did not start"
  STAND_INS_STDIN="${STAND_INS[1]}"
  STAND_INS_CHILD="$STAND_INS_PID"
}

# Closing its stdin lets the stand-ins process stop its children and clean up.
stop_stand_ins() {
  if [ -n "${STAND_INS_STDIN:-}" ]; then
    eval "exec ${STAND_INS_STDIN}>&-"
    wait "$STAND_INS_CHILD" 2>/dev/null || true
    STAND_INS_STDIN=""
  fi
}
