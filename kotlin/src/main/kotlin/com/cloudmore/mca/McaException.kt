package com.cloudmore.mca

import com.cloudmore.mca.ffi.cancelledView
import com.cloudmore.mca.ffi.errorView
import com.cloudmore.mca.model.CoreException
import com.cloudmore.mca.model.ErrorKind
import com.cloudmore.mca.model.ErrorView
import kotlin.coroutines.cancellation.CancellationException

/**
 * The one error of the SDK, made from the core's flat error view: [kind] and every member of
 * [view] (status, code, title, detail, violations, retry-after, trace id, body excerpt, problem)
 * and the message are the core's, the same in every language. Messages never contain tokens,
 * passwords or signer details.
 */
class McaException internal constructor(
    /** The core's flat error view. */
    val view: ErrorView,
    /** The generated core error this was made from, if any. */
    cause: Throwable?,
) : RuntimeException(view.message, cause) {
    /** The stable kind. */
    val kind: ErrorKind get() = view.kind

    override fun toString(): String = "McaException(kind=${kind.name.lowercase()}): $message"

    internal companion object {
        fun from(e: CoreException): McaException = McaException(errorView(e), e)

        /** The `cancelled` error for a cancelled coroutine (the core's view and message). */
        fun cancelled(cause: Throwable): McaException = McaException(cancelledView(), cause)
    }
}

/** Runs [block], turning the generated core error into [McaException]. */
internal inline fun <T> mapped(block: () -> T): T =
    try {
        block()
    } catch (e: CoreException) {
        throw McaException.from(e)
    }

/**
 * Runs the suspending [block]: the generated core error becomes [McaException]; a cancellation of
 * the calling coroutine stays a [CancellationException] (structured concurrency) whose cause is the
 * `cancelled` [McaException].
 */
internal suspend inline fun <T> mappedSuspend(crossinline block: suspend () -> T): T =
    try {
        block()
    } catch (e: CoreException) {
        throw McaException.from(e)
    } catch (e: CancellationException) {
        if (e.cause is McaException) throw e
        throw CancellationException(e.message).also { it.initCause(McaException.cancelled(e)) }
    }

/** The `User-Agent` binding label of the JVM clients. */
internal const val BINDING = "kotlin"
