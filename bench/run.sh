#!/usr/bin/env bash
# The benchmarks, all of them, in one command: bench/run.sh   (writes BENCHMARKS.md at the repository root)
#
# On a fresh Debian machine with the .NET SDK: installs wrk (apt) if missing, builds Release, generates the corpora,
# runs the BenchmarkDotNet micro benchmarks, then the end-to-end runs over loopback (the service, a bare Kestrel
# baseline and a fake EHR FHIR server, each on 127.0.0.1), and writes the report. See bench/README.md.
#
# Settings (environment): BENCH_DURATION seconds per wrk run (5), BENCH_RUNS runs per configuration (3),
# BENCH_DELAY_MS the fake EHR's delay (50), BENCH_PAGE_SIZE its page size (250), BENCH_MICRO=0 skips the micro
# benchmarks, BENCH_WARMUP seconds of warm-up per corpus before the measured runs (10: the JIT's tiering settles; see
# bench/README.md), BENCH_ONLY a comma-separated subset of the phases micro,prefetch,scaling,noprefetch,signed,deadline
# (all), BENCH_JWT_RATE the most signed calls per second a token pool is minted for (3000), BENCH_OUT the work
# directory (bench/out), BENCH_REPORT the report path (BENCHMARKS.md), BENCH_PORT the first of four ports (5181).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

duration=${BENCH_DURATION:-5}
warmup=${BENCH_WARMUP:-10}
runs=${BENCH_RUNS:-3}
delay_ms=${BENCH_DELAY_MS:-50}
page_size=${BENCH_PAGE_SIZE:-250}
micro=${BENCH_MICRO:-1}
out=${BENCH_OUT:-$root/bench/out}
report=${BENCH_REPORT:-$root/BENCHMARKS.md}
port=${BENCH_PORT:-5181}
only=${BENCH_ONLY:-micro,prefetch,scaling,noprefetch,signed,deadline}
jwt_rate=${BENCH_JWT_RATE:-3000}
[ "$micro" = "1" ] || only=$(echo ",$only," | sed 's/,micro,/,/g; s/^,//; s/,$//')
phase_on() { case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
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

# --- seven free ports on loopback, from BENCH_PORT up (another server may hold one) ---------------------------------
listening() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }
for attempt in $(seq 0 40); do
  candidate=$((port + 7 * attempt))
  free=1
  for offset in 0 1 2 3 4 5 6; do listening $((candidate + offset)) && free=0; done
  [ "$free" = 1 ] && break
  [ "$attempt" -eq 40 ] && { log "no seven free ports from $port"; exit 1; }
done
svc_port=$candidate
base_port=$((candidate + 1))
ehr_port=$((candidate + 2))
signed_port=$((candidate + 3))
deadline_port=$((candidate + 4)) # and the next one, for its slow EHR
floor_port=$((candidate + 6))      # the baseline that also parses the request once (--parse true)

# --- build (own artifacts path: never collides with artifacts/) --------------------------------------------------
rm -rf "$out/corpus" "$out/responses" "$out/data" "$out/data-signed" "$out/jwt" "$out/deadline" "$out/bdn" "$out/logs" "$out/results.jsonl" "$out/meta.env"
mkdir -p "$out/corpus" "$out/responses" "$out/data" "$out/data-signed" "$out/jwt" "$out/logs"
artifacts=$out/artifacts
log "building Release into $artifacts"
for project in bench/Cds.Benchmarks bench/Cds.FakeEhr bench/Cds.Baseline bench/Cds.BenchReport bench/Cds.JwtPool bench/Cds.DeadlineLoad src/CdsService; do
  dotnet build "$project" -c Release --artifacts-path "$artifacts" -nologo -v quiet >"$out/logs/build.log" 2>&1 \
    || { cat "$out/logs/build.log" >&2; exit 1; }
done
bin() { echo "$artifacts/bin/$1/release"; }

results=$out/results.jsonl
: >"$results"

