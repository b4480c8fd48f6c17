package com.cloudmore.mca

import com.cloudmore.mca.model.Acceptance
import com.cloudmore.mca.model.AddCspService
import com.cloudmore.mca.model.Attestation
import com.cloudmore.mca.model.AttestationStarted
import com.cloudmore.mca.model.CspServiceAdded
import com.cloudmore.mca.model.EnsureAcceptedOptions
import com.cloudmore.mca.model.EnsureOutcome
import com.cloudmore.mca.model.FlowEvent
import com.cloudmore.mca.model.HttpRequest
import com.cloudmore.mca.model.HttpResponse
import com.cloudmore.mca.model.PartnerAttestation
import com.cloudmore.mca.model.WaitOptions
import com.cloudmore.mca.model.RefreshOutcome
import com.cloudmore.mca.model.Signer
import com.cloudmore.mca.model.StartAttestation
import com.cloudmore.mca.model.Token
import com.cloudmore.mca.model.WaitOutcome
import java.lang.reflect.Modifier
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant
import java.time.OffsetDateTime
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail

/** The two public clients behind one test-facing shape, so each test runs in both forms. */
interface Api : AutoCloseable {
    val baseUrl: String

    fun validateStartAttestation(input: StartAttestation): StartAttestation

    fun validateAddCspService(input: AddCspService): AddCspService

    fun normalizeOrganizationId(id: String): String

    suspend fun token(): Token

    suspend fun startAttestation(org: String, input: StartAttestation): AttestationStarted

    suspend fun getAttestation(org: String): Attestation?

    suspend fun finalizeAttestation(org: String)

    suspend fun getAcceptance(org: String): Acceptance

    suspend fun refreshAcceptance(org: String): RefreshOutcome

    suspend fun addCspService(org: String, input: AddCspService): CspServiceAdded

    suspend fun waitForSignature(org: String, options: WaitOptions): WaitOutcome

    suspend fun ensureAccepted(org: String, input: StartAttestation, options: EnsureAcceptedOptions): EnsureOutcome

    /** The client object itself (for `toString` checks). */
    val client: Any
}

/** A controllable clock: [sleep] records the wait and advances time, without waiting. */
class FakeClock(var now: Instant, private val onSleep: (Duration) -> Unit = {}) {
    val sleeps = mutableListOf<Long>()

    @Synchronized
    fun sleep(d: Duration) {
        sleeps += d.toMillis()
        onSleep(d)
        now = now.plus(d)
    }

    val blocking: McaBlockingRuntime
        get() =
            object : McaBlockingRuntime {
                override fun now(): Instant = this@FakeClock.now

                override fun sleep(duration: Duration) = this@FakeClock.sleep(duration)
            }

    val suspending: McaRuntime
        get() =
            object : McaRuntime {
                override fun now(): Instant = this@FakeClock.now

                override suspend fun sleep(duration: Duration) = this@FakeClock.sleep(duration)
            }
}

const val SUSPEND = "suspend"
const val BLOCKING = "blocking"

/**
 * A client in [mode] over [transport] (a blocking function; the suspend client gets a genuine
 * suspend transport unless [suspendTransport] is given) and the given clock.
 */
