package dev.logbuf.spring.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.logbuf.BlockedClaim;
import dev.logbuf.archive.ArchiveException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one logger of a ring's drain failures: each distinct failure logged once, repeats
 * counted and summarized, the recovery and unblocked claims logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class RingDrainListenerTests {

    private final TestNanoClock clock = new TestNanoClock();

    private final RingDrainListener listener = new RingDrainListener("audit", "archive /tmp/audit", this.clock);

    @Test
    void failuresThatDifferOnlyInNumbersAreOneFailure(CapturedOutput output) {
        this.listener.onFailure(new IllegalStateException("cannot write 20 bytes: disk full"), true);
        this.listener.onFailure(new IllegalStateException("cannot write 24 bytes: disk full"), true);
        this.listener.onFailure(new IllegalStateException("cannot write 24 bytes: device gone"), true);
        assertThat(count(output, "Drain of logbuf ring 'audit' to archive /tmp/audit failed")).isEqualTo(2);
        assertThat(output).contains("cannot write 20 bytes: disk full")
            .doesNotContain("cannot write 24 bytes: disk full")
            .contains("cannot write 24 bytes: device gone");
    }

    @Test
    void aRepeatedFailureIsLoggedAgainWithItsCountOnceTheIntervalHasPassed(CapturedOutput output) {
        for (int i = 0; i < 5; i++) {
            this.listener.onFailure(new IllegalStateException("disk full"), true);
        }
        assertThat(count(output, "disk full")).isEqualTo(1);
        this.clock.advance(Duration.ofSeconds(RingDrainListener.REPEAT_LOG_INTERVAL_SECONDS));
        this.listener.onFailure(new IllegalStateException("disk full"), true);
        assertThat(output).contains("(the same failure 5 times since it was last logged)");
    }

    @Test
    void recoveryIsLoggedWithTheAttemptsAndTheRepeatsNotLogged(CapturedOutput output) {
        for (int i = 0; i < 3; i++) {
            this.listener.onFailure(new IllegalStateException("disk full"), true);
        }
        this.listener.onRecovered(3);
        assertThat(output).contains("Drain of logbuf ring 'audit' to archive /tmp/audit recovered after 3 failed"
                + " attempts (2 repeated failures were counted, not logged)");
        // a new episode of the same failure is logged again
        this.listener.onFailure(new IllegalStateException("disk full"), true);
        assertThat(count(output, "java.lang.IllegalStateException: disk full")).isEqualTo(2);
    }

    @Test
    void anArchiveFailureThatIsAlsoThrownIsLoggedOnce(CapturedOutput output) {
        ArchiveException error = new ArchiveException(Path.of("/tmp/audit/0.seg"), "cannot write 20 bytes",
                new IOException("No space left on device"));
        this.listener.onArchiveFailure(error);
        this.listener.onFailure(error, true);
        assertThat(count(output, "No space left on device")).isEqualTo(1);
        assertThat(output).contains("Archive of logbuf ring 'audit' failed: cannot write 20 bytes");
    }

    @Test
    void anUnblockedClaimIsAnErrorNamingThreadPositionAndAge(CapturedOutput output) {
        this.listener.onClaimUnblocked(new BlockedClaim(4096, Duration.ofSeconds(5).toNanos(), "worker-7", 42, false));
        assertThat(output).contains("ERROR")
            .contains("Logbuf ring 'audit': thread 'worker-7' (id 42) ended without committing or aborting its"
                    + " claim at position 4096, which had blocked the ring for 5000 ms");
    }

    @Test
    void aStopThatLeftRecordsNamesTheClaimThatHeldThem(CapturedOutput output) {
        this.listener.onStopped(false, 72, Optional.of(new BlockedClaim(120, 1, "slow", 7, true)));
        assertThat(output).contains("Drain of logbuf ring 'audit' stopped with 72 bytes not handed to archive"
                + " /tmp/audit (the record at position 120 is still claimed by thread 'slow', id 7)");
    }

    private static int count(CapturedOutput output, String text) {
        return output.getAll().split(java.util.regex.Pattern.quote(text), -1).length - 1;
    }

}
