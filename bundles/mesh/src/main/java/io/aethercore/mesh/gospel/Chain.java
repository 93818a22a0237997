package io.aethercore.mesh.gospel;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** One author's chain as a node holds it: entries, their tree, the signed checkpoints by size. {@link Gospel} guards it. */
final class Chain {
    final String author;
    final ChainTree tree;
    final List<byte[]> entries = new ArrayList<>();
    final TreeMap<Long, byte[]> notes = new TreeMap<>();
    /** A fork of this chain was proved: nothing more of it is taken or served. */
    boolean frozen;

    Chain(String author, ChainTree tree) {
        this.author = author;
        this.tree = tree;
    }

    long size() {
        return entries.size();
    }
}
