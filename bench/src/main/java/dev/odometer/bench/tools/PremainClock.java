package dev.odometer.bench.tools;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Set;

/**
 * Diagnosis-only agent for run-startup.sh --diagnose; what it does depends on its argument:
 * <ul>
 *   <li>any word but the two below: prints {@code probe.<word> <System.nanoTime()>}. Given once
 *       before and once after another agent on the command line (the JVM runs premains in
 *       command-line order), the difference is that agent's premain time, with no change to it.
 *   <li>{@code null-transformer}: registers a transformer that returns null for every class:
 *       the cost of any agent that looks at every class (the JVMTI hook and the call into Java).
 *   <li>{@code filter-only}: registers a transformer that asks Odometer's own class-file
 *       pre-filter about every class, exactly as Odometer's transformer does, and never
 *       transforms: Odometer's per-class cost without the rest of its start-up. The filter is
 *       loaded from the agent jar named by {@code -Dprobe.odometerJar} (default
 *       agents/odometer-agent.jar) and called through a method handle, unchanged.
 * </ul>
 */
public final class PremainClock {
    private PremainClock() {
    }

    public static void premain(String args, Instrumentation instrumentation) throws Exception {
        long now = System.nanoTime();
        System.out.print("probe.");
        System.out.print(args);
        System.out.print(' ');
        System.out.println(now);
        if ("null-transformer".equals(args)) {
            instrumentation.addTransformer(new ClassFileTransformer() {
                @Override
                public byte[] transform(Module module, ClassLoader loader, String className,
                                        Class<?> redefined, ProtectionDomain domain,
                                        byte[] classFile) {
                    return null;
                }
            }, true);
        } else if ("filter-only".equals(args)) {
            instrumentation.addTransformer(filterOnly(), true);
        }
    }

    private static ClassFileTransformer filterOnly() throws Exception {
        URL jar = Path.of(System.getProperty("probe.odometerJar", "agents/odometer-agent.jar"))
                .toUri().toURL();
        ClassLoader odometer = new URLClassLoader(new URL[] {jar},
                ClassLoader.getPlatformClassLoader());
        Class<?> filterType = odometer.loadClass(
                "dev.odometer.agent.instrument.MeterableTypeFilter");
        Class<?> knownType = odometer.loadClass("dev.odometer.agent.instrument.KnownTypes");
        Constructor<?> known = knownType.getDeclaredConstructor();
        known.setAccessible(true);
        Constructor<?> create = filterType.getDeclaredConstructor(Set.class, knownType);
        create.setAccessible(true);
        Object filter = create.newInstance(Set.of(), known.newInstance());
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(filterType,
                MethodHandles.lookup());
        MethodHandle isNeverMetered = lookup.findStatic(filterType, "isNeverMetered",
                MethodType.methodType(boolean.class, String.class));
        MethodHandle mayBeMetered = lookup.findVirtual(filterType, "mayBeMetered",
                MethodType.methodType(boolean.class, ClassLoader.class, byte[].class))
                .bindTo(filter);
        return new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String className,
                                    Class<?> redefined, ProtectionDomain domain,
                                    byte[] classFile) {
                try {
                    // the same questions, in the same order, as Odometer's MeteringTransformer
                    if (loader == null || className == null
                            || (boolean) isNeverMetered.invokeExact(className)) {
                        return null;
                    }
                    boolean unused = (boolean) mayBeMetered.invokeExact(loader, classFile);
                } catch (Throwable ignored) {
                    // diagnosis only: never disturb the app
                }
                return null;
            }
        };
    }
}
