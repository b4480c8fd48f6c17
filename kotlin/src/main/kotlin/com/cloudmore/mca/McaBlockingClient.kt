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
import com.cloudmore.mca.ffi.McaBlockingClient as FfiBlockingClient

/**
 * Blocking client of the MCA Partner Attestation API, for Java and for threads that may block
 * (never the Android main thread). Each call runs the core's driver on the calling thread: HTTP
 * through [BlockingHttpTransport], waits through [McaBlockingRuntime]. Methods throw
 * [McaException] (unchecked). The same method names as [McaClient].
 */
class McaBlockingClient private constructor(
    options: ClientOptions,
    private val inner: FfiBlockingClient,
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
        transport: BlockingHttpTransport = HttpUrlConnectionTransport(),
        runtime: McaBlockingRuntime = SystemBlockingRuntime,
        listener: McaEventListener? = null,
    ) : this(
        options,
        mapped {
            // With the system runtime the core reads the system clock itself: no call back into
            // the JVM for the time at every step (issue 13).
            if (runtime === SystemBlockingRuntime) {
                FfiBlockingClient.withSystemClock(options, BINDING, BlockingTransportAdapter(transport), BlockingRuntimeAdapter(runtime), listener?.let(::ListenerAdapter))
            } else {
                FfiBlockingClient(options, BINDING, BlockingTransportAdapter(transport), BlockingRuntimeAdapter(runtime), listener?.let(::ListenerAdapter))
            }
        },
    )

    /** A valid access token, cached or fetched (password auth only). */
    fun token(): Token = mapped { inner.token() }

    /** Starts a partner attestation (validated first; never retried blindly). */
    fun startAttestation(
        organizationId: String,
        input: StartAttestation,
    ): AttestationStarted = mapped { inner.startAttestation(organizationId, input) }

    /** The ongoing attestation, or `null` when there is none (404). */
    fun getAttestation(organizationId: String): Attestation? = mapped { inner.getAttestation(organizationId) }

    /** Finalizes an accepted attestation. */
    fun finalizeAttestation(organizationId: String): Unit = mapped { inner.finalizeAttestation(organizationId) }

    /** The customer's acceptance state. */
    fun getAcceptance(organizationId: String): Acceptance = mapped { inner.getAcceptance(organizationId) }

    /** Asks for a re-sync of the acceptance state; a sync already running is the value `AlreadyRunning`. */
    fun refreshAcceptance(organizationId: String): RefreshOutcome = mapped { inner.refreshAcceptance(organizationId) }

    /** Adds the CSP service; with `partnerAttestation` this is the automatic attestation flow. */
    fun addCspService(
        organizationId: String,
        input: AddCspService,
    ): CspServiceAdded = mapped { inner.addCspService(organizationId, input) }

    /** Polls until the signer accepted or the link expired. */
    @JvmOverloads
    fun waitForSignature(
        organizationId: String,
        options: WaitOptions = WaitOptions(),
    ): WaitOutcome = mapped { inner.waitForSignature(organizationId, options) }

    /** Makes sure the customer has accepted the MCA, doing only what is missing. */
    @JvmOverloads
    fun ensureAccepted(
        organizationId: String,
        input: StartAttestation,
        options: EnsureAcceptedOptions = EnsureAcceptedOptions(),
    ): EnsureOutcome = mapped { inner.ensureAccepted(organizationId, input, options) }
}
