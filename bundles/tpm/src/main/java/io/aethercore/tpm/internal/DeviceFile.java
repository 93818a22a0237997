package io.aethercore.tpm.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import tss.TpmDevice;

/**
 * A TPM character device, normally the kernel's resource manager {@code /dev/tpmrm0}: write one
 * command, read one response. The resource manager swaps objects in and out and flushes what a
 * connection leaves behind when it closes.
 */
final class DeviceFile extends TpmDevice {

    private final Path path;
    private RandomAccessFile file;
    private byte[] response;

    DeviceFile(Path path) {
        this.path = path;
    }

    void open() {
        if (!Files.exists(path)) {
            throw new TpmTransportException(path + " does not exist (no TPM, or it is disabled in the firmware setup)", null);
        }
        try {
            file = new RandomAccessFile(path.toFile(), "rw");
        } catch (IOException e) {
            throw new TpmTransportException("cannot open " + path + ": " + e.getMessage()
                    + " (the node's user needs read and write access, e.g. group tss)", e);
        }
    }

    @Override
    public boolean connect() {
        open();
        return true;
    }

    @Override
    public void close() {
        RandomAccessFile f = file;
        file = null;
        if (f != null) {
            try {
                f.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }

    @Override
    public void dispatchCommand(byte[] command) {
        if (file == null) {
            throw new TpmTransportException(path + " is not open", null);
        }
        try {
            file.write(command);
            byte[] buf = new byte[SimulatorDevice.MAX_RESPONSE];
            int n = file.read(buf);
            if (n < 10) {
                throw new IOException("short response (" + n + " bytes)");
            }
            response = Arrays.copyOf(buf, n);
        } catch (IOException e) {
            throw new TpmTransportException(path + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] getResponse() {
        byte[] r = response;
        response = null;
        if (r == null) {
            throw new TpmTransportException("no response from " + path, null);
        }
        return r;
    }

    @Override
    public boolean responseReady() {
        return true;
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
