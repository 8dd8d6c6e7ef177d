fn main() -> std::process::ExitCode {
    calcmine::cli::main()
}
