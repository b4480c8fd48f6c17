//! Shared code of the fuzz targets: structure-aware generators ([`gen`]), the response dispatcher
//! ([`responses`]) and the flow driver with its invariants ([`flows`]).
#![forbid(unsafe_code)]

pub mod flows;
pub mod gen;
pub mod responses;
