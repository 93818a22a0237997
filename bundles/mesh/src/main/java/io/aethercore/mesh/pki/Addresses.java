package io.aethercore.mesh.pki;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;

/** {@code host:port} (and {@code [v6]:port}) as certificates and the genesis payload write addresses. */
final class Addresses {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.%]{2,45}");

    private Addresses() {
    }

    static String format(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Parses {@code host:port}; the result is unresolved (no DNS lookup while reading hostile input). */
    static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1 || text.length() > 300) {
            throw new IllegalArgumentException("not host:port: '" + shorten(text) + "'");
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]") && V6.matcher(host.substring(1, host.length() - 1)).matches()) {
            host = host.substring(1, host.length() - 1);
        } else if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("not a host name or address: '" + shorten(host) + "'");
        }
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("not a port (1 to 65535): '" + shorten(port) + "'");
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(port));
    }

    static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
