#!/usr/bin/env bash
# What an application class-data archive that includes the agent gives a user: the start-up
# app with no agent and with Odometer, each without and with an archive made from a run of the
# same command line. JDK 17 (and other JDKs before 24): a static AppCDS archive
# (-XX:DumpLoadedClassList, then -Xshare:dump). JDK 24+: the AOT cache (-XX:AOTCacheOutput,
# JEP 483/514). The agent's classes are archived only when its jar is also on -cp: the JVM
# appends a -javaagent jar to the class path at run time, after the archive's class path.
# N runs each, interleaved; end of main as in run-startup.sh. Results in results/appcds-*.csv.
#
# Usage: bench/run-appcds.sh [--runs 7]
#        JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/run-appcds.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/bench/target"
runs=7
[[ "${1:-}" == "--runs" ]] && runs="$2"
java="${JAVA:-java}"
cd "$target"
mkdir -p results cds
version="$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
agent="-javaagent:agents/odometer-agent.jar=config=agents/odometer-bench.yaml"
cp_plain="benchmarks.jar:$(ls startup/lib/*.jar | tr '\n' ':' | sed 's/:$//')"
cp_agent="agents/odometer-agent.jar:$cp_plain"
app=(dev.odometer.bench.startup.StartupApp startup/classes.txt)

make_archive() { # name, class path, agent argument (or empty)
  local name="$1" cp="$2" agent_arg="$3" extra=()
  [[ -n "$agent_arg" ]] && extra=("$agent_arg")
  if (( version >= 24 )); then
    "$java" -XX:AOTCacheOutput="cds/$name.aot" "${extra[@]}" -cp "$cp" "${app[@]}" > /dev/null 2>&1
  else
    "$java" -XX:DumpLoadedClassList="cds/$name.classlist" "${extra[@]}" -cp "$cp" "${app[@]}" > /dev/null 2>&1
    "$java" -Xshare:dump -XX:SharedClassListFile="cds/$name.classlist" \
      -XX:SharedArchiveFile="cds/$name.jsa" -cp "$cp" > "cds/$name.dump.log" 2>&1
  fi
}
use_archive() {
  if (( version >= 24 )); then echo "-XX:AOTCache=cds/$1.aot"; else echo "-XX:SharedArchiveFile=cds/$1.jsa"; fi
}
make_archive plain "$cp_plain" ""
make_archive agent "$cp_agent" "$agent"

# timed in Python: time.monotonic_ns() and the app's System.nanoTime() are one clock on Linux
JAVA_BIN="$java" AGENT="$agent" CP_PLAIN="$cp_plain" CP_AGENT="$cp_agent" RUNS="$runs" \
ARCHIVE_PLAIN="$(use_archive plain)" ARCHIVE_AGENT="$(use_archive agent)" VERSION="$version" \
python3 - <<'PY'
import os, subprocess, statistics, time
env = os.environ
app = ["dev.odometer.bench.startup.StartupApp", "startup/classes.txt"]
configs = {
    "none": ["-cp", env["CP_PLAIN"]],
    "none-archive": [env["ARCHIVE_PLAIN"], "-cp", env["CP_PLAIN"]],
    "odometer": [env["AGENT"], "-cp", env["CP_AGENT"]],
    "odometer-archive": [env["ARCHIVE_AGENT"], env["AGENT"], "-cp", env["CP_AGENT"]],
}
names = list(configs)
runs = int(env["RUNS"])
results = {n: [] for n in names}
raw = ["round,config,end_of_main_ms,classes_from_archive"]
with open("/proc/loadavg") as f:
    print("[appcds] load before", " ".join(f.read().split()[:3]))
for rnd in range(-1, runs):
    for k in range(len(names)):
        name = names[(rnd + 1 + k) % len(names)]
        cmd = [env["JAVA_BIN"], "-Xlog:class+load=info:file=cds/load.log"] + configs[name] + app
        start = time.monotonic_ns()
        out = subprocess.run(cmd, capture_output=True, text=True)
        values = dict(l.split()[:2] for l in out.stdout.splitlines() if len(l.split()) == 2)
        if "endNanos" not in values:
            raise SystemExit(name + " failed: " + out.stdout + out.stderr)
        if name.startswith("odometer") and "quantity=1" not in out.stdout + out.stderr:
            raise SystemExit(name + " did not meter its call: " + out.stdout + out.stderr)
        ms = (int(values["endNanos"]) - start) / 1e6
        with open("cds/load.log") as f:
            shared = sum(1 for l in f if "shared objects file" in l or "AOT cache" in l)
        if rnd >= 0:
            results[name].append(ms)
            raw.append(f"{rnd},{name},{ms:.1f},{shared}")
with open(f"results/appcds-raw-{env['VERSION']}.csv", "w") as f:
    f.write("\n".join(raw) + "\n")
with open("/proc/loadavg") as f:
    print("[appcds] load after", " ".join(f.read().split()[:3]))
base = statistics.median(results["none"])
for name in names:
    last = [l for l in raw if f",{name}," in l][-1].split(",")[3]
    med = statistics.median(results[name])
    print(f"  {name}: median {med:.0f} ms JVM start to end of main ({med - base:+.0f} vs none), "
          f"{last} classes from the archive")
PY
