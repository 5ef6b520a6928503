package io.github.exchangevss.source.file;

import io.github.exchangevss.evtx.EvtxFile;
import io.github.exchangevss.evtx.EvtxReader;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.xml.XmlEventReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Opens an exported event log file with the reader its content calls for, whatever its name. */
public final class LogFiles {
    /** The file formats told apart by content. */
    public enum Format { XML, EVTX }

    private LogFiles() {}

    public static EventFileReader open(Path file, Consumer<SourceError> errors) throws IOException {
        return open(file, errors, null, false);
    }

    /**
     * @param resumeAt where an earlier {@link XmlEventReader} stopped on this file, or null for the start;
     *                 formats without byte positions read from the start
     * @param growing  the file may still be written: an unfinished last event is left for the next read
     */
    public static EventFileReader open(Path file, Consumer<SourceError> errors, XmlEventReader.Position resumeAt,
                                       boolean growing) throws IOException {
        return switch (detect(file)) {
            case XML -> openXml(file, errors, resumeAt, growing);
            case EVTX -> new EvtxReader(file, errors);
        };
    }

    /**
     * The files a directory stands for: its regular files that are not hidden, in name order (subdirectories
     * are not entered).
     */
    public static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(Files::isRegularFile).filter(file -> !isHidden(file)).sorted().toList();
        }
    }

    private static boolean isHidden(Path file) {
        try {
            return file.getFileName().toString().startsWith(".") || Files.isHidden(file);
        } catch (IOException e) {
            return true;
        }
    }

    /** What is wrong with a file, in words: the JDK names only the path for a missing or forbidden one. */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "access denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** EVTX files start with the magic {@code ElfFile\0}; anything else is taken as XML. */
    public static Format detect(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return EvtxFile.hasMagic(in.readNBytes(8)) ? Format.EVTX : Format.XML;
        }
    }

    private static EventFileReader openXml(Path file, Consumer<SourceError> errors, XmlEventReader.Position resumeAt,
                                           boolean growing) throws IOException {
        SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ);
        try {
            if (resumeAt != null) {
                channel.position(resumeAt.offset());
            }
            return new XmlEventReader(Channels.newInputStream(channel), file.toString(), errors, resumeAt, growing);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
