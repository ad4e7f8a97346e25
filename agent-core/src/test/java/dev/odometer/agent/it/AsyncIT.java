package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.app.AsyncApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.bytebuddy.ByteBuddy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Methods returning a CompletableFuture or CompletionStage are billed when the result completes:
 * SUCCESS counts normal completions, FAILURE exceptional ones, ALWAYS either, a result that
 * never completes counts nothing, and the amount is the {@code @Quantity} at the call. One run
 * of {@link AsyncApp} per JDK; each test reads its own SKUs from it.
 */
class AsyncIT {
    static final String CONFIG = String.join("\n",
            "marketplace: log",
            "flush_interval: 50ms",
            "skus:",
            "  async-success: {sku_id: sku-async-success}",
            "  async-failure: {sku_id: sku-async-failure}",
            "  async-always: {sku_id: sku-async-always}",
            "  stage: {sku_id: sku-stage}",
            "  async-nested: {sku_id: sku-async-nested}",
            "  async-proxied: {sku_id: sku-async-proxied}",
            "  reactive: {sku_id: sku-reactive}",
            "");

    @TempDir
    static Path work;

    private static final Map<Path, ForkedJvm.Result> RUNS = new HashMap<>();

    static synchronized ForkedJvm.Result run(Path jdk) throws Exception {
        ForkedJvm.Result done = RUNS.get(jdk);
        if (done == null) {
            Path dir = work.resolve("run-" + RUNS.size());
            Files.createDirectories(dir);
            Path config = Files.writeString(dir.resolve("odometer.yaml"), CONFIG);
            done = ForkedJvm.on(jdk).withAgent(config)
                    .classpath(List.of(HostLibraries.jarOf(ByteBuddy.class)))
                    .main(AsyncApp.class).run(dir);
            RUNS.put(jdk, done);
        }
        return done;
    }

    private static void assertBilled(Path jdk, Map<String, Long> expected) throws Exception {
        ForkedJvm.Result result = run(jdk);
        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.stdout).as("%s", result).contains("app done");
        Map<String, Long> billed = LoggedUsage.totals(result.stderr + result.stdout);
        Map<String, Long> actual = new TreeMap<>();
        for (String sku : expected.keySet()) {
            actual.put(sku, billed.getOrDefault(sku, 0L));
        }
        assertThat(actual)
                .as("units billed; all billed: %s; agent said: %s", billed, result.agentLines())
                .isEqualTo(new TreeMap<>(expected));
    }

    // Each count mode's method is called 6 times: 3 results of 2 items complete normally, 2 of
    // 4 items exceptionally, 1 of 16 items never; the item lists are emptied as soon as each
    // call returns, and the results are completed later, on another thread.

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void successCountsNormalCompletionsWithTheAmountAtTheCall(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("async-success", 3 * 2L));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void failureCountsExceptionalCompletions(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("async-failure", 2 * 4L));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void alwaysCountsEveryCompletionButNotAResultThatNeverCompletes(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("async-always", 3 * 2L + 2 * 4L));
    }

    /** Declared CompletionStage: done at once (5), completed later (7), failed at once (100). */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aCompletionStageIsBilledWhenItCompletes(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("stage", 5L + 7L));
    }

    /** Two async calls of 3, each making a nested async call of 1 of the same SKU. */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aNestedAsyncCallOfTheSameSkuIsNotBilledAgain(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("async-nested", 2 * 3L));
    }

    /**
     * Three calls of 4 pages through Renderer$$SpringCGLIB$$0, which, as Spring's {@code @Async}
     * does, runs the target on a worker thread and returns a future of its result.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void anAsyncProxyReturningAFutureIsOneBill(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("async-proxied", 3 * 4L));
    }

    /**
     * A method returning a reactive type the agent cannot follow to completion (the JDK's
     * Flow.Publisher here, as Reactor's Mono and Flux): one start-up line names the method and
     * its return type.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aReactiveResultIsNamedInOneStartUpLine(Path jdk) throws Exception {
        ForkedJvm.Result result = run(jdk);
        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.agentLines())
                .filteredOn(line -> line.contains("AsyncApp$Jobs#publish"))
                .as("%s", result.agentLines())
                .filteredOn(line -> line.contains("Publisher"))
                .hasSize(1);
    }
}
