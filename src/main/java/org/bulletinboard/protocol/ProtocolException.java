package org.bulletinboard.protocol;

/** A request that cannot be served as sent; the message is the description put in the {@code erro} reply. */
public class ProtocolException extends Exception {
    public ProtocolException(String description) {
        super(description);
    }

    public ProtocolException(String description, Throwable cause) {
        super(description, cause);
    }
}
