//! ANSI colours for stderr labels, or none (NO_COLOR, --no-color, not a terminal).

#[derive(Debug, Clone, Copy)]
pub struct Paint {
    enabled: bool,
}

impl Paint {
    pub fn new(enabled: bool) -> Self {
        Self { enabled }
    }

    pub fn plain() -> Self {
        Self { enabled: false }
    }

    fn wrap(&self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn error(&self, text: &str) -> String {
        self.wrap("1;31", text)
    }
    pub fn warn(&self, text: &str) -> String {
        self.wrap("1;33", text)
    }
    pub fn hint(&self, text: &str) -> String {
        self.wrap("1;36", text)
    }
    pub fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
}
