package org.bulletinboard.net;

/** No reply came within the whole retry budget of a request. */
public class RequestTimeoutException extends Exception {
    public RequestTimeoutException(String message) {
        super(message);
    }
}
