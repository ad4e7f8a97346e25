package dev.odometer.bench.tools;

import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Diagnosis only: what Odometer's class-file pre-filter costs by itself. Loads the agent's own
 * (unrelocated, package-private) {@code MeterableTypeFilter} from the agent jar by reflection,
 * without changing it, and asks it about every class of the start-up app's list, in list order,
 * with the class bytes read beforehand (so only the filter is timed; its own reads of supertypes
 * from the class loader are included, as in the agent). The first pass runs cold, in a fresh JVM,
 * as at start-up; later passes use a fresh filter each but warm code.
 *
 * <p>Usage (in bench/target): {@code FilterCost agents/odometer-agent.jar startup/lib startup/classes.txt}
 */
public final class FilterCost {
    private FilterCost() {
    }

    /** The app's class loader, counting the class files the filter reads through it. */
    private static final class CountingLoader extends URLClassLoader {
        int reads;

        CountingLoader(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        public java.io.InputStream getResourceAsStream(String name) {
            reads++;
            return super.getResourceAsStream(name);
        }
    }

    public static void main(String[] args) throws Exception {
        URL agentJar = Path.of(args[0]).toUri().toURL();
        List<URL> libs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(args[1]))) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                libs.add(p.toUri().toURL());
            }
        }
        List<String> names = Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8);
        try (URLClassLoader agent = new URLClassLoader(new URL[] {agentJar},
                ClassLoader.getPlatformClassLoader());
             CountingLoader app = new CountingLoader(libs.toArray(new URL[0]))) {
            List<byte[]> classFiles = new ArrayList<>();
            for (String name : names) {
                try (InputStream in = app.getResourceAsStream(name.replace('.', '/') + ".class")) {
                    // read before timing; reset below
                    classFiles.add(in.readAllBytes());
                }
            }
            Class<?> filterType = agent.loadClass(
                    "dev.odometer.agent.instrument.MeterableTypeFilter");
            Class<?> knownType = agent.loadClass("dev.odometer.agent.instrument.KnownTypes");
            Constructor<?> known = knownType.getDeclaredConstructor();
            known.setAccessible(true);
            Constructor<?> create = filterType.getDeclaredConstructor(Set.class, knownType);
            create.setAccessible(true);
            Method mayBeMetered = filterType.getDeclaredMethod("mayBeMetered", ClassLoader.class,
                    byte[].class);
            mayBeMetered.setAccessible(true);
            for (int pass = 1; pass <= 5; pass++) {
                Object filter = create.newInstance(Set.of(), known.newInstance());
                app.reads = 0;
                int yes = 0;
                long start = System.nanoTime();
                for (byte[] classFile : classFiles) {
                    if ((Boolean) mayBeMetered.invoke(filter, app, classFile)) {
                        yes++;
                    }
                }
                long nanos = System.nanoTime() - start;
                System.out.println(String.format(Locale.ROOT,
                        "pass %d (%s): %d classes in %.1f ms, %.1f us per class, %d may be "
                                + "metered; the filter read %d supertype class files from the "
                                + "jars itself",
                        pass, pass == 1 ? "cold, as at start-up" : "warm", classFiles.size(),
                        nanos / 1e6, nanos / 1e3 / classFiles.size(), yes, app.reads));
            }
        }
    }

}
