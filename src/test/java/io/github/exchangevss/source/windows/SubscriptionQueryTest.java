package io.github.exchangevss.source.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionQueryTest {
    @Test
    void selectsEveryQueryOnTheChannel() {
        SubscriptionQuery query = new SubscriptionQuery("Application",
                List.of("*[System[Provider[@Name='MSExchangeIS']]]", "*[System[Provider[@Name='MSExchangeRepl'] and EventID=2153]]"), null);

        assertThat(query.toXml()).isEqualTo("<QueryList><Query Id=\"0\" Path=\"Application\">"
                + "<Select Path=\"Application\">*[System[Provider[@Name='MSExchangeIS']]]</Select>"
                + "<Select Path=\"Application\">*[System[Provider[@Name='MSExchangeRepl'] and EventID=2153]]</Select>"
                + "</Query></QueryList>");
    }

    @Test
    void leavesOutOlderEventsWithASuppressInMilliseconds() {
        SubscriptionQuery query = new SubscriptionQuery("Application",
                List.of("*[System[Provider[@Name='MSExchangeIS']]]"), Duration.ofDays(7));

        assertThat(query.toXml()).contains("<Suppress Path=\"Application\">"
                + "*[System[TimeCreated[timediff(@SystemTime) &gt; 604800000]]]</Suppress>");
    }

    @Test
    void escapesXmlInQueriesAndChannelNames() {
        SubscriptionQuery query = new SubscriptionQuery("A&B \"x\"", List.of("*[System[Level<3]]"), null);

        assertThat(query.toXml()).contains("Path=\"A&amp;B &quot;x&quot;\"", ">*[System[Level&lt;3]]</Select>");
    }

    @Test
    void needsAQuery() {
        assertThatThrownBy(() -> new SubscriptionQuery("Application", List.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
