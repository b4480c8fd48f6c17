package com.cloudmore.mca

import com.cloudmore.mca.ffi.maxResponseBytes
import com.cloudmore.mca.model.Header
import com.cloudmore.mca.model.HttpRequest
import com.cloudmore.mca.model.HttpResponse
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.SocketTimeoutException
import java.net.URI
import java.time.Duration
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.ScheduledThreadPoolExecutor
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.Dispatchers

/**
 * The default transport, on [HttpURLConnection]: on the JVM and on Android (where `java.net.http`
 * does not exist), no dependency. [McaClient] uses it through [asSuspending], which runs each
 * exchange on [Dispatchers.IO]. Bodies are UTF-8.
 *
 * Against a hostile server: redirects are never followed (the 3xx goes to the core, which refuses
 * it as a `transport` error); a body larger than the core's `MAX_RESPONSE_BYTES` (4 MiB) is an
 * [IOException] ("response body exceeds N bytes") after reading at most that many bytes plus one;
 * and the whole exchange — connect, headers and body — ends within the request's
 * [HttpRequest.timeoutMs] (the client's `ClientOptions.requestTimeoutMs`, default the core's
 * `DEFAULT_REQUEST_TIMEOUT`, 30 s), however slowly the body trickles: then a
 * [SocketTimeoutException], which the core reports as `transport` "request timed out after N ms".
 */
class HttpUrlConnectionTransport
    @JvmOverloads
    constructor(
        /** Longest connect (never longer than the request's timeout). */
        private val connectTimeout: Duration = Duration.ofSeconds(15),
        /** Longest wait for data (never longer than what is left of the request's timeout). */
        private val readTimeout: Duration = Duration.ofSeconds(60),
    ) : BlockingHttpTransport {
        override fun send(request: HttpRequest): HttpResponse {
            val started = System.nanoTime()
            val budget = TimeUnit.MILLISECONDS.toNanos(request.timeoutMs.coerceAtLeast(1))
            fun leftMillis(): Int {
                val left = budget - (System.nanoTime() - started)
                if (left <= 0) throw timedOut(request)
                return TimeUnit.NANOSECONDS.toMillis(left).coerceIn(1, Int.MAX_VALUE.toLong()).toInt()
            }
            val connection = URI(request.url).toURL().openConnection() as HttpURLConnection
            // The watchdog ends a read that is blocked when the deadline passes.
            val watchdog = WATCHDOG.schedule({ connection.disconnect() }, budget, TimeUnit.NANOSECONDS)
            try {
                connection.instanceFollowRedirects = false
                connection.useCaches = false
                connection.connectTimeout = minOf(connectTimeout.toMillis(), leftMillis().toLong()).toInt()
                connection.readTimeout = minOf(readTimeout.toMillis(), leftMillis().toLong()).toInt()
                connection.requestMethod = request.method.name
                for (header in request.headers) connection.addRequestProperty(header.name, header.value)
                val body = request.body
                if (body != null || request.method.name != "GET") {
                    // POST/PUT without a body still send `Content-Length: 0`.
                    val bytes = (body ?: "").toByteArray(Charsets.UTF_8)
                    connection.doOutput = true
                    connection.setFixedLengthStreamingMode(bytes.size)
                    connection.outputStream.use { it.write(bytes) }
                }
                val status = connection.responseCode
                if (status < 0) throw IOException("not an HTTP response")
                val headers =
                    connection.headerFields.flatMap { (name, values) ->
                        if (name == null) emptyList() else values.map { Header(name, it) }
                    }
                if (connection.contentLengthLong > LIMIT) throw tooLarge()
                val stream: InputStream? = if (status >= 400) connection.errorStream else connection.inputStream
                val text = stream?.use { readBounded(it, connection, ::leftMillis) } ?: ""
                return HttpResponse(status, headers, text)
            } catch (e: IOException) {
                // A read cut by the watchdog surfaces as a socket error: report the deadline.
                if (System.nanoTime() - started >= budget) throw timedOut(request)
                throw e
            } finally {
                watchdog.cancel(false)
                connection.disconnect()
            }
        }

        private fun readBounded(
            stream: InputStream,
            connection: HttpURLConnection,
            leftMillis: () -> Int,
        ): String {
            val out = ByteArrayOutputStream()
            val buffer = ByteArray(64 * 1024)
            while (true) {
                connection.readTimeout = minOf(readTimeout.toMillis(), leftMillis().toLong()).toInt()
                val n = stream.read(buffer)
                if (n < 0) break
                if (out.size().toLong() + n > LIMIT) throw tooLarge()
                out.write(buffer, 0, n)
                leftMillis()
            }
            return String(out.toByteArray(), Charsets.UTF_8)
        }

        private fun tooLarge() = IOException("response body exceeds $LIMIT bytes")

        /** The core turns this into its `transport` error "request timed out after N ms". */
        private fun timedOut(request: HttpRequest) = SocketTimeoutException("no complete response within ${request.timeoutMs} ms")

        override fun toString(): String = "HttpUrlConnectionTransport(connectTimeout=$connectTimeout, readTimeout=$readTimeout)"

        private companion object {
            /** The core's cap on a response body. */
            val LIMIT: Long = maxResponseBytes().toLong()

            /** One daemon thread for every transport's deadline. */
            val WATCHDOG: ScheduledExecutorService =
                ScheduledThreadPoolExecutor(1) { r ->
                    Thread(r, "mca-http-deadline").apply { isDaemon = true }
                }.apply { removeOnCancelPolicy = true }
        }
    }
