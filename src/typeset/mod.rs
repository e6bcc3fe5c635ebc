//! Render data -> pages, through the embedded Typst compiler.

pub mod archive;
pub mod compile;
pub mod coverage;
pub mod folder;
pub mod fonts;
pub mod resolution;
pub mod templates;
pub mod world;

pub use compile::{Typeset, typeset};
pub use world::Typesetter;
