//! The values a YAML reader (a documentation site) takes for a top-level key of a
//! document's front matter, read with a YAML parser: quoted and escaped keys and
//! values, flow mappings, multi-line scalars, tags, explicit keys (`? status`),
//! aliases of anchored scalars and merge keys (`<<: *defaults`).
//!
//! The parser's events are read as they come; an alias is resolved to the scalar or
//! the mapping's pairs it names, never expanded recursively, so no input makes the
//! reading grow. Front matter larger than [`LIMIT`] is not parsed (the line reading
//! still reads it).

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// The largest front matter parsed as YAML.
pub(super) const LIMIT: usize = 64 << 10;

/// The values of the top-level key `field` (compared ignoring case), in order.
pub(super) fn values(front_matter: &str, field: &str) -> Vec<String> {
    if front_matter.len() > LIMIT {
        return Vec::new();
    }
    let mut reader = Reader {
        field,
        stack: Vec::new(),
        scalars: HashMap::new(),
        mappings: HashMap::new(),
        found: Vec::new(),
    };
    let mut parser = Parser::new_from_str(front_matter);
    // A document that is not YAML has no YAML values; what was read before the error
    // still counts.
    let _ = parser.load(&mut reader, false);
    reader.found
}

/// Whether a key names `field`, read as a reader reads a field name (case,
/// invisible characters and look-alike letters aside).
fn is_field(key: &str, field: &str) -> bool {
    super::reader::field_line(&format!("{}: x", key.trim()), field).is_some()
}

/// What is open while the events arrive.
#[derive(Debug)]
enum Open {
    /// A mapping: its anchor, the key read (waiting for its value), and its pairs of
    /// scalars (for merge keys).
    Mapping {
        anchor: usize,
        key: Option<String>,
        pairs: Vec<(String, String)>,
        /// Whether the value being read is the `<<` key's (merged into the parent).
        merging: bool,
    },
    /// A sequence: its elements are no values of a key.
    Sequence,
}

struct Reader<'f> {
    field: &'f str,
    stack: Vec<Open>,
    scalars: HashMap<usize, String>,
    mappings: HashMap<usize, Vec<(String, String)>>,
    found: Vec<String>,
}

impl Reader<'_> {
    fn is_field(&self, key: &str) -> bool {
        is_field(key, self.field)
    }

    /// A value (scalar, or `None` for a container) read where the innermost mapping
    /// waits for one.
    fn value(&mut self, value: Option<String>) {
        let top_level = self.stack.len() == 1;
        let field = self.field;
        let Some(Open::Mapping { key, pairs, .. }) = self.stack.last_mut() else {
            return;
        };
        let Some(name) = key.take() else {
            // A key: keys that are not scalars are nobody's field.
            *key = Some(value.unwrap_or_default());
            return;
        };
        if let Some(value) = value {
            if top_level && is_field(&name, field) {
                self.found.push(value.clone());
            }
            pairs.push((name, value));
        }
    }

    /// Pairs merged into the top-level mapping (`<<: *defaults` or `<<: {…}`).
    fn merge(&mut self, pairs: &[(String, String)]) {
        if self.stack.len() == 1 {
            let found: Vec<String> = pairs
                .iter()
                .filter(|(key, _)| self.is_field(key))
                .map(|(_, value)| value.clone())
                .collect();
            self.found.extend(found);
        }
    }

    /// Whether the innermost mapping waits for the value of `<<`.
    fn merging_next(&self) -> bool {
        matches!(self.stack.last(), Some(Open::Mapping { key: Some(key), .. }) if key == "<<")
    }
}

impl MarkedEventReceiver for Reader<'_> {
    fn on_event(&mut self, event: Event, _mark: Marker) {
        match event {
            Event::Scalar(value, _, anchor, _) => {
                if anchor > 0 {
                    self.scalars.insert(anchor, value.clone());
                }
                self.value(Some(value));
            }
            Event::Alias(anchor) => {
                if self.merging_next() {
                    let pairs = self.mappings.get(&anchor).cloned().unwrap_or_default();
                    self.merge(&pairs);
                    self.value(None);
                } else {
                    let scalar = self.scalars.get(&anchor).cloned();
                    self.value(scalar);
                }
            }
            Event::MappingStart(anchor, _) => {
                let merging = self.merging_next();
                self.stack.push(Open::Mapping {
                    anchor,
                    key: None,
                    pairs: Vec::new(),
                    merging,
                });
            }
            Event::MappingEnd => {
                if let Some(Open::Mapping {
                    anchor,
                    pairs,
                    merging,
                    ..
                }) = self.stack.pop()
                {
                    if merging {
                        self.merge(&pairs);
                    }
                    if anchor > 0 {
                        self.mappings.insert(anchor, pairs);
                    }
                }
                self.value(None);
            }
            Event::SequenceStart(..) => self.stack.push(Open::Sequence),
            Event::SequenceEnd => {
                self.stack.pop();
                self.value(None);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_yaml_reader_takes() {
        for (yaml, expected) in [
            ("status: In Progress\n", "In Progress"),
            ("status: \"In\\x20Progress\"\n", "In Progress"),
            ("\"st\\x61tus\": In Progress\n", "In Progress"),
            ("{status: In Progress, title: A}\n", "In Progress"),
            ("status: In\n  Progress\n", "In Progress"),
            ("status: ! In Progress\n", "In Progress"),
            ("? status\n: In Progress\n", "In Progress"),
            ("s: &s In Progress\nstatus: *s\n", "In Progress"),
            ("base: &b {status: In Progress}\n<<: *b\n", "In Progress"),
            ("<<: {status: In Progress}\n", "In Progress"),
            ("  status: In Progress\n", "In Progress"),
            ("status: >-\n  In\n  Progress\n", "In Progress"),
        ] {
            assert_eq!(values(yaml, "Status"), [expected], "{yaml:?}");
        }
        assert!(values("notes:\n  status: In Progress\n", "Status").is_empty());
        assert!(values("- status: In Progress\n", "Status").is_empty());
        assert_eq!(
            values("status: Draft\nstatus: In Progress\n", "Status"),
            ["Draft", "In Progress"]
        );
        assert!(values("status: [unclosed\n", "Status").is_empty());
    }
}
