//! Render data -> pages, through the embedded Typst compiler.

pub mod archive;
mod bounds;
pub mod compile;
pub mod coverage;
pub mod downsample;
pub mod folder;
pub mod fonts;
pub mod output;
pub mod resolution;
pub mod templates;
pub mod world;

pub use compile::{Typeset, typeset, typeset_own, typeset_part};
pub use output::Part;
pub use world::Typesetter;
