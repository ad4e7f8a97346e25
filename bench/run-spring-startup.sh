#!/usr/bin/env bash
# Start-up of a Spring Boot executable (fat) jar: the spring-it module's shop service (Boot 3.5,
# web + JDBC/H2 + AOP + cache, 32 nested jars, LaunchedClassLoader) with no agent and with the
# Odometer agent (marketplace: log, the SKUs and the config-listed controller method of
# SpringBootHostIT), N runs each, interleaved. The figures are Spring Boot's own "process running
# for" at "Started ShopApplication" (JVM start to the application ready), read from its log, and
# the process's CPU time at that moment (/proc/PID/stat, 10 ms ticks), which a shared machine
# disturbs less than wall time; each run is then stopped with SIGTERM.
#
# Usage: bench/run-spring-startup.sh [--runs 7]
#        JAVA=/path/to/bin/java bench/run-spring-startup.sh          (another JDK)
#        OTHER_AGENT=/path/to/odometer-agent.jar bench/run-spring-startup.sh   (adds a row for
#                                                    another build of the agent, e.g. before/after)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs=7
[[ "${1:-}" == "--runs" ]] && runs="$2"
java="${JAVA:-java}"
app="$root/spring-it/target/spring-host.jar"
agent="$root/agent-core/target/odometer-agent.jar"
if [[ ! -f "$app" || ! -f "$agent" ]]; then
  (cd "$root" && mvn -B -q -ntp -DskipTests package -pl spring-it -am)
fi
work="$root/bench/target/spring-startup"
mkdir -p "$work"
cat > "$work/odometer.yaml" <<'YAML'
marketplace: log
flush_interval: 30m
skus:
  order: {sku_id: sku-order}
  email: {sku_id: sku-email}
  quote: {sku_id: sku-quote}
  pages: {sku_id: sku-pages}
  thumbnail: {sku_id: sku-thumbnail}
  export: {sku_id: sku-export}
  search:
    sku_id: sku-search
    methods:
      - com.acme.shop.ShopController#search
YAML
configs=(none odometer)
[[ -n "${OTHER_AGENT:-}" ]] && configs+=(other)
raw="$work/spring-startup-raw.csv"
echo "round,config,process_running_ms,cpu_ms,load1" > "$raw"
echo "[spring-startup] $("$java" -version 2>&1 | head -1), $runs runs each after 1 warm-up round; load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = -1; round < runs; round++)); do
  for ((k = 0; k < ${#configs[@]}; k++)); do
    config="${configs[$(( (round + 1 + k) % ${#configs[@]} ))]}"
    args=()
    case "$config" in
      odometer) args=("-javaagent:$agent=config=$work/odometer.yaml") ;;
      other) args=("-javaagent:$OTHER_AGENT=config=$work/odometer.yaml") ;;
    esac
    log="$work/run.log"
    (cd "$work" && exec "$java" "${args[@]}" -jar "$app" > "$log" 2>&1) &
    pid=$!
    for _ in $(seq 1 600); do
      grep -q "Started ShopApplication" "$log" 2>/dev/null && break
      sleep 0.1
    done
    line="$(grep -m1 "Started ShopApplication" "$log" || true)"
    cpu="$(awk '{print ($14 + $15) * 10}' "/proc/$pid/stat" 2>/dev/null || echo 0)"
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [[ -z "$line" ]]; then echo "[spring-startup] $config did not start:"; tail -20 "$log"; exit 1; fi
    ms="$(sed -E 's/.*process running for ([0-9.]+)\).*/\1/' <<< "$line" | awk '{printf "%d", $1 * 1000}')"
    (( round >= 0 )) && echo "$round,$config,$ms,$cpu,$(cut -d' ' -f1 /proc/loadavg)" >> "$raw"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "[spring-startup] load $(cut -d' ' -f1-3 /proc/loadavg); medians, JVM start to 'Started':"
for config in "${configs[@]}"; do
  echo "  $config: $(grep ",$config," "$raw" | cut -d, -f3 | median) ms wall," \
    "$(grep ",$config," "$raw" | cut -d, -f4 | median) ms CPU"
done
echo "[spring-startup] raw: $raw"
