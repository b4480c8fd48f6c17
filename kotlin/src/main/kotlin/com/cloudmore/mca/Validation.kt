@file:JvmName("McaValidation")

package com.cloudmore.mca

import com.cloudmore.mca.ffi.validateAddCspServiceAt
import com.cloudmore.mca.ffi.validateStartAttestationAt
import com.cloudmore.mca.model.AddCspService
import com.cloudmore.mca.model.StartAttestation

/**
 * The normalised start body as of [now] (RFC 3339 text; anything else is the core's `config`
 * error), without a client; sends nothing. Throws [McaException] (`invalid` with every violation).
 */
fun validateStartAttestation(
    input: StartAttestation,
    now: String,
): StartAttestation = mapped { validateStartAttestationAt(input, now) }

/** The normalised add-CSP-service body as of [now] (RFC 3339 text), without a client. */
fun validateAddCspService(
    input: AddCspService,
    now: String,
): AddCspService = mapped { validateAddCspServiceAt(input, now) }
