package dev.odometer.agent.instrument;

import java.nio.charset.StandardCharsets;

/**
 * What the pre-filter needs from a class file, read straight from its bytes without Byte Buddy:
 * the class name, its direct supertypes, and whether the constant pool mentions the
 * {@code @Metered} annotation. Reading the constant pool takes microseconds and allocates only
 * the few names it returns, which is what lets the agent skip the thousands of classes an
 * application loads that have nothing to meter.
 */
final class ClassFileScan {
    private static final byte[] METERED_DESCRIPTOR =
            "Ldev/odometer/Metered;".getBytes(StandardCharsets.UTF_8);
    private static final int MAGIC = 0xCAFEBABE;

    final String name;
    final String superName;
    final String[] interfaces;
    final boolean mentionsMetered;

    private ClassFileScan(String name, String superName, String[] interfaces,
                          boolean mentionsMetered) {
        this.name = name;
        this.superName = superName;
        this.interfaces = interfaces;
        this.mentionsMetered = mentionsMetered;
    }

    /** @return the scan, or null when the bytes are not a class file this reader understands */
    static ClassFileScan of(byte[] b) {
        try {
            return parse(b);
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return null;
        }
    }

    private static ClassFileScan parse(byte[] b) {
        if (b.length < 10 || s4(b, 0) != MAGIC) {
            return null;
        }
        int count = u2(b, 8);
        int[] offsets = new int[count];
        boolean metered = false;
        int p = 10;
        for (int i = 1; i < count; i++) {
            offsets[i] = p;
            int tag = b[p] & 0xFF;
            switch (tag) {
                case 1: // Utf8
                    int length = u2(b, p + 1);
                    if (!metered && length == METERED_DESCRIPTOR.length) {
                        metered = regionEquals(b, p + 3, METERED_DESCRIPTOR);
                    }
                    p += 3 + length;
                    break;
                case 3: case 4: // Integer, Float
                case 9: case 10: case 11: case 12: // refs, NameAndType
                case 17: case 18: // Dynamic, InvokeDynamic
                    p += 5;
                    break;
                case 5: case 6: // Long, Double take two slots
                    p += 9;
                    i++;
                    break;
                case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                    p += 3;
                    break;
                case 15: // MethodHandle
                    p += 4;
                    break;
                default:
                    return null;
            }
        }
        int thisIndex = u2(b, p + 2);
        int superIndex = u2(b, p + 4);
        int interfaceCount = u2(b, p + 6);
        String[] interfaces = new String[interfaceCount];
        for (int i = 0; i < interfaceCount; i++) {
            interfaces[i] = className(b, offsets, u2(b, p + 8 + 2 * i));
        }
        String superName = superIndex == 0 ? null : className(b, offsets, superIndex);
        return new ClassFileScan(className(b, offsets, thisIndex), superName, interfaces, metered);
    }

    private static String className(byte[] b, int[] offsets, int classIndex) {
        int nameIndex = u2(b, offsets[classIndex] + 1);
        int utf8 = offsets[nameIndex];
        return new String(b, utf8 + 3, u2(b, utf8 + 1), StandardCharsets.UTF_8);
    }

    private static boolean regionEquals(byte[] b, int offset, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (b[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int s4(byte[] b, int p) {
        return (u2(b, p) << 16) | u2(b, p + 2);
    }
}
