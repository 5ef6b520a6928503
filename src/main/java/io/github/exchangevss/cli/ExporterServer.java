package io.github.exchangevss.cli;

import io.github.exchangevss.config.ConfigException;
import io.github.exchangevss.config.ExporterConfig;
import io.github.exchangevss.http.ExporterHttpServer;
import io.github.exchangevss.http.StatusPage;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.metrics.ExporterCollector;
import io.github.exchangevss.persistence.StateStore;
import io.github.exchangevss.runtime.ExporterRuntime;
import io.github.exchangevss.runtime.ExporterRuntime.SourceFactory;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What {@code serve} and {@code demo} share: engine, runtime, HTTP endpoint, until the process is stopped. */
final class ExporterServer {
    private ExporterServer() {}

    static int run(ExporterConfig config, List<String> sources, SourceFactory factory) throws ConfigException {
        Logger log = LoggerFactory.getLogger(ExporterServer.class);
        AutoCloseable exporter = start(config, sources, factory);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping: saving state");
            try {
                exporter.close();
            } catch (Exception e) {
                log.error("Stopping: {}", e.toString());
            }
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Starts everything without waiting; closing the result saves the state and stops the HTTP endpoint. */
    static AutoCloseable start(ExporterConfig config, List<String> sources, SourceFactory factory)
            throws ConfigException {
        Logger log = LoggerFactory.getLogger(ExporterServer.class);
        BuildInfo buildInfo = BuildInfo.fromClasspath();
        LifecycleEngine engine = new LifecycleEngine(config.lifecycle(), config.eventCounting(), Instant::now);
        ExporterRuntime runtime = new ExporterRuntime(engine, Optional.ofNullable(config.storagePath()).map(StateStore::new));
        ExporterCollector collector = new ExporterCollector(runtime::snapshot, runtime::sourceSnapshots, buildInfo);
        StatusPage page = new StatusPage(runtime::snapshot, runtime::sourceSnapshots, buildInfo, config.runbooks());
        ExporterHttpServer server;
        try {
            server = ExporterHttpServer.start(config.http(), new CollectorRegistry(), collector, page, runtime::whyNotReady,
                    runtime::notReadyReason);
        } catch (IOException e) {
            // The message names the setting and the address: a wrong setting, not a crash.
            throw new ConfigException(e.getMessage());
        }
        // The address, scheme and telemetry path are in the server's own "Listening on" line.
        log.info("exchange-vss-exporter {} (revision {})", buildInfo.version(), buildInfo.revision());
        if (config.storagePath() == null) {
            log.info("No --storage.path: the lifecycle state lives in memory only");
        }
        runtime.start(sources, factory);
        return () -> {
            runtime.close();
            server.close();
        };
    }
}
