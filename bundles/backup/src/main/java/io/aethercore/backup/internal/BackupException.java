package io.aethercore.backup.internal;

/**
 * A backup could not be made, or a backup was refused. {@link #item()} names the first item of the
 * backup that is bad (an item name such as {@code merkle/gospel/entries.dat}, or {@code envelope},
 * {@code container}), or is {@code null} when no item is at fault (an I/O error on this node).
 */
public final class BackupException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String item;

    public BackupException(String item, String message) {
        super(item == null ? message : item + ": " + message);
        this.item = item;
    }

    public BackupException(String item, String message, Throwable cause) {
        super(item == null ? message : item + ": " + message, cause);
        this.item = item;
    }

    /** The first bad item of the backup, or {@code null}. */
    public String item() {
        return item;
    }
}
