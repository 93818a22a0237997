package io.aethercore.tpm.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tss.TpmDevice;

/**
 * Where a TPM is: a character device ({@code /dev/tpmrm0}) or a simulator's command port. Parses the
 * {@code device} setting: {@code auto}, a device path, {@code host:port}, or the tpm2-tools TCTI form
 * {@code swtpm:host=127.0.0.1,port=2321}.
 */
record TpmEndpoint(Path device, String host, int port) {

    static final Path DEFAULT_DEVICE = Path.of("/dev/tpmrm0");

    static TpmEndpoint device(Path path) {
        return new TpmEndpoint(path, null, 0);
    }

    static TpmEndpoint simulator(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("TPM simulator port must be 1-65535, got " + port);
        }
        return new TpmEndpoint(null, host, port);
    }

    boolean isSimulator() {
        return device == null;
    }

    TpmDevice open(int timeoutMillis) {
        if (isSimulator()) {
            SimulatorDevice d = new SimulatorDevice(host, port, timeoutMillis);
            d.open();
            return d;
        }
        DeviceFile d = new DeviceFile(device);
        d.open();
        return d;
    }

    @Override
    public String toString() {
        return isSimulator() ? "TPM simulator at " + host + ":" + port : device.toString();
    }

    /**
     * The endpoints to try, in order.
     *
     * @param device {@code auto}, {@code none}, a path, {@code host:port} or {@code swtpm:host=H,port=P}
     * @param simulator for {@code auto}: a simulator to try after the device ({@code host:port}), or empty
     */
    static List<TpmEndpoint> parse(String device, String simulator) {
        String d = device == null ? "auto" : device.trim();
        List<TpmEndpoint> out = new ArrayList<>();
        switch (d.toLowerCase(Locale.ROOT)) {
            case "none", "off", "" -> {
                return out;
            }
            case "auto" -> {
                out.add(device(DEFAULT_DEVICE));
                if (simulator != null && !simulator.isBlank()) {
                    out.add(parseAddress(simulator.trim()));
                }
                return out;
            }
            default -> {
                out.add(d.startsWith("/") ? device(Path.of(d)) : parseAddress(d));
                return out;
            }
        }
    }

    static TpmEndpoint parseAddress(String text) {
        String t = text;
        if (t.startsWith("swtpm:") || t.startsWith("mssim:")) {
            String host = "127.0.0.1";
            int port = 2321;
            for (String kv : t.substring(6).split(",")) {
                String[] p = kv.split("=", 2);
                if (p.length == 2 && p[0].trim().equals("host")) {
                    host = p[1].trim();
                } else if (p.length == 2 && p[0].trim().equals("port")) {
                    port = port(p[1].trim(), text);
                } else if (!kv.isBlank()) {
                    throw new IllegalArgumentException("unknown TCTI option '" + kv + "' in '" + text + "' (host=, port=)");
                }
            }
            return simulator(host, port);
        }
        int colon = t.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("TPM '" + text
                    + "': use auto, none, a device path (/dev/tpmrm0), host:port or swtpm:host=H,port=P");
        }
        return simulator(t.substring(0, colon), port(t.substring(colon + 1), text));
    }

    private static int port(String p, String text) {
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: '" + p + "' in '" + text + "'");
        }
    }
}
