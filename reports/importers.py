"""CSV import kinds owned by the reports app (enrollment). See interactions/importers.py for
the framework and the other kinds; the `import_csv` command merges both registries."""

KINDS: dict = {}
