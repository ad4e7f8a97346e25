package dev.odometer.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.weaving.Generic;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassFilesTest {
    private final ClassFiles classFiles = new ClassFiles();
    private final String name = Generic.Sender.class.getName().replace('.', '/');
    private final byte[] expected = Planning.bytes(Generic.Sender.class);

    @Test
    void readsFromTheClassPathWithoutTheLoader() {
        assertThat(classFiles.read(ClassLoader.getSystemClassLoader(), name)).isEqualTo(expected);
        assertThat(classFiles.read(ClassLoader.getSystemClassLoader(), "com/acme/NoSuchType"))
                .isNull();
    }

    @Test
    void readsThroughAUrlClassLoaderAboveTheClassPathAndNextToASubtype() throws Exception {
        URL testClasses = Path.of("target/test-classes").toUri().toURL();
        try (URLClassLoader child = new URLClassLoader(new URL[] {testClasses}, null)) {
            assertThat(classFiles.read(child, name)).isEqualTo(expected);
            assertThat(classFiles.read(child, name, testClasses)).isEqualTo(expected);
        }
    }

    @Test
    void jdkTypesTakeTheGeneralWay() {
        assertThat(classFiles.read(ClassLoader.getSystemClassLoader(), "java/util/List"))
                .isNotNull();
    }

    @Test
    void nameHashesHoldManyNamesCompactly() {
        NameHashes hashes = new NameHashes();
        Set<String> added = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String type = "com/acme/generated/Type" + i;
            hashes.add(type);
            added.add(type);
        }
        hashes.add("com/acme/generated/Type7");

        assertThat(hashes.size()).isEqualTo(added.size());
        assertThat(added).allMatch(hashes::contains);
        assertThat(hashes.contains("com/acme/generated/Type20000")).isFalse();
        assertThat(hashes.contains("")).isFalse();
    }
}
