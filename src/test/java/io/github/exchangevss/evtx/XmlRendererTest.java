package io.github.exchangevss.evtx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class XmlRendererTest {
    @TempDir
    Path dir;

    @Test
    void rendersWellFormedXmlWithTheEventsValues() throws Exception {
        Path file = EvtxWriter.write(dir.resolve("good.evtx"),
                KbEvtxFixtures.goodBackup(Instant.parse("2024-02-03T04:05:06.0000001Z"), 7).stream()
                        .map(e -> e.toBuilder().computer("a<b&c\"d").build()).toList());
        List<String> documents = new ArrayList<>();
        try (EvtxFile evtx = EvtxFile.open(file, e -> { throw new AssertionError(e.toString()); })) {
            evtx.chunk(0).records(XmlRenderer.decoder(), documents::add, e -> { throw new AssertionError(e.toString()); });
        }

        assertThat(documents).hasSize(7);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(documents.get(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getElementsByTagName("EventID").item(0).getTextContent()).isEqualTo("9606");
        assertThat(doc.getElementsByTagName("Computer").item(0).getTextContent()).isEqualTo("a<b&c\"d");
        assertThat(doc.getElementsByTagName("TimeCreated").item(0).getAttributes().getNamedItem("SystemTime")
                .getNodeValue()).isEqualTo("2024-02-03T04:05:13.0012346Z"); // the fixture steps 7.0012345 s per event
        assertThat(doc.getElementsByTagName("Data").item(0).getTextContent()).isEqualTo("Volume snap occurring");
    }
}
