#!/usr/bin/env bash
# Measures the hook deadlines (issue 12): starts the service (Release, Production environment, development mode for
# unsigned calls) on loopback, runs bench/Cds.DeadlineLoad against it (8 slow-body clients beside valid calls; a slow
# EHR answering in 1 s under 32 concurrent calls), prints max latency against the hook budget + 10 %, and stops
# everything it started. Exit status 0 when no call took longer than the budget + 10 %.
#   bench/deadline-load.sh        (DEADLINE_PORT=5191, DEADLINE_OUT=bench/out/deadline, DEADLINE_ARTIFACTS=its build dir)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${DEADLINE_OUT:-$root/bench/out/deadline}
port=${DEADLINE_PORT:-5191}
ehr_port=$((port + 1))
host=127.0.0.1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[deadline %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
service_pid=""
cleanup() { if [ -n "$service_pid" ]; then kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$out/data" "$out/logs"
mkdir -p "$out/data" "$out/logs"
artifacts=${DEADLINE_ARTIFACTS:-$out/artifacts} # bench/run.sh passes its own build
log "building Release into $artifacts"
for project in src/CdsService bench/Cds.DeadlineLoad; do
  dotnet build "$project" -c Release --artifacts-path "$artifacts" -nologo -v quiet >"$out/logs/build.log" 2>&1 \
    || { cat "$out/logs/build.log" >&2; exit 1; }
done

log "starting the service on http://$host:$port (defaults: hook budget 5 s, 8 slots, slot wait 2.5 s)"
ASPNETCORE_ENVIRONMENT=Production dotnet "$artifacts/bin/CdsService/release/Cds.Service.dll" --urls "http://$host:$port" \
  --Cds:Security:DevelopmentMode=true --Cds:Security:PublicBaseUrl="http://$host:$port/" --Cds:DataDirectory="$out/data" \
  >"$out/logs/service.log" 2>&1 &
service_pid=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$out/logs/service.log" >&2; exit 1; }
  sleep 0.2
done

log "running the load"
dotnet "$artifacts/bin/Cds.DeadlineLoad/release/Cds.DeadlineLoad.dll" --service "http://$host:$port/" --ehr-port "$ehr_port" \
  --sample samples/order-sign-meets-criteria.json --budget-ms 5000 "$@"
