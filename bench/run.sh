#!/usr/bin/env bash
# The benchmarks, all of them, in one command: bench/run.sh   (writes BENCHMARKS.md at the repository root)
#
# On a fresh Debian machine with the .NET SDK: installs wrk (apt) if missing, builds Release, generates the corpora,
# runs the BenchmarkDotNet micro benchmarks, then the end-to-end runs over loopback (the service, a bare Kestrel
# baseline and a fake EHR FHIR server, each on 127.0.0.1), and writes the report. See bench/README.md.
#
# Settings (environment): BENCH_DURATION seconds per wrk run (5), BENCH_RUNS runs per configuration (3),
# BENCH_DELAY_MS the fake EHR's delay (50), BENCH_PAGE_SIZE its page size (250), BENCH_MICRO=0 skips the micro
# benchmarks, BENCH_OUT the work directory (bench/out), BENCH_REPORT the report path (BENCHMARKS.md),
# BENCH_PORT the first of three ports (5181).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

duration=${BENCH_DURATION:-5}
runs=${BENCH_RUNS:-3}
delay_ms=${BENCH_DELAY_MS:-50}
page_size=${BENCH_PAGE_SIZE:-250}
micro=${BENCH_MICRO:-1}
out=${BENCH_OUT:-$root/bench/out}
report=${BENCH_REPORT:-$root/BENCHMARKS.md}
port=${BENCH_PORT:-5181}
host=127.0.0.1
hook_path=/cds-services/dli-coverage-order-sign
started_at=$(date +%s)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- every process started here is stopped on exit -------------------------------------------------------------
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- load generator ----------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (Debian package)"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
command -v curl >/dev/null 2>&1 || { log "curl is required"; exit 1; }

# --- three free ports on loopback, from BENCH_PORT up (another server may hold one) ---------------------------------
listening() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }
for attempt in $(seq 0 40); do
  candidate=$((port + 3 * attempt))
  if ! listening "$candidate" && ! listening $((candidate + 1)) && ! listening $((candidate + 2)); then
    break
  fi
  [ "$attempt" -eq 40 ] && { log "no three free ports from $port"; exit 1; }
done
svc_port=$candidate
base_port=$((candidate + 1))
ehr_port=$((candidate + 2))

# --- build (own artifacts path: never collides with artifacts/) --------------------------------------------------
rm -rf "$out/corpus" "$out/responses" "$out/data" "$out/bdn" "$out/logs" "$out/results.jsonl" "$out/meta.env"
mkdir -p "$out/corpus" "$out/responses" "$out/data" "$out/logs"
artifacts=$out/artifacts
log "building Release into $artifacts"
for project in bench/Cds.Benchmarks bench/Cds.FakeEhr bench/Cds.Baseline bench/Cds.BenchReport src/CdsService; do
  dotnet build "$project" -c Release --artifacts-path "$artifacts" -nologo -v quiet >"$out/logs/build.log" 2>&1 \
    || { cat "$out/logs/build.log" >&2; exit 1; }
done
bin() { echo "$artifacts/bin/$1/release"; }

results=$out/results.jsonl
: >"$results"

# --- machine -----------------------------------------------------------------------------------------------------
{
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory_kb=$(awk '/MemTotal/{print $2}' /proc/meminfo)"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "kernel=$(uname -r)"
  echo "dotnet=$(dotnet --version)"
  echo "wrk=$(wrk -v 2>&1 | head -1)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src bench 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "command=bench/run.sh"
  echo "duration=$duration"
  echo "runs=$runs"
  echo "delay_ms=$delay_ms"
  echo "page_size=$page_size"
  echo "ports=$svc_port $base_port $ehr_port"
} >"$out/meta.env"

# --- corpora -----------------------------------------------------------------------------------------------------
log "generating corpora"
sizes=(10 100 500 1000 5000)
corpora=(typical=50 heavy=2000)
for n in "${sizes[@]}"; do corpora+=("scale$n=$n"); done
dotnet "$(bin Cds.Corpus)/Cds.Corpus.dll" --out "$out/corpus" --fhir-server "http://$host:$ehr_port/fhir" "${corpora[@]}" >&2
for spec in "${corpora[@]}"; do
  name=${spec%%=*}
  printf '{"kind":"corpus","name":"%s","resources":%s,"bytes":%s}\n' "$name" "${spec#*=}" "$(stat -c %s "$out/corpus/$name.json")" >>"$results"
