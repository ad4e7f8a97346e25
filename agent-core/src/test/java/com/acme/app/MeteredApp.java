package com.acme.app;

import dev.odometer.CountOn;
import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.util.Arrays;
import java.util.List;

/**
 * A host application for the forked-JVM tests: exercises every way a method can be metered and
 * prints what it did. Expected totals per SKU alias are in {@code MeteringIT}.
 */
public final class MeteredApp {
    public static void main(String[] args) throws Exception {
        Plain plain = new Plain();
        for (int i = 0; i < 1000; i++) {
            plain.plain();
        }
        Plain.staticWork();
        Plain.staticWork();

        SenderImpl sender = new SenderImpl();
        Sender viaInterface = sender;
        for (int i = 0; i < 7; i++) {
            sender.send("direct");
        }
        for (int i = 0; i < 3; i++) {
            viaInterface.send("interface");
        }

        StringHandler handler = new StringHandler();
        Handler<String> genericView = handler;
        for (int i = 0; i < 5; i++) {
            handler.handle("direct");
            genericView.handle("through the bridge method");
        }

        Base derived = new Derived();
        for (int i = 0; i < 4; i++) {
            derived.work();
        }

        Quantities q = new Quantities();
        q.sendAll(List.of("a", "b", "c"));
        q.sendAll(List.of());
        q.sendAll(null);
        q.sendAll(Arrays.asList("d", "e"));
        q.upload(new byte[1024]);
        q.upload(new byte[0]);
        q.use(10L);
        q.use(-5L);
        q.use(0L);
        q.useInt(7);
        q.useInt(-1);

        Outcomes outcomes = new Outcomes();
        int caught = 0;
        for (int i = 0; i < 6; i++) {
            boolean fail = i % 3 == 0;
            try {
                outcomes.onSuccess(fail);
            } catch (IllegalStateException expected) {
                caught++;
            }
            try {
                outcomes.onFailure(fail);
            } catch (IllegalStateException expected) {
                caught++;
            }
            try {
                outcomes.always(fail);
            } catch (IllegalStateException expected) {
                caught++;
            }
        }
        if (caught != 6) {
            throw new AssertionError("metering changed exceptions: caught " + caught);
        }
        if (outcomes.returned != 12) {
            throw new AssertionError("metering changed return values");
        }

        LegacyMailer mailer = new LegacyMailer();
        mailer.send("x");
        mailer.send("y", 2);
        LegacyMailer smtp = new SmtpLegacyMailer();
        smtp.send("z");

        LegacyApi api = new LegacyApi();
        api.first();
        api.second();
        api.second();

        new Misnamed().work();
        System.out.println("app done: plain=1000 static=2 iface=10 generic=10 superclass=4");
    }

    public static final class Plain {
        @Metered("plain")
        public void plain() {
        }

        @Metered("static")
        static void staticWork() {
        }
    }

    public interface Sender {
        @Metered("iface")
        void send(String message);
    }

    public static final class SenderImpl implements Sender {
        int sent;

        @Override
        public void send(String message) {
            sent++;
        }
    }

    public interface Handler<T> {
        @Metered("generic")
        void handle(T item);
    }

    public static final class StringHandler implements Handler<String> {
        int handled;

        @Override
        public void handle(String item) {
            handled += item.length();
        }
    }

    public abstract static class Base {
        @Metered("superclass")
        public abstract void work();
    }

    public static final class Derived extends Base {
        @Override
        public void work() {
        }
    }

    public static final class Quantities {
        @Metered("recipients")
        public void sendAll(@Quantity List<String> recipients) {
        }

        @Metered("bytes")
        public void upload(@Quantity byte[] data) {
        }

        @Metered("units")
        public void use(@Quantity long units) {
        }

        @Metered("units")
        public void useInt(@Quantity int units) {
        }
    }

    public static final class Outcomes {
        int returned;

        @Metered("success")
        public int onSuccess(boolean fail) {
            return result(fail);
        }

        @Metered(value = "failure", countOn = CountOn.FAILURE)
        public int onFailure(boolean fail) {
            return result(fail);
        }

        @Metered(value = "always", countOn = CountOn.ALWAYS)
        public int always(boolean fail) {
            return result(fail);
        }

        private int result(boolean fail) {
            if (fail) {
                throw new IllegalStateException("failed on purpose");
            }
            returned++;
            return 42;
        }
    }

    /** Listed in the config, no annotation: {@code LegacyMailer#send}. */
    public static class LegacyMailer {
        public void send(String to) {
        }

        public void send(String to, int copies) {
        }
    }

    public static final class SmtpLegacyMailer extends LegacyMailer {
        @Override
        public void send(String to) {
        }
    }

    /** Listed as {@code LegacyApi#*}: public methods count, private helpers do not. */
    public static final class LegacyApi {
        public void first() {
            helper();
        }

        public void second() {
            helper();
        }

        private void helper() {
        }
    }

    public static final class Misnamed {
        @Metered("no-such-sku")
        public void work() {
        }
    }
}
