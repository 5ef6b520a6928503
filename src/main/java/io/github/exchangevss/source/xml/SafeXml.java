package io.github.exchangevss.source.xml;

import java.io.Reader;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The one place XML readers are made: the JDK's own StAX implementation with DTDs and external entities off,
 * so nothing in an event log or a bookmark is expanded or fetched.
 */
public final class SafeXml {
    private static final XMLInputFactory FACTORY = secureFactory();

    private SafeXml() {}

    public static XMLStreamReader reader(Reader xml) throws XMLStreamException {
        return FACTORY.createXMLStreamReader(xml);
    }

    private static XMLInputFactory secureFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }
}
