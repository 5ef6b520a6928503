package io.github.exchangevss.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.metrics.BuildInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RunbookPagesTest {
    private final StatusPage pages = new StatusPage(() -> new EngineSnapshot(Instant.EPOCH, List.of(), List.of()),
            List::of, new BuildInfo("v", "r"));

    private StatusPage.Response get(String path) {
        return pages.respond(path, null, "/metrics");
    }

    @Test
    void everyShippedRunbookIsServedAsHtmlWithAndWithoutMd() throws IOException {
        List<Path> markdown;
        try (Stream<Path> files = Files.list(Path.of("docs", "runbooks"))) {
            markdown = files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
        }
        assertThat(markdown).hasSizeGreaterThan(5);
        for (Path file : markdown) {
            String name = file.getFileName().toString().replace(".md", "");
            StatusPage.Response page = get("/runbooks/" + name);
            assertThat(page.status()).as(name).isEqualTo(200);
            String heading = Files.readAllLines(file).get(0).substring(2);
            assertThat(page.html()).as(name).contains("<title>" + Html.escape(heading) + " · Exchange VSS runbook")
                    .contains("<h1>" + Html.escape(heading) + "</h1>").doesNotContain("## ");
            assertThat(get("/runbooks/" + name + ".md").html()).isEqualTo(page.html());
        }
    }

    @Test
    void theIndexRendersItsTableAndLinksEveryAlertsRunbook() {
        String index = get("/runbooks/").html();
        assertThat(get("/runbooks/README.md").html()).isEqualTo(index);
        List<String> linked = new ArrayList<>(List.of(Runbooks.BACKUP_STUCK));
        for (Remediation r : Remediation.values()) {
            linked.add(Runbooks.alertName(r));
        }
        assertThat(index).contains("<table>", "<th>Alert</th>");
        for (String alert : linked) {
            assertThat(index).contains("href=\"" + alert + ".md\">" + alert + "</a>");
            assertThat(get(new Runbooks(Runbooks.DEFAULT_BASE_URL).url(alert)).status()).as(alert).isEqualTo(200);
        }
    }

    @Test
    void namesOutsideTheRunbooksAnswer404() {
        for (String path : List.of("/runbooks/NoSuchAlert", "/runbooks/../build.properties",
                "/runbooks/..%2Fbuild", "/runbooks/a/b", "/runbooks/build.properties", "/runbooks/.md")) {
            assertThat(get(path).status()).as(path).isEqualTo(404);
        }
    }
}
