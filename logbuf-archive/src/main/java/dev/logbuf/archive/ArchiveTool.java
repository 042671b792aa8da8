package dev.logbuf.archive;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Command-line access to an archive: <pre>
 * java -cp logbuf-archive.jar dev.logbuf.archive.ArchiveTool cat [--hex] DIR|SEGMENT
 * java -cp logbuf-archive.jar dev.logbuf.archive.ArchiveTool stats DIR|SEGMENT
 * java -cp logbuf-archive.jar dev.logbuf.archive.ArchiveTool verify DIR|SEGMENT
 * </pre> {@code cat} prints each record on its own line: its payload decoded as UTF-8, or
 * with {@code --hex} its sequence, a tab and its payload in hexadecimal. {@code stats}
 * prints segment, record and byte counts and the first and last sequence. {@code verify}
 * reads everything and prints {@code OK} or every problem with its segment and offset.
 * Problems go to standard error.
 *
 * <p>
 * Exit status: 0 when the archive is whole; 1 when any record is damaged, missing or cut
 * (a torn tail counts: reopening the writer truncates it); 2 for a usage error or an
 * archive that cannot be read.
 */
public final class ArchiveTool {

    static final int OK = 0;
    static final int DAMAGED = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = String.join(System.lineSeparator(),
            "usage: ArchiveTool cat [--hex] DIR|SEGMENT   print every record (UTF-8, or sequence<TAB>hex)",
            "       ArchiveTool stats DIR|SEGMENT         segments, records, bytes, first/last sequence",
            "       ArchiveTool verify DIR|SEGMENT        check every record; exit 1 on any damage");

    private ArchiveTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command as {@link #main} does and returns its exit status instead of
     * exiting.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String command = args[0];
        boolean hex = args.length == 3 && command.equals("cat") && args[1].equals("--hex");
        int expected = hex ? 3 : 2;
        if (args.length != expected || !List.of("cat", "stats", "verify").contains(command)) {
            err.println("unknown command or arguments: " + String.join(" ", args));
            err.println(USAGE_TEXT);
            return USAGE;
        }
        Path location = Path.of(args[expected - 1]);
        try {
            ArchiveReader reader = ArchiveReader.open(location);
            switch (command) {
                case "cat":
                    return cat(reader, hex, out, err);
                case "stats":
                    return stats(reader, out, err);
                default:
                    return verify(reader, out, err);
            }
        }
        catch (ArchiveException e) {
            err.println("error: " + e.getMessage());
            return USAGE;
        }
    }

    private static int cat(ArchiveReader reader, boolean hex, PrintStream out, PrintStream err) {
        for (ArchiveRecord record : reader) {
            if (hex) {
                out.println(record.sequence() + "\t" + toHex(record.payload()));
            }
            else {
                out.println(new String(record.toByteArray(), StandardCharsets.UTF_8));
            }
        }
        return reportProblems(reader, err);
    }

    private static int stats(ArchiveReader reader, PrintStream out, PrintStream err) {
        long records = 0;
        long payloadBytes = 0;
        long first = -1;
        long last = -1;
        for (ArchiveRecord record : reader) {
            if (records++ == 0) {
                first = record.sequence();
            }
            last = record.sequence();
            payloadBytes += record.length();
        }
        long fileBytes = 0;
        for (Path segment : reader.segments()) {
            fileBytes += segment.toFile().length();
        }
        out.println("location:       " + reader.location());
        out.println("segments:       " + reader.segments().size());
        out.println("records:        " + records);
        out.println("payload bytes:  " + payloadBytes);
        out.println("file bytes:     " + fileBytes);
        out.println("first sequence: " + (records == 0 ? "-" : Long.toString(first)));
        out.println("last sequence:  " + (records == 0 ? "-" : Long.toString(last)));
        if (!reader.segments().isEmpty()) {
            out.println("first segment:  " + reader.segments().get(0).getFileName());
            out.println("last segment:   " + reader.segments().get(reader.segments().size() - 1).getFileName());
        }
        out.println(
                "problems:       " + reader.problems().size() + (reader.tornTail().isPresent() ? " + torn tail" : ""));
        reader.headChain().ifPresent(head -> out.println("archive head:   " + head));
        return reportProblems(reader, err);
    }

    private static int verify(ArchiveReader reader, PrintStream out, PrintStream err) {
        long records = 0;
        long first = -1;
        long last = -1;
        for (ArchiveRecord record : reader) {
            if (records++ == 0) {
                first = record.sequence();
            }
            last = record.sequence();
        }
        int status = reportProblems(reader, err);
        if (status == OK) {
            out.println("OK: " + records + " records in " + reader.segments().size() + " segments"
                    + (records == 0 ? "" : ", sequences " + first + ".." + last) + " (" + reader.location() + ")");
        }
        else {
            err.println("DAMAGED: " + reader.location() + ": " + reader.problems().size() + " problem(s)"
                    + (reader.tornTail().isPresent() ? " and a torn tail" : "") + "; " + records
                    + " valid records readable");
        }
        return status;
    }

    private static int reportProblems(ArchiveReader reader, PrintStream err) {
        for (ArchiveProblem problem : reader.problems()) {
            err.println(
                    (problem.kind() == ArchiveProblem.Kind.TAMPERED ? "TAMPERED: " : "CORRUPT: ") + problem.message());
        }
        reader.tornTail()
            .ifPresent(cut -> err.println("TORN TAIL: " + cut.message()
                    + " (left by a crash during a write; reopening the writer truncates it)"));
        return reader.isClean() ? OK : DAMAGED;
    }

    private static String toHex(ByteBuffer payload) {
        StringBuilder hex = new StringBuilder(payload.remaining() * 2);
        for (int i = payload.position(); i < payload.limit(); i++) {
            int b = payload.get(i) & 0xFF;
            hex.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return hex.toString();
    }

}
