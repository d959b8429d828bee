#!/usr/bin/env bash
# Everything CI checks: formatting, lints, the whole test suite on SQLite and again on
# PostgreSQL (each test gets its own database), and the OpenAPI document's validity.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-postgres
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rota-target}"
export ROTA_TEST_POSTGRES_URL="${ROTA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

# PostgreSQL: use the running server, or start the local cluster.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "test: starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
# Databases left behind by earlier runs.
psql "$ROTA_TEST_POSTGRES_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'rota_test_%'" 2>/dev/null \
  | while read -r db; do psql "$ROTA_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true; done

echo "== cargo fmt --check" >&2
cargo fmt --all -- --check
echo "== cargo clippy" >&2
cargo clippy --workspace --all-targets -- -D warnings
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
# Always --workspace: selecting packages one by one changes feature unification and would
# rebuild HiGHS for each selection.
echo "== all tests, service on SQLite" >&2
cargo test --workspace 2>&1 | tee -a "$LOG"
echo "== service integration tests on PostgreSQL" >&2
ROTA_TEST_DATABASE=postgres cargo test --workspace --test api 2>&1 | tee -a "$LOG"
echo "== OpenAPI document" >&2
"$CARGO_TARGET_DIR/debug/rota" openapi > "${TMPDIR:-/tmp}/rota-openapi.json"
python3 -c "import json,sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1]))); print('OpenAPI document is valid')" "${TMPDIR:-/tmp}/rota-openapi.json"

# One closing line for the whole run.
passed=$(grep -Eo '[0-9]+ passed' "$LOG" | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$LOG" | awk '{s+=$1} END {print s+0}')
echo "rota: $passed passed, $failed failed"
