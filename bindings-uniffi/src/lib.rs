//! uniffi bindings (see issue 6).
