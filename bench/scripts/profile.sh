#!/usr/bin/env bash
# bench/scripts/profile.sh PID [SECONDS] [METHOD-REGEX]: an on-CPU profile of a running .NET process with perf, and the
# inclusive share of its CPU per method (methods named "Assembly!Type::Method", filtered by METHOD-REGEX, default ^Cds)
# and per thread. Start the process with DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 (the JIT writes
# /tmp/perf-PID.map, and code is not double-mapped), put it under load (wrk), then run this. Needs perf (Debian's
# linux-perf) and python3. The raw samples stay in perf.PID.data / perf.PID.txt in the current directory.
set -euo pipefail
pid=$1
seconds=${2:-10}
pattern=${3:-^Cds}
perf record -F 499 -g -p "$pid" -o "perf.$pid.data" -- sleep "$seconds" >/dev/null 2>&1
perf script -i "perf.$pid.data" -F comm,ip,sym 2>/dev/null >"perf.$pid.txt"
python3 - "perf.$pid.txt" "$pattern" <<'PY'
import collections, re, sys
frame = re.compile(r'\[([\w.]+)\] ([^\s(]*?::[^\s(]+)\(')
wanted = re.compile(sys.argv[2])
methods, threads, samples = collections.Counter(), collections.Counter(), 0
comm, frames = None, []
def flush():
    global samples
    if comm is None:
        return
    samples += 1
    threads[comm] += 1
    seen = set()
    for f in frames:
        m = frame.search(f)
        name = m.group(1) + '!' + m.group(2) if m else None
        if name and wanted.search(name) and name not in seen:
            seen.add(name)
            methods[name] += 1
for line in open(sys.argv[1], errors='replace'):
    if not line.strip():
        flush(); comm, frames = None, []
    elif not line.startswith((' ', '\t')):
        flush(); comm, frames = re.sub(r'\s+\d+$', '', line.strip()), []
    else:
        frames.append(line.strip())
flush()
print(f'{samples} samples')
for name, n in threads.most_common(8):
    print(f'{100 * n / samples:5.1f}%  thread {name}')
for name, n in methods.most_common(40):
    print(f'{100 * n / samples:5.1f}%  {name[:160]}')
PY
