#!/usr/bin/env bash
# The demo, end to end: builds the agent, the emulator and the demo service, then runs them
# together and prints what the service did against what the marketplace billed.
# Options are passed to the runner: --seconds N (traffic, default 10), --no-wait,
# --replicas N (N replicas of the service behind one PostgreSQL, cluster: in their config).
set -euo pipefail
cd "$(dirname "$0")"
echo "demo: building (first run downloads dependencies from Maven Central)..."
mvn -B -q -ntp -DskipTests package -pl demo-app -am
exec java -cp demo-app/target/odometer-demo-app.jar dev.odometer.demo.DemoRunner "$@"
