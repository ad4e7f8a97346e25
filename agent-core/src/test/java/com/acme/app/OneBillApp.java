package com.acme.app;

import dev.odometer.CountOn;
import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.MethodDelegation;
import net.bytebuddy.implementation.SuperMethodCall;
import net.bytebuddy.implementation.bind.annotation.AllArguments;
import net.bytebuddy.implementation.bind.annotation.Origin;
import net.bytebuddy.implementation.bind.annotation.RuntimeType;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * A host application for {@code OneBillIT}: one logical operation reached through a decorator,
 * an override calling super, a batch method calling a per-item method, recursion, a JDK dynamic
 * proxy and generated proxy subclasses named as Spring CGLIB, Byte Buddy, Hibernate and
 * javassist name them. Each case bills its own SKU alias; the expected totals are in the test.
 * Needs Byte Buddy on the class path (the host's own copy, as Spring's CGLIB is Spring's).
 */
public final class OneBillApp {
    /** Where the proxies hand the call to their target, as {@code @Async} does. */
    static final ExecutorService ELSEWHERE = Executors.newFixedThreadPool(2);

    public static void main(String[] args) throws Exception {
        try {
            decorator();
            overrideCallingSuper();
            batchCallingPerItem();
            outermostCountMode();
            differentSkusNest();
            recursion();
            jdkProxies();
            generatedProxies();
        } finally {
            ELSEWHERE.shutdown();
        }
        System.out.println("app done");
    }

    // --- decorated: 5 through a decorator, 2 direct: 7 -------------------------------------

    public interface Mailer {
        @Metered("decorated")
        void send(String to);
    }

    public static final class SmtpMailer implements Mailer {
        int sent;

        @Override
        public void send(String to) {
            sent++;
        }
    }

    /** A decorator: implements the annotated interface and delegates to another implementation. */
    public static final class RetryingMailer implements Mailer {
        private final Mailer inner;

        RetryingMailer(Mailer inner) {
            this.inner = inner;
        }

        @Override
        public void send(String to) {
            inner.send(to);
        }
    }

    static void decorator() {
        SmtpMailer smtp = new SmtpMailer();
        Mailer decorated = new RetryingMailer(smtp);
        for (int i = 0; i < 5; i++) {
            decorated.send("a@example.com");
        }
        smtp.send("b@example.com");
        smtp.send("c@example.com");
        check(smtp.sent == 7, "decorated sends");
    }

    // --- overridden: 2 x 3 recipients through super, 1 direct: 7 ----------------------------

    public static class Notifier {
        int notified;

        @Metered("overridden")
        public void notifyEveryone(@Quantity List<String> recipients) {
            notified += recipients.size();
        }
    }

    public static final class AuditedNotifier extends Notifier {
        @Override
        public void notifyEveryone(List<String> recipients) {
            super.notifyEveryone(recipients);
        }
    }

    static void overrideCallingSuper() {
        Notifier audited = new AuditedNotifier();
        audited.notifyEveryone(List.of("a", "b", "c"));
        audited.notifyEveryone(List.of("d", "e", "f"));
        Notifier plain = new Notifier();
        plain.notifyEveryone(List.of("g"));
        check(audited.notified + plain.notified == 7, "notified");
    }

    // --- batch: sendAll(3) + sendAll(2) + sendAll(empty) + 4 single sends: 9 ------------------

    public static final class Courier {
        int delivered;

        @Metered("batch")
        public void send(String to) {
            delivered++;
        }

        @Metered("batch")
        public void sendAll(@Quantity List<String> recipients) {
            for (String to : recipients) {
                send(to);
            }
        }
    }

    static void batchCallingPerItem() {
        Courier courier = new Courier();
        courier.sendAll(List.of("a", "b", "c"));
        courier.sendAll(List.of("d", "e"));
        courier.sendAll(List.of());
        for (int i = 0; i < 4; i++) {
            courier.send("f");
        }
        check(courier.delivered == 9, "delivered");
    }

    // --- check: the outermost call's own count mode decides: 2 + 0 + 2 direct probes: 4 ----

    public static final class Checker {
        /** Counts when it returns normally, whatever the nested probe did. */
        @Metered("check")
        public boolean check(boolean probeFails, boolean fail) {
            try {
                probe(probeFails);
            } catch (IllegalStateException expected) {
                // the probe's failure is handled here
            }
            if (fail) {
                throw new IllegalStateException("check failed on purpose");
            }
            return true;
        }

        @Metered(value = "check", countOn = CountOn.ALWAYS)
        public void probe(boolean fail) {
            if (fail) {
                throw new IllegalStateException("probe failed on purpose");
            }
        }
    }

    static void outermostCountMode() {
        Checker checker = new Checker();
        checker.check(true, false);
        checker.check(true, false);
        int failed = 0;
        for (int i = 0; i < 3; i++) {
            try {
                checker.check(false, true);
            } catch (IllegalStateException expected) {
                failed++;
            }
        }
        checker.probe(false);
        try {
            checker.probe(true);
        } catch (IllegalStateException expected) {
            failed++;
        }
        check(failed == 4, "failed checks");
    }

    // --- request 3, email 3 x 2 nested + 1 direct = 7: different SKUs nest freely -----------

    public static final class EmailSender {
        @Metered("email")
        public void send(String to) {
        }
    }

    public static final class RequestHandler {
        private final EmailSender emails = new EmailSender();

        @Metered("request")
        public void handle(String request) {
            emails.send("first@example.com");
            emails.send("second@example.com");
        }
    }

    static void differentSkusNest() {
        RequestHandler handler = new RequestHandler();
        for (int i = 0; i < 3; i++) {
            handler.handle("GET /");
        }
        new EmailSender().send("direct@example.com");
    }

    // --- recursive: two calls of factorial(5): 2 -------------------------------------------

    public static final class Maths {
        @Metered("recursive")
        public long factorial(int n) {
            return n <= 1 ? 1 : n * factorial(n - 1);
        }
    }

    static void recursion() {
        Maths maths = new Maths();
        check(maths.factorial(5) == 120 && maths.factorial(5) == 120, "factorial");
    }

    // --- JDK dynamic proxies ---------------------------------------------------------------

    /**
     * Package-private, so the JDK defines its proxy class in this package and loader
     * ({@code com.acme.app.$ProxyN}), where the agent sees it.
     */
    interface Translator {
        @Metered("jdk-proxy")
        String translate(String text);
    }

    static final class DictionaryTranslator implements Translator {
        int translated;

        @Override
        public String translate(String text) {
            translated++;
            return text.toUpperCase();
        }
    }

    /** Public: the JDK defines this proxy class in a dynamic module of its own. */
    public interface Greeter {
        @Metered("jdk-proxy-public")
        String greet(String name);
    }

    public static final class PlainGreeter implements Greeter {
        @Override
        public String greet(String name) {
            return "hello " + name;
        }
    }

    /** A JDK proxy's handler that runs the call on its target on another thread and waits. */
    static final class HandOffHandler implements InvocationHandler {
        private final Object target;
        private final boolean elsewhere;

        HandOffHandler(Object target, boolean elsewhere) {
            this.target = target;
            this.elsewhere = elsewhere;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            Callable<Object> call = () -> method.invoke(target, args);
            return elsewhere ? runElsewhere(call) : call.call();
        }
    }

    static void jdkProxies() {
        DictionaryTranslator dictionary = new DictionaryTranslator();
        Translator translator = (Translator) Proxy.newProxyInstance(
                Translator.class.getClassLoader(), new Class<?>[] {Translator.class},
                new HandOffHandler(dictionary, true));
        check(translator.getClass().getName().startsWith("com.acme.app.$Proxy"),
                "proxy class in the app's package: " + translator.getClass().getName());
        for (int i = 0; i < 4; i++) {
            translator.translate("word");
        }
        check(dictionary.translated == 4, "translated");

        Greeter greeter = (Greeter) Proxy.newProxyInstance(Greeter.class.getClassLoader(),
                new Class<?>[] {Greeter.class}, new HandOffHandler(new PlainGreeter(), false));
        for (int i = 0; i < 3; i++) {
            greeter.greet("you");
        }
    }

    // --- generated proxy subclasses --------------------------------------------------------

    /** The target class that generated proxies stand in front of; one SKU per kind of proxy. */
    public static class Billing {
        int billed;

        @Metered("cglib")
        public void viaCglib() {
            billed++;
        }

        @Metered("cglib-super")
        public void viaCglibSuper() {
            billed++;
        }

        @Metered("bytebuddy")
        public void viaByteBuddy() {
            billed++;
        }

        @Metered("hibernate")
        public void viaHibernate() {
            billed++;
        }

        @Metered("javassist")
        public void viaJavassist() {
            billed++;
        }
    }

    /**
     * What an AOP proxy does with a call: hands it to the separate target object, on another
     * thread (as {@code @Async} does), and waits for it.
     */
    public static final class HandOff {
        private final Object target;

        HandOff(Object target) {
            this.target = target;
        }

        @RuntimeType
        public Object intercept(@Origin Method method, @AllArguments Object[] args)
                throws Exception {
            return runElsewhere(() -> method.invoke(target, args));
        }
    }

    static void generatedProxies() throws Exception {
        Billing target = new Billing();
        String base = Billing.class.getName();

        Billing cglib = handOffProxy(base + "$$SpringCGLIB$$0", target);
        for (int i = 0; i < 5; i++) {
            cglib.viaCglib();
        }

        // a CGLIB subclass whose override runs the inherited code on the proxy itself
        Billing cglibSuper = new ByteBuddy().subclass(Billing.class)
                .name(base + "$$SpringCGLIB$$1")
                .method(ElementMatchers.isDeclaredBy(Billing.class))
                .intercept(SuperMethodCall.INSTANCE)
                .make().load(Billing.class.getClassLoader(), inThisPackage())
                .getLoaded().getDeclaredConstructor().newInstance();
        for (int i = 0; i < 3; i++) {
            cglibSuper.viaCglibSuper();
        }

        // Byte Buddy's own default naming: com.acme.app.OneBillApp$Billing$ByteBuddy$<random>
        Billing byteBuddy = new ByteBuddy().subclass(Billing.class)
                .method(ElementMatchers.isDeclaredBy(Billing.class))
                .intercept(MethodDelegation.to(new HandOff(target)))
                .make().load(Billing.class.getClassLoader(), inThisPackage())
                .getLoaded().getDeclaredConstructor().newInstance();
        check(byteBuddy.getClass().getName().contains("$ByteBuddy$"),
                "Byte Buddy's naming: " + byteBuddy.getClass().getName());
        byteBuddy.viaByteBuddy();
        byteBuddy.viaByteBuddy();

        Billing hibernate = handOffProxy(base + "$HibernateProxy$Xy7Qa1", target);
        hibernate.viaHibernate();
        hibernate.viaHibernate();

        Billing javassist = handOffProxy(base + "_$$_jvst3a1_0", target);
        javassist.viaJavassist();
        javassist.viaJavassist();

        check(target.billed == 11 && cglibSuper.billed == 3, "billed");
    }

    private static Billing handOffProxy(String name, Billing target) throws Exception {
        return new ByteBuddy().subclass(Billing.class)
                .name(name)
                .method(ElementMatchers.isDeclaredBy(Billing.class))
                .intercept(MethodDelegation.to(new HandOff(target)))
                .make().load(Billing.class.getClassLoader(), inThisPackage())
                .getLoaded().getDeclaredConstructor().newInstance();
    }

    /** Defines generated classes as Spring 6 does: in the target's own loader and package. */
    private static ClassLoadingStrategy<ClassLoader> inThisPackage() throws IllegalAccessException {
        return ClassLoadingStrategy.UsingLookup.of(
                MethodHandles.privateLookupIn(Billing.class, MethodHandles.lookup()));
    }

    static Object runElsewhere(Callable<Object> call) throws Exception {
        try {
            return ELSEWHERE.submit(call).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InvocationTargetException) {
                cause = cause.getCause();
            }
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("metering changed what the app did: " + what);
        }
    }
}
