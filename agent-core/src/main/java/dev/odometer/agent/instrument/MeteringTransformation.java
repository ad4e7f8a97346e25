package dev.odometer.agent.instrument;

import dev.odometer.agent.log.AgentLog;
import java.security.ProtectionDomain;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves the metering advice into the planned methods of one type: each method gets the advice
 * of its count mode, with its slot and amount bound as constants of that method.
 */
final class MeteringTransformation implements AgentBuilder.Transformer {
    private static final AgentLog LOG = AgentLog.forClass(MeteringTransformation.class);

    private final MeteringPlanner planner;

    MeteringTransformation(MeteringPlanner planner) {
        this.planner = planner;
    }

    /** Matches the types that have at least one metered method. */
    ElementMatcher<TypeDescription> typesWithMeteredMethods() {
        return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
            @Override
            public boolean matches(TypeDescription type) {
                return !planner.plan(type).isEmpty();
            }
        };
    }

    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                            ClassLoader classLoader, JavaModule module,
                                            ProtectionDomain protectionDomain) {
        Map<MethodDescription.SignatureToken, MeteredMethod> plan = planner.plan(type);
        Advice.WithCustomMapping mapping = Advice.withCustomMapping()
                .bind(Slot.class, (instrumentedType, method, assigner, arguments, sort) ->
                        new Advice.OffsetMapping.Target.ForStackManipulation(
                                IntegerConstant.forValue(plan.get(method.asSignatureToken()).slot)))
                .bind(Mode.class, (instrumentedType, method, assigner, arguments, sort) ->
                        new Advice.OffsetMapping.Target.ForStackManipulation(
                                IntegerConstant.forValue(
                                        plan.get(method.asSignatureToken()).mode.code)))
                .bind(Amount.class, (instrumentedType, method, assigner, arguments, sort) ->
                        new Advice.OffsetMapping.Target.ForStackManipulation(QuantityReader.amount(
                                plan.get(method.asSignatureToken()), method, arguments)));
        Set<Class<?>> advices = new LinkedHashSet<>();
        for (MeteredMethod metered : plan.values()) {
            advices.add(MeteringAdvice.forMethod(metered));
        }
        for (Class<?> advice : advices) {
            builder = builder.visit(mapping.to(advice).on(methodsIn(plan, advice)));
        }
        for (Map.Entry<MethodDescription.SignatureToken, MeteredMethod> e : plan.entrySet()) {
            LOG.info("metering " + type.getName() + "#" + e.getKey().getName() + " for "
                    + e.getValue());
        }
        return builder;
    }

    private static ElementMatcher<MethodDescription> methodsIn(
            Map<MethodDescription.SignatureToken, MeteredMethod> plan, Class<?> advice) {
        return new ElementMatcher.Junction.AbstractBase<MethodDescription>() {
            @Override
            public boolean matches(MethodDescription method) {
                MeteredMethod metered = plan.get(method.asSignatureToken());
                return metered != null && MeteringAdvice.forMethod(metered) == advice
                        && !method.isBridge();
            }
        };
    }
}
