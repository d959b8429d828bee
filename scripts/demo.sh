#!/usr/bin/env bash
# Quick start: build rota, load the demo hospital into the embedded SQLite database, print an
# admin token and a curl example, then serve the API on 127.0.0.1:8080 (Ctrl-C to stop).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rota-target}"
cargo build --release --bin rota
ROTA="$CARGO_TARGET_DIR/release/rota"
export ROTA_DATA_DIR="${ROTA_DATA_DIR:-./rota-data}"
"$ROTA" migrate
"$ROTA" demo
TOKEN=$("$ROTA" token create --role admin --name quickstart 2>/dev/null | tail -n 1)
BIND="${ROTA_BIND:-127.0.0.1:8080}"
cat <<MSG

rota is starting on http://$BIND with the demo hospital (data in $ROTA_DATA_DIR).

  export TOKEN=$TOKEN
  curl -H "Authorization: Bearer \$TOKEN" http://$BIND/api/v1/wards
  open http://$BIND/api/v1/docs for the interactive API reference

MSG
exec "$ROTA" serve --bind "$BIND"
