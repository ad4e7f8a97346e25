package com.acme.app;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;

/**
 * A host application for {@code LoadersIT}, like a server with several web apps: each argument
 * is {@code directory=calls}; every directory holds its own {@code com.acme.loaders.Base} and
 * {@code com.acme.loaders.Impl}, loaded by a class loader of its own, in the order given, and
 * {@code Impl.run()} is called that many times.
 */
public final class TwoLoadersApp {
    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            String[] parts = arg.split("=", 2);
            URL directory = Paths.get(parts[0]).toUri().toURL();
            int calls = Integer.parseInt(parts[1]);
            try (URLClassLoader webApp = new URLClassLoader(new URL[] {directory},
                    TwoLoadersApp.class.getClassLoader())) {
                Class<?> type = webApp.loadClass("com.acme.loaders.Impl");
                if (type.getClassLoader() != webApp) {
                    throw new AssertionError("Impl came from " + type.getClassLoader());
                }
                Runnable impl = (Runnable) type.getDeclaredConstructor().newInstance();
                for (int i = 0; i < calls; i++) {
                    impl.run();
                }
                System.out.println("ran " + calls + " from " + parts[0]);
            }
        }
        System.out.println("app done");
    }
}
