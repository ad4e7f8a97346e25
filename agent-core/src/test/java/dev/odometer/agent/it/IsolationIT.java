package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.app.ConflictingLibsApp;
import com.acme.app.InternalsProbeApp;
import com.acme.app.MeteredApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent's own libraries never meet the host's; a bad config never stops the host. */
class IsolationIT {
    static final Path IT_LIBS = Paths.get("target/it-libs").toAbsolutePath();

    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void hostWithItsOwnOlderLibrariesRunsAndIsMetered(Path jdk) throws Exception {
        Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                "marketplace: log", "flush_interval: 50ms", "skus:", "  calls: {sku_id: c}", ""));
        List<Path> ownLibraries;
        try (Stream<Path> jars = Files.list(IT_LIBS)) {
            ownLibraries = jars.collect(Collectors.toList());
        }

        ForkedJvm.Result result = ForkedJvm.on(jdk).withAgent(config)
                .classpathFirst(ownLibraries).main(ConflictingLibsApp.class).run(work);

        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.stdout).as("%s", result)
                .containsPattern("okhttp 4\\.12\\.0 from .*it-libs/okhttp-4\\.12\\.0\\.jar")
                .containsPattern("kotlin 1\\.\\d+\\.\\d+ from .*it-libs/kotlin-stdlib-1")
                .containsPattern("bytebuddy from .*it-libs/byte-buddy-1\\.14")
                .containsPattern("caffeine from .*it-libs/caffeine-2\\.")
                .containsPattern("snakeyaml from .*it-libs/snakeyaml-1\\.")
                .contains("app done");
        assertThat(LoggedUsage.totals(result.stdout)).isEqualTo(Map.of("calls", 5L));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void brokenConfigLeavesTheAppRunningWithOneClearErrorLine(Path jdk) throws Exception {
        Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                "marketplace: log",
                "flush_intervall: 60s",
                "skus:",
                "  plain: {sku_id: p}", ""));

        ForkedJvm.Result result = ForkedJvm.on(jdk).withAgent(config).main(MeteredApp.class)
                .run(work);

        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.stdout).contains("app done");
        assertThat(result.agentLines()).as("%s", result).singleElement().satisfies(line ->
                assertThat(line).contains("odometer.yaml:2: flush_intervall: unknown key; "
                        + "did you mean 'flush_interval'?").contains("runs unmetered"));
        assertThat(result.stderr).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(LoggedUsage.totals(result.stdout)).isEmpty();
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void missingConfigFileLeavesTheAppRunning(Path jdk) throws Exception {
        ForkedJvm.Result result = ForkedJvm.on(jdk).withAgent(work.resolve("nowhere.yaml"))
                .main(MeteredApp.class).run(work);

        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.stdout).contains("app done");
        assertThat(result.agentLines()).singleElement().satisfies(line ->
                assertThat(line).contains("nowhere.yaml: config file not found"));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void noJdkInternalsAreOpenedToTheHostsClassPath(Path jdk) throws Exception {
        Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                "marketplace: log", "flush_interval: 50ms", "skus:", "  calls: {sku_id: c}", ""));

        ForkedJvm.Result result = ForkedJvm.on(jdk).withAgent(config)
                .main(InternalsProbeApp.class).run(work);

        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.stdout).as("%s", result)
                .contains("jdk.internal.misc exported to the host: false")
                .contains("java.lang opened to the host: false")
                .contains("app done");
        assertThat(LoggedUsage.totals(result.stdout)).isEqualTo(Map.of("calls", 1L));
    }

    @Test
    void agentJarContainsNoUnrelocatedThirdPartyClass() throws IOException {
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            List<String> foreign = jar.stream().map(JarEntry::getName)
                    .filter(name -> name.endsWith(".class"))
                    .filter(name -> !name.startsWith("dev/odometer/agent/"))
                    .collect(Collectors.toList());
            assertThat(foreign).isEmpty();
            assertThat(jar.stream().map(JarEntry::getName))
                    .anyMatch(name -> name.startsWith("dev/odometer/agent/shaded/bytebuddy/"))
                    .anyMatch(name -> name.startsWith("dev/odometer/agent/shaded/okhttp3/"))
                    .anyMatch(name -> name.startsWith("dev/odometer/agent/shaded/kotlin/"));
            assertThat(jar.getManifest().getMainAttributes().getValue("Premain-Class"))
                    .isEqualTo("dev.odometer.agent.OdometerAgent");
        }
    }
}
