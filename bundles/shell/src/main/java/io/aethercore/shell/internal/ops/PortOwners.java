package io.aethercore.shell.internal.ops;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who holds a local port, from Linux's socket tables: {@code /proc/net/{tcp,tcp6,udp,udp6}} give the
 * sockets bound to the port (TCP: listening ones) and their inode; {@code /proc/self/fd} says whether this
 * JVM, the node, holds one of them. Elsewhere (no /proc) the answer is {@link Owner#UNKNOWN}.
 */
public final class PortOwners {

    public enum Owner { FREE, THIS_NODE, OTHER_PROCESS, UNKNOWN }

    public enum Protocol { TCP, UDP }

    private final Path procNet;
    private final Path selfFd;

    public PortOwners() {
        this(Path.of("/proc/net"), Path.of("/proc/self/fd"));
    }

    PortOwners(Path procNet, Path selfFd) {
        this.procNet = procNet;
        this.selfFd = selfFd;
    }

    public Owner owner(Protocol protocol, int port) {
        String base = protocol == Protocol.TCP ? "tcp" : "udp";
        Set<String> inodes = new HashSet<>();
        boolean readAny = false;
        for (String table : List.of(base, base + "6")) {
            Path file = procNet.resolve(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(file)) {
                    readAny = true;
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 10 || !f[1].contains(":")) {
                        continue;
                    }
                    int p;
                    try {
                        p = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                    } catch (NumberFormatException e) {
                        continue; // the header line
                    }
                    // TCP: only listening sockets (state 0A) hold a port against a new server
                    if (p == port && (protocol == Protocol.UDP || f[3].equals("0A"))) {
                        inodes.add(f[9]);
                    }
                }
            } catch (IOException e) {
                return Owner.UNKNOWN;
            }
        }
        if (!readAny) {
            return Owner.UNKNOWN;
        }
        if (inodes.isEmpty()) {
            return Owner.FREE;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(selfFd)) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                        return Owner.THIS_NODE;
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // a descriptor closed meanwhile
                }
            }
        } catch (IOException e) {
            return Owner.UNKNOWN;
        }
        return Owner.OTHER_PROCESS;
    }
}
