package dev.odometer.bench.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What takes the space in a jar: entries grouped by relocated library
 * ({@code dev/odometer/agent/shaded/<lib>}), the agent's own packages, and the rest, with
 * compressed and uncompressed sizes. Usage: {@code JarBreakdown <jar> [<csv out>]}.
 */
public final class JarBreakdown {
    private JarBreakdown() {
    }

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Map<String, long[]> groups = new TreeMap<>();
        long[] all = new long[3];
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                long[] g = groups.computeIfAbsent(group(e.getName()), k -> new long[3]);
                g[0]++;
                g[1] += e.getCompressedSize();
                g[2] += e.getSize();
                all[0]++;
                all[1] += e.getCompressedSize();
                all[2] += e.getSize();
            }
        }
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        List<String> csv = new ArrayList<>();
        csv.add("# " + jar.getFileName() + ": " + Files.size(jar) + " bytes on disk");
        csv.add("group,entries,compressed_bytes,uncompressed_bytes,share_of_compressed");
        for (Map.Entry<String, long[]> e : sorted) {
            long[] g = e.getValue();
            csv.add(e.getKey() + "," + g[0] + "," + g[1] + "," + g[2] + ","
                    + String.format(Locale.ROOT, "%.1f%%", 100.0 * g[1] / all[1]));
        }
        csv.add("total," + all[0] + "," + all[1] + "," + all[2] + ",100%");
        if (args.length > 1) {
            Files.write(Path.of(args[1]), csv);
        }
        csv.forEach(System.out::println);
    }

    private static String group(String name) {
        String shaded = "dev/odometer/agent/shaded/";
        if (name.startsWith(shaded)) {
            String rest = name.substring(shaded.length());
            int slash = rest.indexOf('/');
            return "shaded/" + (slash < 0 ? rest : rest.substring(0, slash));
        }
        if (name.startsWith("dev/odometer/agent/")) {
            String rest = name.substring("dev/odometer/agent/".length());
            int slash = rest.indexOf('/');
            return "own: dev.odometer.agent" + (slash < 0 ? "" : "." + rest.substring(0, slash));
        }
        if (name.startsWith("META-INF/")) {
            return "META-INF";
        }
        int slash = name.indexOf('/');
        return "other: " + (slash < 0 ? name : name.substring(0, slash));
    }
}
