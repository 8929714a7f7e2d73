package com.mailroute.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the complete arrivals at the counting smtp-sink of the messages whose Subject is
 * PREFIX-N. A message counts only when its last body line ("end of PREFIX-N") is in the dump: a
 * session cut off mid-data leaves a partial file, which is not an arrival. Files already judged
 * are not read again.
 */
final class SinkArrivals {
    private final SinkDumps dumps;
    private final Pattern subject;
    private final Map<Path, List<String>> judged = new HashMap<>();

    SinkArrivals(SinkDumps dumps, String prefix) {
        this.dumps = dumps;
        this.subject = Pattern.compile("^Subject: (" + Pattern.quote(prefix) + "-\\d+)$", Pattern.MULTILINE);
    }

    /** Subject → how many complete copies arrived. */
    synchronized Map<String, Integer> counts() {
        for (Path f : dumps.files()) {
            if (!judged.containsKey(f)) {
                judge(f);
            }
        }
        Map<String, Integer> counts = new TreeMap<>();
        judged.values().forEach(subjects -> subjects.forEach(s -> counts.merge(s, 1, Integer::sum)));
        return counts;
    }

    Set<String> distinct() {
        return new HashSet<>(counts().keySet());
    }

    private void judge(Path f) {
        String text;
        try {
            text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = subject.matcher(text);
        List<String> found = m.results().map(r -> r.group(1)).toList();
        if (found.isEmpty()) {
            if (text.contains("\n\n")) {
                judged.put(f, List.of()); // headers complete, not one of ours
            }
            return;
        }
        List<String> complete = found.stream().filter(s -> text.contains("\nend of " + s + "\n")).toList();
        if (complete.size() == found.size()) {
            judged.put(f, complete); // still-growing files are read again next time
        }
    }
}