done

# --- micro benchmarks (nothing else running) ---------------------------------------------------------------------
if [ "$micro" = "1" ]; then
  log "micro benchmarks (BenchmarkDotNet, short runs)"
  (cd "$out" && timeout 1200 dotnet "$(bin Cds.Benchmarks)/Cds.Benchmarks.dll" --filter '*' --artifacts "$out/bdn" >"$out/logs/bdn.log" 2>&1) \
    || { tail -50 "$out/logs/bdn.log" >&2; exit 1; }
fi

# --- servers -----------------------------------------------------------------------------------------------------
start() { # name dir dll args...
  local name=$1 dir=$2 dll=$3
  shift 3
  (cd "$dir" && exec dotnet "$dll" "$@") >"$out/logs/$name.log" 2>&1 &
  pids+=($!)
  eval "${name}_pid=$!"
}
wait_up() { # url pid: the server we started answers (not another one on that port)
  local i
  for i in $(seq 1 120); do
    kill -0 "$2" 2>/dev/null || { log "exited: $1 (see $out/logs)"; exit 1; }
    curl -s -o /dev/null "$1" && return 0
    sleep 0.5
  done
  log "not up: $1"
  exit 1
}
hwm() { awk '/VmHWM/{print $2}' "/proc/$1/status"; }
rss() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
record_rss() { # process pid phase
  printf '{"kind":"rss","process":"%s","phase":"%s","vmhwm_kb":%s,"vmrss_kb":%s}\n' "$1" "$3" "$(hwm "$2")" "$(rss "$2")" >>"$results"
}

log "starting the service (Release, development mode: unsigned calls, http fhirServer on loopback)"
start service "$(bin CdsService)" Cds.Service.dll --urls "http://$host:$svc_port" \
  --Cds:Security:DevelopmentMode=true --Cds:Security:PublicBaseUrl="http://$host:$svc_port/" --Cds:DataDirectory="$out/data"
start fakeehr "$(bin Cds.FakeEhr)" Cds.FakeEhr.dll --urls "http://$host:$ehr_port" \
  --corpus "$out/corpus" --delay-ms "$delay_ms" --page-size "$page_size"
wait_up "http://$host:$svc_port/alive" "$service_pid"
wait_up "http://$host:$ehr_port/fhir/Coverage" "$fakeehr_pid"
record_rss service "$service_pid" "started"

# The service's answers, checked, become the baseline's fixed responses.
for name in typical heavy; do
  code=$(curl -s -o "$out/responses/$name.json" -w '%{http_code}' -X POST "http://$host:$svc_port$hook_path" \
    -H 'Content-Type: application/json' --data-binary "@$out/corpus/$name.json")
  if [ "$code" != 200 ] || ! grep -q '"valueCode":"covered"' "$out/responses/$name.json"; then
    log "unexpected answer for $name ($code)"; head -c 2000 "$out/responses/$name.json" >&2; exit 1
  fi
  printf '{"kind":"response","name":"%s","bytes":%s}\n' "$name" "$(stat -c %s "$out/responses/$name.json")" >>"$results"
done
start baseline "$(bin Cds.Baseline)" Cds.Baseline.dll --urls "http://$host:$base_port" --responses "$out/responses"
wait_up "http://$host:$base_port/" "$baseline_pid"

# --- load --------------------------------------------------------------------------------------------------------
lua=$root/bench/scripts/post.lua
wrk_run() { # phase server corpus body conns run url seconds
  local phase=$1 server=$2 corpus=$3 body=$4 conns=$5 run=$6 url=$7 seconds=$8 threads=2 line
  [ "$conns" -lt 2 ] && threads=1
  line=$(BODY="$body" timeout $((seconds + 30)) wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 10s -s "$lua" "$url" | grep '^WRKJSON ' | cut -d' ' -f2-)
  [ -n "$line" ] || { log "wrk produced no result ($phase $server $corpus c$conns)"; exit 1; }
  printf '{"kind":"wrk","phase":"%s","server":"%s","corpus":"%s","conns":%s,"run":%s,"wrk":%s}\n' \
    "$phase" "$server" "$corpus" "$conns" "$run" "$line" >>"$results"
}
service_url="http://$host:$svc_port$hook_path"

