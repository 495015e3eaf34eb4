/**
 * Accord's SPIFFE library: IDs, bundles and their JWKS codec, X509-SVID and JWT-SVID verification,
 * and the SPIFFE bundle endpoint client. No framework; depends on nimbus-jose-jwt and BouncyCastle.
 */
module dev.accord.spiffe {
    requires java.net.http;
    requires com.nimbusds.jose.jwt;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;

    exports dev.accord.spiffe;
    exports dev.accord.spiffe.spiffeid;
    exports dev.accord.spiffe.bundle.x509;
    exports dev.accord.spiffe.bundle.jwt;
    exports dev.accord.spiffe.bundle.spiffe;
    exports dev.accord.spiffe.svid.x509;
    exports dev.accord.spiffe.svid.jwt;
    exports dev.accord.spiffe.federation;
}
