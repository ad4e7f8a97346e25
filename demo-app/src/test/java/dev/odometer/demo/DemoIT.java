package dev.odometer.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The README's demo command, run short: the emulator's ledger equals what the app did. */
class DemoIT {
    @Test
    void everyUnitTheServiceDidIsBilledExactlyOnce() throws Exception {
        PrintStream console = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try (PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            exit = new DemoRunner(Paths.get(System.getProperty("odometer.root", "..")))
                    .run(3, false);
        } finally {
            System.setOut(console);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        console.print(output);

        assertThat(exit).as(output).isZero();
        assertThat(output).containsPattern("email\\s+sku-email\\s+(\\d+)\\s+\\1\\s+billed == done")
                .containsPattern("request\\s+sku-request\\s+(\\d+)\\s+\\1\\s+billed == done")
                .containsPattern("storage\\s+sku-storage\\s+(\\d+)\\s+\\1\\s+billed == done")
                .doesNotContainPattern("email\\s+sku-email\\s+0\\s");
    }
}
