//! ecrctl: a command-line tool for Amazon ECR. `main.rs` only calls [`run`].

pub mod aws;
pub mod cli;
pub mod docker;
pub mod duration;
pub mod error;
pub mod exit;
pub mod fsutil;
pub mod generate;
pub mod global;
pub mod input;
pub mod lifecycle;
pub mod logging;
pub mod login;
pub mod migrate;
pub mod names;
pub mod output;
pub mod pushcheck;
pub mod registry;
pub mod repo;
pub mod scan;
pub mod secret;
pub mod textdiff;

use clap::Parser;

use crate::cli::{Cli, Command, LifecycleCommand, LoginCommand, RepoCommand, ScanCommand};
use crate::error::CliError;
use crate::exit::ExitCode;
use crate::output::Printer;

/// Parses arguments, runs the command, prints any error, and returns the exit code.
/// Installed or linked as `docker-credential-ecrctl`, the binary is a credential helper.
pub fn run() -> i32 {
    let mut args = std::env::args();
    let argv0 = args.next().unwrap_or_default();
    let program = std::path::Path::new(&argv0).file_name().unwrap_or_default();
    if program == "docker-credential-ecrctl" {
        return login::helper::main(args.next().as_deref());
    }
    let cli = Cli::parse();
    logging::init(cli.global.verbose, cli.global.quiet);
    let printer = Printer::from_args(&cli.global);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts");
    let result = runtime.block_on(async {
        global::validate(&cli.global)?;
        tokio::select! {
            result = dispatch(&cli, &printer) => result,
            _ = tokio::signal::ctrl_c() => Err(CliError::interrupted()
                .with_hint("every finished step is kept: run the same command again to continue")),
        }
    });
    // Do not wait for in-flight requests after Ctrl-C or an error.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::Success.code(),
        Err(error) if error.silent => error.exit.code(),
        Err(error) => {
            eprint!("{}", error::render(&error, &printer.stderr_paint));
            error.exit.code()
        }
    }
}

async fn dispatch(cli: &Cli, printer: &Printer) -> Result<(), CliError> {
    let global = &cli.global;
    match &cli.command {
        Command::Repo(RepoCommand::Create(args)) => repo::create::run(global, args, printer).await,
        Command::Repo(RepoCommand::List(args)) => repo::list::run(global, args, printer).await,
        Command::Lifecycle(LifecycleCommand::Preview(args)) => {
            lifecycle::preview::run(global, args, printer).await
        }
        Command::Lifecycle(LifecycleCommand::Lint(args)) => lifecycle::lint_cmd::run(args, printer),
        Command::Lifecycle(LifecycleCommand::Apply(args)) => {
            lifecycle::apply::run(global, args, printer).await
        }
        Command::Scan(ScanCommand::Gate(args)) => scan::command::run(global, args, printer).await,
        Command::Migrate(args) => migrate::command::run(global, args, printer).await,
        Command::PushCheck(args) => pushcheck::command::run(global, args, printer).await,
        Command::Login(args) => match &args.command {
            Some(LoginCommand::Status(status)) => login::status::run(status, printer).await,
            None => login::command::run(global, args, printer).await,
        },
        Command::Completions(args) => {
            let text = generate::completions(args.shell);
            printer.stdout(&String::from_utf8_lossy(&text))?;
            Ok(())
        }
    }
}
