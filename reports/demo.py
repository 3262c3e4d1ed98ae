"""Demo data for this app; called by `seed_demo` in order (see sro_program.demo.DemoContext)."""


def seed(ctx) -> None:
    return None
