package com.cloudmore.mca.wildcard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.cloudmore.mca.*;
import com.cloudmore.mca.model.*;
import org.junit.jupiter.api.Test;

/**
 * A Java consumer that wildcard-imports every public package. This file only compiles when no
 * public class shadows {@code java.lang.Exception} or {@code java.lang.Error} (two on-demand imports
 * of the same simple name are ambiguous in Java).
 */
class WildcardImportJavaTest {
    @Test
    void exceptionAndErrorAreJavaLang() {
        Exception e = new IllegalStateException("x");
        Error err = new AssertionError("y");
        assertSame(java.lang.Exception.class, Exception.class);
        assertSame(java.lang.Error.class, Error.class);
        assertEquals("x", e.getMessage());
        assertEquals("y", err.getMessage());
    }

    @Test
    void catchExceptionCatchesTheSdkError() {
        ClientOptions options = new ClientOptions("ftp://example.com", "5d1c0b9e-7f0a-4b8e-9a34-2f1e6c7d8a90", null, null, null, null, null, null, null);
        String caught = "none";
        try {
            new McaBlockingClient(options).close();
        } catch (McaException mca) {
            caught = "mca:" + mca.getKind().name();
        } catch (Exception other) {
            caught = "other:" + other.getClass().getName();
        }
        assertEquals("mca:CONFIG", caught);
    }
}
