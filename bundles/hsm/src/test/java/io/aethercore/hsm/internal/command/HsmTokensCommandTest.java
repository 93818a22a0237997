package io.aethercore.hsm.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.hsm.internal.SoftHsm;
import io.aethercore.hsm.internal.TokenListing;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HsmTokensCommandTest {

    @TempDir
    Path dir;

    @Test
    void listsTheTokenWithItsMechanisms() throws Exception {
        try (SoftHsm hsm = new SoftHsm(dir)) {
            String label = SoftHsm.newLabel("list");
            hsm.initToken(label);
            List<TokenListing.TokenRow> rows = TokenListing.list(SoftHsm.LIBRARY);
            TokenListing.TokenRow row = rows.stream().filter(r -> r.label().equals(label)).findFirst().orElseThrow();
            assertEquals("SoftHSM project", row.manufacturer());
            assertTrue(row.eddsa() && row.ecdsa() && row.edwardsKeyGen() && row.ecKeyGen(), row.toString());
            assertTrue(!row.mlDsa(), "SoftHSM2 has no ML-DSA");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            HsmTokensCommand.print(rows, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String text = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains(label) && text.contains("CKM_EDDSA") && text.contains("ML-DSA"), text);
        }
    }
}
