package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.app.MeteredApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The real agent jar in a forked JVM counts every way of metering exactly. */
class MeteringIT {
    static final String CONFIG = String.join("\n",
            "marketplace: log",
            "flush_interval: 50ms",
            "skus:",
            "  plain: {sku_id: sku-plain}",
            "  static: {sku_id: sku-static}",
            "  iface: {sku_id: sku-iface}",
            "  generic: {sku_id: sku-generic}",
            "  superclass: {sku_id: sku-superclass}",
            "  recipients: {sku_id: sku-recipients}",
            "  bytes: {sku_id: sku-bytes}",
            "  units: {sku_id: sku-units}",
            "  success: {sku_id: sku-success}",
            "  failure: {sku_id: sku-failure}",
            "  always: {sku_id: sku-always}",
            "  listed:",
            "    sku_id: sku-listed",
            "    methods:",
            "      - com.acme.app.MeteredApp$LegacyMailer#send",
            "  listed-star:",
            "    sku_id: sku-listed-star",
            "    methods:",
            "      - com.acme.app.MeteredApp$LegacyApi#*",
            "");

    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void countsEveryMeteredCallExactly(Path jdk) throws Exception {
        Path config = Files.writeString(work.resolve("odometer.yaml"), CONFIG);

        ForkedJvm.Result result = ForkedJvm.on(jdk).withAgent(config).main(MeteredApp.class)
                .run(work);

        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.stdout).contains("app done");
        Map<String, Long> expected = new TreeMap<>();
        expected.put("plain", 1000L);
        expected.put("static", 2L);
        expected.put("iface", 10L);         // via the implementation and via the interface
        expected.put("generic", 10L);       // direct and through the bridge, each counted once
        expected.put("superclass", 4L);
        expected.put("recipients", 5L);     // 3 + 0 + null + 2
        expected.put("bytes", 1024L);
        expected.put("units", 17L);         // 10 + 7; negatives and zero add nothing
        expected.put("success", 4L);        // 6 calls, 2 failed
        expected.put("failure", 2L);
        expected.put("always", 6L);
        expected.put("listed", 3L);         // both overloads, and the subclass override
        expected.put("listed-star", 3L);    // public methods only, not the private helper
        assertThat(LoggedUsage.totals(result.stderr + result.stdout))
                .as("%s", result).isEqualTo(expected);
        assertThat(result.agentLines())
                .anySatisfy(line -> assertThat(line).contains("@Metered(\"no-such-sku\")")
                        .contains("MeteredApp$Misnamed#work").contains("odometer.yaml"));
    }
}
