package com.cloudmore.mca

import com.cloudmore.mca.ffi.coreVersion
import com.cloudmore.mca.model.ClientAuth
import com.cloudmore.mca.model.ClientOptions
import com.cloudmore.mca.model.EnsureAcceptedOptions
import com.cloudmore.mca.model.WaitOptions
import com.cloudmore.mca.model.Credentials
import com.cloudmore.mca.model.HttpRequest
import com.cloudmore.mca.model.HttpResponse
import com.cloudmore.mca.model.Header
import java.io.File
import java.io.IOException
import java.time.Duration
import java.time.Instant
import java.util.Collections
import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicContainer
import org.junit.jupiter.api.DynamicNode
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory

/**
 * Every case of every file in tests/vectors, through both public clients (suspend and blocking),
 * with a scripted transport and a fake clock. Format: tests/vectors/README.md.
 */
class VectorsTest {
    private val dir = File(System.getProperty("mca.vectors.dir") ?: "../tests/vectors")

    private fun load(name: String): JSONObject = JSONObject(File(dir, name).readText())

    private fun cases(
        file: String,
        run: (JSONObject, JSONObject, String) -> Unit,
    ): DynamicNode {
        val doc = load(file)
        val cases = doc.getJSONArray("cases")
        assertTrue(cases.length() > 0, "$file has cases")
        val names = mutableSetOf<String>()
        val nodes =
            listOf(SUSPEND, BLOCKING).map { mode ->
                DynamicContainer.dynamicContainer(
                    mode,
                    (0 until cases.length()).map { i ->
                        val case = cases.getJSONObject(i)
                        val name = case.getString("name")
                        if (mode == SUSPEND) assertTrue(names.add(name), "duplicate case name $name")
                        DynamicTest.dynamicTest(name) { run(doc, case, mode) }
                    },
                )
            }
        return DynamicContainer.dynamicContainer(file, nodes)
    }

    private fun nowOf(doc: JSONObject, case: JSONObject): Instant = Instant.parse(case.optString("now", doc.getString("now")))

    private fun response(j: JSONObject): HttpResponse {
        val headers = j.optJSONObject("headers")?.let { h -> h.keySet().map { Header(it, h.get(it).toString()) } } ?: emptyList()
        return HttpResponse(j.getInt("status"), headers, j.optString("body", ""))
    }

    private fun config(j: JSONObject?, auth: TestAuth): ClientOptions =
        auth.options(
            url = j?.optString("baseUrl", null) ?: "https://api.example.test/",
            resellerId = j?.optString("resellerId", null) ?: "11111111-1111-4111-8111-111111111111",
        ).copy(
            userAgent = j?.optString("userAgentExtra", null),
            correlationId = j?.optString("correlationId", null),
        )

    private fun authOf(j: JSONObject?): TestAuth {
        if (j == null) return TestAuth.Token("vector-token")
        if (j.has("token")) return TestAuth.Token(j.getString("token"))
        val c = j.getJSONObject("credentials")
        return TestAuth.Password(credentialsOf(c))
    }

    private fun credentialsOf(c: JSONObject) =
        Credentials(
            username = c.getString("username"),
            password = c.getString("password"),
            clientId = c.optString("clientId", null),
            clientSecret = c.optString("clientSecret", null),
            clientAuth = if (c.optString("clientAuth", "basic") == "body") ClientAuth.BODY else ClientAuth.BASIC,
            scope = c.optString("scope", null),
        )

    /** Runs one operation by its vector name. */
    private suspend fun call(
        api: Api,
        op: String,
        org: String,
        input: JSONObject?,
        doc: JSONObject,
    ): Any? =
        when (op) {
            "start_attestation" -> api.startAttestation(org, startInputOf(input ?: doc.getJSONObject("startInput")))
            "get_attestation" -> api.getAttestation(org)
            "finalize_attestation" -> api.finalizeAttestation(org)
            "get_acceptance" -> api.getAcceptance(org)
            "refresh_acceptance" -> api.refreshAcceptance(org)
            "add_csp_service" -> api.addCspService(org, cspInputOf(input ?: doc.getJSONObject("cspInput")))
            "token" -> api.token()
            else -> error("unknown op $op")
        }

    private fun refuse(): BlockingHttpTransport = BlockingHttpTransport { throw IllegalStateException("validation must send nothing: ${it.url}") }

