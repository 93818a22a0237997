package io.aethercore.mesh.pki;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientId;

/** Decrypts a bundle's envelope without checking the inside, to reach the SignedData in tests. */
final class GenesisBundlesTestSupport {

    private GenesisBundlesTestSupport() {
    }

    static byte[] decrypt(byte[] bundle, KeyPair rsa, X509Certificate cert) throws Exception {
        RecipientInformation ri = new CMSEnvelopedData(bundle).getRecipientInfos().get(new JceKeyTransRecipientId(cert));
        return ri.getContent(new JceKeyTransEnvelopedRecipient(rsa.getPrivate()).setProvider(Fixtures.BC));
    }
}
