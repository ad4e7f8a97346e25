package dev.odometer.agent.instrument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What the planner needs to know of one class, read from its class file with ASM (no code, no
 * debug information, no class loading): its name, supertypes and generic signature, and per
 * method the access flags, descriptor, generic signature, {@code @Metered} and {@code @Quantity}.
 */
final class TypeModel {
    static final String METERED = "Ldev/odometer/Metered;";
    static final String QUANTITY = "Ldev/odometer/Quantity;";

    final int access;
    final String name;
    final String superName;
    final String[] interfaces;
    /** The generic class signature, or null when the class declares no generics. */
    final String signature;
    final List<MethodModel> methods;

    private TypeModel(int access, String name, String superName, String[] interfaces,
                      String signature, List<MethodModel> methods) {
        this.access = access;
        this.name = name;
        this.superName = superName;
        this.interfaces = interfaces;
        this.signature = signature;
        this.methods = methods;
    }

    /** Reads a class file; ASM's own exceptions (a damaged file) propagate. */
    static TypeModel read(byte[] classFile) {
        Collector collector = new Collector();
        new ClassReader(classFile).accept(collector,
                ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new TypeModel(collector.access, collector.name, collector.superName,
                collector.interfaces, collector.signature,
                Collections.unmodifiableList(collector.methods));
    }

    boolean isAnnotation() {
        return (access & Opcodes.ACC_ANNOTATION) != 0;
    }

    /** The binary name, for messages: {@code com.acme.Mailer$Smtp}. */
    String javaName() {
        return name.replace('/', '.');
    }

    /** One declared method. */
    static final class MethodModel {
        final int access;
        final String name;
        final String descriptor;
        final String signature;
        /** {@code @Metered}'s value, or null when the method carries none. */
        String meteredAlias;
        /** {@code @Metered}'s countOn constant name, or null for the default. */
        String countOn;
        /** Parameters annotated {@code @Quantity}, in order. */
        final List<Integer> quantityParameters = new ArrayList<>(1);

        MethodModel(int access, String name, String descriptor, String signature) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            this.signature = signature;
        }

        boolean isMetered() {
            return meteredAlias != null;
        }

        /** Not static, not private, not a constructor: can override and be overridden. */
        boolean isVirtual() {
            return (access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0
                    && !name.equals("<init>") && !name.equals("<clinit>");
        }

        /** Whether the weaver may touch it: has code of its own that the compiler wrote. */
        boolean isInstrumentable() {
            return (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE
                    | Opcodes.ACC_SYNTHETIC)) == 0 && name.charAt(0) != '<';
        }

        boolean isPublic() {
            return (access & Opcodes.ACC_PUBLIC) != 0;
        }
    }

    private static final class Collector extends ClassVisitor {
        int access;
        String name;
        String superName;
        String[] interfaces;
        String signature;
        final List<MethodModel> methods = new ArrayList<>();

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature,
                          String superName, String[] interfaces) {
            this.access = access;
            this.name = name;
            this.superName = superName;
            this.interfaces = interfaces == null ? new String[0] : interfaces;
            this.signature = signature;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor,
                                         String signature, String[] exceptions) {
            MethodModel method = new MethodModel(access, name, descriptor, signature);
            methods.add(method);
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public AnnotationVisitor visitAnnotation(String type, boolean visible) {
                    if (!METERED.equals(type)) {
                        return null;
                    }
                    method.meteredAlias = "";
                    return new AnnotationVisitor(Opcodes.ASM9) {
                        @Override
                        public void visit(String key, Object value) {
                            if ("value".equals(key)) {
                                method.meteredAlias = String.valueOf(value);
                            }
                        }

                        @Override
                        public void visitEnum(String key, String enumType, String value) {
                            if ("countOn".equals(key)) {
                                method.countOn = value;
                            }
                        }
                    };
                }

                @Override
                public AnnotationVisitor visitParameterAnnotation(int parameter, String type,
                                                                  boolean visible) {
                    if (QUANTITY.equals(type)) {
                        method.quantityParameters.add(parameter);
                    }
                    return null;
                }
            };
        }
    }
}
