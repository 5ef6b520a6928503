package io.github.exchangevss.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The Windows zip that 'mvn package' built: the exporter, its configuration and check script, and nothing to run but Java. */
class WindowsZipIT {
    @Test
    void holdsNoThirdPartyExecutableOnlyWhatJava17Runs() throws IOException {
        Path zip;
        try (Stream<Path> built = Files.list(Path.of("target"))) {
            zip = built.filter(p -> p.getFileName().toString().endsWith("-windows.zip")).findFirst().orElseThrow();
        }
        List<String> names;
        try (ZipFile file = new ZipFile(zip.toFile())) {
            names = file.stream().map(e -> e.getName().substring(e.getName().indexOf('/') + 1)).toList();
        }
        assertThat(names).contains("exchange-vss-exporter.jar", "exchange-vss-exporter.yml", "selftest.ps1", "docs/windows.md");
        assertThat(names).noneMatch(n -> n.matches("(?i).*\\.(exe|dll|bat|cmd|msi)"))
                .doesNotContain("exchange-vss-exporter.xml", "install-service.ps1");
    }
}