# --- what ships: the runtime settings of the Dockerfile's ENV lines (DOTNET_*: GC and runtime knobs) ---------------
# Passed to every service process, so that memory and speed are measured with the settings the image runs with.
shipped_env=()
while IFS= read -r setting; do
  [ -n "$setting" ] && shipped_env+=("$setting")
done < <(awk '/^ENV /{on=1} on{print} on && !/\\$/{on=0}' Dockerfile | sed 's/^ENV //; s/\\$//' | tr -s ' \t' '\n' \
  | grep -E '^DOTNET_[A-Za-z0-9_]+=' | grep -v -E '^DOTNET_(CLI_TELEMETRY_OPTOUT|NOLOGO)=' | sed 's/"//g' || true)
ticks_per_second=$(getconf CLK_TCK)

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
  echo "only=$only"
  echo "shipped_env=${shipped_env[*]}"
  echo "ticks_per_second=$ticks_per_second"
  echo "jwt_rate=$jwt_rate"
  echo "duration=$duration"
  echo "warmup=$warmup"
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
dotnet "$(bin Cds.Corpus)/Cds.Corpus.dll" --out "$out/corpus" --fhir-server "http://$host:$ehr_port/fhir" --non-dli nondli=typical "${corpora[@]}" >&2
for spec in "${corpora[@]}" nondli=50; do
  name=${spec%%=*}
  printf '{"kind":"corpus","name":"%s","resources":%s,"bytes":%s}\n' "$name" "${spec#*=}" "$(stat -c %s "$out/corpus/$name.json")" >>"$results"
done

# --- micro benchmarks (nothing else running) ---------------------------------------------------------------------
if phase_on micro; then
  log "micro benchmarks (BenchmarkDotNet, short runs)"
  (cd "$out" && timeout 1800 dotnet "$(bin Cds.Benchmarks)/Cds.Benchmarks.dll" --filter '*' --artifacts "$out/bdn" >"$out/logs/bdn.log" 2>&1) \
    || { tail -50 "$out/logs/bdn.log" >&2; exit 1; }
fi

# --- servers -----------------------------------------------------------------------------------------------------
start() { # name dir command...   (the environment of the call applies)
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && exec "$@") >"$out/logs/$name.log" 2>&1 &
  pids+=($!)
  eval "${name}_pid=$!"
}
stop() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
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
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; } # utime and stime of the process, all threads, in clock ticks
record_rss() { # process pid phase
  printf '{"kind":"rss","process":"%s","phase":"%s","vmhwm_kb":%s,"vmrss_kb":%s}\n' "$1" "$3" "$(hwm "$2")" "$(rss "$2")" >>"$results"
}
check_answer() { # name file code: the service's answer to that corpus is what the benchmark expects
  local name=$1 file=$2 code=$3
  case "$name" in
    nondli) [ "$code" = 200 ] && grep -q 'sr-cbc-001' "$file" && ! grep -q '"valueCode":"covered"' "$file" ;;
    *) [ "$code" = 200 ] && grep -q '"valueCode":"covered"' "$file" ;;
  esac || { log "unexpected answer for $name ($code)"; head -c 2000 "$file" >&2; exit 1; }
}

server_corpora=(typical nondli heavy scale10)
service_url="http://$host:$svc_port$hook_path"
signed_url="http://$host:$signed_port$hook_path"
need_servers=0
for p in prefetch scaling noprefetch signed; do phase_on "$p" && need_servers=1; done

