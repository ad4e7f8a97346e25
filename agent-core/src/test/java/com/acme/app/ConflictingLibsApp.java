package com.acme.app;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.odometer.Metered;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import okhttp3.OkHttp;
import okhttp3.OkHttpClient;
import org.yaml.snakeyaml.Yaml;

/**
 * A host application that brings its own, older versions of the libraries the agent uses
 * (OkHttp 4 with Kotlin 1.x, Byte Buddy 1.14, Caffeine 2, SnakeYAML 1.x) and uses them.
 * It prints where each came from so the test can check the app got its own.
 */
public final class ConflictingLibsApp {
    public static void main(String[] args) throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().build();
        System.out.println("okhttp " + OkHttp.class.getField("VERSION").get(null) + " from "
                + where(OkHttpClient.class) + " " + client.connectTimeoutMillis());
        System.out.println("kotlin " + kotlin.KotlinVersion.CURRENT + " from "
                + where(kotlin.KotlinVersion.class));

        Class<?> generated = new ByteBuddy(ClassFileVersion.JAVA_V8).subclass(Object.class)
                .name("com.acme.app.Generated").make()
                .load(ConflictingLibsApp.class.getClassLoader()).getLoaded();
        System.out.println("bytebuddy from " + where(ByteBuddy.class) + " made "
                + generated.getName());

        Cache<String, String> cache = Caffeine.newBuilder().maximumSize(10).build();
        cache.put("k", "v");
        System.out.println("caffeine from " + where(Caffeine.class) + " " + cache.getIfPresent("k"));

        Map<String, Object> yaml = new Yaml().load("a: 1");
        System.out.println("snakeyaml from " + where(Yaml.class) + " " + yaml);

        Billing billing = new Billing();
        for (int i = 0; i < 5; i++) {
            billing.bill();
        }
        System.out.println("app done");
    }

    private static String where(Class<?> type) {
        return String.valueOf(type.getProtectionDomain().getCodeSource().getLocation());
    }

    public static final class Billing {
        @Metered("calls")
        public void bill() {
        }
    }
}
