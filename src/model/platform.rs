//! An image platform, `os/arch[/variant]`, as `--platform` flags and OCI indexes name it.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// `os/arch[/variant]`, e.g. `linux/arm64/v8`.
pub fn parse(text: &str) -> Result<Platform, String> {
    let parts: Vec<&str> = text.split('/').collect();
    let ok = |p: &&str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
    };
    match parts.as_slice() {
        [os, arch] if ok(os) && ok(arch) => Ok(Platform {
            os: os.to_string(),
            architecture: arch.to_string(),
            variant: None,
        }),
        [os, arch, variant] if ok(os) && ok(arch) && ok(variant) => Ok(Platform {
            os: os.to_string(),
            architecture: arch.to_string(),
            variant: Some(variant.to_string()),
        }),
        _ => Err(format!(
            "`{text}` is not os/arch[/variant] (e.g. linux/amd64, linux/arm64/v8)"
        )),
    }
}

impl Platform {
    /// Whether `entry` is what `self` asks for: a request without a variant takes the
    /// entry of that os/arch (arm64 entries say `v8`, and `linux/arm64` means it).
    pub fn matches(&self, entry: &Platform) -> bool {
        self.os == entry.os
            && self.architecture == entry.architecture
            && (self.variant.is_none() || self.variant == entry.variant)
    }
}