    @TestFactory
    fun validation(): DynamicNode =
        cases("validation.json") { doc, case, mode ->
            // The caller's clock as text (the core reads it: a bad one is a `config` error).
            val now = case.optString("now", doc.getString("now"))
            val clock = FakeClock(Instant.parse(doc.getString("now")))
            val kind = case.getString("kind")
            val valid = case.getBoolean("valid")
            val outcome: Result<Any?> =
                when (kind) {
                    "base_url" ->
                        runCatching {
                            api(mode, config(JSONObject().put("baseUrl", case.getString("input")), TestAuth.None), refuse(), clock).use { it.baseUrl }
                        }
                    "client_options" ->
                        runCatching {
                            val j = case.getJSONObject("input")
                            val options =
                                ClientOptions(
                                    baseUrl = j.getString("baseUrl"),
                                    resellerId = j.getString("resellerId"),
                                    token = j.optString("token", null),
                                    credentials = j.optJSONObject("credentials")?.let { credentialsOf(it) },
                                )
                            api(mode, options, refuse(), clock).use { it.baseUrl }
                        }
                    "start_attestation" ->
                        runCatching { toJson(validateStartAttestation(startInputOf(case.getJSONObject("input")), now), omitNulls = true) }
                    "add_csp_service" ->
                        runCatching { toJson(validateAddCspService(cspInputOf(case.getJSONObject("input")), now), omitNulls = true) }
                    "organization_id" ->
                        api(mode, config(null, TestAuth.None), refuse(), clock).use { api ->
                            runCatching { api.normalizeOrganizationId(case.getString("input")) }
                        }
                    else -> error("unknown kind $kind")
                }
            if (valid) {
                val got = outcome.getOrElse { throw AssertionError("expected valid, got $it", it) }
                val want = case.get("normalized")
                if (want is JSONObject) {
                    assertTrue(want.similar(got), "normalized:\n want $want\n got  $got")
                } else {
                    assertEquals(want, got)
                }
            } else {
                val e = outcome.exceptionOrNull()
                assertTrue(e is McaException, "expected an McaException, got ${outcome.getOrNull() ?: e}")
                assertError(case.getJSONObject("error"), e as McaException)
            }
        }

    @TestFactory
    fun requests(): DynamicNode =
        cases("requests.json") { doc, case, mode ->
            val respond = case.getJSONArray("respond")
            val seen = Collections.synchronizedList(mutableListOf<HttpRequest>())
            val transport =
                BlockingHttpTransport { req ->
                    seen += req
                    if (seen.size > respond.length()) throw IllegalStateException("unexpected request #${seen.size}: ${req.method} ${req.url}")
                    response(respond.getJSONObject(seen.size - 1))
                }
            val clock = FakeClock(nowOf(doc, case))
            val c = case.getJSONObject("call")
            api(mode, config(case.optJSONObject("config"), authOf(case.optJSONObject("auth"))), transport, clock).use { api ->
                runBlocking {
                    try {
                        call(api, c.getString("op"), c.getString("org"), c.optJSONObject("input"), doc)
                    } catch (_: McaException) {
                        // The result is not checked here (responses.json does that).
                    }
                }
            }
            val expect = case.getJSONArray("expect")
            assertEquals(expect.length(), seen.size, "requests sent: ${seen.map { "${it.method} ${it.url}" }}")
            for (i in 0 until expect.length()) checkRequest(expect.getJSONObject(i), seen[i], "request #$i")
        }

    private fun placeholders(value: String): Regex =
        Regex(
            value.split("{version}").joinToString(Regex.escape(coreVersion())) { part ->
                part.split("{binding}").joinToString("[a-z]+") { Regex.escape(it) }
            },
        )

    private fun checkRequest(want: JSONObject, got: HttpRequest, where: String) {
        assertEquals(want.getString("method"), got.method.name, "$where method")
        assertEquals(want.getString("url"), got.url, "$where url")
        fun header(name: String) = got.headers.filter { it.name.equals(name, ignoreCase = true) }.map { it.value }
        want.optJSONObject("headers")?.let { h ->
            for (name in h.keySet()) {
                val values = header(name)
                assertEquals(1, values.size, "$where header $name present once (${got.headers.map { it.name }})")
                assertTrue(placeholders(h.getString(name)).matches(values[0]), "$where header $name: want ${h.getString(name)}, got ${values[0]}")
            }
        }
        want.optJSONArray("absentHeaders")?.forEach { name -> assertTrue(header(name.toString()).isEmpty(), "$where header $name absent") }
        if (want.has("body")) {
            val body = if (want.isNull("body")) null else want.getString("body")
            assertEquals(body, got.body, "$where body")
        }
    }

    @TestFactory
    fun responses(): DynamicNode =
        cases("responses.json") { doc, case, mode ->
            val failure = case.optString("transport", "")
            val answer = if (failure.isEmpty()) response(case.getJSONObject("response")) else null
            var attempts = 0
            val transport =
                BlockingHttpTransport { req ->
                    synchronized(this) { attempts++ }
                    when (failure) {
                        // No complete response within the request's timeout.
                        "timeout" -> throw java.net.SocketTimeoutException("no response within ${req.timeoutMs} ms")
                        // Native cancellation: a cancelled coroutine, an interrupted thread.
                        "cancel" ->
                            if (mode == BLOCKING) {
                                throw InterruptedException("cancelled")
                            } else {
                                throw kotlin.coroutines.cancellation.CancellationException("cancelled")
                            }
                        else -> answer!!
                    }
                }
            val clock = FakeClock(nowOf(doc, case))
            val op = case.getString("op")
            val auth = if (op == "token") TestAuth.Password(credentialsOf(doc.getJSONObject("credentials"))) else TestAuth.Token("vector-token")
            val outcome =
                api(mode, config(null, auth), transport, clock).use { api ->
                    runBlocking { runCatching { call(api, op, doc.getString("org"), null, doc) } }
                }
            val expect = case.getJSONObject("expect")
            if (expect.has("ok")) {
                val got = outcome.getOrElse { throw AssertionError("expected ok, got $it", it) }
                assertMatches(expect.get("ok"), toJson(got))
            } else {
                val e = outcome.exceptionOrNull()
                assertTrue(e is McaException, "expected an error, got ${outcome.getOrNull() ?: e}")
                assertError(expect.getJSONObject("error"), e as McaException)
            }
            assertEquals(case.optInt("attempts", 1), attempts, "attempts")
        }

