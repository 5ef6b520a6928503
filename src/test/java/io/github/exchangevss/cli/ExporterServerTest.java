package io.github.exchangevss.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterServerTest {
    @Test
    void aPortInUseExits2WithTheAddressAndNoStackTrace(@TempDir Path dir) throws Exception {
        String source = "xml:" + Files.writeString(dir.resolve("app.xml"), "");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                    "serve", "--source", source, "--web.listen-address=" + address);
            assertThat(code).isEqualTo(2);
            assertThat(err.toString()).contains("web.listen-address " + address, "in use")
                    .doesNotContain("Exception", "\tat ");
        }
    }
}
