package dev.odometer.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.weaving.Generic;
import com.acme.weaving.Shapes;
import dev.odometer.agent.bootstrap.Counters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Woven classes verify (ASM's analyzer and the JVM's own verifier, by loading them), behave as
 * before (same results, the same exceptions, their own handlers still catching), count as
 * planned, and survive failures of the woven calls themselves.
 */
class MeteringWeaverTest {
    private final Planning planning = Planning.annotationsOnly();

    @ParameterizedTest(name = "class file version {0}")
    @ValueSource(ints = {Opcodes.V11, Opcodes.V17, Opcodes.V21, Opcodes.V25})
    void wovenClassesVerifyOnEveryClassFileVersion(int version) {
        for (Class<?> type : List.of(Shapes.class, Generic.StringSender.class,
                Generic.StringFactory.class, Generic.IntegerSender.class)) {
            byte[] original = withVersion(Planning.bytes(type), version);
            byte[] woven = MeteringWeaver.weave(original, planning.plan(type));

            assertThat(verify(woven)).as("%s, version %d", type, version).isEmpty();
        }
    }

    @Test
    void oldClassFilesWithoutFramesGetNone() {
        byte[] old = withVersion(withoutFrames(Planning.bytes(Generic.StringSender.class)),
                Opcodes.V1_5);
        byte[] woven = MeteringWeaver.weave(old, planning.plan(Generic.StringSender.class));

        assertThat(verify(woven)).isEmpty();
        assertThat(new String(woven, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("StackMapTable");
    }

    @Test
    void unplannedMethodsAreCopiedUnchanged() throws Throwable {
        Object shapes = load(Shapes.class);
        assertThat(call(shapes, "plain", 5)).isEqualTo(5);
        byte[] original = Planning.bytes(Shapes.class);
        byte[] woven = MeteringWeaver.weave(original, planning.plan(Shapes.class));
        assertThat(code(woven, "plain")).isEqualTo(code(original, "plain"));
        assertThat(code(woven, "returnsInt")).isNotEqualTo(code(original, "returnsInt"));
    }

    @Test
    void resultsAreUnchangedAndEachCallCountsOnce() throws Throwable {
        Object shapes = load(Shapes.class);
        long before = Counters.total(200);

        assertThat(call(shapes, "returnsInt", 41)).isEqualTo(42);
        assertThat(call(shapes, "returnsLong", 21L)).isEqualTo(42L);
        assertThat(call(shapes, "returnsDouble", 5.0)).isEqualTo(2.5);
        assertThat(call(shapes, "returnsFloat", 1.5f)).isEqualTo(1.5f);
        assertThat(call(shapes, "returnsBoolean", false)).isEqualTo(true);
        assertThat(call(shapes, "returnsObject", "x")).isEqualTo("x!");
        assertThat((int[]) call(shapes, "returnsArray", 3)).hasSize(3);
        assertThat(call(shapes, "returnsNothing")).isNull();
        assertThat(call(shapes, "staticSum", 1, 2L, 3.0, "d")).isEqualTo(7);
        assertThat(call(shapes, "loopsFromTheStart", 3)).isEqualTo(4);

        assertThat(Counters.total(200) - before).isEqualTo(10);
    }

    @Test
    void theMethodsOwnHandlersKeepCatching() throws Throwable {
        Object shapes = load(Shapes.class);
        long before = Counters.total(201);

        assertThat(call(shapes, "catchesItsOwn", true)).isEqualTo(-1);
        assertThat(call(shapes, "catchesItsOwn", false)).isEqualTo(1);

        assertThat(shapes.getClass().getField("caughtByOwnHandler").getInt(shapes)).isEqualTo(1);
        assertThat(Counters.total(201) - before).isEqualTo(2); // both returned normally
    }

    @Test
    void exceptionsLeaveUnchangedAndCountByMode() throws Throwable {
        Object shapes = load(Shapes.class);
        long success = Counters.total(202);
        long failure = Counters.total(203);
        long always = Counters.total(204);
        IllegalStateException mine = new IllegalStateException("the host's own");

        assertThatThrownBy(() -> call(shapes, "throwsOut", mine)).isSameAs(mine);
        assertThat(call(shapes, "throwsOut", (Object) null)).isEqualTo(7);
        assertThatThrownBy(() -> call(shapes, "countsFailures", true))
                .isExactlyInstanceOf(Exception.class).hasMessage("checked, declared");
        assertThat(call(shapes, "countsFailures", false)).isEqualTo(3);
        assertThat(call(shapes, "countsAlways", 0)).isEqualTo("zero");
        assertThat(call(shapes, "countsAlways", 9)).isEqualTo("many");
        assertThatThrownBy(() -> call(shapes, "countsAlways", 7))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("seven");

        assertThat(Counters.total(202) - success).isEqualTo(1);
        assertThat(Counters.total(203) - failure).isEqualTo(1);
        assertThat(Counters.total(204) - always).isEqualTo(3);
        // the monitor of the synchronized block was released on every way out
        assertThat(Thread.holdsLock(shapes)).isFalse();
    }

    @Test
    void quantitiesAreReadBeforeTheMethodRuns() throws Throwable {
        Object shapes = load(Shapes.class);
        long before = Counters.total(205);

        call(shapes, "sendAll", new ArrayList<>(List.of("a", "b", "c")));   // 3, then cleared
        call(shapes, "useLong", 10L, "n");                                  // 10
        call(shapes, "useShort", "n", (short) 4);                           // 4
        call(shapes, "useByte", (byte) -2);                                 // nothing
        call(shapes, "useBoxed", (Object) null);                            // nothing
        call(shapes, "useBoxed", 6);                                        // 6
        call(shapes, "useMap", Map.of("k", "v"));                           // 1
        call(shapes, "useArray", new byte[5]);                              // 5
        call(shapes, "useList", 1.0, Arrays.asList(1, 2), 2L);              // 2

        assertThat(Counters.total(205) - before).isEqualTo(31);
    }

    @Test
    void stagesCountWhenTheyComplete() throws Throwable {
        Object shapes = load(Shapes.class);
        long success = Counters.total(206);
        long failure = Counters.total(207);
        CompletableFuture<String> ok = new CompletableFuture<>();
        CompletableFuture<String> bad = new CompletableFuture<>();

        assertThat(call(shapes, "async", ok)).isSameAs(ok);
        call(shapes, "asyncFailures", bad);
        assertThat(Counters.total(206) - success).isZero();

        ok.complete("done");
        bad.completeExceptionally(new IllegalStateException());
        assertThat(Counters.total(206) - success).isEqualTo(1);
        assertThat(Counters.total(207) - failure).isEqualTo(1);
    }

    @Test
    void onlyTheOutermostCallOfASkuCounts() throws Throwable {
        Object shapes = load(Shapes.class);
        long before = Counters.total(209);

        assertThat(call(shapes, "outer", 5)).isEqualTo(5);
        call(shapes, "inner");

        assertThat(Counters.total(209) - before).isEqualTo(2);
        assertThat(call(shapes, "synchronizedMethod", 3)).isEqualTo(3);
    }

    @Test
    void inheritedAnnotationsAreWovenIntoTheImplementation() throws Throwable {
        Object sender = load(Generic.StringSender.class);
        long before = Counters.total(210);

        call(sender, "send", "x");
        call(sender, "sendAll", List.of("a", "b"));
        sender.getClass().getMethod("send", Integer.class).invoke(sender, 1); // not an override

        assertThat(Counters.total(210) - before).isEqualTo(3);
    }

    @Test
    void failuresOfTheWovenCallsNeverReachTheHost() throws Throwable {
        // a quantity that cannot be read: nothing is marked, the method runs and returns
        Object shapes = load(Shapes.class);
        long before = Counters.total(205);
        java.util.Collection<String> broken = new java.util.AbstractList<>() {
            @Override
            public String get(int index) {
                return "x";
            }

            @Override
            public int size() {
                throw new UnsupportedOperationException("size");
            }

            @Override
            public void clear() {
            }
        };
        assertThat(call(shapes, "sendAll", broken)).isEqualTo(0);
        assertThat(Counters.total(205) - before).isZero();

        // enter, exit and exitAsync themselves failing: results and exceptions stay the host's
        Object failing = load(Shapes.class, true);
        IllegalStateException mine = new IllegalStateException("the host's own");
        assertThat(call(failing, "returnsInt", 1)).isEqualTo(2);
        assertThat(call(failing, "returnsLong", 2L)).isEqualTo(4L);
        assertThat(call(failing, "returnsNothing")).isNull();
        assertThatThrownBy(() -> call(failing, "throwsOut", mine)).isSameAs(mine);
        assertThatThrownBy(() -> call(failing, "countsFailures", true))
                .hasMessage("checked, declared");
        CompletableFuture<String> stage = new CompletableFuture<>();
        assertThat(call(failing, "async", stage)).isSameAs(stage);
        assertThat(ThrowingCounters.calls).isPositive();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private Object load(Class<?> type) throws Exception {
        return load(type, false);
    }

    /** The woven class in a loader of its own; optionally with every Counters call failing. */
    private Object load(Class<?> type, boolean countersFail) throws Exception {
        byte[] woven = MeteringWeaver.weave(Planning.bytes(type), planning.plan(type));
        if (countersFail) {
            woven = redirectCounters(woven);
        }
        assertThat(verify(woven)).isEmpty();
        byte[] bytes = woven;
        ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve)
                    throws ClassNotFoundException {
                if (name.equals(type.getName())) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> loaded = findLoadedClass(name);
                        return loaded != null ? loaded
                                : defineClass(name, bytes, 0, bytes.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        return loader.loadClass(type.getName()).getConstructor().newInstance();
    }

    private static Object call(Object target, String name, Object... arguments)
            throws Throwable {
        for (Method method : target.getClass().getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == arguments.length
                    && !method.isBridge() && accepts(method.getParameterTypes(), arguments)) {
                try {
                    return method.invoke(target, arguments);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(name);
    }

    /** Whether the arguments fit the parameters (overloads of one name and arity exist). */
    private static boolean accepts(Class<?>[] types, Object[] arguments) {
        for (int i = 0; i < types.length; i++) {
            Class<?> type = types[i].isPrimitive()
                    ? java.lang.invoke.MethodType.methodType(types[i]).wrap().returnType()
                    : types[i];
            if (arguments[i] != null && !type.isInstance(arguments[i])) {
                return false;
            }
        }
        return true;
    }

    /** ASM's analyzer over every method; empty when everything verifies. */
    private static String verify(byte[] classFile) {
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(classFile),
                MeteringWeaverTest.class.getClassLoader(), false, new PrintWriter(problems));
        return problems.toString();
    }

    /** The bytecode of one method, as text. */
    private static String code(byte[] classFile, String method) {
        org.objectweb.asm.util.Textifier text = new org.objectweb.asm.util.Textifier();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor,
                                             String signature, String[] exceptions) {
                return name.equals(method)
                        ? new org.objectweb.asm.util.TraceMethodVisitor(text) : null;
            }
        }, 0);
        StringWriter out = new StringWriter();
        text.print(new PrintWriter(out));
        return out.toString();
    }

    private static byte[] withVersion(byte[] classFile, int version) {
        byte[] copy = classFile.clone();
        copy[6] = (byte) (version >>> 8);
        copy[7] = (byte) version;
        return copy;
    }

    private static byte[] withoutFrames(byte[] classFile) {
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(classFile).accept(writer, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }

    /** Points the woven calls to {@link ThrowingCounters}, whose methods all throw. */
    private static byte[] redirectCounters(byte[] classFile) {
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor,
                                             String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9,
                        super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method,
                                                String methodDescriptor, boolean isInterface) {
                        if (owner.equals("dev/odometer/agent/bootstrap/Counters")) {
                            owner = "dev/odometer/agent/instrument/ThrowingCounters";
                        }
                        super.visitMethodInsn(opcode, owner, method, methodDescriptor,
                                isInterface);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }
}
