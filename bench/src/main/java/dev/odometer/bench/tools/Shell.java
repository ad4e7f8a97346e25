package dev.odometer.bench.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers the harnesses share. */
final class Shell {
    private Shell() {
    }

    /** The 1-, 5- and 15-minute load averages, as /proc/loadavg has them. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
                    .trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double oneMinuteLoad() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The java launcher of the JDK this harness runs on, unless {@code -Dbench.java} names one. */
    static String java() {
        String java = System.getProperty("bench.java");
        return java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String runtimeVersion(String java) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java, "-XshowSettings:properties", "-version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.split("\n")) {
            if (line.trim().startsWith("java.runtime.version")) {
                return line.split("=", 2)[1].trim();
            }
        }
        return "unknown";
    }
}
