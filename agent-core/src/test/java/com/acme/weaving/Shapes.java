package com.acme.weaving;

import dev.odometer.CountOn;
import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Method shapes the weaver must get right: every return type, the method's own handlers,
 * exceptions leaving the method, loops at the very start (a frame at offset 0), switches,
 * synchronized code, statics and every kind of {@code @Quantity}. Slots are named w0..w9.
 */
public class Shapes {
    public int caughtByOwnHandler;

    @Metered("w0")
    public int returnsInt(int x) {
        return x + 1;
    }

    @Metered("w0")
    public long returnsLong(long x) {
        return x * 2;
    }

    @Metered("w0")
    public double returnsDouble(double x) {
        return x / 2;
    }

    @Metered("w0")
    public float returnsFloat(float x) {
        return x;
    }

    @Metered("w0")
    public boolean returnsBoolean(boolean x) {
        return !x;
    }

    @Metered("w0")
    public String returnsObject(String x) {
        return x == null ? "null" : x + "!";
    }

    @Metered("w0")
    public int[] returnsArray(int n) {
        return new int[n];
    }

    @Metered("w0")
    public void returnsNothing() {
    }

    @Metered("w0")
    public static int staticSum(int a, long b, double c, Object d) {
        return (int) (a + b + c) + (d == null ? 0 : 1);
    }

    /** A loop back to the very first instruction: the method's own frame at offset 0. */
    @Metered("w0")
    public int loopsFromTheStart(int n) {
        int i = 0;
        while (true) {
            if (i++ >= n) {
                return i;
            }
        }
    }

    /** Its own handler catches; the call returns normally and counts as a success. */
    @Metered("w1")
    public int catchesItsOwn(boolean fail) {
        try {
            if (fail) {
                throw new IllegalStateException("inside");
            }
            return 1;
        } catch (IllegalStateException e) {
            caughtByOwnHandler++;
            return -1;
        } finally {
            caughtByOwnHandler += 0;
        }
    }

    /** Throws the caller's exception through, unchanged. */
    @Metered("w2")
    public int throwsOut(RuntimeException toThrow) {
        if (toThrow != null) {
            throw toThrow;
        }
        return 7;
    }

    @Metered(value = "w3", countOn = CountOn.FAILURE)
    public int countsFailures(boolean fail) throws Exception {
        if (fail) {
            throw new Exception("checked, declared");
        }
        return 3;
    }

    @Metered(value = "w4", countOn = CountOn.ALWAYS)
    public String countsAlways(int which) {
        switch (which) {
            case 0:
                return "zero";
            case 1:
                return "one";
            case 7:
                throw new IllegalArgumentException("seven");
            default:
                synchronized (this) {
                    return "many";
                }
        }
    }

    @Metered("w5")
    public int sendAll(@Quantity Collection<String> items) {
        items.clear(); // the amount is read before the method consumes its argument
        return 0;
    }

    @Metered("w5")
    public void useLong(@Quantity long units, String note) {
    }

    @Metered("w5")
    public void useShort(String note, @Quantity short units) {
    }

    @Metered("w5")
    public void useByte(@Quantity byte units) {
    }

    @Metered("w5")
    public void useBoxed(@Quantity Integer units) {
    }

    @Metered("w5")
    public void useMap(@Quantity Map<String, String> entries) {
    }

    @Metered("w5")
    public void useArray(@Quantity byte[] data) {
    }

    @Metered("w5")
    public void useList(double before, @Quantity List<Object> items, long after) {
    }

    @Metered("w6")
    public CompletableFuture<String> async(CompletableFuture<String> stage) {
        return stage;
    }

    @Metered(value = "w7", countOn = CountOn.FAILURE)
    public CompletableFuture<String> asyncFailures(CompletableFuture<String> stage) {
        return stage;
    }

    @Metered("w8")
    public synchronized int synchronizedMethod(int x) {
        return x;
    }

    /** Nested: the outer call of the same SKU is the bill. */
    @Metered("w9")
    public int outer(int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += inner();
        }
        return sum;
    }

    @Metered("w9")
    public int inner() {
        return 1;
    }

    /** Not metered: left byte for byte. */
    public int plain(int x) {
        return x;
    }
}
