package dev.odometer.agent.instrument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Rewrites one metered method. What it does, in Java terms ({@code Counters} is on the boot
 * class path, so every class loader reaches it):
 *
 * <pre>{@code
 * Row frame = null; long amount = 0;
 * try { amount = <1 | the @Quantity argument>; frame = Counters.enter(slot); }
 * catch (Throwable t) { }                          // nothing marked; the method runs unmetered
 * try {
 *     <the method's own code, each return going to the exit below>
 * } catch (Throwable thrown) {                     // last in the exception table: the method's
 *     try { Counters.exit(frame, slot, <counts on failure ? amount : 0>); }  // own handlers
 *     catch (Throwable t) { }                      // keep priority
 *     throw thrown;
 * }
 * exit: try { Counters.exit(frame, slot, <counts on success ? amount : 0>); } catch (Throwable t) { }
 * return value;
 * }</pre>
 *
 * A method returning a {@code CompletionStage} calls {@code Counters.exitAsync(frame, slot,
 * amount, mode, returned, thrown)} on both ways out instead. The amount is read first: a
 * method may consume its argument (clear a list), and if reading it fails nothing is marked.
 *
 * <p>The two new locals (and the returned value or thrown exception) live above the method's
 * own {@code max_locals}, so its code is untouched; its stack map frames are kept and get the
 * new locals appended, and every piece of new code that can be jumped to has a frame of its
 * own. Class files older than Java 6 get no frames.
 */
final class MeteredMethodCode extends MethodVisitor {
    private static final String COUNTERS = "dev/odometer/agent/bootstrap/Counters";
    private static final String ROW = COUNTERS + "$Row";
    private static final String QUANTITIES = "dev/odometer/agent/bootstrap/Quantities";
    private static final String THROWABLE = "java/lang/Throwable";
    private static final Object[] THROWN_ON_STACK = {THROWABLE};
    private static final Object[] EMPTY = {};

    private final MeteredMethod metered;
    private final Type returnType;
    private final boolean frames;
    private final int amountVar;
    private final int frameVar;
    private final int valueVar;
    private final int quantityVar;
    private final Type quantityType;
    /** The locals at entry (this and the parameters), padded to max_locals. */
    private final Object[] entryLocals;
    /** max_locals slots that the exit code does not care about. */
    private final Object[] unusedLocals;

    private final Label bodyStart = new Label();
    private final Label bodyEnd = new Label();
    private final Label exit = new Label();
    private final Label thrown = new Label();
    /** The frame at the start of the method's own code is still to be written. */
    private boolean bodyFramePending;

    MeteredMethodCode(MethodVisitor next, String owner, int access, String descriptor,
                      MeteredMethod metered, int maxLocals, boolean frames) {
        super(Opcodes.ASM9, next);
        this.metered = metered;
        this.returnType = Type.getReturnType(descriptor);
        this.frames = frames;
        this.amountVar = maxLocals;
        this.frameVar = maxLocals + 2;
        this.valueVar = maxLocals + 3;

        boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        Type[] parameters = Type.getArgumentTypes(descriptor);
        List<Object> locals = new ArrayList<>();
        int slot = 0;
        if (!isStatic) {
            locals.add(owner);
            slot++;
        }
        int quantitySlot = -1;
        for (int i = 0; i < parameters.length; i++) {
            if (i == metered.quantityIndex) {
                quantitySlot = slot;
            }
            locals.add(verificationType(parameters[i]));
            slot += parameters[i].getSize();
        }
        this.quantityVar = quantitySlot;
        this.quantityType = metered.quantityIndex >= 0 && metered.quantityIndex < parameters.length
                ? parameters[metered.quantityIndex] : null;
        this.entryLocals = padded(locals, slot, maxLocals);
        this.unusedLocals = padded(new ArrayList<>(), 0, maxLocals);
    }

    // ---- entry --------------------------------------------------------------------------

