package com.cloudmore.mca

import com.cloudmore.mca.model.Acceptance
import com.cloudmore.mca.model.AddCspService
import com.cloudmore.mca.model.Attestation
import com.cloudmore.mca.model.AttestationStarted
import com.cloudmore.mca.model.CspServiceAdded
import com.cloudmore.mca.model.ClientOptions
import com.cloudmore.mca.model.EnsureAcceptedOptions
import com.cloudmore.mca.model.EnsureOutcome
import com.cloudmore.mca.model.RefreshOutcome
import com.cloudmore.mca.model.StartAttestation
import com.cloudmore.mca.model.Token
import com.cloudmore.mca.model.WaitOptions
import com.cloudmore.mca.model.WaitOutcome
import com.cloudmore.mca.ffi.McaClient as FfiClient

/**
 * Coroutine client of the MCA Partner Attestation API. Every rule (validation, retries, token
 * renewal, the flows) runs in the Rust core; this class adapts types and provides HTTP and time.
 *
 * Methods throw [McaException]. Cancelling the calling coroutine cancels the request in flight.
 * Java callers use [McaBlockingClient].
 */
class McaClient private constructor(
    options: ClientOptions,
    private val inner: FfiClient,
) : McaClientBase(
        options,
        LocalCalls(
            inner::baseUrl,
            inner::userAgent,
            inner::validateStartAttestation,
            inner::validateAddCspService,
            inner::normalizeOrganizationId,
            inner::close,
        ),
    ) {
    /** A client over the core's [options] (checked by the core: `config` errors). */
    @JvmOverloads
    constructor(
        options: ClientOptions,
        transport: HttpTransport = HttpUrlConnectionTransport().asSuspending(),
        runtime: McaRuntime = SystemRuntime,
        listener: McaEventListener? = null,
    ) : this(
        options,
        mapped {
            // With the system runtime the core reads the system clock itself: no call back into
            // the JVM for the time at every step (issue 13).
            if (runtime === SystemRuntime) {
                FfiClient.withSystemClock(options, BINDING, AsyncTransportAdapter(transport), AsyncRuntimeAdapter(runtime), listener?.let(::ListenerAdapter))
            } else {
                FfiClient(options, BINDING, AsyncTransportAdapter(transport), AsyncRuntimeAdapter(runtime), listener?.let(::ListenerAdapter))
            }
        },
    )

    /** A valid access token, cached or fetched (password auth only). */
    suspend fun token(): Token = mappedSuspend { inner.token() }

    /** Starts a partner attestation (validated first; never retried blindly). */
    suspend fun startAttestation(
        organizationId: String,
        input: StartAttestation,
    ): AttestationStarted = mappedSuspend { inner.startAttestation(organizationId, input) }

    /** The ongoing attestation, or `null` when there is none (404). */
    suspend fun getAttestation(organizationId: String): Attestation? = mappedSuspend { inner.getAttestation(organizationId) }

    /** Finalizes an accepted attestation. */
    suspend fun finalizeAttestation(organizationId: String): Unit = mappedSuspend { inner.finalizeAttestation(organizationId) }

    /** The customer's acceptance state. */
    suspend fun getAcceptance(organizationId: String): Acceptance = mappedSuspend { inner.getAcceptance(organizationId) }

    /** Asks for a re-sync of the acceptance state; a sync already running is the value `AlreadyRunning`. */
    suspend fun refreshAcceptance(organizationId: String): RefreshOutcome = mappedSuspend { inner.refreshAcceptance(organizationId) }

    /** Adds the CSP service; with `partnerAttestation` this is the automatic attestation flow. */
    suspend fun addCspService(
        organizationId: String,
        input: AddCspService,
    ): CspServiceAdded = mappedSuspend { inner.addCspService(organizationId, input) }

    /** Polls until the signer accepted or the link expired. */
    suspend fun waitForSignature(
        organizationId: String,
        options: WaitOptions = WaitOptions(),
    ): WaitOutcome = mappedSuspend { inner.waitForSignature(organizationId, options) }

    /** Makes sure the customer has accepted the MCA, doing only what is missing. */
    suspend fun ensureAccepted(
        organizationId: String,
        input: StartAttestation,
        options: EnsureAcceptedOptions = EnsureAcceptedOptions(),
    ): EnsureOutcome = mappedSuspend { inner.ensureAccepted(organizationId, input, options) }
}
