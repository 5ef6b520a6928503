package io.github.exchangevss.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
    @Test
    void unexpandedPlaceholdersAndMissingKeysAreUnknown() {
        Properties properties = new Properties();
        properties.setProperty("version", "0.1.0");
        properties.setProperty("revision", "${git.commit.id.abbrev}");
        assertThat(BuildInfo.fromProperties(properties)).isEqualTo(new BuildInfo("0.1.0", "unknown"));
        assertThat(BuildInfo.fromProperties(new Properties())).isEqualTo(new BuildInfo("unknown", "unknown"));
    }

    @Test
    void theBuildFillsInTheVersion() {
        // Maven resource filtering writes the project version into build.properties; the revision may be unknown
        // when the build has no git directory.
        BuildInfo info = BuildInfo.fromClasspath();
        assertThat(info.version()).isNotEqualTo(BuildInfo.UNKNOWN).doesNotContain("${");
        assertThat(info.revision()).doesNotContain("${");
    }
}
