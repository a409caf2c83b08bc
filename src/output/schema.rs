//! The `schemaVersion` every `-o json` document and `--report` file starts with.
//!
//! Policy (docs/json-output.md): adding a field keeps the version; renaming, removing or
//! changing the type or meaning of a field bumps it.

use serde::{Serialize, Serializer};

/// The current version of every JSON document ecrctl prints.
pub const SCHEMA_VERSION: u32 = 1;

/// A field that always serializes as [`SCHEMA_VERSION`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemaVersion;

impl Serialize for SchemaVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(SCHEMA_VERSION)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn serializes_as_the_current_version() {
        assert_eq!(serde_json::to_string(&super::SchemaVersion).unwrap(), "1");
    }
}
