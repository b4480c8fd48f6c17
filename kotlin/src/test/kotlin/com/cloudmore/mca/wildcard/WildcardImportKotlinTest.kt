package com.cloudmore.mca.wildcard

import com.cloudmore.mca.*
import com.cloudmore.mca.model.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertSame

/**
 * A Kotlin consumer that wildcard-imports every public package (as the README does). Star imports
 * win over Kotlin's default imports, so a generated class named `Exception` or `Error` would
 * silently take the place of `java.lang.Exception` here.
 */
class WildcardImportKotlinTest {
    @Test
    fun exceptionIsJavaLang() {
        assertSame(java.lang.Exception::class.java, Exception::class.java)
        assertSame(java.lang.Error::class.java, Error::class.java)
    }

    @Test
    fun catchExceptionCatchesEverything() {
        val caught =
            try {
                throw IllegalStateException("boom")
            } catch (e: Exception) {
                e.message
            }
        assertEquals("boom", caught)
    }
}
