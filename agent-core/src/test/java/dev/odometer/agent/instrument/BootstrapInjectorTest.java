package dev.odometer.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BootstrapInjectorTest {
    @Test
    void theListOfBootstrapClassesNamesEveryClassOfThePackage() throws IOException {
        Path compiled = Paths.get("target/classes", BootstrapInjector.PACKAGE_PATH);
        try (Stream<Path> files = Files.list(compiled)) {
            assertThat(files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".class"))
                    .map(n -> "dev.odometer.agent.bootstrap." + n.substring(0, n.length() - 6))
                    .collect(Collectors.toList()))
                    .containsExactlyInAnyOrderElementsOf(BootstrapInjector.CLASSES);
        }
    }
}
