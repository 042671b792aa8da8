package dev.logbuf.logback;

/** UTF-8 from a {@code CharSequence} into an array, without a {@code CharsetEncoder}. */
final class Utf8 {

    private Utf8() {
    }

    /**
     * Encodes {@code text} into {@code dst}, which must hold {@code 3 * text.length()}
     * bytes; an unpaired surrogate becomes {@code '?'}, as {@code String.getBytes} does.
     * @return the number of bytes written
     */
    static int encode(CharSequence text, byte[] dst) {
        int length = text.length();
        int n = 0;
        int i = 0;
        while (i < length) {
            char c = text.charAt(i++);
            if (c < 0x80) {
                dst[n++] = (byte) c;
            }
            else if (c < 0x800) {
                dst[n++] = (byte) (0xC0 | (c >> 6));
                dst[n++] = (byte) (0x80 | (c & 0x3F));
            }
            else if (Character.isSurrogate(c)) {
                char low = (i < length) ? text.charAt(i) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
                    i++;
                    int cp = Character.toCodePoint(c, low);
                    dst[n++] = (byte) (0xF0 | (cp >> 18));
                    dst[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    dst[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    dst[n++] = (byte) (0x80 | (cp & 0x3F));
                }
                else {
                    dst[n++] = '?';
                }
            }
            else {
                dst[n++] = (byte) (0xE0 | (c >> 12));
                dst[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                dst[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return n;
    }

}
