//! Pages -> files: PDF with the archive and accessibility standards, written
//! atomically so that a failed build never leaves a partial file.

pub mod extract;
pub mod pdf;
pub mod print;
pub mod typst_project;
