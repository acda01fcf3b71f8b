//! The document model of specs and blueprints: header fields and status values.
//!
//! The freeze rule depends on reading a document's status exactly the same way
//! everywhere (hooks, `check`, lint), so the parsing and matching rules live here
//! and nowhere else. They take bytes and return values: no I/O.

mod front_matter;
pub mod reader;
mod rendered;
mod sections;
mod status;

pub use reader::{field_line, field_span};
pub use sections::{
    PLACEHOLDER, field_block, is_unfilled, link_targets, section, set_field_value,
    sibling_field_line, upsert_field,
};
pub use status::{
    Status, field_value, field_values, find_field_value, find_header_value, is_invisible,
    is_look_alike,
};
