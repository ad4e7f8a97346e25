package dev.odometer.agent.jdk;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * The two things the agent needs from inside the JDK. This class is never loaded by the
 * agent's class loader: {@link IsolatedJdkAccess} defines it in a class loader of its own, and
 * only that loader's module is given access to {@code jdk.internal.misc} and {@code java.lang}.
 * The host application's class path gets nothing.
 *
 * <p>Public only for reflection from {@link IsolatedJdkAccess}; uses nothing but the JDK.
 */
public final class JdkInternals {
    private JdkInternals() {
    }

    /** Defines a class in the boot class loader. */
    public static void defineInBootLoader(String name, byte[] bytes) throws Exception {
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method define = unsafeType.getMethod("defineClass", String.class, byte[].class,
                int.class, int.class, ClassLoader.class, ProtectionDomain.class);
        define.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
    }

    /**
     * The live set of the application's registered shutdown hooks. The JDK drops its own
     * reference when shutdown begins but keeps the set intact, so a reference taken earlier
     * still lists every hook that runs.
     */
    public static Set<Thread> shutdownHooks() throws Exception {
        Class<?> hooks = Class.forName("java.lang.ApplicationShutdownHooks");
        Field field = hooks.getDeclaredField("hooks");
        field.setAccessible(true);
        synchronized (hooks) {
            @SuppressWarnings("unchecked")
            Map<Thread, Thread> map = (Map<Thread, Thread>) field.get(null);
            return map == null ? null : map.keySet();
        }
    }
}
