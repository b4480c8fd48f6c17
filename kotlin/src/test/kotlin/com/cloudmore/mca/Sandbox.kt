package com.cloudmore.mca

import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.HttpURLConnection
import java.net.URI
import java.time.Instant
import java.util.UUID
import java.util.concurrent.TimeUnit
import org.json.JSONObject
import com.cloudmore.mca.model.ClientAuth
import com.cloudmore.mca.model.ClientOptions
import com.cloudmore.mca.model.Credentials
import com.cloudmore.mca.model.Signer
import com.cloudmore.mca.model.StartAttestation

/**
 * The mca-sandbox binary on 127.0.0.1 with an OS-chosen port (`-Dmca.sandbox.bin`, else
 * `$MCA_SANDBOX_BIN`, else `<CARGO_TARGET_DIR or ../target>/debug/mca-sandbox`).
 */
class Sandbox private constructor(private val process: Process, val url: String) : AutoCloseable {
    /** POSTs to an admin endpoint; fails unless 2xx. */
    fun admin(path: String, body: JSONObject? = null): String {
        val (status, text) = http("POST", url + path, body?.toString())
        check(status in 200..299) { "admin $path: $status $text" }
        return text
    }

    /** Requests per op name for [org]. */
    fun requests(org: String): JSONObject = JSONObject(http("GET", "$url/_sandbox/orgs/$org/requests", null).second)

    fun count(org: String, op: String): Int = requests(org).optInt(op, 0)

    fun fault(op: String, org: String, fault: String, extra: JSONObject.() -> Unit = {}) {
        admin("/_sandbox/faults", JSONObject().put("op", op).put("org", org).put("count", 1).put("fault", fault).apply(extra))
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
    }

    companion object {
        fun binary(): String {
            System.getProperty("mca.sandbox.bin")?.takeIf { it.isNotBlank() }?.let { return it }
            System.getenv("MCA_SANDBOX_BIN")?.takeIf { it.isNotBlank() }?.let { return it }
            val target = System.getenv("CARGO_TARGET_DIR") ?: "../target"
            val bin = File(target, "debug/mca-sandbox")
            check(bin.exists()) { "$bin is missing: run cargo build -p mca-sandbox (or set -Dmca.sandbox.bin)" }
            return bin.path
        }

        fun start(vararg args: String): Sandbox {
            val process =
                ProcessBuilder(listOf(binary(), "--host", "127.0.0.1", "--port", "0") + args)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start()
            val reader = BufferedReader(InputStreamReader(process.inputStream))
            val pattern = Regex("listening on (http://127\\.0\\.0\\.1:\\d+)")
            while (true) {
                val line = reader.readLine() ?: run {
                    process.destroy()
                    error("sandbox exited before printing its URL")
                }
                val m = pattern.find(line) ?: continue
                // Keep draining stdout so the child never blocks on a full pipe.
                Thread { reader.useLines { it.forEach { } } }.apply { isDaemon = true }.start()
                return Sandbox(process, m.groupValues[1])
            }
        }

        /** A minimal HTTP helper for the admin API and the agreement page (not the SDK's transport). */
        fun http(method: String, url: String, body: String?, form: Boolean = false): Pair<Int, String> {
            val c = URI(url).toURL().openConnection() as HttpURLConnection
            c.requestMethod = method
            c.instanceFollowRedirects = false
            if (body != null || method == "POST") {
                c.doOutput = true
                c.setRequestProperty("Content-Type", if (form) "application/x-www-form-urlencoded" else "application/json")
                c.outputStream.use { it.write((body ?: "").toByteArray()) }
            }
            val status = c.responseCode
            val text = (if (status >= 400) c.errorStream else c.inputStream)?.use { String(it.readBytes()) } ?: ""
            c.disconnect()
            return status to text
        }
    }
}

const val RESELLER = "5d1c0b9e-7f0a-4b8e-9a34-2f1e6c7d8a90"

fun newOrg(): String = UUID.randomUUID().toString()

fun sandboxAuth(): TestAuth = TestAuth.password("sandbox", "sandbox")

/** A valid start body with an acceptance date just passed. */
fun startInput(
    signer: Signer = Signer("Ada", "Lovelace", "ada.lovelace@example.com", "+46 70 123 45 67"),
    country: String = "se",
): StartAttestation = StartAttestation(signer, "sv-se", country, Instant.now().minusSeconds(60).toString())

/** Test shorthand for how a client authorises: the core's `ClientOptions.token` or `.credentials`. */
sealed class TestAuth {
    /** No authorisation. */
    object None : TestAuth()

    /** A bearer token. */
    data class Token(val token: String) : TestAuth()

    /** Password grant. */
    data class Password(val credentials: Credentials) : TestAuth()

    /** The core's client options for [url] with this authorisation. */
    fun options(
        url: String,
        resellerId: String = RESELLER,
    ): ClientOptions =
        ClientOptions(
            baseUrl = url,
            resellerId = resellerId,
            token = (this as? Token)?.token,
            credentials = (this as? Password)?.credentials,
        )

    companion object {
        /** Password grant with Basic client authentication. */
        fun password(
            username: String,
            password: String,
            clientId: String? = null,
            clientSecret: String? = null,
        ): TestAuth = Password(Credentials(username, password, clientId, clientSecret, ClientAuth.BASIC))
    }
}
