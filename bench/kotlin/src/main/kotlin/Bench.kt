// Kotlin benchmark of bench/run.sh: the library (McaBlockingClient / McaClient) next to a hand-written
// Kotlin + Jackson peer doing the same work, warm loop in one JVM, samples interleaved. Prints one
// JSON record per figure (format: bench/README.md).
//   Bench ops FIXTURES [--quick]
//   Bench loopback FIXTURES URL TOKEN ORG [--quick]
//   Bench rss FIXTURES URL TOKEN ORG [--quick]    (1,000 concurrent calls, a fresh JVM each)

import com.cloudmore.mca.BlockingHttpTransport
import com.cloudmore.mca.McaBlockingClient
import com.cloudmore.mca.McaBlockingRuntime
import com.cloudmore.mca.McaClient
import com.cloudmore.mca.SystemBlockingRuntime
import com.cloudmore.mca.model.AttestationStatus
import com.cloudmore.mca.model.ClientOptions
import com.cloudmore.mca.model.Header
import com.cloudmore.mca.model.HttpResponse
import com.cloudmore.mca.model.Signer
import com.cloudmore.mca.model.StartAttestation
import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import java.io.File
import java.net.HttpURLConnection
import java.net.URI
import java.time.Instant
import java.time.OffsetDateTime
import kotlin.system.exitProcess

val mapper = ObjectMapper()

fun emit(rec: Map<String, Any?>) = println(mapper.writeValueAsString(rec))

fun batch(iters: Int, fn: () -> Unit): Double {
    val t0 = System.nanoTime()
    repeat(iters) { fn() }
    return (System.nanoTime() - t0) / 1000.0 / iters
}

fun compare(samples: Int, iters: Int, warm: Int, sdk: () -> Unit, base: () -> Unit): Pair<List<Double>, List<Double>> {
    repeat(warm) { sdk(); base() }
    val a = ArrayList<Double>()
    val b = ArrayList<Double>()
    repeat(samples) {
        a.add(batch(iters, sdk))
        b.add(batch(iters, base))
    }
    return a to b
}

// ---- the hand-written peer: the same rules as the SDK's, Jackson for JSON ----

class HandError(message: String) : Exception(message)

val GUID = Regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
val EMAIL = Regex("^[^\\s@\"]{1,64}@(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z][A-Za-z0-9-]{0,62}$")
val LANGUAGE = Regex("^([A-Za-z]{2,3})((?:-[A-Za-z0-9]{1,8})*)$")
val BAD_CHARS = Regex("[\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]")
val SEPARATORS = Regex("[\\s.\\-()]")
val COUNTRIES = java.util.Locale.getISOCountries().toHashSet() + "XK"

data class HandSigner(val firstName: String, val lastName: String, val emailAddress: String, val phoneNumber: String)
data class HandStart(val signer: HandSigner, val language: String?, val country: String, val acceptanceDate: String)
data class HandStarted(val attestationId: String, val agreementLink: String, val expiresAt: Instant)
data class HandAttestation(
    val attestationId: String, val signer: HandSigner, val language: String, val country: String, val templateId: String,
    val acceptanceDate: Instant, val statusCode: Int, val agreementLink: String, val expiresAt: Instant,
)

fun handValidate(i: HandStart): Map<String, Any> {
    val bad = ArrayList<String>()
    fun name(v: String, p: String): String { if (v.isBlank() || BAD_CHARS.containsMatchIn(v)) bad.add(p); return v.trim() }
    val first = name(i.signer.firstName, "/signer/firstName")
    val last = name(i.signer.lastName, "/signer/lastName")
    val email = i.signer.emailAddress.trim()
    if (!EMAIL.matches(email)) bad.add("/signer/emailAddress")
    val p = i.signer.phoneNumber.trim()
    val digits = if (p.startsWith("+")) p.substring(1).replaceFirst("(0)", "").replace(SEPARATORS, "") else ""
    if (digits.length !in 7..15 || !digits.all { it.isDigit() }) bad.add("/signer/phoneNumber")
    val m = LANGUAGE.matchEntire(i.language ?: "en-US")
    if (m == null) bad.add("/language")
    val language = m?.let { g -> g.groupValues[1].lowercase() + g.groupValues[2].split('-').drop(1).joinToString("") { "-" + if (it.length == 2) it.uppercase() else it.lowercase() } } ?: ""
    val country = i.country.uppercase()
    if (country !in COUNTRIES) bad.add("/country")
    val date = runCatching { OffsetDateTime.parse(i.acceptanceDate).toInstant() }.getOrNull()
    if (date == null || date.isAfter(Instant.now().plusSeconds(300))) bad.add("/acceptanceDate")
    if (bad.isNotEmpty()) throw HandError("invalid: $bad")
    return linkedMapOf(
        "signer" to linkedMapOf("firstName" to first, "lastName" to last, "emailAddress" to email, "phoneNumber" to "+$digits"),
        "language" to language, "country" to country, "acceptanceDate" to date.toString(),
    )
}

