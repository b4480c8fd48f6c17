package com.cloudmore.mca

import com.cloudmore.mca.model.FlowEvent
import java.time.Duration
import java.time.Instant
import kotlinx.coroutines.delay

/**
 * Clock and sleep of the suspend [McaClient]. The core never reads a clock: it asks this. Tests
 * inject a fake one; [SystemRuntime] is the default.
 */
interface McaRuntime {
    /** The current time. */
    fun now(): Instant

    /** Suspends for [duration] (between polls and retries). */
    suspend fun sleep(duration: Duration)
}

/** The system clock and [delay]. */
object SystemRuntime : McaRuntime {
    override fun now(): Instant = Instant.now()

    override suspend fun sleep(duration: Duration) = delay(duration.toMillis())
}

/** Clock and sleep of the [McaBlockingClient]. [SystemBlockingRuntime] is the default. */
interface McaBlockingRuntime {
    /** The current time. */
    fun now(): Instant

    /** Blocks the calling thread for [duration]. */
    fun sleep(duration: Duration)
}

/** The system clock and [Thread.sleep]. */
object SystemBlockingRuntime : McaBlockingRuntime {
    override fun now(): Instant = Instant.now()

    override fun sleep(duration: Duration) = Thread.sleep(duration.toMillis())
}

/**
 * Receives flow progress ([FlowEvent]s carry no signer details), in order, on the thread that
 * drives the flow. Exceptions it throws are ignored.
 */
fun interface McaEventListener {
    /** Called once per event. */
    fun onEvent(event: FlowEvent)
}
