package io.github.exchangevss.service;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The service's log file: appends to {@code NAME.log} and, once it would pass {@code maxBytes}, renames it to
 * {@code NAME.1.log} (the older ones one number up, the oldest beyond {@code keep} dropped) and starts a new one.
 * It rolls over only at the start of a line (PrintStream.println writes the text and the line end separately), so a
 * line is never split across two files.
 */
final class RollingFileStream extends OutputStream {
    private final Path directory;
    private final String name;
    private final long maxBytes;
    private final int keep;
    private OutputStream out;
    private long size;
    private boolean atLineStart = true;

    RollingFileStream(Path directory, String name, long maxBytes, int keep) throws IOException {
        this.directory = directory;
        this.name = name;
        this.maxBytes = maxBytes;
        this.keep = keep;
        Files.createDirectories(directory);
        open();
    }

    Path current() {
        return directory.resolve(name + ".log");
    }

    Path rolled(int number) {
        return directory.resolve(name + "." + number + ".log");
    }

    private void open() throws IOException {
        out = Files.newOutputStream(current(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(current());
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        if (atLineStart && size > 0 && size + length > maxBytes) {
            roll();
        }
        out.write(bytes, offset, length);
        size += length;
        atLineStart = bytes[offset + length - 1] == '\n';
    }

    private void roll() throws IOException {
        out.close();
        Files.deleteIfExists(rolled(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rolled(i))) {
                Files.move(rolled(i), rolled(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(current(), rolled(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
