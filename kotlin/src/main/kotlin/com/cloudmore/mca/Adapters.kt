package com.cloudmore.mca

import com.cloudmore.mca.ffi.Received
import com.cloudmore.mca.ffi.TransportException
import com.cloudmore.mca.model.FlowEvent
import com.cloudmore.mca.model.HttpRequest
import com.cloudmore.mca.model.HttpResponse
import java.io.IOException
import java.time.Duration
import java.time.Instant
import kotlin.coroutines.cancellation.CancellationException
import com.cloudmore.mca.ffi.BlockingHttpTransport as FfiBlockingTransport
import com.cloudmore.mca.ffi.BlockingRuntime as FfiBlockingRuntime
import com.cloudmore.mca.ffi.EventListener as FfiListener
import com.cloudmore.mca.ffi.HttpTransport as FfiTransport
import com.cloudmore.mca.ffi.Runtime as FfiRuntime

private fun describe(e: Throwable): String = e.message?.let { "${e.javaClass.simpleName}: $it" } ?: e.javaClass.name

/** A failure of the host transport as the core sees it: no response (retryable) or a stop. */
private fun transportFailure(e: Throwable): TransportException =
    when (e) {
        is IOException -> TransportException.Failed(describe(e))
        else -> TransportException.Aborted(describe(e))
    }

internal class AsyncTransportAdapter(private val inner: HttpTransport) : FfiTransport {
    override suspend fun send(request: HttpRequest): Received =
        try {
            Received(inner.send(request))
        } catch (e: CancellationException) {
            throw e
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
