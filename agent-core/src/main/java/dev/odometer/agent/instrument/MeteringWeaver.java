package dev.odometer.agent.instrument;

import java.util.HashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites a class file so that its planned methods count their calls ({@link MeteredMethodCode}
 * says what each gets). Core ASM only: one read of the planned methods' code to learn how many
 * local variable slots each uses, then one pass that copies every other method byte for byte
 * and rewrites the planned ones, keeping the class's own stack map frames (the JVM verifies
 * them; nothing is recomputed, so no class is ever loaded to merge types).
 */
final class MeteringWeaver {
    private MeteringWeaver() {
    }

    /**
     * @param plan metered methods by name + descriptor
     * @return the rewritten class file
     */
    static byte[] weave(byte[] classFile, Map<String, MeteredMethod> plan) {
        ClassReader reader = new ClassReader(classFile);
        Map<String, Integer> maxLocals = maxLocals(reader, plan);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new Weaving(writer, plan, maxLocals), ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /** The max_locals of each planned method, read from its Code attribute. */
    private static Map<String, Integer> maxLocals(ClassReader reader,
                                                  Map<String, MeteredMethod> plan) {
        Map<String, Integer> result = new HashMap<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor,
                                             String signature, String[] exceptions) {
                String key = name + descriptor;
                if (!plan.containsKey(key)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMaxs(int maxStack, int locals) {
                        result.put(key, locals);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return result;
    }

    private static final class Weaving extends ClassVisitor {
        private final Map<String, MeteredMethod> plan;
        private final Map<String, Integer> maxLocals;
        private boolean frames;
        private String owner;

        Weaving(ClassVisitor next, Map<String, MeteredMethod> plan,
                Map<String, Integer> maxLocals) {
            super(Opcodes.ASM9, next);
            this.plan = plan;
            this.maxLocals = maxLocals;
        }

        @Override
        public void visit(int version, int access, String name, String signature,
                          String superName, String[] interfaces) {
            // stack map frames exist from Java 6 (major 50) on; older files are verified
            // by type inference and must get none
            frames = (version & 0xFFFF) >= Opcodes.V1_6;
            owner = name;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor,
                                         String signature, String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature,
                    exceptions);
            String key = name + descriptor;
            MeteredMethod metered = plan.get(key);
            Integer locals = maxLocals.get(key);
            if (metered == null || locals == null
                    || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE
                    | Opcodes.ACC_SYNTHETIC)) != 0 || name.charAt(0) == '<') {
                return next;
            }
            return new MeteredMethodCode(next, owner, access, descriptor, metered, locals,
                    frames);
        }
    }
}
