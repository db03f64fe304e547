#!/usr/bin/env bash
# answer-capture.sh SERVICE_DLL PORT REQUEST_DIR OUT_DIR: starts that build of the service as bench/run.sh does
# (development mode, its own data directory, the Dockerfile's GC settings) with the sandbox on and a fixed public base
# URL (so two builds on two ports write the same links), captures its responses to every request of REQUEST_DIR
# (answer-snapshot.py), and stops it. Build the requests once with `answer-snapshot.py requests`; compare two captures
# with `answer-snapshot.py compare A B`.
set -euo pipefail
dll=$1 port=$2 requests=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
data=$(mktemp -d /tmp/answer-capture-XXXXXX)
DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=1 dotnet "$dll" --urls "http://127.0.0.1:$port" \
  --Cds:Security:DevelopmentMode=true --Cds:Security:PublicBaseUrl=http://cds.example.test/ \
  --Cds:DataDirectory="$data" --Cds:Sandbox:Enabled=true >"$data/service.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/alive" && break
  sleep 0.2
done
python3 "$here/answer-snapshot.py" capture "$requests" "http://127.0.0.1:$port" "$out"
