package dev.accord.broker.mapping;

/** Thrown when a mapping or its target breaks a validation rule; {@link #field()} names the offending field. */
public final class MappingException extends RuntimeException {

    private final String field;

    public MappingException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
