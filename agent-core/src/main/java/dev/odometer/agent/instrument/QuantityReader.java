package dev.odometer.agent.instrument;

import dev.odometer.agent.bootstrap.Quantities;
import java.util.Collection;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.primitive.PrimitiveWideningDelegate;
import net.bytebuddy.implementation.bytecode.constant.LongConstant;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.implementation.bytecode.member.MethodVariableAccess;

/**
 * Produces the bytecode that puts one call's amount on the stack as a {@code long}: the
 * constant 1, a primitive argument widened to long, or {@link Quantities#of(Object)} of a
 * reference argument (boxed number, collection, map, array).
 */
final class QuantityReader {
    private static final TypeDescription LONG = TypeDescription.ForLoadedType.of(long.class);
    private static final MethodDescription QUANTITIES_OF;

    static {
        try {
            QUANTITIES_OF = new MethodDescription.ForLoadedMethod(
                    Quantities.class.getMethod("of", Object.class));
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private QuantityReader() {
    }

    /** Whether a {@code @Quantity} parameter of this type can be read. */
    static boolean supports(TypeDescription type) {
        if (type.isPrimitive()) {
            return type.represents(int.class) || type.represents(long.class)
                    || type.represents(short.class) || type.represents(byte.class);
        }
        if (type.isArray() || type.represents(Integer.class) || type.represents(Long.class)
                || type.represents(Short.class) || type.represents(Byte.class)) {
            return true;
        }
        try {
            return type.isAssignableTo(Collection.class) || type.isAssignableTo(Map.class);
        } catch (RuntimeException unresolvable) {
            return false;
        }
    }

    /** The amount of one call of {@code method} as planned by {@code metered}. */
    static StackManipulation amount(MeteredMethod metered, MethodDescription method,
                                    Advice.ArgumentHandler arguments) {
        if (metered.quantityIndex == MeteredMethod.NO_QUANTITY) {
            return LongConstant.forValue(1L);
        }
        ParameterDescription parameter = method.getParameters().get(metered.quantityIndex);
        TypeDescription type = parameter.getType().asErasure();
        StackManipulation load = MethodVariableAccess.of(type)
                .loadFrom(arguments.argument(parameter.getOffset()));
        if (type.represents(long.class)) {
            return load;
        }
        if (type.isPrimitive()) {
            return new StackManipulation.Compound(load,
                    PrimitiveWideningDelegate.forPrimitive(type).widenTo(LONG));
        }
        return new StackManipulation.Compound(load, MethodInvocation.invoke(QUANTITIES_OF));
    }
}
