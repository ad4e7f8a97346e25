#!/usr/bin/env bash
# Start-up cost in instructions, not time: the start-up app (3,026 library classes, one
# @Metered call) under valgrind's callgrind with no agent, an agent whose transformer does
# nothing (what any agent costs), and the Odometer agent; N runs each. Valgrind runs the JVM's
# threads one at a time, so the counts do not depend on how busy the machine is (a shared
# 2-core VM offers no hardware counters to perf); they still vary by up to ~20% between runs
# with when the JIT's compilations land, so compare ranges. Each run takes ~30-60 s.
#
# Usage: bench/run-instructions.sh [--runs 2] [--before OTHER-AGENT.jar]
#        JAVA=/path/to/bin/java bench/run-instructions.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/bench/target"
runs=2
before=""
while (($#)); do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --before) before="$2"; shift ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
  shift
done
if [[ ! -f "$target/benchmarks.jar" || ! -f "$target/agents/probe-agent.jar" ]]; then
  echo "run bench/run-startup.sh --diagnose --runs 1 first (it builds the probe agent)"; exit 1
fi
java="${JAVA:-java}"
cd "$target"
mkdir -p results
out=results/instructions.csv
echo "app,config,run,instructions" > "$out"
configs=(none null-transformer odometer)
[[ -n "$before" ]] && configs+=(odometer-before)
count() { # label, then the java arguments
  local log
  log="$(mktemp)"
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$java" "$@" > "$log" 2>&1 || true
  grep -o 'Collected : [0-9]*' "$log" | awk '{print $3}'
  rm -f "$log"
}
agent_args() {
  case "$1" in
    none) ;;
    null-transformer) echo "-javaagent:agents/probe-agent.jar=null-transformer" ;;
    odometer) echo "-javaagent:agents/odometer-agent.jar=config=agents/odometer-bench.yaml" ;;
    odometer-before) echo "-javaagent:$before=config=agents/odometer-bench.yaml" ;;
  esac
}
echo "[instructions] $("$java" -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((run = 1; run <= runs; run++)); do
  for config in "${configs[@]}"; do
    # shellcheck disable=SC2046
    n="$(count $(agent_args "$config") -cp "benchmarks.jar:startup/lib/*" \
      dev.odometer.bench.startup.StartupApp startup/classes.txt)"
    echo "startup-app,$config,$run,$n" | tee -a "$out"
  done
done
echo "[instructions] done; load $(cut -d' ' -f1-3 /proc/loadavg); results in $target/$out"