class HandClient(baseUrl: String, resellerId: String, token: String, val send: (String, String, Map<String, String>, String?) -> Pair<Int, String>) {
    private val base = baseUrl.trimEnd('/') + "/api/resellers/" + resellerId.lowercase() + "/organizations/"
    private val headers = mapOf("Authorization" to "Bearer $token", "Accept" to "application/json", "User-Agent" to "hand/1.0")
    private val postHeaders = headers + ("Content-Type" to "application/json")

    private fun url(org: String, tail: String): String {
        if (!GUID.matches(org)) throw HandError("invalid: organizationId")
        return base + org.lowercase() + "/services/" + tail
    }
    private fun json(r: Pair<Int, String>): JsonNode {
        if (r.first !in 200..299) throw HandError("api: ${r.first}")
        return mapper.readTree(r.second)
    }
    private fun JsonNode.str(k: String): String = get(k)?.takeIf { it.isTextual }?.asText() ?: throw HandError("decode: $k")
    private fun JsonNode.time(k: String): Instant = OffsetDateTime.parse(str(k)).toInstant()

    fun startAttestation(org: String, input: HandStart): HandStarted {
        val body = mapper.writeValueAsString(handValidate(input))
        val o = json(send("POST", url(org, "csp/mca/attestation"), postHeaders, body))
        return HandStarted(o.str("attestationId"), o.str("agreementLink"), o.time("expiresAt"))
    }

    fun getAttestation(org: String): HandAttestation? {
        val r = send("GET", url(org, "csp/mca/attestation"), headers, null)
        if (r.first == 404) return null
        val o = json(r)
        val s = o.get("signer") ?: throw HandError("decode: signer")
        val m = o.get("mcaInfo") ?: throw HandError("decode: mcaInfo")
        val status = o.get("status")?.takeIf { it.isInt }?.asInt() ?: throw HandError("decode: status")
        return HandAttestation(
            o.str("attestationId"), HandSigner(s.str("firstName"), s.str("lastName"), s.str("emailAddress"), s.str("phoneNumber")),
            m.str("language"), m.str("country"), m.str("templateId"), o.time("acceptanceDate"), status, o.str("agreementLink"), o.time("expiresAt"),
        )
    }

    fun getAcceptance(org: String): Boolean {
        val o = json(send("GET", url(org, "csp/mca/acceptance"), headers, null))
        return o.get("accepted")?.takeIf { it.isBoolean }?.asBoolean() ?: throw HandError("decode: accepted")
    }
}

fun urlConnectionSend(method: String, url: String, headers: Map<String, String>, body: String?): Pair<Int, String> {
    val c = URI(url).toURL().openConnection() as HttpURLConnection
    c.requestMethod = method
    c.instanceFollowRedirects = false
    for ((k, v) in headers) c.setRequestProperty(k, v)
    if (body != null) { c.doOutput = true; c.outputStream.use { it.write(body.toByteArray()) } }
    val status = c.responseCode
    val text = (if (status >= 400) c.errorStream else c.inputStream)?.use { String(it.readAllBytes()) } ?: ""
    return status to text
}

// ---- runners ----

class Fx(path: String) {
    private val j = mapper.readTree(File(path))
    val baseUrl: String = j.get("baseUrl").asText()
    val resellerId: String = j.get("resellerId").asText()
    val org: String = j.get("org").asText()
    val token: String = j.get("token").asText()
    val startResponse: String = j.get("startResponse").asText()
    val attestationResponse: String = j.get("attestationResponse").asText()
    private val i = j.get("startInput")
    private val s = i.get("signer")
    val hand = HandStart(
        HandSigner(s.get("firstName").asText(), s.get("lastName").asText(), s.get("emailAddress").asText(), s.get("phoneNumber").asText()),
        i.get("language").asText(), i.get("country").asText(), i.get("acceptanceDate").asText(),
    )
    val sdk = StartAttestation(
        Signer(s.get("firstName").asText(), s.get("lastName").asText(), s.get("emailAddress").asText(), s.get("phoneNumber").asText()),
        i.get("language").asText(), i.get("country").asText(), i.get("acceptanceDate").asText(),
    )
}

