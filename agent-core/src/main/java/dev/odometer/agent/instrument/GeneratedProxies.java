package dev.odometer.agent.instrument;

/**
 * Recognises classes that frameworks generate to stand in front of a real object: Spring's
 * CGLIB subclasses, JDK dynamic proxies, Byte Buddy, Hibernate, javassist, Guice, Weld,
 * Quarkus ArC and Micronaut proxies. They are never metered: they inherit the metered
 * methods of the class or interface they stand for, and the target they hand the call to is
 * metered itself, often on another thread ({@code @Async}), where counting the proxy's call
 * too would bill twice.
 *
 * <p>Decided from what the pre-filter already read (name, superclass, interfaces), no more.
 */
final class GeneratedProxies {
    /**
     * Markers in the binary names the generators give their classes; only markers no one would
     * write by hand (Quarkus and Micronaut proxies are told by their interfaces instead, since
     * a user class may well be called {@code Payment_Subclass}).
     */
    private static final String[] NAME_MARKERS = {
        "$$SpringCGLIB$$", "$$EnhancerBySpringCGLIB$$", "$$EnhancerByCGLIB$$",
        "$$FastClassBySpringCGLIB$$", "$$EnhancerByGuice$$", "$ByteBuddy$", "$MockitoMock$",
        "$HibernateProxy$", "_$$_jvst", "$Proxy$_$$_Weld"
    };
    /** Interfaces the generators make their proxies implement. */
    private static final String[] PROXY_INTERFACES = {
        "org/springframework/cglib/proxy/Factory", "net/sf/cglib/proxy/Factory",
        "org/springframework/aop/SpringProxy", "org/hibernate/proxy/HibernateProxy",
        "org/hibernate/proxy/ProxyConfiguration", "javassist/util/proxy/ProxyObject",
        "javassist/util/proxy/Proxy", "org/jboss/weld/bean/proxy/ProxyObject",
        "io/quarkus/arc/ClientProxy", "io/quarkus/arc/Subclass", "io/micronaut/aop/Intercepted"
    };

    private GeneratedProxies() {
    }

    /** Whether the scanned class is a generated proxy. */
    static boolean isProxy(ClassFileScan scan) {
        if ("java/lang/reflect/Proxy".equals(scan.superName)) {
            return true;
        }
        for (String marker : NAME_MARKERS) {
            if (scan.name.contains(marker)) {
                return true;
            }
        }
        for (String anInterface : scan.interfaces) {
            for (String proxyInterface : PROXY_INTERFACES) {
                if (proxyInterface.equals(anInterface)) {
                    return true;
                }
            }
        }
        return false;
    }
}
