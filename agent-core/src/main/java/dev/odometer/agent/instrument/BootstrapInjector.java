package dev.odometer.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Puts the classes that inlined advice calls ({@code dev.odometer.agent.bootstrap}) on the
 * bootstrap class path, so code in any class loader resolves them, and nothing else of the
 * agent: copies them from the agent jar into a small temporary jar (owner-only, deleted on
 * exit) and appends that. Must run before anything touches those classes.
 */
public final class BootstrapInjector {
    static final String PACKAGE_PATH = "dev/odometer/agent/bootstrap/";
    /** Named, never referenced as a class literal: that would load it from the wrong place. */
    private static final String PROBE_CLASS = "dev.odometer.agent.bootstrap.Counters";

    private static volatile boolean injected;

    private BootstrapInjector() {
    }

    /**
     * @param agentClass a class loaded from the agent jar (or, in tests, a classes directory)
     * @throws IOException when the temporary jar cannot be written
     * @throws IllegalStateException when the bootstrap classes were loaded from elsewhere first
     */
    public static void inject(Instrumentation instrumentation, Class<?> agentClass)
            throws IOException {
        if (injected) {
            return;
        }
        Path location;
        try {
            location = Paths.get(agentClass.getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot locate the agent jar: " + e);
        }
        Path jar = Files.createTempFile("odometer-bootstrap-", ".jar");
        jar.toFile().deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (Files.isDirectory(location)) {
                copyFromDirectory(location, out);
            } else {
                copyFromJar(location, out);
            }
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
        injected = true;
        if (!isOnBootstrapPath()) {
            throw new IllegalStateException("the agent's bootstrap classes were loaded by "
                    + "another class loader before the agent started");
        }
    }

    private static boolean isOnBootstrapPath() {
        try {
            return Class.forName(PROBE_CLASS, false, null).getClassLoader() == null;
        } catch (ClassNotFoundException notYet) {
            return false;
        }
    }

    private static void copyFromJar(Path agentJar, JarOutputStream out) throws IOException {
        try (JarFile jar = new JarFile(agentJar.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().startsWith(PACKAGE_PATH) && entry.getName().endsWith(".class")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        write(out, entry.getName(), in);
                    }
                }
            }
        }
    }

    private static void copyFromDirectory(Path classes, JarOutputStream out) throws IOException {
        Path dir = classes.resolve(PACKAGE_PATH);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(".class")) {
                    try (InputStream in = Files.newInputStream(file)) {
                        write(out, PACKAGE_PATH + file.getFileName(), in);
                    }
                }
            }
        }
    }

    private static void write(JarOutputStream out, String name, InputStream in) throws IOException {
        out.putNextEntry(new JarEntry(name));
        in.transferTo((OutputStream) out);
        out.closeEntry();
    }
}
