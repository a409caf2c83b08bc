//! ECR repository name rules, checked locally before any API call.
//!
//! ECR's pattern: `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`,
//! 2 to 256 characters. Names are case-sensitive and lowercase only.

use crate::error::CliError;

pub const MIN_LEN: usize = 2;
pub const MAX_LEN: usize = 256;

/// Why a repository name is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    TooShort,
    TooLong(usize),
    Uppercase,
    BadCharacter(char),
    /// A separator (`.` `_` `-` `/`) at the start or end, or next to another one.
    MisplacedSeparator(char),
}

fn is_separator(c: char) -> bool {
    matches!(c, '.' | '_' | '-' | '/')
}

/// Checks `name` against ECR's repository-name rule.
pub fn check_repository_name(name: &str) -> Result<(), NameProblem> {
    let len = name.chars().count();
    if len < MIN_LEN {
        return Err(NameProblem::TooShort);
    }
    if len > MAX_LEN {
        return Err(NameProblem::TooLong(len));
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(NameProblem::Uppercase);
    }
    if let Some(c) = name
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || is_separator(c)))
    {
        return Err(NameProblem::BadCharacter(c));
    }
    let mut previous_was_separator = true; // the start behaves like a separator
    for c in name.chars() {
        if is_separator(c) {
            if previous_was_separator {
                return Err(NameProblem::MisplacedSeparator(c));
            }
            previous_was_separator = true;
        } else {
            previous_was_separator = false;
        }
    }
    if previous_was_separator {
        return Err(NameProblem::MisplacedSeparator(
            name.chars().last().unwrap_or('/'),
        ));
    }
    Ok(())
}

/// A usage error (exit 2) for a bad name, with a suggestion where one can be made.
pub fn name_error(name: &str, problem: &NameProblem) -> CliError {
    let what = match problem {
        NameProblem::TooShort => format!("must be {MIN_LEN} to {MAX_LEN} characters long"),
        NameProblem::TooLong(len) => format!("is {len} characters long; the limit is {MAX_LEN}"),
        NameProblem::Uppercase => "has uppercase letters".to_string(),
        NameProblem::BadCharacter(c) => format!("contains `{c}`, which ECR does not allow"),
        NameProblem::MisplacedSeparator(c) => {
            format!("has `{c}` at the start or end, or next to another separator")
        }
    };
    let error = CliError::usage(format!("invalid repository name `{name}`: it {what}"));
    let rule = "ECR names are 2-256 characters: lowercase letters and digits, separated by \
                single `.`, `_` or `-`, with `/` between namespace parts";
    match (problem, suggest(name)) {
        (NameProblem::Uppercase, Some(s)) => error.with_hint(format!(
            "ECR names are lowercase and case-sensitive — did you mean '{s}'?"
        )),
        (_, Some(s)) => error.with_hint(format!("{rule} — did you mean `{s}`?")),
        (_, None) => error.with_hint(rule),
    }
}

/// A valid name close to `name`: lowercased, bad characters turned into `-`, runs of
/// separators collapsed, separators trimmed from the ends.
pub fn suggest(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() || is_separator(c) {
            c
        } else {
            '-'
        };
        let last = out.chars().last();
        match last {
            Some(prev) if is_separator(prev) && is_separator(c) => {
                // Keep the stronger separator: `/` wins, so namespaces survive.
                if c == '/' {
                    out.pop();
                    out.push('/');
                }
            }
            None if is_separator(c) => {}
            _ => out.push(c),
        }
    }
    while out.chars().last().is_some_and(is_separator) {
        out.pop();
    }
    (check_repository_name(&out).is_ok() && out != name).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ecr_shaped_names() {
        for name in ["ab", "my-app", "team/my_app.v2", "a/b/c", "0x", "a-b_c.d/e"] {
            assert_eq!(check_repository_name(name), Ok(()), "{name}");
        }
        assert_eq!(check_repository_name(&"a".repeat(256)), Ok(()));
    }

    #[test]
    fn rejects_what_ecr_rejects() {
        use NameProblem::*;
        assert_eq!(check_repository_name("a"), Err(TooShort));
        assert_eq!(check_repository_name(""), Err(TooShort));
        assert_eq!(check_repository_name(&"a".repeat(257)), Err(TooLong(257)));
        assert_eq!(check_repository_name("My-App"), Err(Uppercase));
        assert_eq!(check_repository_name("my app"), Err(BadCharacter(' ')));
        assert_eq!(check_repository_name("my:app"), Err(BadCharacter(':')));
        assert_eq!(check_repository_name("-app"), Err(MisplacedSeparator('-')));
        assert_eq!(check_repository_name("app-"), Err(MisplacedSeparator('-')));
        assert_eq!(
            check_repository_name("my--app"),
            Err(MisplacedSeparator('-'))
        );
        assert_eq!(
            check_repository_name("team//app"),
            Err(MisplacedSeparator('/'))
        );
        assert_eq!(
            check_repository_name("team/-app"),
            Err(MisplacedSeparator('-'))
        );
        assert_eq!(check_repository_name("/app"), Err(MisplacedSeparator('/')));
    }

    #[test]
    fn suggests_a_valid_nearby_name() {
        assert_eq!(suggest("My-App").as_deref(), Some("my-app"));
        assert_eq!(suggest("my app").as_deref(), Some("my-app"));
        assert_eq!(suggest("team//api-").as_deref(), Some("team/api"));
        assert_eq!(suggest("team-/api").as_deref(), Some("team/api"));
        assert_eq!(suggest("ok-name"), None);
        assert_eq!(suggest("!"), None);
    }

    #[test]
    fn uppercase_hint_names_the_lowercase_form() {
        let error = name_error("My-App", &NameProblem::Uppercase);
        assert_eq!(error.exit_code().code(), 2);
        assert_eq!(
            error.hint(),
            Some("ECR names are lowercase and case-sensitive — did you mean 'my-app'?")
        );
    }
}
