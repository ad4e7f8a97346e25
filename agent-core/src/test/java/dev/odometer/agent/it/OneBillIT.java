package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.app.OneBillApp;
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
 * One logical operation is one bill: the outermost metered call of a SKU on a thread counts, a
 * nested call of the same SKU does not, calls of different SKUs nest freely, and generated
 * proxies are never billed themselves, only the target they hand the call to. One run of
 * {@link OneBillApp} per JDK; each test reads the SKUs of its own case from it.
 */
class OneBillIT {
    static final String CONFIG = String.join("\n",
            "marketplace: log",
            "flush_interval: 50ms",
            "skus:",
            "  decorated: {sku_id: sku-decorated}",
            "  overridden: {sku_id: sku-overridden}",
            "  batch: {sku_id: sku-batch}",
            "  check: {sku_id: sku-check}",
            "  request: {sku_id: sku-request}",
            "  email: {sku_id: sku-email}",
            "  recursive: {sku_id: sku-recursive}",
            "  jdk-proxy: {sku_id: sku-jdk-proxy}",
            "  jdk-proxy-public: {sku_id: sku-jdk-proxy-public}",
            "  cglib: {sku_id: sku-cglib}",
            "  cglib-super: {sku_id: sku-cglib-super}",
            "  bytebuddy: {sku_id: sku-bytebuddy}",
            "  hibernate: {sku_id: sku-hibernate}",
            "  javassist: {sku_id: sku-javassist}",
            "");

    @TempDir
    static Path work;

    private static final Map<Path, ForkedJvm.Result> RUNS = new HashMap<>();

    /** Runs the app once per JDK, with the host's own Byte Buddy to generate its proxies. */
    static synchronized ForkedJvm.Result run(Path jdk) throws Exception {
        ForkedJvm.Result done = RUNS.get(jdk);
        if (done == null) {
            Path dir = work.resolve("run-" + RUNS.size());
            Files.createDirectories(dir);
            Path config = Files.writeString(dir.resolve("odometer.yaml"), CONFIG);
            done = ForkedJvm.on(jdk).withAgent(config)
                    .classpath(List.of(HostLibraries.jarOf(ByteBuddy.class)))
                    .main(OneBillApp.class).run(dir);
            RUNS.put(jdk, done);
        }
        return done;
    }

    private static Map<String, Long> billed(Path jdk) throws Exception {
        ForkedJvm.Result result = run(jdk);
        assertThat(result.exitCode).as("%s", result).isZero();
        return LoggedUsage.totals(result.stderr + result.stdout);
    }

    /** The units billed for the given SKUs (0 for none) equal {@code expected}. */
    private static void assertBilled(Path jdk, Map<String, Long> expected) throws Exception {
        Map<String, Long> billed = billed(jdk);
        Map<String, Long> actual = new TreeMap<>();
        for (String sku : expected.keySet()) {
            actual.put(sku, billed.getOrDefault(sku, 0L));
        }
        assertThat(actual)
                .as("units billed; all billed: %s; agent said: %s", billed, run(jdk).agentLines())
                .isEqualTo(new TreeMap<>(expected));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void theAppRunsAsItWouldWithoutTheAgent(Path jdk) throws Exception {
        ForkedJvm.Result result = run(jdk);
        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.stdout).as("%s", result).contains("app done");
        assertThat(result.agentLines()).as("%s", result)
                .noneMatch(line -> line.contains("could not instrument"));
    }

    /** 5 sends through a decorator (itself an implementation of the interface), 2 direct. */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aDecoratorAroundAnImplementationOfAnAnnotatedInterfaceIsOneBill(Path jdk)
            throws Exception {
        assertBilled(jdk, Map.of("decorated", 7L));
    }

    /** Two calls of 3 recipients to an override that calls super.notifyEveryone, one of 1. */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void anOverrideCallingSuperIsOneBillWithItsQuantity(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("overridden", 7L));
    }

    /** sendAll(3), sendAll(2), sendAll(empty), each calling the metered send per item; 4 sends. */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aBatchCallingTheMeteredPerItemMethodBillsTheBatchQuantityOnce(Path jdk)
            throws Exception {
        assertBilled(jdk, Map.of("batch", 9L));
    }

    /**
     * check (SUCCESS) calls probe (ALWAYS, same SKU): 2 checks that return count, 3 that throw
     * count nothing though their probe ran; 2 direct probes, one failing, count.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void theOutermostCallCountsWithItsOwnCountMode(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("check", 4L));
    }

    /** 3 requests, each sending 2 emails, and 1 email on its own. */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void callsOfDifferentSkusNestFreely(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("request", 3L, "email", 7L));
    }

    /** factorial(5), twice. */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void recursionIsOneBill(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("recursive", 2L));
    }

    /**
     * A JDK proxy of a package-private interface (its class is com.acme.app.$ProxyN) whose
     * handler runs the target on another thread: 4 calls. A proxy of a public interface calling
     * its target on the same thread: 3.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aJdkDynamicProxyIsNotBilledItsTargetIs(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("jdk-proxy", 4L, "jdk-proxy-public", 3L));
    }

    /** 5 calls to Billing$$SpringCGLIB$$0, which hands each to its target on another thread. */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aSpringCglibProxyHandingTheCallToItsTargetIsOneBill(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("cglib", 5L));
    }

    /** 3 calls to Billing$$SpringCGLIB$$1, whose override calls super. */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aSpringCglibSubclassCallingSuperIsOneBill(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("cglib-super", 3L));
    }

    /**
     * 2 calls each through a Byte Buddy proxy (default naming, $ByteBuddy$), a Hibernate-named
     * ($HibernateProxy$) and a javassist-named (_$$_jvst) one, each handing the call to its
     * target on another thread.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void byteBuddyHibernateAndJavassistProxiesAreNotBilled(Path jdk) throws Exception {
        assertBilled(jdk, Map.of("bytebuddy", 2L, "hibernate", 2L, "javassist", 2L));
    }
}
