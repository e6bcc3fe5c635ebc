//! Pages -> files: PDF with the archive and accessibility standards,
//! verified against them on the final bytes, the web edition's HTML
//! pages and the EPUB edition made from them, written atomically so that a
//! failed build never leaves a partial file.

pub mod epub;
pub mod extract;
pub mod pdf;
pub mod print;
pub mod text_layer;
pub mod typst_project;
mod update;
pub mod verify;
pub mod web;
