package dev.odometer.bench.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Times the start-up app (dev.odometer.bench.startup.StartupApp) with no agent, with the
 * Odometer agent and with the OpenTelemetry agent: N runs of each, interleaved (round r starts
 * at config r mod 3, so no config always runs first or last), after one discarded warm-up round,
 * all in one session so the rows share the machine's state.
 *
 * <p>Two times per run, both from {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux, shared by
 * all processes), starting just before {@link ProcessBuilder#start()}:
 * <ul>
 *   <li>end of main: the app's own nanoTime reading at the end of its main (what the brief
 *       calls JVM start to end of main; it includes fork/exec, the same for every row);
 *   <li>process: until the process has exited (adds JVM shutdown and the agents' shutdown hooks).
 * </ul>
 *
 * <p>With {@code --diagnose}, it instead runs each config with probe agents around the agent
 * under test (see {@link PremainClock}) to split the time into phases, prints each process's
 * CPU time, and logs class loading once per config to count what each agent loads.
 *
 * <p>Runs in bench/target (run-startup.sh goes there). Usage:
 * {@code StartupHarness [--runs 15] [--before OTHER-AGENT.jar] [--no-otel]
 * [--diagnose [--configs none,odometer,...]] [--out results]}
 */
public final class StartupHarness {
    private static final String CLASSPATH = "benchmarks.jar:startup/lib/*";
    private static final String APP = "dev.odometer.bench.startup.StartupApp";
    private static final String CLASS_LIST = "startup/classes.txt";
    private static final String ODOMETER =
            "-javaagent:agents/odometer-agent.jar=config=agents/odometer-bench.yaml";
    private static final String OTEL = "-javaagent:agents/opentelemetry-javaagent.jar";
    private static final List<String> OTEL_OPTIONS = List.of("-Dotel.traces.exporter=none",
            "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none");
    private static final String PROBE_JAR = "agents/probe-agent.jar";

    private StartupHarness() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 15;
        boolean diagnose = false;
        Path out = Path.of("results");
        List<String> only = null;
        String before = null;
        boolean otel = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--before": before = args[++i]; break;
                case "--no-otel": otel = false; break;
                case "--runs": runs = Integer.parseInt(args[++i]); break;
                case "--diagnose": diagnose = true; break;
                case "--out": out = Path.of(args[++i]); break;
                case "--configs": only = List.of(args[++i].split(",")); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (String needed : List.of("benchmarks.jar", CLASS_LIST, "agents/odometer-agent.jar",
                "agents/opentelemetry-javaagent.jar", "agents/odometer-bench.yaml")) {
            if (!Files.exists(Path.of(needed))) {
                throw new IllegalStateException(needed + " missing: run from bench/target after "
                        + "building (bench/run-startup.sh does both)");
            }
        }
        Files.createDirectories(out);
        String java = Shell.java();
        if (diagnose) {
            diagnose(java, runs, out, only);
        } else {
            time(java, runs, out, before, otel);
        }
    }

    // ---- timing ---------------------------------------------------------------------------

    /**
     * @param before another build of the Odometer agent jar (e.g. the previous release), timed
     *               as the row "odometer-before", or null
     */
    private static void time(String java, int runs, Path out, String before, boolean withOtel)
            throws Exception {
        Map<String, List<String>> configs = new LinkedHashMap<>();
        configs.put("none", List.of());
        configs.put("odometer", List.of(ODOMETER));
        if (before != null) {
            configs.put("odometer-before", List.of("-javaagent:" + before
                    + "=config=agents/odometer-bench.yaml"));
        }
        if (withOtel) {
            List<String> otel = new ArrayList<>(List.of(OTEL));
            otel.addAll(OTEL_OPTIONS);
            configs.put("otel", otel);
        }
        List<String> names = new ArrayList<>(configs.keySet());

        String loadBefore = Shell.loadAverage();
        System.out.println("[startup] " + Shell.runtimeVersion(java) + ", " + runs
                + " runs per config after 1 warm-up round; load average " + loadBefore);
        Map<String, List<Double>> endOfMain = new LinkedHashMap<>();
        Map<String, List<Double>> process = new LinkedHashMap<>();
        names.forEach(n -> {
            endOfMain.put(n, new ArrayList<>());
            process.put(n, new ArrayList<>());
        });
        List<String> raw = new ArrayList<>();
        raw.add("round,config,end_of_main_ms,process_ms,main_start_ms,classes,load1");
        for (int round = -1; round < runs; round++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(Math.floorMod(round + k, names.size()));
                Run run = launch(java, configs.get(name), List.of(), false);
                if (name.startsWith("odometer") && !run.stdout.contains("quantity=1")) {
                    throw new IllegalStateException("the Odometer run did not meter its one call:\n"
                            + run.stdout + run.stderr);
                }
                if (run.classes < 1000) {
                    throw new IllegalStateException("the app loaded too few classes:\n"
                            + run.stdout + run.stderr);
                }
                if (round < 0) {
                    continue; // warm-up round: page cache, CDS archive, JIT-free first touches
                }
                endOfMain.get(name).add(run.endOfMainMs());
                process.get(name).add(run.processMs());
                raw.add(round + "," + name + "," + fmt(run.endOfMainMs()) + ","
                        + fmt(run.processMs()) + "," + fmt(run.mainStartMs()) + "," + run.classes
                        + "," + Shell.oneMinuteLoad());
            }
        }
        String loadAfter = Shell.loadAverage();
        Files.write(out.resolve("startup-raw.csv"), raw, StandardCharsets.UTF_8);

        List<String> summary = new ArrayList<>();
        summary.add("# start-up, " + Shell.runtimeVersion(java) + ", " + runs + " runs each, "
                + "interleaved; load average before " + loadBefore + ", after " + loadAfter);
        summary.add("measure,config,n,median_ms,p25_ms,p75_ms,min_ms,max_ms,mean_ms,stdev_ms,"
                + "median_minus_none_ms");
        for (String measure : List.of("end_of_main", "process")) {
            Map<String, List<Double>> data = measure.equals("process") ? process : endOfMain;
            double none = new Stats(data.get("none")).median;
            for (String name : names) {
                Stats s = new Stats(data.get(name));
                summary.add(measure + "," + name + "," + s.n + "," + fmt(s.median) + ","
                        + fmt(s.p25) + "," + fmt(s.p75) + "," + fmt(s.min) + "," + fmt(s.max) + ","
                        + fmt(s.mean) + "," + fmt(s.stdev) + "," + fmt(s.median - none));
            }
        }
        Files.write(out.resolve("startup-summary.csv"), summary, StandardCharsets.UTF_8);
        summary.forEach(System.out::println);
    }

    // ---- diagnosis ------------------------------------------------------------------------

    private static void diagnose(String java, int runs, Path out, List<String> only)
            throws Exception {
        writeProbeJar();
        String before = "-javaagent:" + PROBE_JAR + "=before";
        String after = "-javaagent:" + PROBE_JAR + "=after";
        Map<String, List<String>> configs = new LinkedHashMap<>();
        configs.put("none", List.of());
        configs.put("probe-only", List.of(before));
        configs.put("null-transformer", List.of("-javaagent:" + PROBE_JAR + "=null-transformer"));
        configs.put("filter-only", List.of("-javaagent:" + PROBE_JAR + "=filter-only"));
        configs.put("odometer", List.of(before, ODOMETER, after));
        List<String> otel = new ArrayList<>(List.of(before, OTEL, after));
        otel.addAll(OTEL_OPTIONS);
        configs.put("otel", otel);
        if (only != null) {
            configs.keySet().retainAll(only);
        }
        List<String> names = new ArrayList<>(configs.keySet());

        System.out.println("[startup --diagnose] " + Shell.runtimeVersion(java) + ", " + runs
                + " runs per config; load average " + Shell.loadAverage());
        String[] phases = {"to_first_premain", "agent_premain", "to_main", "load_classes",
            "first_calls", "end_of_main", "exit", "process", "cpu"};
        Map<String, Map<String, List<Double>>> data = new LinkedHashMap<>();
        for (String name : names) {
            Map<String, List<Double>> byPhase = new LinkedHashMap<>();
            for (String phase : phases) {
                byPhase.put(phase, new ArrayList<>());
            }
            data.put(name, byPhase);
        }
        Map<String, Map<String, List<Double>>> cpu = new LinkedHashMap<>();
        for (int round = -1; round < runs; round++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(Math.floorMod(round + k, names.size()));
                Run run = launch(java, configs.get(name), List.of(), true);
                if (round < 0) {
                    continue;
                }
                Map<String, List<Double>> d = data.get(name);
                Long probeBefore = run.values.containsKey("probe.before")
                        ? run.values.get("probe.before") : firstProbe(run.values);
                Long probeAfter = run.values.get("probe.after");
                d.get("to_first_premain").add(probeBefore == null ? Double.NaN
                        : ms(probeBefore - run.startNanos));
                d.get("agent_premain").add(probeBefore == null || probeAfter == null
                        ? Double.NaN : ms(probeAfter - probeBefore));
                long lastPremain = probeAfter != null ? probeAfter
                        : probeBefore != null ? probeBefore : run.startNanos;
                d.get("to_main").add(ms(run.values.get("mainStartNanos") - lastPremain));
                d.get("load_classes").add(ms(run.values.get("loadedNanos")
                        - run.values.get("mainStartNanos")));
                d.get("first_calls").add(ms(run.values.get("endNanos")
                        - run.values.get("loadedNanos")));
                d.get("end_of_main").add(run.endOfMainMs());
                d.get("exit").add(ms(run.exitNanos - run.values.get("endNanos")));
                d.get("process").add(run.processMs());
                d.get("cpu").add(run.values.get("cpuMillis").doubleValue());
                for (Map.Entry<String, Double> e : run.cpuByThreadGroup.entrySet()) {
                    cpu.computeIfAbsent(name, n -> new TreeMap<>())
                            .computeIfAbsent(e.getKey(), g -> new ArrayList<>()).add(e.getValue());
                }
            }
        }
        List<String> table = new ArrayList<>();
        table.add("# start-up phases (medians, ms), " + Shell.runtimeVersion(java) + ", " + runs
                + " runs each; load average after " + Shell.loadAverage());
        table.add("config," + String.join(",", phases));
        for (String name : names) {
            StringBuilder row = new StringBuilder(name);
            for (String phase : phases) {
                List<Double> values = data.get(name).get(phase);
                boolean missing = values.stream().anyMatch(v -> v.isNaN());
                row.append(',').append(missing ? "" : fmt(new Stats(values).median));
            }
            table.add(row.toString());
        }
        Files.write(out.resolve("startup-phases.csv"), table, StandardCharsets.UTF_8);
        table.forEach(System.out::println);

        List<String> threads = new ArrayList<>();
        threads.add("# CPU time by thread (medians, ms, from /proc every 3 ms; 10 ms ticks)");
        threads.add("config,thread_group,cpu_ms");
        for (Map.Entry<String, Map<String, List<Double>>> c : cpu.entrySet()) {
            for (Map.Entry<String, List<Double>> g : c.getValue().entrySet()) {
                List<Double> values = new ArrayList<>(g.getValue());
                while (values.size() < runs) {
                    values.add(0.0); // a run in which the group had no thread
                }
                threads.add(c.getKey() + "," + g.getKey() + "," + fmt(new Stats(values).median));
            }
        }
        Files.write(out.resolve("startup-threads.csv"), threads, StandardCharsets.UTF_8);
        threads.forEach(System.out::println);

        // class loading logged: what does each agent load, and when? 3 interleaved rounds;
        // the counts are from the last round, the Odometer milestones are medians of all three
        List<String> loads = new ArrayList<>();
        loads.add("config,source,classes,first_ms,last_ms");
        Map<String, List<Double>> milestones = new LinkedHashMap<>();
        List<String> logged = new ArrayList<>(List.of("none", "odometer", "otel"));
        logged.retainAll(names);
        Map<String, Map<String, long[]>> lastCounts = new LinkedHashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < logged.size(); k++) {
                String name = logged.get((round + k) % logged.size());
                Path log = out.resolve("classload-" + name + ".log").toAbsolutePath();
                Files.deleteIfExists(log);
                launch(java, agentOnly(configs.get(name)), List.of("-Xlog:class+load=info:file="
                        + log + ":uptimemillis"), false);
                lastCounts.put(name, classLoadsBySource(log));
                if (name.equals("odometer")) {
                    for (Map.Entry<String, Long> m : odometerMilestones(log).entrySet()) {
                        milestones.computeIfAbsent(m.getKey(), x -> new ArrayList<>())
                                .add(m.getValue().doubleValue());
                    }
                }
            }
        }
        for (Map.Entry<String, Map<String, long[]>> c : lastCounts.entrySet()) {
            for (Map.Entry<String, long[]> e : c.getValue().entrySet()) {
                long[] v = e.getValue();
                loads.add(c.getKey() + "," + e.getKey() + "," + v[0] + "," + v[1] + "," + v[2]);
            }
        }
        Files.write(out.resolve("startup-classloads.csv"), loads, StandardCharsets.UTF_8);
        loads.forEach(System.out::println);
        List<String> ms = new ArrayList<>();
        ms.add("# Odometer start-up milestones: JVM uptime (ms) at which a class was first loaded, "
                + "medians of 3 runs with -Xlog:class+load (which itself slows loading)");
        ms.add("milestone,uptime_ms");
        for (Map.Entry<String, List<Double>> m : milestones.entrySet()) {
            ms.add(m.getKey() + "," + fmt(new Stats(m.getValue()).median));
        }
        Files.write(out.resolve("startup-milestones.csv"), ms, StandardCharsets.UTF_8);
        ms.forEach(System.out::println);
    }

    private static Long firstProbe(Map<String, Long> values) {
        for (Map.Entry<String, Long> e : values.entrySet()) {
            if (e.getKey().startsWith("probe.") && !e.getKey().equals("probe.after")) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The configs' arguments without the probe agents. */
    private static List<String> agentOnly(List<String> args) {
        List<String> kept = new ArrayList<>();
        for (String arg : args) {
            if (!arg.contains(PROBE_JAR)) {
                kept.add(arg);
            }
        }
        return kept;
    }

    /**
     * When the stages of Odometer's start-up ran, read off the first load of the class that
     * starts each one; and how many Byte Buddy classes the background warm-up loaded before
     * main, during main before the first metered class, and for it.
     */
    private static Map<String, Long> odometerMilestones(Path log) throws IOException {
        String[][] marks = {
            {"premain_start", "dev.odometer.agent.OdometerAgent"},
            {"config_load_start", "dev.odometer.agent.config.ConfigLoader"},
            {"config_loaded_instrumenter_start", "dev.odometer.agent.instrument.Instrumenter"},
            {"bootstrap_jar_written", "dev.odometer.agent.bootstrap.Counters"},
            {"transformer_installed", "dev.odometer.agent.instrument.PrefilteringTransformer"},
            {"accumulator_start", "dev.odometer.agent.accumulate.Accumulator"},
            {"main_class_loaded", "dev.odometer.bench.startup.StartupApp"},
            {"metered_class_loaded", "dev.odometer.bench.startup.BillableService"},
        };
        Map<String, Long> firstLoad = new HashMap<>();
        List<long[]> byteBuddy = new ArrayList<>(); // uptime of each Byte Buddy class load
        long lastLibraryClass = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int close = line.indexOf("ms] ");
            if (!line.startsWith("[") || close < 0) {
                continue;
            }
            long at = Long.parseLong(line.substring(1, close));
            String rest = line.substring(close + 4);
            String className = rest.split(" ", 2)[0];
            firstLoad.putIfAbsent(className, at);
            if (className.startsWith("dev.odometer.agent.shaded.bytebuddy.")) {
                byteBuddy.add(new long[] {at});
            }
            if (rest.contains("startup/lib/")) {
                lastLibraryClass = at;
            }
        }
        // Byte Buddy classes: by the background warm-up before main and while main loads the
        // libraries, then on the main thread for the first metered class (after the libraries)
        Long main = firstLoad.get("dev.odometer.bench.startup.StartupApp");
        long bbBeforeMain = 0;
        long bbDuringLibraries = 0;
        long bbAfterLibraries = 0;
        for (long[] at : byteBuddy) {
            if (main != null && at[0] < main) {
                bbBeforeMain++;
            } else if (at[0] <= lastLibraryClass) {
                bbDuringLibraries++;
            } else {
                bbAfterLibraries++;
            }
        }
        Map<String, Long> result = new LinkedHashMap<>();
        for (String[] mark : marks) {
            Long at = firstLoad.get(mark[1]);
            if (at != null) {
                result.put(mark[0], at);
            }
        }
        result.put("last_library_class_loaded", lastLibraryClass);
        result.put("bytebuddy_classes_before_main", bbBeforeMain);
        result.put("bytebuddy_classes_while_main_loads_libraries", bbDuringLibraries);
        result.put("bytebuddy_classes_after_libraries_for_metered_class", bbAfterLibraries);
        return result;
    }

    /** Classes loaded by source (coarsened), with count and first and last uptime in ms. */
    private static Map<String, long[]> classLoadsBySource(Path log) throws IOException {
        Map<String, long[]> bySource = new TreeMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            // [123ms] java.lang.Object source: shared objects file
            int close = line.indexOf("ms] ");
            if (!line.startsWith("[") || close < 0) {
                continue;
            }
            long at = Long.parseLong(line.substring(1, close));
            String rest = line.substring(close + 4);
            String className = rest.split(" ", 2)[0];
            int src = rest.indexOf("source: ");
            String source = src < 0 ? "(no source)" : rest.substring(src + 8);
            String key = coarse(className, source);
            long[] v = bySource.computeIfAbsent(key, k -> new long[] {0, Long.MAX_VALUE, 0});
            v[0]++;
            v[1] = Math.min(v[1], at);
            v[2] = Math.max(v[2], at);
        }
        return bySource;
    }

    private static String coarse(String className, String source) {
        if (source.contains("odometer-agent.jar")) {
            if (className.startsWith("dev.odometer.agent.shaded.")) {
                String lib = className.substring("dev.odometer.agent.shaded.".length());
                return "odometer-agent.jar shaded " + lib.split("\\.", 2)[0];
            }
            return "odometer-agent.jar own classes";
        }
        if (source.contains("odometer-bootstrap-")) {
            return "odometer bootstrap jar (temp)";
        }
        if (source.contains("opentelemetry-javaagent.jar") || source.contains("otel")) {
            return "opentelemetry-javaagent.jar";
        }
        if (source.startsWith("shared objects file")) {
            return "JDK, from the CDS archive";
        }
        if (source.startsWith("jrt:/")) {
            return "JDK, from jrt:/ (not in the CDS archive)";
        }
        if (source.contains("startup/lib/")) {
            return "app libraries (Guava, Jackson)";
        }
        if (source.contains("benchmarks.jar")) {
            return "app (benchmarks.jar)";
        }
        if (source.contains("__JVM_LookupDefineClass__") || source.contains("__Lookup_defineClass__")
                || source.contains("__JVM_DefineClass__") || source.contains("__ClassDefiner__")) {
            return "generated at run time (lambdas, proxies, Byte Buddy)";
        }
        if (!source.contains("/") && !source.contains(":")) {
            // a hidden class or lambda: the source names its host class
            return "generated at run time (lambdas, proxies, Byte Buddy)";
        }
        return "other: " + (source.length() > 40 ? source.substring(0, 40) : source);
    }

    private static void writeProbeJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"),
                PremainClock.class.getName());
        // as Odometer's manifest has it, so the probe's transformers are registered the same way
        manifest.getMainAttributes().put(new Attributes.Name("Can-Retransform-Classes"), "true");
        try (OutputStream file = Files.newOutputStream(Path.of(PROBE_JAR));
             JarOutputStream jar = new JarOutputStream(file, manifest)) {
            // the agent class and its anonymous transformers
            for (String name : new String[] {"", "$1", "$2"}) {
                String entry = PremainClock.class.getName().replace('.', '/') + name + ".class";
                try (InputStream in = PremainClock.class.getClassLoader()
                        .getResourceAsStream(entry)) {
                    jar.putNextEntry(new JarEntry(entry));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
    }

    // ---- one run ----------------------------------------------------------------------------

    private static Run launch(String java, List<String> agentArgs, List<String> extraJvmArgs,
                              boolean diagnose) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(extraJvmArgs);
        command.addAll(agentArgs);
        command.add("-cp");
        command.add(CLASSPATH);
        command.add(APP);
        command.add(CLASS_LIST);
        if (diagnose) {
            command.add("--cpu");
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        Path stderr = Files.createTempFile("startup-", ".err");
        builder.redirectError(stderr.toFile());
        long start = System.nanoTime();
        Process process = builder.start();
        ThreadCpuPoller poller = null;
        if (diagnose) {
            poller = new ThreadCpuPoller(process.pid());
            poller.start();
        }
        byte[] stdout = process.getInputStream().readAllBytes();
        int exit = process.waitFor();
        long exited = System.nanoTime();
        if (poller != null) {
            poller.stopAndJoin();
        }
        String err = Files.readString(stderr);
        Files.delete(stderr);
        Run run = new Run(start, exited, new String(stdout, StandardCharsets.UTF_8), err);
        if (poller != null) {
            run.cpuByThreadGroup.putAll(poller.byGroup());
        }
        if (exit != 0 || !run.values.containsKey("endNanos")) {
            throw new IllegalStateException("start-up app failed (exit " + exit + "): "
                    + String.join(" ", command) + "\n" + run.stdout + err);
        }
        return run;
    }

    /**
     * Samples /proc/PID/task/TID/stat every few ms while the app runs and keeps each thread's
     * last CPU time (user + system, in clock ticks of 10 ms), so that threads that have ended by
     * the time the app exits (as Odometer's instrumentation warm-up thread does) still count.
     */
    private static final class ThreadCpuPoller extends Thread {
        private final long pid;
        private final Map<String, String> nameByTid = new HashMap<>();
        private final Map<String, Long> ticksByTid = new HashMap<>();
        private volatile boolean stopped;

        ThreadCpuPoller(long pid) {
            super("thread-cpu-poller");
            this.pid = pid;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stopped) {
                poll();
                try {
                    Thread.sleep(3);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void poll() {
            java.io.File[] tasks = new java.io.File("/proc/" + pid + "/task").listFiles();
            if (tasks == null) {
                return;
            }
            for (java.io.File task : tasks) {
                try {
                    String stat = Files.readString(task.toPath().resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    String[] f = stat.substring(close + 2).split(" ");
                    // after "pid (comm) ": state=0 ... utime=11 stime=12
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    synchronized (this) {
                        nameByTid.put(task.getName(), name);
                        ticksByTid.put(task.getName(), ticks);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread or the process ended between listing and reading
                }
            }
        }

        void stopAndJoin() throws InterruptedException {
            stopped = true;
            join();
        }

        synchronized Map<String, Double> byGroup() {
            Map<String, Double> groups = new TreeMap<>();
            for (Map.Entry<String, Long> e : ticksByTid.entrySet()) {
                String group = group(nameByTid.get(e.getKey()));
                groups.merge(group, e.getValue() * 10.0, Double::sum);
            }
            return groups;
        }

        private static String group(String name) {
            if (name.equals("java")) {
                return "main";
            }
            if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                return "jit";
            }
            if (name.startsWith("G1 ") || name.startsWith("GC ") || name.startsWith("VM Periodic")) {
                return "gc";
            }
            if (name.startsWith("odometer-instru")) {
                return "odometer_bytebuddy_init";
            }
            if (name.startsWith("odometer")) {
                return "odometer_other";
            }
            if (name.startsWith("otel") || name.contains("Span") || name.contains("Metric")) {
                return "otel_threads";
            }
            return "other_jvm";
        }
    }

    private static final class Run {
        final long startNanos;
        final long exitNanos;
        final String stdout;
        final String stderr;
        final Map<String, Long> values = new HashMap<>();
        final Map<String, Double> cpuByThreadGroup = new TreeMap<>();
        final long classes;

        Run(long startNanos, long exitNanos, String stdout, String stderr) {
            this.startNanos = startNanos;
            this.exitNanos = exitNanos;
            this.stdout = stdout;
            this.stderr = stderr;
            for (String line : stdout.split("\n")) {
                String[] kv = line.trim().split(" ");
                if (kv.length == 2 && kv[1].matches("-?\\d+")) {
                    values.put(kv[0], Long.parseLong(kv[1]));
                }
            }
            classes = values.getOrDefault("classes", 0L);
        }

        double endOfMainMs() {
            return ms(values.get("endNanos") - startNanos);
        }

        double mainStartMs() {
            return ms(values.get("mainStartNanos") - startNanos);
        }

        double processMs() {
            return ms(exitNanos - startNanos);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
