//! Keys given twice in one JSON object. serde_json keeps the last silently, and other
//! readers (AWS's among them) may keep the first, so a document with one is not checked
//! as what AWS runs: the policy checkers report it.

use std::cell::RefCell;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// The path of every key given twice in one object of `text`, in document order:
/// `root.key`, `root.list[2].key` (just `key…` when `root` is empty). Text that is not
/// JSON gives what was found before the error: the caller's own parse reports that.
pub fn duplicate_keys(text: &str, root: &str) -> Vec<String> {
    let found = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let _ = Keys {
        path: root.to_string(),
        found: &found,
    }
    .deserialize(&mut de);
    found.into_inner()
}

struct Keys<'a> {
    path: String,
    found: &'a RefCell<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for Keys<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Keys<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            let item = Keys {
                path: format!("{}[{i}]", self.path),
                found: self.found,
            };
            if seq.next_element_seed(item)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = match self.path.is_empty() {
                true => key.clone(),
                false => format!("{}.{key}", self.path),
            };
            if !seen.insert(key) {
                self.found.borrow_mut().push(path.clone());
            }
            map.next_value_seed(Keys {
                path,
                found: self.found,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::duplicate_keys;

    #[test]
    fn every_key_given_twice_is_found_with_its_path() {
        let text = r#"{"a":1,"b":[{"c":1,"c":2},{"d":{"e":1,"e":2}}],"a":3}"#;
        assert_eq!(duplicate_keys(text, "$"), ["$.b[0].c", "$.b[1].d.e", "$.a"]);
        assert_eq!(duplicate_keys(text, ""), ["b[0].c", "b[1].d.e", "a"]);
        assert!(duplicate_keys(r#"{"a":{"a":1}}"#, "").is_empty());
        assert!(duplicate_keys("not json", "$").is_empty());
    }
}
