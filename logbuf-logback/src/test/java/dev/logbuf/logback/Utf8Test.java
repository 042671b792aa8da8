package dev.logbuf.logback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pattern path's UTF-8 encoder produces what {@code String.getBytes} does. */
class Utf8Test {

    @Test
    void encodesLikeStringGetBytesIncludingSurrogatesAndUnpairedOnes() {
        Random random = new Random(13);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(64);
            for (int i = 0; i < length; i++) {
                switch (random.nextInt(6)) {
                    case 0 -> text.append((char) random.nextInt(0x80));
                    case 1 -> text.append((char) (0x80 + random.nextInt(0x780)));
                    case 2 -> text.append((char) (0x800 + random.nextInt(0xD000)));
                    case 3 -> text.appendCodePoint(0x10000 + random.nextInt(0xFFFFF));
                    case 4 -> text.append((char) (0xD800 + random.nextInt(0x800))); // lone
                                                                                    // surrogate
                    default -> text.append("é€😀");
                }
            }
            byte[] expected = text.toString().getBytes(StandardCharsets.UTF_8);
            byte[] actual = new byte[text.length() * 3];
            int n = Utf8.encode(text, actual);
            assertThat(Arrays.copyOf(actual, n)).as("round %d", round).isEqualTo(expected);
        }
    }

}
