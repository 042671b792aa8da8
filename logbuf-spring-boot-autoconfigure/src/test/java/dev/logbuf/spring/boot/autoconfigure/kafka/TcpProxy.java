package dev.logbuf.spring.boot.autoconfigure.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on the loopback interface between the Kafka clients and the embedded
 * broker, which advertises the relay's port: {@link #cut()} closes every connection and
 * refuses new ones (the broker is unreachable), {@link #restore()} relays again.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private volatile int targetPort;

    private volatile boolean cut;

    private volatile boolean closed;

    TcpProxy() throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return this.server.getLocalPort();
    }

    void target(int port) {
        this.targetPort = port;
    }

    void cut() {
        this.cut = true;
        for (Socket socket : this.sockets) {
            closeQuietly(socket);
        }
        this.sockets.clear();
    }

    void restore() {
        this.cut = false;
    }

    @Override
    public void close() {
        this.closed = true;
        cut();
        closeQuietly(this.server);
    }

    private void accept() {
        while (!this.closed) {
            Socket client;
            try {
                client = this.server.accept();
            }
            catch (IOException ex) {
                return;
            }
            if (this.cut || this.targetPort == 0) {
                closeQuietly(client);
                continue;
            }
            Socket broker = new Socket();
            try {
                broker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5000);
            }
            catch (IOException ex) {
                closeQuietly(client);
                closeQuietly(broker);
                continue;
            }
            this.sockets.add(client);
            this.sockets.add(broker);
            relay(client, broker, "tcp-proxy-up");
            relay(broker, client, "tcp-proxy-down");
        }
    }

    private void relay(Socket from, Socket to, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while (!this.cut && (n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            }
            catch (IOException ex) {
                // cut, or the other side closed
            }
            finally {
                closeQuietly(from);
                closeQuietly(to);
                this.sockets.remove(from);
                this.sockets.remove(to);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        }
        catch (Exception ex) {
            // already closed
        }
    }

}
