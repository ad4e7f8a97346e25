package dev.odometer.agent.instrument;

import dev.odometer.agent.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The transformer the JVM calls for every class: it asks the cheap {@link MeterableTypeFilter}
 * first and hands only the classes that may be metered to Byte Buddy's transformer, which is
 * built in the background so that Byte Buddy's own start-up does not delay the application.
 * Whatever goes wrong, the class is left as it was.
 */
final class PrefilteringTransformer implements ClassFileTransformer {
    private static final AgentLog LOG = AgentLog.forClass(PrefilteringTransformer.class);

    private final MeterableTypeFilter filter;
    private final CompletableFuture<ClassFileTransformer> byteBuddy;
    private final AtomicBoolean faultReported = new AtomicBoolean();

    PrefilteringTransformer(MeterableTypeFilter filter,
                            CompletableFuture<ClassFileTransformer> byteBuddy) {
        this.filter = filter;
        this.byteBuddy = byteBuddy;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className,
                            Class<?> classBeingRedefined, ProtectionDomain protectionDomain,
                            byte[] classFile) {
        try {
            if (loader == null || className == null
                    || MeterableTypeFilter.isNeverMetered(className)
                    || !filter.mayBeMetered(loader, classFile)) {
                return null;
            }
            ClassFileTransformer delegate = byteBuddy.join();
            return delegate.transform(module, loader, className, classBeingRedefined,
                    protectionDomain, classFile);
        } catch (Throwable fault) {
            if (faultReported.compareAndSet(false, true)) {
                LOG.error("could not instrument " + className + "; it runs unmetered", fault);
            }
            return null;
        }
    }
}
