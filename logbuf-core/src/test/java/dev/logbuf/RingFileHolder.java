package dev.logbuf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child-JVM main for the file-ring tests ({@link ChildJvm}): opens a ring file and holds
 * it. Arguments: {@code file type capacity}. Prints {@code OPEN <id> <records recovered>}
 * or {@code REFUSED <exception class> <message>}; then, while open, obeys stdin:
 * {@code close} closes the ring (prints {@code CLOSED}) and exits; {@code offer <n>}
 * commits {@code n} 8-byte records (prints {@code OFFERED <n>}); end of stdin exits
 * without closing.
 */
public final class RingFileHolder {

    private RingFileHolder() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        RingBuffer.Type type = RingBuffer.Type.valueOf(args[1]);
        int capacity = Integer.parseInt(args[2]);
        RingBuffer ring;
        try {
            ring = (type == RingBuffer.Type.SPSC) ? RingBuffer.spsc(file, capacity) : RingBuffer.mpsc(file, capacity);
        }
        catch (RuntimeException ex) {
            System.out.println("REFUSED " + ex.getClass().getName() + " " + ex.getMessage());
            System.out.flush();
            return;
        }
        System.out.println("OPEN " + ring.id() + " " + ring.recovery().records());
        System.out.flush();
        Producer producer = ring.producer();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null) {
            if (command.equals("close")) {
                ring.close();
                System.out.println("CLOSED");
                System.out.flush();
                return;
            }
            if (command.startsWith("offer ")) {
                int n = Integer.parseInt(command.substring(6));
                for (int i = 0; i < n; i++) {
                    if (!producer.offer(Rings.payload(8, i))) {
                        System.out.println("FULL");
                    }
                }
                System.out.println("OFFERED " + n);
                System.out.flush();
            }
        }
    }

}
