//! Integration tests: the briefpress binary on real files, its PDFs read
//! back with poppler. One test binary, so typst is linked once.

mod accessibility;
mod archive;
mod batch;
mod budgets;
mod catalogue;
mod check;
mod codes;
mod commands;
mod compendium;
mod config;
mod conformance;
mod contract;
mod corpus;
mod emit;
mod errors;
mod extract;
mod fixtures_mistakes;
mod gate;
mod identical;
mod import;
mod issue;
mod layers;
mod layout;
mod literal;
mod mistakes;
mod outputs;
mod overrides;
mod parse_once;
mod print;
mod property;
mod review;
mod samples;
mod support;
mod typography;
mod web;
