#!/usr/bin/env bash
# Per-call cost of counting a call (JMH): plain, Odometer @Metered, Micrometer, Dropwizard,
# OpenTelemetry @WithSpan, 1 and 2 threads, in one JMH run. Each benchmark method forks JVMs
# with exactly the agent its row needs (see PerCallBenchmark); the agent paths are relative to
# bench/target, so JMH runs there. Results: bench/target/results/per-call.json (unless -rff given).
#
# Usage: bench/run-jmh.sh [JMH options, e.g. -f 1 -wi 3 -i 3, or a benchmark regex]
#        JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/run-jmh.sh   (another JDK)
# Do not pass -jvmArgsAppend: it would replace the per-benchmark agent arguments; use -jvmArgs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/bench/target"
if [[ ! -f "$target/benchmarks.jar" || ! -f "$target/agents/odometer-agent.jar" \
      || ! -f "$target/agents/opentelemetry-javaagent.jar" ]]; then
  (cd "$root" && mvn -B -q -ntp -DskipTests package -pl bench -am)
fi
java="${JAVA:-java}"
results=()
mkdir -p "$target/results"
if [[ " $* " != *" -rff "* ]]; then
  results=(-rf json -rff results/per-call.json)
fi
cd "$target"
echo "[run-jmh] $(nproc) cores; $("$java" -version 2>&1 | head -1); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# the machine may be shared: sample the 1-minute load average every 10 s during the run
( while sleep 10; do echo "$(date +%T) $(cut -d' ' -f1 /proc/loadavg)"; done ) > results/load-during-jmh.txt &
sampler=$!
trap 'kill "$sampler" 2>/dev/null' EXIT
"$java" -jar benchmarks.jar "${results[@]}" "$@"
echo "[run-jmh] done; load average: $(cut -d' ' -f1-3 /proc/loadavg); 1-minute load during the run (min/median/max of 10 s samples): $(cut -d' ' -f2 results/load-during-jmh.txt | sort -n | awk '{a[NR]=$1} END {if (NR) print a[1], a[int((NR+1)/2)], a[NR]; else print "n/a"}')"
