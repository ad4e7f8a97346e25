#!/usr/bin/env bash
# Start-up: wall time from JVM start to the end of main for an app that loads ~3,000 library
# classes (Guava, Jackson) and calls one @Metered and one @WithSpan method: no agent, Odometer,
# OpenTelemetry; N runs each, interleaved, after a discarded warm-up round. Results in
# bench/target/results/startup-*.csv.
#
# Usage: bench/run-startup.sh [--runs 15]           timed comparison
#        bench/run-startup.sh --diagnose [--runs 5] [--configs none,filter-only,odometer]
#                                                  where the time goes: phases split by probe
#                                                  agents, CPU time, class loads by source
#        JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/run-startup.sh   (another JDK)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/bench/target"
if [[ ! -f "$target/benchmarks.jar" || ! -f "$target/startup/classes.txt" \
      || ! -f "$target/agents/odometer-agent.jar" ]]; then
  (cd "$root" && mvn -B -q -ntp -DskipTests package -pl bench -am)
fi
java="${JAVA:-java}"
cd "$target"
mkdir -p results
if [[ " $* " == *" --diagnose "* ]]; then
  echo "[run-startup] Odometer's class-file pre-filter alone, over the app's classes:"
  "$java" -cp benchmarks.jar dev.odometer.bench.tools.FilterCost agents/odometer-agent.jar \
    startup/lib startup/classes.txt | tee results/startup-filter-cost.txt
fi
exec "$java" -Dbench.java="$(command -v "$java")" -cp benchmarks.jar \
  dev.odometer.bench.tools.StartupHarness "$@"