if [ "$need_servers" = 1 ]; then
  log "starting the service (Release, development mode: unsigned calls, http fhirServer on loopback; shipped env: ${shipped_env[*]:-none})"
  env "${shipped_env[@]}" true # a malformed setting fails here, not inside the service
  start service "$(bin CdsService)" env "${shipped_env[@]}" dotnet "$(bin CdsService)/Cds.Service.dll" --urls "http://$host:$svc_port" \
    --Cds:Security:DevelopmentMode=true --Cds:Security:PublicBaseUrl="http://$host:$svc_port/" --Cds:DataDirectory="$out/data"
  start fakeehr "$(bin Cds.FakeEhr)" dotnet Cds.FakeEhr.dll --urls "http://$host:$ehr_port" \
    --corpus "$out/corpus" --delay-ms "$delay_ms" --page-size "$page_size"
  wait_up "http://$host:$svc_port/alive" "$service_pid"
  wait_up "http://$host:$ehr_port/fhir/Coverage" "$fakeehr_pid"
  record_rss service "$service_pid" "started"

  # The service's answers, checked, become the baseline's fixed responses.
  for name in "${server_corpora[@]}"; do
    code=$(curl -s -o "$out/responses/$name.json" -w '%{http_code}' -X POST "$service_url" \
      -H 'Content-Type: application/json' --data-binary "@$out/corpus/$name.json")
    check_answer "$name" "$out/responses/$name.json" "$code"
    printf '{"kind":"response","name":"%s","bytes":%s}\n' "$name" "$(stat -c %s "$out/responses/$name.json")" >>"$results"
  done
  start baseline "$(bin Cds.Baseline)" dotnet Cds.Baseline.dll --urls "http://$host:$base_port" --responses "$out/responses"
  wait_up "http://$host:$base_port/" "$baseline_pid"
  start parsefloor "$(bin Cds.Baseline)" dotnet Cds.Baseline.dll --urls "http://$host:$floor_port" --responses "$out/responses" --parse true
  wait_up "http://$host:$floor_port/" "$parsefloor_pid"
fi

# --- load --------------------------------------------------------------------------------------------------------
post_lua=$root/bench/scripts/post.lua
signed_lua=$root/bench/scripts/signed.lua
wrk_run() { # phase server corpus body conns run url seconds pid [tokens [cycle]]: one wrk run, with the CPU the server spent
  local phase=$1 server=$2 corpus=$3 body=$4 conns=$5 run=$6 url=$7 seconds=$8 pid=$9 tokens=${10:-} cycle=${11:-0} threads=2 line lua
  local user0 system0 user1 system1
  [ "$conns" -lt 2 ] && threads=1
  lua=$post_lua
  [ -n "$tokens" ] && lua=$signed_lua
  read -r user0 system0 < <(cpu_ticks "$pid")
  line=$(BODY="$body" TOKENS="$tokens" CYCLE="$cycle" THREADS="$threads" timeout $((seconds + 60)) \
    wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 10s -s "$lua" "$url" | grep '^WRKJSON ' | cut -d' ' -f2-)
  read -r user1 system1 < <(cpu_ticks "$pid")
  [ -n "$line" ] || { log "wrk produced no result ($phase $server $corpus c$conns)"; exit 1; }
  printf '{"kind":"wrk","phase":"%s","server":"%s","corpus":"%s","conns":%s,"run":%s,"cpu_ticks":%s,"system_ticks":%s,"wrk":%s}\n' \
    "$phase" "$server" "$corpus" "$conns" "$run" "$((user1 + system1 - user0 - system0))" "$((system1 - system0))" "$line" >>"$results"
}

