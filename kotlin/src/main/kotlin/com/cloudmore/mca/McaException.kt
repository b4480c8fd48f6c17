package com.cloudmore.mca

import com.cloudmore.mca.model.Problem
import com.cloudmore.mca.model.Violation
import java.time.Duration
import com.cloudmore.mca.model.McaException as CoreError

/**
 * The one error of the SDK. [kind] is the stable string shared by every language: `invalid`,
 * `api`, `unauthorized`, `forbidden`, `rate_limited`, `transport`, `decode`, `deadline`, `config`.
 * Messages never contain tokens, passwords or signer details.
 */
class McaException internal constructor(
    /** The stable kind string. */
    val kind: String,
    message: String,
    /** HTTP status, where a response was received. */
    val status: Int?,
    /** Problem details, for `api`, `unauthorized`, `forbidden` and `rate_limited`. */
    val problem: Problem?,
    /** Client-side violations for `invalid`; the server's `errors` otherwise. */
    val violations: List<Violation>,
    /** Delay from `Retry-After`, where the server sent one. */
    val retryAfter: Duration?,
    /** The generated core error this was made from. */
    cause: Throwable?,
) : RuntimeException(message, cause) {
    /** Cloudmore error code (problem `code`, or a legacy `errorCode`). */
    val code: String? get() = problem?.code

    /** Problem title. */
    val title: String? get() = problem?.title

    /** Problem detail. */
    val detail: String? get() = problem?.detail

    /** Problem `traceId`. */
    val traceId: String? get() = problem?.traceId

    override fun toString(): String = "McaException(kind=$kind): $message"

    internal companion object {
        fun from(e: CoreError): McaException =
            when (e) {
                is CoreError.Invalid ->
                    McaException(
                        "invalid",
                        "invalid input: " + e.violations.joinToString("; ") { "${it.pointer}: ${it.detail}" },
                        null, null, e.violations, null, e,
                    )
                is CoreError.Api -> problem("api", "API error ${e.problem.status}", e.problem, null, e)
                is CoreError.Unauthorized -> problem("unauthorized", "unauthorized (${e.problem.status})", e.problem, null, e)
                is CoreError.Forbidden -> problem("forbidden", "forbidden", e.problem, null, e)
                is CoreError.RateLimited -> problem("rate_limited", "rate limited", e.problem, e.retryAfter, e)
                is CoreError.Transport -> simple("transport", "transport error: ${e.reason}", e)
                is CoreError.Decode ->
                    McaException(
                        "decode",
                        "could not decode response (status ${e.status}): ${e.reason}",
                        e.status.toInt(), null, emptyList(), null, e,
                    )
                is CoreError.Deadline -> simple("deadline", "deadline exceeded: ${e.reason}", e)
                is CoreError.Config -> simple("config", "configuration error: ${e.reason}", e)
                is CoreError.Cancelled -> simple("cancelled", "cancelled: ${e.reason}", e)
            }

        private fun simple(kind: String, message: String, cause: Throwable) =
            McaException(kind, message, null, null, emptyList(), null, cause)

        private fun problem(kind: String, head: String, p: Problem, retryAfter: Duration?, cause: Throwable): McaException {
            val parts = listOfNotNull(p.title, p.detail, p.code?.let { "[$it]" }) + p.errors.map { "${it.pointer}: ${it.detail}" }
            return McaException(
                kind,
                if (parts.isEmpty()) head else "$head: ${parts.joinToString(" — ")}",
                p.status.toInt(), p, p.errors, retryAfter ?: p.retryAfter, cause,
            )
        }
    }
}

/** Runs [block], turning the generated core error into [McaException]. */
internal inline fun <T> mapped(block: () -> T): T =
    try {
        block()
    } catch (e: CoreError) {
        throw McaException.from(e)
    }
