package org.bulletinboard.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One frame of the wire protocol: {@code {"service": S, "data": {...}}}. */
public record Envelope(String service, Map<String, Object> data) {

    public Envelope {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public byte[] encode() {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("service", service);
        frame.put("data", data);
        return MsgPackCodec.encode(frame);
    }

    /**
     * The frame of a publication: {@code {"service": S, "data": {...}}} as always, and beside them a copy of every
     * data field at the top level ({@code user}, {@code message}, {@code clock}...). The course text leaves the
     * publication's shape open and some subscribers read the fields there; readers of {@code data}, ours
     * included, see no difference. A data field named {@code service} or {@code data} is not copied.
     */
    public byte[] encodeForSubscribers() {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("service", service);
        frame.put("data", data);
        data.forEach(frame::putIfAbsent);
        return MsgPackCodec.encode(frame);
    }

    /**
     * Decodes and checks the frame's shape. A missing {@code data} is read as an empty map, since the
     * services without parameters are sometimes sent bare.
     */
    public static Envelope decode(byte[] frame) throws ProtocolException {
        Object decoded = MsgPackCodec.decode(frame);
        if (!(decoded instanceof Map<?, ?> map)) {
            throw new ProtocolException("payload must be a map {service, data}, got " + Fields.typeName(decoded));
        }
        Object service = map.get("service");
        if (service == null) {
            throw new ProtocolException("missing field 'service'");
        }
        if (!(service instanceof String name) || name.isEmpty()) {
            throw new ProtocolException("field 'service' must be a non-empty string, got " + Fields.typeName(service));
        }
        if (name.length() > Fields.MAX_NAME_LENGTH) {
            // Replies echo the service: a long one could make a reply too large to deliver.
            throw new ProtocolException("field 'service' is longer than " + Fields.MAX_NAME_LENGTH + " characters");
        }
        Object data = map.get("data");
        if (data == null) {
            return new Envelope(name, Map.of());
        }
        if (!(data instanceof Map<?, ?> dataMap)) {
            throw new ProtocolException("field 'data' must be a map, got " + Fields.typeName(data));
        }
        for (Object key : dataMap.keySet()) {
            if (!(key instanceof String)) {
                throw new ProtocolException("keys of 'data' must be strings, got " + Fields.typeName(key));
            }
        }
        @SuppressWarnings("unchecked") // every key was just checked; the constructor copies the map
        Map<String, Object> fields = (Map<String, Object>) dataMap;
        return new Envelope(name, fields);
    }

    /** The service name to answer on when a frame could not even be decoded. */
    public static String serviceOrError(byte[] frame) {
        try {
            Object decoded = MsgPackCodec.decode(frame);
            if (decoded instanceof Map<?, ?> map && map.get("service") instanceof String s && !s.isEmpty()
                    && s.length() <= Fields.MAX_NAME_LENGTH) {
                return s;
            }
        } catch (ProtocolException ignored) {
            // an undecodable frame is answered on the generic error service
        }
        return Services.ERROR;
    }
}
