//! `till`: the command ([`till::cli`]).

fn main() -> anyhow::Result<()> {
    till::cli::main()
}
