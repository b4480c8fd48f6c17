package com.cloudmore.mca

import com.cloudmore.mca.model.HttpRequest
import com.cloudmore.mca.model.HttpResponse
import java.io.IOException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runInterruptible

/**
 * The HTTP client the suspend [McaClient] sends through. Implement it to plug in OkHttp, Ktor or
 * anything else; [HttpUrlConnectionTransport] is the default.
 *
 * Contract: send [HttpRequest] as given (method, absolute URL, headers in order, optional body) and
 * return whatever response arrived, whatever its status (a 500 is a response, not an exception).
 * Throw an [IOException] only when no response arrived (connection refused or reset, DNS, TLS):
 * the core then retries where that is safe, or reports a `transport` error; a
 * [java.net.SocketTimeoutException] is the core's "request timed out after N ms" (`transport`,
 * [HttpRequest.timeoutMs] is the client's request timeout). A `CancellationException` or an
 * interrupt is the core's `cancelled` kind. Any other exception stops the flow at once (reported as
 * a `config` error naming the exception).
 */
interface HttpTransport {
    /** Sends [request]; see the interface documentation for the contract. */
    suspend fun send(request: HttpRequest): HttpResponse
}

/**
 * The HTTP client the [McaBlockingClient] sends through, called on the caller's thread. Same
 * contract as [HttpTransport]: return every response, throw [IOException] only when none arrived.
 */
fun interface BlockingHttpTransport {
    /** Sends [request] and blocks until the response arrived. */
    @Throws(IOException::class)
    fun send(request: HttpRequest): HttpResponse
}

/**
 * This blocking transport as a suspend [HttpTransport]: each exchange runs on [dispatcher]
 * (default [Dispatchers.IO]) and is interrupted when the calling coroutine is cancelled.
 */
@JvmOverloads
fun BlockingHttpTransport.asSuspending(dispatcher: CoroutineDispatcher = Dispatchers.IO): HttpTransport {
    val blocking = this
    return object : HttpTransport {
        override suspend fun send(request: HttpRequest): HttpResponse = runInterruptible(dispatcher) { blocking.send(request) }

        override fun toString(): String = "$blocking (suspending)"
    }
}
