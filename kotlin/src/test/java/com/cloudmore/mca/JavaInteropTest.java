package com.cloudmore.mca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudmore.mca.model.Attestation;
import com.cloudmore.mca.model.AttestationStarted;
import com.cloudmore.mca.model.AttestationStatus;
import com.cloudmore.mca.model.EnsureOutcome;
import com.cloudmore.mca.model.EnsureStatus;
import com.cloudmore.mca.model.RefreshOutcome;
import com.cloudmore.mca.model.Signer;
import com.cloudmore.mca.model.StartAttestation;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The blocking API as a Java caller sees it, against the sandbox. */
class JavaInteropTest {
    private static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.Companion.start();
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) sandbox.close();
    }

    private static StartAttestation input() {
        return new StartAttestation(
                new Signer("Ada", "Lovelace", "ada.lovelace@example.com", "+46 70 123 45 67"),
                "sv-se",
                "se",
                Instant.now().minusSeconds(60).toString());
    }

    @Test
    void blockingClientFromJava() {
        McaClientOptions options =
                new McaClientOptions(sandbox.getUrl(), "5d1c0b9e-7f0a-4b8e-9a34-2f1e6c7d8a90", McaAuth.password("sandbox", "sandbox"));
        String org = UUID.randomUUID().toString();
        try (McaBlockingClient client = new McaBlockingClient(options)) {
            assertNull(client.getAttestation(org));

            AttestationStarted started = client.startAttestation(org, input());
            Attestation pending = client.getAttestation(org);
            assertNotNull(pending);
            assertEquals(started.getAttestationId(), pending.getAttestationId());
            assertEquals(AttestationStatus.PENDING_AGREEMENT_ACCEPTANCE, pending.getStatus());

            assertEquals(RefreshOutcome.Started.INSTANCE, client.refreshAcceptance(org));

            // ensureAccepted without waiting: the ongoing attestation is reused.
            EnsureOutcome outcome =
                    client.ensureAccepted(
                            org, input(), McaOptions.ensure(false, McaOptions.poll(Duration.ofMillis(50), Duration.ofMillis(50))));
            assertEquals(EnsureStatus.PENDING, outcome.getStatus());
            assertEquals(started.getAttestationId(), outcome.getAttestationId());

            McaException e = assertThrows(McaException.class, () -> client.getAcceptance("not-a-guid"));
            assertEquals("invalid", e.getKind());
            assertEquals("/organizationId", e.getViolations().get(0).getPointer());
            assertNull(e.getStatus());
        }
    }

    @Test
    void badBaseUrlIsConfigError() {
        McaClientOptions options = new McaClientOptions("ftp://example.com", "5d1c0b9e-7f0a-4b8e-9a34-2f1e6c7d8a90", McaAuth.none());
        McaException e = assertThrows(McaException.class, () -> new McaBlockingClient(options));
        assertEquals("config", e.getKind());
        assertTrue(e.getMessage().contains("configuration error"), e.getMessage());
    }
}
