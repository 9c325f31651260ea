pub fn run(_a: &[String]) -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