# Every configuration of the issue's table; the service and the baseline alternate, configuration by configuration,
# inside each run (same body, same wrk settings).
prefetch_configs=("typical 1" "typical 8" "typical 32" "nondli 8" "heavy 1" "heavy 8" "heavy 32" "scale10 1")
if phase_on prefetch; then
  log "warm-up"
  for name in "${server_corpora[@]}"; do
    wrk_run warmup service "$name" "$out/corpus/$name.json" 8 1 "$service_url" "$warmup" "$service_pid"
    wrk_run warmup baseline "$name" "$out/corpus/$name.json" 8 1 "http://$host:$base_port/$name" 3 "$baseline_pid"
    wrk_run warmup parsefloor "$name" "$out/corpus/$name.json" 8 1 "http://$host:$floor_port/$name" 3 "$parsefloor_pid"
  done

  log "end to end with prefetch: ${#prefetch_configs[@]} configurations, service and baseline interleaved, $runs runs of ${duration}s"
  for run in $(seq 1 "$runs"); do
    for config in "${prefetch_configs[@]}"; do
      read -r name conns <<<"$config"
      wrk_run prefetch service "$name" "$out/corpus/$name.json" "$conns" "$run" "$service_url" "$duration" "$service_pid"
      wrk_run prefetch baseline "$name" "$out/corpus/$name.json" "$conns" "$run" "http://$host:$base_port/$name" "$duration" "$baseline_pid"
      # The floor of reading the request once, for the issue's four rows only.
      case "$config" in "typical 8" | "nondli 8" | "heavy 1" | "scale10 1")
        wrk_run prefetch parsefloor "$name" "$out/corpus/$name.json" "$conns" "$run" "http://$host:$floor_port/$name" "$duration" "$parsefloor_pid" ;;
      esac
    done
  done
  record_rss service "$service_pid" "prefetch"
  record_rss baseline "$baseline_pid" "prefetch"
  record_rss parsefloor "$parsefloor_pid" "prefetch"
fi

if phase_on scaling; then
  log "scaling: time per hook by record size, concurrency 1"
  for n in "${sizes[@]}"; do
    wrk_run warmup service "scale$n" "$out/corpus/scale$n.json" 1 1 "$service_url" 2 "$service_pid"
  done
  for run in $(seq 1 "$runs"); do
    for n in "${sizes[@]}"; do
      wrk_run scaling service "scale$n" "$out/corpus/scale$n.json" 1 "$run" "$service_url" "$duration" "$service_pid"
    done
  done
  record_rss service "$service_pid" "scaling"
fi

if phase_on noprefetch; then
  log "end to end without prefetch: the fake EHR answers after ${delay_ms} ms, $page_size entries a page"
  for name in typical heavy; do
    wrk_run warmup service "$name" "$out/corpus/$name.noprefetch.json" 8 1 "$service_url" 2 "$service_pid"
  done
  for run in $(seq 1 "$runs"); do
    for name in typical heavy; do
      for conns in 1 8; do
        wrk_run noprefetch service "$name" "$out/corpus/$name.noprefetch.json" "$conns" "$run" "$service_url" "$duration" "$service_pid"
      done
    done
  done
  record_rss service "$service_pid" "noprefetch"
  record_rss fakeehr "$fakeehr_pid" "noprefetch"
fi

