//! Pages -> files: PDF with the archive and accessibility standards,
//! verified against them on the final bytes, and the web edition's HTML
//! pages, written atomically so that a failed build never leaves a partial
//! file.

pub mod extract;
pub mod pdf;
pub mod print;
pub mod typst_project;
pub mod verify;
pub mod web;
