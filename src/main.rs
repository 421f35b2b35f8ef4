fn main() -> std::process::ExitCode {
    tremplin::cli::main()
}