# --- signed calls: a second service, NOT in development mode, trusting the bench client's ES384 key ----------------
if phase_on signed; then
  log "signed calls: minting the bench client's key and one token pool per run (up to $jwt_rate calls/s)"
  jwt() { dotnet "$(bin Cds.JwtPool)/Cds.JwtPool.dll" "$@"; }
  jwt key --out "$out/jwt" 2>>"$out/logs/jwt.log"
  mapfile -t client_args <"$out/jwt/client.args"
  signed_configs=("typical 8" "nondli 8")
  pools=()
  for name in typical nondli; do pools+=("warmup-$name:$warmup"); done
  for run in $(seq 1 "$runs"); do
    for config in "${signed_configs[@]}"; do
      read -r name conns <<<"$config"
      pools+=("$run-$name:$duration")
    done
  done
  for pool in "${pools[@]}"; do
    jwt mint --key "$out/jwt/client.pem" --audience "$signed_url" --count $((jwt_rate * ${pool#*:} + 100)) --out "$out/jwt/${pool%%:*}.tokens" 2>>"$out/logs/jwt.log"
  done
  jwt mint --key "$out/jwt/client.pem" --audience "$signed_url" --count 2 --out "$out/jwt/check.tokens" 2>>"$out/logs/jwt.log"

  log "starting the signed service (Production, no development mode, the bench client registered inline)"
  ASPNETCORE_ENVIRONMENT=Production start signed "$(bin CdsService)" env "${shipped_env[@]}" dotnet "$(bin CdsService)/Cds.Service.dll" --urls "http://$host:$signed_port" \
    --Cds:Security:PublicBaseUrl="http://$host:$signed_port/" --Cds:DataDirectory="$out/data-signed" "${client_args[@]}"
  wait_up "http://$host:$signed_port/alive" "$signed_pid"
  # It must refuse an unsigned call and answer a signed one as the unsigned service does.
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$signed_url" -H 'Content-Type: application/json' --data-binary "@$out/corpus/typical.json")
  [ "$code" = 401 ] || { log "the signed service answered an unsigned call with $code, not 401"; exit 1; }
  code=$(curl -s -o "$out/responses/signed-check.json" -w '%{http_code}' -X POST "$signed_url" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $(head -1 "$out/jwt/check.tokens")" --data-binary "@$out/corpus/typical.json")
  check_answer typical "$out/responses/signed-check.json" "$code"
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$signed_url" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $(head -1 "$out/jwt/check.tokens")" --data-binary "@$out/corpus/typical.json")
  [ "$code" = 401 ] || { log "the signed service accepted a replayed token ($code)"; exit 1; }

  for name in typical nondli; do
    wrk_run warmup signed "$name" "$out/corpus/$name.json" 8 1 "$signed_url" "$warmup" "$signed_pid" "$out/jwt/warmup-$name.tokens"
  done
  log "signed: service and baseline interleaved (the same token pool sent to both, round and round to the baseline), $runs runs of ${duration}s"
  for run in $(seq 1 "$runs"); do
    for config in "${signed_configs[@]}"; do
      read -r name conns <<<"$config"
      wrk_run signed signed "$name" "$out/corpus/$name.json" "$conns" "$run" "$signed_url" "$duration" "$signed_pid" "$out/jwt/$run-$name.tokens"
      wrk_run signed baseline "$name" "$out/corpus/$name.json" "$conns" "$run" "http://$host:$base_port/$name" "$duration" "$baseline_pid" "$out/jwt/$run-$name.tokens" 1
    done
  done
  record_rss signed "$signed_pid" "signed"
  stop "$signed_pid"
fi

# A failed hook would not be a benchmark of the service: count error lines in its log (the report refuses non-2xx).
if [ -f "$out/logs/service.log" ]; then
  grep -c 'fail:' "$out/logs/service.log" >"$out/logs/service-errors.count" || true
  record_rss service "$service_pid" "end"
  stop "$service_pid"
fi
[ -n "${fakeehr_pid:-}" ] && stop "$fakeehr_pid"
[ -n "${baseline_pid:-}" ] && stop "$baseline_pid"
[ -n "${parsefloor_pid:-}" ] && stop "$parsefloor_pid"

# --- overload: no call past the budget (bench/deadline-load.sh, its own service), nothing else running -------------
if phase_on deadline; then
  log "deadlines under overload (bench/deadline-load.sh)"
  set +e
  DEADLINE_OUT="$out/deadline" DEADLINE_PORT="$deadline_port" DEADLINE_ARTIFACTS="$artifacts" bash "$root/bench/deadline-load.sh" \
    >"$out/logs/deadline.out" 2>"$out/logs/deadline.err"
  status=$?
  set -e
  printf '{"kind":"deadline","exit_status":%s}\n' "$status" >>"$results"
  [ "$status" -le 1 ] || { cat "$out/logs/deadline.err" >&2; log "deadline-load.sh failed to run ($status)"; exit 1; }
fi

echo "elapsed_s=$(($(date +%s) - started_at))" >>"$out/meta.env"
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/meta.env"

log "writing $report"
dotnet "$(bin Cds.BenchReport)/Cds.BenchReport.dll" --out "$out" --report "$report"
log "done in $(($(date +%s) - started_at)) s"
