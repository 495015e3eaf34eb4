package dev.accord.broker.issuer;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;

/**
 * KeyEncryption seals the issuer's private keys at rest with AES-256-GCM under a key-encryption key (KEK). The
 * key ID is bound as associated data, so a sealed key copied onto another row does not open. The KEK comes from
 * configuration or a file and is never logged. Sealed format: {@code 0x01 | 12-byte nonce | ciphertext+tag}.
 */
public final class KeyEncryption {

    private static final byte VERSION = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec kek;

    /**
     * @throws IllegalArgumentException unless {@code kek} is 32 bytes
     */
    public KeyEncryption(byte[] kek) {
        if (kek == null || kek.length != 32) {
            throw new IllegalArgumentException("the key-encryption key must be 32 bytes (AES-256)");
        }
        this.kek = new SecretKeySpec(kek.clone(), "AES");
    }

    /**
     * Loads the KEK from {@code base64} if set, else from {@code file}; when neither exists and {@code create} is
     * true, writes a new random KEK to {@code file} with owner-only permissions.
     *
     * @throws IllegalStateException when no KEK can be found or made, or it is malformed
     */
    public static KeyEncryption load(String base64, Path file, boolean create) {
        try {
            if (base64 != null && !base64.isBlank()) {
                return new KeyEncryption(Base64.getDecoder().decode(base64.trim()));
            }
            if (file != null && Files.exists(file)) {
                return new KeyEncryption(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim()));
            }
            if (file != null && create) {
                byte[] kek = new byte[32];
                RANDOM.nextBytes(kek);
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                Files.writeString(file, Base64.getEncoder().encodeToString(kek), StandardCharsets.US_ASCII);
                try {
                    Files.setPosixFilePermissions(file, Set.copyOf(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException ignored) {
                    // Not a POSIX file system: permissions are the platform's default.
                }
                return new KeyEncryption(kek);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the issuer key-encryption key: " + e.getClass().getSimpleName());
        }
        throw new IllegalStateException("no issuer key-encryption key: set accord.issuer.kek or accord.issuer.kek-file");
    }

    /** Seals {@code plaintext} for the key {@code kid}. */
    public byte[] seal(String kid, byte[] plaintext) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(128, nonce));
            c.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plaintext);
            byte[] out = new byte[1 + nonce.length + ct.length];
            out[0] = VERSION;
            System.arraycopy(nonce, 0, out, 1, nonce.length);
            System.arraycopy(ct, 0, out, 1 + nonce.length, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    /**
     * Opens a sealed key.
     *
     * @throws IllegalStateException if the blob is malformed, was sealed for another kid or under another KEK
     */
    public byte[] open(String kid, byte[] sealed) {
        if (sealed == null || sealed.length < 1 + 12 + 16 || sealed[0] != VERSION) {
            throw new IllegalStateException("sealed key for kid " + kid + " is malformed");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, Arrays.copyOfRange(sealed, 1, 13)));
            c.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(sealed, 13, sealed.length - 13);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("sealed key for kid " + kid + " does not open under this KEK (wrong KEK or tampered row)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("opening the sealed key for kid " + kid + " failed");
        }
    }

    @Override
    public String toString() {
        return "KeyEncryption[AES-256-GCM, kek=<redacted>]";
    }
}
