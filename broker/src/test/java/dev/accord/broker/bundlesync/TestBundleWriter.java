package dev.accord.broker.bundlesync;

import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import io.micronaut.context.ApplicationContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Stores a member's bundle directly, for tests about serving rather than fetching. */
public final class TestBundleWriter {

    private TestBundleWriter() {
    }

    public static void store(ApplicationContext ctx, SpiffeBundle b) {
        ctx.getBean(BundleRepositories.MemberBundles.class).save(new MemberBundleRow(b.trustDomain().name(),
                new String(b.marshal(), StandardCharsets.UTF_8), b.sequence().isPresent() ? b.sequence().getAsLong() : null,
                b.digest(), Instant.now())).block();
        ctx.getBean(BundleStore.class).reload();
    }
}
