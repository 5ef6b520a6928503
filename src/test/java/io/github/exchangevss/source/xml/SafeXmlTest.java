package io.github.exchangevss.source.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeXmlTest {
    @Test
    void readsPlainXml() throws XMLStreamException {
        XMLStreamReader reader = SafeXml.reader(new StringReader("<a x='1'>text</a>"));

        assertThat(reader.nextTag()).isEqualTo(XMLStreamConstants.START_ELEMENT);
        assertThat(reader.getAttributeValue(null, "x")).isEqualTo("1");
        assertThat(reader.getElementText()).isEqualTo("text");
    }

    @Test
    void neverExpandsAnExternalEntity(@TempDir Path dir) throws IOException {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        String xml = "<!DOCTYPE a [<!ENTITY xxe SYSTEM '" + secret.toUri() + "'>]><a>&xxe;</a>";

        assertThatThrownBy(() -> {
            XMLStreamReader reader = SafeXml.reader(new StringReader(xml));
            reader.nextTag();
            reader.getElementText();
        }).isInstanceOf(XMLStreamException.class).message().doesNotContain("TOP-SECRET");
    }
}
