//! briefpress: analysts' briefs written in TOML, typeset into tagged,
//! archival PDFs by the embedded Typst compiler.
//!
//! Layers, each using only those before it (a test holds the order):
//! [`model`] (the documents' schema) <- [`load`] (TOML, configuration,
//! project -> model) <- [`prepare`] (model -> render data) <- [`import`] (a manuscript or web page -> TOML) <- [`typeset`]
//! (render data -> pages) <- [`export`] (pages -> PDF bytes) <-
//! [`catalogue`] (an output folder's listing) <- [`build`] (the engine
//! every command runs: discover, plan, manifest, run on one thread pool).
//! Below them all, leaf modules any layer may use: [`diag`], [`fsgate`],
//! [`limits`], [`images`]. The binary's `cli` maps arguments to
//! [`build::Options`] and renders the engine's events.

pub mod build;
pub mod catalogue;
pub mod diag;
pub mod export;
pub mod fsgate;
pub mod images;
pub mod import;
pub mod limits;
pub mod load;
pub mod model;
pub mod prepare;
pub mod typeset;

#[cfg(test)]
mod testing;
