package dev.odometer.agent.bootstrap;

import java.util.Collection;
import java.util.Map;

/**
 * Reads the amount of a {@code @Quantity} parameter whose type is a reference: a boxed number,
 * a collection, a map or an array. Loaded by the bootstrap class loader; called from inlined
 * advice. Primitive parameters are read by the advice itself without calling this class.
 *
 * <p>Not API: application code must never call this class.
 */
public final class Quantities {
    private Quantities() {
    }

    /** The amount {@code value} stands for; 0 (nothing counted) for null or unknown types. */
    public static long of(Object value) {
        if (value instanceof Collection) {
            return ((Collection<?>) value).size();
        }
        if (value instanceof Number) {
            Number number = (Number) value;
            if (number instanceof Integer || number instanceof Long || number instanceof Short
                    || number instanceof Byte) {
                return number.longValue();
            }
            return 0;
        }
        if (value instanceof Map) {
            return ((Map<?, ?>) value).size();
        }
        if (value instanceof Object[]) {
            return ((Object[]) value).length;
        }
        if (value instanceof byte[]) {
            return ((byte[]) value).length;
        }
        if (value instanceof char[]) {
            return ((char[]) value).length;
        }
        if (value instanceof int[]) {
            return ((int[]) value).length;
        }
        if (value instanceof long[]) {
            return ((long[]) value).length;
        }
        if (value instanceof short[]) {
            return ((short[]) value).length;
        }
        if (value instanceof double[]) {
            return ((double[]) value).length;
        }
        if (value instanceof float[]) {
            return ((float[]) value).length;
        }
        if (value instanceof boolean[]) {
            return ((boolean[]) value).length;
        }
        return 0;
    }
}
