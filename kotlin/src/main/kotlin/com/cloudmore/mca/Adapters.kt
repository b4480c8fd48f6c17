package com.cloudmore.mca

import com.cloudmore.mca.ffi.Received
import com.cloudmore.mca.ffi.TransportException
import com.cloudmore.mca.model.FlowEvent
import com.cloudmore.mca.model.HttpRequest
import com.cloudmore.mca.model.HttpResponse
import java.io.IOException
import java.io.InterruptedIOException
import java.net.SocketTimeoutException
import java.time.Duration
import java.time.Instant
import kotlin.coroutines.cancellation.CancellationException
import com.cloudmore.mca.ffi.BlockingHttpTransport as FfiBlockingTransport
import com.cloudmore.mca.ffi.BlockingRuntime as FfiBlockingRuntime
import com.cloudmore.mca.ffi.EventListener as FfiListener
import com.cloudmore.mca.ffi.HttpTransport as FfiTransport
import com.cloudmore.mca.ffi.Runtime as FfiRuntime

private fun describe(e: Throwable): String = e.message?.let { "${e.javaClass.simpleName}: $it" } ?: e.javaClass.name

/**
 * A failure of the host transport as the core sees it: cancelled (coroutine cancellation, thread
 * interrupt: the `cancelled` kind), timed out (the core's "request timed out after N ms"), no
 * response (retryable) or a stop.
 */
private fun transportFailure(e: Throwable): TransportException =
    when (e) {
        is CancellationException -> TransportException.Cancelled()
        is SocketTimeoutException -> TransportException.TimedOut()
        is InterruptedIOException, is InterruptedException -> {
            Thread.currentThread().interrupt()
            TransportException.Cancelled()
        }
        is IOException -> TransportException.Failed(e.message ?: e.javaClass.name)
        else -> TransportException.Aborted(describe(e))
    }

internal class AsyncTransportAdapter(private val inner: HttpTransport) : FfiTransport {
    override suspend fun send(request: HttpRequest): Received =
        try {
            Received(inner.send(request))
        } catch (e: Throwable) {
            throw transportFailure(e)
        }
}

internal class BlockingTransportAdapter(private val inner: BlockingHttpTransport) : FfiBlockingTransport {
    override fun send(request: HttpRequest): HttpResponse =
        try {
            inner.send(request)
        } catch (e: Throwable) {
            throw transportFailure(e)
        }
}

internal class AsyncRuntimeAdapter(private val inner: McaRuntime) : FfiRuntime {
    override fun now(): Instant = inner.now()

    override suspend fun sleep(duration: Duration) = inner.sleep(duration)
}

internal class BlockingRuntimeAdapter(private val inner: McaBlockingRuntime) : FfiBlockingRuntime {
    override fun now(): Instant = inner.now()

    override fun sleep(duration: Duration) {
        try {
            inner.sleep(duration)
        } catch (e: InterruptedException) {
            Thread.currentThread().interrupt()
        }
    }
}

internal class ListenerAdapter(private val inner: McaEventListener) : FfiListener {
    override fun onEvent(event: FlowEvent) {
        try {
            inner.onEvent(event)
        } catch (_: Throwable) {
            // A listener cannot fail the flow (documented on McaEventListener).
        }
    }
}
