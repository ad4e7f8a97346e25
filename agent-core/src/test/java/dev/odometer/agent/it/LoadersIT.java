package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.app.TwoLoadersApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Class loaders are kept apart: two loaders with different classes of the same name (as two web
 * apps, or a dev-tools restart loader, have) are each metered by their own classes' rules.
 */
class LoadersIT {
    static final String CONFIG = String.join("\n",
            "marketplace: log",
            "flush_interval: 50ms",
            "skus:",
            "  loader-billed: {sku_id: sku-loader-billed}",
            "  loader-other: {sku_id: sku-loader-other}",
            "");

    @TempDir
    Path work;

    /**
     * Four loaders, in this order, each with its own com.acme.loaders.Base and Impl (Impl's class
     * file never mentions @Metered; its Base decides): Base without @Metered (3 calls), with
     * {@code @Metered("loader-billed")} (4 calls), with {@code @Metered("loader-other", ALWAYS)}
     * (5 calls), and without again (6 calls).
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void sameNamedClassesInTwoLoadersAreEachMeteredByTheirOwnRules(Path jdk) throws Exception {
        Path config = Files.writeString(work.resolve("odometer.yaml"), CONFIG);
        Path plain = variant("plain");
        Path billed = variant("billed");
        Path other = variant("other");

        ForkedJvm.Result result = ForkedJvm.on(jdk).withAgent(config)
                .main(TwoLoadersApp.class, plain + "=3", billed + "=4", other + "=5",
                        plain + "=6")
                .run(work);

        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.stdout).as("%s", result).contains("app done");
        assertThat(LoggedUsage.totals(result.stderr + result.stdout))
                .as("agent said: %s", result.agentLines())
                .isEqualTo(Map.of("loader-billed", 4L, "loader-other", 5L));
    }

    /**
     * Writes the compiled com.acme.app.loaders.{name}.Base and Impl into a directory of their
     * own, renamed to com.acme.loaders.Base and Impl.
     */
    private Path variant(String name) throws IOException {
        String from = "com/acme/app/loaders/" + name + "/";
        String to = "com/acme/loaders/";
        Path directory = work.resolve("loader-" + name);
        Path target = directory.resolve(to);
        Files.createDirectories(target);
        SimpleRemapper rename = new SimpleRemapper(Opcodes.ASM9, Map.of(
                from + "Base", to + "Base", from + "Impl", to + "Impl"));
        for (String type : new String[] {"Base", "Impl"}) {
            byte[] original = Files.readAllBytes(Paths.get("target/test-classes", from + type
                    + ".class"));
            ClassWriter writer = new ClassWriter(0);
            new ClassReader(original).accept(new ClassRemapper(writer, rename), 0);
            Files.write(target.resolve(type + ".class"), writer.toByteArray());
        }
        return directory;
    }
}
