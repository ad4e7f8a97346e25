package dev.odometer.agent.jdk;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;

/**
 * Access to the JDK internals the agent needs, without opening them to the host.
 *
 * <p>{@link JdkInternals} is defined from its class file in a class loader of its own (whose
 * parent is the platform loader, so it sees nothing of the agent or the host), and the
 * instrumentation API exports {@code jdk.internal.misc} and opens {@code java.lang} to that
 * loader's unnamed module alone. Exporting to the agent's own module instead would export to
 * the unnamed module of the application class loader, i.e. to every class on the host's class
 * path.
 */
public final class IsolatedJdkAccess {
    private static final String INTERNALS = "dev.odometer.agent.jdk.JdkInternals";
    private static volatile IsolatedJdkAccess instance;

    private final Class<?> internals;

    private IsolatedJdkAccess(Class<?> internals) {
        this.internals = internals;
    }

    /**
     * Sets up the isolated access once per JVM.
     *
     * @throws IllegalStateException when this JVM does not allow it
     */
    public static synchronized IsolatedJdkAccess install(Instrumentation instrumentation) {
        IsolatedJdkAccess current = instance;
        if (current != null) {
            return current;
        }
        Class<?> internals = new IsolatedLoader().defineInternals();
        Module javaBase = Object.class.getModule();
        Module isolated = internals.getModule();
        instrumentation.redefineModule(javaBase, Set.of(),
                Map.of("jdk.internal.misc", Set.of(isolated)),
                Map.of("java.lang", Set.of(isolated)), Set.of(), Map.of());
        current = new IsolatedJdkAccess(internals);
        instance = current;
        return current;
    }

    /** The access set up earlier in this JVM, or null. */
    public static IsolatedJdkAccess installed() {
        return instance;
    }

    /** Defines a class in the boot class loader. */
    public void defineInBootLoader(String name, byte[] bytes) throws ReflectiveOperationException {
        call("defineInBootLoader", new Class<?>[] {String.class, byte[].class}, name, bytes);
    }

    /** The live set of registered application shutdown hooks; null once shutdown has begun. */
    @SuppressWarnings("unchecked")
    public Set<Thread> shutdownHooks() throws ReflectiveOperationException {
        return (Set<Thread>) call("shutdownHooks", new Class<?>[0]);
    }

    private Object call(String method, Class<?>[] types, Object... args)
            throws ReflectiveOperationException {
        Method target = internals.getMethod(method, types);
        try {
            return target.invoke(null, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ReflectiveOperationException) {
                throw (ReflectiveOperationException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw e;
        }
    }

    /** Defines {@link JdkInternals} from the agent's class file, and nothing else. */
    private static final class IsolatedLoader extends ClassLoader {
        IsolatedLoader() {
            super("odometer-jdk-access", ClassLoader.getPlatformClassLoader());
        }

        Class<?> defineInternals() {
            String resource = INTERNALS.replace('.', '/') + ".class";
            ClassLoader agentLoader = IsolatedJdkAccess.class.getClassLoader();
            try (InputStream in = agentLoader == null
                    ? ClassLoader.getSystemResourceAsStream(resource)
                    : agentLoader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("the agent jar has no " + resource);
                }
                byte[] bytes = in.readAllBytes();
                return defineClass(INTERNALS, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + resource + ": " + e, e);
            }
        }
    }
}
