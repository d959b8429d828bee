use clap::Parser;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = rota::cli::Cli::parse();
    match rota::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
