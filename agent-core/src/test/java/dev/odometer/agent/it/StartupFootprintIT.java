package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.app.FootprintApp;
import com.acme.app.NullAgent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the agent loads into the host at start, counted (not timed): the classes loaded before
 * the end of main of the smallest metered app ({@code -Xlog:class+load}), with the agent, minus
 * those loaded with an agent that does nothing (the JVM's own cost of any {@code -javaagent}:
 * ~290 classes on JDK 17, ~410 on 25, mostly its module graph set up without the CDS archive).
 */
class StartupFootprintIT {
    /**
     * Classes Odometer may add at start on top of any agent, in this smallest app (the worst
     * case: it loads nothing of its own that the agent could share). Measured 506 to 516 on
     * JDK 17 and 568 to 577 on JDK 25 (where core reflection spins method handles; a few vary
     * with how far the agent's own threads got by the end of main): SnakeYAML with its resolver's
     * regexes (~150), java.util.concurrent for the accumulator (36), file system and zip classes
     * a real host loads anyway (~55), ASM (27), the agent's own (~60). The 3,026-class
     * benchmark app gets +366 over an agent that does nothing (+541 over no agent); the issue's
     * goal of 300 is not met yet: docs/BENCHMARKS.md says where the rest goes.
     */
    static final int BUDGET = 640;
    /** Libraries that load on the agent's own threads when first used, never at start. */
    private static final Pattern DEFERRED = Pattern.compile(
            "dev\\.odometer\\.agent\\.shaded\\.(okhttp3|okio|kotlin|jackson|caffeine|picocli|"
                    + "bytebuddy)\\.");
    private static final Pattern LOADED = Pattern.compile("\\] (\\S+) source:");

    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void theAgentAddsFewClassesAtStart(Path jdk) throws Exception {
        Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                "marketplace: log", "flush_interval: 30m", "skus:", "  calls: {sku_id: c}", ""));
        Path nullAgent = nullAgentJar();

        Set<String> withNullAgent = classesAtStart(jdk, "null",
                "-javaagent:" + nullAgent.toAbsolutePath(), null);
        Set<String> withOdometer = classesAtStart(jdk, "odometer", null, config);

        Set<String> added = new TreeSet<>(withOdometer);
        added.removeAll(withNullAgent);
        System.out.println("[footprint] " + jdk + ": Odometer adds " + added.size()
                + " classes at start over an agent that does nothing (budget " + BUDGET + ")");
        assertThat(added).as("classes the agent loads before the app's main ends")
                .hasSizeLessThanOrEqualTo(BUDGET);
        assertThat(added.stream().filter(name -> DEFERRED.matcher(name).lookingAt())
                .collect(Collectors.toList())).as("HTTP, JSON, caches, CLI at start").isEmpty();
    }

    private Set<String> classesAtStart(Path jdk, String name, String agentArg, Path config)
            throws Exception {
        Path log = work.resolve(name + "-classes.log");
        ForkedJvm jvm = ForkedJvm.on(jdk).jvmArg("-Xlog:class+load=info:file=" + log);
        if (agentArg != null) {
            jvm.jvmArg(agentArg);
        }
        if (config != null) {
            jvm.withAgent(config);
        }
        ForkedJvm.Result result = jvm.main(FootprintApp.class).run(work.resolve(name));
        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.stdout).contains("app done 1");
        if (config != null) {
            assertThat(LoggedUsage.totals(result.stdout + result.stderr)).as("%s", result)
                    .isEqualTo(Map.of("calls", 1L));
        }
        Set<String> classes = new TreeSet<>();
        String endOfMain = FootprintApp.class.getName() + "$EndOfMain";
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher loaded = LOADED.matcher(line);
            if (!loaded.find()) {
                continue;
            }
            String className = loaded.group(1);
            if (className.equals(endOfMain)) {
                return classes;
            }
            // hidden classes (lambdas, method handle forms) differ only in generated suffixes
            classes.add(className.replaceAll("/0x[0-9a-f]+$", "")
                    .replaceAll("\\$\\$Lambda[$/]?\\d*$", "\\$\\$Lambda"));
        }
        throw new AssertionError("the app's end of main is not in " + log);
    }

    private Path nullAgentJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"),
                NullAgent.class.getName());
        Path jar = work.resolve("null-agent.jar");
        String entry = NullAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = NullAgent.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
