package dev.logbuf.archive;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The archive's hash chain function: SHA-256 from the JDK. */
final class Digests {

    private Digests() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256 (MessageDigest's Javadoc)
            throw new IllegalStateException("this JVM has no SHA-256 MessageDigest", e);
        }
    }

    static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        }
        catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 MessageDigest of this JVM cannot be copied", e);
        }
    }

}
