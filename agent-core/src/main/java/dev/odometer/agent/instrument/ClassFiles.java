package dev.odometer.agent.instrument;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the class file a class loader would define for a name, without loading it: what the
 * pre-filter needs of a supertype the JVM has not loaded yet.
 *
 * <p>{@code ClassLoader.getResourceAsStream} is the general way, and a slow one for this: it
 * first asks the platform and boot loaders, which look the name up in every JDK module, and
 * then builds and opens a {@code jar:} URL (measured: ~1 ms a class on Spring Boot's launcher
 * class loader, most of the pre-filter's cost on a plain class path). So for the loaders whose
 * search order is known (the application class loader, whose class path is
 * {@code java.class.path}, and {@link URLClassLoader}s above it, parents first) the class path
 * is searched directly, with the JDK's own jar files; a name found nowhere there (a class of a
 * JDK module, a jar named in a manifest's Class-Path) takes the general way.
 */
final class ClassFiles {
    private static final ClassLoader SYSTEM = ClassLoader.getSystemClassLoader();
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
    /** False with {@code -Djava.system.class.loader}: then its own search order is unknown. */
    private static final boolean SYSTEM_IS_JDKS = SYSTEM.getClass().getName()
            .equals("jdk.internal.loader.ClassLoaders$AppClassLoader");

    private final List<Object> classPath = new ArrayList<>();
    private volatile boolean classPathOpened;

    /** The class file of {@code internalName} as {@code loader} would find it, or null. */
    byte[] read(ClassLoader loader, String internalName) {
        return read(loader, internalName, null);
    }

    /**
     * As {@link #read(ClassLoader, String)}, looking first next to a subtype: in the jar
     * {@code near} that a class being loaded came from, when that is a {@code jar:} URL rather
     * than a plain file, say a jar nested in a Spring Boot executable jar. A supertype is most often in
     * the same jar as its subtype, and the loader's own search there opens a URL connection per
     * nested jar until it finds the class (measured: ~0.3 ms a class on Boot's launcher loader).
     * A class path with two different copies of one class could make this read the other one;
     * the JVM itself would link the subtype against the first.
     */
    byte[] read(ClassLoader loader, String internalName, URL near) {
        String resource = internalName + ".class";
        try {
            if (near != null && "jar".equals(near.getProtocol())
                    && loader instanceof URLClassLoader && loader != SYSTEM) {
                byte[] bytes = nextTo(near, resource);
                if (bytes != null) {
                    return bytes;
                }
            }
            byte[] bytes = searchInOrder(loader, resource);
            if (bytes != null) {
                return bytes;
            }
        } catch (IOException | RuntimeException notThisWay) {
            // the general way below
        }
        return readResource(loader, resource);
    }

    private static byte[] nextTo(URL near, String resource) {
        try (InputStream in = new URL(near, resource).openStream()) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException notThere) {
            return null;
        }
    }

    /** Through {@code getResourceAsStream}: what the loader says, slowly. */
    static byte[] readResource(ClassLoader loader, String resource) {
        try (InputStream in = loader == null ? SYSTEM.getResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** Parents first, as standard delegation; null when not found or the order is unknown. */
    private byte[] searchInOrder(ClassLoader loader, String resource) throws IOException {
        if (loader == null || loader == PLATFORM) {
            return null;
        }
        if (loader == SYSTEM) {
            // java.class.path is its search order only when it is the JDK's own loader
            return SYSTEM_IS_JDKS ? fromClassPath(resource) : null;
        }
        if (!(loader instanceof URLClassLoader)) {
            return null;
        }
        byte[] fromParent = searchInOrder(loader.getParent(), resource);
        if (fromParent != null) {
            return fromParent;
        }
        URL url = ((URLClassLoader) loader).findResource(resource);
        if (url == null) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }

    private byte[] fromClassPath(String resource) throws IOException {
        if (!classPathOpened) {
            openClassPath();
        }
        for (Object entry : classPath) {
            if (entry instanceof ZipFile) {
                ZipFile jar = (ZipFile) entry;
                ZipEntry found = jar.getEntry(resource);
                if (found != null) {
                    try (InputStream in = jar.getInputStream(found)) {
                        return in.readAllBytes();
                    }
                }
            } else {
                File file = new File((File) entry, resource);
                if (file.isFile()) {
                    try (InputStream in = new java.io.FileInputStream(file)) {
                        return in.readAllBytes();
                    }
                }
            }
        }
        return null;
    }

    private synchronized void openClassPath() {
        if (classPathOpened) {
            return;
        }
        String path = System.getProperty("java.class.path", "");
        for (String element : path.split(File.pathSeparator)) {
            if (element.isEmpty()) {
                continue;
            }
            try {
                // canonical, as the JDK's class path has it: the JDK then shares one open
                // file and one central directory between the loader's JarFile and this one
                File file = new File(element).getCanonicalFile();
                if (file.isDirectory()) {
                    classPath.add(file);
                } else if (file.isFile()) {
                    // versioned, as the class loader reads a multi-release jar; the JDK shares
                    // the open file with the loader's own
                    classPath.add(new JarFile(file, false, ZipFile.OPEN_READ, Runtime.version()));
                }
            } catch (IOException | RuntimeException unreadable) {
                // the loader cannot read it either
            }
        }
        classPathOpened = true;
    }
}
