#!/usr/bin/env bash
# Quick start: build rota, load the demo hospital into the embedded SQLite database, solve the
# London site's first week into ./out (CSV, XLSX, ICS, JSON) and publish it, print an admin and a
# nurse token with curl examples, then serve the API on 127.0.0.1:8080 (Ctrl-C to stop).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rota-target}"
cargo build --release --bin rota
ROTA="$CARGO_TARGET_DIR/release/rota"
export ROTA_DATA_DIR="${ROTA_DATA_DIR:-./rota-data}"
"$ROTA" migrate
"$ROTA" demo
# Produce the first week's roster for the London site as files (CSV, XLSX, ICS, JSON).
WEEK=$(date -d 'next monday' +%F)
"$ROTA" schedule --site LON --week "$WEEK" --out ./out --time-limit 30 --publish
TOKEN=$("$ROTA" token create --role admin --name quickstart 2>/dev/null | tail -n 1)
NURSE=$("$ROTA" token create --role staff --staff LON0001 --name "LON0001 phone" 2>/dev/null | tail -n 1)
BIND="${ROTA_BIND:-127.0.0.1:8080}"
cat <<MSG

rota is starting on http://$BIND with the demo hospital (data in $ROTA_DATA_DIR).
The London site's roster for the week of $WEEK is in ./out (one XLSX/CSV/JSON per ward, ICS per person).

  export TOKEN=$TOKEN     # admin
  export NURSE=$NURSE     # staff member LON0001
  curl -H "Authorization: Bearer \$TOKEN" http://$BIND/api/v1/wards
  curl -H "Authorization: Bearer \$NURSE" http://$BIND/api/v1/me/shifts
  open http://$BIND/api/v1/docs for the interactive API reference

MSG
exec "$ROTA" serve --bind "$BIND"
