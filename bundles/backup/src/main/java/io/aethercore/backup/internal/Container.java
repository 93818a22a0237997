package io.aethercore.backup.internal;

import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The inner format of a backup (inside the CMS envelope), version 1. A stream, so that a backup of
 * millions of records is written and read without holding it in memory:
 *
 * <pre>
 * "AEBACKUP" | u16 version = 1
 * per item:  u8 1 | u16 name length | name (UTF-8) | u64 length | data | SHA-256(data) (32)
 * end:       u8 0 | u32 item count | SHA-256 over every byte before this end marker except item data (32)
 * </pre>
 *
 * The whole-stream digest covers the header, every item header and every item digest (so, through the
 * item digests, every data byte, while each byte is hashed once). All integers big-endian. The first item is always {@code manifest.properties}. Names are relative
 * paths of segments {@code [A-Za-z0-9._-]} separated by {@code /}, at most 512 bytes, no {@code .} or
 * {@code ..} segment, each name at most once. See docs/backup.md.
 */
public final class Container {

    static final byte[] MAGIC = "AEBACKUP".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int MAX_NAME = 512;
    static final int MAX_ITEMS = 1_000_000;
    static final long MAX_ITEM = 1L << 40;
    public static final String MANIFEST = "manifest.properties";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,255}");

    private Container() {}

    static void checkName(String name) throws BackupException {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
            throw new BackupException("container", "an item name is empty or longer than " + MAX_NAME + " bytes");
        }
        for (String s : name.split("/", -1)) {
            if (!SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
                throw new BackupException("container", "item name '" + printable(name) + "' is not a plain relative path");
            }
        }
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes items one after the other; {@link #finish()} writes the end marker. */
    public static final class Writer {
        private final DataOutputStream out;
        private final MessageDigest whole = sha256();
        private final Set<String> names = new HashSet<>();
        private int count;
        private String open;
        private long remaining;
        private MessageDigest itemDigest;

        public Writer(OutputStream target) throws IOException {
            this.out = new DataOutputStream(target);
            raw(MAGIC, 0, MAGIC.length);
            raw(new byte[] {0, VERSION}, 0, 2);
        }

        private void raw(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            whole.update(b, off, len);
        }

        /** Starts an item of exactly {@code length} bytes; write them with {@link #write}. */
        public void begin(String name, long length) throws IOException, BackupException {
            if (open != null) {
                throw new IllegalStateException("item " + open + " is not complete");
            }
            checkName(name);
            if (!names.add(name)) {
                throw new IllegalStateException("item " + name + " twice");
            }
            if (length < 0 || length > MAX_ITEM) {
                throw new IllegalArgumentException("item length " + length);
            }
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] head = new byte[1 + 2 + n.length + 8];
            head[0] = 1;
            head[1] = (byte) (n.length >>> 8);
            head[2] = (byte) n.length;
            System.arraycopy(n, 0, head, 3, n.length);
            for (int i = 0; i < 8; i++) {
                head[3 + n.length + i] = (byte) (length >>> (56 - 8 * i));
            }
            raw(head, 0, head.length);
            open = name;
            remaining = length;
            itemDigest = sha256();
            if (length == 0) {
                close();
            }
        }

        public void write(byte[] b, int off, int len) throws IOException {
            if (open == null || len > remaining) {
                throw new IllegalStateException("more bytes than the item's declared length");
            }
            out.write(b, off, len);   // covered by the item's digest, which the whole-stream digest covers
            itemDigest.update(b, off, len);
            remaining -= len;
            if (remaining == 0) {
                close();
            }
        }

        private void close() throws IOException {
            byte[] d = itemDigest.digest();
            raw(d, 0, d.length);
            open = null;
            count++;
        }

        /** An item held in memory. */
        public void item(String name, byte[] data) throws IOException, BackupException {
            begin(name, data.length);
            if (data.length > 0) {
                write(data, 0, data.length);
            }
        }

        public void finish() throws IOException {
            if (open != null) {
                throw new IllegalStateException("item " + open + " is not complete");
            }
            byte[] end = {0, (byte) (count >>> 24), (byte) (count >>> 16), (byte) (count >>> 8), (byte) count};
            byte[] d = whole.digest();
            out.write(end);
            out.write(d);
            out.flush();
        }
    }

    /** What a reader does with the items it reads. */
    public interface Sink {
        /** Returns where the item's bytes go. */
        OutputStream open(String name, long length) throws IOException, BackupException;

        /** The item's digest verified; its stream is closed. */
        default void complete(String name, long length) throws BackupException {}
    }

    /**
     * Reads a container, verifying each item's digest as it ends and the whole stream's digest at the
     * end. The first failure names the item it happened in.
     *
     * @return the number of items
     */
    public static int read(InputStream in, Sink sink) throws BackupException, IOException {
        MessageDigest whole = sha256();
        byte[] magic = readN(in, MAGIC.length + 2, "container", "the header", whole);
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new BackupException("container", "not an AetherCore backup (bad magic)");
            }
        }
        int version = ((magic[8] & 0xff) << 8) | (magic[9] & 0xff);
        if (version != VERSION) {
            throw new BackupException("container", "format version " + version + " is not supported (this node reads " + VERSION + ")");
        }
        Set<String> names = new HashSet<>();
        int count = 0;
        byte[] buf = new byte[1 << 16];
        String last = null;
        while (true) {
            byte[] kind = readN(in, 1, last == null ? "container" : "container", "the next item marker after "
                    + (last == null ? "the header" : last), null);
            if (kind[0] == 0) {
                byte[] d = whole.digest();
                byte[] tail = readN(in, 36, "container", "the end marker", null);
                int n = ((tail[0] & 0xff) << 24) | ((tail[1] & 0xff) << 16) | ((tail[2] & 0xff) << 8) | (tail[3] & 0xff);
                if (n != count) {
                    throw new BackupException("container", "the end marker counts " + n + " items, the stream holds " + count
                            + " (items were removed or added)");
                }
                for (int i = 0; i < 32; i++) {
                    if (d[i] != tail[4 + i]) {
                        throw new BackupException("container", "the whole-stream SHA-256 does not match");
                    }
                }
                if (in.read() != -1) {
                    throw new BackupException("container", "data after the end marker");
                }
                return count;
            }
            whole.update(kind);
            if (kind[0] != 1) {
                throw new BackupException("container", "unknown item marker " + (kind[0] & 0xff) + " after "
                        + (last == null ? "the header" : last));
            }
            byte[] nl = readN(in, 2, "container", "an item name length", whole);
            int nameLen = ((nl[0] & 0xff) << 8) | (nl[1] & 0xff);
            if (nameLen == 0 || nameLen > MAX_NAME) {
                throw new BackupException("container", "item name length " + nameLen + " out of range");
            }
            String name = new String(readN(in, nameLen, "container", "an item name", whole), StandardCharsets.UTF_8);
            checkName(name);
            if (count == 0 && !name.equals(MANIFEST)) {
                throw new BackupException(name, "the first item must be " + MANIFEST);
            }
            if (!names.add(name)) {
                throw new BackupException(name, "appears twice");
            }
            if (++count > MAX_ITEMS) {
                throw new BackupException("container", "more than " + MAX_ITEMS + " items");
            }
            byte[] lb = readN(in, 8, name, "its length", whole);
            long length = 0;
            for (byte b : lb) {
                length = (length << 8) | (b & 0xff);
            }
            if (length < 0 || length > MAX_ITEM) {
                throw new BackupException(name, "length " + length + " out of range");
            }
            MessageDigest item = sha256();
            long left = length;
            try (OutputStream o = sink.open(name, length)) {
                while (left > 0) {
                    int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (r < 0) {
                        throw new BackupException(name, "truncated: " + left + " of " + length + " bytes missing");
                    }
                    item.update(buf, 0, r);
                    o.write(buf, 0, r);
                    left -= r;
                }
            }
            byte[] expect = readN(in, 32, name, "its SHA-256", whole);
            if (!MessageDigest.isEqual(expect, item.digest())) {
                throw new BackupException(name, "SHA-256 of the item does not match (the item was changed)");
            }
            sink.complete(name, length);
            last = name;
        }
    }

    private static byte[] readN(InputStream in, int n, String item, String what, MessageDigest d)
            throws IOException, BackupException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r;
            try {
                r = in.read(b, off, n - off);
            } catch (EOFException e) {
                r = -1;
            }
            if (r < 0) {
                throw new BackupException(item, "truncated in " + what);
            }
            off += r;
        }
        if (d != null) {
            d.update(b);
        }
        return b;
    }
}
