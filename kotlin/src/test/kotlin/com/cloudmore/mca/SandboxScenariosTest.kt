package com.cloudmore.mca

import com.cloudmore.mca.model.AddCspService
import com.cloudmore.mca.model.AttestationStatus
import com.cloudmore.mca.model.EnsureAcceptedOptions
import com.cloudmore.mca.model.EnsureStatus
import com.cloudmore.mca.model.ErrorKind
import com.cloudmore.mca.model.FlowEvent
import com.cloudmore.mca.model.FlowKind
import com.cloudmore.mca.model.Header
import com.cloudmore.mca.model.HttpRequest
import com.cloudmore.mca.model.HttpResponse
import com.cloudmore.mca.model.PartnerAttestation
import com.cloudmore.mca.model.RefreshOutcome
import com.cloudmore.mca.model.Signer
import com.cloudmore.mca.model.WaitOptions
import com.cloudmore.mca.model.WaitStatus
import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.time.Duration
import java.time.Instant
import java.util.Collections
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import java.net.http.HttpRequest as JdkRequest
import java.net.http.HttpResponse as JdkResponse

/**
 * Scenarios against the sandbox binary, the same names as the npm and Python suites; each runs
 * through the suspend client and the blocking client.
 */
class SandboxScenariosTest {
    companion object {
        private lateinit var sandbox: Sandbox
        private lateinit var shortTokens: Sandbox

        @JvmStatic
        @BeforeAll
        fun start() {
            sandbox = Sandbox.start()
            shortTokens = Sandbox.start("--token-ttl", "2")
        }

        @JvmStatic
        @AfterAll
        fun stop() {
            if (this::sandbox.isInitialized) sandbox.close()
            if (this::shortTokens.isInitialized) shortTokens.close()
        }
    }

    private fun poll() = EnsureAcceptedOptions(pollIntervalMs = 50, maxPollIntervalMs = 50, deadlineMs = 10_000)

    private fun options(s: Sandbox = sandbox, auth: TestAuth = sandboxAuth()) = auth.options(s.url)

    private fun client(
        mode: String,
        s: Sandbox = sandbox,
        auth: TestAuth = sandboxAuth(),
        listener: McaEventListener? = null,
        transport: BlockingHttpTransport = HttpUrlConnectionTransport(),
        suspendTransport: HttpTransport? = null,
    ): Api = api(mode, options(s, auth), transport, null, listener, suspendTransport)

    /** The default transport, recording every request it sends. */
    private class Recording {
        val seen: MutableList<HttpRequest> = Collections.synchronizedList(mutableListOf())
        private val base = HttpUrlConnectionTransport()
        val blocking = BlockingHttpTransport { seen += it; base.send(it) }

        fun count(suffix: String) = seen.count { it.url.endsWith(suffix) }
    }

