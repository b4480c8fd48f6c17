package com.cloudmore.mca

import com.cloudmore.mca.ffi.defaultRequestTimeout
import com.cloudmore.mca.ffi.maxResponseBytes
import com.cloudmore.mca.model.ClientOptions
import java.io.File
import java.io.IOException
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.time.Duration
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

/**
 * [HttpUrlConnectionTransport] against a hostile server (the sandbox's transport-shaped faults):
 * redirects are refused and never followed, bodies are capped, stalled or trickling bodies time out —
 * each an [McaException] of kind `transport` — and memory stays bounded. The same scenario names
 * run in the Rust CLI, npm and Python suites; each through the suspend and the blocking client.
 */
class HostileServerTest {
    companion object {
        private lateinit var sandbox: Sandbox

        @JvmStatic
        @BeforeAll
        fun start() {
            sandbox = Sandbox.start()
        }

        @JvmStatic
        @AfterAll
        fun stop() {
            if (this::sandbox.isInitialized) sandbox.close()
        }
    }

    @BeforeEach
    fun reset() {
        sandbox.admin("/_sandbox/reset")
    }

    /** A client over the default transport; [requestTimeoutMs] is the core's option (null: default). */
    private fun client(mode: String, requestTimeoutMs: Long? = null): Api =
        api(mode, sandboxAuth().options(sandbox.url).copy(requestTimeoutMs = requestTimeoutMs), HttpUrlConnectionTransport())

    private fun fault(spec: JSONObject) {
        sandbox.admin("/_sandbox/faults", spec)
    }

    private fun assertTransport(e: McaException): McaException {
        assertEquals(com.cloudmore.mca.model.ErrorKind.TRANSPORT, e.kind, e.toString())
        assertFalse(e.toString().contains("password="), e.toString())
        return e
    }

    private fun assertTrapUntouched() {
        val hits = JSONObject(Sandbox.http("GET", "${sandbox.url}/_sandbox/trap-hits", null).second)
        assertEquals(0, hits.getInt("hits"), "a redirect was followed: $hits")
        assertEquals(0, hits.getInt("withPassword"))
        assertEquals(0, hits.getInt("withAuthorization"))
        assertEquals(0, hits.getInt("withBody"))
    }

