package io.github.exchangevss.source.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.exchangevss.source.xml.XmlEventReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointTest {
    private static final Checkpoint SAMPLE = new Checkpoint(Checkpoint.VERSION, List.of(
            new Checkpoint.FileProgress("C:\\vss-logs\\exch01.xml", "created:2024-03-05T01:00:00Z", 5509, 1024, 3_735_928_559L,
                    new XmlEventReader.Position(5509, 13, 1, "UTF-8"),
                    List.of(new Checkpoint.LastRecord("Application", "EXCH01.contoso.local", 100243))),
            new Checkpoint.FileProgress("/logs/other.evtx", "key:(dev=803,ino=12)", 69632, 1024, 1, null, List.of())));

    @Test
    void survivesTheRoundTripThroughJson() {
        String json = SAMPLE.toJson();

        assertThat(Checkpoint.fromJson(json)).isEqualTo(SAMPLE);
        assertThat(json).contains("\"charset\":\"UTF-8\"").doesNotContain("\"position\":null");
    }

    @Test
    void refusesAnotherVersionAndWhatIsNotJson() {
        String future = SAMPLE.toJson().replace("\"version\":1", "\"version\":2");

        assertThatThrownBy(() -> Checkpoint.fromJson(future))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> Checkpoint.fromJson("[1,2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a file source checkpoint");
        assertThatThrownBy(() -> Checkpoint.fromJson("{\"version\":1,\"files\":[{\"size\":3}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("path");
        String badCharset = SAMPLE.toJson().replace("\"UTF-8\"", "\"no-such-charset\"");
        assertThatThrownBy(() -> Checkpoint.fromJson(badCharset))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-charset");
    }
}