fun ops(fx: Fx, quick: Boolean) {
    val (samples, iters, warm) = if (quick) Triple(3, 5, 20) else Triple(30, 500, 20000)
    val json = listOf(Header("Content-Type", "application/json"))
    // MCA_BENCH_KT_HOST_CLOCK=1: the clock through the JVM at every step (a runtime that is not the
    // system one), as before the core read the system clock itself; to compare the two.
    val runtime = if (System.getenv("MCA_BENCH_KT_HOST_CLOCK") == "1") object : McaBlockingRuntime by SystemBlockingRuntime {} else SystemBlockingRuntime
    val sdk = McaBlockingClient(ClientOptions(baseUrl = fx.baseUrl, resellerId = fx.resellerId, token = fx.token), BlockingHttpTransport { r ->
        HttpResponse(200, json, if (r.method.name == "POST") fx.startResponse else fx.attestationResponse)
    }, runtime)
    val hand = HandClient(fx.baseUrl, fx.resellerId, fx.token) { m, _, _, _ -> 200 to (if (m == "POST") fx.startResponse else fx.attestationResponse) }
    val sdkOp = {
        val started = sdk.startAttestation(fx.org, fx.sdk)
        val att = sdk.getAttestation(fx.org)
        if (started.attestationId.isEmpty() || att?.status != AttestationStatus.PENDING_AGREEMENT_ACCEPTANCE) throw HandError("bad parse: $att")
    }
    val handOp = {
        val started = hand.startAttestation(fx.org, fx.hand)
        val att = hand.getAttestation(fx.org)
        if (started.attestationId.isEmpty() || att?.statusCode != 1) throw HandError("bad parse: $att")
    }
    var (a, b) = compare(samples, iters, warm, sdkOp, handOp)
    emit(mapOf("id" to "kt_one_op", "figure" to "Kotlin, the same op, `McaBlockingClient` (warm JVM)", "unit" to "µs", "sdk" to a, "base" to b,
        "base_name" to "hand-written Kotlin + Jackson (bench/kotlin)"))
    val r = compare(samples, iters, warm, { sdk.validateStartAttestation(fx.sdk) }, { handValidate(fx.hand) })
    a = r.first; b = r.second
    emit(mapOf("id" to "kt_validate", "figure" to "Kotlin, `validateStartAttestation` alone", "unit" to "µs", "sdk" to a, "base" to b,
        "base_name" to "hand-written checks"))
    sdk.close()
}

fun loopback(fx: Fx, url: String, token: String, org: String, quick: Boolean) {
    val (n, warm) = if (quick) 20 to 5 else 1000 to 300
    val sdk = McaBlockingClient(ClientOptions(baseUrl = url, resellerId = fx.resellerId, token = token))
    val hand = HandClient(url, fx.resellerId, token, ::urlConnectionSend)
    val (a, b) = compare(n, 1, warm, { sdk.getAcceptance(org) }, { hand.getAcceptance(org) })
    emit(mapOf("id" to "kt_get_acceptance", "figure" to "Kotlin, `getAcceptance` on loopback, `McaBlockingClient` (HttpURLConnection)", "unit" to "µs",
        "sdk" to a, "base" to b, "base_name" to "HttpURLConnection + Jackson"))
    sdk.close()
}

fun vmHwmKiB(): Long = File("/proc/self/status").readLines().first { it.startsWith("VmHWM:") }.split(Regex("\\s+"))[1].toLong()

fun rssChild(fx: Fx, url: String, token: String, org: String, which: String, calls: Int) {
    val results: List<Boolean> = runBlocking {
        if (which == "sdk") {
            val client = McaClient(ClientOptions(baseUrl = url, resellerId = fx.resellerId, token = token))
            (1..calls).map { async { client.getAcceptance(org).accepted } }.awaitAll()
        } else {
            val hand = HandClient(url, fx.resellerId, token, ::urlConnectionSend)
            (1..calls).map { async(Dispatchers.IO) { hand.getAcceptance(org) } }.awaitAll()
        }
    }
    if (results.size != calls) throw HandError("lost calls")
    println(vmHwmKiB())
}

fun rss(fxPath: String, url: String, token: String, org: String, quick: Boolean) {
    val (reps, calls) = if (quick) 1 to 100 else 1 to 1000
    val a = ArrayList<Double>()
    val b = ArrayList<Double>()
    val java = ProcessHandle.current().info().command().orElse("java")
    val cp = System.getProperty("java.class.path")
    repeat(reps) {
        for ((which, out) in listOf("sdk" to a, "peer" to b)) {
            val p = ProcessBuilder(java, "-cp", cp, "BenchKt", "rss-child", fxPath, url, token, org, which, calls.toString()).redirectErrorStream(false).start()
            val text = p.inputStream.bufferedReader().readText().trim()
            val err = p.errorStream.bufferedReader().readText()
            if (p.waitFor() != 0) throw HandError("rss child failed: $err")
            out.add(text.toLong() / 1024.0)
        }
    }
    emit(mapOf("id" to "kt_rss_1000", "figure" to "Kotlin, peak RSS of a JVM making %,d concurrent `McaClient.getAcceptance` calls".format(calls), "unit" to "MiB",
        "sdk" to a, "base" to b, "base_name" to "HttpURLConnection + Jackson on Dispatchers.IO"))
}

fun main(argv: Array<String>) {
    val quick = "--quick" in argv
    val args = argv.filter { it != "--quick" }
    val fx = Fx(args.getOrNull(1) ?: run { System.err.println("usage: Bench ops|loopback|rss FIXTURES ..."); exitProcess(2) })
    when (args[0]) {
        "ops" -> ops(fx, quick)
        "loopback" -> loopback(fx, args[2], args[3], args[4], quick)
        "rss" -> rss(args[1], args[2], args[3], args[4], quick)
        "rss-child" -> rssChild(fx, args[2], args[3], args[4], args[5], args[6].toInt())
        else -> { System.err.println("unknown mode ${args[0]}"); exitProcess(2) }
    }
    exitProcess(0)
}