fun api(
    mode: String,
    options: com.cloudmore.mca.model.ClientOptions,
    transport: BlockingHttpTransport,
    clock: FakeClock? = null,
    listener: McaEventListener? = null,
    suspendTransport: HttpTransport? = null,
): Api =
    when (mode) {
        BLOCKING -> {
            val c = McaBlockingClient(options, transport, clock?.blocking ?: SystemBlockingRuntime, listener)
            object : Api {
                override val client: Any = c
                override val baseUrl get() = c.baseUrl

                override fun validateStartAttestation(input: StartAttestation) = c.validateStartAttestation(input)

                override fun validateAddCspService(input: AddCspService) = c.validateAddCspService(input)

                override fun normalizeOrganizationId(id: String) = c.normalizeOrganizationId(id)

                override suspend fun token() = c.token()

                override suspend fun startAttestation(org: String, input: StartAttestation) = c.startAttestation(org, input)

                override suspend fun getAttestation(org: String) = c.getAttestation(org)

                override suspend fun finalizeAttestation(org: String) = c.finalizeAttestation(org)

                override suspend fun getAcceptance(org: String) = c.getAcceptance(org)

                override suspend fun refreshAcceptance(org: String) = c.refreshAcceptance(org)

                override suspend fun addCspService(org: String, input: AddCspService) = c.addCspService(org, input)

                override suspend fun waitForSignature(org: String, options: WaitOptions) = c.waitForSignature(org, options)

                override suspend fun ensureAccepted(org: String, input: StartAttestation, options: EnsureAcceptedOptions) =
                    c.ensureAccepted(org, input, options)

                override fun close() = c.close()
            }
        }
        SUSPEND -> {
            val t = suspendTransport ?: transport.asSuspending()
            val c = McaClient(options, t, clock?.suspending ?: SystemRuntime, listener)
            object : Api {
                override val client: Any = c
                override val baseUrl get() = c.baseUrl

                override fun validateStartAttestation(input: StartAttestation) = c.validateStartAttestation(input)

                override fun validateAddCspService(input: AddCspService) = c.validateAddCspService(input)

                override fun normalizeOrganizationId(id: String) = c.normalizeOrganizationId(id)

                override suspend fun token() = c.token()

                override suspend fun startAttestation(org: String, input: StartAttestation) = c.startAttestation(org, input)

                override suspend fun getAttestation(org: String) = c.getAttestation(org)

                override suspend fun finalizeAttestation(org: String) = c.finalizeAttestation(org)

                override suspend fun getAcceptance(org: String) = c.getAcceptance(org)

                override suspend fun refreshAcceptance(org: String) = c.refreshAcceptance(org)

                override suspend fun addCspService(org: String, input: AddCspService) = c.addCspService(org, input)

                override suspend fun waitForSignature(org: String, options: WaitOptions) = c.waitForSignature(org, options)

                override suspend fun ensureAccepted(org: String, input: StartAttestation, options: EnsureAcceptedOptions) =
                    c.ensureAccepted(org, input, options)

                override fun close() = c.close()
            }
        }
        else -> error("mode $mode")
    }

/** Runs [block], expecting an [McaException]. */
inline fun expectMca(block: () -> Unit): McaException {
    try {
        block()
    } catch (e: McaException) {
        return e
    }
    fail<Unit>("expected an McaException")
    throw IllegalStateException("unreachable")
}

// ---- JSON <-> model ---------------------------------------------------------------------------

private fun JSONObject.str(key: String): String = if (has(key) && !isNull(key)) get(key).toString() else ""

private fun JSONObject.optStr(key: String): String? = if (has(key) && !isNull(key)) get(key).toString() else null

fun signerOf(j: JSONObject?): Signer =
    if (j == null) {
        Signer("", "", "", "")
    } else {
        Signer(j.str("firstName"), j.str("lastName"), j.str("emailAddress"), j.str("phoneNumber"))
    }

fun startInputOf(j: JSONObject): StartAttestation =
    StartAttestation(
        signer = signerOf(j.optJSONObject("signer")),
        language = j.optStr("language"),
        country = j.str("country"),
        acceptanceDate = j.str("acceptanceDate"),
    )

fun cspInputOf(j: JSONObject): AddCspService =
    AddCspService(
        id = j.optStr("id"),
        currencyCode = j.str("currencyCode"),
        organizationNumber = j.optStr("organizationNumber"),
        contactEmail = j.str("contactEmail"),
        contactFirstName = j.optStr("contactFirstName"),
        contactLastName = j.optStr("contactLastName"),
        contactPhone = j.optStr("contactPhone"),
        city = j.optStr("city"),
        address = j.optStr("address"),
        postalCode = j.optStr("postalCode"),
        domainPrefix = j.str("domainPrefix"),
        partnerAttestation =
            j.optJSONObject("partnerAttestation")?.let { p ->
                PartnerAttestation(
                    automaticFlow = p.optBoolean("automaticFlow", false),
                    signer = signerOf(p.optJSONObject("signer")),
                    language = p.optStr("language"),
                    country = p.str("country"),
                    acceptanceDate = p.str("acceptanceDate"),
                )
            },
    )

fun snake(name: String): String = name.replace(Regex("([a-z0-9])([A-Z])"), "$1_$2").lowercase()

/** The event's `type` as in the core's JSON form. */
fun eventType(e: FlowEvent): String = snake(e.javaClass.simpleName)

/**
 * A generated model value in the core's JSON form (camelCase members; enums snake_case; sealed
 * variants tagged `type`; durations as `…Ms` milliseconds). Instants stay [Instant] and are
 * compared as instants. With [omitNulls], absent optional members are left out (request bodies).
 */
