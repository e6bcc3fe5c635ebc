//! `briefpress licenses`: the licences and notices of what the binary
//! carries, compiled in so that every copy ships them: the bundled fonts
//! and the validator that checks every PDF (with the Adobe CMaps and the
//! PDF.js tables it bundles).

use std::process::ExitCode;

use super::report::say;

/// Each notice, under its heading, in the order printed.
const NOTICES: &[(&str, &str)] = &[
    (
        "Bundled fonts (Noto Serif, Noto Sans, Noto Naskh Arabic, Noto Serif SC and its supplement): SIL Open Font License 1.1",
        include_str!("../../fonts/OFL.txt"),
    ),
    (
        "page_validation 0.12.2 (the PDF/A and PDF/UA validator): third-party notices",
        include_str!("../../licenses/page_validation-THIRD_PARTY_NOTICES.md"),
    ),
    (
        "page_validation 0.12.2: MIT License",
        include_str!("../../licenses/page_validation-LICENSE-MIT.txt"),
    ),
    (
        "page_validation 0.12.2: Apache License 2.0 (the adapted PDF.js encoding tables)",
        include_str!("../../licenses/page_validation-LICENSE-APACHE.txt"),
    ),
];

pub fn run() -> ExitCode {
    for (heading, text) in NOTICES {
        say(&format!("==== {heading} ====\n\n{}\n", text.trim_end()));
    }
    ExitCode::SUCCESS
}
