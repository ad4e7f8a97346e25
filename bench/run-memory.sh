#!/usr/bin/env bash
# Memory: live heap after a full GC, metaspace, classes, threads and Native Memory Tracking
# summary of the start-up app (held still after main) with no agent, Odometer and OpenTelemetry,
# via jcmd; then what takes the space in the Odometer agent jar, by relocated package.
# Results in bench/target/results/memory-*.csv and agent-jar.csv.
#
# Usage: bench/run-memory.sh [--runs 3] [--before OTHER-AGENT.jar] [--no-otel]
#        JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/run-memory.sh   (another JDK)
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
"$java" -Dbench.java="$(command -v "$java")" -cp benchmarks.jar \
  dev.odometer.bench.tools.MemoryHarness "$@"
echo
"$java" -cp benchmarks.jar dev.odometer.bench.tools.JarBreakdown agents/odometer-agent.jar \
  results/agent-jar.csv
echo "opentelemetry-javaagent.jar: $(stat -c %s agents/opentelemetry-javaagent.jar) bytes"