    /** What a signer does: open the agreement link and press Accept (the page's form POST). */
    private fun acceptAsSigner(link: String) {
        val (status, html) = Sandbox.http("GET", link, null)
        assertEquals(200, status)
        val action = Regex("<form method=\"post\" action=\"([^\"]+)\"").find(html)?.groupValues?.get(1)
        assertNotNull(action, "the agreement page has an Accept form")
        assertTrue(html.contains("Accept</button>"))
        val (accepted, _) = Sandbox.http("POST", URI(link).resolve(action!!).toString(), "", form = true)
        assertEquals(200, accepted)
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun manual_flow_end_to_end(mode: String) = runBlocking {
        val org = newOrg()
        client(mode).use { c ->
            val started = c.startAttestation(org, startInput())
            assertTrue(Regex("^[0-9a-f-]{36}$").matches(started.attestationId))
            assertTrue(started.expiresAt.isAfter(Instant.now()))
            val pending = c.getAttestation(org)!!
            assertEquals(started.attestationId, pending.attestationId)
            assertEquals(AttestationStatus.PENDING_AGREEMENT_ACCEPTANCE, pending.status)
            assertEquals("sv-SE", pending.mcaInfo.language)
            assertEquals("SE", pending.mcaInfo.country)
            acceptAsSigner(started.agreementLink)
            val waited = c.waitForSignature(org, WaitOptions(pollIntervalMs = 50, maxPollIntervalMs = 50, deadlineMs = 10_000))
            assertEquals(WaitStatus.SIGNED, waited.status)
            assertEquals(AttestationStatus.PENDING_FINALIZATION, waited.attestation.status)
            c.finalizeAttestation(org)
            val acceptance = c.getAcceptance(org)
            assertTrue(acceptance.accepted)
            assertEquals(listOf("PartnerAttestation"), acceptance.acceptedVia)
            assertEquals("Lovelace", acceptance.partnerAttestation?.signer?.lastName)
            assertEquals(1, sandbox.count(org, "start_attestation"))
            assertEquals(1, sandbox.count(org, "finalize_attestation"))
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun ensure_accepted_reuses_ongoing_attestation(mode: String) = runBlocking {
        val org = newOrg()
        val events = Collections.synchronizedList(mutableListOf<String>())
        val listener =
            McaEventListener { e ->
                events += eventType(e)
                // The signer accepts once the flow has picked the attestation up.
                if (e is FlowEvent.AttestationReused) sandbox.admin("/_sandbox/orgs/$org/sign")
            }
        client(mode, listener = listener).use { c ->
            val started = c.startAttestation(org, startInput())
            val outcome = c.ensureAccepted(org, startInput(), poll())
            assertEquals(EnsureStatus.ACCEPTED, outcome.status)
            assertEquals(started.attestationId, outcome.attestationId)
            assertEquals(started.attestationId, outcome.evidence?.attestationId)
            assertTrue("attestation_reused" in events, events.toString())
            assertFalse("attestation_started" in events, events.toString())
            assertEquals(listOf("signed", "finalized", "confirmed"), events.takeLast(3))
            assertEquals(1, sandbox.count(org, "start_attestation"), "no second start")
            val again = c.ensureAccepted(org, startInput(), poll())
            assertEquals(EnsureStatus.ALREADY_ACCEPTED, again.status)
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun automatic_flow_via_add_csp_service(mode: String) = runBlocking {
        val org = newOrg()
        client(mode).use { c ->
            val input =
                AddCspService(
                    id = null, currencyCode = "sek", organizationNumber = null, contactEmail = "it@contoso.example",
                    contactFirstName = null, contactLastName = null, contactPhone = null, city = null, address = null,
                    postalCode = null, domainPrefix = "contoso",
                    partnerAttestation =
                        PartnerAttestation(
                            automaticFlow = true,
                            signer = Signer("Grace", "Hopper", "grace@contoso.example", "+1 555 123 4567"),
                            language = null,
                            country = "us",
                            acceptanceDate = Instant.now().minusSeconds(3600).toString(),
                        ),
                )
            val added = c.addCspService(org, input)
            assertTrue(added.status.toInt() in 200..299)
            assertEquals(FlowKind.AUTOMATIC, added.evidence?.flow)
            assertEquals("US", added.evidence?.country)
            val acceptance = c.getAcceptance(org)
            assertTrue(acceptance.accepted)
            assertTrue("PartnerAttestation" in acceptance.acceptedVia)
            assertEquals(0, sandbox.count(org, "start_attestation"))
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun get_attestation_404_is_none(mode: String) = runBlocking {
        val org = newOrg()
        client(mode).use { c -> assertNull(c.getAttestation(org)) }
        assertEquals(1, sandbox.count(org, "get_attestation"))
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun refresh_429_is_already_running(mode: String) = runBlocking {
        val org = newOrg()
        client(mode).use { c ->
            assertEquals(RefreshOutcome.Started, c.refreshAcceptance(org))
            val second = c.refreshAcceptance(org)
            assertTrue(second is RefreshOutcome.AlreadyRunning, second.toString())
            val ms = (second as RefreshOutcome.AlreadyRunning).retryAfter?.toMillis() ?: 0
            assertTrue(ms in 1..5000, "retryAfter $ms ms")
        }
        assertEquals(2, sandbox.count(org, "refresh_acceptance"), "a 429 here is a value, not retried")
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun validation_error_sends_no_request(mode: String) = runBlocking {
        val org = newOrg()
        val rec = Recording()
        client(mode, transport = rec.blocking).use { c ->
            val bad = startInput(Signer(" ", "L", "not-an-email", "123"), country = "XX")
            val e = expectMca { runBlocking { c.startAttestation(org, bad) } }
            assertEquals(ErrorKind.INVALID, e.kind)
            assertEquals(listOf("/signer/firstName", "/signer/emailAddress", "/signer/phoneNumber", "/country"), e.view.violations.map { it.pointer })
            val badOrg = expectMca { runBlocking { c.getAttestation("not-a-guid") } }
            assertEquals(ErrorKind.INVALID, badOrg.kind)
            assertEquals("/organizationId", badOrg.view.violations[0].pointer)
        }
        assertEquals(0, rec.seen.size, "not even a token request")
        assertEquals(0, sandbox.requests(org).keySet().sumOf { sandbox.requests(org).getInt(it) })
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun fault_status_503_is_retried(mode: String) = runBlocking {
        val org = newOrg()
        sandbox.fault("get_attestation", org, "status") { put("status", 503) }
        client(mode).use { c -> assertNull(c.getAttestation(org)) }
        assertEquals(2, sandbox.count(org, "get_attestation"), "one 503, then the retry")
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun fault_delay_is_tolerated(mode: String) = runBlocking {
        val org = newOrg()
        sandbox.fault("get_acceptance", org, "delay") { put("delayMs", 400) }
        client(mode).use { c ->
            val t0 = System.nanoTime()
            val acceptance = c.getAcceptance(org)
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 390, "the answer came late")
            assertFalse(acceptance.accepted)
        }
        assertEquals(1, sandbox.count(org, "get_acceptance"))
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun fault_truncated_body_is_decode_error(mode: String) = runBlocking {
        val org = newOrg()
        sandbox.fault("start_attestation", org, "truncated")
        client(mode).use { c ->
            val e = expectMca { runBlocking { c.startAttestation(org, startInput()) } }
            assertEquals(ErrorKind.DECODE, e.kind)
            assertEquals(200, e.view.status)
        }
        assertEquals(1, sandbox.count(org, "start_attestation"), "a start is never retried blindly")
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun fault_html_page_is_api_error(mode: String) = runBlocking {
        val org = newOrg()
        sandbox.fault("get_acceptance", org, "html") { put("status", 500) }
        client(mode).use { c ->
            val e = expectMca { runBlocking { c.getAcceptance(org) } }
            assertEquals(ErrorKind.API, e.kind)
            assertEquals(500, e.view.status)
            assertTrue(e.view.title?.contains("500") == true, "title ${e.view.title}")
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun fault_legacy_body_is_api_error(mode: String) = runBlocking {
        val org = newOrg()
        sandbox.fault("start_attestation", org, "legacy") { put("status", 400) }
        client(mode).use { c ->
            val e = expectMca { runBlocking { c.startAttestation(org, startInput()) } }
            assertEquals(ErrorKind.API, e.kind)
            assertEquals(400, e.view.status)
            assertEquals("InjectedFault", e.view.code)
            assertEquals("Injected legacy error", e.view.detail)
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun fault_drop_is_transport_error(mode: String) = runBlocking {
        val org = newOrg()
        sandbox.fault("start_attestation", org, "drop")
        client(mode).use { c ->
            val e = expectMca { runBlocking { c.startAttestation(org, startInput()) } }
            assertEquals(ErrorKind.TRANSPORT, e.kind)
            assertNull(e.view.status)
        }
        assertEquals(1, sandbox.count(org, "start_attestation"))
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun token_renewal_after_expiry(mode: String) = runBlocking {
        val org = newOrg()
        val rec = Recording()
        client(mode, s = shortTokens, transport = rec.blocking).use { c ->
            c.getAcceptance(org)
            c.getAcceptance(org)
            assertEquals(1, rec.count("/connect/token"), "the token is cached")
            Thread.sleep(2_500)
            c.getAcceptance(org)
            assertEquals(2, rec.count("/connect/token"), "renewed after expiry")
            // A 401 renews once and repeats the request.
            shortTokens.fault("get_acceptance", org, "status") { put("status", 401) }
            assertFalse(c.getAcceptance(org).accepted)
            assertEquals(3, rec.count("/connect/token"), "one renewal after the 401")
        }
        assertEquals(5, shortTokens.count(org, "get_acceptance"))
    }

    /** A transport written by the user on java.net.http (JVM only), not the SDK's default. */
    private class JdkTransport(val log: MutableList<String>) : HttpTransport, AutoCloseable {
        private val http: HttpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()

        fun request(r: HttpRequest): JdkRequest {
            log += "${r.method.name} ${URI(r.url).path.substringAfterLast('/')}"
            val b = JdkRequest.newBuilder(URI(r.url)).method(r.method.name, r.body?.let { JdkRequest.BodyPublishers.ofString(it) } ?: JdkRequest.BodyPublishers.noBody())
            for (h in r.headers) b.header(h.name, h.value)
            return b.build()
        }

        fun response(r: JdkResponse<String>) =
            HttpResponse(r.statusCode(), r.headers().map().flatMap { (k, vs) -> vs.map { Header(k, it) } }, r.body())

        override suspend fun send(request: HttpRequest): HttpResponse = response(http.sendAsync(request(request), JdkResponse.BodyHandlers.ofString()).await())

        val blocking = BlockingHttpTransport { response(http.send(request(it), JdkResponse.BodyHandlers.ofString())) }

        override fun close() {}
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun user_written_transport(mode: String) = runBlocking {
        val org = newOrg()
        val log = Collections.synchronizedList(mutableListOf<String>())
        val jdk = JdkTransport(log)
        client(mode, transport = jdk.blocking, suspendTransport = jdk).use { c ->
            assertNull(c.getAttestation(org))
            val started = c.startAttestation(org, startInput())
            assertEquals(started.attestationId, c.getAttestation(org)?.attestationId)
        }
        assertEquals(listOf("POST token", "GET attestation", "POST attestation", "GET attestation"), log.toList())
        // A failure of the user's transport (no response) is a transport error.
        val broken = BlockingHttpTransport { throw IOException("socket hang up") }
        val brokenSuspend =
            object : HttpTransport {
                override suspend fun send(request: HttpRequest): HttpResponse = throw IOException("socket hang up")
            }
        client(mode, transport = broken, suspendTransport = brokenSuspend).use { c ->
            val e = expectMca { runBlocking { c.getAcceptance(org) } }
            assertEquals(ErrorKind.TRANSPORT, e.kind)
            assertTrue(e.message!!.contains("socket hang up"), e.message)
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun redaction_of_secrets(mode: String) = runBlocking {
        val org = newOrg()
        val password = "pw-SECRET-4711"
        val secret = "cs-SECRET-0815"
        val wrongAuth = TestAuth.password("sandbox", password, "sandbox", secret)
        client(mode, auth = wrongAuth).use { wrong ->
            for (text in listOf(wrong.client.toString(), options(auth = wrongAuth).toString())) {
                assertFalse(password in text || secret in text, text)
            }
            val e = expectMca { runBlocking { wrong.getAcceptance(org) } }
            assertEquals(ErrorKind.UNAUTHORIZED, e.kind)
            for (text in listOf(e.message ?: "", e.toString(), e.stackTraceToString(), e.cause.toString())) {
                assertFalse(password in text || secret in text, text)
            }
        }
        val rec = Recording()
        val events = Collections.synchronizedList(mutableListOf<FlowEvent>())
        client(mode, transport = rec.blocking, listener = { events += it }).use { c ->
            val token = c.token()
            assertTrue(token.accessToken.length > 10)
            for (text in listOf(token.toString(), c.client.toString())) assertFalse(token.accessToken in text, text)
            val tokenAuth = TestAuth.Token(token.accessToken)
            client(mode, auth = tokenAuth).use { t ->
                for (text in listOf(t.client.toString(), options(auth = tokenAuth).toString())) {
                    assertFalse(token.accessToken in text, text)
                }
            }
            c.ensureAccepted(org, startInput(), poll().copy(wait = false))
            val attestation = c.getAttestation(org)!!
            // Requests (with the bearer token and the signer in the body) and signer records.
            val texts = rec.seen.map { it.toString() } + listOf(attestation.toString(), startInput().toString(), attestation.signer.toString())
            for (text in texts) {
                assertFalse(token.accessToken in text, text)
                assertFalse(Regex("ada\\.lovelace|Lovelace|70 123").containsMatchIn(text), text)
            }
            assertTrue(rec.seen.any { r -> r.headers.any { it.value == "Bearer ${token.accessToken}" } }, "the token was sent")
        }
        // Flow events carry no signer details.
        assertTrue(events.size >= 2)
        for (ev in events) assertFalse(Regex("ada\\.lovelace|Lovelace|70 123").containsMatchIn(ev.toString()), ev.toString())
    }
}
