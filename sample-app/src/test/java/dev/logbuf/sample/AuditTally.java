package dev.logbuf.sample;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events of one {@link EventLoad} found in an archive, checked against what the
 * clients were told: how many were archived, how many (client, sequence) pairs occur more
 * than once, how many acknowledged ones are missing, and how many appear out of their
 * client's order.
 *
 * @param archived records of the load in the archive
 * @param duplicates occurrences beyond the first of a (client, sequence)
 * @param missing acknowledged events not in the archive
 * @param outOfOrder records whose sequence is not above the previous one of its client
 * @param perClient the archived sequences of each client, in archive order
 */
record AuditTally(long archived, long duplicates, long missing, long outOfOrder, Map<Integer, List<Long>> perClient) {

    static AuditTally of(List<byte[]> records, EventLoad load) {
        String prefix = load.run() + " ";
        Map<Integer, List<Long>> perClient = new HashMap<>();
        Map<Integer, Set<Long>> seen = new HashMap<>();
        long archived = 0;
        long duplicates = 0;
        long outOfOrder = 0;
        for (byte[] record : records) {
            String text = new String(record, StandardCharsets.US_ASCII);
            if (!text.startsWith(prefix)) {
                continue;
            }
            String[] parts = text.substring(prefix.length()).split(" ");
            int client = Integer.parseInt(parts[0].substring("c=".length()));
            long sequence = Long.parseLong(parts[1].substring("s=".length()));
            archived++;
            List<Long> sequences = perClient.computeIfAbsent(client, (c) -> new ArrayList<>());
            if (!sequences.isEmpty() && sequence <= sequences.get(sequences.size() - 1)) {
                outOfOrder++;
            }
            sequences.add(sequence);
            if (!seen.computeIfAbsent(client, (c) -> new HashSet<>()).add(sequence)) {
                duplicates++;
            }
        }
        long missing = 0;
        for (int c = 0; c < load.clients(); c++) {
            Set<Long> archivedOfClient = seen.getOrDefault(c, Set.of());
            for (Long sequence : load.acknowledged(c)) {
                if (!archivedOfClient.contains(sequence)) {
                    missing++;
                }
            }
        }
        return new AuditTally(archived, duplicates, missing, outOfOrder, perClient);
    }

}
