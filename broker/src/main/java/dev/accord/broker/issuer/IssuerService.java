package dev.accord.broker.issuer;

import dev.accord.broker.support.Jdbc;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * IssuerService owns the broker's signing keys: it loads the ring at start (creating it on first start),
 * reloads it on every replica so a next key published by one is seen by all, rotates on schedule or on demand
 * under a database lock, and signs through {@link #tokenIssuer()}.
 */
@Context
public class IssuerService {

    private static final Logger LOG = LoggerFactory.getLogger(IssuerService.class);

    private final IssuerConfig config;
    private final DataSource ds;
    private final Clock clock;
    private final SigningKeyRepository repo;
    private final AtomicReference<KeyRing> ring = new AtomicReference<>(new KeyRing(List.of()));
    private final TokenIssuer issuer;

    public IssuerService(IssuerConfig config, DataSource ds) {
        this(config, ds, Clock.systemUTC());
    }

    IssuerService(IssuerConfig config, DataSource ds, Clock clock) {
        this.config = config;
        this.ds = ds;
        this.clock = clock;
        if (config.kek() == null && config.kekCreate()) {
            LOG.warn("accord.issuer.kek is not set: issuer private keys are sealed with a key-encryption key kept in {}."
                    + " Set ACCORD_ISSUER_KEK (base64, 32 bytes) from a secret store in production.", config.kekFile());
        }
        this.repo = new SigningKeyRepository(KeyEncryption.load(config.kek(), Path.of(config.kekFile()), config.kekCreate()));
        this.issuer = new TokenIssuer(config.url(), ring::get, clock);
        if (!config.url().startsWith("https://")) {
            LOG.warn("accord.issuer.url {} is not https: AWS, GCP and Entra ID only trust https issuers", config.url());
        }
    }

    @PostConstruct
    void start() {
        KeyRing loaded = Jdbc.inTransaction(ds, c -> {
            Jdbc.lockRow(c, "issuer_lock");
            KeyRing r = new KeyRing(repo.loadAll(c));
            boolean changed = false;
            for (String alg : config.algorithms()) {
                if (r.active(alg).isEmpty()) {
                    Instant now = clock.instant();
                    List<SigningKey> keys = new java.util.ArrayList<>(r.keys());
                    keys.addAll(KeyRing.bootstrap(List.of(alg), now).keys());
                    r = new KeyRing(keys);
                    changed = true;
                }
            }
            if (changed) {
                repo.save(c, r);
            }
            return r;
        });
        ring.set(loaded);
        LOG.info("issuer {} ready with keys {}", config.url(), loaded.published(clock.instant()).stream()
                .map(k -> k.kid() + "/" + k.state()).toList());
    }

    /** Reloads the ring and performs any rotation that has come due. */
    @Scheduled(fixedDelay = "${accord.issuer.reload-interval:30s}", initialDelay = "${accord.issuer.reload-interval:30s}")
    void tick() {
        try {
            for (String alg : config.algorithms()) {
                if (ring.get().rotationDue(alg, clock.instant(), config.rotationPeriod())) {
                    rotateIfDue(alg);
                }
            }
            reload();
        } catch (RuntimeException e) {
            LOG.warn("issuer key reload failed; keeping the current ring: {}", e.getMessage());
        }
    }

    /**
     * Reloads the ring from the database. Serialised, and used after an on-demand rotation too, so a scheduled reload
     * that read the keys before the rotation committed cannot publish the older ring after the newer one.
     */
    public synchronized KeyRing reload() {
        KeyRing r = Jdbc.inTransaction(ds, c -> new KeyRing(repo.loadAll(c)));
        ring.set(r);
        return r;
    }

    private void rotateIfDue(String alg) {
        Jdbc.inTransaction(ds, c -> {
            Jdbc.lockRow(c, "issuer_lock");
            KeyRing current = new KeyRing(repo.loadAll(c));
            Instant now = clock.instant();
            if (!current.rotationDue(alg, now, config.rotationPeriod())) {
                return current;
            }
            try {
                KeyRing next = current.rotate(alg, now, config.retainFor(), config.prePublish());
                repo.save(c, next);
                LOG.info("scheduled rotation of {}: {} now signs", alg, next.active(alg).map(SigningKey::kid).orElse("?"));
                return next;
            } catch (KeyRing.RotationException e) {
                LOG.info("scheduled rotation of {} deferred: {}", alg, e.getMessage());
                return current;
            }
        });
    }

    /**
     * Rotates {@code alg} now.
     *
     * @throws KeyRing.RotationException if the next key has not been published for {@code prePublish} yet
     * @throws IllegalArgumentException for an algorithm the issuer does not use
     */
    public KeyRing rotate(String alg) {
        if (!config.algorithms().contains(alg)) {
            throw new IllegalArgumentException("the issuer does not sign with " + alg + "; it uses " + config.algorithms());
        }
        KeyRing next = Jdbc.inTransaction(ds, c -> {
            Jdbc.lockRow(c, "issuer_lock");
            KeyRing r = new KeyRing(repo.loadAll(c)).rotate(alg, clock.instant(), config.retainFor(), config.prePublish());
            repo.save(c, r);
            return r;
        });
        reload();
        LOG.info("on-demand rotation of {}: {} now signs", alg, next.active(alg).map(SigningKey::kid).orElse("?"));
        return next;
    }

    public KeyRing ring() {
        return ring.get();
    }

    public TokenIssuer tokenIssuer() {
        return issuer;
    }

    public IssuerConfig config() {
        return config;
    }

    public Instant now() {
        return clock.instant();
    }
}