    @Override
    public void visitCode() {
        super.visitCode();
        Label start = new Label();
        Label end = new Label();
        Label failed = new Label();
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitVarInsn(Opcodes.ASTORE, frameVar);
        mv.visitInsn(Opcodes.LCONST_0);
        mv.visitVarInsn(Opcodes.LSTORE, amountVar);
        mv.visitTryCatchBlock(start, end, failed, THROWABLE);
        mv.visitLabel(start);
        pushAmount();
        mv.visitVarInsn(Opcodes.LSTORE, amountVar);
        pushInt(metered.slot);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, COUNTERS, "enter", "(I)L" + ROW + ";", false);
        mv.visitVarInsn(Opcodes.ASTORE, frameVar);
        mv.visitLabel(end);
        mv.visitJumpInsn(Opcodes.GOTO, bodyStart);
        mv.visitLabel(failed);
        frame(withOurs(entryLocals), THROWN_ON_STACK);
        mv.visitInsn(Opcodes.POP);
        mv.visitLabel(bodyStart);
        bodyFramePending = frames;
    }

    private void pushAmount() {
        if (quantityType == null) {
            mv.visitInsn(Opcodes.LCONST_1);
            return;
        }
        switch (quantityType.getSort()) {
            case Type.LONG:
                mv.visitVarInsn(Opcodes.LLOAD, quantityVar);
                break;
            case Type.INT:
            case Type.SHORT:
            case Type.BYTE:
                mv.visitVarInsn(Opcodes.ILOAD, quantityVar);
                mv.visitInsn(Opcodes.I2L);
                break;
            default:
                mv.visitVarInsn(Opcodes.ALOAD, quantityVar);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, QUANTITIES, "of",
                        "(Ljava/lang/Object;)J", false);
        }
    }

    // ---- the method's own code ------------------------------------------------------------

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack,
                           Object[] stack) {
        if (!frames) {
            super.visitFrame(type, numLocal, local, numStack, stack);
            return;
        }
        // an own frame at the very start of the code serves for the jump to it as well
        bodyFramePending = false;
        Object[] locals = withOurs(padded(Arrays.asList(local).subList(0, numLocal),
                -1, amountVar));
        mv.visitFrame(Opcodes.F_NEW, locals.length, locals, numStack, stack);
    }

    @Override
    public void visitInsn(int opcode) {
        flushBodyFrame();
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            if (opcode != Opcodes.RETURN) {
                mv.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), valueVar);
            }
            mv.visitJumpInsn(Opcodes.GOTO, exit);
            return;
        }
        mv.visitInsn(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        flushBodyFrame();
        mv.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        flushBodyFrame();
        mv.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        flushBodyFrame();
        mv.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        flushBodyFrame();
        mv.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                                boolean isInterface) {
        flushBodyFrame();
        mv.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
                                       Object... arguments) {
        flushBodyFrame();
        mv.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        flushBodyFrame();
        mv.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        flushBodyFrame();
        mv.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        flushBodyFrame();
        mv.visitIincInsn(varIndex, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        flushBodyFrame();
        mv.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        flushBodyFrame();
        mv.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        flushBodyFrame();
        mv.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    private void flushBodyFrame() {
        if (bodyFramePending) {
            bodyFramePending = false;
            frame(withOurs(entryLocals), EMPTY);
        }
    }

    // ---- the ways out ---------------------------------------------------------------------

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        flushBodyFrame();
        mv.visitLabel(bodyEnd);
        boolean returnsValue = returnType.getSort() != Type.VOID;
        Object[] atExit = returnsValue
                ? append(withOurs(unusedLocals), verificationType(returnType))
                : withOurs(unusedLocals);

        // returned normally
        Label exitStart = new Label();
        Label exitEnd = new Label();
        Label exitFailed = new Label();
        mv.visitLabel(exit);
        frame(atExit, EMPTY);
        mv.visitLabel(exitStart);
        callExit(true);
        mv.visitLabel(exitEnd);
        returnValue(returnsValue);
        mv.visitLabel(exitFailed);
        frame(atExit, THROWN_ON_STACK);
        mv.visitInsn(Opcodes.POP);
        returnValue(returnsValue);

        // threw
        Label thrownStart = new Label();
        Label thrownEnd = new Label();
        Label thrownFailed = new Label();
        mv.visitLabel(thrown);
        frame(withOurs(unusedLocals), THROWN_ON_STACK);
        mv.visitVarInsn(Opcodes.ASTORE, valueVar);
        mv.visitLabel(thrownStart);
        callExit(false);
        mv.visitLabel(thrownEnd);
        mv.visitVarInsn(Opcodes.ALOAD, valueVar);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitLabel(thrownFailed);
        frame(append(withOurs(unusedLocals), THROWABLE), THROWN_ON_STACK);
        mv.visitInsn(Opcodes.POP);
        mv.visitVarInsn(Opcodes.ALOAD, valueVar);
        mv.visitInsn(Opcodes.ATHROW);

        mv.visitTryCatchBlock(exitStart, exitEnd, exitFailed, THROWABLE);
        mv.visitTryCatchBlock(thrownStart, thrownEnd, thrownFailed, THROWABLE);
        // last, so that every handler of the method's own keeps priority over it
        mv.visitTryCatchBlock(bodyStart, bodyEnd, thrown, THROWABLE);
        mv.visitMaxs(Math.max(maxStack, 8), valueVar + Math.max(returnType.getSize(), 1));
    }

    private void callExit(boolean returned) {
        mv.visitVarInsn(Opcodes.ALOAD, frameVar);
        pushInt(metered.slot);
        if (metered.async) {
            mv.visitVarInsn(Opcodes.LLOAD, amountVar);
            pushInt(metered.mode.code);
            if (returned) {
                mv.visitVarInsn(Opcodes.ALOAD, valueVar);
                mv.visitInsn(Opcodes.ACONST_NULL);
            } else {
                mv.visitInsn(Opcodes.ACONST_NULL);
                mv.visitVarInsn(Opcodes.ALOAD, valueVar);
            }
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, COUNTERS, "exitAsync",
                    "(L" + ROW + ";IJILjava/lang/Object;Ljava/lang/Throwable;)V", false);
            return;
        }
        boolean counts = returned ? metered.mode != CountMode.FAILURE
                : metered.mode != CountMode.SUCCESS;
        if (counts) {
            mv.visitVarInsn(Opcodes.LLOAD, amountVar);
        } else {
            mv.visitInsn(Opcodes.LCONST_0);
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, COUNTERS, "exit", "(L" + ROW + ";IJ)V",
                false);
    }

    private void returnValue(boolean returnsValue) {
        if (returnsValue) {
            mv.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), valueVar);
        }
        mv.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void frame(Object[] locals, Object[] stack) {
        if (frames) {
            mv.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
        }
    }

    private void pushInt(int value) {
        if (value >= -1 && value <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.BIPUSH, value);
        } else {
            mv.visitIntInsn(Opcodes.SIPUSH, value);
        }
    }

    /** The locals followed by TOP up to {@code slots} slots (longs and doubles take two). */
    private static Object[] padded(List<Object> locals, int knownSlots, int slots) {
        int used = knownSlots;
        if (used < 0) {
            used = 0;
            for (Object local : locals) {
                used += local == Opcodes.LONG || local == Opcodes.DOUBLE ? 2 : 1;
            }
        }
        List<Object> result = new ArrayList<>(locals);
        for (; used < slots; used++) {
            result.add(Opcodes.TOP);
        }
        return result.toArray();
    }

    /** The locals (max_locals slots) followed by the amount and the frame. */
    private static Object[] withOurs(Object[] locals) {
        Object[] result = Arrays.copyOf(locals, locals.length + 2);
        result[locals.length] = Opcodes.LONG;
        result[locals.length + 1] = ROW;
        return result;
    }

    private static Object[] append(Object[] locals, Object last) {
        Object[] result = Arrays.copyOf(locals, locals.length + 1);
        result[locals.length] = last;
        return result;
    }

    private static Object verificationType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.CHAR:
            case Type.BYTE:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            case Type.ARRAY:
                return type.getDescriptor();
            default:
                return type.getInternalName();
        }
    }
}
