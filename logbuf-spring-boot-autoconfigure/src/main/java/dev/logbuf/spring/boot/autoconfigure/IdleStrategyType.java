package dev.logbuf.spring.boot.autoconfigure;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a drain loop does when a drain call found no committed record
 * ({@code logbuf.rings.<name>.drain.idle-strategy}). Each constant makes a fresh
 * {@link IdleStrategy} for one drain thread.
 */
public enum IdleStrategyType {

    /** Spins with {@link Thread#onSpinWait()}: lowest latency, one core fully busy. */
    BUSY_SPIN {
        @Override
        IdleStrategy newIdleStrategy() {
            return new IdleStrategy() {
                @Override
                public void idle() {
                    Thread.onSpinWait();
                }
            };
        }
    },

    /**
     * Calls {@link Thread#yield()}: low latency, the core stays busy unless others want
     * it.
     */
    YIELD {
        @Override
        IdleStrategy newIdleStrategy() {
            return new IdleStrategy() {
                @Override
                public void idle() {
                    Thread.yield();
                }
            };
        }
    },

    /**
     * Spins {@value #BACKOFF_SPINS} times, yields {@value #BACKOFF_YIELDS} times, then
     * parks for 1 &micro;s doubling up to {@link #MAX_PARK_NANOS}; any record resets it
     * to spinning.
     */
    BACKOFF {
        @Override
        IdleStrategy newIdleStrategy() {
            return new BackoffIdleStrategy();
        }
    },

    /**
     * Parks {@link #MAX_PARK_NANOS} at a time: least CPU, up to that much added latency.
     */
    PARK {
        @Override
        IdleStrategy newIdleStrategy() {
            return new IdleStrategy() {
                @Override
                public void idle() {
                    LockSupport.parkNanos(MAX_PARK_NANOS);
                }
            };
        }
    };

    /** The longest a drain thread parks in one idle step: 1 ms. */
    public static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    static final int BACKOFF_SPINS = 100;

    static final int BACKOFF_YIELDS = 10;

    abstract IdleStrategy newIdleStrategy();

    /** One drain thread's idling state; not thread-safe. */
    interface IdleStrategy {

        /** Called after a drain call that found nothing. */
        void idle();

        /** Called after a drain call that handed at least one record. */
        default void reset() {
        }

    }

    private static final class BackoffIdleStrategy implements IdleStrategy {

        private int spins;

        private int yields;

        private long parkNanos = 1;

        @Override
        public void idle() {
            if (this.spins < BACKOFF_SPINS) {
                this.spins++;
                Thread.onSpinWait();
            }
            else if (this.yields < BACKOFF_YIELDS) {
                this.yields++;
                Thread.yield();
            }
            else {
                LockSupport.parkNanos(this.parkNanos);
                this.parkNanos = Math.min(this.parkNanos * 2, MAX_PARK_NANOS);
            }
        }

        @Override
        public void reset() {
            this.spins = 0;
            this.yields = 0;
            this.parkNanos = 1;
        }

    }

}
