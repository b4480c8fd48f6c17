@file:JvmName("McaOptions")

package com.cloudmore.mca

import com.cloudmore.mca.model.ClientOptions
import com.cloudmore.mca.model.Credentials

/**
 * The core's [ClientOptions] with only the required members; every other member is absent, which
 * is the core's default. For Java, which cannot use Kotlin's named and default arguments: set the
 * others with the record's setters (`options.setCredentials(…)`, `options.setRequestTimeoutMs(…)`).
 * Kotlin callers write `ClientOptions(baseUrl = …, resellerId = …, …)` instead.
 */
fun clientOptions(
    baseUrl: String,
    resellerId: String,
): ClientOptions = ClientOptions(baseUrl = baseUrl, resellerId = resellerId)

/**
 * The core's password-grant [Credentials] with only the user name and password; the client id,
 * secret, client authentication and scope take the core's defaults (for Java, as [clientOptions]).
 */
fun credentials(
    username: String,
    password: String,
): Credentials = Credentials(username = username, password = password)
