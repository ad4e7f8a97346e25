package dev.odometer.bench.startup;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Build-time step: writes the names of every class in the start-up app's library jars that
 * loads (without initialising) in a plain class loader, one a line, in jar then entry order.
 * The app then loads exactly these, so every run does the same work and none fails.
 *
 * <p>Usage: {@code ClassListGenerator <dir of jars> <output file>}
 */
public final class ClassListGenerator {
    private ClassListGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Path libs = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<Path> jars;
        try (Stream<Path> files = Files.list(libs)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).sorted()
                    .collect(Collectors.toList());
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = jars.get(i).toUri().toURL();
        }
        List<String> names = new ArrayList<>();
        int failed = 0;
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            for (Path jar : jars) {
                for (String name : classNames(jar)) {
                    try {
                        Class.forName(name, false, loader);
                        names.add(name);
                    } catch (Throwable unloadable) { // LinkageError, missing optional deps
                        failed++;
                    }
                }
            }
        }
        Files.createDirectories(out.getParent());
        Files.write(out, names, StandardCharsets.UTF_8);
        System.out.println("[bench] " + names.size() + " loadable classes from " + jars.size()
                + " jars written to " + out + " (" + failed + " left out: they do not load)");
    }

    private static List<String> classNames(Path jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String entry = entries.nextElement().getName();
                if (entry.endsWith(".class") && !entry.startsWith("META-INF/")
                        && !entry.endsWith("module-info.class")
                        && !entry.endsWith("package-info.class")) {
                    names.add(entry.substring(0, entry.length() - 6).replace('/', '.'));
                }
            }
        }
        return names;
    }
}
