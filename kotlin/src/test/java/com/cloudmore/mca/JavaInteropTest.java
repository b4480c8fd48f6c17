package com.cloudmore.mca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudmore.mca.model.Attestation;
import com.cloudmore.mca.model.AttestationStarted;
import com.cloudmore.mca.model.AttestationStatus;
import com.cloudmore.mca.model.ClientOptions;
import com.cloudmore.mca.model.EnsureAcceptedOptions;
import com.cloudmore.mca.model.ErrorKind;
import com.cloudmore.mca.model.EnsureOutcome;
import com.cloudmore.mca.model.EnsureStatus;
import com.cloudmore.mca.model.RefreshOutcome;
import com.cloudmore.mca.model.Signer;
import com.cloudmore.mca.model.StartAttestation;
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
        // Only the required members; the rest take the core's defaults (no default is restated).
        ClientOptions options = McaOptions.clientOptions(sandbox.getUrl(), "5d1c0b9e-7f0a-4b8e-9a34-2f1e6c7d8a90");
        options.setCredentials(McaOptions.credentials("sandbox", "sandbox"));
        assertNull(options.getCredentials().getClientAuth());
        assertNull(options.getRequestTimeoutMs());
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
                            org, input(), new EnsureAcceptedOptions(false, null, null, 50L, 50L, null));
            assertEquals(EnsureStatus.PENDING, outcome.getStatus());
            assertEquals(started.getAttestationId(), outcome.getAttestationId());

            McaException e = assertThrows(McaException.class, () -> client.getAcceptance("not-a-guid"));
            assertEquals(ErrorKind.INVALID, e.getKind());
            assertEquals("/organizationId", e.getView().getViolations().get(0).getPointer());
            assertNull(e.getView().getStatus());
        }
    }

    @Test
    void badBaseUrlIsConfigError() {
        ClientOptions options = new ClientOptions("ftp://example.com", "5d1c0b9e-7f0a-4b8e-9a34-2f1e6c7d8a90", null, null, null, null, null, null, null);
        McaException e = assertThrows(McaException.class, () -> new McaBlockingClient(options));
        assertEquals(ErrorKind.CONFIG, e.getKind());
        assertEquals(e.getView().getMessage(), e.getMessage());
    }
}
