package dev.odometer.bench.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory each agent costs: runs the start-up app (libraries loaded, the metered and the
 * traced method called once) with no agent, with Odometer and with the OpenTelemetry agent,
 * under Native Memory Tracking, and once it holds still asks jcmd, after a full GC, for the live
 * heap, metaspace, class and thread counts, the native memory summary and a class histogram
 * (to see the heap held by the agents' own classes). Runs are interleaved; the medians are kept.
 *
 * <p>Runs in bench/target (run-memory.sh goes there). Usage: {@code MemoryHarness [--runs 3]}
 */
public final class MemoryHarness {
    private static final String[] COLUMNS = {"heap_live_kb", "metaspace_used_kb",
        "metaspace_committed_kb", "class_space_used_kb", "classes", "threads",
        "nmt_committed_kb", "nmt_nonheap_committed_kb", "nmt_class_kb", "nmt_thread_kb",
        "nmt_code_kb", "nmt_symbol_kb", "nmt_other_kb", "agent_classes_heap_kb"};

    private MemoryHarness() {
    }

    private static double toKb(String value, String unit) {
        return Double.parseDouble(value) * (unit.equals("MB") ? 1024 : 1);
    }

    public static void main(String[] args) throws Exception {
        int runs = 3;
        Path out = Path.of("results");
        String before = null;
        boolean otel = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs": runs = Integer.parseInt(args[++i]); break;
                case "--before": before = args[++i]; break;
                case "--no-otel": otel = false; break;
                case "--out": out = Path.of(args[++i]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(out);
        String java = Shell.java();
        String jcmd = Path.of(Path.of(java).getParent().toString(), "jcmd").toString();
        Map<String, List<String>> configs = new LinkedHashMap<>();
        configs.put("none", List.of());
        configs.put("odometer", List.of(
                "-javaagent:agents/odometer-agent.jar=config=agents/odometer-bench.yaml"));
        if (before != null) {
            // another build of the agent (e.g. the previous release), for a before/after row
            configs.put("odometer-before", List.of(
                    "-javaagent:" + before + "=config=agents/odometer-bench.yaml"));
        }
        if (otel) {
            configs.put("otel", List.of("-javaagent:agents/opentelemetry-javaagent.jar",
                    "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none",
                    "-Dotel.logs.exporter=none"));
        }
        List<String> names = new ArrayList<>(configs.keySet());
        System.out.println("[memory] " + Shell.runtimeVersion(java) + ", " + runs
                + " runs per config; load average " + Shell.loadAverage());

        Map<String, Map<String, List<Double>>> data = new LinkedHashMap<>();
        List<String> raw = new ArrayList<>();
        raw.add("config,run," + String.join(",", COLUMNS));
        for (int round = 0; round < runs; round++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((round + k) % names.size());
                Map<String, Double> m = measure(java, jcmd, configs.get(name));
                Map<String, List<Double>> byColumn = data.computeIfAbsent(name,
                        n -> new LinkedHashMap<>());
                StringBuilder row = new StringBuilder(name + "," + round);
                for (String column : COLUMNS) {
                    byColumn.computeIfAbsent(column, c -> new ArrayList<>()).add(m.get(column));
                    row.append(',').append(StartupHarness.fmt(m.get(column)));
                }
                raw.add(row.toString());
            }
        }
        Files.write(out.resolve("memory-raw.csv"), raw, StandardCharsets.UTF_8);
        List<String> summary = new ArrayList<>();
        summary.add("# memory (medians of " + runs + " runs), " + Shell.runtimeVersion(java)
                + "; load average after " + Shell.loadAverage());
        summary.add("config," + String.join(",", COLUMNS));
        for (String name : names) {
            StringBuilder row = new StringBuilder(name);
            for (String column : COLUMNS) {
                row.append(',').append(StartupHarness.fmt(
                        new Stats(data.get(name).get(column)).median));
            }
            summary.add(row.toString());
        }
        for (String name : names.subList(1, names.size())) {
            StringBuilder row = new StringBuilder(name + " minus none");
            for (String column : COLUMNS) {
                row.append(',').append(StartupHarness.fmt(
                        new Stats(data.get(name).get(column)).median
                                - new Stats(data.get("none").get(column)).median));
            }
            summary.add(row.toString());
        }
        Files.write(out.resolve("memory-summary.csv"), summary, StandardCharsets.UTF_8);
        summary.forEach(System.out::println);
    }

    private static Map<String, Double> measure(String java, String jcmd, List<String> agentArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java, "-XX:NativeMemoryTracking=summary"));
        command.addAll(agentArgs);
        command.addAll(List.of("-cp", "benchmarks.jar:startup/lib/*",
                "dev.odometer.bench.startup.StartupApp", "startup/classes.txt", "--hold", "120"));
        Process app = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(app.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.equals("READY")) {
                // the app's own timing lines: not needed here
            }
            if (line == null) {
                throw new IllegalStateException("the app ended before it was ready: " + command);
            }
            Thread.sleep(2000); // let the agents' background threads settle
            String pid = Long.toString(app.pid());
            jcmd(jcmd, pid, "GC.run");
            jcmd(jcmd, pid, "GC.run");
            Map<String, Double> m = new LinkedHashMap<>();
            String heap = jcmd(jcmd, pid, "GC.heap_info");
            // JDK 17: "heap   total 40960K, used 6861K"; JDK 25: "heap   total reserved 6172672K,
            // committed 16384K, used 3792K"
            m.put("heap_live_kb", kb(heap, "heap\\s+total [^u]*used (\\d+)K"));
            if (heap.contains("Metaspace")) {
                m.put("metaspace_used_kb", kb(heap, "Metaspace\\s+used (\\d+)K"));
                m.put("metaspace_committed_kb",
                        kb(heap, "Metaspace\\s+used \\d+K, committed (\\d+)K"));
                m.put("class_space_used_kb", kb(heap, "class space\\s+used (\\d+)K"));
            } else {
                // JDK 21+: GC.heap_info no longer shows the metaspace; VM.metaspace does
                String metaspace = jcmd(jcmd, pid, "VM.metaspace");
                Matcher both = Pattern.compile(
                        "Both:.*?([\\d.]+) (KB|MB) \\([ \\d]+%\\) committed,\\s+([\\d.]+) (KB|MB)"
                                + " \\([ \\d]+%\\) used").matcher(metaspace);
                if (!both.find()) {
                    throw new IllegalStateException("no metaspace totals in " + metaspace);
                }
                m.put("metaspace_used_kb", toKb(both.group(3), both.group(4)));
                m.put("metaspace_committed_kb", toKb(both.group(1), both.group(2)));
                m.put("class_space_used_kb", kb(metaspace, "class space\\s+used (\\d+)K"));
            }
            String nmt = jcmd(jcmd, pid, "VM.native_memory", "summary", "scale=KB");
            m.put("classes", kb(nmt, "\\(classes #(\\d+)\\)"));
            // JDK 17: "(thread #20)"; JDK 25: "(threads #20)"
            m.put("threads", kb(nmt, "\\(threads? #(\\d+)\\)"));
            double total = kb(nmt, "Total: reserved=\\d+KB, committed=(\\d+)KB");
            double javaHeap = category(nmt, "Java Heap");
            m.put("nmt_committed_kb", total);
            m.put("nmt_nonheap_committed_kb", total - javaHeap);
            double klass = category(nmt, "Class");
            double thread = category(nmt, "Thread");
            double code = category(nmt, "Code");
            double symbol = category(nmt, "Symbol");
            m.put("nmt_class_kb", klass);
            m.put("nmt_thread_kb", thread);
            m.put("nmt_code_kb", code);
            m.put("nmt_symbol_kb", symbol);
            m.put("nmt_other_kb", total - javaHeap - klass - thread - code - symbol);
            m.put("agent_classes_heap_kb", agentHeap(jcmd(jcmd, pid, "GC.class_histogram")));
            return m;
        } finally {
            app.destroy();
            if (!app.waitFor(10, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    /** Shallow heap of instances of the agents' own classes (Odometer's or OpenTelemetry's). */
    private static double agentHeap(String histogram) {
        double bytes = 0;
        // "   1:         12345        678901  java.lang.String (java.base@17)"
        Pattern row = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);
        Matcher m = row.matcher(histogram);
        while (m.find()) {
            String type = m.group(2);
            if (type.startsWith("dev.odometer.agent.") || type.startsWith("io.opentelemetry.")) {
                bytes += Long.parseLong(m.group(1));
            }
        }
        return bytes / 1024;
    }

    private static double category(String nmt, String name) {
        return kb(nmt, "-\\s+" + Pattern.quote(name) + " \\(reserved=\\d+KB, committed=(\\d+)KB\\)");
    }

    private static double kb(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no match for " + regex + " in:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    private static String jcmd(String jcmd, String... args) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(jcmd);
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }
}
