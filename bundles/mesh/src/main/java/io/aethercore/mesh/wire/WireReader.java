package io.aethercore.mesh.wire;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/** Bounds-checked reading of a mesh message: every length is checked against what is left and a limit. */
public final class WireReader {
    private final byte[] b;
    private int p;

    public WireReader(byte[] bytes, int offset) {
        this.b = bytes;
        this.p = offset;
    }

    public int u8() throws WireException {
        need(1, "u8");
        return b[p++] & 0xFF;
    }

    public int u16() throws WireException {
        need(2, "u16");
        int v = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
        p += 2;
        return v;
    }

    public long u32() throws WireException {
        need(4, "u32");
        long v = ((long) (b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
        p += 4;
        return v;
    }

    public long u64() throws WireException {
        long hi = u32();
        return (hi << 32) | u32();
    }

    /** A u16-length-prefixed byte string of at most {@code max} bytes. */
    public byte[] bytes(int max, String what) throws WireException {
        int n = u16();
        if (n > max) {
            throw new WireException(what + " is " + n + " bytes, at most " + max + " allowed");
        }
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(b, p, out, 0, n);
        p += n;
        return out;
    }

    public byte[] fixed(int n, String what) throws WireException {
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(b, p, out, 0, n);
        p += n;
        return out;
    }

    /** A u16-length-prefixed UTF-8 string of at most {@code max} bytes, no control characters. */
    public String string(int max, String what) throws WireException {
        byte[] raw = bytes(max, what);
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new WireException(what + " is not UTF-8");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new WireException(what + " contains a control character");
            }
        }
        return s;
    }

    public void end() throws WireException {
        if (p != b.length) {
            throw new WireException((b.length - p) + " trailing bytes");
        }
    }

    private void need(int n, String what) throws WireException {
        if (n < 0 || b.length - p < n) {
            throw new WireException("truncated at " + what);
        }
    }
}
