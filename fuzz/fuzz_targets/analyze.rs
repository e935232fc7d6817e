//! Fuzz target: any bytes, loaded as one file, through the whole engine (split, parse, store,
//! every analyzer) and every formatter. Nothing may panic.
#![no_main]

use istio_analysis::output::render_all;
use istio_analysis::run::analyze_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (findings, report) = analyze_bytes(data);
    let _ = render_all(&findings, &report.errors);
});
