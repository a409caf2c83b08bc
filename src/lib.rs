//! ecrctl: a command-line tool for Amazon ECR. `main.rs` only calls [`run`].

pub(crate) mod aws;
pub mod cli;
pub(crate) mod docker;
pub(crate) mod duration;
pub(crate) mod error;
pub(crate) mod exit;
pub(crate) mod fsutil;
pub mod generate;
pub(crate) mod iam;
pub(crate) mod input;
pub(crate) mod kube;
pub(crate) mod lifecycle;
pub(crate) mod logging;
pub(crate) mod login;
pub(crate) mod migrate;
pub(crate) mod model;
pub(crate) mod names;
pub(crate) mod outcome;
pub(crate) mod output;
pub(crate) mod pullcheck;
pub(crate) mod pushcheck;
pub mod registry;
pub(crate) mod repo;
pub(crate) mod scan;
pub(crate) mod secret;
pub(crate) mod settings;
pub(crate) mod textdiff;

use clap::Parser;

use crate::cli::{Cli, Command, LifecycleCommand, LoginCommand, RepoCommand, ScanCommand};
use crate::error::CliError;
use crate::exit::ExitCode;
use crate::outcome::{CommandResult, Outcome};
use crate::output::{Paint, Printer};
use crate::settings::Settings;

/// Parses arguments, resolves settings, runs the command, and returns the exit code.
/// Installed or linked as `docker-credential-ecrctl`, the binary is a credential helper.
pub fn run() -> i32 {
    let mut args = std::env::args();
    let argv0 = args.next().unwrap_or_default();
    let program = std::path::Path::new(&argv0).file_name().unwrap_or_default();
    if program == "docker-credential-ecrctl" {
        return login::helper::main(args.next().as_deref());
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    let settings = match Settings::resolve(cli.global.to_flags()) {
        Ok(settings) => settings,
        Err(failure) => return exit_code(Err(failure), Vec::new(), &Paint::plain()),
    };
    logging::init(settings.output.verbose, settings.output.quiet);
    let printer = Printer::new(&settings.output);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts");
    let interrupted = || {
        CliError::interrupted()
            .with_hint("every finished step is kept: run the same command again to continue")
    };
    // Long CPU-bound work (a 100,000-image evaluation) keeps the select below from seeing
    // Ctrl-C; this watchdog, on another thread, ends the run if it has not within 2 s.
    let paint = printer.stderr_paint;
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            output::to_stderr(&output::failure::render(&interrupted(), &paint));
            std::process::exit(ExitCode::Interrupted.code());
        }
    });
    let result = runtime.block_on(async {
        tokio::select! {
            result = dispatch(&cli.command, &settings, &printer) => result,
            _ = tokio::signal::ctrl_c() => Err(interrupted()),
        }
    });
    // Do not wait for in-flight requests after Ctrl-C or an error.
    runtime.shutdown_background();
    exit_code(result, printer.take_failures(), &printer.stderr_paint)
}

/// `--help` and `--version` (exit 0, on stdout) or a usage error (exit 2, on stderr) as
/// clap words them; help that cannot be written is exit 3, not a silent 0.
fn clap_exit(error: &clap::Error) -> i32 {
    let code = match error.kind() {
        clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
        _ => ExitCode::Usage.code(),
    };
    match error.print() {
        Ok(()) => code,
        Err(_) if code == 0 => ExitCode::Remote.code(),
        Err(_) => code,
    }
}

/// The one place where an outcome becomes an exit code (docs/conventions.md). A failure
/// to write the output turns a success into exit 3; it never changes a "no" verdict (1),
/// a failure (2, 3), a timeout (4) or an interruption (130). Whatever the code, the
/// verdict or failure is printed on stderr, followed by the output failures.
fn exit_code(result: CommandResult, output_failures: Vec<CliError>, paint: &Paint) -> i32 {
    let code = match &result {
        Ok(Outcome::Success) if output_failures.is_empty() => ExitCode::Success,
        Ok(Outcome::Success) => ExitCode::Remote,
        Ok(Outcome::Verdict(_)) => ExitCode::Verdict,
        Err(failure) => failure.exit_code(),
    };
    let mut text = match &result {
        Ok(Outcome::Success) => String::new(),
        Ok(Outcome::Verdict(v)) => output::failure::render_block(
            &paint.error("error:"),
            &v.message,
            &v.causes,
            v.hint.as_deref(),
            paint,
        ),
        Err(failure) => output::failure::render(failure, paint),
    };
    for failure in &output_failures {
        text.push_str(&output::failure::render(failure, paint));
    }
    output::to_stderr(&text);
    code.code()
}

async fn dispatch(command: &Command, settings: &Settings, printer: &Printer) -> CommandResult {
    match command {
        Command::Repo(RepoCommand::Create(args)) => {
            repo::create::run(settings, args, printer).await
        }
        Command::Repo(RepoCommand::List(args)) => repo::list::run(settings, args, printer).await,
        Command::Repo(RepoCommand::Delete(args)) => {
            repo::delete::run(settings, args, printer).await
        }
        Command::Lifecycle(LifecycleCommand::Preview(args)) => {
            lifecycle::preview::run(settings, args, printer).await
        }
        Command::Lifecycle(LifecycleCommand::Lint(args)) => lifecycle::lint_cmd::run(args, printer),
        Command::Lifecycle(LifecycleCommand::Apply(args)) => {
            lifecycle::apply::run(settings, args, printer).await
        }
        Command::Lifecycle(LifecycleCommand::Snapshot(args)) => {
            lifecycle::snapshot::run(settings, args, printer).await
        }
        Command::Scan(ScanCommand::Gate(args)) => scan::command::run(settings, args, printer).await,
        Command::Migrate(args) => migrate::command::run(settings, args, printer).await,
        Command::PushCheck(args) => pushcheck::command::run(settings, args, printer).await,
        Command::PullCheck(args) => pullcheck::command::run(settings, args, printer).await,
        Command::Login(args) => match &args.command {
            Some(LoginCommand::Status(status)) => login::status::run(status, printer).await,
            None => login::command::run(settings, args, printer).await,
        },
        Command::Logout(args) => login::logout::run(args, printer).await,
        Command::Completions(args) => {
            let text = generate::completions(args.shell);
            printer.stdout(&String::from_utf8_lossy(&text));
            Ok(Outcome::Success)
        }
    }
}
