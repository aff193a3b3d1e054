// mimalloc: many small allocations across threads (YAML values, template values) fragment
// glibc's allocator badly on large ledgers; mimalloc keeps peak memory and time down.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    opsledger::cli::main()
}
