package dev.accord.broker;

import io.micronaut.runtime.Micronaut;

/** Starts the Accord broker. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
