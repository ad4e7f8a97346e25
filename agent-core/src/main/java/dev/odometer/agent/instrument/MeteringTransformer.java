package dev.odometer.agent.instrument;

import dev.odometer.agent.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The transformer the JVM calls for every class: the cheap {@link MeterableTypeFilter} first,
 * then for the few classes that may be metered the {@link MeteringPlanner}, and for those with
 * metered methods the {@link MeteringWeaver}. Whatever goes wrong, the class is left as it was.
 */
final class MeteringTransformer implements ClassFileTransformer {
    private static final AgentLog LOG = AgentLog.forClass(MeteringTransformer.class);

    private final Instrumentation instrumentation;
    private final MeterableTypeFilter filter;
    private final MeteringPlanner planner;
    /** The module of the bootstrap classes that woven code calls. */
    private final Module countersModule;
    private final AtomicBoolean faultReported = new AtomicBoolean();

    MeteringTransformer(Instrumentation instrumentation, MeterableTypeFilter filter,
                        MeteringPlanner planner, Module countersModule) {
        this.instrumentation = instrumentation;
        this.filter = filter;
        this.planner = planner;
        this.countersModule = countersModule;
    }

    private static java.net.URL location(ProtectionDomain domain) {
        java.security.CodeSource source = domain == null ? null : domain.getCodeSource();
        return source == null ? null : source.getLocation();
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className,
                            Class<?> classBeingRedefined, ProtectionDomain protectionDomain,
                            byte[] classFile) {
        if (loader == null || className == null
                || MeterableTypeFilter.isNeverMetered(className)) {
            return null;
        }
        try {
            TypeModel type = filter.candidate(loader, classFile, location(protectionDomain));
            if (type == null) {
                return null;
            }
            Map<String, MeteredMethod> plan = planner.plan(loader, type);
            if (plan.isEmpty()) {
                return null;
            }
            byte[] woven = MeteringWeaver.weave(classFile, plan);
            if (module != null && module.isNamed() && !module.canRead(countersModule)) {
                instrumentation.redefineModule(module, Set.of(countersModule), Map.of(),
                        Map.of(), Set.of(), Map.of());
            }
            for (Map.Entry<String, MeteredMethod> e : plan.entrySet()) {
                String method = e.getKey();
                LOG.infoLater("metering " + type.javaName() + "#"
                        + method.substring(0, method.indexOf('(')) + " for " + e.getValue());
            }
            return woven;
        } catch (Throwable fault) {
            if (faultReported.compareAndSet(false, true)) {
                LOG.warnLater("could not instrument " + className.replace('/', '.')
                        + "; it runs unmetered: " + fault);
            }
            return null;
        }
    }
}
