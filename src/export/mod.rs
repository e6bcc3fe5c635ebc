//! Pages -> files: PDF with the archive and accessibility standards, and
//! the web edition's HTML pages, written atomically so that a failed build
//! never leaves a partial file.

pub mod extract;
pub mod pdf;
pub mod print;
pub mod typst_project;
pub mod web;
