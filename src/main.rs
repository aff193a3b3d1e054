fn main() -> std::process::ExitCode {
    opsledger::cli::main()
}
