package dev.odometer.agent.instrument;

import java.util.Set;
import org.objectweb.asm.Type;

/**
 * Which {@code @Quantity} parameter types the woven code can read: {@code int}, {@code long},
 * {@code short}, {@code byte} (widened in place), their boxes, arrays, collections and maps
 * (through the bootstrap {@code Quantities.of}).
 */
final class QuantityTypes {
    private static final Set<String> BOXES = Set.of("java/lang/Integer", "java/lang/Long",
            "java/lang/Short", "java/lang/Byte");

    private final TypeHierarchy hierarchy;

    QuantityTypes(TypeHierarchy hierarchy) {
        this.hierarchy = hierarchy;
    }

    /** Whether a {@code @Quantity} parameter of this type can be read. */
    boolean supports(ClassLoader loader, Type type) {
        switch (type.getSort()) {
            case Type.INT:
            case Type.LONG:
            case Type.SHORT:
            case Type.BYTE:
            case Type.ARRAY:
                return true;
            case Type.OBJECT:
                String name = type.getInternalName();
                return BOXES.contains(name)
                        || hierarchy.isSubtype(loader, name, "java/util/Collection")
                        || hierarchy.isSubtype(loader, name, "java/util/Map");
            default:
                return false;
        }
    }
}
