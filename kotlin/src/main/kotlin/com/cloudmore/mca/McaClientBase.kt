package com.cloudmore.mca

import com.cloudmore.mca.model.AddCspService
import com.cloudmore.mca.model.ClientOptions
import com.cloudmore.mca.model.StartAttestation

/**
 * What [McaClient] and [McaBlockingClient] share, written once: the options, the client's facts and
 * the calls that send nothing (validation against the client's clock, GUID normalisation). Each
 * subclass adds the calls that send requests, suspending or blocking. Only this library extends it.
 */
abstract class McaClientBase internal constructor(
    /** The core's client options (every rule and default is the core's). */
    val options: ClientOptions,
    private val local: LocalCalls,
) : AutoCloseable {
    /** The normalised base URL (ends in `/`). */
    val baseUrl: String get() = local.baseUrl()

    /** The `User-Agent` sent with every request. */
    val userAgent: String get() = local.userAgent()

    /** Validates and normalises a start body against the client's clock; sends nothing. */
    fun validateStartAttestation(input: StartAttestation): StartAttestation = mapped { local.validateStartAttestation(input) }

    /** Validates and normalises an add-CSP-service body against the client's clock; sends nothing. */
    fun validateAddCspService(input: AddCspService): AddCspService = mapped { local.validateAddCspService(input) }

    /** Normalises an organisation GUID (`invalid` at `/organizationId` otherwise). */
    fun normalizeOrganizationId(organizationId: String): String = mapped { local.normalizeOrganizationId(organizationId) }

    /** Frees the native client. */
    override fun close() = local.close()

    override fun toString(): String = "${javaClass.simpleName}($options)"
}

/**
 * The native client's calls that send nothing, as the two generated clients (which share no
 * interface) both provide them: function references, so no logic is repeated per client.
 */
internal class LocalCalls(
    val baseUrl: () -> String,
    val userAgent: () -> String,
    val validateStartAttestation: (StartAttestation) -> StartAttestation,
    val validateAddCspService: (AddCspService) -> AddCspService,
    val normalizeOrganizationId: (String) -> String,
    val close: () -> Unit,
)