    @TestFactory
    fun flows(): DynamicNode =
        cases("flows.json") { doc, case, mode ->
            val script = case.getJSONArray("script")
            var next = 0
            val problems = Collections.synchronizedList(mutableListOf<String>())

            fun step(what: String): JSONObject? =
                synchronized(script) {
                    if (next >= script.length()) {
                        problems += "script exhausted at $what"
                        null
                    } else {
                        script.getJSONObject(next++)
                    }
                }
            val transport =
                BlockingHttpTransport { req ->
                    val s = step("${req.method} ${req.url}") ?: throw IllegalStateException("script exhausted")
                    val want = s.optString("request", "")
                    val (method, suffix) = want.split(" ", limit = 2).let { it[0] to it.getOrElse(1) { "" } }
                    if (want.isEmpty() || method != req.method.name || !req.url.endsWith(suffix)) {
                        problems += "step ${next - 1}: want ${if (want.isEmpty()) s.toString() else want}, got ${req.method} ${req.url}"
                        throw IllegalStateException("script mismatch")
                    }
                    if (s.has("transportError")) throw IOException(s.getString("transportError"))
                    response(s.getJSONObject("respond"))
                }
            val clock =
                FakeClock(nowOf(doc, case)) { d ->
                    val s = step("sleep ${d.toMillis()}")
                    if (s == null || !s.has("sleep") || s.getLong("sleep") != d.toMillis()) {
                        problems += "step ${next - 1}: want $s, got sleep ${d.toMillis()} ms"
                    }
                }
            val events = Collections.synchronizedList(mutableListOf<String>())
            val o = case.optJSONObject("options") ?: JSONObject()
            // The vectors' option names map onto the core's WaitOptions / EnsureAcceptedOptions.
            val wait =
                WaitOptions(
                    deadlineMs = if (o.has("deadlineMs")) o.getLong("deadlineMs") else null,
                    pollIntervalMs = if (o.has("initialIntervalMs")) o.getLong("initialIntervalMs") else null,
                    maxPollIntervalMs = if (o.has("maxIntervalMs")) o.getLong("maxIntervalMs") else null,
                )
            val org = case.optString("org", doc.getString("org"))
            val input = startInputOf(case.optJSONObject("input") ?: doc.getJSONObject("input"))
            val outcome =
                api(mode, config(case.optJSONObject("config"), TestAuth.Token("vector-token")), transport, clock, { events += eventType(it) }).use { api ->
                    runBlocking {
                        runCatching {
                            when (val flow = case.getString("flow")) {
                                "wait_for_signature" -> api.waitForSignature(org, wait)
                                "ensure_accepted" ->
                                    api.ensureAccepted(
                                        org,
                                        input,
                                        EnsureAcceptedOptions(
                                            wait = if (o.has("wait")) o.getBoolean("wait") else null,
                                            confirmAttempts = if (o.has("confirmAttempts")) o.getInt("confirmAttempts") else null,
                                            deadlineMs = wait.deadlineMs,
                                            pollIntervalMs = wait.pollIntervalMs,
                                            maxPollIntervalMs = wait.maxPollIntervalMs,
                                        ),
                                    )
                                else -> error("unknown flow $flow")
                            }
                        }
                    }
                }
            assertTrue(problems.isEmpty(), "script: $problems (outcome $outcome)")
            assertEquals(script.length(), next, "the whole script is consumed (outcome $outcome)")
            if (case.has("events")) assertEquals(case.getJSONArray("events").map { it.toString() }, events.toList(), "events")
            val expect = case.getJSONObject("expect")
            if (expect.has("ok")) {
                val got = outcome.getOrElse { throw AssertionError("expected ok, got $it", it) }
                assertMatches(expect.get("ok"), toJson(got))
            } else {
                val e = outcome.exceptionOrNull()
                assertFalse(e == null, "expected an error, got ${outcome.getOrNull()}")
                assertTrue(e is McaException, "expected an McaException, got $e")
                assertError(expect.getJSONObject("error"), e as McaException)
            }
        }

    private fun JSONArray.map(f: (Any) -> String): List<String> = (0 until length()).map { f(get(it)) }
}
