package io.github.exchangevss.http;

import io.github.exchangevss.metrics.BuildInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The runbooks shipped in the jar ({@code docs/runbooks/*.md} as resources {@code /runbooks/}), rendered to HTML
 * once each. {@code /runbooks/} and {@code /runbooks/README.md} are the index; a name answers with or without
 * {@code .md} so that the Markdown files' links to each other work unchanged.
 */
final class RunbookPages {
    static final String PREFIX = "/runbooks/";
    private static final String INDEX = "README";
    /** Only plain names: nothing that could walk out of the runbooks' resource folder. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,99}");
    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    /** Raw HTML in the Markdown is shown as text and javascript: links are dropped. */
    private static final HtmlRenderer RENDERER =
            HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true).sanitizeUrls(true).build();

    private final BuildInfo buildInfo;
    /** Only pages found: a request for a missing name must not grow the map. */
    private final Map<String, String> rendered = new ConcurrentHashMap<>();

    RunbookPages(BuildInfo buildInfo) {
        this.buildInfo = buildInfo;
    }

    /** The page for the part of the path after {@code /runbooks/}; empty when there is no such runbook. */
    Optional<String> page(String name) {
        String plain = name.isEmpty() ? INDEX : name.endsWith(".md") ? name.substring(0, name.length() - 3) : name;
        if (!NAME.matcher(plain).matches()) {
            return Optional.empty();
        }
        String cached = rendered.get(plain);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<String> page = render(plain);
        page.ifPresent(html -> rendered.put(plain, html));
        return page;
    }

    private Optional<String> render(String name) {
        try (InputStream in = RunbookPages.class.getResourceAsStream(PREFIX + name + ".md")) {
            if (in == null) {
                return Optional.empty();
            }
            Node document = PARSER.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            String title = title(document, name);
            StringBuilder html = Html.open(title + " · Exchange VSS runbook", Html.Reload.NEVER)
                    .append("<p><a href=\"/\">Status page</a> &middot; <a href=\"").append(PREFIX)
                    .append("\">All runbooks</a></p>\n<main>\n").append(RENDERER.render(document)).append("</main>\n");
            return Optional.of(Html.close(html, buildInfo));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the runbook " + name + " from the jar", e);
        }
    }

    /** The text of the first heading, the name of the alert on every runbook. */
    private static String title(Node document, String fallback) {
        for (Node node = document.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Heading heading && heading.getFirstChild() instanceof Text text) {
                return text.getLiteral();
            }
        }
        return fallback;
    }
}
