package kmsconform;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileInputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.http.urlconnection.ProxyConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * The AWS SDK for Java v2 driver of kmsconform's driver contract (clients/README.md): one KMS call as
 * JSON on stdin, its outcome as JSON on stdout. Request and response members are mapped through the
 * SDK's own model (SdkPojo fields), so every KMS operation works without code of its own here.
 */
public final class Driver {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request the driver cannot run: exit status 2. */
    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        int status;
        try {
            Map<?, ?> req = JSON.readValue(System.in, Map.class);
            Map<String, Object> out = call(req);
            System.out.println(JSON.writeValueAsString(out));
            status = 0;
        } catch (BadRequest e) {
            System.err.println("java driver: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            System.err.println("java driver: " + e);
            status = 1;
        }
        System.exit(status);
    }

    static Map<String, Object> call(Map<?, ?> req) throws Exception {
        String operation = String.valueOf(req.get("operation"));
        Method method = operationMethod(operation);
        Object input = toRequest(method.getParameterTypes()[0], asMap(req.get("input")));

        AtomicInteger attempts = new AtomicInteger();
        KmsClient client = client(req, attempts);
        long start = System.nanoTime();
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Object response = method.invoke(client, input);
            out.put("ok", true);
            out.put("output", fromPojo((SdkPojo) response));
        } catch (InvocationTargetException ite) {
            out.put("ok", false);
            out.put("error", error(ite.getCause()));
        } finally {
            client.close();
        }
        out.put("attempts", attempts.get());
        out.put("durationMs", (System.nanoTime() - start) / 1e6);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", "aws-sdk-java-v2");
        info.put("version", VersionInfo.SDK_VERSION);
        info.put("java", System.getProperty("java.version"));
        out.put("client", info);
        return out;
    }

    private static Method operationMethod(String operation) throws BadRequest {
        if (operation.isEmpty()) {
            throw new BadRequest("unknown KMS operation \"\"");
        }
        String name = Character.toLowerCase(operation.charAt(0)) + operation.substring(1);
        for (Method m : KmsClient.class.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1
                && SdkPojo.class.isAssignableFrom(m.getParameterTypes()[0])
                && m.getParameterTypes()[0].getSimpleName().equals(operation + "Request")) {
                return m;
            }
        }
        throw new BadRequest("unknown KMS operation \"" + operation + "\"");
    }

    private static KmsClient client(Map<?, ?> req, AtomicInteger attempts) throws Exception {
        int timeoutMs = req.get("timeoutMs") instanceof Number n ? n.intValue() : 0;
        UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder();
        // HTTPS_PROXY as the other clients read it (the SDK's own environment lookup picks the
        // variable by the proxy's scheme, not the endpoint's).
        String proxy = firstNonEmpty(System.getenv("HTTPS_PROXY"), System.getenv("https_proxy"));
        ProxyConfiguration.Builder proxyConfig = ProxyConfiguration.builder()
            .useEnvironmentVariablesValues(false).useSystemPropertyValues(false);
        if (proxy != null) {
            proxyConfig.endpoint(URI.create(proxy));
        }
        http.proxyConfiguration(proxyConfig.build());
        if (timeoutMs > 0) {
            http.socketTimeout(Duration.ofMillis(timeoutMs)).connectionTimeout(Duration.ofMillis(timeoutMs));
        }
        String caBundle = System.getenv("AWS_CA_BUNDLE");
        if (caBundle != null && !caBundle.isEmpty()) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore(caBundle));
            http.tlsTrustManagersProvider(tmf::getTrustManagers);
        }
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
            .addExecutionInterceptor(new ExecutionInterceptor() {
                @Override
                public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
                    attempts.incrementAndGet();
                }
            });
        Map<?, ?> retry = asMap(req.get("retry"));
        String mode = retry.get("mode") instanceof String s ? s : "";
        int maxAttempts = retry.get("maxAttempts") instanceof Number n ? n.intValue() : 0;
        if (!mode.isEmpty() || maxAttempts > 0) {
            RetryMode retryMode = mode.isEmpty() ? RetryMode.defaultRetryMode() : RetryMode.valueOf(mode.toUpperCase());
            RetryStrategy strategy = AwsRetryStrategy.forRetryMode(retryMode);
            if (maxAttempts > 0) {
                strategy = strategy.toBuilder().maxAttempts(maxAttempts).build();
            }
            override.retryStrategy(strategy);
        }
        KmsClientBuilder b = KmsClient.builder()
            .httpClientBuilder(http)
            .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
            .overrideConfiguration(override.build());
        if (req.get("region") instanceof String region && !region.isEmpty()) {
            b.region(Region.of(region));
        }
        if (req.get("endpoint") instanceof String endpoint && !endpoint.isEmpty()) {
            b.endpointOverride(URI.create(endpoint));
        }
        return b.build();
    }

    private static KeyStore trustStore(String pemFile) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = new FileInputStream(pemFile)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
        }
        return ks;
    }

    private static Map<String, Object> error(Throwable t) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (t instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            // A response that names no code (a bare 429, an HTML 503) keeps the SDK's exception name.
            String code = ase.awsErrorDetails().errorCode();
            e.put("code", code == null || code.isEmpty() ? ase.getClass().getSimpleName() : code);
            e.put("message", String.valueOf(ase.awsErrorDetails().errorMessage()));
            if (ase.statusCode() != 0) {
                e.put("httpStatus", ase.statusCode());
            }
        } else {
            // No KMS answer: the innermost cause names the failure (SocketTimeoutException, SocketException, ...).
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            e.put("code", root.getClass().getSimpleName());
            e.put("message", String.valueOf(t.getMessage()));
        }
        if (t instanceof SdkException se) {
            e.put("retryable", se.retryable());
        }
        return e;
    }

    // ---- wire JSON <-> SDK model -------------------------------------------------------------

    private static Object toRequest(Class<?> type, Map<?, ?> input) throws Exception {
        Object builder = type.getMethod("builder").invoke(null);
        fill((SdkPojo) builder, input, type.getSimpleName());
        return ((SdkBuilder<?, ?>) builder).build();
    }

    private static void fill(SdkPojo builder, Map<?, ?> members, String typeName) throws BadRequest {
        Map<String, SdkField<?>> fields = new LinkedHashMap<>();
        for (SdkField<?> f : builder.sdkFields()) {
            fields.put(f.locationName(), f);
        }
        for (Map.Entry<?, ?> m : members.entrySet()) {
            SdkField<?> f = fields.get(String.valueOf(m.getKey()));
            if (f == null) {
                throw new BadRequest(typeName + " has no member \"" + m.getKey() + "\"");
            }
            f.set(builder, toModel(f, m.getValue()));
        }
    }

    private static Object toModel(SdkField<?> f, Object v) throws BadRequest {
        if (v == null) {
            return null;
        }
        MarshallingType<?> t = f.marshallingType();
        if (t == MarshallingType.SDK_BYTES) {
            return SdkBytes.fromByteArray(Base64.getDecoder().decode(String.valueOf(v)));
        } else if (t == MarshallingType.INSTANT) {
            return Instant.ofEpochMilli(Math.round(((Number) v).doubleValue() * 1000));
        } else if (t == MarshallingType.INTEGER) {
            return ((Number) v).intValue();
        } else if (t == MarshallingType.LONG) {
            return ((Number) v).longValue();
        } else if (t == MarshallingType.LIST) {
            SdkField<?> member = f.getTrait(ListTrait.class).memberFieldInfo();
            List<Object> out = new ArrayList<>();
            for (Object e : (List<?>) v) {
                out.add(toModel(member, e));
            }
            return out;
        } else if (t == MarshallingType.MAP) {
            SdkField<?> value = f.getTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                out.put(String.valueOf(e.getKey()), toModel(value, e.getValue()));
            }
            return out;
        } else if (t == MarshallingType.SDK_POJO) {
            SdkPojo nested = f.constructor().get();
            fill(nested, asMap(v), f.memberName());
            return ((SdkBuilder<?, ?>) nested).build();
        }
        return v; // strings (enums included), booleans, doubles
    }

    private static Map<String, Object> fromPojo(SdkPojo pojo) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SdkField<?> f : pojo.sdkFields()) {
            Object v = fromModel(f.getValueOrDefault(pojo));
            if (v != null) {
                out.put(f.locationName(), v);
            }
        }
        return out;
    }

    private static Object fromModel(Object v) {
        if (v instanceof SdkBytes b) {
            return Base64.getEncoder().encodeToString(b.asByteArray());
        } else if (v instanceof Instant i) {
            return i.toEpochMilli() / 1000.0;
        } else if (v instanceof SdkPojo p) {
            return fromPojo(p);
        } else if (v instanceof List<?> l) {
            // The SDK gives an absent list as an auto-construct empty list: leave it out as the wire does.
            if (l instanceof software.amazon.awssdk.core.util.SdkAutoConstructList) {
                return null;
            }
            List<Object> out = new ArrayList<>();
            for (Object e : l) {
                out.add(fromModel(e));
            }
            return out;
        } else if (v instanceof Map<?, ?> m) {
            if (m instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap) {
                return null;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), fromModel(e.getValue()));
            }
            return out;
        }
        return v;
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    private static Map<?, ?> asMap(Object v) {
        return v instanceof Map<?, ?> m ? m : Map.of();
    }
}
