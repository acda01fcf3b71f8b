//! What git hands a hook on standard input, read as bytes: ref names are whatever
//! bytes git allows in them (not necessarily UTF-8), object ids are 40 (SHA-1) or 64
//! (SHA-256) hexadecimal digits, and an all-zero id of either length means the ref is
//! created or deleted.

use git2::Oid;

use super::FreezeError;

/// A `<old> <new> <ref>` line of a pre-receive hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    /// The old value (zero when the ref is created).
    pub old: Oid,
    /// The new value (zero when the ref is deleted).
    pub new: Oid,
    /// The ref, as git passed it.
    pub name: Vec<u8>,
}

impl RefUpdate {
    /// Parses one line of pre-receive input.
    pub fn parse(line: &[u8]) -> Result<RefUpdate, FreezeError> {
        let [old, new, name] = fields(line)[..] else {
            return Err(malformed(line, "expected three fields: <old> <new> <ref>"));
        };
        Ok(RefUpdate {
            old: object_id(line, old)?,
            new: object_id(line, new)?,
            name: name.to_vec(),
        })
    }

    /// The update as git carries it out: pushed to a symbolic ref (an alias such as
    /// `refs/heads/master` -> `refs/heads/main`), it writes the ref the alias names,
    /// so it is judged as an update of that ref.
    pub fn written(self, repo: &git2::Repository) -> RefUpdate {
        let mut name = self.name;
        // git follows at most five levels of symbolic refs.
        for _ in 0..5 {
            let target = std::str::from_utf8(&name)
                .ok()
                .and_then(|text| repo.find_reference(text).ok())
                .and_then(|reference| reference.symbolic_target_bytes().map(<[u8]>::to_vec));
            match target {
                Some(target) => name = target,
                None => break,
            }
        }
        RefUpdate { name, ..self }
    }

    /// Whether the push deletes the ref.
    pub fn is_deletion(&self) -> bool {
        self.new.is_zero()
    }

    /// Whether the push creates the ref.
    pub fn is_creation(&self) -> bool {
        self.old.is_zero()
    }

    /// The ref's name as text (bytes that are not UTF-8 replaced), for receipts and
    /// messages.
    pub fn display_name(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }
}

/// One `<local ref> <local oid> <remote ref> <remote oid>` line of a pre-push hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRef {
    /// What is pushed (zero for a deletion).
    pub local: Oid,
    /// What the remote has (zero for a new ref).
    pub remote: Oid,
}

impl PushedRef {
    /// Parses one line of pre-push input.
    pub fn parse(line: &[u8]) -> Result<PushedRef, FreezeError> {
        let [_, local, _, remote] = fields(line)[..] else {
            return Err(malformed(
                line,
                "expected <local ref> <local oid> <remote ref> <remote oid>",
            ));
        };
        Ok(PushedRef {
            local: object_id(line, local)?,
            remote: object_id(line, remote)?,
        })
    }
}

/// Every non-blank line of a hook's input, parsed with `parse`.
pub fn lines<T>(
    input: &[u8],
    parse: impl Fn(&[u8]) -> Result<T, FreezeError>,
) -> Result<Vec<T>, FreezeError> {
    input
        .split(|&byte| byte == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .map(parse)
        .collect()
}

fn fields(line: &[u8]) -> Vec<&[u8]> {
    line.split(|&byte| byte == b' ' || byte == b'\t')
        .filter(|field| !field.is_empty())
        .collect()
}

/// An object id of 40 or 64 hexadecimal digits; all zeros (of either length) is zero.
fn object_id(line: &[u8], field: &[u8]) -> Result<Oid, FreezeError> {
    if !matches!(field.len(), 40 | 64) || !field.iter().all(u8::is_ascii_hexdigit) {
        return Err(malformed(
            line,
            "object ids must be 40 or 64 hexadecimal digits",
        ));
    }
    if field.iter().all(|&byte| byte == b'0') {
        return Ok(if field.len() == 64 {
            Oid::ZERO_SHA256
        } else {
            Oid::ZERO_SHA1
        });
    }
    let text = std::str::from_utf8(field).map_err(|_| malformed(line, "invalid object id"))?;
    crate::repo::parse_oid(text).map_err(|_| malformed(line, "invalid object id"))
}

fn malformed(line: &[u8], reason: &str) -> FreezeError {
    FreezeError::HookInput {
        line: String::from_utf8_lossy(line).into_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_hook_lines() {
        let zero = "0".repeat(40);
        let one = "1".repeat(40);
        let update = RefUpdate::parse(format!("{zero} {one} refs/heads/main").as_bytes()).unwrap();
        assert!(update.is_creation() && !update.is_deletion());
        assert_eq!(update.name, b"refs/heads/main");
        let deletion =
            RefUpdate::parse(format!("{one} {} refs/heads/x", "0".repeat(64)).as_bytes());
        assert!(deletion.unwrap().is_deletion(), "64 zeros delete too");
        for bad in [
            String::new(),
            "a b".into(),
            format!("{one} {one}"),
            format!("{one} xyz refs/heads/a"),
            format!("{one} {one} r extra"),
        ] {
            assert!(RefUpdate::parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ref_names_are_bytes() {
        let one = "1".repeat(40);
        let mut line = format!("{one} {one} refs/heads/caf").into_bytes();
        line.extend_from_slice(b"\xe9-latin1");
        let update = RefUpdate::parse(&line).unwrap();
        assert_eq!(update.name, b"refs/heads/caf\xe9-latin1");
        assert_eq!(update.display_name(), "refs/heads/caf\u{fffd}-latin1");
        let input = [
            line.as_slice(),
            b"\n\n",
            format!("{one} {one} refs/tags/v1\r\n").as_bytes(),
        ]
        .concat();
        assert_eq!(lines(&input, RefUpdate::parse).unwrap().len(), 2);
    }

    #[test]
    fn pre_push_lines_name_both_sides() {
        let one = "1".repeat(40);
        let zero = "0".repeat(40);
        let pushed =
            PushedRef::parse(format!("refs/heads/a {one} refs/heads/a {zero}").as_bytes()).unwrap();
        assert_eq!(
            (pushed.local.is_zero(), pushed.remote.is_zero()),
            (false, true)
        );
        assert!(PushedRef::parse(b"refs/heads/a xyz refs/heads/a 0").is_err());
    }

    proptest! {
        #[test]
        fn any_input_parses_or_is_refused_without_panicking(input in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = lines(&input, RefUpdate::parse);
            let _ = lines(&input, PushedRef::parse);
        }
    }
}
