//! The `mca` command (see issue 8).
fn main() {}
