package org.bulletinboard.support;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.MsgPackCodec;
import org.bulletinboard.protocol.ProtocolException;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** A bare REQ socket that sends exactly the bytes it is given, as another team's client (or a broken one) would. */
public final class RawClient implements AutoCloseable {
    private final ZContext context = new ZContext();
    private final ZMQ.Socket socket;

    public RawClient(String endpoint) {
        socket = context.createSocket(SocketType.REQ);
        socket.setLinger(0);
        socket.setReceiveTimeOut(5_000);
        socket.connect(endpoint);
    }

    public Envelope send(byte[] frame) {
        socket.send(frame, 0);
        byte[] reply = socket.recv(0);
        assertNotNull(reply, "no reply within 5 s");
        try {
            return Envelope.decode(reply);
        } catch (ProtocolException e) {
            throw new AssertionError("reply is not a valid envelope: " + e.getMessage(), e);
        }
    }

    public Envelope send(Object value) {
        return send(MsgPackCodec.encode(value));
    }

    public Envelope call(String service, Map<String, Object> data) {
        return send(Map.of("service", service, "data", data));
    }

    @Override
    public void close() {
        context.close();
    }
}
