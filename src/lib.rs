//! briefpress: analysts' briefs written in TOML, typeset into tagged,
//! archival PDFs by the embedded Typst compiler.
//!
//! The pipeline, one module a stage:
//! [`load`] (TOML -> [`model`]) -> [`prepare`] (model -> render data) ->
//! [`typeset`] (render data -> pages) -> [`export`] (pages -> PDF file).
//! [`pipeline`] runs them for one document; the binary's `cli` only wires
//! arguments to it.

pub mod batch;
pub mod config;
pub mod diag;
pub mod export;
pub mod fsgate;
pub mod images;
pub mod limits;
pub mod load;
pub mod manifest;
pub mod model;
pub mod pipeline;
pub mod prepare;
pub mod project;
pub mod schema;
pub mod typeset;
