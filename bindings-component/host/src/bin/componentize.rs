//! `componentize CORE.wasm OUT.wasm`: turns the guest's core module (built for
//! `wasm32-unknown-unknown`, with the WIT embedded by `wit-bindgen`) into a component, as
//! `wasm-tools component new` does, with the same library (`wit-component`).

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        bail!("usage: componentize CORE.wasm OUT.wasm");
    };
    let module = std::fs::read(input).with_context(|| format!("reading {input}"))?;
    let component = wit_component::ComponentEncoder::default()
        .module(&module)?
        .validate(true)
        .encode()?;
    // Unchanged output is not rewritten, so that the hosts' caches of compiled code stay valid.
    if std::fs::read(output).ok().as_deref() != Some(component.as_slice()) {
        std::fs::write(output, &component).with_context(|| format!("writing {output}"))?;
    }
    println!("{output}: {} bytes", component.len());
    Ok(())
}