fun toJson(value: Any?, omitNulls: Boolean = false): Any? =
    when (value) {
        null, Unit -> JSONObject.NULL
        is String, is Boolean, is Instant -> value
        is Int, is Long -> value
        is Duration -> value.toMillis()
        is Enum<*> -> value.name.lowercase()
        is List<*> -> JSONArray().also { a -> value.forEach { a.put(toJson(it, omitNulls)) } }
        else -> {
            val o = JSONObject()
            val superclass = value.javaClass.superclass
            if (superclass != null && superclass.isSealedKotlin()) o.put("type", snake(value.javaClass.simpleName))
            for (f in value.javaClass.declaredFields) {
                if (Modifier.isStatic(f.modifiers)) continue
                f.isAccessible = true
                val v = f.get(value)
                if (v == null && omitNulls) continue
                val name =
                    when {
                        f.name == "typeUri" -> "type"
                        f.type == Duration::class.java -> f.name + "Ms"
                        else -> f.name
                    }
                o.put(name, toJson(v, omitNulls))
            }
            o
        }
    }

private fun Class<*>.isSealedKotlin(): Boolean = getAnnotation(Metadata::class.java) != null && Modifier.isAbstract(modifiers)

private fun asInstant(s: String): Instant? =
    try {
        OffsetDateTime.parse(s).toInstant()
    } catch (_: Exception) {
        try {
            Instant.parse(s)
        } catch (_: Exception) {
            null
        }
    }

/** Subset match of [expected] (vector JSON) against [actual] ([toJson] output); fails with a path. */
fun assertMatches(expected: Any?, actual: Any?, path: String = "$") {
    val exp = if (expected == null) JSONObject.NULL else expected
    val act = if (actual == null) JSONObject.NULL else actual
    when {
        exp == JSONObject.NULL -> assertTrue(act == JSONObject.NULL, "$path: expected null, got $act")
        exp is JSONObject -> {
            assertTrue(act is JSONObject, "$path: expected an object, got $act")
            act as JSONObject
            for (k in exp.keySet()) assertMatches(exp.get(k), if (act.has(k)) act.get(k) else JSONObject.NULL, "$path.$k")
        }
        exp is JSONArray -> {
            assertTrue(act is JSONArray, "$path: expected an array, got $act")
            act as JSONArray
            assertEquals(exp.length(), act.length(), "$path: array length ($act)")
            for (i in 0 until exp.length()) assertMatches(exp.get(i), act.get(i), "$path[$i]")
        }
        exp is String && act is Instant ->
            assertEquals(asInstant(exp), act, "$path: instant")
        exp is Number -> {
            assertTrue(act is Number, "$path: expected number $exp, got $act")
            assertEquals(0, BigDecimal(exp.toString()).compareTo(BigDecimal(act.toString())), "$path: $exp != $act")
        }
        else -> assertEquals(exp, act, path)
    }
}

/** The core's flat error view of [e] in the vectors' JSON shape (camelCase members). */
fun viewJson(e: McaException): JSONObject {
    val v = e.view
    val violations = JSONArray(v.violations.map { JSONObject().put("pointer", it.pointer ?: JSONObject.NULL).put("detail", it.detail) })
    return JSONObject()
        .put("kind", v.kind.name.lowercase())
        .put("message", v.message)
        .put("status", v.status ?: JSONObject.NULL)
        .put("code", v.code ?: JSONObject.NULL)
        .put("title", v.title ?: JSONObject.NULL)
        .put("detail", v.detail ?: JSONObject.NULL)
        .put("violations", violations)
        .put("pointers", JSONArray(v.violations.map { it.pointer ?: JSONObject.NULL }))
        .put("retryAfterMs", v.retryAfterMs ?: JSONObject.NULL)
        .put("traceId", v.traceId ?: JSONObject.NULL)
        .put("bodyExcerpt", v.bodyExcerpt ?: JSONObject.NULL)
}

/** Checks an error expectation of the vectors against [e]'s flat view, member by member. */
fun assertError(want: JSONObject, e: McaException) {
    val got = viewJson(e)
    // tests/vectors/README.md: these members are always compared (absent = null); neither
    // `violations` nor `pointers` given = the error has no violations.
    val expected = JSONObject()
    for (key in listOf("status", "code", "title", "detail", "retryAfterMs", "traceId")) expected.put(key, JSONObject.NULL)
    if (!want.has("violations") && !want.has("pointers")) expected.put("violations", JSONArray())
    for (key in want.keySet()) expected.put(key, want.get(key))
    for (key in expected.keySet()) {
        assertTrue(got.has(key), "$key is not a member of the error view")
        val want = expected.get(key)
        val have = got.get(key)
        when (want) {
            is JSONArray -> assertTrue(want.similar(have), "$key: $have != $want (${e.message})")
            is JSONObject -> assertTrue(want.similar(have), "$key: $have != $want (${e.message})")
            else -> assertEquals(want.toString(), have.toString(), "$key (${e.message})")
        }
    }
}
