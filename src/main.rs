/// jemalloc rather than the system allocator: calcmine allocates and frees millions of small
/// strings per archive from several threads, where glibc's malloc spent about a sixth of the
/// run (measured; figures in Cargo.toml beside the dependency).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    calcmine::cli::main()
}
