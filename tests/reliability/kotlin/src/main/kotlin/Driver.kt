// Matrix driver, Kotlin: N concurrent `ensureAccepted` calls on ONE `McaClient` (coroutines,
// `awaitAll`), through the built jar's public API and its default transport.
//
// Usage: java -cp … DriverKt BASE_URL RESELLER ORG wait|nowait CALLERS DEADLINE_S
// Prints one JSON line: {"clients": 1, "callers": [{"status", "attestationId"} | {"error"}]}.
import com.cloudmore.mca.McaClient
import com.cloudmore.mca.McaException
import com.cloudmore.mca.model.ClientAuth
import com.cloudmore.mca.model.ClientOptions
import com.cloudmore.mca.model.Credentials
import com.cloudmore.mca.model.EnsureAcceptedOptions
import com.cloudmore.mca.model.Signer
import com.cloudmore.mca.model.StartAttestation
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import java.time.Instant

/** `kind[ status][ code]` for SDK errors, the exception's class otherwise. */
fun describe(err: Throwable): String {
    val mca = err as? McaException ?: err.cause as? McaException
    return if (mca != null) {
        listOfNotNull(mca.kind.name.lowercase(), mca.view.status?.toString(), mca.view.code).joinToString(" ")
    } else {
        "exception ${err::class.java.simpleName}"
    }
}

fun quote(s: String?): String =
    if (s == null) "null" else "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""

fun main(args: Array<String>) {
    val baseUrl = args[0]
    val reseller = args[1]
    val org = args[2]
    val wait = args[3] == "wait"
    val callers = args[4].toInt()
    val deadlineMs = (args[5].toDouble() * 1000).toLong()
    val client =
        McaClient(
            ClientOptions(
                baseUrl = baseUrl,
                resellerId = reseller,
                credentials = Credentials(username = "sandbox", password = "sandbox", clientAuth = ClientAuth.BASIC),
            ),
        )
    val input =
        StartAttestation(
            signer = Signer("Ada", "Lovelace", "ada@example.com", "+46 70 123 45 67"),
            language = "sv-SE",
            country = "SE",
            acceptanceDate = Instant.now().minusSeconds(60).toString(),
        )
    val options = EnsureAcceptedOptions(wait = wait, pollIntervalMs = 200L, maxPollIntervalMs = 500L, deadlineMs = deadlineMs)
    val results =
        runBlocking {
            (1..callers)
                .map {
                    async {
                        try {
                            val out = client.ensureAccepted(org, input, options)
                            "{\"status\": ${quote(out.status.name.lowercase())}, \"attestationId\": ${quote(out.attestationId)}}"
                        } catch (e: Throwable) {
                            "{\"error\": ${quote(describe(e))}}"
                        }
                    }
                }.awaitAll()
        }
    client.close()
    println("{\"clients\": 1, \"callers\": [${results.joinToString(", ")}]}")
}
