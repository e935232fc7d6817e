//! `istioctl`: thin entry point. Parsing, dispatch and error reporting live in the library.

fn main() -> std::process::ExitCode {
    istioctl::cmd::main()
}
