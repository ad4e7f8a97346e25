package dev.odometer.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The README's demo command, run short: the emulator's ledger equals what the app did. */
class DemoIT {
    interface Demo {
        int run(DemoRunner runner) throws Exception;
    }

    private static String[] run(Demo demo) throws Exception {
        PrintStream console = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try (PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            exit = demo.run(new DemoRunner(Paths.get(System.getProperty("odometer.root", ".."))));
        } finally {
            System.setOut(console);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        console.print(output);
        return new String[] {String.valueOf(exit), output};
    }

    @Test
    void everyUnitTheServiceDidIsBilledExactlyOnce() throws Exception {
        String[] result = run(runner -> runner.run(3, false));
        int exit = Integer.parseInt(result[0]);
        String output = result[1];

        assertThat(exit).as(output).isZero();
        assertThat(output).containsPattern("email\\s+sku-email\\s+(\\d+)\\s+\\1\\s+billed == done")
                .containsPattern("request\\s+sku-request\\s+(\\d+)\\s+\\1\\s+billed == done")
                .containsPattern("storage\\s+sku-storage\\s+(\\d+)\\s+\\1\\s+billed == done")
                .doesNotContainPattern("email\\s+sku-email\\s+0\\s");
    }

    @Test
    void threeReplicasBehindOneDatabaseAreBilledExactlyOnce() throws Exception {
        String[] result = run(runner -> runner.runReplicas(3, false, 3));
        String output = result[1];

        assertThat(Integer.parseInt(result[0])).as(output).isZero();
        assertThat(output).containsPattern("email\\s+sku-email\\s+(\\d+)\\s+\\1\\s+billed == done")
                .containsPattern("request\\s+sku-request\\s+(\\d+)\\s+\\1\\s+billed == done")
                .contains("replica-1 did", "replica-2 did", "replica-3 did")
                .doesNotContainPattern("email\\s+sku-email\\s+0\\s");
    }
}
