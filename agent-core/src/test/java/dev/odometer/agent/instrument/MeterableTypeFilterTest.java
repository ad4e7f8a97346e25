package dev.odometer.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.app.MeteredApp;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeterableTypeFilterTest {
    private final ClassLoader loader = getClass().getClassLoader();

    private byte[] bytes(Class<?> type) throws IOException {
        try (InputStream in = loader.getResourceAsStream(
                type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void scanReadsNameSupertypesAndTheAnnotation() throws IOException {
        ClassFileScan scan = ClassFileScan.of(bytes(MeteredApp.StringHandler.class));

        assertThat(scan.name).isEqualTo("com/acme/app/MeteredApp$StringHandler");
        assertThat(scan.superName).isEqualTo("java/lang/Object");
        assertThat(scan.interfaces).containsExactly("com/acme/app/MeteredApp$Handler");
        assertThat(scan.mentionsMetered).isFalse();
        assertThat(ClassFileScan.of(bytes(MeteredApp.Handler.class)).mentionsMetered).isTrue();
    }

    @Test
    void scanSurvivesEveryConstantPoolEntryKind() throws IOException {
        // longs and doubles take two slots; lambdas add method handles and invokedynamic
        ClassFileScan scan = ClassFileScan.of(bytes(ConstantPoolZoo.class));

        assertThat(scan.name).isEqualTo("dev/odometer/agent/instrument/ConstantPoolZoo");
        assertThat(ClassFileScan.of(new byte[] {1, 2, 3})).isNull();
        byte[] truncated = java.util.Arrays.copyOf(bytes(MeteredApp.class), 40);
        assertThat(ClassFileScan.of(truncated)).isNull();
    }

    @Test
    void annotatedClassesTheirImplementationsAndListedHierarchiesMayBeMetered() throws IOException {
        MeterableTypeFilter filter = new MeterableTypeFilter(
                Set.of("com/acme/app/MeteredApp$LegacyMailer"), new KnownTypes());

        assertThat(filter.mayBeMetered(loader, bytes(MeteredApp.Plain.class))).isTrue();
        assertThat(filter.mayBeMetered(loader, bytes(MeteredApp.SenderImpl.class))).isTrue();
        assertThat(filter.mayBeMetered(loader, bytes(MeteredApp.StringHandler.class))).isTrue();
        assertThat(filter.mayBeMetered(loader, bytes(MeteredApp.Derived.class))).isTrue();
        assertThat(filter.mayBeMetered(loader, bytes(MeteredApp.SmtpLegacyMailer.class))).isTrue();
        assertThat(filter.mayBeMetered(loader, bytes(MeteredApp.LegacyApi.class))).isFalse();
        assertThat(filter.mayBeMetered(loader, bytes(MeterableTypeFilterTest.class))).isFalse();
    }

    @Test
    void jdkAndAgentClassesAreNeverMetered() {
        assertThat(MeterableTypeFilter.isNeverMetered("java/lang/String")).isTrue();
        assertThat(MeterableTypeFilter.isNeverMetered("jdk/internal/misc/Unsafe")).isTrue();
        assertThat(MeterableTypeFilter.isNeverMetered("dev/odometer/agent/shaded/okhttp3/Call"))
                .isTrue();
        assertThat(MeterableTypeFilter.isNeverMetered("com/acme/Mailer")).isFalse();
    }
}

/** Exercises long, double, method handle and invokedynamic constant pool entries. */
final class ConstantPoolZoo {
    static final long BIG = 1L << 40;
    static final double PI = 3.14159;

    java.util.function.Supplier<String> supplier() {
        return () -> "x" + BIG + PI;
    }
}
