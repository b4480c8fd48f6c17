package com.cloudmore.mca

import com.cloudmore.mca.ffi.ClientAuthConfig
import com.cloudmore.mca.ffi.ClientOptions
import com.cloudmore.mca.ffi.defaultEnsureOptions
import com.cloudmore.mca.ffi.defaultPollOptions
import com.cloudmore.mca.model.ClientAuth
import com.cloudmore.mca.model.Credentials
import com.cloudmore.mca.model.EnsureOptions
import com.cloudmore.mca.model.PollOptions
import java.time.Duration
import java.time.Instant

/** How requests are authorised. `toString` never shows a token or password. */
sealed class McaAuth {
    /** No `Authorization` header. */
    object None : McaAuth() {
        override fun toString() = "McaAuth.None"
    }

    /** A bearer token obtained elsewhere. */
    class Token(
        /** The bearer token (kept out of `toString`). */
        val token: String,
    ) : McaAuth() {
        override fun toString() = "McaAuth.Token(<redacted>)"
    }

    /** Password grant against the token endpoint; the core caches and renews the token. */
    class Password(
        /** The credentials (their `toString` redacts the secrets). */
        val credentials: Credentials,
    ) : McaAuth() {
        override fun toString() = "McaAuth.Password($credentials)"
    }

    internal fun toFfi(): ClientAuthConfig =
        when (this) {
            None -> ClientAuthConfig.None
            is Token -> ClientAuthConfig.Token(token)
            is Password -> ClientAuthConfig.Credentials(credentials)
        }

    /** Factories, convenient from Java. */
    companion object {
        /** No authorisation. */
        @JvmStatic fun none(): McaAuth = None

        /** A static bearer token. */
        @JvmStatic fun token(token: String): McaAuth = Token(token)

        /** Password grant; the client id and secret go by Basic auth unless [clientAuth] says `BODY`. */
        @JvmStatic
        @JvmOverloads
        fun password(
            username: String,
            password: String,
            clientId: String? = null,
            clientSecret: String? = null,
            clientAuth: ClientAuth = ClientAuth.BASIC,
            scope: String? = null,
        ): McaAuth = Password(Credentials(username, password, clientId, clientSecret, clientAuth, scope))
    }
}

/**
 * Everything a client needs besides its transport and clock. The base URL must be https (http only
 * for loopback hosts); both it and [resellerId] are checked when the client is built.
 */
data class McaClientOptions
    @JvmOverloads
    constructor(
        /** API base URL, e.g. `https://api.cloudmore.com/`. */
        val baseUrl: String,
        /** Reseller GUID. */
        val resellerId: String,
        /** Authorisation. */
        val auth: McaAuth,
        /** Extra `User-Agent` product, e.g. `acme-onboarding/2.1`. */
        val userAgentExtra: String? = null,
        /** Sent as `X-Correlation-Id` on every request when set. */
        val correlationId: String? = null,
        /** Token endpoint; `<baseUrl>/connect/token` when absent. */
        val tokenUrl: String? = null,
    ) {
        internal fun toFfi(): ClientOptions =
            ClientOptions(baseUrl, resellerId, auth.toFfi(), BINDING, userAgentExtra, correlationId, tokenUrl)

        internal companion object {
            const val BINDING = "kotlin"
        }
    }

/** Builders for the option records of the flows; unset values take the core's defaults. */
object McaOptions {
    private val pollDefaults: PollOptions by lazy { defaultPollOptions() }
    private val ensureDefaults: EnsureOptions by lazy { defaultEnsureOptions() }

    /**
     * Polling schedule: waits start at [initialInterval] and double up to [maxInterval]; the flow
     * fails with `deadline` at [deadline]; [jitterSeed] 0 means no jitter.
     */
    @JvmStatic
    @JvmOverloads
    fun poll(
        initialInterval: Duration = pollDefaults.initialInterval,
        maxInterval: Duration = pollDefaults.maxInterval,
        deadline: Instant? = null,
        jitterSeed: Long = 0,
    ): PollOptions = PollOptions(initialInterval, maxInterval, deadline, jitterSeed.toULong())

    /**
     * Options of `ensureAccepted`: [wait] for the signer (or return `PENDING` once the attestation
     * exists), the [poll] schedule, and how often to read the acceptance state after finalize.
     */
    @JvmStatic
    @JvmOverloads
    fun ensure(
        wait: Boolean = true,
        poll: PollOptions = poll(),
        confirmAttempts: Int = ensureDefaults.confirmAttempts.toInt(),
    ): EnsureOptions = EnsureOptions(wait, poll, confirmAttempts.toUInt())
}
