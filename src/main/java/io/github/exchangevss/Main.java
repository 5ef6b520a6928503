package io.github.exchangevss;

import io.github.exchangevss.cli.Cli;

/** Entry point: {@code java -jar exchange-vss-exporter.jar [serve|diagnose|demo|evtx] ...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(Cli.execute(args));
    }
}
