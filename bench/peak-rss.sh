#!/usr/bin/env bash
# Peak RSS of the service under the heavy load (issue 14): the Release service alone, started as bench/run.sh starts
# it with the Dockerfile's GC settings, wrk heavy c32 10 s then typical c32 5 s, VmHWM from /proc/PID/status.
#   bench/peak-rss.sh ARTIFACTS CORPUS_DIR LABEL [ENV=VALUE ...] [-- service arguments]
# ARTIFACTS: a `dotnet build src/CdsService -c Release --artifacts-path ARTIFACTS`; CORPUS_DIR: from
# `dotnet <Cds.Corpus.dll> --out CORPUS_DIR typical=50 heavy=2000`. PEAK_PORT (5391), PEAK_HEAVY_S (10), PEAK_TYPICAL_S (5).
set -euo pipefail
cd "$(dirname "$0")/.."
art=$1 corpus=$2 label=$3
shift 3
envs=(DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=1)
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; args=("$@"); break; fi
  envs+=("$1"); shift
done
port=${PEAK_PORT:-5391}
data=$(mktemp -d)
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$data"; }
trap cleanup EXIT
(cd "$art/bin/CdsService/release" && exec env "${envs[@]}" dotnet Cds.Service.dll --urls "http://127.0.0.1:$port" \
  --Cds:Security:DevelopmentMode=true --Cds:Security:PublicBaseUrl="http://127.0.0.1:$port/" --Cds:DataDirectory="$data" ${args[@]+"${args[@]}"}) \
  >"$data/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$port/alive" && break; sleep 0.5; done
url=http://127.0.0.1:$port/cds-services/dli-coverage-order-sign
status() { awk '/VmHWM|VmRSS/{printf "%s %s kB  ", $1, $2}' "/proc/$pid/status"; }
echo "$label start: $(status)"
BODY=$corpus/heavy.json wrk -t2 -c32 -d"${PEAK_HEAVY_S:-10}s" --timeout 10s -s bench/scripts/post.lua "$url" | grep -E 'WRKJSON|Non-2xx'
echo "$label after heavy: $(status)"
BODY=$corpus/typical.json wrk -t2 -c32 -d"${PEAK_TYPICAL_S:-5}s" --timeout 10s -s bench/scripts/post.lua "$url" | grep -E 'WRKJSON|Non-2xx'
echo "$label after typical: $(status)"
