//! GUID identifiers of resellers and organisations: any case in, lowercase hyphenated out.

use std::fmt;

use crate::error::McaError;

fn parse_guid(text: &str, what: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    if !shaped {
        return Err(format!(
            "{what} must be a GUID in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (no braces, no urn: prefix), got {:?}",
            crate::redact::excerpt(text, 60)
        ));
    }
    uuid::Uuid::try_parse(text)
        .map(|u| u.hyphenated().to_string())
        .map_err(|e| format!("{what} is not a GUID: {e}"))
}

macro_rules! guid_id {
    ($(#[$doc:meta])* $name:ident, $label:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Parses a GUID (any case; braces and `urn:uuid:` forms are rejected).
            pub fn parse(text: &str) -> Result<Self, McaError> {
                parse_guid(text.trim(), $label)
                    .map($name)
                    .map_err(|detail| McaError::invalid(concat!("/", $label), detail))
            }

            /// The normalised (lowercase, hyphenated) form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = McaError;
            fn from_str(s: &str) -> Result<Self, McaError> {
                Self::parse(s)
            }
        }
    };
}

guid_id!(
    /// The reseller (broker) id in every API path.
    ResellerId,
    "resellerId"
);
guid_id!(
    /// The organisation (end customer) id in every API path.
    OrganizationId,
    "organizationId"
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn uppercase_is_normalised() {
        let id = OrganizationId::parse("3F2504E0-4F89-11D3-9A0C-0305E82C3301").unwrap();
        assert_eq!(id.as_str(), "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    }

    #[test]
    fn braces_and_urn_are_rejected() {
        for bad in [
            "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
            "urn:uuid:3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "3f2504e04f8911d39a0c0305e82c3301",
            "3f2504e0-4f89-11d3-9a0c-0305e82c330g",
            "",
        ] {
            let err = ResellerId::parse(bad).unwrap_err();
            assert_eq!(err.kind(), "invalid");
            assert_eq!(
                err.violations().first().unwrap().pointer.as_deref(),
                Some("/resellerId")
            );
        }
    }
}
