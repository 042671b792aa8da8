package dev.logbuf.logback;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link PlainLogbackTest}: an application with a {@code logback.xml}
 * and no Spring. Logs {@code args[0]} events from each of two threads, then as many
 * longer ones from {@code main} and returns at once, leaving the rest to the JVM's exit.
 */
public final class PlainLogbackApp {

    private PlainLogbackApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        try {
            Class.forName("org.springframework.core.env.Environment");
            System.err.println("Spring is on the class path; this app must run without it");
            System.exit(3);
        }
        catch (ClassNotFoundException expected) {
            // no Spring: as intended
        }
        int events = Integer.parseInt(args[0]);
        Logger logger = LoggerFactory.getLogger(PlainLogbackApp.class);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < events; i++) {
                    logger.info("{}", i);
                }
            }, "app" + t));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        // a last burst right before main returns: most of it is still in the ring then
        String padding = "p".repeat(200);
        for (int i = 0; i < events; i++) {
            logger.info("{} {}", i, padding);
        }
    }

}
