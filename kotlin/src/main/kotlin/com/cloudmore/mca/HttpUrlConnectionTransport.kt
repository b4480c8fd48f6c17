package com.cloudmore.mca

import com.cloudmore.mca.model.Header
import com.cloudmore.mca.model.HttpRequest
import com.cloudmore.mca.model.HttpResponse
import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.URI
import java.time.Duration
import kotlinx.coroutines.Dispatchers

/**
 * The default transport, on [HttpURLConnection]: on the JVM and on Android (where `java.net.http`
 * does not exist), no dependency. [McaClient] uses it through [asSuspending], which runs each
 * exchange on [Dispatchers.IO]. Redirects are not followed; bodies are UTF-8.
 */
class HttpUrlConnectionTransport
    @JvmOverloads
    constructor(
        /** Connect timeout. */
        private val connectTimeout: Duration = Duration.ofSeconds(15),
        /** Read timeout (time without data while waiting for the answer). */
        private val readTimeout: Duration = Duration.ofSeconds(60),
    ) : BlockingHttpTransport {
        override fun send(request: HttpRequest): HttpResponse {
            val connection = URI(request.url).toURL().openConnection() as HttpURLConnection
            try {
                connection.instanceFollowRedirects = false
                connection.useCaches = false
                connection.connectTimeout = connectTimeout.toMillis().toInt()
                connection.readTimeout = readTimeout.toMillis().toInt()
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
                val stream: InputStream? = if (status >= 400) connection.errorStream else connection.inputStream
                val text = stream?.use { String(it.readBytes(), Charsets.UTF_8) } ?: ""
                return HttpResponse(status.toUShort(), headers, text)
            } finally {
                connection.disconnect()
            }
        }

        override fun toString(): String = "HttpUrlConnectionTransport(connectTimeout=$connectTimeout, readTimeout=$readTimeout)"
    }
