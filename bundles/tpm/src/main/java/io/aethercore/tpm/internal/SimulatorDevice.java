package io.aethercore.tpm.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.BufferedOutputStream;
import java.io.BufferedInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import tss.TpmDevice;

/**
 * The command channel of a TPM simulator (swtpm, the Microsoft/IBM reference simulator): "send command"
 * (8), locality, length, command; answer length, response, a 4-octet trailer. Written here instead of
 * TSS.Java's {@code TpmDeviceTcp} because that one (a) leaves Nagle on, so every command waits about
 * 40 ms for a delayed ACK, (b) loops forever when the simulator closes the socket (it adds the -1 of
 * end-of-stream to its byte count), and (c) has no timeouts. The control channel (port + 1, power and
 * NV signals) is never opened: a node must not power-cycle its TPM.
 */
final class SimulatorDevice extends TpmDevice {

    private static final int SEND_COMMAND = 8;
    private static final int SESSION_END = 20;
    /** The largest TPM response we accept (TPM 2.0 responses are at most a few KiB). */
    static final int MAX_RESPONSE = 64 * 1024;

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private DataInputStream in;
    private DataOutputStream out;
    private byte[] response;

    SimulatorDevice(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** Connects or throws {@link TpmTransportException} saying why. */
    void open() {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMillis);
            s.connect(new InetSocketAddress(host, port), Math.min(timeoutMillis, 5000));
            socket = s;
            in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to release
            }
            throw new TpmTransportException("no TPM simulator at " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public boolean connect() {
        open();
        return true;
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        if (s == null) {
            return;
        }
        try {
            if (!s.isClosed()) {
                s.setSoTimeout(200);
                out.writeInt(SESSION_END);
                out.flush();
            }
        } catch (IOException ignored) {
            // the simulator is gone; closing is all that is left
        } finally {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void dispatchCommand(byte[] command) {
        if (socket == null) {
            throw new TpmTransportException("not connected to the TPM simulator at " + host + ":" + port, null);
        }
        try {
            out.writeInt(SEND_COMMAND);
            out.writeByte(0); // locality 0
            out.writeInt(command.length);
            out.write(command);
            out.flush();
            int len = in.readInt();
            if (len < 10 || len > MAX_RESPONSE) {
                throw new IOException("TPM simulator announced a response of " + len + " bytes");
            }
            byte[] r = new byte[len];
            in.readFully(r);
            in.readInt(); // trailer (0 = success of the transport)
            response = r;
        } catch (EOFException e) {
            throw new TpmTransportException("TPM simulator at " + host + ":" + port + " closed the connection", e);
        } catch (IOException e) {
            throw new TpmTransportException("TPM simulator at " + host + ":" + port + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] getResponse() {
        byte[] r = response;
        response = null;
        if (r == null) {
            throw new TpmTransportException("no response from the TPM simulator at " + host + ":" + port, null);
        }
        return r;
    }

    @Override
    public boolean responseReady() {
        return true;
    }

    @Override
    public String toString() {
        return "TPM simulator " + host + ":" + port;
    }
}