    /** Samples this process's resident set size every 5 ms while [block] runs; the growth in bytes. */
    private fun <T> peakRssGrowth(block: () -> T): Pair<T, Long> {
        fun rss(): Long =
            File("/proc/self/status").readLines().first { it.startsWith("VmRSS:") }
                .split(Regex("\\s+"))[1].toLong() * 1024
        System.gc()
        val base = rss()
        val peak = AtomicLong(base)
        val running = AtomicBoolean(true)
        val sampler =
            Thread {
                while (running.get()) {
                    peak.accumulateAndGet(rss(), ::maxOf)
                    Thread.sleep(5)
                }
            }.apply {
                isDaemon = true
                start()
            }
        try {
            val result = block()
            return result to (maxOf(peak.get(), rss()) - base)
        } finally {
            running.set(false)
            sampler.join()
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun redirect_from_token_endpoint_is_refused(mode: String) = runBlocking {
        fault(JSONObject().put("op", "token").put("fault", "redirect").put("status", 307).put("count", 5))
        client(mode).use { c -> assertTransport(expectMca { runBlocking { c.getAcceptance(newOrg()) } }) }
        assertTrapUntouched()
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun redirect_from_api_is_refused(mode: String) = runBlocking {
        val org = newOrg()
        fault(JSONObject().put("op", "start_attestation").put("org", org).put("fault", "redirect").put("count", 5))
        fault(JSONObject().put("op", "get_acceptance").put("org", org).put("fault", "redirect").put("status", 302).put("count", 5))
        client(mode).use { c ->
            assertTransport(expectMca { runBlocking { c.startAttestation(org, startInput()) } })
            assertTransport(expectMca { runBlocking { c.getAcceptance(org) } })
        }
        assertTrapUntouched()
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun oversized_body_is_a_transport_error(mode: String): Unit = runBlocking {
        val org = newOrg()
        client(mode).use { c ->
            c.token() // the token first: the sampling sees only the oversized answers
            fault(
                JSONObject().put("op", "get_acceptance").put("org", org).put("fault", "oversized")
                    .put("sizeBytes", 256L * 1024 * 1024).put("count", 10),
            )
            val (e, growth) = peakRssGrowth { expectMca { runBlocking { c.getAcceptance(org) } } }
            assertTransport(e)
            assertTrue(e.toString().contains("response body exceeds ${maxResponseBytes()} bytes"), e.toString())
            assertTrue(growth < 96L * 1024 * 1024, "RSS grew by ${growth / 1048576} MiB")
        }
        // An oversized HTML error page from the token endpoint too.
        fault(JSONObject().put("op", "token").put("fault", "oversized").put("status", 502).put("sizeBytes", 50_000_000).put("count", 10))
        client(mode).use { c -> assertTransport(expectMca { runBlocking { c.getAcceptance(newOrg()) } }) }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun stalled_body_times_out(mode: String) = runBlocking {
        val org = newOrg()
        fault(JSONObject().put("op", "get_acceptance").put("org", org).put("fault", "stall").put("delayMs", 60_000).put("count", 10))
        val started = System.nanoTime()
        client(mode, 1000).use { c ->
            val e = assertTransport(expectMca { runBlocking { c.getAcceptance(org) } })
            assertTrue(e.toString().contains("request timed out after 1000 ms"), e.toString())
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - started) < Duration.ofSeconds(30))
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun slow_body_times_out(mode: String) = runBlocking {
        val org = newOrg()
        fault(JSONObject().put("op", "get_acceptance").put("org", org).put("fault", "slowbody").put("delayMs", 60_000).put("count", 10))
        val started = System.nanoTime()
        client(mode, 1000).use { c ->
            val e = assertTransport(expectMca { runBlocking { c.getAcceptance(org) } })
            assertTrue(e.toString().contains("request timed out after 1000 ms"), e.toString())
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - started) < Duration.ofSeconds(30))
    }

    @Test
    fun default_timeout_and_cap_come_from_the_core() {
        // Without the option, every request carries the core's default timeout.
        val seen = mutableListOf<Long>()
        val recording = BlockingHttpTransport { r -> seen += r.timeoutMs; HttpUrlConnectionTransport().send(r) }
        api(BLOCKING, sandboxAuth().options(sandbox.url), recording).use { c -> runBlocking { c.getAcceptance(newOrg()) } }
        assertTrue(seen.isNotEmpty() && seen.all { it == defaultRequestTimeout().toMillis() }, "$seen")
        assertEquals(4L * 1024 * 1024, maxResponseBytes())
    }

    /**
     * The request's timeout (the core's `requestTimeoutMs`) bounds the default transport: a server
     * that accepts the connection and never answers is the core's `transport` error "request timed
     * out after N ms", with the generated core error as the cause. Same name as the npm test.
     */
    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = [SUSPEND, BLOCKING])
    fun request_timeout_is_transport_with_a_cause(mode: String) = runBlocking {
        ServerSocket(0, 50, InetAddress.getLoopbackAddress()).use { silent ->
            val accepted = mutableListOf<Socket>()
            val acceptor =
                Thread {
                    try {
                        while (true) {
                            val socket = silent.accept()
                            synchronized(accepted) { accepted += socket }
                        }
                    } catch (_: IOException) {
                        // closed at the end of the test
                    }
                }.apply {
                    isDaemon = true
                    start()
                }
            val options =
                ClientOptions(
                    baseUrl = "http://127.0.0.1:${silent.localPort}",
                    resellerId = RESELLER,
                    token = "t",
                    requestTimeoutMs = 300,
                    retryMaxAttempts = 1,
                )
            val started = System.nanoTime()
            api(mode, options, HttpUrlConnectionTransport()).use { c ->
                val e = assertTransport(expectMca { runBlocking { c.getAcceptance(newOrg()) } })
                assertTrue(e.message!!.contains("request timed out after 300 ms"), e.toString())
                assertTrue(e.cause != null, "the generated core error is the cause")
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - started) < Duration.ofSeconds(10))
            silent.close()
            acceptor.join(5_000)
            synchronized(accepted) { accepted.forEach { it.close() } }
        }
    }
}
