package io.aethercore.audit.internal.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell's init scripts are recognised by their exact text, as Karaf runs them, and nothing else is. */
class InitScriptsTest {

    @TempDir
    Path etc;

    @Test
    void theScriptsKarafRunsAreRecognisedByTheirExactText() throws Exception {
        Files.writeString(etc.resolve("shell.init.script"), "ld = { log:display $args } ;\nsetopt group\n");
        Files.createDirectories(etc.resolve("scripts"));
        Files.writeString(etc.resolve("scripts/shell.completion.script"), "__complete = { shell:complete x }\r\nsetopt y\r\n");
        Files.writeString(etc.resolve("scripts/notes.txt"), "bundle:stop 42");
        InitScripts scripts = new InitScripts(etc, "shell.init.script, scripts/*.script");

        assertEquals(2, scripts.files().size(), scripts.files().toString());
        // Karaf joins the file's lines with \n (no trailing newline, CRLF normalised)
        assertTrue(scripts.isInitScript("ld = { log:display $args } ;\nsetopt group"));
        assertTrue(scripts.isInitScript("__complete = { shell:complete x }\nsetopt y"));
        // anything else is a user's line, however close
        assertFalse(scripts.isInitScript("ld = { log:display $args } ;\nsetopt group\nbundle:stop 42"));
        assertFalse(scripts.isInitScript("ld = { log:display $args } ;"));
        assertFalse(scripts.isInitScript("bundle:stop 42"));
        assertFalse(scripts.isInitScript(""));
    }

    @Test
    void aChangedScriptIsReadAgain() throws Exception {
        Path f = etc.resolve("shell.init.script");
        Files.writeString(f, "a = 1\nb = 2");
        InitScripts scripts = new InitScripts(etc, "shell.init.script");
        assertTrue(scripts.isInitScript("a = 1\nb = 2"));
        Files.writeString(f, "a = 22\nb = 2");
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
        assertFalse(scripts.isInitScript("a = 1\nb = 2"));
        assertTrue(scripts.isInitScript("a = 22\nb = 2"));
    }

    @Test
    void noScriptsConfiguredOrMissingFilesRecogniseNothing() throws Exception {
        assertFalse(new InitScripts(etc, "").isInitScript("a = 1"));
        assertFalse(new InitScripts(etc, null).isInitScript("a = 1"));
        assertFalse(new InitScripts(etc, "missing.script, nodir/*.script").isInitScript("a = 1"));
        // a file that is not UTF-8 cannot be Karaf's script text either
        Files.write(etc.resolve("bad.script"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        assertFalse(new InitScripts(etc, "bad.script").isInitScript("A"));
    }
}
