//! Sandbox server of the Cloudmore MCA Partner Attestation API (see issue 4).