log "warm-up"
for name in typical heavy; do
  wrk_run warmup service "$name" "$out/corpus/$name.json" 8 1 "$service_url" 3
  wrk_run warmup baseline "$name" "$out/corpus/$name.json" 8 1 "http://$host:$base_port/$name" 3
done

log "end to end with prefetch: service and baseline, concurrency 1, 8, 32, $runs runs of ${duration}s"
for name in typical heavy; do
  for conns in 1 8 32; do
    for run in $(seq 1 "$runs"); do
      wrk_run prefetch service "$name" "$out/corpus/$name.json" "$conns" "$run" "$service_url" "$duration"
      wrk_run prefetch baseline "$name" "$out/corpus/$name.json" "$conns" "$run" "http://$host:$base_port/$name" "$duration"
    done
  done
done
record_rss service "$service_pid" "prefetch"
record_rss baseline "$baseline_pid" "prefetch"

log "scaling: time per hook by record size, concurrency 1"
for n in "${sizes[@]}"; do
  wrk_run warmup service "scale$n" "$out/corpus/scale$n.json" 1 1 "$service_url" 2
  for run in $(seq 1 "$runs"); do
    wrk_run scaling service "scale$n" "$out/corpus/scale$n.json" 1 "$run" "$service_url" "$duration"
  done
done
record_rss service "$service_pid" "scaling"

log "end to end without prefetch: the fake EHR answers after ${delay_ms} ms, $page_size entries a page"
for name in typical heavy; do
  wrk_run warmup service "$name" "$out/corpus/$name.noprefetch.json" 8 1 "$service_url" 2
  for conns in 1 8; do
    for run in $(seq 1 "$runs"); do
      wrk_run noprefetch service "$name" "$out/corpus/$name.noprefetch.json" "$conns" "$run" "$service_url" "$duration"
    done
  done
done
record_rss service "$service_pid" "noprefetch"
record_rss fakeehr "$fakeehr_pid" "noprefetch"

# The one setting that moves peak memory: the garbage collector. A fresh service for each mode, the same load.
log "garbage collector: server (as shipped) and workstation (DOTNET_gcServer=0), fresh processes"
kill "$service_pid" 2>/dev/null || true
wait "$service_pid" 2>/dev/null || true
for mode in server workstation; do
  gc_server=1
  [ "$mode" = workstation ] && gc_server=0
  rm -rf "$out/data-gc"
  mkdir -p "$out/data-gc"
  export DOTNET_gcServer=$gc_server
  start gcservice "$(bin CdsService)" Cds.Service.dll --urls "http://$host:$svc_port" \
    --Cds:Security:DevelopmentMode=true --Cds:Security:PublicBaseUrl="http://$host:$svc_port/" --Cds:DataDirectory="$out/data-gc"
  unset DOTNET_gcServer
  wait_up "http://$host:$svc_port/alive" "$gcservice_pid"
  wrk_run warmup "gc-$mode" typical "$out/corpus/typical.json" 8 1 "$service_url" 2
  wrk_run warmup "gc-$mode" heavy "$out/corpus/heavy.json" 8 1 "$service_url" 2
  for run in $(seq 1 "$runs"); do
    wrk_run gc "gc-$mode" typical "$out/corpus/typical.json" 8 "$run" "$service_url" "$duration"
    wrk_run gc "gc-$mode" heavy "$out/corpus/heavy.json" 32 "$run" "$service_url" "$duration"
  done
  record_rss "service-gc-$mode" "$gcservice_pid" "gc"
  kill "$gcservice_pid" 2>/dev/null || true
  wait "$gcservice_pid" 2>/dev/null || true
done

# A failed hook would not be a benchmark of the service: count non-2xx answers in the report, and look for errors.
grep -c 'fail:' "$out/logs/service.log" >"$out/logs/service-errors.count" || true
echo "elapsed_s=$(($(date +%s) - started_at))" >>"$out/meta.env"
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/meta.env"

log "writing $report"
dotnet "$(bin Cds.BenchReport)/Cds.BenchReport.dll" --out "$out" --report "$report"
log "done in $(($(date +%s) - started_at)) s"
