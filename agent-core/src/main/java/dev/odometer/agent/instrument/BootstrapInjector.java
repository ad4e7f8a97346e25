package dev.odometer.agent.instrument;

import dev.odometer.agent.jdk.IsolatedJdkAccess;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Makes the classes that inlined advice calls ({@code dev.odometer.agent.bootstrap}) visible
 * to every class loader by defining them in the bootstrap class loader, and nothing else of
 * the agent. Must run before anything touches those classes.
 *
 * <p>They are defined directly ({@code jdk.internal.misc.Unsafe#defineClass}, reached through
 * {@link IsolatedJdkAccess}, so the package is exported to a class loader of the agent's own and
 * never to the host's class path) rather than by appending a jar to
 * the bootstrap search path: an append makes HotSpot turn off class-data sharing for every
 * class outside the boot loader, which slows the host's start-up and prints "Sharing is only
 * supported for boot loader classes". If a JVM offers no such method, the agent falls back to
 * the append (a small temporary jar, owner-only, deleted on exit).
 */
public final class BootstrapInjector {
    static final String PACKAGE_PATH = "dev/odometer/agent/bootstrap/";
    /** Named, never referenced as a class literal: that would load it from the wrong place. */
    private static final String PROBE_CLASS = "dev.odometer.agent.bootstrap.Counters";
    /** Every class of the bootstrap package (a test keeps this list complete). */
    static final List<String> CLASSES = List.of("dev.odometer.agent.bootstrap.Counters",
            "dev.odometer.agent.bootstrap.Counters$Row", "dev.odometer.agent.bootstrap.Completion",
            "dev.odometer.agent.bootstrap.Quantities");

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
        // read by name through the loader that loaded the agent: no scan of the agent jar
        Map<String, byte[]> classes = new LinkedHashMap<>();
        ClassLoader loader = agentClass.getClassLoader();
        for (String name : CLASSES) {
            String resource = name.replace('.', '/') + ".class";
            try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                    : loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("the agent jar has no " + resource);
                }
                classes.put(name, in.readAllBytes());
            }
        }
        if (!defineInBootLoader(instrumentation, classes)) {
            appendToBootSearchPath(instrumentation, classes);
        }
        injected = true;
        if (!isOnBootstrapPath()) {
            throw new IllegalStateException("the agent's bootstrap classes were loaded by "
                    + "another class loader before the agent started");
        }
    }

    /** @return false when this JVM offers no way to define classes in the boot loader */
    private static boolean defineInBootLoader(Instrumentation instrumentation,
                                              Map<String, byte[]> classes) {
        IsolatedJdkAccess access;
        try {
            access = IsolatedJdkAccess.install(instrumentation);
        } catch (RuntimeException | LinkageError unavailable) {
            return false;
        }
        for (Map.Entry<String, byte[]> type : classes.entrySet()) {
            try {
                access.defineInBootLoader(type.getKey(), type.getValue());
            } catch (ReflectiveOperationException | RuntimeException e) {
                if (type.getKey().equals(CLASSES.get(0))) {
                    return false; // nothing defined yet: the append still works
                }
                throw new IllegalStateException("could not define " + type.getKey()
                        + " in the boot class loader", e);
            }
        }
        return true;
    }

    private static void appendToBootSearchPath(Instrumentation instrumentation,
                                               Map<String, byte[]> classes) throws IOException {
        Path jar = Files.createTempFile("odometer-bootstrap-", ".jar");
        jar.toFile().deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, byte[]> type : classes.entrySet()) {
                out.putNextEntry(new JarEntry(type.getKey().replace('.', '/') + ".class"));
                out.write(type.getValue());
                out.closeEntry();
            }
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    private static boolean isOnBootstrapPath() {
        try {
            return Class.forName(PROBE_CLASS, false, null).getClassLoader() == null;
        } catch (ClassNotFoundException notYet) {
            return false;
        }
    }

}
