package dev.logbuf.kafka;

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
 * A TCP relay on the loopback interface between the Kafka clients and the broker, so a
 * test can make the broker unreachable and bring it back: {@link #cut()} closes every
 * connection and refuses new ones (they are accepted and closed at once),
 * {@link #restore()} relays again. The broker advertises the relay's port, so every
 * client connection goes through it.
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
        return server.getLocalPort();
    }

    /** Where to relay to; connections before it is set are refused. */
    void target(int port) {
        this.targetPort = port;
    }

    /** The broker becomes unreachable: live connections are closed, new ones refused. */
    void cut() {
        cut = true;
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    void restore() {
        cut = false;
    }

    @Override
    public void close() {
        closed = true;
        cut();
        closeQuietly(server);
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            }
            catch (IOException e) {
                return; // closed
            }
            if (cut || targetPort == 0) {
                closeQuietly(client);
                continue;
            }
            Socket broker;
            try {
                broker = new Socket();
                broker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
            }
            catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            sockets.add(client);
            sockets.add(broker);
            relay(client, broker, "tcp-proxy-up");
            relay(broker, client, "tcp-proxy-down");
        }
    }

    private void relay(Socket from, Socket to, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while (!cut && (n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            }
            catch (IOException e) {
                // cut, or the other side closed
            }
            finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        }
        catch (Exception e) {
            // already closed
        }
    }

}
