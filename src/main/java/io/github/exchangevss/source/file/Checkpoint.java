package io.github.exchangevss.source.file;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.exchangevss.source.xml.XmlEventReader;
import java.util.List;

/**
 * What {@link FileSource} hands to {@code EventSink.checkpoint} and takes back after a restart: per file, how
 * far it was read and the highest record ID delivered per channel and computer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Checkpoint(int version, List<FileProgress> files) {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * @param identity   the file system's file key, or the creation time where there is none: a new value
     *                   means the file was replaced
     * @param size       the size read up to
     * @param headLength how many leading bytes {@code headCrc} covers: changed leading bytes mean replaced
     * @param position   where an XML reader can resume, null for formats read from the start each time
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FileProgress(String path, String identity, long size, int headLength, long headCrc,
                        XmlEventReader.Position position, List<LastRecord> lastRecordIds) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LastRecord(String channel, String computer, long recordId) {}

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write checkpoint JSON", e);
        }
    }

    /** @throws IllegalArgumentException naming what is wrong with the JSON */
    static Checkpoint fromJson(String json) {
        Checkpoint checkpoint;
        try {
            checkpoint = JSON.readValue(json, Checkpoint.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a file source checkpoint: " + e.getOriginalMessage(), e);
        }
        if (checkpoint == null || checkpoint.version() != VERSION) {
            throw new IllegalArgumentException("unsupported file source checkpoint version "
                    + (checkpoint == null ? "null" : checkpoint.version()) + ", expected " + VERSION);
        }
        if (checkpoint.files() == null || checkpoint.files().stream().anyMatch(file -> file == null || file.path() == null)) {
            throw new IllegalArgumentException("file source checkpoint lacks its files or a file's path");
        }
        return checkpoint;
    }
}
