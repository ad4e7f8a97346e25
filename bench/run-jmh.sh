#!/usr/bin/env bash
# Per-call cost of metering (JMH), plain vs @Metered under the real agent jar.
# Usage: bench/run-jmh.sh [extra JMH options, e.g. -f 1 -wi 3 -i 3 or a benchmark regex]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [[ ! -f bench/target/benchmarks.jar || ! -f agent-core/target/odometer-agent.jar ]]; then
  mvn -B -q -ntp -DskipTests package -pl bench -am
fi
exec java -jar bench/target/benchmarks.jar \
  -jvmArgsAppend "-javaagent:$root/agent-core/target/odometer-agent.jar=config=$root/bench/odometer-bench.yaml" \
  "$@"
